"""Bad input never crashes or hangs the parser; what could not be read is reported."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailflows.inbound.parse import ParseLimits, parse_body, parse_message


def test_ten_thousand_parts_stop_at_the_part_limit():
    parts = "".join(f"--b\nContent-Type: text/plain\n\npart {i}\n" for i in range(10_000))
    raw = f"From: a@b.example\nContent-Type: multipart/mixed; boundary=b\n\n{parts}--b--\n".encode()
    started = time.perf_counter()
    parsed = parse_message(raw)
    assert time.perf_counter() - started < 20
    assert any("more than 1000 MIME parts" in d for d in parsed.defects)
    assert "part 0" in parsed.outer.body and "part 9999" not in parsed.outer.body


def test_nesting_one_hundred_deep_stops_at_the_depth_limit():
    raw = "From: a@b.example\n"
    for depth in range(100):
        raw += f"Content-Type: multipart/mixed; boundary=b{depth}\n\n--b{depth}\n"
    raw += "Content-Type: text/plain\n\ndeep text\n"
    raw += "".join(f"--b{depth}--\n" for depth in reversed(range(100)))
    parsed = parse_message(raw.encode())
    assert any("deeper than 20" in d for d in parsed.defects)


def test_one_megabyte_header_is_cut_and_the_body_still_read():
    raw = b"From: a@b.example\nX-Junk: " + b"x" * 1_000_000 + b"\nSubject: s\n\nthe body\n"
    parsed = parse_message(raw)
    assert any("header block larger" in d for d in parsed.defects)
    assert parsed.outer.body == "the body"


def test_nul_bytes_unterminated_encoded_word_and_broken_boundaries():
    raw = (
        b"From: =?utf-8?q?never_ends <a@b.example>\nSubject: =?utf-8?b?AAAA\x00\n"
        b"Content-Type: multipart/mixed; boundary=zz\n\n--yy\nno boundary ever matches\x00\n"
    )
    parsed = parse_message(raw)
    assert "NUL bytes removed" in parsed.defects
    assert parsed.messages and "\x00" not in parsed.outer.body


def test_message_over_the_size_limit_is_truncated_and_reported():
    parsed = parse_message(b"From: a@b.example\n\n" + b"y" * 5000, ParseLimits(max_message_bytes=1000))
    assert any("truncated" in d for d in parsed.defects)
    assert len(parsed.outer.body) < 1000


def test_empty_input_gives_one_empty_message():
    parsed = parse_message(b"")
    assert len(parsed.messages) == 1 and parsed.outer.body == ""


def test_thousands_of_quote_levels_do_not_recurse_out():
    body = "".join(">" * depth + f" level {depth}\n" for depth in range(1, 3000))
    parsed = parse_body("top\n\nOn Mon, Mar 9, 2026 at 4:20 PM A <a@b.example> wrote:\n" + body)
    assert parsed.outer.body == "top"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.sampled_from(
            [
                b"From: a@b.example\n",
                b"Content-Type: multipart/mixed; boundary=q\n",
                b"\n",
                b"--q\n",
                b"--q--\n",
                b"Content-Type: message/rfc822\n",
                b"Content-Type: text/html\n",
                b"<div>x</div>",
                b"Content-Transfer-Encoding: base64\n",
                b"Content-Transfer-Encoding: quoted-printable\n",
                b"=?utf-8?b?",
                b"On Mon, Mar 9, 2026 A <a@b.example> wrote:\n",
                b"> quoted\n",
                b"From: x\nSent: y\nTo: z\nSubject: w\n",
                b"\x00",
                b"\xff\xfe",
                b"=\n",
                b"-- \n",
                b"Content-Type: text/calendar; method=REPLY\n",
                b"Content-Disposition: attachment; filename=a.vtt\n",
            ]
        ),
        max_size=40,
    ).map(b"".join)
    | st.binary(max_size=2000)
)
def test_parse_message_never_raises(raw):
    parsed = parse_message(raw)
    assert parsed.messages and parsed.message_id


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=2000))
def test_parse_body_never_raises(text):
    assert parse_body(text).messages
