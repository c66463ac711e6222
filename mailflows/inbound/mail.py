"""The shapes a parsed message takes: what ``parse_message`` returns.

What it is for: plain dataclasses shared by the parser (which fills them), the
account resolver and the extractors (which read them), and the database (which
stores ``ThreadMessage.to_dict()``). Not for: any parsing logic.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Literal

MessageKind = Literal["email", "forwarded", "attached", "transcript", "note", "crm", "calendar"]


@dataclass(slots=True)
class Address:
    name: str
    email: str

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email

    @property
    def domain(self) -> str:
        return self.email.rsplit("@", 1)[-1].lower()


@dataclass(slots=True)
class Turn:
    """One speaker turn of a call transcript."""

    speaker: str
    text: str
    at: str | None = None  # offset as written in the transcript, e.g. "00:01:02"


@dataclass(slots=True)
class SignatureInfo:
    """What a signature card says (``signatures.parse_signature`` reads it); any field may be ""."""

    name: str = ""
    title: str = ""
    company: str = ""
    phone: str = ""


@dataclass(slots=True)
class ThreadMessage:
    """One message of what was forwarded: the outer mail, a forwarded or quoted one, or an attachment.

    ``body`` is the visible text this author wrote (no quoted history, no signature,
    no disclaimer); ``quoted`` the history below it as it stood; ``signature`` the
    signature block, and ``card`` what it says (read once, by the parser, for everyone
    who needs a title or a company name). Transcripts carry their ``turns``; ``body`` then holds the
    turns as ``Speaker: text`` lines. ``own_text`` False: the author wrote nothing
    above the quote, and ``body`` holds the quoted lines (kept for reading, never
    the author's words: no command is taken from it).
    """

    id: str
    kind: MessageKind = "email"
    sender: Address | None = None
    to: list[Address] = field(default_factory=list)
    cc: list[Address] = field(default_factory=list)
    date: datetime | None = None
    subject: str = ""
    body: str = ""
    signature: str = ""
    card: SignatureInfo = field(default_factory=SignatureInfo)
    quoted: str = ""
    auto_generated: bool = False
    turns: list[Turn] = field(default_factory=list)
    filename: str | None = None
    attendees: list[Address] = field(default_factory=list)
    own_text: bool = True
    header: str = ""  # a transcript's own head lines ("Participants: Ana Gil (CFO), …"), kept out of ``body``

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["date"] = self.date.isoformat() if self.date else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ThreadMessage:
        def addr(value: dict[str, str] | None) -> Address | None:
            return Address(**value) if value else None

        return cls(
            id=data["id"],
            kind=data.get("kind", "email"),
            sender=addr(data.get("sender")),
            to=[Address(**a) for a in data.get("to", [])],
            cc=[Address(**a) for a in data.get("cc", [])],
            date=datetime.fromisoformat(data["date"]) if data.get("date") else None,
            subject=data.get("subject", ""),
            body=data.get("body", ""),
            signature=data.get("signature", ""),
            card=SignatureInfo(**data["card"]) if data.get("card") else SignatureInfo(),
            quoted=data.get("quoted", ""),
            auto_generated=data.get("auto_generated", False),
            turns=[Turn(**t) for t in data.get("turns", [])],
            filename=data.get("filename"),
            attendees=[Address(**a) for a in data.get("attendees", [])],
            own_text=data.get("own_text", True),
            header=data.get("header", ""),
        )

    def participants(self) -> list[Address]:
        people = [self.sender] if self.sender else []
        return [*people, *self.to, *self.cc, *self.attendees]


@dataclass(slots=True)
class AttachmentInfo:
    filename: str
    content_type: str
    size: int
    read: bool
    reason: str = ""  # why it was not read, shown to the rep


@dataclass(slots=True)
class ParsedMail:
    """Everything read from one raw message, the outer message first in ``messages``."""

    message_id: str
    messages: list[ThreadMessage] = field(default_factory=list)
    attachments: list[AttachmentInfo] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)
    in_reply_to: str | None = None
    references: list[str] = field(default_factory=list)
    reply_to: list[Address] = field(default_factory=list)
    envelope_to: list[str] = field(default_factory=list)
    auto_generated: bool = False  # the outer message is an auto-reply / bounce / list mail
    calendar_reply: bool = False  # an iTIP REPLY (accept/decline) to an invite we sent
    calendar_ics: bytes | None = None  # that REPLY's text/calendar part, for whoever records it
    authentication_results: list[str] = field(default_factory=list)

    @property
    def outer(self) -> ThreadMessage:
        return self.messages[0]

    def to_json(self) -> dict[str, Any]:
        """The ``handoff parse --format json`` shape."""
        return {
            "messages": [
                {
                    "id": m.id,
                    "from": str(m.sender) if m.sender else None,
                    "to": [str(a) for a in m.to],
                    "cc": [str(a) for a in m.cc],
                    "date": m.date.isoformat() if m.date else None,
                    "subject": m.subject,
                    "body": m.body,
                    "signature": m.signature,
                    "quoted": m.quoted,
                    "kind": m.kind,
                    "auto_generated": m.auto_generated,
                    **({"turns": [asdict(t) for t in m.turns]} if m.turns else {}),
                    **({"filename": m.filename} if m.filename else {}),
                }
                for m in self.messages
            ],
            "attachments": [asdict(a) for a in self.attachments],
            "defects": list(self.defects),
        }

    def to_text(self) -> str:
        """The ``handoff parse --format text`` shape: each message's headers and body, then attachments and defects."""
        data = self.to_json()
        lines = []
        for i, m in enumerate(data["messages"], 1):
            lines.append(f"--- message {i} ({m['kind']}{', auto-generated' if m['auto_generated'] else ''})")
            lines.append(f"From: {m['from']}\nDate: {m['date']}\nSubject: {m['subject']}\n\n{m['body']}\n")
        for a in data["attachments"]:
            lines.append(
                f"attachment {a['filename']} {a['content_type']} {a['size']} bytes {'read' if a['read'] else 'NOT read'}"
            )
        lines.extend(f"defect: {d}" for d in data["defects"])
        return "\n".join(lines)
