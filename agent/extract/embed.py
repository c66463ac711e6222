"""Static sentence embeddings from the model that ships inside the ``wordllama`` wheel.

What it is for: ``embed(texts)`` gives unit-length 256-dimension vectors (token embeddings
averaged), loaded once per process from the files the wheel installs — the weights and the
tokenizer — so nothing is ever downloaded at run time (``WordLlama.load`` would fetch the
tokenizer from the network when its own lookup misses, which it does for the packaged path).
Deterministic and CPU-only. Not for: deciding anything from the vectors (sectioner.py).
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

import numpy as np
import wordllama
from safetensors import safe_open
from tokenizers import Tokenizer
from wordllama.inference import WordLlamaInference

from agent.errors import HandoffError

WEIGHTS = "weights/l2_supercat_256.safetensors"
TOKENIZER = "tokenizers/l2_supercat_tokenizer_config.json"
_lock = threading.Lock()


class EmbeddingModelMissing(HandoffError):
    """The wordllama wheel is installed without the files it normally ships."""


@lru_cache(maxsize=1)
def _model() -> WordLlamaInference:
    root = Path(wordllama.__file__).parent
    weights, tokenizer = root / WEIGHTS, root / TOKENIZER
    missing = [str(p) for p in (weights, tokenizer) if not p.is_file()]
    if missing:
        raise EmbeddingModelMissing(
            f"the wordllama package lacks {', '.join(missing)}; reinstall it with 'pip install --force-reinstall wordllama'"
        )
    with safe_open(str(weights), framework="np") as f:
        table = f.get_tensor("embedding.weight")
    return WordLlamaInference(table, Tokenizer.from_file(str(tokenizer)))


def embed(texts: list[str]) -> np.ndarray:
    """One unit vector per text (rows), float32."""
    if not texts:
        return np.zeros((0, 256), dtype=np.float32)
    with _lock:  # the tokenizer's padding settings are shared state
        vectors = _model().embed(list(texts), norm=True)
    return np.asarray(vectors, dtype=np.float32)


__all__ = ["EmbeddingModelMissing", "embed"]
