"""The CLI as a user runs it: exit codes and messages."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from agent.cli import app
from agent.demo_deal import demo_files

runner = CliRunner()


def env(tmp_path: Path) -> dict[str, str]:
    return {
        "HANDOFF_DATABASE_URL": f"sqlite:///{tmp_path / 'h.db'}",
        "HANDOFF_OUTBOX_DIR": str(tmp_path / "outbox"),
        "HANDOFF_INBOX_ADDRESS": "handoff@northwind.example",
        "HANDOFF_COMPANY_DOMAINS": "northwind.example",
        "HANDOFF_DEBOUNCE_S": "0",
    }


def test_ingest_then_export_prints_the_json_contract(tmp_path: Path) -> None:
    files = [str(p) for p in demo_files()]
    result = runner.invoke(app, ["ingest", *files], env=env(tmp_path))
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["export", "alderfinch.example", "--format", "json"], env=env(tmp_path))
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["schema"] == "handoff-document/v1"
    assert doc["account"]["domain"] == "alderfinch.example"
    assert set(doc["sections"]) >= {"company_overview", "stakeholders", "commitments", "rep_perspective"}
    assert "rep_perspective" in doc["missing"]
    drafts = list((tmp_path / "outbox").glob("*.eml"))
    assert len(drafts) == 1, "a batch ingest gives one draft"


def test_export_of_an_unknown_account_names_the_known_ones(tmp_path: Path) -> None:
    runner.invoke(app, ["ingest", str(demo_files()[0])], env=env(tmp_path))
    result = runner.invoke(app, ["export", "nosuch.example"], env=env(tmp_path))
    assert result.exit_code == 1
    assert "alderfinch.example" in result.output


def test_a_bad_setting_exits_2_with_the_variable_named(tmp_path: Path) -> None:
    result = runner.invoke(app, ["accounts"], env={**env(tmp_path), "HANDOFF_TIMEZONE": "Nowhere/City"})
    assert result.exit_code == 2
    assert "HANDOFF_TIMEZONE" in result.output


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest", str(tmp_path / "nope.eml")], env=env(tmp_path))
    assert result.exit_code == 2 and "nope.eml" in result.output


def test_parse_prints_each_message_without_storing(tmp_path: Path) -> None:
    result = runner.invoke(app, ["parse", str(demo_files()[1]), "--format", "json"], env=env(tmp_path))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["messages"]) >= 2
    assert all({"from", "date", "body", "kind"} <= set(m) for m in data["messages"])
    assert not (tmp_path / "h.db").exists()


def test_health_reports_a_missing_schema_and_then_ok(tmp_path: Path) -> None:
    result = runner.invoke(app, ["health"], env=env(tmp_path))
    assert result.exit_code == 1 and "handoff db upgrade" in result.output
    assert runner.invoke(app, ["db", "upgrade"], env=env(tmp_path)).exit_code == 0
    result = runner.invoke(app, ["health"], env=env(tmp_path))
    assert result.exit_code == 0, result.output


def test_accounts_lists_the_account_with_its_status(tmp_path: Path) -> None:
    runner.invoke(app, ["ingest", *(str(p) for p in demo_files())], env=env(tmp_path))
    result = runner.invoke(app, ["accounts"], env=env(tmp_path))
    assert result.exit_code == 0
    assert "alderfinch.example" in result.output and "draft_sent" in result.output


def test_an_mbox_file_is_ingested_message_by_message(tmp_path: Path) -> None:
    import mailbox

    box = mailbox.mbox(str(tmp_path / "deal.mbox"))
    for path in demo_files()[:3]:
        box.add(mailbox.mboxMessage(path.read_bytes()))
    box.flush()
    box.close()
    result = runner.invoke(app, ["ingest", str(tmp_path / "deal.mbox")], env=env(tmp_path))
    assert result.exit_code == 0, result.output
    assert "3 stored" in result.output
    again = runner.invoke(app, ["ingest", str(tmp_path / "deal.mbox")], env=env(tmp_path))
    assert "0 stored, 3 already known" in again.output
