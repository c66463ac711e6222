"""Call transcripts (.vtt, .srt, "Speaker (00:01:02): text", "Speaker: text") as speaker turns.

What it is for: ``parse_transcript`` reads the transcript formats reps attach (Zoom and
Teams WebVTT, SubRip, Gong/Otter-style "Name (hh:mm:ss): text" and plain "Name: text"
exports, and the "Name  00:04" / "Moreau, Ines   4:12 PM" heads of Otter, Zoom and Teams copies,
each followed by the text) into ``Turn`` records, every line kept (no truncation), consecutive
cues of one speaker merged. ``speaker_line`` reads one line's speaker, so the finder of a
transcript pasted into a mail body (``pasted.py``) cuts lines the way this reads them.
``looks_like_transcript`` decides whether a .txt attachment is one. Not for: deciding which
attachment is read at all (``attachments.py``).
"""

from __future__ import annotations

import re

from mailflows.inbound.mail import ThreadMessage, Turn
from mailflows.inbound.markers import LABELS

CUE_TIME_RE = re.compile(r"^\s*(\d{1,2}:)?\d{1,2}:\d{2}[.,]\d{1,3}\s*-->\s*(\d{1,2}:)?\d{1,2}:\d{2}[.,]\d{1,3}")
VOICE_RE = re.compile(r"^<v\s+([^>]+)>(.*?)(?:</v>)?$")
CLOCK = r"\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AaPp]\.?[Mm]\.?)?"
# "Name: text", "[00:04:12] Name: text", "00:04:12 - Name: text", "Name (00:04:12): text", "Name [4:12 PM]: text",
# "王伟：text" (a full-width colon)
# a chat export's stamp carries the day too: "[20/05/26, 17:46] Name: text" (WhatsApp), "20.05.26, 17:46 - Name: text"
DAY = r"\d{1,4}[./-]\d{1,2}[./-]\d{2,4}"
# several chat messages pasted into one line: each stamp after the first starts a line of its own
CHAT_STAMP = re.compile(rf"^\s*\[?{DAY},?\s+{CLOCK}")
CHAT_RUN_ON = re.compile(rf"\s+(?=\[{DAY},?\s+{CLOCK}\]\s)")
TIMED_LINE_RE = re.compile(
    rf"^\s*(?:\[?(?:{DAY},?\s+)?(?P<at1>{CLOCK})\]?\s*(?:[-–—|]\s*)?)?(?P<speaker>[^\W\d][\w .,'’()&/-]{{0,60}}?)\s*"
    rf"(?:\((?P<at2>{CLOCK})\)|\[(?P<at3>{CLOCK})\])?\s*(?::\s+|：\s*)(?P<text>\S.*)$"
)
# "Ines Moreau  00:04" (Otter, Zoom), "Moreau, Ines   4:12 PM" (Teams; "| 4:12 PM" from a pasted table)
SPEAKER_ONLY_RE = re.compile(
    rf"^\s*(?P<speaker>[^\W\d][\w .,'’-]{{0,50}}?(?:\s*\([^()\d]{{1,60}}\))?)(?:\s*[|·•]\s*|\s+)(?P<at>{CLOCK})\s*$"
)  # the label may say their organisation or title: "Ruiz, Ana (Kunde)  0:05", "Ana Ruiz (Head of Finance)  0:05"
CLOCK_ONLY_RE = re.compile(rf"^\s*\[?(?P<at>{CLOCK})\]?\s*$")
# "[4:12 PM] Moreau, Ines" (a Teams chat copy)
CLOCK_FIRST_RE = re.compile(rf"^\s*\[(?P<at>{CLOCK})\]\s*(?P<speaker>[^\W\d][\w .,'’-]{{0,50}}?)\s*$")
# a forward's printed header ("Von:", "De:", "Asunto:") in any language is no speaker
HEADER_LABELS = frozenset(word for words in LABELS.values() for word in words.split("|"))
# the lower-case words a name may hold: "Ana de la Vega", "Jan van der Berg", "Ramón y Cajal"
NAME_PARTICLES = frozenset(
    [
        "de",
        "del",
        "della",
        "la",
        "las",
        "los",
        "le",
        "les",
        "van",
        "von",
        "der",
        "den",
        "ten",
        "ter",
        "da",
        "das",
        "do",
        "dos",
        "di",
        "du",
        "y",
        "e",
        "zu",
        "al",
        "bin",
    ]
)
NOT_SPEAKERS = frozenset(
    {
        "participants",
        "attendees",
        "teilnehmer",
        "teilnehmende",
        "participantes",
        "asistentes",
        "intervenants",
        "date",
        "subject",
        "note",
        "notes",
        "agenda",
        "re",
        "fw",
        "fwd",
        "http",
        "https",
        "action items",
        "next steps",
        "summary",
        "topic",
        "meeting",
        "title",
        "location",
        "time",
        "duration",
        "to",
        "from",
        "cc",
        "sent",
        "aw",
        "wg",
        "tr",
        "rv",
        "sv",
    }
)


