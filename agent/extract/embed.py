"""Static sentence embeddings from the model that ships inside the ``wordllama`` wheel.

What it is for: ``embed(texts)`` gives unit-length 256-dimension vectors (token embeddings
averaged), loaded once per process from the files the wheel installs — the weights and the
tokenizer — so nothing is ever downloaded at run time (``WordLlama.load`` would fetch the
tokenizer from the network when its own lookup misses, which it does for the packaged path).
The average is taken here, one text at a time, over the table as shipped (float16, 16 MB):
``WordLlamaInference`` keeps a float32 copy of the table (+32 MB) and pads each batch of 64
texts to the longest one, so one run-on transcript line cost tens of MB; the vectors are the
same (each token's float16 value summed in float32).
Deterministic and CPU-only, and a text's vector does not depend on the texts embedded with
it, so the latest vectors are kept by text: comparing a new item with every item a long
deal already holds embeds only the new one. Not for: deciding anything from the vectors (sectioner.py).
"""

from __future__ import annotations

import importlib.util
import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path

import numpy as np
from safetensors import safe_open
from tokenizers import Tokenizer

from agent.errors import HandoffError

WEIGHTS = "weights/l2_supercat_256.safetensors"
TOKENIZER = "tokenizers/l2_supercat_tokenizer_config.json"
_lock = threading.Lock()
CACHED_VECTORS = 16384  # ~16 MB of vectors: the items of the deals being read
_vectors: OrderedDict[str, np.ndarray] = OrderedDict()


class EmbeddingModelMissing(HandoffError):
    """The wordllama wheel is installed without the files it normally ships."""


class _Model:
    """The wheel's token table and tokenizer."""

    def __init__(self, table: np.ndarray, tokenizer: Tokenizer) -> None:
        self.table = table
        self.tokenizer = tokenizer
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()

    def embed(self, texts: list[str]) -> np.ndarray:
        rows = np.zeros((len(texts), self.table.shape[1]), dtype=np.float32)
        for row, encoding in zip(rows, self.tokenizer.encode_batch(texts, add_special_tokens=False), strict=True):
            ids = np.clip(np.asarray(encoding.ids, dtype=np.int64), 0, self.table.shape[0] - 1)
            if len(ids):
                row[:] = np.sum(self.table[ids], axis=0, dtype=np.float32) / len(ids)
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        return rows / np.where(norms == 0, 1.0, norms)


@lru_cache(maxsize=1)
def _model() -> _Model:
    # Only the wheel's files are read: importing the package would load its own inference stack (~30 MB).
    spec = importlib.util.find_spec("wordllama")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddingModelMissing("the wordllama package is not installed; 'make install' installs it")
    root = Path(next(iter(spec.submodule_search_locations)))
    weights, tokenizer = root / WEIGHTS, root / TOKENIZER
    missing = [str(p) for p in (weights, tokenizer) if not p.is_file()]
    if missing:
        raise EmbeddingModelMissing(
            f"the wordllama package lacks {', '.join(missing)}; reinstall it with 'pip install --force-reinstall wordllama'"
        )
    with safe_open(str(weights), framework="np") as f:
        table = f.get_tensor("embedding.weight")
    return _Model(table, Tokenizer.from_file(str(tokenizer)))


def embed(texts: list[str]) -> np.ndarray:
    """One unit vector per text (rows), float32."""
    if not texts:
        return np.zeros((0, 256), dtype=np.float32)
    with _lock:  # the tokenizer's padding settings are shared state, and so is the cache
        missing = [text for text in dict.fromkeys(texts) if text not in _vectors]
        if missing:
            computed = _model().embed(missing)
            for text, vector in zip(missing, computed, strict=True):
                vector.setflags(write=False)
                _vectors[text] = vector
        rows = []
        for text in texts:
            _vectors.move_to_end(text)
            rows.append(_vectors[text])
        while len(_vectors) > CACHED_VECTORS:
            _vectors.popitem(last=False)
        return np.stack(rows)


__all__ = ["EmbeddingModelMissing", "embed"]
