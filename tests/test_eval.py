"""``handoff eval DIR``: the whole loop over a labelled deal, scored, with the product's own command.

The demo deal that ships with the package is the corpus here (its ``expected.json`` is a
``gold.json``); the real service reads it into a fresh SQLite database, answers the draft
with the rep's reply and approves. No shared corpus needed.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from agent import demo_deal
from agent.cli import app
from agent.evaluate import evaluate
from tests.conftest import make_settings

DEMO = Path(demo_deal.__file__).parent


def labelled_demo(root: Path, *, drop_email_of: str | None = None) -> Path:
    deal = root / "deals" / "alderfinch"
    shutil.copytree(DEMO / "inbox", deal / "inbox")
    shutil.copy(DEMO / "rep-reply.txt", deal / "rep-reply.txt")
    gold = json.loads((DEMO / "expected.json").read_text(encoding="utf-8"))
    for person in gold["stakeholders"]:
        if person["name"] == drop_email_of:
            person["email"] = None  # someone who only spoke on a call: the label has no address
    (deal / "gold.json").write_text(json.dumps(gold), encoding="utf-8")
    return root / "deals"


async def test_eval_runs_the_loop_and_scores_every_section(tmp_path: Path) -> None:
    corpus = labelled_demo(tmp_path)
    [result] = await evaluate(corpus, make_settings(tmp_path))
    gold = json.loads((corpus / "alderfinch" / "gold.json").read_text(encoding="utf-8"))
    assert result.errors == []  # the draft reached the rep and, after "approve", the final mail the CSM
    found_first, total = map(int, result.loop.split("/"))  # the first draft's recall, before the reply
    assert total == len(gold["facts"]) and 0 < found_first <= total
    assert result.facts == len(gold["facts"]) + len(gold.get("rep_reply_facts", []))
    assert 0.8 <= result.recall <= 1.0
    assert result.stakeholders == [len(gold["stakeholders"])] * 2
    assert result.bad_quotes == [] and result.traps == []
    assert sum(total for _, total in result.per_section.values()) == result.facts


async def test_a_labelled_person_without_an_address_is_matched_by_name(tmp_path: Path) -> None:
    corpus = labelled_demo(tmp_path, drop_email_of="Walter Brandt")
    [result] = await evaluate(corpus, make_settings(tmp_path))
    assert result.errors == []
    assert result.stakeholders[0] == result.stakeholders[1]
    assert not [lost for lost in result.lost if lost.startswith("stakeholder")]


def test_eval_prints_json_a_team_can_compare(tmp_path: Path) -> None:
    corpus = labelled_demo(tmp_path)
    env = {"HANDOFF_DATABASE_URL": f"sqlite:///{tmp_path / 'unused.db'}", "HANDOFF_EXTRACTOR": "offline"}
    out = CliRunner().invoke(app, ["eval", str(corpus), "--format", "json"], env=env)
    assert out.exit_code == 0, out.output
    [row] = json.loads(out.stdout)
    assert row["deal"] == "alderfinch" and row["recall"] >= 0.8 and row["errors"] == []


def test_a_quote_is_checked_against_html_as_a_reader_sees_it(tmp_path: Path) -> None:
    # "<b>1 de septiembre</b>." reads "1 de septiembre." (inline tags join), "<p>" and "<br>" start lines
    from email.message import EmailMessage

    from agent.evaluate import deal_text

    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "rep@lumendata.example", "handoff@lumendata.example", "Fechas"
    msg.set_content("<p>Tablero funcionando el <b>1 de septiembre</b>.</p><p>Luego<br>Monterrey</p>", subtype="html")
    (tmp_path / "inbox").mkdir()
    (tmp_path / "inbox" / "01.eml").write_bytes(bytes(msg))
    (tmp_path / "rep-reply.txt").write_text("ok", encoding="utf-8")
    text = deal_text(tmp_path)
    assert "tablero funcionando el 1 de septiembre." in text and "luego monterrey" in text


async def test_a_deal_the_service_fails_on_is_reported_and_the_others_are_still_measured(tmp_path: Path) -> None:
    corpus = labelled_demo(tmp_path)
    broken = corpus / "aaa-broken"
    shutil.copytree(corpus / "alderfinch", broken)
    (broken / "inbox" / "00-unreadable.eml").mkdir()  # a folder where a message should be: reading it fails
    results = await evaluate(corpus, make_settings(tmp_path))
    assert [r.deal for r in results] == ["aaa-broken", "alderfinch"]
    failed, measured = results
    assert failed.found == 0 and failed.facts == measured.facts and failed.recall == 0.0
    assert failed.errors and failed.errors[0].startswith("the service failed: IsADirectoryError")
    assert measured.errors == [] and measured.recall >= 0.8
