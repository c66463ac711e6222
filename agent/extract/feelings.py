"""One person's read from everything the mail holds on them: a small model over the evidence, taken together.

What it is for: ``person_read(person, evidence)`` turns the passages sentiment.py gathered on a
person (their cue phrases, the tone of their own words, the rep's notes on them, the passage
that showed nothing) into warm, neutral or cold, then into one of the document's leanings. A
rule on the latest few cues reads one strong phrase and misses the rest: how much the person
wrote, how warm their words score (VADER, the stance model), whether they ask or set
conditions, their role. The model is a softmax regression (sectioner.fit, the labels' own
frequencies kept) over ``person_features``; its training rows are numbers only (one row per
labelled stakeholder of training/deals, no text of theirs), in ``data/feelings_people.tsv``
(``python -m agent.extract.harvest training/deals --rows feelings`` makes them: the evaluation
loop with this model off, so the rows do not hang on the weights), and the weights ship as
``data/feelings_weights.npz`` with the digest of what they were trained from (``python -m
agent.extract.feelings`` rewrites them; ``make models`` does both).
Not for: finding the passages (sentiment.py), or the rep's own read (answers.py: it wins).
"""

from __future__ import annotations

import hashlib
import math
import re
import threading
from contextvars import ContextVar
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from agent.document import NOTHING_SHOWN, REP_READ, Evidence, Sentiment, Stakeholder, fold
from agent.extract.sectioner import fit, shipped_weights, softmax
from agent.extract.stance import stance_probabilities
from agent.extract.tone import sentence_tone

LABELS = ("warm", "neutral", "cold")
ROLES = ("champion", "economic_buyer", "decision_maker", "technical_evaluator", "user", "blocker", "influencer")
TONE = "the tone of their own words"  # the phrase sentiment.py puts on a tone passage
DATA_FILE = "feelings_people.tsv"
WEIGHTS_FILE = "feelings_weights.npz"
L2 = 3e-3
EPOCHS = 600
MAX_SAID = 12  # their sentences scored at most: the development deals' people said up to 10 per message
FEATURE_VERSION = 1  # bump when person_features changes, so the shipped weights are retrained
READS: dict[str, Sentiment] = {"warm": "positive", "neutral": "neutral", "cold": "skeptical"}
MIN_PROBABILITY = 0.5  # the model's lean stands only with a majority of the probability
WARM_LEANINGS = {"positive": 1.0, "enthusiastic": 2.0}
COLD_LEANINGS = {"skeptical": 1.0, "negative": 2.0}
QUESTION = re.compile(r"\?\s*$")
CONDITION = re.compile(r"\b(?:if|unless|as long as|provided|before we|wenn|falls|si|siempre que)\b", re.I)
AGREED = re.compile(
    r"\b(?:signed|approved|go[- ]ahead|green light|unterschrieben|freigegeben|signé|firmad[oa])\b", re.I
)
_lock = threading.Lock()
# Every reading's (person, features) while harvest.model_rows builds the training rows; None in the service.
READINGS: ContextVar[list[tuple[Stakeholder, list[float]]] | None] = ContextVar("feelings_readings", default=None)


def _own(piece: Evidence, person: Stakeholder) -> bool:
    """Whether a passage is the person's own words (not a note or a colleague's sentence about them)."""
    speaker = fold(piece.speaker or "")
    return bool(speaker) and speaker in {fold(person.email or "") or "\0", fold(person.name)}


