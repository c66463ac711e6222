"""Which section a sentence belongs to, by what it does: a small classifier trained on labelled sentences.

What it is for: ``section_probabilities(texts)`` gives, for each sentence, a probability per
label (the item sections, ``rep_perspective``, ``none`` for sentences that tell a CSM
nothing and ``private`` for what no handoff may carry: a secret, someone's private life, a confidence). Features are the sentence's static embedding (embed.py), a few signals of
form — a number, money, a percentage, a date, a time horizon, a promise, a question, and
the cue counts of cues.py — and its own words, word pairs and four-letter word pieces
hashed into a fixed table (the phrasing an averaged embedding blurs: "what sold us", "live
by", "instead of"), so the model learns function ("a metric with a horizon", "a complaint
about today", "a comparison with another vendor") rather than one deal's words.
It is a softmax regression trained deterministically on the sentences in
``data/sentences_*.tsv`` (written for this project in English, German, French and Spanish;
none copied from customer mail) and on ``data/sentences_deals.tsv``, the sentences of the
labelled training deals as the reader cuts them, filed where their writers filed the facts
(harvest.py; the mail the reader meets, which the written sentences only describe); the trained weights ship as ``data/sectioner_weights.npz``
with a digest of what they were trained from, and are retrained at start when the digest
does not match (``python -m agent.extract.sectioner`` rewrites them;
``--evaluate`` trains without every fifth sentence and reports how those land, per label).
The training, the shipped-weights check and the scoring take a label set and data files, so
another sentence model (stance.py: warm, neutral or cold toward us) is trained and read the
same way. Not for: headings, speakers or promises (those are rules in offline.py and commitments.py,
which weigh these probabilities), or abstaining: classify.place turns a weak best guess into nothing.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import zlib
from collections import Counter
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from agent.extract import cues
from agent.extract.embed import embed

LABELS = (
    "company_overview", "pain_points", "success_metrics", "purchase_drivers", "implementation",
    "competitive_context", "commitments", "expansion", "risks", "rep_perspective", "none", "private",
)  # fmt: skip
# "private": what a handoff must never carry (a password, someone's illness, a confidence, another client's price),
# learned by example rather than from one list of words per language: the sentences_private_* files (written for
# this project, each beside business sentences on the same topics) and every inbox sentence of the labelled deals
# that holds one of the deal's ``must_not_appear`` strings (harvest.py).
# A sentence the model finds at least this likely private is read by no one (offline.py, assemble.py). Chosen on
# the 36 deals of the latest round with the model trained without them: traps leaked 30 → 14 at 0.4 for 1,033 →
# 1,022 of 1,356 facts, → 7 at 0.25 for 996 (a sentence that tells a fact and a private matter at once goes).
PRIVATE_SURE = 0.4
DATA_FILES = (
    "sentences_en.tsv", "sentences_de.tsv", "sentences_fr.tsv", "sentences_es.tsv", "sentences_deals.tsv",
    "sentences_private_en.tsv", "sentences_private_de.tsv", "sentences_private_fr.tsv", "sentences_private_es.tsv",
)  # fmt: skip
# The sentences harvested from the labelled deals (harvest.py) are the mail the reader meets, cut as it cuts them:
# they count twice. Measured on 18 fresh deals the harvest had not seen (training/deals' 30 harvested): fact recall
# 477 → 497 of 721 counted once, 502 twice, 502 four times; items per fact 1.37 → 1.37.
DATA_REPEATS = {"sentences_deals.tsv": 2}
EPOCHS = 400
LEARNING_RATE = 0.5
L2 = 3e-3
MOMENTUM = 0.9
HASHED_DIMS = 8192
HASHED_WEIGHT = 8.0  # the hashed grams against the embedding (x4) and the form signals: tuned on --evaluate
FEATURE_VERSION = 3  # bump when form_features or features change, so the shipped weights are retrained
WEIGHTS_FILE = "sectioner_weights.npz"
HELD_OUT_EVERY = 5  # --evaluate holds out every fifth sentence
_lock = threading.Lock()
log = logging.getLogger(__name__)

_NUMBER = re.compile(r"\d")
_MONEY = re.compile(r"[$€£]\s?\d|\d\s?(?:[kKmM]\b|€|EUR|USD|CHF|million|Mio|M€)")
_WORD = re.compile(r"[^\W\d_]+|\d+")
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


def _file_rows(name: str, labels: tuple[str, ...] = LABELS) -> list[tuple[str, int]]:
    """The (sentence, label index) pairs of one data file."""
    rows = []
    for line in (resources.files("agent.extract") / "data" / name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        label, _, text = line.partition("\t")
        if label in labels and text.strip():
            rows.append((text.strip(), labels.index(label)))
    return rows


def training_rows(
    data_files: tuple[str, ...] = DATA_FILES, labels: tuple[str, ...] = LABELS, repeats: bool = True
) -> tuple[list[str], list[int]]:
    """The labelled sentences of ``data_files``: texts and label indexes, each file as often as DATA_REPEATS says
    (``repeats=False``: once, so a held-out sentence is not also trained on)."""
    rows = [
        row for name in data_files for row in _file_rows(name, labels) * (DATA_REPEATS.get(name, 1) if repeats else 1)
    ]
    return [text for text, _ in rows], [label for _, label in rows]


def _grams(text: str) -> list[str]:
    """The sentence's own words (a number is "#"), word pairs, and four-letter pieces of each word.

    The pieces let a German compound or a French or Spanish inflection share evidence with the
    forms it was trained on ("Lieferverzögerungen" with "Verzögerung", "livrons" with "livraison").
    """
    words = ["#" if w.isdigit() else w for w in _WORD.findall(text.lower())]
    grams = [*words, *(f"{a} {b}" for a, b in zip(words, words[1:], strict=False))]
    for word in words:
        padded = f"<{word}>"
        grams.extend(padded[i : i + 4] for i in range(len(padded) - 3))
    return grams


def _buckets(text: str) -> np.ndarray:
    """The hashed buckets a text's grams fall in, each once."""
    return np.unique(np.fromiter((zlib.crc32(g.encode("utf-8")) % HASHED_DIMS for g in _grams(text)), dtype=np.int64))


