"""The ``handoff`` command line: thin commands that call into the packages.

What it is for: argument parsing and printing (help in words and errors in one line
come from agent/cli_base.py). Not for: logic — each command is a few lines calling
agent/service.py, agent/lookups.py, agent/health.py, agent/after_handoff/, db/ or
mailflows/.
"""

from __future__ import annotations

import asyncio
import json
import logging
import shutil
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from agent.cli_base import command_group, err
from agent.settings import Settings, load_settings

if TYPE_CHECKING:
    from agent.render import Format

app = command_group("Sales-to-customer-success handoffs from forwarded mail.")
db_app = command_group("Database schema.")
quarantine_app = command_group("Messages that failed every try.")
checkbacks_app = command_group("Check-backs to the CSM at 90 days, 6 months and 1 year.")
app.add_typer(db_app, name="db")
app.add_typer(quarantine_app, name="quarantine")
app.add_typer(checkbacks_app, name="checkbacks")


class DocFormat(StrEnum):
    json = "json"
    md = "md"
    html = "html"
    txt = "txt"
    csv = "csv"
    jsonl = "jsonl"


class ReportFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class ParseFormat(StrEnum):
    json = "json"
    text = "text"


class EvalFormat(StrEnum):
    table = "table"
    details = "details"
    json = "json"


def _settings(**overrides: object) -> Settings:
    return load_settings(**overrides)


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress to stderr.")] = False) -> None:
    import os

    from agent.logs import configure

    configure(logging.INFO if verbose else logging.WARNING, os.environ.get("HANDOFF_LOG_FORMAT", "text"))


@app.command()
def demo(
    workdir: Annotated[Path, typer.Option(help="Where the demo keeps its database and outbox.")] = Path("handoff-demo"),
    web: Annotated[bool, typer.Option("--web", help="Then serve the web pages until Ctrl-C.")] = False,
) -> None:
    """Run the whole loop on the bundled sample deal, offline: forward, draft, reply, approve."""
    from agent.demo import run_demo

    asyncio.run(run_demo(workdir, print_=typer.echo, web=web))


@app.command()
def serve() -> None:
    """Run the SMTP intake (inline jobs when HANDOFF_REDIS_URL is unset; the web pages when HANDOFF_WEB_PORT is set)."""
    from agent.service import serve as serve_

    settings = _settings()
    asyncio.run(
        serve_(
            settings,
            ready=lambda port: err.print(f"handoff: SMTP intake listening on {settings.smtp_host}:{port}"),
            web_ready=lambda url: err.print(f"handoff: web pages on {url}"),
        )
    )


@app.command()
def web() -> None:
    """Serve the web pages on HANDOFF_WEB_HOST:HANDOFF_WEB_PORT (default 127.0.0.1:8080)."""
    from agent.web import run_web

    asyncio.run(run_web(_settings(), ready=lambda url: err.print(f"handoff: web pages on {url}")))


@app.command()
def worker(burst: Annotated[bool, typer.Option(help="Exit when the queue is empty.")] = False) -> None:
    """Run an arq worker (needs HANDOFF_REDIS_URL)."""
    from agent.app import arq_worker

    arq_worker(_settings(), burst=burst).run()


@app.command()
def ingest(
    files: Annotated[list[Path], typer.Argument(help=".eml or mbox files, in order.", metavar="FILE...")],
) -> None:
    """Feed .eml/mbox files as if they had arrived by mail; returns when all are processed."""
    from agent.service import ingest as ingest_

    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        err.print(f"[red]handoff:[/red] no such file: {', '.join(missing)}")
        raise typer.Exit(2)
    settings = _settings()
    if len(files) > 3 and sys.stderr.isatty():
        with Progress(console=err, transient=True) as bar:
            task = bar.add_task("ingesting", total=len(files))
            counts = asyncio.run(ingest_(settings, files, progress=lambda n: bar.advance(task, n)))
    else:
        counts = asyncio.run(ingest_(settings, files))
    err.print(f"handoff: {counts['stored']} stored, {counts['duplicates']} already known")


@app.command()
def export(
    account: Annotated[str | None, typer.Argument(help="The customer's domain or name.", metavar="ACCOUNT")] = None,
    format: Annotated[DocFormat, typer.Option("--format", "-f")] = DocFormat.json,
    all_: Annotated[bool, typer.Option("--all", help="Every account (jsonl or csv).")] = False,
) -> None:
    """Print an account's handoff document (json follows handoff-document/v1), or all of them with --all."""
    from agent.after_handoff.webhook import all_documents, export_text
    from agent.lookups import document_for

    settings = _settings()
    if all_ or account is None:
        if not all_ or format not in (DocFormat.jsonl, DocFormat.csv):
            err.print("[red]handoff:[/red] name an ACCOUNT, or use --all with --format jsonl or csv")
            raise typer.Exit(2)
        typer.echo(export_text(all_documents(settings), format.value))
        return
    doc = document_for(settings, account)
    if format in (DocFormat.json, DocFormat.jsonl):
        typer.echo(json.dumps(doc.export(), indent=None if format is DocFormat.jsonl else 2, ensure_ascii=False))
        return
    if format is DocFormat.csv:
        typer.echo(export_text([doc], "csv"))
        return
    from agent.render import render_document

    typer.echo(render_document(doc, RENDERED[format]))


