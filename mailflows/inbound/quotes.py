"""Where quoted history starts in a plain-text body, and the visible reply above it.

What it is for: finding the line where quoted or forwarded history opens in every
common client and language ("On ... wrote:" and its localized forms, also with the
address broken over several lines, Gmail's "2016-03-03 17:21 GMT+01:00 Name" line,
forward separators and header blocks as ``markers.py`` knows them, "____" rules, ">"
quoting) and where it closes again (a forward's end marker, bottom-posted text),
attribution lines that quote nothing, legal disclaimers and banners, and
``visible_reply`` — the text a person typed above all of that, without signature. Not
for: reading the headers of the quoted message into an author and date
(``forwards.py``) or HTML (``html_text.py`` renders HTML to text first).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from mailflows.inbound.markers import (
    FORWARD_END_RE,
    FORWARD_SEP_RE,
    HEADERLESS_FORWARD_RE,
    INLINE_FORWARD_RE,
    is_header_block,
    matching_end,
)
from mailflows.inbound.signatures import is_mobile_footer, split_signature

BoundaryKind = Literal["forward", "header", "wrote", "quote", "rule"]

INVISIBLE = dict.fromkeys(map(ord, "\u200e\u200f\u200b\ufeff\u00ad\u2060\u202a\u202c\u1427"), None)

DIGIT_RE = re.compile(r"\d")
DASHES = frozenset("-=_*~—–")
RULE_RE = re.compile(r"^\s*(?:_{4,}|-{4,}|={4,}|\*{4,})\s*$")
LIST_FOOTER_RE = re.compile(r"mailing list|unsubscribe|mailman/listinfo", re.IGNORECASE)
WROTE_WORDS = (
    r"wrote|writes|schrieb|a écrit|a ecrit|escribió|escribio|ha scritto|schreef|escreveu|skrev|"
    r"napisał\(a\)|napisał|napisała|napisal|scrisse|kirjoitti|írta|написал\(а\)|написала|написал|написав|"
    r"写道|寫道|a scris|va escriure|escriure|wrote on|kirjutas|rašė|rakstīja|yazdı|έγραψε|כתב|napísal|"
    r"geschreven|het volgende geschreven|пише|пишет|írta|kirjoitti|napsal|scrie"
)
WROTE_END_RE = re.compile(rf"(?:{WROTE_WORDS})\s*(?:[^\s:：]{{0,40}})?\s*[:：]?\s*$", re.IGNORECASE)
WROTE_START_RE = re.compile(
    r"^\s*(?:on|le|am|el|il|op|em|den|w dniu|dnia|på|pe|v|dne|στις|在|às|a|el día|o|ar|the|\d)",
    re.IGNORECASE,
)
WROTE_ANY_RE = re.compile(rf"(?:^|[\s,])(?:{WROTE_WORDS})(?:\s|[:：]|$)", re.IGNORECASE)
TIME_OR_YEAR_RE = re.compile(r"\d{1,2}[:.]\d{2}|\b(?:19|20)\d{2}\b|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}")
DATE_ADDR_RE = re.compile(r"^.{0,40}\d.{0,80}<[^<>\s]+@[^<>\s]+>$")
DATE_ADDR_COLON_RE = re.compile(r"^.{0,80}\d.{0,120}(?:<[^<>\s]+@[^<>\s]+>|[\w.+-]+@[\w-]+\.[\w.-]+)\s*[:：]\s*$")
GMAIL_ISO_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2} \d{1,2}:\d{2} GMT[+-]\d{2}:\d{2} [^\W\d][^\d<>@:]{0,60}?(?:\s*<[^<>\s]+@[^<>\s]+>)?\s*:?$"
)
ADDRESS_PIECE_RE = re.compile(r"^(?:<|\[?mailto:|>\s*(?:" + WROTE_WORDS + r")\s*[:：]?$)", re.IGNORECASE)
CJK_QUOTE_RE = re.compile(r"^\s*(?:在.{4,120}(?:写道|寫道)|.{4,120}のメッセージ|.{4,120}님이 작성)\s*[:：]?\s*$")
DISCLAIMER_RE = re.compile(
    r"intended recipient|intended solely for|confidential(?:ity)? notice|^\s*confidentiality\s*:|"
    r"^\s*disclaimer\s*:|may contain confidential|privileged (?:and|or) confidential|"
    r"if you (?:have )?received this (?:e-?mail|message|communication) in error|"
    r"^\s*caution\s*:\s*this (?:e-?mail|message) originated|^\s*\[?external\]?\s*:?\s*this (?:e-?mail|message)"
    r" (?:was sent|originated) from outside|"
    # a public body's footer: the mail is a public record ("PUBLIC RECORDS NOTICE: ... may be disclosed")
    r"public records? (?:notice|law|act|disclosure)|subject to (?:public )?disclosure|"
    r"may be (?:publicly )?disclosed to third parties|freedom of information (?:act|law|request)|"
    # the mail speaks of itself as confidential ("Ce message est confidentiel", "La información contenida en este
    # mensaje es confidencial"): a footer, whatever follows
    r"\b(?:this|the|ce|cette|este|esta|la|diese|dieser)\s+(?:information (?:in|contained in) this\s+|"
    r"informaci[óo]n contenida en (?:este|esta)\s+|informations? contenues? dans ce\s+)?"
    r"(?:e-?mail|message|mensaje|correo(?: electr[óo]nico)?|nachricht|courriel|mail)\s+(?:and any attachments\s+)?"
    r"(?:is|es|est|ist)\s+(?:strictly\s+)?(?:confidential|confidencial|confidentiel|vertraulich)|"
    r"\b(?:la )?informaci[óo]n contenida en (?:este|esta) (?:mensaje|correo)|"
    # a privacy notice under the mail ("Aviso de Privacidad Integral", "Datenschutzhinweis")
    r"\bprivacy (?:notice|policy)\s*:|\baviso de privacidad\b|\bdatenschutzhinweis|\bavis de confidentialit[ée]\b|"
    r"\btratamiento de (?:sus|los) datos personales\b|\btraitement de vos donn[ée]es personnelles\b",
    re.IGNORECASE,
)

# What legal footers are made of, in the languages we read: words about who the mail is for or what
# the law says of it, and the hallmark of a footer, what to do if you got it by mistake. A paragraph
# with the hallmark and one of the others is a footer however it is phrased ("intended only for the
# named recipient … if you received it in error … does not accept liability").
FOOTER_ADDRESSED = re.compile(
    r"\b(?:intended|recipients?|addressees?|empfänger\w*|bestimmt|destinataires?|destinatarios?|"
    r"destinad\w+|dirigido|destin[ée]e?s?|exclusive\w*|ausschlie(?:ß|ss)lich|exclusivamente)\b",
    re.IGNORECASE,
)
FOOTER_LEGAL = re.compile(
    r"\b(?:confidential\w*|vertraulich\w*|confidenti\w+|confidencial\w*|privileg\w*|liabilit\w*|liable|"
    r"haftung\w*|responsabilit\w+|unauthori[sz]ed|prohibited|untersagt|interdit\w*|prohibid\w+)\b",
    re.IGNORECASE,
)
FOOTER_MISTAKE = re.compile(
    r"\b(?:in error|by mistake|par erreur|por error|irrtümlich\w*|fälschlich\w*|delete (?:it|this)|"
    r"notify the sender|let the sender know|informieren sie (?:bitte )?den absender|supprimer|borr[ae]rlo|bórrelo|"
    r"(?:informieren|benachrichtigen|verständigen) sie\b[^.]{0,25}\babsender|nicht der richtige (?:adressat|empfänger)|"
    r"aviser l'expéditeur|avertir l'expéditeur|notifi\w+ al remitente|elimínelo|destr[ou]\w+|d[ée]trui\w*|"
    r"l[öo]schen|vernichten|erron[ée]\w*|err[óo]ne\w*|erreur de transmission|error de transmisi[óo]n|"
    r"transmission error|[üu]bertragungsfehler\w*|"
    # "if you are not the intended recipient" in the languages we read
    r"(?:not|nicht|pas|no es|no sea)\b[^.]{0,30}\b(?:recipient|empfänger|destinataire|destinatario))\b",
    re.IGNORECASE,
)


def is_disclaimer(paragraph: str) -> bool:
    """A legal footer or an external-sender banner (not a sentence that merely says "confidential")."""
    if len(paragraph) >= 3000:
        return False
    if DISCLAIMER_RE.search(paragraph):
        return True
    if FOOTER_MISTAKE.search(paragraph) and (FOOTER_ADDRESSED.search(paragraph) or FOOTER_LEGAL.search(paragraph)):
        return True
    # no hallmark, but whom the mail is for and two words of the law ("confidential and intended only for the
    # named recipient; any unauthorized review … is prohibited")
    legal = {m.group(0).lower() for m in FOOTER_LEGAL.finditer(paragraph)}
    return bool(FOOTER_ADDRESSED.search(paragraph)) and len(legal) >= 2 and len(paragraph) < 800


@dataclass(slots=True)
class Boundary:
    """Quoted history starting at ``line`` (and its header, if any, ending before ``body_line``)."""

    kind: BoundaryKind
    line: int
    body_line: int
    resume: int | None = None  # bottom-posting: the author's own text goes on at this line ...
    resume_end: int | None = None  # ... up to this one
    block_end: int | None = None  # a forward closed by an end marker on this line (mutt)


def clean(line: str) -> str:
    return line.translate(INVISIBLE)


def _qualifies(joined: str) -> bool:
    if len(joined) > 400:
        return False
    joined = joined.strip("-= ")
    ends_colon = joined.endswith((":", "："))
    if ends_colon and "@" in joined and DATE_ADDR_COLON_RE.match(joined):
        return True
    if not joined.isascii() and CJK_QUOTE_RE.match(joined):
        return True
    if not WROTE_ANY_RE.search(joined):
        return False
    has_when_or_who = bool(TIME_OR_YEAR_RE.search(joined) or "@" in joined)
    if joined.endswith((":", "：")):
        verb_last = bool(re.search(rf"(?:{WROTE_WORDS})\s*[:：]$", joined, re.IGNORECASE))
        return has_when_or_who and (bool(WROTE_START_RE.match(joined)) or "@" in joined or "<" in joined or verb_last)
    return (
        bool(WROTE_END_RE.search(joined)) and has_when_or_who and (bool(WROTE_START_RE.match(joined)) or "@" in joined)
    )


def _starts_later(lines: list[str], i: int, span: int) -> bool:
    """Whether the header that ends at line ``i + span - 1`` really starts below ``i``."""
    for later in range(i + 1, i + span):
        if not TIME_OR_YEAR_RE.search(lines[later]):
            continue
        joined = " ".join(ln.strip() for ln in lines[later : i + span])
        if _qualifies(joined):
            return True
    return False


def _wrote_span(lines: list[str], i: int) -> int:
    """Number of lines forming an "On ... wrote:" header starting at ``i`` (up to 4 with text), or 0.

    Blank lines inside the header are skipped only before the pieces of an address a
    client broke apart ("<", "mailto:Name <a@b>", "> wrote:").
    """
    first = lines[i].strip()
    if not first or len(first) > 400 or first.startswith(">"):
        return 0
    if not (DIGIT_RE.search(first) or "@" in first or WROTE_START_RE.match(first)):
        return 0
    joined = first
    n = len(lines)
    span, parts = 1, 1
    while True:
        if _qualifies(joined):
            if span > 1 and _starts_later(lines, i, span):
                return 0
            return span
        if parts == 4:
            return 0
        j = i + span
        while (
            j < n and not lines[j].strip() and j - i < 6 and j + 1 < n and ADDRESS_PIECE_RE.match(lines[j + 1].strip())
        ):
            j += 1
        if j >= n:
            return 0
        nxt = lines[j].strip()
        if not nxt or nxt.startswith(">") and len(nxt) > 2 and not ADDRESS_PIECE_RE.match(nxt):
            return 0
        joined = f"{joined} {nxt}" if not joined.endswith("<") else joined + nxt
        span, parts = j - i + 1, parts + 1


def _quote_block_end(lines: list[str], start: int) -> int:
    """First line at or after ``start`` that is neither blank nor ">"-quoted."""
    j = start
    while j < len(lines) and (not lines[j].strip() or lines[j].lstrip().startswith(">")):
        j += 1
    return j


def _last_unquoted(lines: list[str]) -> int:
    """The last line of own text; a signature after a final "-- " line does not count."""
    limit = len(lines)
    for i in range(len(lines) - 1, -1, -1):
        stripped = lines[i].strip()
        if stripped.startswith(">"):
            break
        if stripped in ("--", "-- "):
            limit = i
            break
    for i in range(limit - 1, -1, -1):
        stripped = lines[i].strip()
        if stripped and not stripped.startswith(">") and not _is_footer_line(stripped):
            return i
    return -1


def _is_footer_line(line: str) -> bool:
    return is_mobile_footer(line) or line in ("--", "-- ")


def _next_content(lines: list[str], i: int) -> int:
    k = i + 1
    while k < len(lines) and not lines[k].strip() and k - i < 3:
        k += 1
    return k


def _rule_boundary(lines: list[str], i: int) -> Boundary | None:
    """A "____" or "-----" rule opens history when a header block or a list footer follows."""
    k = _next_content(lines, i)
    for cand in (k, k + 1):
        if cand < len(lines) and is_header_block(lines, cand):
            return Boundary("rule", i, cand)
    if k < len(lines) and LIST_FOOTER_RE.search(lines[k]) and lines[i].strip()[0] == "_":
        return Boundary("quote", i, i)
    return None


def _is_gmail_iso_line(lines: list[str], i: int) -> bool:
    """Gmail's attribution in many locales, "2016-03-03 17:21 GMT+01:00 Name <a@b>:", even with the
    address and colon lost, when it stands alone in its paragraph."""
    if not GMAIL_ISO_RE.match(lines[i].strip()):
        return False
    before = i == 0 or not lines[i - 1].strip()
    after = i + 1 >= len(lines) or not lines[i + 1].strip() or lines[i + 1].lstrip()[:1] == ">"
    return before and after


def _stray_attribution(lines: list[str], i: int, body: int) -> Boundary | None:
    """An attribution on top of the body over text that is indented only in part quotes nothing.

    Outlook quotes plain text by indenting every line of the message below "On ...
    wrote:"; when a paragraph further down starts unindented, the indentation was the
    author's own formatting (code, lists), so the text below the line is the reply.
    The boundary returned resumes right below the attribution (``resume == body_line``).
    """
    if any(ln.strip() for ln in lines[:i]):
        return None
    k = body
    while k < len(lines) and not lines[k].strip():
        k += 1
    if k >= len(lines) or lines[k][:1] not in (" ", "\t") or lines[k].lstrip()[:1] == ">":
        return None
    later = find_boundary(lines, k, False)
    stop = later.line if later is not None else len(lines)
    for j in range(k + 1, stop):
        line = lines[j]
        if line.strip() and line[:1] not in (" ", "\t", ">") and not lines[j - 1].strip():
            own = split_signature("\n".join(lines[j:stop]), None)[0].strip()
            return Boundary("wrote", i, body, resume=body, resume_end=stop) if own else None
    return None


def _starts_own_text(last_quoted: str, line: str) -> bool:
    """Whether ``line`` right under the quote is new text rather than a quoted line that lost its ">".

    A client that wraps a long quoted line can leave the rest unquoted; that rest goes on
    mid-sentence. Text typed under a quote (s-nail, mutt users) follows a blank quote line,
    a short one, or a finished sentence, and starts like a sentence.
    """
    if not last_quoted.strip() or len(last_quoted) < 50:
        return True
    finished = last_quoted.rstrip()[-1:] in ".!?:)\"'”»"
    return finished and (line.lstrip()[:1].isupper() or line.lstrip()[:1].isdigit())


def _wrote_boundary(lines: list[str], i: int, span: int, bottom_posting: bool) -> Boundary:
    """An "On ... wrote:" boundary, with ``resume`` set when the author bottom-posted below the quote."""
    n = len(lines)
    body = i + span
    if bottom_posting:
        stray = _stray_attribution(lines, i, body)
        if stray is not None:
            return stray
    end = _quote_block_end(lines, body)
    bottom = bottom_posting and n > end > body and _starts_own_text(lines[end - 1], lines[end])
    if bottom and any(ln.lstrip().startswith(">") for ln in lines[body:end]):
        later = find_boundary(lines, end, False)
        stop = later.line if later is not None else n
        while stop > end and (not lines[stop - 1].strip() or lines[stop - 1].lstrip()[:1] == ">"):
            stop -= 1
        own_below = split_signature("\n".join(lines[end:stop]), None)[0].strip()
        if (later is None or later.kind == "quote") and own_below:
            return Boundary("wrote", i, body, resume=end, resume_end=stop)
    return Boundary("wrote", i, body)


def _quoted_attribution(lines: list[str], i: int) -> Boundary | None:
    """A ">" block at ``i`` that opens with its own "On ... wrote:" line ("> On Mon, May 4, Pieter <…> wrote:") or
    header block, and has the writer's own text after it (a disclaimer, a signature, a line typed below): history by that author, the
    text after it the writer's again. A block with more quoting below it is an inline reply, not history."""
    end = _quote_block_end(lines, i)
    if any(line.lstrip().startswith(">") for line in lines[end:]):
        return None
    inner = unquote(lines[i:end])
    span = _wrote_span(inner, 0)
    if span:
        return Boundary("wrote", i, i + span, resume=end, resume_end=len(lines))
    # a quoted letter with its own header block ("> From: Erin Whitcombe, Bloomhaus Imports", "> Subject: …")
    return Boundary("quote", i, i, resume=end, resume_end=len(lines)) if is_header_block(inner, 0) else None