# a line that says what happened rather than what was said: "[démonstration, environ 15 minutes, non transcrite]",
# "(inaudible)", "[crosstalk]", "<v Ana>[Lachen]</v>"; no one's words, and never part of the turn before it
STAGE_DIRECTION = re.compile(r"\s*(?:<v\s+[^>]+>)?\s*(?:\[[^\]]*\]|\([^)]*\))\s*(?:</v>)?\s*")


def _cue_start(line: str) -> str:
    return line.split("-->", 1)[0].strip().split(".")[0].split(",")[0]


class _Turns:
    """Turns as they are read: one speaker's consecutive text is joined once at the end, not copied per cue."""

    def __init__(self) -> None:
        self.turns: list[Turn] = []
        self._parts: list[list[str]] = []

    def __bool__(self) -> bool:
        return bool(self.turns)

    @property
    def speaker(self) -> str:
        return self.turns[-1].speaker

    def add(self, speaker: str, text: str, at: str | None, *, separate: bool = False) -> None:
        """``separate``: a message of its own (a chat's stamped line), never joined to the one before."""
        text = text.strip()
        if not text:
            return
        speaker = unshouted(speaker)
        if self.turns and self.turns[-1].speaker == speaker and not separate:
            self._parts[-1].append(text)
            return
        self.turns.append(Turn(speaker=speaker, text="", at=at))
        self._parts.append([text])

    def done(self) -> list[Turn]:
        for turn, parts in zip(self.turns, self._parts, strict=True):
            turn.text = " ".join(parts)
        return self.turns


def _parse_cues(text: str) -> list[Turn]:
    turns = _Turns()
    at: str | None = None
    for block in re.split(r"\n\s*\n", text):
        lines = [ln.strip() for ln in block.strip().split("\n") if ln.strip()]
        cue_lines: list[str] = []
        for line in lines:
            if CUE_TIME_RE.match(line):
                at = _cue_start(line)
                cue_lines = []
                continue
            if line.isdigit() or line.upper().startswith(("WEBVTT", "NOTE", "STYLE", "REGION")):
                continue
            cue_lines.append(line)
        for line in cue_lines:
            if STAGE_DIRECTION.fullmatch(line):
                continue
            voice = VOICE_RE.match(line)
            if voice:
                turns.add(voice.group(1).strip(), re.sub(r"<[^>]+>", "", voice.group(2)), at)
                continue
            speaker, sep, said = line.partition(":")
            if sep and 0 < len(speaker) <= 60 and not re.search(r"\d", speaker) and said.strip():
                turns.add(speaker.strip(), said, at)
            elif turns:
                turns.add(turns.speaker, line, None)
            else:
                turns.add("Unknown", line, at)
    return turns.done()


def is_name(label: str) -> bool:
    """Whether a speaker label reads as a name ("Ines Moreau (Bluefin)", "Speaker 2", "Ana de la Vega").

    A sentence before a colon ("Here is what she said: ...") is none: its words are lower case.
    A script without case ("王伟") reads as capitalised.
    """
    words = [w for w in re.sub(r"\([^()]*\)", " ", label).replace(",", " ").split() if any(c.isalnum() for c in w)]
    key = " ".join(words).lower()
    if not words or len(words) > 5 or key in NOT_SPEAKERS or key in HEADER_LABELS:
        return False
    capital = [not w[0].islower() and not w.isdigit() for w in words]
    lower_ok = [w.isdigit() or w in NAME_PARTICLES or w[:2] in ("d'", "l'") for w in words]
    return any(capital) and all(c or ok for c, ok in zip(capital, lower_ok, strict=True))


def unshouted(label: str) -> str:
    """ "ROSA DIAZ" (a transcript writing its labels in capitals) -> "Rosa Diaz"; a title in parentheses stays."""
    name, paren, rest = label.partition("(")
    if name.strip().isupper() and len(name.split()) >= 2:
        name = name.title()
    return f"{name}{paren}{rest}"


def speaker_line(line: str) -> tuple[str, str | None, str | None] | None:
    """(speaker, offset, text) of a line that opens a turn; text is None for a head line ("Name  00:04")."""
    match = TIMED_LINE_RE.match(line)
    if match and is_name(match.group("speaker")):
        return (
            match.group("speaker").strip(),
            match.group("at1") or match.group("at2") or match.group("at3"),
            match.group("text"),
        )
    head = SPEAKER_ONLY_RE.match(line) or CLOCK_FIRST_RE.match(line)
    if head and is_name(head.group("speaker")):
        return _first_name_first(head.group("speaker")), head.group("at"), None
    return None


