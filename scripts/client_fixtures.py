#!/usr/bin/env python3
"""Make the real-client fixtures: Debian's terminal mail clients forward customer mail and answer a draft.

    .venv/bin/python scripts/client_fixtures.py [--out tests/fixtures/clients] [--only mutt,s-nail] [--keep]

What it is for: the parser is only as good as the mail it has seen, and the mail a rep's client
really sends is the mail to test on. For each client (mutt, neomutt, s-nail, alpine, aerc: installed
from Debian's packages by ``scripts/mail_clients.sh`` when missing) it opens a mailbox holding the
customer messages in ``<out>/source`` inside a tmux session, forwards them to the handoff inbox the
way a rep would (inline with a note above or below, and as an attachment), replies to a real handoff
draft (made by running ``handoff ingest`` on the first forwards), and captures exactly what the
client hands to its sendmail. Each message is stored as ``<out>/<client>-<version>/<scenario>.eml``
and listed in ``<out>/manifest.json`` with what the scenario typed, so the tests (which never need
the clients) can check that the note, the authors, the dates and the answers all come through.

The rep's typing goes through a small editor stand-in (``editor.py`` below) for clients that call
an editor, and straight through tmux keys for the others. Thunderbird and Evolution cannot be driven
this way (they need a display, and their composers cannot be scripted without an extension), so
they are not here. Not for: the test suite (tests/test_real_clients.py reads the fixtures).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from email import message_from_bytes, policy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from client_drivers import (  # noqa: E402 - the sibling module, found from this folder
    CLIENTS,
    COMPANY,
    INBOX,
    REP_EMAIL,
    REP_NAME,
    Scenario,
    Session,
    client_version,
    prepare,
)

# -- the scenarios ------------------------------------------------------------------------------------

SOURCES = [
    "01-champion-reply-gmail.eml",
    "02-cfo-signoff-outlook.eml",
    "03-it-requirements-mutt.eml",
    "05-fleet-analyst-html-only.eml",  # 04 is the draft the clients answer
]

# (scenario, message in the mailbox, where the note goes, as an attachment, what the rep types)
FORWARD_PLAN: dict[str, list[tuple[str, int, str, bool, str]]] = {
    "mutt": [
        ("forward-inline-note-above", 1, "above", False, "Skerry Line Ferries signed for a twelve-month pilot. "
         "José is our champion and runs the fleet;\nthe Kongsberg connector date below is the promise he will hold us to."),
        ("forward-inline-note-below", 2, "below", False, "Ingrid holds the budget. The 48 000 EUR cap for year one is "
         "firm; she repeated it on the phone on Friday."),
        ("forward-attached", 3, "above", True, "Marcus's IT conditions, attached whole. He is their only IT person, "
         "so nothing can be scheduled for late March."),
        ("forward-html-only", 4, "above", False, "Lena is their data analyst; her mail was HTML only. Two ferries "
         "need a firmware upgrade nobody has paid for."),
    ],
    "neomutt": [
        ("forward-inline-note-above", 1, "above", False, "Forwarding José's answers for the handoff file. He measures "
         "success by the Monday report building itself."),
        ("forward-inline-note-below", 2, "below", False, "Note from me: Ingrid compared us with Seabook Metrics and "
         "chose us for the Kongsberg data, not the price."),
        ("forward-attached", 3, "above", True, "Attached: Marcus Whitfield's conditions. The vessels only have "
         "satellite links, so buffering matters most."),
        ("forward-html-only", 4, "above", False, "Lena Berg's telemetry notes, for the implementation plan."),
    ],
    "s-nail": [
        ("forward-inline-note-below", 1, "below", False, "José wants the connector date in writing. I promised it for "
         "15 April; the CSM must see that.\n\nNoor"),
        ("forward-inline-note-above", 2, "above", False, "Budget and conditions from their CFO. Finance wants a monthly "
         "cost-per-crossing report from us."),
        ("forward-attached", 3, "below", True, "Their IT lead's conditions, as an attachment. He is away 20-31 March."),
        ("forward-inline-note-below-signature", 3, "below", False, "Marcus wrote this after a call with their "
         "auditors. Plan the installation for April, once he is back."),
    ],
    "alpine": [
        ("forward-inline-note-above", 1, "above", False, "From José, after our Monday call. The 90-day goal is in his "
         "second paragraph."),
        ("forward-attached", 2, "above", True, "Ingrid's sign-off mail as an attachment, for the record."),
        ("forward-html-only", 4, "above", False, "Lena's telemetry export, the data side of the pilot."),
    ],
    "aerc": [
        ("forward-inline-note-above", 1, "above", False, "José's reply from last week. He is the person the CSM should "
         "call first."),
        ("forward-attached", 3, "above", True, "Marcus's requirements, attached as he sent them."),
        ("forward-inline-note-below", 2, "below", False, "Ingrid's two conditions are firm; she said so twice on "
         "the phone this week."),
    ],
}  # fmt: skip
FORWARDS = {
    client: [Scenario(name, "forward", n, text, where, attached) for name, n, where, attached, text in plan]
    for client, plan in FORWARD_PLAN.items()
}

REPLY_TOP = (
    "CSM: Zoë Ångström <zoe.angstrom@tidewater.example>\n\n"
    "Expansion: the two freight vessels in 2027, and after that maybe their harbour office in Tønsberg.\n\n"
    "Risks: Marcus Whitfield is their only IT person and is away from 20 to 31 March. "
    "If the vessel agent slips past April, José loses face with Ingrid.\n\n"
    "{extra}"
)
REPLY_BOTTOM = (
    "Competitive context: Seabook Metrics was the other bid. Cheaper, but it could not read the Kongsberg engine data.\n\n"
    "Implementation: start with the four ferries on the Hvaler route; the rest once Marcus is back in April.\n\n"
    "{extra}approve"
)
REPLY_EXTRA = {
    "mutt": "Rep perspective: José is a strong champion; the CEO backed him against the cheaper bid.\n\n",
    "neomutt": "Rep perspective: Ingrid decides on money and wants numbers, not dashboards.\n\n",
    "s-nail": "Rep perspective: José answers within the hour; Ingrid needs a week and a spreadsheet.\n\n",
    "alpine": "Rep perspective: Marcus felt left out of the evaluation; keep him in every technical call.\n\n",
    "aerc": "Rep perspective: the board meets on the first Monday of each month; José reports there.\n\n",
}


def replies(client: str) -> list[Scenario]:
    extra = REPLY_EXTRA[client]
    top = Scenario("reply-top-csm", "reply", 1, REPLY_TOP.format(extra=extra).strip(), "above")
    bottom = Scenario("reply-bottom-approve", "reply", 1, REPLY_BOTTOM.format(extra=extra).strip(), "below")
    return [top, bottom]


# -- running ------------------------------------------------------------------------------------------


def capture(client: str, scenario: Scenario, messages: list[bytes], keep: bool) -> bytes:
    work = Path(tempfile.mkdtemp(prefix=f"fixture-{client}-"))
    try:
        prepare(work, messages)
        setup, run = CLIENTS[client]
        argv, env = setup(work, scenario, shutil.which(client) or client)
        session = Session(f"{client}-{scenario.name}".replace(".", "_"), argv, env, work)
        try:
            run(session, scenario)
            return session.sent()
        finally:
            session.close()
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


def make_draft(forwards: list[Path], work: Path) -> bytes:
    """The draft handoff answers the forwards with, made by the handoff CLI itself."""
    outbox = work / "outbox"
    outbox.mkdir(parents=True)
    env = {
        **os.environ,
        "HANDOFF_DATABASE_URL": f"sqlite:///{work / 'handoff.db'}",
        "HANDOFF_OUTBOX_DIR": str(outbox),
        "HANDOFF_INBOX_ADDRESS": INBOX,
        "HANDOFF_COMPANY_DOMAINS": COMPANY,
        "HANDOFF_DEBOUNCE_S": "0",
        "HANDOFF_EXTRACTOR": "offline",
    }
    env.pop("HANDOFF_REDIS_URL", None)
    cli = Path(sys.executable).with_name("handoff")
    subprocess.run([str(cli), "ingest", *map(str, forwards)], env=env, cwd=work, check=True, capture_output=True)
    drafts = []
    for path in outbox.glob("*.eml"):
        msg = message_from_bytes(path.read_bytes(), policy=policy.default)
        if REP_EMAIL in str(msg.get("To", "")).lower():
            drafts.append(path)
    if not drafts:
        raise RuntimeError(f"handoff sent no draft to {REP_EMAIL}; see {outbox}")
    return max(drafts, key=lambda p: p.stat().st_mtime_ns).read_bytes()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "tests" / "fixtures" / "clients")
    parser.add_argument("--only", default=",".join(CLIENTS), help="comma list of clients")
    parser.add_argument("--keep", action="store_true", help="keep the working folders (for debugging)")
    parser.add_argument(
        "--new-draft",
        action="store_true",
        help="make a new draft to reply to (every client's replies must then be made again: the token changes)",
    )
    args = parser.parse_args()
    subprocess.run(["bash", str(ROOT / "scripts" / "mail_clients.sh")], check=True)
    wanted = [c.strip() for c in args.only.split(",") if c.strip()]
    source_dir = args.out / "source"
    sources = [(source_dir / name).read_bytes() for name in SOURCES]
    manifest_path = args.out / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {"fixtures": []}
    entries = {e["file"]: e for e in manifest["fixtures"]}
    versions = {c: client_version(c) for c in wanted}

    written: dict[str, list[Path]] = {}
    try:
        for client in wanted:
            folder = args.out / f"{client}-{versions[client]}"
            folder.mkdir(parents=True, exist_ok=True)
            for scenario in FORWARDS[client]:
                path = folder / f"{scenario.name}.eml"
                path.write_bytes(capture(client, scenario, sources, args.keep))
                written.setdefault(client, []).append(path)
                entries[str(path.relative_to(args.out))] = _entry(
                    client, versions[client], scenario, [SOURCES[scenario.message - 1]]
                )
                print(f"{client} {versions[client]}: {scenario.name}")
        draft_path = source_dir / "04-handoff-draft.eml"
        if args.new_draft or not draft_path.exists():
            first = written.get("mutt") or next(iter(written.values()), [])
            if not first:
                raise SystemExit("no forwards to make a draft from; include mutt in --only")
            with tempfile.TemporaryDirectory(prefix="fixture-draft-") as tmp:
                draft_path.write_bytes(make_draft(first, Path(tmp)))
        draft = draft_path.read_bytes()
        for client in wanted:
            folder = args.out / f"{client}-{versions[client]}"
            for scenario in replies(client):
                path = folder / f"{scenario.name}.eml"
                path.write_bytes(capture(client, scenario, [draft], args.keep))
                entries[str(path.relative_to(args.out))] = _entry(
                    client, versions[client], scenario, [f"{source_dir.name}/{draft_path.name}"]
                )
                print(f"{client} {versions[client]}: {scenario.name}")
    finally:  # what was captured is kept, even when a client stops halfway
        manifest = {
            "about": "Made by scripts/client_fixtures.py: what each client sent, and what the rep typed in it.",
            "rep": {"name": REP_NAME, "email": REP_EMAIL},
            "inbox": INBOX,
            "fixtures": sorted(entries.values(), key=lambda e: e["file"]),
        }
        manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


def _entry(client: str, version: str, scenario: Scenario, sources: list[str]) -> dict[str, object]:
    return {
        "file": f"{client}-{version}/{scenario.name}.eml",
        "client": client,
        "version": version,
        "kind": scenario.kind,
        "where": scenario.where,
        "attached": scenario.attached,
        "sources": [s if "/" in s else f"source/{s}" for s in sources],
        "typed": scenario.text,
    }


if __name__ == "__main__":
    sys.exit(main())
