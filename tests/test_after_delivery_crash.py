"""Updates after delivery go out once: a replayed approve, a relay that was down, SIGKILLs.

A replayed approve finds the version delivered and sends nothing; a version recorded while
the relay is down goes out once when it is back. Under kills: after version 1, the rep moves the handoff to another CSM and the call to another day, and
approves, six times; ``handoff serve`` is SIGKILLed at a random moment soon after each
reply arrives and started again (tests/test_crash_safety.py's machinery). After the last
start: one final mail per version (REQUEST, SEQUENCE 0, 1, 2 ...), one CANCEL per CSM who
lost the handoff, nothing handed to the sender twice, and one snapshot per version.
"""

from __future__ import annotations

import random
import subprocess
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from icalendar import Calendar
from sqlmodel import select

from agent import jobs
from agent.demo_deal import demo_files
from agent.queues import INTAKE_QUIET_S
from db.models import Inbound, Outbound, Snapshot
from db.session import make_engine, session_scope
from tests.conftest import REP, Harness, make_settings, reply_to_draft, start_harness, stop_harness
from tests.test_after_delivery import CSM_LINE, CUSTOMER, delivered_v1, forward, reply, snapshots
from tests.test_crash_safety import (
    CSM,
    HANDOFF,
    Client,
    Server,
    db_state,
    fixed_reply,
    free_port,
    outbox_messages,
    server_env,
    settled,
    to_rep,
    wait_for,
)

CSMS = [("Zoë Ångström", "zoe.angstrom@northwind.example"), ("Jordan Lee", CSM)]
UPDATES = 6  # each a new CSM and a moved call, approved in one reply, with a SIGKILL soon after it arrives


def mails_to(workdir: Path, address: str) -> list[EmailMessage]:
    return [m for m in outbox_messages(workdir) if address in str(m["To"]).lower()]


def method_and_sequence(mail: EmailMessage) -> tuple[str, int]:
    part = next(p for p in mail.walk() if p.get_content_type() == "text/calendar")
    cal = Calendar.from_ical(part.get_content())
    return str(cal["METHOD"]), int(next(iter(cal.walk("VEVENT")))["SEQUENCE"])


@pytest.mark.timeout(300)
def test_updates_approved_under_kills_go_out_once_each_with_one_cancel_and_one_snapshot_per_version(
    tmp_path: Path,
) -> None:
    port = free_port()
    env = server_env(tmp_path, port)
    database_url = env["HANDOFF_DATABASE_URL"]
    subprocess.run([str(HANDOFF), "db", "upgrade"], env=env, cwd=tmp_path, check=True, timeout=60, capture_output=True)
    server = Server(tmp_path, env, "serve")
    server.start()
    client = Client(port)
    rng = random.Random(15)
    start = (datetime.now(UTC) + timedelta(days=8)).replace(hour=9, minute=0, second=0, microsecond=0)
    try:
        for n, path in enumerate(demo_files()[:3], 1):
            client.deliver(path.read_bytes())
            wait_for(lambda n=n: settled(database_url, n), f"forward {n}")  # type: ignore[misc]
        draft = wait_for(lambda: to_rep(tmp_path), "the first draft")[-1]
        reply_to = str(draft["Reply-To"])
        client.deliver(fixed_reply(draft, f"CSM: Jordan Lee <{CSM}>\napprove", "approve-0"), rcpt_to=reply_to)
        wait_for(lambda: settled(database_url, 4) and mails_to(tmp_path, CSM), "version 1")
        for n in range(1, UPDATES + 1):
            name, address = CSMS[(n - 1) % 2]
            when = start + timedelta(days=n)
            text = f"CSM: {name} <{address}>\ncall: {when:%Y-%m-%d %H:%M}\napprove"
            client.deliver(fixed_reply(draft, text, f"update-{n}"), rcpt_to=reply_to)
            # inside the reply's processing (which starts once the intake has been quiet), or the sending after it
            time.sleep(INTAKE_QUIET_S + rng.uniform(0.0, 0.5))
            server.kill()
            server.start()
            wait_for(lambda n=n: settled(database_url, 4 + n), f"update {n} after the kill")  # type: ignore[misc]
    finally:
        server.stop()

    inbound, outbound = db_state(database_url)
    cut = [i.message_id for i in inbound if i.message_id.startswith("<update-") and i.attempts > 1]
    assert cut, "no kill landed inside an update's processing: the test exercised nothing"
    assert [o.key for o in outbound if o.attempts > 1] == [], "handed to the sender twice"
    kinds = Counter(o.kind for o in outbound)
    assert (kinds["final"], kinds["cancel"]) == (UPDATES + 1, UPDATES), kinds
    in_folder = Counter(str(m["Message-ID"]) for m in outbox_messages(tmp_path))
    assert [mid for mid, n in in_folder.items() if n > 1] == []
    finals = [m for m in outbox_messages(tmp_path) if str(m["X-Handoff-Kind"]) == "final"]
    assert [method_and_sequence(m) for m in finals] == [("REQUEST", n) for n in range(UPDATES + 1)]
    cancels = [m for m in outbox_messages(tmp_path) if str(m["X-Handoff-Kind"]) == "cancel"]
    assert sorted(method_and_sequence(m)[1] for m in cancels) == list(range(1, UPDATES + 1))
    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            versions = [s.version for s in session.exec(select(Snapshot).order_by(Snapshot.version))]
    finally:
        engine.dispose()
    assert versions == list(range(1, UPDATES + 2))