def _bucket_value(count: int) -> np.float32:
    """Each of a text's ``count`` buckets holds this: the hashed part has unit length (float32, as trained)."""
    ones = np.ones(count, dtype=np.float32)
    ones /= float(np.linalg.norm(ones))
    return ones[0]


def hashed_features(texts: list[str]) -> np.ndarray:
    """Each text's grams hashed into HASHED_DIMS buckets (present or not), unit length: the phrasing the embedding averages away."""
    table = np.zeros((len(texts), HASHED_DIMS), dtype=np.float32)
    for row, text in enumerate(texts):
        buckets = _buckets(text)
        if buckets.size:
            table[row, buckets] = _bucket_value(buckets.size)
    return table


def _dense_features(texts: list[str]) -> np.ndarray:
    """The embedding and the signals of form, side by side (float32): every column but the hashed grams and the bias."""
    form = np.asarray([form_features(t) for t in texts], dtype=np.float32).reshape(len(texts), -1)
    return np.hstack([embed(texts) * 4.0, form])


def features(texts: list[str]) -> np.ndarray:
    """Embedding, signals of form, hashed grams and a bias, side by side (float32)."""
    if not texts:
        return np.zeros((0, 256 + len(form_features("x")) + HASHED_DIMS + 1), dtype=np.float32)
    bias = np.ones((len(texts), 1), dtype=np.float32)
    return np.hstack([_dense_features(texts), hashed_features(texts) * HASHED_WEIGHT, bias])


def softmax(z: np.ndarray) -> np.ndarray:
    """Probabilities from scores along the last axis (one row of scores or a table of them)."""
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return np.asarray(e / e.sum(axis=-1, keepdims=True))


def train(texts: list[str], labels: list[int], n_labels: int = len(LABELS)) -> np.ndarray:
    """The sentence model: ``fit`` on the sentences' features, every label weighing the same.

    A sentence that comes with the same label more than once (a file DATA_REPEATS counts twice, a line
    two deals share) is one row counted that often: the same model as one row per copy, at a fraction
    of the kernel's size (rows x rows).
    """
    counts = Counter(zip(texts, labels, strict=True))
    rows = list(counts)
    return fit(
        features([text for text, _ in rows]),
        [label for _, label in rows],
        n_labels,
        multiplicity=np.asarray([counts[row] for row in rows], dtype=np.float64),
    )