def _forward_boundary(lines: list[str], i: int) -> Boundary:
    """A forward from line ``i``; when an end marker closes it, the text after that is the forwarder's again."""
    end = matching_end(lines, i)
    if end is None:
        return Boundary("forward", i, i + 1)
    return Boundary("forward", i, i + 1, resume=end + 1, resume_end=len(lines), block_end=end)


def find_boundary(lines: list[str], start: int = 0, bottom_posting: bool = True) -> Boundary | None:
    """The first line at or after ``start`` where quoted or forwarded history begins.

    A ">" block with the author's own text after it is an inline quote, not history;
    an "On ... wrote:" block followed by own text is bottom-posting (``resume``).
    """
    last_own: int | None = None
    for i in range(start, len(lines)):
        line = lines[i]
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith(">"):
            if last_own is None:
                last_own = _last_unquoted(lines)
            if i > last_own:
                return Boundary("quote", i, i)
            if not (i and lines[i - 1].lstrip().startswith(">")) and (attributed := _quoted_attribution(lines, i)):
                return attributed
            continue
        maybe_separator = stripped[0] in DASHES and stripped[1:2] in DASHES
        if maybe_separator and FORWARD_END_RE.match(line):
            continue  # closes a forward; never opens one
        if (maybe_separator or len(stripped) < 60) and FORWARD_SEP_RE.match(line):
            return _forward_boundary(lines, i)
        if stripped[0] in "Ff" and HEADERLESS_FORWARD_RE.match(line):
            return _forward_boundary(lines, i)
        if maybe_separator and INLINE_FORWARD_RE.match(line):
            return Boundary("forward", i, i)
        if RULE_RE.match(line):
            found = _rule_boundary(lines, i)
            if found is not None:
                return found
            continue
        if (stripped[0].isalpha() or stripped[0] == "*") and is_header_block(lines, i):
            return Boundary("header", i, i)
        span = _wrote_span(lines, i)
        if span:
            return _wrote_boundary(lines, i, span, bottom_posting)
        if stripped[0].isdigit() and _is_gmail_iso_line(lines, i):
            return Boundary("wrote", i, i + 1)
        if stripped.endswith(">") and "@" in stripped and DATE_ADDR_RE.match(stripped):
            k = _next_content(lines, i)
            if k < len(lines) and lines[k].lstrip()[:1] in (">", "|"):
                return Boundary("wrote", i, i + 1)
    return None