# -- nothing twice: a replayed approve, a relay that was down ------------------------------


async def test_a_replayed_approve_sends_nothing_again(service: Harness) -> None:
    h = service
    await delivered_v1(h)
    await reply(h, "CSM: Zoë Ångström <zoe.angstrom@northwind.example>\napprove")
    with session_scope(h.app.engine) as session:
        approve = session.exec(select(Inbound).order_by(Inbound.id.desc())).first()  # type: ignore[union-attr]
        assert approve is not None
        approve.status = "pending"
        inbound_id = approve.id
        keys_before = sorted(o.key for o in session.exec(select(Outbound)))
    await jobs.process_inbound({"app": h.app, "job_try": 1}, inbound_id)
    with session_scope(h.app.engine) as session:
        keys_after = sorted(o.key for o in session.exec(select(Outbound)))
    sent_after = [k for k in keys_after if not k.startswith("notice:")]
    assert sent_after == [k for k in keys_before if not k.startswith("notice:")]
    assert len(h.outbox_to("zoe.angstrom@northwind.example")) == 1 and len(h.outbox_to(CSM)) == 2
    assert [r["version"] for r in snapshots(h)] == [1, 2]


async def test_version_2_recorded_while_the_relay_is_down_goes_out_once_when_it_is_back(tmp_path: Path) -> None:
    from aiosmtpd.controller import Controller

    from tests.test_relay_delivery import Relay, free_port

    port = free_port()
    relay = Relay(refuse="nobody@nowhere.example")
    h = await start_harness(make_settings(tmp_path, relay_url=f"smtp://127.0.0.1:{port}?starttls=0"), "sqlite")
    controller = Controller(relay, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        for n in range(len(CUSTOMER)):
            await h.send(forward(n))
        await h.drain()
        draft = relay.to(REP)[-1]
        await h.send(reply_to_draft(draft, f"{CSM_LINE}\napprove"), rcpt_to=str(draft["Reply-To"]))
        await h.drain()
        assert len(relay.to(CSM)) == 1
        controller.stop()  # the relay goes down
        new_csm = "CSM: Zoë Ångström <zoe.angstrom@northwind.example>\napprove"
        await h.send(reply_to_draft(draft, new_csm), rcpt_to=str(draft["Reply-To"]))
        await h.drain()
        with session_scope(h.app.engine) as session:
            waiting = sorted(o.kind for o in session.exec(select(Outbound).where(Outbound.status == "pending")))
        assert waiting == ["cancel", "final"]
        controller = Controller(relay, hostname="127.0.0.1", port=port)
        controller.start()
        for _ in range(3):
            await jobs.tick({"app": h.app, "job_try": 1})
        assert len(relay.to("zoe.angstrom@northwind.example")) == 1
        assert len(relay.to(CSM)) == 2  # version 1, then the CANCEL
    finally:
        controller.stop()
        await stop_harness(h)
