"""Transfer encodings and charsets, including wrong labels and bytes that do not decode."""

from __future__ import annotations

import base64

import pytest

from mailflows.inbound.parse import parse_message


def mail(headers: str, body: bytes) -> bytes:
    return f"From: Ines <ines@bluefin.example>\nSubject: x\n{headers}\n\n".encode() + body


@pytest.mark.parametrize(
    ("headers", "body", "expected"),
    [
        (
            'Content-Type: text/plain; charset="utf-8"\nContent-Transfer-Encoding: quoted-printable',
            b"Gr=C3=BC=C3=9Fe aus Z=C3=BCrich, das ist eine sehr lange Zeile die umbrochen =\nwird.",
            "Grüße aus Zürich, das ist eine sehr lange Zeile die umbrochen wird.",
        ),
        (
            'Content-Type: text/plain; charset="utf-8"\nContent-Transfer-Encoding: base64',
            base64.b64encode("Café crème".encode()),
            "Café crème",
        ),
        ('Content-Type: text/plain; charset="iso-8859-1"', "Müller".encode("latin-1"), "Müller"),
        ('Content-Type: text/plain; charset="iso-8859-1"', "“quoted” – dash".encode("cp1252"), "“quoted” – dash"),
        ('Content-Type: text/plain; charset="windows-1252"', "€100".encode("cp1252"), "€100"),
        ('Content-Type: text/plain; charset="big5"', "你好".encode("big5"), "你好"),
        ('Content-Type: text/plain; charset="big5"', "你好 (really UTF-8)".encode(), "你好 (really UTF-8)"),
        ('Content-Type: text/plain; charset="x-no-such-charset"', "naïve".encode("cp1252"), "naïve"),
        ('Content-Type: text/plain; charset="utf-8"', b"bad \xff\xfe bytes", "bad \ufffd\ufffd bytes"),
    ],
)
def test_bodies_decode_to_the_text_that_was_written(headers, body, expected):
    assert parse_message(mail(headers, body)).outer.body == expected


def test_encoded_word_headers_and_raw_utf8_headers_are_decoded():
    raw = (
        b"From: =?utf-8?q?L=C3=A9a_M=C3=BCller?= <lea@bluefin.example>\n"
        b"To: J\xc3\xb6rg <jorg@bluefin.example>\n"
        b"Subject: =?iso-8859-1?b?R3L832U=?= and\n folded\n\nbody\n"
    )
    parsed = parse_message(raw)
    assert parsed.outer.sender is not None and parsed.outer.sender.name == "Léa Müller"
    assert parsed.outer.to[0].name == "Jörg"
    assert parsed.outer.subject == "Grüße and folded"


def test_raw_latin1_header_is_read_without_crashing():
    parsed = parse_message(b"From: Fran\xe7ois <f@b.example>\nSubject: ok\n\nbody\n")
    assert parsed.outer.sender is not None and parsed.outer.sender.email == "f@b.example"
    assert parsed.outer.body == "body"


def test_utf7_encoded_words_in_headers_are_decoded() -> None:
    raw = (
        b"From: =?utf-7?Q?J+APw-rgen_M+APw-ller?= <juergen@kunde.example>\r\n"
        b"To: handoff@northwind.example\r\nSubject: =?UTF-7?Q?Gr+APw-+AN8-e?=\r\nMessage-ID: <u7@kunde.example>\r\n\r\nHallo\r\n"
    )
    parsed = parse_message(raw)
    assert parsed.outer.sender is not None and parsed.outer.sender.name == "J\u00fcrgen M\u00fcller"
    assert parsed.outer.subject == "Gr\u00fc\u00dfe"
