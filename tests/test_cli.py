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


READ_ONLY = [
    ["accounts"],
    ["export", "alderfinch.example"],
    ["export", "--all", "--format", "jsonl"],
    ["report"],
    ["search", "Snowflake"],
    ["snapshots", "alderfinch.example"],
    ["quarantine", "list"],
]


def test_read_only_commands_on_a_missing_database_say_so_in_one_line_and_create_nothing(tmp_path: Path) -> None:
    for command in READ_ONLY:
        result = runner.invoke(app, command, env=env(tmp_path))
        assert result.exit_code == 2, (command, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), command
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and "handoff db upgrade" in lines[0], (command, result.output)
    assert not (tmp_path / "h.db").exists()


def test_every_command_on_a_database_that_is_down_prints_one_line_and_exits_2(tmp_path: Path) -> None:
    down = {**env(tmp_path), "HANDOFF_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:9/nothing"}
    for command in [*READ_ONLY, ["checkbacks", "off", "x"], ["quarantine", "replay", "1"]]:
        result = runner.invoke(app, command, env=down)
        assert result.exit_code == 2, (command, result.output)
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and "did not answer" in lines[0], (command, result.output)


def test_a_schema_behind_this_version_is_not_migrated_by_a_read_only_command(tmp_path: Path) -> None:
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import text

    from db.session import MIGRATIONS, make_engine

    assert runner.invoke(app, ["db", "upgrade"], env=env(tmp_path)).exit_code == 0
    engine = make_engine(f"sqlite:///{tmp_path / 'h.db'}")
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", str(engine.url))
    command.downgrade(cfg, "-1")
    with engine.connect() as conn:
        before = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    for read in READ_ONLY:
        result = runner.invoke(app, read, env=env(tmp_path))
        assert result.exit_code == 2 and "run `handoff db upgrade`" in result.output, (read, result.output)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == before
    engine.dispose()


def test_replaying_an_id_that_is_not_quarantined_is_an_error(tmp_path: Path) -> None:
    assert runner.invoke(app, ["db", "upgrade"], env=env(tmp_path)).exit_code == 0
    result = runner.invoke(app, ["quarantine", "replay", "999"], env=env(tmp_path))
    assert result.exit_code == 1
    assert "999" in result.output and "quarantine list" in result.output


def test_health_checks_the_relay_url_as_serve_does(tmp_path: Path) -> None:
    assert runner.invoke(app, ["db", "upgrade"], env=env(tmp_path)).exit_code == 0
    result = runner.invoke(app, ["health"], env={**env(tmp_path), "HANDOFF_RELAY_URL": "ftp://x"})
    assert result.exit_code == 1
    assert "ok: False" in result.output and "HANDOFF_RELAY_URL" in result.output


def test_help_pages_read_as_english() -> None:
    pages = [[], ["ingest"], ["worker"], ["export"], ["search"], ["snapshots"], ["parse"], ["report"]]
    pages += [["quarantine", "replay"], ["quarantine", "list"], ["checkbacks", "off"], ["db", "upgrade"]]
    for page in pages:
        result = runner.invoke(app, [*page, "--help"], env={"COLUMNS": "200"})
        assert result.exit_code == 0, page
        for machine_talk in ("<bool>", "<str>", "<int", "<list[", "<Path>", "{", "}"):
            assert machine_talk not in result.output, (page, machine_talk, result.output)
    usage = runner.invoke(app, ["ingest", "--help"], env={"COLUMNS": "200"}).output
    assert "FILE..." in usage
    assert "ID..." in runner.invoke(app, ["quarantine", "replay", "--help"], env={"COLUMNS": "200"}).output


def test_parse_reads_a_message_whose_first_header_is_return_path(tmp_path: Path) -> None:
    from mailflows.inbound.parse import parse_message

    path = demo_files()[1]
    assert path.read_bytes().startswith(b"Return-Path:")
    result = runner.invoke(app, ["parse", str(path), "--format", "json"], env=env(tmp_path))
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert shown == parse_message(path.read_bytes()).to_json()
    assert shown["messages"][0]["from"] and not shown["messages"][0]["body"].startswith("Received:")


def test_parse_takes_a_file_without_headers_as_a_bare_body(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_text("Note: call with Derek went well.\nHe wants SSO by March.\n")
    result = runner.invoke(app, ["parse", str(path), "--format", "json"], env=env(tmp_path))
    assert result.exit_code == 0, result.output
    assert "SSO by March" in json.loads(result.stdout)["messages"][0]["body"]
