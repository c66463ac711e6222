"""The lines that open and close forwarded mail inside a body, in every common client and language.

What it is for: recognising a forward's separator line ("---------- Forwarded message
---------", mutt's "----- Forwarded message from Dana <dana@x> -----", Outlook's "-----Original
Message-----", Apple Mail's "Begin forwarded message:", aerc's "Forwarded message from Dana on
Mon Mar 9, 2026 at 4:20 PM:", and their German, French, Spanish... forms), the end marker some
clients close it with ("----- End forwarded message -----"), the printed header block that
follows (From/Von/De, Sent/Gesendet/Envoyé/Enviado el, To/An/À/Para, Subject/Betreff/Objet/
Asunto, plus the raw RFC 5322 fields s-nail prints: Message-ID, References, MIME-Version,
Content-Type, Status...), and where that block ends. Not for: deciding where quoted history
starts in a body (``quotes.py``) or reading a header block into an author and a date
(``forwards.py``).
"""

from __future__ import annotations

import re

_DASHES = r"[-=_*~—–]"
FORWARD_SEP_RE = re.compile(
    rf"^\s*{_DASHES}{{2,}}\s*[^\n]{{0,50}}?(?:forwarded|original|weitergeleitete|urspr[üu]ngliche|transf[ée]r[ée]|"
    r"d'origine|original|reenviado|encaminhada|inoltrato|originale|doorgestuurd|oorspronkelijk|videresendt|"
    r"oprindelig|vidarebefordrat|ursprungligt|przekazana|oryginalna|пересылаемое|перенаправленное|"
    r"исходное|välitetty|alkuperäinen|továbbított|eredeti|původní|přeposlaná|iletilmiş|転送|原始|转发|"
    rf"轉寄|메시지|メッセージを転送)[^\n]{{0,200}}?{_DASHES}{{2,}}\s*$"
    r"|^\s*(?:begin forwarded message|anfang der weitergeleiteten nachricht|d[ée]but du message r[ée]exp[ée]di[ée]|"
    r"inicio del mensaje reenviado|in[ií]cio da mensagem reencaminhada|inizio messaggio inoltrato|"
    r"begin doorgestuurd bericht|начало переадресованного сообщения|videresendt melding|"
    r"vidarebefordrat mejl|转发的邮件|転送されたメッセージ|forwarded message)\s*[:：]?\s*$",
    re.IGNORECASE,
)
# mutt and neomutt close their inline forward; so do some Lotus Notes and Pine versions
FORWARD_END_RE = re.compile(
    rf"^\s*{_DASHES}{{2,}}\s*(?:end(?: of)?(?: the)? (?:forwarded|original) (?:message|e-?mail|text)|"
    r"ende der weitergeleiteten nachricht|fin du message (?:transf[ée]r[ée]|r[ée]exp[ée]di[ée])|"
    rf"fin del mensaje reenviado)\s*{_DASHES}{{2,}}\s*$",
    re.IGNORECASE,
)
# the marker line names the author: mutt "----- Forwarded message from Dana <d@x> -----",
# aerc "Forwarded message from Dana Reyes on Mon Mar 9, 2026 at 4:20 PM:"
MARKER_FROM_RE = re.compile(
    rf"^\s*(?:{_DASHES}{{2,}}\s*)?forwarded (?:message|e-?mail) from\s+(?P<who>.+?)"
    rf"(?:\s+on\s+(?P<when>[^:]*\d[^\n]*?))?\s*(?::|{_DASHES}{{2,}})\s*$",
    re.IGNORECASE,
)
HEADERLESS_FORWARD_RE = re.compile(r"^\s*forwarded (?:message|e-?mail) from\s+.+?\s+on\s+.*\d.*:\s*$", re.IGNORECASE)
INLINE_FORWARD_RE = re.compile(r"^\s*-{3,}\s*forwarded message\s*-{3,}\s*from\s*:", re.IGNORECASE)
LABELS = {
    "from": (
        "from|von|de|da|van|fra|od|от|отправитель|från|lähettäjä|feladó|发件人|發件人|寄件者|差出人|送信者|送信元|보낸 사람|kimden|"
        "afzender|remetente|mittente|expéditeur|absender|nadawca|odesílatel"
    ),
    "date": (
        "sent|date|gesendet|datum|envoyé|envoye|envoyé le|date d'envoi|enviado|enviada|enviado el|fecha|"
        "fecha de envío|inviato|data|verzonden|sendt|skickat|wysłano|wysłane|отправлено|дата|lähetetty|elküldve|"
        "发送时间|日期|送信日時|日時|날짜|tarih|odesláno|日付|message du"
    ),
    "to": "to|an|à|a|para|per|aan|til|till|do|кому|vastaanottaja|címzett|收件人|宛先|送信先|받는 사람|kime|komu",
    "cc": "cc|kopie|kopie (cc)|copie|copie à|kopia|копия|kopio|másolat|抄送|副本|참조|bilgi|dw|cc (kopie)",
    "subject": (
        "subject|betreff|objet|sujet|asunto|oggetto|onderwerp|emne|ämne|temat|тема|aihe|tárgy|主题|主旨|件名|"
        "제목|konu|assunto|předmět"
    ),
}
FROM_LINE_RE = re.compile(rf"^\s*\*{{0,2}}(?:{LABELS['from']})\s*\*{{0,2}}\s*[:：]\s*\*{{0,2}}\s*\S", re.IGNORECASE)
_OTHER = "|".join(re.escape(w) for key in ("date", "to", "cc", "subject") for w in LABELS[key].split("|"))
OTHER_LABEL_RE = re.compile(rf"^\s*\*{{0,2}}(?:{_OTHER})\s*\*{{0,2}}\s*[:：]", re.IGNORECASE)
# raw RFC 5322 fields a client prints with the forwarded message (s-nail prints them all)
FIELD_LINE_RE = re.compile(
    r"^(?:[A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)+|Status|References|Received|Sender|Importance|Priority|"
    r"Organization|Keywords|Comments|Lines|Newsgroups)\s*:(?:\s|$)"
)
MIME_PART_RE = re.compile(r"^Content-(?:Type|Transfer-Encoding|Disposition|ID|Description|Language)\s*:", re.I)


