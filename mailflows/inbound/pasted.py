"""A call transcript a rep pasted into a mail body, found among the prose around it.

What it is for: ``split_pasted_transcript`` finds the runs of speaker lines in one message's
own text ("Name: text", "[00:04:12] Name: text", "Name (00:04:12): text", "00:04:12 Name:
text", Otter/Zoom "Name  00:04" and Teams "Moreau, Ines   4:12 PM" heads over their text,
speakers in any language, under an optional "Transcript" / "Transkript" / "Transcripción"
title and "Participants:" line), reads them with ``parse_transcript`` (the reader of attached
transcripts, so a pasted call becomes the same ``Turn`` records), and returns the prose with
the transcript cut out. A run is a transcript only when it is a conversation: at least two
speakers who each speak more than once, talking in the first or second person or asking. A
rep's "Budget: / Timeline: / Risks:" notes, a forward's printed "From: / Sent: / To:" header,
"P.S.:" and signature lines ("Tel: ...") never are. Not for: attachments (``attachments.py``)
or building the messages (``parse.py``).
"""

from __future__ import annotations

import re
from collections import Counter

from mailflows.inbound.mail import Turn
from mailflows.inbound.transcripts import name_over_clock, parse_transcript, speaker_line, unglue_chat

# labels of a rep's notes and of signatures, and the days of a schedule: they recur in a long note, never people
_NOTE_WORDS = (
    "p.s. ps pps tel tel. phone mobile mobil handy cell fax email e-mail mail web www address adresse budget timeline "
    "timing risks risk pricing price owner status decision decisions goal goals pain pains competitor competitors "
    "competition stakeholders champion blocker blockers todo to-do action question answer today tomorrow monday "
    "tuesday wednesday thursday friday saturday sunday montag dienstag mittwoch donnerstag freitag samstag sonntag "
    "lunes martes miércoles jueves viernes sábado domingo lundi mardi mercredi jeudi vendredi samedi dimanche"
)
NOTE_LABELS = frozenset(_NOTE_WORDS.split())
TITLE_RE = re.compile(
    r"^\s*(?:[\w'’.,&/–-]+\s+){0,4}?(?:transcript|transkript|transcripci[óo]n|"
    r"transcription|transcrição|trascrizione|mitschrift|gesprächsprotokoll)\b[^.!?]{0,60}$",
    re.IGNORECASE,
)
PARTICIPANTS_RE = re.compile(
    r"^\s*(?:participants|attendees|teilnehmer(?:innen)?|teilnehmende|participantes|asistentes|intervenants)\s*[:：]",
    re.IGNORECASE,
)
# first or second person, or a question: someone talking, not a note about them
SPEECH_RE = re.compile(
    r"\?|¿|？|[我你您私]|\b(?:i|i'm|i've|i'd|i'll|me|my|we|we're|we've|we'll|us|our|you|your|you're|ich|mich|mir|mein|meine|wir|"
    r"uns|unser|unsere|sie|ihnen|ihr|euch|du|yo|mi|mis|me|nos|nosotros|nuestro|nuestra|nuestros|usted|ustedes|"
    r"tú|tu|te|je|j'|moi|mon|ma|mes|nous|notre|nos|vous|votre|vos|\w{2,}(?:amos|emos|imos))\b",
    re.IGNORECASE,
)
MIN_TURNS = 4
# a rep writing down a call: "Me: ..." is the author of the mail
ME = frozenset({"me", "myself", "ich", "yo", "moi"})


def _filled(lines: list[str], j: int) -> int:
    """The index of the first line from ``j`` on with text (``len(lines)`` if none)."""
    while j < len(lines) and not lines[j].strip():
        j += 1
    return j


def _speaker(lines: list[str], i: int) -> tuple[str, bool, int] | None:
    """The speaker line ``i`` opens a turn for, whether it is a head ("Name  00:04") whose text follows,
    and the index after the opening (after the time line under a name: "Ines Moreau" over "00:04:12")."""
    line = lines[i]
    after = i + 1
    if ":" in line or "：" in line:
        opens = speaker_line(line)
        if opens is None:
            return None
        speaker, head = opens[0], opens[2] is None
    else:
        below = _filled(lines, i + 1)
        if below == len(lines) or ":" not in lines[below] or len(line) > 60:
            return None
        two = name_over_clock(line.strip(), lines[below])
        if two is None:
            return None
        speaker, head, after = two[0], True, below + 1
    key = speaker.lower()
    if key in NOTE_LABELS or len(key.replace(".", "")) < 2:
        return None
    return speaker, head, after


