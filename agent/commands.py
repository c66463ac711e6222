"""What the rep's reply says: commands, one per line, and the answer text around them.

What it is for: ``parse_commands`` splits a reply's own text into ``Commands``
(``approve``, ``CSM: Name <email>``, ``account:``, ``call:``, ``remove:``, ``signed:``,
``status``, ``cancel``; forgiving of case, punctuation and list marks) and the rest,
which is an answer. A line quoted with ">" (at any depth, however indented) is never
a command: it is someone else's text the rep's client quoted; it stays in the answer
only as context. ``own_lines`` is the text without those lines. Not for: which text is
the rep's own in the first place (the parser's ``ThreadMessage.own_text`` and quote
splitting), who may give commands (agent/trust.py) or acting on them
(agent/conversation.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

import dateparser
import regex

from agent.document import fold
from mailflows.inbound.mail import Address

_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
# any script's capitals: "Zoë Ångström", "José Núñez", "Łukasz Żółć"
_WORD = r"\p{Lu}(?=[\p{L}'’\-]*\p{Ll})[\p{L}'’\-]*\p{L}"  # a capital, some small letters: not "CSM"
_NAME = regex.compile(rf"(?<!\w)({_WORD}(?:\s+(?:(?:van|de|von|da|del|le|di|du|dos)\s+)?{_WORD}){{1,2}})(?!\w)")
_LEAD = re.compile(r"^[\s*\-•#\d.)]*")
_QUOTED = re.compile(r"^[\s\u00a0]*[>\uff1e]")
_LINE_END = re.compile(r"\r\n|\r|\n")
# A line that is only one of these (case, list marks and a final "." or "!" aside) is the command. The draft
# may be in German, French or Spanish (agent/wording.py): a rep who answers it in that language is understood.
APPROVE = {"approve", "approved", "i approve", "approve it", "freigeben", "freigegeben", "genehmigt",
           "ich genehmige", "approuvé", "approuve", "j'approuve", "validé", "je valide", "aprobado", "apruebo"}  # fmt: skip
STATUS = {"status", "status?", "statut", "statut ?", "estado", "estado?", "¿estado?"}
CANCEL = {"cancel", "cancel this handoff", "cancel handoff", "abbrechen", "annuler", "cancelar"}
# "remove:" in the four languages; the other verbs (CSM:, account:, call:, signed:) are written as in English
_VERB = re.compile(
    r"(?i)^(csm|account|call|remove|signed|entfernen|löschen|supprimer|retirer|eliminar|quitar)\s*[:\-\u2013\u2014]\s*(.+)$"
)
_REMOVE = {"remove", "entfernen", "löschen", "supprimer", "retirer", "eliminar", "quitar"}


@dataclass
class Commands:
    approve: bool = False
    csm: Address | None = None
    csm_name_only: str | None = None
    account_name: str | None = None
    call: datetime | None = None
    call_text: str | None = None
    remove: list[str] = field(default_factory=list)
    signed: date | None = None
    status: bool = False
    cancel: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def given(self) -> bool:
        """The reply holds a command, read or not: such a reply is always answered."""
        return bool(self.approve or self.status or self.changes or self.errors)

    @property
    def changes(self) -> bool:
        """Anything besides approve/status that changes the handoff."""
        return bool(
            self.csm
            or self.csm_name_only
            or self.account_name
            or self.call
            or self.remove
            or self.signed
            or self.cancel
        )


def _clean(line: str) -> str:
    return _LEAD.sub("", line).strip()


def lines_of(text: str) -> list[str]:
    """Lines as a mail client quotes them: split at line ends only.

    Never ``str.splitlines``, which also splits at form feeds, U+2028 and friends: a
    quoted line holding one would hand its tail to the reader as a line of its own.
    """
    return _LINE_END.split(text)


def is_quoted(line: str) -> bool:
    return bool(_QUOTED.match(line))


def own_lines(text: str) -> str:
    """``text`` without its ">"-quoted lines: what the writer typed in this message."""
    return "\n".join(line for line in lines_of(text) if not is_quoted(line)).strip()


def _read_csm(rest: str, cmds: Commands) -> None:
    """``CSM: Name <address>``, ``CSM: Name`` or ``CSM: Ana`` into ``cmds``."""
    email = _EMAIL.search(rest)
    names = _NAME.findall(rest[: email.start()] if email else rest) or _NAME.findall(rest)
    names = [n for n in names if fold(n) not in {"csm", "customer success"}]
    if not names and not email and (single := regex.fullmatch(rf"\s*({_WORD})\s*[.!]?\s*", rest)):
        names = [single.group(1)]  # "CSM: Ana": a first name alone, looked up like any name
    name = names[-1] if email and names else (names[0] if names else "")
    before = rest[: email.start()].strip(" <>\"'(),;") if email else ""
    if email and not name and 0 < len(before.split()) <= 4 and regex.fullmatch(r"[\p{L}'’.\- ]+", before):
        name = before  # "ÉLODIE Durand <e@x>": the display name as written
    if email:
        cmds.csm = Address(name=name, email=email.group(0).lower())
    elif name:
        cmds.csm_name_only = name
    else:
        cmds.errors.append(f"I could not read a name or address in 'CSM: {rest}'.")


def parse_commands(text: str, tz_name: str = "UTC", now: datetime | None = None) -> tuple[Commands, str]:
    """Split a reply's visible text into commands and the remaining answer text."""
    cmds = Commands()
    answers: list[str] = []
    settings = {"TIMEZONE": tz_name, "RETURN_AS_TIMEZONE_AWARE": True, "PREFER_DATES_FROM": "future"}
    if now is not None:
        settings["RELATIVE_BASE"] = now.replace(tzinfo=None)
    for raw_line in lines_of(text):
        if is_quoted(raw_line):
            answers.append(raw_line)
            continue
        line = _clean(raw_line)
        low = line.lower().rstrip(" .!")
        if low in APPROVE:
            cmds.approve = True
            continue
        if low in STATUS:
            cmds.status = True
            continue
        if low in CANCEL:
            cmds.cancel = True
            continue
        match = _VERB.match(line)
        if not match:
            answers.append(raw_line)
            continue
        verb, rest = match.group(1).lower(), match.group(2).strip()
        verb = "remove" if verb in _REMOVE else verb
        if verb == "csm":
            _read_csm(rest, cmds)
        elif verb == "account":
            cmds.account_name = rest.strip(" .")
        elif verb == "call":
            when = dateparser.parse(rest, settings=settings)
            if when is None:
                cmds.errors.append(f"I could not read a date and time in 'call: {rest}'.")
            else:
                cmds.call, cmds.call_text = when, rest
        elif verb == "remove":
            cmds.remove.append(rest)
        elif verb == "signed":
            when = dateparser.parse(rest, settings=settings)
            if when is None:
                cmds.errors.append(f"I could not read a date in 'signed: {rest}'.")
            else:
                cmds.signed = when.date()
    return cmds, "\n".join(answers).strip()
