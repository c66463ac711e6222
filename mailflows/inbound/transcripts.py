"""Call transcripts (.vtt, .srt, "Speaker (00:01:02): text", "Speaker: text") as speaker turns.

What it is for: ``parse_transcript`` reads the transcript formats reps attach (Zoom and
Teams WebVTT, SubRip, Gong/Otter-style "Name (hh:mm:ss): text" and plain "Name: text"
exports) into ``Turn`` records, every line kept (no truncation), consecutive cues of
one speaker merged. ``looks_like_transcript`` decides whether a .txt attachment is one.
Not for: deciding which attachment is read at all (``attachments.py``).
"""

from __future__ import annotations

import re

from mailflows.inbound.mail import Turn

CUE_TIME_RE = re.compile(r"^\s*(\d{1,2}:)?\d{1,2}:\d{2}[.,]\d{1,3}\s*-->\s*(\d{1,2}:)?\d{1,2}:\d{2}[.,]\d{1,3}")
VOICE_RE = re.compile(r"^<v\s+([^>]+)>(.*?)(?:</v>)?$")
TIMED_LINE_RE = re.compile(
    r"^\s*\[?(?P<at1>\d{1,2}:\d{2}(?::\d{2})?)?\]?\s*(?P<speaker>[^\W\d][\w .,'’()&/-]{0,60}?)\s*"
    r"(?:\((?P<at2>\d{1,2}:\d{2}(?::\d{2})?)\)|\[(?P<at3>\d{1,2}:\d{2}(?::\d{2})?)\])?\s*:\s+(?P<text>\S.*)$"
)
SPEAKER_ONLY_RE = re.compile(r"^\s*(?P<speaker>[^\W\d][\w .'’-]{0,50}?)\s+(?P<at>\d{1,2}:\d{2}(?::\d{2})?)\s*$")
NOT_SPEAKERS = frozenset(
    {
        "participants",
        "attendees",
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
    }
)


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

    def add(self, speaker: str, text: str, at: str | None) -> None:
        text = text.strip()
        if not text:
            return
        if self.turns and self.turns[-1].speaker == speaker:
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


def _parse_lines(text: str) -> list[Turn]:
    turns = _Turns()
    pending: str | None = None
    pending_at: str | None = None
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            continue
        match = TIMED_LINE_RE.match(line)
        if match and match.group("speaker").strip().lower() not in NOT_SPEAKERS:
            at = match.group("at1") or match.group("at2") or match.group("at3")
            turns.add(match.group("speaker").strip(), match.group("text"), at)
            pending = None
            continue
        only = SPEAKER_ONLY_RE.match(line)
        if only:
            pending, pending_at = only.group("speaker").strip(), only.group("at")
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
    """At least three speaker turns by at least two speakers among the first lines."""
    head = "\n".join(text.split("\n", 200)[:200])
    turns = parse_transcript(head)
    return len(turns) >= 3 and len({t.speaker for t in turns}) >= 2


def turns_as_text(turns: list[Turn]) -> str:
    return "\n".join(f"{t.speaker}: {t.text}" for t in turns)
