"""Large messages: bodies spooled and decoded once, text read in a bounded window, the byte budget shared.

Real parsing of generated messages over 1 MiB (the size from which bodies are spooled),
the real service storing and reading them; no timing or memory assertions here (those
figures live in bench/bench_memory.py).
"""

from __future__ import annotations

import asyncio
import base64
import email
import email.policy
import quopri
from pathlib import Path

import pytest

from agent.jobs import process_inbound
from agent.service import ingest
from db.models import Inbound
from db.session import session_scope
from mailflows.inbound.budget import ByteBudget
from mailflows.inbound.intake import store_file
from mailflows.inbound.parse import ParseLimits, parse_message, parse_path
from mailflows.inbound.spool import Payload, payload_of, spool_message
from tests.conftest import COMPANY, INBOX, REP, make_settings

CUSTOMER = "dana.whitfield@larkspur-freight.example"


def transcript_lines(count: int) -> list[tuple[str, str, str]]:
    """(speaker, hh:mm:ss, text): two people taking turns, every text distinct."""
    lines = []
    for n in range(count):
        at = f"{n * 7 // 3600:02d}:{n * 7 // 60 % 60:02d}:{n * 7 % 60:02d}"
        lines.append(
            (
                ["Dana Whitfield", "Sam Okafor"][n % 2],
                at,
                f"Point {n} about the rollout, the scanners and the dock schedule.",
            )
        )
    return lines


def forward(attachment: bytes, *, name: str, ctype: str, encoding: str, n: int = 0) -> bytes:
    """A rep's forward of the customer's mail with one attachment, as a mail client encodes it."""
    if encoding == "base64":
        encoded = base64.encodebytes(attachment).replace(b"\n", b"\r\n")
    else:
        encoded = quopri.encodestring(attachment).replace(b"\n", b"\r\n")
    head = (
        f"From: Sam Okafor <{REP}>\r\nTo: {INBOX}\r\nSubject: Fwd: Larkspur Freight kickoff ({n})\r\n"
        f"Date: Fri, 20 Nov 2026 15:04:00 +0000\r\nMessage-ID: <large-{n}-{name}@{COMPANY}>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n'
        "The kickoff call is attached.\r\n\r\n---------- Forwarded message ---------\r\n"
        f"From: Dana Whitfield <{CUSTOMER}>\r\nDate: Thu, 19 Nov 2026 at 10:12\r\nSubject: Re: order\r\n"
        f"To: Sam Okafor <{REP}>\r\n\r\nHi Sam, we signed. Go-live must be before March 3.\r\n\r\n--b1\r\n"
        f'Content-Type: {ctype}; charset=utf-8; name="{name}"\r\n'
        f'Content-Disposition: attachment; filename="{name}"\r\nContent-Transfer-Encoding: {encoding}\r\n\r\n'
    ).encode()
    return head + encoded + b"\r\n--b1--\r\n"


def txt_transcript(lines: list[tuple[str, str, str]]) -> bytes:
    return "".join(f"{who} ({at}): {text}\n" for who, at, text in lines).encode()


def vtt_transcript(lines: list[tuple[str, str, str]]) -> bytes:
    cues = [f"{n + 1}\n{at}.000 --> {at}.900\n<v {who}>{text}\n" for n, (who, at, text) in enumerate(lines)]
    return ("WEBVTT\n\n" + "\n".join(cues)).encode()


@pytest.mark.parametrize(
    ("name", "ctype", "encoding", "build"),
    [
        ("call.txt", "text/plain", "base64", txt_transcript),
        ("call.vtt", "text/vtt", "quoted-printable", vtt_transcript),
    ],
)
def test_a_large_transcript_is_read_in_a_window_of_whole_lines_and_the_rest_is_named(
    tmp_path: Path, name: str, ctype: str, encoding: str, build: object
) -> None:
    lines = transcript_lines(20_000)
    data = build(lines)  # type: ignore[operator]
    path = tmp_path / "large.eml"
    path.write_bytes(forward(data, name=name, ctype=ctype, encoding=encoding))
    assert path.stat().st_size > 1024 * 1024  # large enough to be spooled
    parsed = parse_path(path, ParseLimits(max_attachment_text_chars=100_000, spool_dir=str(tmp_path)))

    transcript = next(m for m in parsed.messages if m.kind == "transcript")
    read = len(transcript.turns)
    assert 100 < read < len(lines)
    # every turn read is the transcript's own line, in order, whole: the window ends on a line end
    assert [(t.speaker, t.at, t.text) for t in transcript.turns] == lines[:read]
    assert parsed.outer.sender is not None and parsed.outer.sender.email == REP
    assert any(m.kind == "forwarded" and m.sender and m.sender.email == CUSTOMER for m in parsed.messages)
    info = next(a for a in parsed.attachments if a.filename == name)
    sent = data if encoding == "base64" else data.replace(b"\n", b"\r\n")  # quoted-printable carries CRLF line ends
    assert info.read and info.size == len(sent)
    last = lines[read - 1][1]
    assert f"read up to {last}" in info.reason
    assert any(name in d and "only the first" in d and "stored message" in d for d in parsed.defects)
    assert list(tmp_path.glob("handoff-parse-*")) == []  # the spool of this parse is gone