def strip_disclaimers(text: str) -> tuple[str, list[str]]:
    """Drop paragraphs that are legal disclaimers or external-sender banners."""
    if not (DISCLAIMER_RE.search(text) or FOOTER_MISTAKE.search(text) or FOOTER_LEGAL.search(text)):
        return text, []
    kept: list[str] = []
    dropped: list[str] = []
    for para in re.split(r"\n[ \t]*\n", text):
        if is_disclaimer(para):
            card, footer = _above_footer(para)
            kept.extend([card] if card.strip() else [])
            dropped.append(footer.strip())
        else:
            kept.append(para)
    return "\n\n".join(kept).strip(), dropped


def _above_footer(paragraph: str) -> tuple[str, str]:
    """A footer glued under a signature card with no blank line ("Name / Title / Company / CONFIDENTIALITY:
    …"): (the lines above the footer's first legal line, the footer). The card keeps its title."""
    lines = paragraph.split("\n")
    for at, line in enumerate(lines):
        legal = DISCLAIMER_RE.search(line) or FOOTER_LEGAL.search(line) or FOOTER_MISTAKE.search(line)
        if legal and is_disclaimer("\n".join(lines[at:])):
            return "\n".join(lines[:at]), "\n".join(lines[at:])
    return "", paragraph


def unquote(lines: list[str]) -> list[str]:
    """Remove one level of ">" quoting (or a common indent) from quoted history."""
    mark = next((ln.lstrip()[0] for ln in lines[:50] if ln.lstrip()[:1] in (">", "|")), None)
    if mark:
        out = []
        for ln in lines:
            s = ln.lstrip()
            if s.startswith(mark):
                s = s[1:]
                out.append(s[1:] if s.startswith(" ") else s)
            else:
                out.append(ln)
        return out
    indents = [len(ln) - len(ln.lstrip(" \t")) for ln in lines if ln.strip()]
    cut = min(indents) if indents else 0
    return [ln[cut:] for ln in lines] if cut else lines


def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def visible_reply(text: str) -> str:
    """The text a person wrote above any quoted history, without signature or disclaimer."""
    lines = [clean(ln) for ln in normalize_newlines(text).split("\n")]
    boundary = find_boundary(lines)
    own = lines[: boundary.line] if boundary else lines
    if boundary is not None and boundary.resume is not None:
        own = own + lines[boundary.resume : boundary.resume_end]
    body, _ = split_signature("\n".join(own).strip("\n"), None)
    body, _ = strip_disclaimers(body)
    return body.strip()