def fit(
    x: np.ndarray,
    labels: list[int],
    n_labels: int,
    l2: float = L2,
    balanced: bool = True,
    epochs: int = EPOCHS,
    multiplicity: np.ndarray | None = None,
) -> np.ndarray:
    """Full-batch gradient descent with momentum from zero weights: the same data always gives the same model.

    ``balanced`` weighs every label the same (the sentence models); without it each row counts once,
    so the labels' own frequencies stay in the model (feelings.py, where they are part of the read).
    The weights stay a weighted sum of the training rows (w = X^T a), so the descent runs on
    ``a`` through the rows' dot products: each step costs rows x rows instead of
    rows x features, and the steps are exactly those of plain descent on ``w``.
    ``multiplicity`` says how many copies of each row the data holds: copies start equal and get
    equal steps, so one row whose dual weight counts that often is the same descent.
    """
    copies = np.ones(len(labels)) if multiplicity is None else np.asarray(multiplicity, dtype=np.float64)
    total = float(copies.sum())
    y = np.zeros((len(labels), n_labels))
    y[np.arange(len(labels)), labels] = 1.0
    counts = (y * copies[:, None]).sum(axis=0)
    sample_weight = (1.0 / np.maximum(counts, 1.0))[labels] * total / n_labels if balanced else np.ones(len(labels))
    kernel = (x @ x.T).astype(np.float64)
    a = np.zeros((len(labels), n_labels))
    velocity = np.zeros_like(a)
    for _ in range(epochs):
        p = softmax(kernel @ (a * copies[:, None]))
        grad = (p - y) * sample_weight[:, None] / total + l2 * a
        velocity = MOMENTUM * velocity - LEARNING_RATE * grad
        a += velocity
    return np.asarray(x.T.astype(np.float64) @ (a * copies[:, None]))


def training_digest(data_files: tuple[str, ...] = DATA_FILES, labels: tuple[str, ...] = LABELS) -> str:
    """What the weights were trained from: the data files, the labels and the training settings."""
    folder = resources.files("agent.extract") / "data"
    settings: tuple[object, ...] = (labels, EPOCHS, LEARNING_RATE, L2, MOMENTUM, HASHED_DIMS, HASHED_WEIGHT, FEATURE_VERSION)  # fmt: skip
    repeats = {name: n for name, n in DATA_REPEATS.items() if name in data_files}
    if repeats:  # a file counted more than once trains other weights
        settings = (*settings, repeats)
    digest = hashlib.sha256(repr(settings).encode())
    for name in data_files:
        digest.update((folder / name).read_bytes())
    return digest.hexdigest()


def trained_weights(
    weights_file: str, data_files: tuple[str, ...] = DATA_FILES, labels: tuple[str, ...] = LABELS
) -> np.ndarray:
    """The shipped weights when they match the training data (fast start), else trained now (~15 s)."""
    return shipped_weights(
        weights_file,
        training_digest(data_files, labels),
        lambda: train(*training_rows(data_files, labels), n_labels=len(labels)),
    )


def shipped_weights(weights_file: str, digest: str, train_now: Callable[[], np.ndarray]) -> np.ndarray:
    """``data/weights_file`` when its digest is ``digest`` (what it was trained from), else ``train_now()``."""
    shipped = resources.files("agent.extract") / "data" / weights_file
    if shipped.is_file():
        with shipped.open("rb") as handle, np.load(handle) as saved:
            if str(saved["digest"]) == digest:
                return np.asarray(saved["weights"], dtype=np.float64)
    log.warning("%s does not match its training data; training now", weights_file)
    return train_now()


@lru_cache(maxsize=1)
def _weights() -> np.ndarray:
    return trained_weights(WEIGHTS_FILE)


def rebuild_weights(
    path: Path | None = None,
    weights_file: str = WEIGHTS_FILE,
    data_files: tuple[str, ...] = DATA_FILES,
    labels: tuple[str, ...] = LABELS,
) -> Path:
    """Train on the sentences and write the weights next to them (``python -m agent.extract.sectioner``)."""
    target = path or Path(__file__).with_name("data") / weights_file
    weights = train(*training_rows(data_files, labels), n_labels=len(labels)).astype(np.float32)
    np.savez_compressed(target, weights=weights, digest=np.asarray(training_digest(data_files, labels)))
    return target


