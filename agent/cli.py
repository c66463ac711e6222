"""The ``handoff`` command line: thin commands that call into the packages.

What it is for: argument parsing, turning ``ConfigError``/``HandoffError`` into a
clear message and exit status 2, and printing. Not for: logic — each command is a
few lines calling agent/service.py, agent/demo.py, db/ or mailflows/.
"""

from __future__ import annotations

import asyncio
import json
import logging
import shutil
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from agent.errors import AccountNotFound, HandoffError
from agent.settings import Settings, load_settings

app = typer.Typer(
    help="Sales-to-customer-success handoffs from forwarded mail.", no_args_is_help=True, add_completion=False
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
quarantine_app = typer.Typer(help="Messages that failed three times.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(quarantine_app, name="quarantine")
checkbacks_app = typer.Typer(help="Check-backs to the CSM at 90 days, 6 months and 1 year.", no_args_is_help=True)
app.add_typer(checkbacks_app, name="checkbacks")
err = Console(stderr=True)


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


def _settings(**overrides: object) -> Settings:
    try:
        return load_settings(**overrides)
    except HandoffError as exc:
        err.print(f"[red]handoff:[/red] {exc}")
        raise typer.Exit(2) from exc


def _run(coro):  # type: ignore[no-untyped-def]
    try:
        return asyncio.run(coro)
    except HandoffError as exc:
        err.print(f"[red]handoff:[/red] {exc}")
        raise typer.Exit(2) from exc


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress to stderr.")] = False) -> None:
    import os

    from agent.logs import configure

    configure(logging.INFO if verbose else logging.WARNING, os.environ.get("HANDOFF_LOG_FORMAT", "text"))


@app.command()
def demo(
    workdir: Annotated[Path, typer.Option(help="Where the demo keeps its database and outbox.")] = Path("handoff-demo"),
) -> None:
    """Run the whole loop on the bundled sample deal, offline: forward, draft, reply, approve."""
    from agent.demo import run_demo

    _run(run_demo(workdir, print_=typer.echo))


@app.command()
def serve() -> None:
    """Run the SMTP intake (and inline jobs when HANDOFF_REDIS_URL is unset)."""
    from agent.service import serve as serve_

    settings = _settings()
    _run(
        serve_(settings, ready=lambda port: err.print(f"handoff: SMTP intake listening on {settings.smtp_host}:{port}"))
    )


@app.command()
def worker(burst: Annotated[bool, typer.Option(help="Exit when the queue is empty.")] = False) -> None:
    """Run an arq worker (needs HANDOFF_REDIS_URL)."""
    from agent.worker import make_worker

    settings = _settings()
    try:
        make_worker(settings, burst=burst).run()
    except HandoffError as exc:
        err.print(f"[red]handoff:[/red] {exc}")
        raise typer.Exit(2) from exc


@app.command()
def ingest(files: Annotated[list[Path], typer.Argument(help=".eml or mbox files, in order.")]) -> None:
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
            counts = _run(ingest_(settings, files, progress=lambda n: bar.advance(task, n)))
    else:
        counts = _run(ingest_(settings, files))
    err.print(f"handoff: {counts['stored']} stored, {counts['duplicates']} already known")


@app.command()
def export(
    account: Annotated[str | None, typer.Argument(help="The customer's domain or name.")] = None,
    format: Annotated[DocFormat, typer.Option("--format", "-f")] = DocFormat.json,
    all_: Annotated[bool, typer.Option("--all", help="Every account (jsonl or csv).")] = False,
) -> None:
    """Print an account's handoff document (json follows handoff-document/v1), or all of them with --all."""
    from agent.queries import document_for
    from agent.webhook import all_documents, export_text

    settings = _settings()
    if all_ or account is None:
        if not all_ or format not in (DocFormat.jsonl, DocFormat.csv):
            err.print("[red]handoff:[/red] name an ACCOUNT, or use --all with --format jsonl or csv")
            raise typer.Exit(2)
        typer.echo(export_text(all_documents(settings), format.value))
        return
    try:
        doc = document_for(settings, account)
    except AccountNotFound as exc:
        err.print(f"[red]handoff:[/red] {exc}")
        raise typer.Exit(1) from exc
    if format in (DocFormat.json, DocFormat.jsonl):
        typer.echo(json.dumps(doc.export(), indent=None if format is DocFormat.jsonl else 2, ensure_ascii=False))
        return
    if format is DocFormat.csv:
        typer.echo(export_text([doc], "csv"))
        return
    from agent.render import render_document

    typer.echo(render_document(doc, format.value))  # type: ignore[arg-type]


class SnapshotFormat(StrEnum):
    table = "table"
    json = "json"
    md = "md"


@app.command()
def snapshots(
    account: Annotated[str, typer.Argument(help="The customer's domain or name.")],
    version: Annotated[int | None, typer.Option("--version", help="Print this version's document.")] = None,
    format: Annotated[SnapshotFormat, typer.Option("--format", "-f")] = SnapshotFormat.table,
) -> None:
    """What the CSM received: one snapshot per delivered revision, never changed afterwards."""
    from agent.queries import snapshots_for
    from agent.snapshots import snapshot_row

    try:
        found = snapshots_for(_settings(), account, version)
    except AccountNotFound as exc:
        err.print(f"[red]handoff:[/red] {exc}")
        raise typer.Exit(1) from exc
    if version is not None:
        snap = found[0]
        typer.echo(
            snap.markdown if format is SnapshotFormat.md else json.dumps(snap.document, indent=2, ensure_ascii=False)
        )
        return
    rows = [snapshot_row(s) for s in found]
    if format is SnapshotFormat.json:
        typer.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        typer.echo("no snapshots: the handoff was never delivered")
        return
    for row in rows:
        typer.echo(
            f"v{row['version']}\trevision {row['revision']}\t{row['delivered_at']}\t{row['csm']}\t{row['filled']} filled"
        )


@app.command()
def report(
    since: Annotated[str | None, typer.Option(help="Only handoffs active since this date (YYYY-MM-DD).")] = None,
    format: Annotated[ReportFormat, typer.Option("--format", "-f")] = ReportFormat.table,
) -> None:
    """Metrics per rep and overall, derived from the event log."""
    from datetime import date

    from agent.report import report_text

    try:
        start = date.fromisoformat(since) if since else None
    except ValueError as exc:
        err.print(f"[red]handoff:[/red] --since {since!r} is not a date such as 2026-01-31")
        raise typer.Exit(2) from exc
    typer.echo(report_text(_settings(), start, format.value))


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Words to find in documents and their sources.")],
    rep: Annotated[str | None, typer.Option(help="Rep address or name contains this.")] = None,
    csm: Annotated[str | None, typer.Option(help="CSM address or name contains this.")] = None,
    status: Annotated[str | None, typer.Option(help="collecting | draft_sent | approved | delivered")] = None,
    section: Annotated[str | None, typer.Option(help="A section key or title, 'source' or 'account'.")] = None,
    since: Annotated[str | None, typer.Option(help="YYYY-MM-DD")] = None,
    until: Annotated[str | None, typer.Option(help="YYYY-MM-DD")] = None,
    limit: Annotated[int, typer.Option(min=1, max=500)] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per hit.")] = False,
) -> None:
    """Full-text search over every handoff: account, section and the matching snippet."""
    from datetime import date

    from agent.search import format_hits, run_search

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
def checkbacks_off(account: Annotated[str, typer.Argument(help="The customer's domain or name.")]) -> None:
    """Stop the 90-day / 6-month / 1-year check-backs for one account."""
    _set_checkbacks(account, False)


@checkbacks_app.command("on")
def checkbacks_on(account: Annotated[str, typer.Argument(help="The customer's domain or name.")]) -> None:
    """Resume check-backs for one account."""
    _set_checkbacks(account, True)


def _set_checkbacks(account: str, enabled: bool) -> None:
    from agent.checkbacks import set_enabled

    try:
        name = set_enabled(_settings(), account, enabled)
    except AccountNotFound as exc:
        err.print(f"[red]handoff:[/red] {exc}")
        raise typer.Exit(1) from exc
    err.print(f"handoff: check-backs {'on' if enabled else 'off'} for {name}")


@app.command()
def accounts() -> None:
    """List accounts with their status, owner, CSM and deadline."""
    from agent.queries import account_rows

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
    file: Annotated[Path, typer.Argument(help="An .eml file, or a bare body with --body.")],
    format: Annotated[ParseFormat, typer.Option("--format", "-f")] = ParseFormat.json,
    body: Annotated[bool, typer.Option("--body", help="The file is a message body without headers.")] = False,
) -> None:
    """Show what the parser reads in a message, without storing anything."""
    from mailflows.parse import parse_body, parse_message

    if not file.is_file():
        err.print(f"[red]handoff:[/red] no such file: {file}")
        raise typer.Exit(2)
    raw = file.read_bytes()
    looks_headerless = not any(
        line.split(b":", 1)[0].strip().isalnum() and b":" in line for line in raw.splitlines()[:1]
    )
    parsed = parse_body(raw.decode("utf-8", "replace")) if body or looks_headerless else parse_message(raw)
    data = parsed.to_json()
    if format is ParseFormat.json:
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    for i, m in enumerate(data["messages"], 1):
        typer.echo(f"--- message {i} ({m['kind']}{', auto-generated' if m['auto_generated'] else ''})")
        typer.echo(f"From: {m['from']}\nDate: {m['date']}\nSubject: {m['subject']}\n\n{m['body']}\n")
    for a in data["attachments"]:
        typer.echo(
            f"attachment {a['filename']} {a['content_type']} {a['size']} bytes {'read' if a['read'] else 'NOT read'}"
        )
    for d in data["defects"]:
        typer.echo(f"defect: {d}")