RENDERED: dict[DocFormat, Format] = {DocFormat.md: "md", DocFormat.html: "html", DocFormat.txt: "txt"}


class SnapshotFormat(StrEnum):
    table = "table"
    json = "json"
    md = "md"


@app.command()
def snapshots(
    account: Annotated[str, typer.Argument(help="The customer's domain or name.", metavar="ACCOUNT")],
    version: Annotated[int | None, typer.Option("--version", help="Print this version's document.")] = None,
    format: Annotated[SnapshotFormat, typer.Option("--format", "-f")] = SnapshotFormat.table,
) -> None:
    """What the CSM received: one snapshot per delivered revision, never changed afterwards."""
    from agent.after_handoff.snapshots import snapshot_rows, snapshots_text
    from agent.lookups import snapshots_for

    found = snapshots_for(_settings(), account, version)
    if version is not None:
        snap = found[0]
        typer.echo(
            snap.markdown if format is SnapshotFormat.md else json.dumps(snap.document, indent=2, ensure_ascii=False)
        )
        return
    rows = snapshot_rows(found)
    typer.echo(json.dumps(rows, indent=2) if format is SnapshotFormat.json else snapshots_text(rows))


@app.command()
def report(
    since: Annotated[str | None, typer.Option(help="Only handoffs active since this date (YYYY-MM-DD).")] = None,
    format: Annotated[ReportFormat, typer.Option("--format", "-f")] = ReportFormat.table,
) -> None:
    """Metrics per rep and overall, derived from the event log."""
    from datetime import date

    from agent.after_handoff.report import report_text

    try:
        start = date.fromisoformat(since) if since else None
    except ValueError as exc:
        err.print(f"[red]handoff:[/red] --since {since!r} is not a date such as 2026-01-31")
        raise typer.Exit(2) from exc
    typer.echo(report_text(_settings(), start, format.value))


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Words to find in documents and their sources.", metavar="QUERY")],
    rep: Annotated[str | None, typer.Option(help="Rep address or name contains this.")] = None,
    csm: Annotated[str | None, typer.Option(help="CSM address or name contains this.")] = None,
    status: Annotated[str | None, typer.Option(help="collecting | draft_sent | approved | delivered")] = None,
    section: Annotated[str | None, typer.Option(help="A section key or title, 'source' or 'account'.")] = None,
    since: Annotated[str | None, typer.Option(help="Only entries dated on or after this day (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="Only entries dated on or before this day (YYYY-MM-DD).")] = None,
    limit: Annotated[int, typer.Option(min=1, max=500, help="At most this many hits (1 to 500).")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per hit.")] = False,
) -> None:
    """Full-text search over every handoff: account, section and the matching snippet."""
    from datetime import date

    from agent.after_handoff.search import format_hits, run_search

    try:
        dates = {k: date.fromisoformat(v) for k, v in (("since", since), ("until", until)) if v}
    except ValueError as exc:
        err.print("[red]handoff:[/red] --since/--until take a date such as 2026-01-31")
        raise typer.Exit(2) from exc
    hits = run_search(_settings(), query, rep=rep, csm=csm, status=status, section=section, limit=limit, **dates)
    if as_json:
        for hit in hits:
            typer.echo(json.dumps(hit.to_dict(), ensure_ascii=False))
        return
    typer.echo(format_hits(hits, query))


@checkbacks_app.command("off")
def checkbacks_off(
    account: Annotated[str, typer.Argument(help="The customer's domain or name.", metavar="ACCOUNT")],
) -> None:
    """Stop the 90-day / 6-month / 1-year check-backs for one account."""
    _set_checkbacks(account, False)


@checkbacks_app.command("on")
def checkbacks_on(
    account: Annotated[str, typer.Argument(help="The customer's domain or name.", metavar="ACCOUNT")],
) -> None:
    """Resume check-backs for one account."""
    _set_checkbacks(account, True)


def _set_checkbacks(account: str, enabled: bool) -> None:
    from agent.after_handoff.checkbacks import set_enabled

    name = set_enabled(_settings(), account, enabled)
    err.print(f"handoff: check-backs {'on' if enabled else 'off'} for {name}")


@app.command()
def accounts() -> None:
    """List accounts with their status, owner, CSM and deadline."""
    from agent.lookups import account_rows

    rows = account_rows(_settings())
    table = Table("account", "domain", "status", "rep", "csm", "sources", "drafts", "due")
    for row in rows:
        table.add_row(
            *(
                str(row[k] if row[k] is not None else "-")
                for k in ("name", "domain", "status", "rep", "csm", "sources", "drafts", "due")
            )
        )
    Console(width=max(160, shutil.get_terminal_size().columns)).print(table)


@app.command()
def parse(
    file: Annotated[Path, typer.Argument(help="An .eml file, or a bare body with --body.", metavar="FILE")],
    format: Annotated[ParseFormat, typer.Option("--format", "-f")] = ParseFormat.json,
    body: Annotated[bool, typer.Option("--body", help="The file is a message body without headers.")] = False,
) -> None:
    """Show what the parser reads in a message, without storing anything."""
    from mailflows.inbound.parse import parse_file

    if not file.is_file():
        err.print(f"[red]handoff:[/red] no such file: {file}")
        raise typer.Exit(2)
    parsed = parse_file(file.read_bytes(), body=body)
    if format is ParseFormat.json:
        typer.echo(json.dumps(parsed.to_json(), indent=2, ensure_ascii=False))
        return
    typer.echo(parsed.to_text())


@app.command()
def health() -> None:
    """Check the database, Redis and the queues; exit 1 when something needs a look."""
    from agent.health import health as health_

    report = health_(_settings())
    for key, value in report.items():
        typer.echo(f"{key}: {value}")
    raise typer.Exit(0 if report["ok"] else 1)


@app.command()
def reextract(
    accounts: Annotated[list[str] | None, typer.Argument(help="Domains or names; none: every account.")] = None,
    resume: Annotated[str | None, typer.Option(help="A batch id an interrupted run submitted.")] = None,
    poll_s: Annotated[float, typer.Option("--poll-s", help="Seconds between status checks.")] = 30.0,
) -> None:
    """Read accounts again with Claude through the Message Batches API (after a model or prompt change)."""
    from agent.extract.claude.bulk import reextract as reextract_

    settings = _settings()
    with Progress(console=err, transient=not sys.stderr.isatty()) as bar:
        task = bar.add_task("re-extracting", total=None)
        outcome = asyncio.run(
            reextract_(
                settings,
                accounts or None,
                resume=resume,
                poll_s=poll_s,
                progress=lambda what, done, total: bar.update(task, description=what, completed=done, total=total),
            )
        )
    err.print(
        f"handoff: batch {outcome.batch_id or '-'}: {outcome.accounts} account(s) re-extracted from "
        f"{outcome.requests} request(s); {outcome.fell_back} read offline instead"
    )


@app.command()
def rebuild(
    accounts: Annotated[list[str] | None, typer.Argument(help="Domains or names; none: every account.")] = None,
) -> None:
    """Read accounts' documents again from all their sources with the extractor configured (after its rules change)."""
    from agent.service import rebuild as rebuild_

    for name, read in asyncio.run(rebuild_(_settings(), accounts or None)).items():
        typer.echo(f"{name}: {read} source(s) read again")


@app.command("eval")
def eval_(
    corpus: Annotated[Path, typer.Argument(help="A folder of labelled deals (inbox/*.eml, rep-reply.txt, gold.json).")],
    format: Annotated[
        EvalFormat, typer.Option("--format", "-f", help="Per-section table, every fact, or JSON.")
    ] = EvalFormat.table,
    keep: Annotated[Path | None, typer.Option(help="Keep each deal's database and outbox under this folder.")] = None,
) -> None:
    """Run the whole loop over labelled deals with the configured extractor and print what it found."""
    from agent import evaluate

    results = asyncio.run(evaluate.evaluate(corpus, _settings(), keep))
    printer = {
        EvalFormat.table: evaluate.report_table,
        EvalFormat.details: evaluate.report_details,
        EvalFormat.json: evaluate.report_json,
    }
    typer.echo(printer[format](results))


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the schema to the newest version."""
    from db.session import make_engine, upgrade

    settings = _settings()
    upgrade(make_engine(settings.database_url))
    err.print("handoff: database is up to date")


@quarantine_app.command("list")
def quarantine_list() -> None:
    """Messages that failed every try."""
    from agent.lookups import quarantined_rows

    for row in quarantined_rows(_settings()):
        typer.echo(f"{row['id']}\t{row['message_id']}\t{row['error']}")


@quarantine_app.command("replay")
def quarantine_replay(
    ids: Annotated[list[int], typer.Argument(help="Message ids from `quarantine list`.", metavar="ID...")],
) -> None:
    """Process quarantined messages again (an id that is not quarantined is an error)."""
    from agent.service import replay

    settings = _settings()
    done = asyncio.run(replay(settings, ids))
    err.print(f"handoff: replayed {done} message(s)")