def name_over_clock(line: str, below: str) -> tuple[str, str] | None:
    """(speaker, offset) when ``line`` is a name alone and ``below`` (the next line with text) a time alone:
    a web player's copy ("Ines Moreau" over "00:04:12") heads the turn in two lines."""
    clock = CLOCK_ONLY_RE.match(below)
    if clock is None or ":" in line or not is_name(line):
        return None
    return _first_name_first(line), clock.group("at")


def _first_name_first(label: str) -> str:
    # Teams writes a directory name last name first: "Moreau, Ines" is Ines Moreau
    label, paren, note = label.strip(" ,").partition("(")  # "Moreau, Ines (Bluefin)": the note stays at the end
    last, comma, first = label.strip(" ,").partition(",")
    name = f"{first.strip()} {last.strip()}" if comma else last.strip()
    return f"{name} ({note.strip()}" if paren else name


def unglue_chat(text: str) -> str:
    """Chat messages pasted into one line ("[20/05/26, 17:46] Ana: … [20/05/26, 17:47] Luis: …"), one a line."""
    return CHAT_RUN_ON.sub("\n", text)


def _parse_lines(text: str) -> list[Turn]:
    turns = _Turns()
    pending: str | None = None
    pending_at: str | None = None
    lines = [line for line in (raw.strip() for raw in unglue_chat(text).split("\n")) if line]
    clock_below = False
    stamp: str | None = None  # a time alone on its line ("00:01:48" over "Name: text"): the next turn's, never words
    for i, line in enumerate(lines):
        if clock_below:  # the time under a name, read with it
            clock_below = False
            continue
        opens = speaker_line(line)
        if opens is not None and opens[2] is not None:
            turns.add(opens[0], opens[2], opens[1] or stamp, separate=bool(CHAT_STAMP.match(line)))
            pending, stamp = None, None
            continue
        if opens is None and i + 1 < len(lines) and (two := name_over_clock(line, lines[i + 1])):
            opens, clock_below = (*two, None), True
        if opens is None and (clock := CLOCK_ONLY_RE.match(line)):
            stamp = clock.group("at")
            continue
        if opens is None and STAGE_DIRECTION.fullmatch(line):
            continue
        if opens is not None:
            pending, pending_at = opens[0], opens[1]
            continue
        if pending:
            turns.add(pending, line, pending_at)
            pending_at = None
        elif turns:
            turns.add(turns.speaker, line, None)
    return turns.done()


def parse_transcript(text: str) -> list[Turn]:
    """Every turn of the transcript in order; an empty list when ``text`` is not one."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    if "-->" in text and any(CUE_TIME_RE.match(ln) for ln in text.split("\n", 40)[:40]):
        return _parse_cues(text)
    return _parse_lines(text)


def looks_like_transcript(text: str) -> bool:
    """At least three speaker turns by at least two speakers among the first lines, and someone speaks again: an
    order summary's fields ("Precio: …", "Firmado: …", "Conectores: …") each come once, a call's speakers return."""
    head = "\n".join(text.split("\n", 200)[:200])
    turns = parse_transcript(head)
    speakers = {t.speaker for t in turns}
    return len(turns) >= 3 and len(speakers) >= 2 and len(turns) > len(speakers)


def turns_as_text(turns: list[Turn]) -> str:
    return "\n".join(f"{t.speaker}: {t.text}" for t in turns)


# "Participants: Ana Gil (CFO), Tom Reyes (IT)", "Teilnehmer:", "Participantes:", "Intervenants :"
PARTICIPANTS_LINE = re.compile(
    r"^\s*(?:participants|attendees|teilnehmer(?:innen)?|teilnehmende|participantes|asistentes|intervenants)\s*[:：].+$",
    re.IGNORECASE | re.MULTILINE,
)
HEAD_LINES = 15


def participants_lines(text: str) -> str:
    """The "Participants:" lines at the head of a transcript's ``text`` (who took part, often with their titles),
    which its turns leave out; "" when it has none."""
    head = "\n".join(text.replace("\r\n", "\n").split("\n", HEAD_LINES)[:HEAD_LINES])
    return "\n".join(m.group().strip() for m in PARTICIPANTS_LINE.finditer(head))


def as_transcript(message: ThreadMessage, turns: list[Turn]) -> ThreadMessage:
    """``message`` made a transcript source: its turns, and its body the turns as ``Speaker: text`` lines."""
    message.kind = "transcript"
    message.turns = turns
    message.body = turns_as_text(turns)
    return message
