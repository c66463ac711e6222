"""Which section a sentence belongs to, by what it does: a small classifier trained on labelled sentences.

What it is for: ``section_probabilities(texts)`` gives, for each sentence, a probability per
label (the item sections, ``rep_perspective`` and ``none`` for sentences that tell a CSM
nothing). Features are the sentence's static embedding (embed.py) plus a few signals of
form — a number, money, a percentage, a date, a time horizon, a promise, a question, and
the cue counts of cues.py — so the model learns function ("a metric with a horizon", "a
complaint about today", "a comparison with another vendor") rather than one deal's words.
It is a softmax regression trained deterministically on the sentences in
``data/sentences_*.tsv`` (written for this project in English, German, French and Spanish;
none copied from customer mail); the trained weights ship as ``data/sectioner_weights.npz``
with a digest of what they were trained from, and are retrained at start when the digest
does not match (``python -m agent.extract.sectioner`` rewrites them;
``--evaluate`` trains without every fifth sentence and reports how those land, per label). Not for: headings, speakers or promises
(those are rules in offline.py and commitments.py, which weigh these probabilities).
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from agent.extract import cues
from agent.extract.embed import embed

LABELS = (
    "company_overview", "pain_points", "success_metrics", "purchase_drivers", "implementation",
    "competitive_context", "commitments", "expansion", "risks", "rep_perspective", "none",
)  # fmt: skip
DATA_FILES = ("sentences_en.tsv", "sentences_de.tsv", "sentences_fr.tsv", "sentences_es.tsv")
EPOCHS = 400
LEARNING_RATE = 0.5
L2 = 1e-3
FEATURE_VERSION = 1  # bump when form_features or features change, so the shipped weights are retrained
WEIGHTS_FILE = "sectioner_weights.npz"
HELD_OUT_EVERY = 5  # --evaluate holds out every fifth sentence
_lock = threading.Lock()
log = logging.getLogger(__name__)

_NUMBER = re.compile(r"\d")
_MONEY = re.compile(r"[$€£]\s?\d|\d\s?(?:[kKmM]\b|€|EUR|USD|CHF|million|Mio|M€)")
_PERCENT = re.compile(r"\d\s?(?:%|percent|prozent|por ciento|pour cent)", re.I)


def form_features(text: str) -> list[float]:
    """Signals of what a sentence does that the bag of tokens alone blurs."""
    scores = cues.section_scores(text)
    words = len(text.split())
    return [
        float(bool(_NUMBER.search(text))),
        float(bool(_MONEY.search(text))),
        float(bool(_PERCENT.search(text))),
        float(bool(cues.HORIZON_ANY.search(text))),
        float(bool(cues.DATE_WORDS.search(text))),
        float(bool(cues.PROMISE.search(text))),
        float(text.rstrip().endswith("?")),
        min(words, 40) / 40.0,
        float(words <= 6),
        *(min(scores.get(key, 0), 3) / 3.0 for key in cues.CUE_SECTIONS),
    ]


def _training_rows() -> tuple[list[str], list[int]]:
    texts: list[str] = []
    labels: list[int] = []
    folder = resources.files("agent.extract") / "data"
    for name in DATA_FILES:
        for line in (folder / name).read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            label, _, text = line.partition("\t")
            if label in LABELS and text.strip():
                texts.append(text.strip())
                labels.append(LABELS.index(label))
    return texts, labels


def features(texts: list[str]) -> np.ndarray:
    if not texts:
        return np.zeros((0, 256 + len(form_features("x")) + 1), dtype=np.float32)
    form = np.asarray([form_features(t) for t in texts], dtype=np.float32)
    bias = np.ones((len(texts), 1), dtype=np.float32)
    return np.hstack([embed(texts) * 4.0, form, bias])


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def train(texts: list[str], labels: list[int]) -> np.ndarray:
    """Full-batch gradient descent from zero weights: the same data always gives the same model."""
    x = features(texts).astype(np.float64)
    y = np.zeros((len(labels), len(LABELS)))
    y[np.arange(len(labels)), labels] = 1.0
    counts = y.sum(axis=0)
    sample_weight = (1.0 / np.maximum(counts, 1.0))[labels] * len(labels) / len(LABELS)  # classes weigh the same
    w = np.zeros((x.shape[1], len(LABELS)))
    for _ in range(EPOCHS):
        p = _softmax(x @ w)
        grad = x.T @ ((p - y) * sample_weight[:, None]) / len(labels) + L2 * w
        w -= LEARNING_RATE * grad
    return w


def training_digest() -> str:
    """What the weights were trained from: the data files, the labels and the training settings."""
    folder = resources.files("agent.extract") / "data"
    digest = hashlib.sha256(repr((LABELS, EPOCHS, LEARNING_RATE, L2, FEATURE_VERSION)).encode())
    for name in DATA_FILES:
        digest.update((folder / name).read_bytes())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def _weights() -> np.ndarray:
    """The shipped weights when they match the training data (fast start), else trained now (~3 s)."""
    shipped = resources.files("agent.extract") / "data" / WEIGHTS_FILE
    if shipped.is_file():
        with shipped.open("rb") as handle, np.load(handle) as saved:
            if str(saved["digest"]) == training_digest():
                return np.asarray(saved["weights"], dtype=np.float64)
    log.warning("sectioner: shipped weights do not match the training sentences; training now")
    return train(*_training_rows())


def rebuild_weights(path: Path | None = None) -> Path:
    """Train on the sentences and write the weights next to them (``python -m agent.extract.sectioner``)."""
    target = path or Path(__file__).with_name("data") / WEIGHTS_FILE
    np.savez(target, weights=train(*_training_rows()), digest=np.asarray(training_digest()))
    return target


def held_out_split(
    texts: list[str], labels: list[int]
) -> tuple[tuple[list[str], list[int]], tuple[list[str], list[int]]]:
    """Every HELD_OUT_EVERY-th sentence is held out: the same split every run, spread over labels and languages."""
    keep = [i for i in range(len(texts)) if i % HELD_OUT_EVERY != HELD_OUT_EVERY - 1]
    held = [i for i in range(len(texts)) if i % HELD_OUT_EVERY == HELD_OUT_EVERY - 1]
    return ([texts[i] for i in keep], [labels[i] for i in keep]), ([texts[i] for i in held], [labels[i] for i in held])


def evaluate() -> str:
    """Train without the held-out sentences and report how many of them land in their label (recall, precision)."""
    (train_texts, train_labels), (held_texts, held_labels) = held_out_split(*_training_rows())
    weights = train(train_texts, train_labels)
    predicted = (features(held_texts).astype(np.float64) @ weights).argmax(axis=1)
    lines = [f"trained on {len(train_texts)} sentences, held out {len(held_texts)} (every {HELD_OUT_EVERY}th)"]
    lines.append(f"{'label':22} {'n':>4} {'recall':>7} {'precision':>9}")
    for index, label in enumerate(LABELS):
        truth = np.asarray(held_labels) == index
        guessed = predicted == index
        hits = int((truth & guessed).sum())
        recall = hits / truth.sum() if truth.sum() else 0.0
        precision = hits / guessed.sum() if guessed.sum() else 0.0
        lines.append(f"{label:22} {int(truth.sum()):4d} {recall:7.2f} {precision:9.2f}")
    accuracy = float((predicted == np.asarray(held_labels)).mean()) if held_labels else 0.0
    lines.append(f"accuracy {accuracy:.3f}")
    return "\n".join(lines)


def section_probabilities(texts: list[str]) -> list[dict[str, float]]:
    """For each text, a probability per label (they sum to one)."""
    if not texts:
        return []
    with _lock:
        weights = _weights()
    probs = _softmax(features(texts).astype(np.float64) @ weights)
    return [{label: float(p) for label, p in zip(LABELS, row, strict=True)} for row in probs]


def warm_up() -> None:
    """Train the model now (a pool process calls this at start, so the first message is not slow)."""
    section_probabilities(["warm up"])


__all__ = [
    "LABELS", "evaluate", "features", "form_features", "held_out_split", "rebuild_weights", "section_probabilities", "train", "training_digest",
    "warm_up",
]  # fmt: skip

if __name__ == "__main__":
    import sys

    print(evaluate() if "--evaluate" in sys.argv[1:] else f"wrote {rebuild_weights()}")