def test_a_transcript_within_the_window_is_read_whole(tmp_path: Path) -> None:
    lines = transcript_lines(14_000)
    data = txt_transcript(lines)
    raw = forward(data, name="call.txt", ctype="text/plain", encoding="base64")
    assert len(raw) > 1024 * 1024
    from_bytes = parse_message(raw, ParseLimits(max_attachment_text_chars=len(data) + 10))
    path = tmp_path / "m.eml"
    path.write_bytes(raw)
    from_file = parse_path(path, ParseLimits(max_attachment_text_chars=len(data) + 10))
    for parsed in (from_bytes, from_file):
        transcript = next(m for m in parsed.messages if m.kind == "transcript")
        assert [(t.speaker, t.at, t.text) for t in transcript.turns] == lines
        assert parsed.defects == []
    assert from_bytes.to_json() == from_file.to_json()


def test_spooled_bodies_decode_as_the_stdlib_decodes_them(tmp_path: Path) -> None:
    binary = bytes(range(256)) * 4099 + b"\x01\x02"  # not a multiple of 3: the last group is padded
    text = ("caf\u00e9 = cr\u00e8me, a long line " * 30 + "\n").encode() * 1500
    plain = b"just text, sent as 8bit\r\n" * 20_000
    raw = (
        b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="outer"\r\n\r\n--outer\r\n'
        b'Content-Type: multipart/alternative; boundary="inner"\r\n\r\n--inner\r\nContent-Type: text/plain\r\n\r\n'
        b"hello\r\n--inner--\r\n--outer\r\nContent-Type: application/octet-stream\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n"
        + base64.encodebytes(binary).replace(b"\n", b"\r\n")
        + b"--outer\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        + quopri.encodestring(text).replace(b"\n", b"\r\n")
        + b"\r\n--outer\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        + plain
        + b"--outer--\r\n"
    )
    payloads: dict[str, Payload] = {}
    path = tmp_path / "m.eml"
    path.write_bytes(raw)
    with path.open("rb") as src:
        skeleton = spool_message(src, str(tmp_path), payloads)
    assert len(skeleton) < 4096 and len(payloads) == 3
    whole = email.message_from_bytes(raw, policy=email.policy.compat32)
    lifted = email.message_from_bytes(skeleton, policy=email.policy.compat32)
    leaves = [p for p in whole.walk() if not p.is_multipart()]
    spooled = [payload_of(p, payloads) for p in lifted.walk() if not p.is_multipart()]
    assert spooled[0] is None  # the small body stays in the skeleton
    for part, payload in zip(leaves[1:], spooled[1:], strict=True):
        assert payload is not None
        assert payload.read() == part.get_payload(decode=True)
        assert payload.size == len(payload.read())


async def test_truncation_is_told_in_the_reps_draft(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, max_attachment_text_chars=20_000)
    path = tmp_path / "forward.eml"
    path.write_bytes(
        forward(txt_transcript(transcript_lines(20_000)), name="call.txt", ctype="text/plain", encoding="base64")
    )
    counts = await ingest(settings, [path])
    assert counts["stored"] == 1
    drafts = [p.read_bytes() for p in sorted(settings.outbox_dir.glob("*.eml"))]
    assert drafts, "the rep gets a draft"
    text = email.message_from_bytes(drafts[-1], policy=email.policy.default).get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "call.txt" in text and "only the first" in text and "stored message" in text
    from db.session import make_engine

    engine = make_engine(settings.database_url)
    with session_scope(engine) as session:
        row = session.get(Inbound, 1)
        assert row is not None and len(row.raw) == path.stat().st_size  # the message stays stored whole
    engine.dispose()


async def test_the_byte_budget_admits_a_message_larger_than_all_of_it_alone() -> None:
    budget = ByteBudget(100)
    order: list[str] = []
    small_held = asyncio.Event()
    release_small = asyncio.Event()

    async def small() -> None:
        async with budget.hold(30):
            order.append("small in")
            small_held.set()
            await release_small.wait()
        order.append("small out")

    async def huge() -> None:
        async with budget.hold(10_000) as held:
            assert held == 100 and budget.in_flight == 100
            order.append("huge in")

    first = asyncio.create_task(small())
    await small_held.wait()
    second = asyncio.create_task(huge())
    await asyncio.sleep(0.01)
    assert budget.waiting == 1 and order == ["small in"]  # waits for the small one, does not deadlock
    release_small.set()
    await asyncio.wait_for(asyncio.gather(first, second), 5)
    assert order == ["small in", "small out", "huge in"]
    assert budget.in_flight == 0


