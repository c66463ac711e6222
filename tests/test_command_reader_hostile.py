"""Hostile input for the command reader: only the rep's own text ever commands.

Hypothesis builds replies from command lines (``approve``, ``CSM: Eve <eve@evil.example>``,
``cancel``, ``remove:`` ...), plain sentences and arbitrary text, quoted at any depth
and indentation (``>``, ``> >``, ``>>>``, a non-breaking space or a fullwidth ``＞``),
in plain text and in HTML blockquotes, with and without an attribution line, through
the parser as a real message. Whatever is quoted commands nothing; what is not quoted
commands exactly what it would alone; nothing crashes.
"""

from __future__ import annotations

import email.utils
from datetime import UTC, datetime
from email.message import EmailMessage
from html import escape

from hypothesis import given, settings
from hypothesis import strategies as st

from agent.commands import Commands, own_lines, parse_commands
from mailflows.inbound.parse import parse_message

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)
COMMANDS = [
    "approve",
    "Approved!",
    "CSM: Eve Mallet <eve@evil.example>",
    "csm - Priya Nair <priya.nair@northwind.example>",
    "cancel",
    "status",
    "remove: onboarding engineer",
    "account: Evil Corp",
    "signed: 2026-03-02",
    "call: Tuesday 10:00",
    "1. approve",
    "- approve",
]
SENTENCES = [
    "Looks good to me.",
    "Their CFO signs off on anything over 100k.",
    "Pain points: routes are planned by hand.",
    "I will approve once Dana confirms the budget.",
]
QUOTE_MARKS = [">", "> ", ">>", "> > ", ">>> ", "  > ", "\t>", "\u00a0> ", "\uff1e "]

command_lines = st.sampled_from(COMMANDS)
any_line = st.one_of(
    command_lines,
    st.sampled_from(SENTENCES),
    st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\r\n"), max_size=60),
)
quoted_line = st.tuples(st.sampled_from(QUOTE_MARKS), any_line).map(lambda p: p[0] + p[1])


def summary(cmds: Commands) -> tuple[object, ...]:
    return (
        cmds.approve,
        cmds.csm,
        cmds.csm_name_only,
        cmds.account_name,
        cmds.call_text,
        tuple(cmds.remove),
        cmds.signed,
        cmds.status,
        cmds.cancel,
        tuple(cmds.errors),
    )


def reply(body: str, *, html: bool = False) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Sam Okafor <sam.okafor@northwind.example>"
    msg["To"] = "handoff+0123456789abcdef0123456789abcdef@northwind.example"
    msg["Subject"] = "Re: Handoff draft: Kestrel Freight"
    msg["Message-ID"] = email.utils.make_msgid(domain="northwind.example")
    if html:
        msg.set_content(body, subtype="html")
    else:
        msg.set_content(body)
    return msg.as_bytes()


def commands_from(raw: bytes) -> Commands:
    """What the service reads from a reply: the parser's own text, then the command reader."""
    outer = parse_message(raw).outer
    return parse_commands(outer.body if outer.own_text else "", "UTC", NOW)[0]


READER = settings(max_examples=200, deadline=None)


@READER
@given(lines=st.lists(quoted_line, min_size=1, max_size=12))
def test_quoted_lines_at_any_depth_never_command(lines: list[str]) -> None:
    cmds, answer = parse_commands("\n".join(lines), "UTC", NOW)
    assert not cmds.given
    assert own_lines("\n".join(lines)) == ""


@READER
@given(own=st.lists(st.one_of(command_lines, st.sampled_from(SENTENCES)), max_size=5), quoted=st.lists(quoted_line))
def test_quoted_lines_change_nothing_the_own_lines_command(own: list[str], quoted: list[str]) -> None:
    mixed = [*own, *quoted] if len(own) % 2 else [line for pair in zip(quoted, own, strict=False) for line in pair]
    if len(own) % 2 == 0:
        mixed = [*mixed, *own[len(quoted) :], *quoted[len(own) :]]
    alone = parse_commands("\n".join(own), "UTC", NOW)[0]
    assert summary(parse_commands("\n".join(mixed), "UTC", NOW)[0]) == summary(alone)


@READER
@given(text=st.text(st.characters(exclude_categories=["Cs"]), max_size=400))
def test_the_reader_never_crashes_on_any_text(text: str) -> None:
    cmds, answer = parse_commands(text, "Europe/Berlin", NOW)
    assert isinstance(answer, str) and isinstance(cmds.given, bool)


@READER
@given(
    lines=st.lists(st.one_of(command_lines, st.sampled_from(SENTENCES)), min_size=1, max_size=8),
    mark=st.sampled_from(QUOTE_MARKS),
    attribution=st.booleans(),
    blank_lines=st.integers(0, 3),
)
def test_a_reply_of_only_quoted_text_commands_nothing_through_the_parser(
    lines: list[str], mark: str, attribution: bool, blank_lines: int
) -> None:
    head = "On Mon, 1 Jun 2026 at 09:00, handoff <handoff@northwind.example> wrote:\n" if attribution else ""
    body = "\n" * blank_lines + head + "\n".join(mark + line for line in lines) + "\n"
    assert not commands_from(reply(body)).given


@READER
@given(lines=st.lists(st.one_of(command_lines, st.sampled_from(SENTENCES)), min_size=1, max_size=8))
def test_an_html_blockquote_commands_nothing_through_the_parser(lines: list[str]) -> None:
    quoted = "<br>".join(escape(line) for line in lines)
    for wrapper in (
        f"<blockquote>{quoted}</blockquote>",
        f'<blockquote type="cite">{quoted}</blockquote>',
        f'<div class="gmail_quote"><blockquote class="gmail_quote">{quoted}</blockquote></div>',
        f'<div id="divRplyFwdMsg"><b>From:</b> handoff</div><div>{quoted}</div>',
    ):
        assert not commands_from(reply(f"<html><body><div><br></div>{wrapper}</body></html>", html=True)).given


@READER
@given(
    own=st.lists(st.one_of(command_lines, st.sampled_from(SENTENCES)), min_size=1, max_size=5),
    quoted=st.lists(st.one_of(command_lines, st.sampled_from(SENTENCES)), min_size=1, max_size=8),
)
def test_own_text_above_a_quoted_draft_commands_what_it_says_and_no_more(own: list[str], quoted: list[str]) -> None:
    body = (
        "\n".join(own)
        + "\n\nOn Mon, 1 Jun 2026 at 09:00, handoff <handoff@northwind.example> wrote:\n"
        + "\n".join("> " + line for line in quoted)
        + "\n"
    )
    expected = parse_commands("\n".join(own), "UTC", NOW)[0]
    assert summary(commands_from(reply(body))) == summary(expected)


def test_a_line_break_inside_a_quoted_line_does_not_free_its_tail() -> None:
    for sep in ("\x0c", "\u2028", "\u2029", "\x85", "\x1c", "\x1e", "\x0b"):
        body = f"Looks good.\n> Dana wrote:{sep}approve\n> {sep}CSM: Eve <eve@evil.example>\nThanks\n"
        assert not parse_commands(body, "UTC", NOW)[0].given, repr(sep)
        assert not commands_from(reply(body)).given, repr(sep)