def _runs(lines: list[str]) -> list[tuple[int, int]]:
    """[start, end) of each run of speaker lines, with the text that belongs to their turns."""
    runs = []
    i, n = 0, len(lines)
    while i < n:
        opened = _speaker(lines, i)
        if opened is None:
            i += 1
            continue
        start = i
        _, head, end = opened
        waiting = head  # a head's text is still to come
        j = end
        while j < n:
            if not lines[j].strip():
                j += 1
                continue
            opened = _speaker(lines, j)
            if opened is not None:
                _, head, end = opened
                waiting = head
                j = end
                continue
            if j == end or waiting:  # the turn's own text, or a wrapped line of it
                waiting = False
                end = j = j + 1
                continue
            if head and _paragraph_then_speaker(lines, j):  # a head's turn of several paragraphs
                while j < n and lines[j].strip():
                    j += 1
                end = j
                continue
            break
        runs.append((start, end))
        i = end
    return runs


def _paragraph_then_speaker(lines: list[str], j: int) -> bool:
    while j < len(lines) and lines[j].strip():
        j += 1
    j = _filled(lines, j)
    return j < len(lines) and _speaker(lines, j) is not None


def is_conversation(turns: list[Turn], known: frozenset[str] = frozenset()) -> bool:
    """Two or more speakers who each speak more than once, mostly in the first or second person.

    ``known``: speakers of a transcript already found in the same text; a later run of theirs
    (after the rep's "and on pricing:") is the same call.
    """
    counts = Counter(t.speaker for t in turns)
    if known and len(turns) >= 2 and set(counts) <= known:
        return True
    if len(turns) < MIN_TURNS or sum(1 for n in counts.values() if n >= 2) < 2:
        return False
    talking = sum(1 for t in turns if SPEECH_RE.search(t.text))
    timed = any(t.at for t in turns)
    return talking >= 2 and (timed or 2 * talking >= len(turns))


def _header_above(lines: list[str], start: int, floor: int) -> list[int]:
    """The transcript's header lines just above ``start``: its title ("Transcript", "Transkript - Kickoff")
    and "Participants:" lines, which an attached transcript's reader skips too."""
    found = []
    j = start - 1
    while j >= floor and (not lines[j].strip() or TITLE_RE.match(lines[j]) or PARTICIPANTS_RE.match(lines[j])):
        if lines[j].strip():
            found.append(j)
        j -= 1
    return found


def split_pasted_transcript(text: str, author: str = "") -> tuple[str, list[Turn]] | None:
    """(the text without its pasted transcript, the transcript's turns), or None when it holds none.

    Lines around the transcript stay as they were; its title and "Participants:" lines go with it.
    A speaker called "Me" ("Ich", "Yo", "Moi") is ``author``, the name of who wrote the mail.
    """
    if text.count(":") + text.count("：") < MIN_TURNS:
        return None
    lines = unglue_chat(text).split("\n")
    cut: set[int] = set()
    turns: list[Turn] = []
    known: frozenset[str] = frozenset()
    floor = 0
    for start, end in _runs(lines):
        run = parse_transcript("\n".join(lines[start:end]))
        if not is_conversation(run, known):
            continue
        cut.update(range(start, end), _header_above(lines, start, floor))
        turns.extend(run)
        known = known | {t.speaker for t in run}
        floor = end
    if not turns:
        return None
    if author:
        for turn in turns:
            if turn.speaker.lower() in ME:
                turn.speaker = author
    for i in sorted(cut):  # with the blank lines around it, the transcript leaves one paragraph break
        for j in (range(i - 1, -1, -1), range(i + 1, len(lines))):
            for k in j:
                if k in cut or lines[k].strip():
                    break
                cut.add(k)
    kept: list[str] = []
    for i, line in enumerate(lines):
        if i not in cut:
            kept.append(line)
        elif i - 1 not in cut and kept:
            kept.append("")
    return "\n".join(kept).strip("\n"), turns


__all__ = ["is_conversation", "split_pasted_transcript"]
