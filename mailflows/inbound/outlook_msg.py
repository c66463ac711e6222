"""Outlook .msg files (OLE2 compound files) turned back into RFC 5322 mail.

What it is for: ``msg_to_rfc822(data)`` reads the MAPI properties Outlook stores as
``__substg1.0_<tag>`` streams (subject, body, sender, recipients, transport headers,
attachments) with olefile and writes an ordinary message, so an attached .msg goes
through the same parser as an attached .eml. Not for: RTF-only bodies (the plain body
property is used; a message without one is reported as unread).
"""

from __future__ import annotations

import email.policy
import email.utils
import io
from email.message import EmailMessage
from email.parser import HeaderParser
from typing import Any

SUBJECT, BODY = "0037", "1000"
SENDER_NAME, SENDER_EMAIL, SENDER_SMTP = "0C1A", "0C1F", "5D01"
HEADERS = "007D"
RECIP_NAME, RECIP_SMTP, RECIP_EMAIL = "3001", "39FE", "3003"
ATTACH_LONG_NAME, ATTACH_NAME, ATTACH_DATA = "3707", "3704", "3701"
_COPY_HEADERS = ("Date", "Message-ID", "In-Reply-To", "References", "To", "Cc")


def is_msg(data: bytes) -> bool:
    return data[:8] == bytes.fromhex("D0CF11E0A1B11AE1")


class _Props:
    def __init__(self, ole: Any, folder: str = "") -> None:
        self.ole = ole
        self.prefix = f"{folder}/" if folder else ""

    def raw(self, prop: str, kind: str) -> bytes | None:
        name = f"{self.prefix}__substg1.0_{prop}{kind}"
        return self.ole.openstream(name).read() if self.ole.exists(name) else None

    def text(self, prop: str) -> str:
        data = self.raw(prop, "001F")
        if data is not None:
            return data.decode("utf-16-le", "replace").rstrip("\0")
        data = self.raw(prop, "001E")  # 8-bit strings in old files
        return data.decode("cp1252", "replace").rstrip("\0") if data is not None else ""


def msg_to_rfc822(data: bytes) -> bytes:
    """The .msg as an RFC 5322 message; raises ValueError when it is not a readable .msg."""
    import olefile

    if not is_msg(data):
        raise ValueError("not an OLE2 compound file")
    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        props = _Props(ole)
        body = props.text(BODY)
        subject = props.text(SUBJECT)
        if not body and not subject:
            raise ValueError("the .msg has neither a subject nor a plain-text body")
        msg = EmailMessage(policy=email.policy.default)
        headers = HeaderParser().parsestr(props.text(HEADERS)) if props.text(HEADERS) else None
        sender = props.text(SENDER_SMTP) or props.text(SENDER_EMAIL)
        if "@" not in sender and headers is not None and headers.get("From"):
            msg["From"] = headers["From"]
        else:
            msg["From"] = email.utils.formataddr((props.text(SENDER_NAME), sender))
        msg["Subject"] = subject
        recipients = []
        for entry in sorted({path[0] for path in ole.listdir() if path[0].startswith("__recip_version1.0_")}):
            r = _Props(ole, entry)
            address = r.text(RECIP_SMTP) or r.text(RECIP_EMAIL)
            if "@" in address:
                recipients.append(email.utils.formataddr((r.text(RECIP_NAME), address)))
        if headers is not None:
            for name in _COPY_HEADERS:
                if headers.get(name) and name not in msg:
                    msg[name] = headers[name].replace("\r", " ").replace("\n", " ")
        if recipients and "To" not in msg:
            msg["To"] = ", ".join(recipients)
        msg.set_content(body or "")
        for entry in sorted({path[0] for path in ole.listdir() if path[0].startswith("__attach_version1.0_")}):
            a = _Props(ole, entry)
            content = a.raw(ATTACH_DATA, "0102")
            if content is None:
                continue
            name = a.text(ATTACH_LONG_NAME) or a.text(ATTACH_NAME) or "attachment"
            msg.add_attachment(content, maintype="application", subtype="octet-stream", filename=name)
        return msg.as_bytes()