def is_label_line(line: str) -> bool:
    return bool(OTHER_LABEL_RE.match(line) or FROM_LINE_RE.match(line))


def is_field_line(line: str) -> bool:
    """A header-block line: a label in any language or a raw RFC 5322 field."""
    return is_label_line(line) or bool(FIELD_LINE_RE.match(line))


def is_header_block(lines: list[str], i: int) -> bool:
    """A From/Date-like line followed closely by more header labels, one of them a From."""
    line = lines[i]
    is_from = bool(FROM_LINE_RE.match(line))
    if not is_from and not OTHER_LABEL_RE.match(line):
        return False
    labels, froms = 1, int(is_from)
    for j in range(i + 1, min(len(lines), i + 7)):
        nxt = lines[j]
        if FROM_LINE_RE.match(nxt):
            froms += 1
            labels += 1
        elif OTHER_LABEL_RE.match(nxt):
            labels += 1
        if froms and labels >= (2 if is_from else 3):
            return True
    return False


def header_end(lines: list[str], i: int) -> int:
    """Index of the first line after a header block that starts at ``i`` (``i`` itself when none does).

    The block may hold raw RFC 5322 fields, and may be followed by the MIME headers of the
    forwarded message's first part (s-nail prints both).
    """
    n = len(lines)
    if i >= n or not is_field_line(lines[i]):
        return i
    j = i + 1
    while j < n and j - i < 40:
        line = lines[j]
        if not line.strip():
            k = j + 1
            while k < n and not lines[k].strip() and k - j < 3:
                k += 1
            if k < n and k - i < 24 and (is_label_line(lines[k]) or MIME_PART_RE.match(lines[k])):
                j = k
                continue
            return j
        if is_field_line(line) or line[:1] in " \t":
            j += 1
            continue
        # a wrapped recipient list, e.g. "To: a@x.com;\n b@y.com"
        prev = lines[j - 1].rstrip()
        if prev.endswith((",", ";")) and len(line) < 200:
            j += 1
            continue
        # a wrapped value with no indent (Gmail wraps a long Subject): the header goes on after it
        if j + 1 < n and len(line) < 200 and is_label_line(lines[j + 1]):
            j += 1
            continue
        return j
    return j


def matching_end(lines: list[str], start: int) -> int | None:
    """The end marker that closes the forward whose separator is at ``start``, if the client wrote one.

    Forwards nest ("----- Forwarded message" inside another), so markers pair up like
    brackets; when they do not (a Gmail forward with no end inside a mutt one), the last
    end marker closes the outer forward.
    """
    depth, last = 0, None
    for j in range(start + 1, len(lines)):
        line = lines[j]
        if line[:1] not in " \t-=_*~—–":
            continue
        if FORWARD_END_RE.match(line):
            if depth == 0:
                return j
            depth -= 1
            last = j
        elif FORWARD_SEP_RE.match(line):
            depth += 1
    return last