def _held_out(index: int) -> bool:
    return index % HELD_OUT_EVERY == HELD_OUT_EVERY - 1


def held_out_split(
    texts: list[str], labels: list[int]
) -> tuple[tuple[list[str], list[int]], tuple[list[str], list[int]]]:
    """Every HELD_OUT_EVERY-th sentence is held out: the same split every run, spread over labels and languages."""
    keep = [i for i in range(len(texts)) if not _held_out(i)]
    held = [i for i in range(len(texts)) if _held_out(i)]
    return ([texts[i] for i in keep], [labels[i] for i in keep]), ([texts[i] for i in held], [labels[i] for i in held])


def evaluate(data_files: tuple[str, ...] = DATA_FILES, labels: tuple[str, ...] = LABELS) -> str:
    """Train without the held-out sentences and report how many of them land in their label (recall, precision)."""
    (train_texts, train_labels), (held_texts, held_labels) = held_out_split(
        *training_rows(data_files, labels, repeats=False)
    )
    weights = train(train_texts, train_labels, n_labels=len(labels))
    predicted = (features(held_texts).astype(np.float64) @ weights).argmax(axis=1)
    lines = [f"trained on {len(train_texts)} sentences, held out {len(held_texts)} (every {HELD_OUT_EVERY}th)"]
    lines.append(f"{'label':22} {'n':>4} {'recall':>7} {'precision':>9}")
    for index, label in enumerate(labels):
        truth = np.asarray(held_labels) == index
        guessed = predicted == index
        hits = int((truth & guessed).sum())
        recall = hits / truth.sum() if truth.sum() else 0.0
        precision = hits / guessed.sum() if guessed.sum() else 0.0
        lines.append(f"{label:22} {int(truth.sum()):4d} {recall:7.2f} {precision:9.2f}")
    right = predicted == np.asarray(held_labels)
    lines.append(f"accuracy {float(right.mean()) if held_labels else 0.0:.3f}")
    files = [name for name in data_files for _ in _file_rows(name, labels)]
    held_files = [name for i, name in enumerate(files) if _held_out(i)]
    for name in data_files:
        mine = np.asarray([f == name for f in held_files])
        lines.append(
            f"  {name:22} {int(mine.sum()):4d} held out, accuracy {float(right[mine].mean()) if mine.any() else 0.0:.3f}"
        )
    return "\n".join(lines)


def section_probabilities(texts: list[str]) -> list[dict[str, float]]:
    """For each text, a probability per label (they sum to one)."""
    if not texts:
        return []
    with _lock:
        weights = _weights()
    return probabilities(texts, weights, LABELS)


def probabilities(texts: list[str], weights: np.ndarray, labels: tuple[str, ...]) -> list[dict[str, float]]:
    """For each text, a probability per label of a model trained by ``train`` (they sum to one)."""
    probs = softmax(logits(texts, weights)) if texts else np.zeros((0, len(labels)))
    return [{label: float(p) for label, p in zip(labels, row, strict=True)} for row in probs]


def logits(texts: list[str], weights: np.ndarray) -> np.ndarray:
    """``features(texts) @ weights`` without the dense hashed columns: a text has a few dozen of 8,192, so
    their rows of ``weights`` are summed instead (a long transcript's 3,000 sentences held 200 MB as a matrix)."""
    dense = _dense_features(texts).astype(np.float64)
    z = dense @ weights[: dense.shape[1]] + weights[-1]
    hashed = weights[dense.shape[1] : dense.shape[1] + HASHED_DIMS]
    for row, text in enumerate(texts):
        buckets = _buckets(text)
        if buckets.size:
            z[row] += hashed[buckets].sum(axis=0) * float(_bucket_value(buckets.size) * np.float32(HASHED_WEIGHT))
    return z


def warm_up() -> None:
    """Train the model now (a pool process calls this at start, so the first message is not slow)."""
    section_probabilities(["warm up"])


__all__ = [
    "LABELS", "evaluate", "features", "fit", "form_features", "hashed_features", "held_out_split", "logits", "probabilities", "rebuild_weights",
    "section_probabilities", "shipped_weights", "softmax", "train", "trained_weights", "training_digest", "training_rows", "warm_up",
]  # fmt: skip

if __name__ == "__main__":
    import sys

    print(evaluate() if "--evaluate" in sys.argv[1:] else f"wrote {rebuild_weights()}")