def person_features(person: Stakeholder, evidence: list[Evidence], said: list[str]) -> list[float]:
    """What the model reads of a person: counts by leaning and source, tone scores, form, role, and
    how warm, how many and what kind of sentences ``said`` (their own words in the sources being read) are."""
    pieces = [e for e in evidence if e.phrase != REP_READ]
    cues = [e for e in pieces if e.phrase not in {NOTHING_SHOWN, TONE}]
    own = [e for e in cues if _own(e, person)]
    others = [e for e in cues if not _own(e, person)]
    tones = [e for e in pieces if e.phrase == TONE]

    def weight(group: list[Evidence], table: dict[str, float]) -> float:
        return math.log1p(sum(table.get(e.leaning, 0.0) for e in group))

    texts = [e.text for e in pieces]
    own_texts = [e.text for e in pieces if _own(e, person)]
    vader = [t for t in (sentence_tone(x, None) for x in own_texts) if t is not None]
    stance = stance_probabilities(texts) if texts else []
    warmth = [s["warm"] - s["cold"] for s in stance]
    count = len(said)
    if count > MAX_SAID:  # a long transcript: an even sample keeps the shares and the time (the count stays whole)
        said = [said[i * count // MAX_SAID] for i in range(MAX_SAID)]
    tones_said = [t for t in (sentence_tone(x, None) for x in said) if t is not None]
    stance_said = stance_probabilities(said) if said else []
    n_said = max(len(said), 1)
    return [
        weight(own, WARM_LEANINGS), weight(own, COLD_LEANINGS),
        weight(others, WARM_LEANINGS), weight(others, COLD_LEANINGS),
        weight(tones, WARM_LEANINGS), weight(tones, COLD_LEANINGS),
        float(any(e.phrase == NOTHING_SHOWN for e in pieces)), float(not cues and not tones),
        math.log1p(len(pieces)), math.log1p(len(person.source_ids)), math.log1p(len(person.quotes)),
        math.log1p(len(person.concerns)),
        sum(vader) / len(vader) if vader else 0.0, max(vader, default=0.0), min(vader, default=0.0),
        sum(warmth) / len(warmth) if warmth else 0.0, max(warmth, default=0.0), min(warmth, default=0.0),
        sum(1 for x in texts if QUESTION.search(x)) / max(len(texts), 1),
        sum(1 for x in texts if CONDITION.search(x)) / max(len(texts), 1),
        float(any(AGREED.search(x) for x in texts)),
        *(float(person.role == role) for role in ROLES),
        math.log1p(count), sum(tones_said) / len(tones_said) if tones_said else 0.0,
        sum(1 for t in tones_said if t >= 0.6) / n_said, sum(1 for t in tones_said if t <= -0.3) / n_said,
        sum(s["warm"] for s in stance_said) / n_said, sum(s["cold"] for s in stance_said) / n_said,
        sum(1 for x in said if QUESTION.search(x)) / n_said, sum(1 for x in said if CONDITION.search(x)) / n_said,
        sum(1 for x in said if AGREED.search(x)) / n_said,
        1.0,
    ]  # fmt: skip


def training_rows() -> tuple[np.ndarray, list[int]]:
    """The shipped rows: one labelled person per line, label then the features, tab-separated."""
    xs, ys = [], []
    for line in (resources.files("agent.extract") / "data" / DATA_FILE).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            label, *values = line.split("\t")
            xs.append([float(v) for v in values])
            ys.append(LABELS.index(label))
    return np.asarray(xs, dtype=np.float64), ys


def train(x: np.ndarray, labels: list[int]) -> np.ndarray:
    return fit(x, labels, len(LABELS), l2=L2, balanced=False, epochs=EPOCHS)


def training_digest() -> str:
    settings = (LABELS, ROLES, L2, EPOCHS, FEATURE_VERSION)
    digest = hashlib.sha256(repr(settings).encode())
    digest.update((resources.files("agent.extract") / "data" / DATA_FILE).read_bytes())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def _weights() -> np.ndarray:
    return shipped_weights(WEIGHTS_FILE, training_digest(), lambda: train(*training_rows()))


def lean_probabilities(features: list[float], weights: np.ndarray | None = None) -> dict[str, float]:
    """Warm, neutral and cold for one person's features (they sum to one)."""
    if weights is None:
        with _lock:
            weights = _weights()
    probs = softmax(np.asarray(features, dtype=np.float64) @ weights)
    return {label: float(p) for label, p in zip(LABELS, probs, strict=True)}


def person_read(person: Stakeholder, evidence: list[Evidence], rule: Sentiment, said: list[str]) -> Sentiment:
    """The read of a person none of whose passages shows a feeling on its own, from everything taken together.

    ``rule`` (the cue read) stands whenever a cue or the tone of a message showed something (the model
    read those no better on the development deals), and "unknown" stands for a person the mail never shows."""
    pieces = [e for e in evidence if e.phrase != REP_READ]
    if (log := READINGS.get()) is not None:  # building the rows: the reads they are made of are the rule's alone,
        if pieces:  # so the rows do not hang on the weights trained from them
            log.append((person.model_copy(deep=True), person_features(person, evidence, said)))
        return rule
    if not pieces or any(e.phrase != NOTHING_SHOWN for e in pieces):
        return rule
    probs = lean_probabilities(person_features(person, evidence, said))
    best = max(LABELS, key=lambda label: probs[label])
    # a lean without a majority is a guess: someone whose few words show nothing reads neutral, as a rule would
    return READS[best] if probs[best] >= MIN_PROBABILITY else "neutral"


def rebuild_weights(path: Path | None = None) -> Path:
    """Train on the shipped rows and write the weights next to them."""
    target = path or Path(__file__).with_name("data") / WEIGHTS_FILE
    weights = train(*training_rows()).astype(np.float32)
    np.savez_compressed(target, weights=weights, digest=np.asarray(training_digest()))
    return target


__all__ = ["LABELS", "lean_probabilities", "person_features", "person_read", "rebuild_weights", "train"]

if __name__ == "__main__":
    print(f"wrote {rebuild_weights()}")