async def test_the_byte_budget_serves_in_order_and_a_cancelled_waiter_gives_its_place_back() -> None:
    budget = ByteBudget(100)
    inside: list[int] = []
    peak = 0

    async def job(n: int, size: int) -> int:
        nonlocal peak
        async with budget.hold(size):
            inside.append(n)
            peak = max(peak, budget.in_flight)
            await asyncio.sleep(0.01)
        return n

    gate = asyncio.Event()

    async def blocker() -> None:
        async with budget.hold(60):
            await gate.wait()

    holding = asyncio.create_task(blocker())
    await asyncio.sleep(0)
    cancelled = asyncio.create_task(job(99, 50))
    tasks = [asyncio.create_task(job(n, size)) for n, size in enumerate([50, 10, 40, 90])]
    await asyncio.sleep(0.01)
    assert budget.waiting == 5
    cancelled.cancel()
    await asyncio.sleep(0)
    assert budget.waiting == 4
    gate.set()
    assert await asyncio.wait_for(asyncio.gather(*tasks), 5) == [0, 1, 2, 3]
    await holding
    assert inside == [0, 1, 2, 3] and peak <= 100 and budget.in_flight == 0


async def test_large_messages_arriving_together_take_turns_in_the_budget_and_all_complete(tmp_path: Path) -> None:
    from agent.app import open_app

    messages = [
        forward(
            txt_transcript(transcript_lines(16_000)), name=f"call-{n}.txt", ctype="text/plain", encoding="base64", n=n
        )
        for n in range(4)
    ]
    size = len(messages[0])
    settings = make_settings(tmp_path, max_attachment_text_chars=20_000, inflight_budget_bytes=size * 3 // 2)
    app = await open_app(settings, inline=True)
    app.hold_drafts = True
    try:
        ids = [store_file(app.engine, raw)[0] for raw in messages]
        most_waiting = 0
        jobs = asyncio.gather(*(process_inbound({"app": app, "job_try": 1}, i) for i in ids))
        while not jobs.done():
            most_waiting = max(most_waiting, app.budget.waiting)
            assert app.budget.in_flight <= app.budget.capacity
            await asyncio.sleep(0.005)
        assert await jobs == ["material"] * 4
        assert most_waiting >= 1  # one message's size fits the budget, two do not: they took turns
        with session_scope(app.engine) as session:
            assert {session.get(Inbound, i).status for i in ids} == {"done"}  # type: ignore[union-attr]
    finally:
        await app.close()


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_a_large_message_is_stored_byte_for_byte_once_and_beside_small_ones(tmp_path: Path, database: str) -> None:
    """Over LARGE_MESSAGE_BYTES PostgreSQL takes the message by COPY, in slices: same bytes, same dedupe."""
    import io

    from db.repo.inbound import LARGE_MESSAGE_BYTES, RawMail, copy_raw, insert_inbound_batch
    from db.session import make_engine, upgrade
    from tests.conftest import PG_URL, reset_postgres

    if database == "postgres":
        reset_postgres(PG_URL)
        url = PG_URL
    else:
        url = f"sqlite:///{tmp_path / 'store.db'}"
    engine = make_engine(url)
    upgrade(engine)
    large = forward(
        bytes(range(256)) * (LARGE_MESSAGE_BYTES // 200),
        name="a.bin",
        ctype="application/octet-stream",
        encoding="base64",
    )
    small = forward(b"short notes", name="b.txt", ctype="text/plain", encoding="base64", n=1)
    other = large.replace(b"(0)", b"(2)")
    assert len(large) > LARGE_MESSAGE_BYTES
    try:
        first = insert_inbound_batch(engine, [RawMail(large, REP, [INBOX], "smtp")])
        again = insert_inbound_batch(
            engine,
            [
                RawMail(small, REP, [INBOX], "smtp"),
                RawMail(large, REP, [INBOX], "smtp"),
                RawMail(other, REP, [INBOX], "smtp"),
            ],
        )
        assert first[0][1] and again[1] == (first[0][0], False)
        assert again[0][1] and again[2][1]
        with session_scope(engine) as session:
            for (inbound_id, _), raw in zip(again, (small, large, other), strict=True):
                out = io.BytesIO()
                copy_raw(session, inbound_id, out)
                assert out.getvalue() == raw
                row = session.get(Inbound, inbound_id)
                assert row is not None and row.status == "pending" and row.rcpt_to == [INBOX]
    finally:
        engine.dispose()
