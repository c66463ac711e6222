"""How a sentence stands toward us: warm, neutral or cold, from a small classifier trained on labelled sentences.

What it is for: ``stance_of(texts)`` gives each sentence its leaning toward the vendor and the
project — a customer's own words ("this is exactly what we needed", "ich bin skeptisch") or
the rep's words about a customer ("Karim is our best technical ally", "encore sceptique") —
with the model's probability, in English, German, French and Spanish. It is the same
softmax regression as the sectioner (sectioner.py: embedding, form signals, hashed words
and word pieces), trained on ``data/stance_*.tsv`` (written for this project; none copied
from customer mail; ``stance_deals.tsv``: the rep's words about one person in the labelled training deals,
harvest.py --stance); the weights ship as ``data/stance_weights.npz`` and are retrained at
start when they do not match the sentences (``python -m agent.extract.stance`` rewrites
them, ``--evaluate`` reports held-out accuracy). Not for: who a sentence is about
(answers.py, sentiment.py), or cue phrases with evidence (sentiment.py weighs them first).
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Literal

import numpy as np

from agent.extract.sectioner import evaluate, probabilities, rebuild_weights, trained_weights

Stance = Literal["warm", "neutral", "cold"]
LABELS: tuple[Stance, ...] = ("warm", "neutral", "cold")
# The written sentences, and the rep's sentences about one person of the labelled training deals, labelled with how
# the writers say that person stands (harvest.py --stance; ``make models``). Measured on 32 fresh deals the models had
# not seen (two sets of 16), the people model retrained on top: stakeholders read right 54 -> 61 of 84 and 60 -> 57
# of 87, 114 -> 118 of 171 in all (the written sentences' own held-out accuracy 0.673 -> 0.658: the rep's words are
# the mail the model meets, which the written sentences only imitate).
DATA_FILES = ("stance_en.tsv", "stance_de.tsv", "stance_fr.tsv", "stance_es.tsv", "stance_deals.tsv")
WEIGHTS_FILE = "stance_weights.npz"
MIN_PROBABILITY = 0.6  # a weaker best guess is no read: the sentence says "neutral"

_lock = threading.Lock()


@lru_cache(maxsize=1)
def _weights() -> np.ndarray:
    return trained_weights(WEIGHTS_FILE, DATA_FILES, LABELS)


def stance_probabilities(texts: list[str]) -> list[dict[str, float]]:
    """For each text, the probability of warm, neutral and cold (they sum to one)."""
    if not texts:
        return []
    with _lock:
        weights = _weights()
    return probabilities(texts, weights, LABELS)


def stance_of(texts: list[str]) -> list[tuple[Stance, float]]:
    """Each text's leaning and its probability; "neutral" unless warm or cold reaches ``MIN_PROBABILITY``."""
    out: list[tuple[Stance, float]] = []
    for probs in stance_probabilities(texts):
        best: Stance = max(LABELS, key=lambda label: probs[label])
        out.append(
            (best, probs[best])
            if best == "neutral" or probs[best] >= MIN_PROBABILITY
            else ("neutral", probs["neutral"])
        )
    return out


def warmth(text: str) -> float:
    """One sentence's warmth in [-1, 1]: the probability of warm minus that of cold."""
    probs = stance_probabilities([text])[0]
    return probs["warm"] - probs["cold"]


__all__ = ["LABELS", "MIN_PROBABILITY", "Stance", "stance_of", "stance_probabilities", "warmth"]

if __name__ == "__main__":
    import sys

    if "--evaluate" in sys.argv[1:]:
        print(evaluate(DATA_FILES, LABELS))
    else:
        print(f"wrote {rebuild_weights(weights_file=WEIGHTS_FILE, data_files=DATA_FILES, labels=LABELS)}")