@app.command()
def health() -> None:
    """Check the database, Redis and the queues; exit 1 when something needs a look."""
    from agent.queries import health as health_

    report = health_(_settings())
    for key, value in report.items():
        typer.echo(f"{key}: {value}")
    raise typer.Exit(0 if report["ok"] else 1)


@app.command("eval")
def eval_(
    corpus: Annotated[Path, typer.Argument(help="A folder of labelled deals (inbox/*.eml, rep-reply.txt, gold.json).")],
    format: Annotated[str, typer.Option("--format", "-f", help="table, details or json.")] = "table",
    keep: Annotated[Path | None, typer.Option(help="Keep each deal's database and outbox under this folder.")] = None,
) -> None:
    """Run the whole loop over labelled deals with the configured extractor and print what it found."""
    from agent import evaluate

    if format not in {"table", "details", "json"}:
        err.print(f"[red]handoff:[/red] unknown --format {format!r}: use table, details or json")
        raise typer.Exit(2)
    results = _run(evaluate.evaluate(corpus, _settings(), keep))
    printer = {"table": evaluate.report_table, "details": evaluate.report_details, "json": evaluate.report_json}
    typer.echo(printer[format](results))


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the schema to the newest version."""
    from db.session import make_engine, upgrade

    settings = _settings()
    try:
        upgrade(make_engine(settings.database_url))
    except HandoffError as exc:
        err.print(f"[red]handoff:[/red] {exc}")
        raise typer.Exit(2) from exc
    err.print("handoff: database is up to date")


@quarantine_app.command("list")
def quarantine_list() -> None:
    """Messages that failed every try."""
    from agent.queries import quarantined_rows

    for row in quarantined_rows(_settings()):
        typer.echo(f"{row['id']}\t{row['message_id']}\t{row['error']}")


@quarantine_app.command("replay")
def quarantine_replay(ids: Annotated[list[int], typer.Argument(help="Inbound ids from `quarantine list`.")]) -> None:
    """Process quarantined messages again."""
    from agent.queries import replay

    settings = _settings()
    done = _run(replay(settings, ids))
    err.print(f"handoff: replayed {done} message(s)")
