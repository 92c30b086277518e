"""A plain-array cache of sentence embeddings keyed by the sha1 of the text (training speed-up only).

The vectors of a fresh run equal the cached ones when the same distinct-text list is embedded in
one call (the embedder sorts by length and cuts fixed batches; see ``eventwire.embed``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from eventwire.embed import DIM, SentenceEmbedder


def text_sha1(text: str) -> str:
    """Cache key of a text."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """sha1(text) -> float32 vector, stored as one .npz (keys, vectors), pickle-free."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.index: dict[str, int] = {}
        self.vectors = np.zeros((0, DIM), dtype=np.float32)
        if path.exists():
            with np.load(path, allow_pickle=False) as z:
                self.vectors = z["vectors"].astype(np.float32)
                self.index = {str(k): i for i, k in enumerate(z["keys"])}

    def get(self, texts: Sequence[str], embedder: SentenceEmbedder | None = None, *,
            batch_size: int = 16, save: bool = True) -> np.ndarray:
        """Vectors for ``texts``; the missing ones are embedded together (one sorted call) and stored."""
        keys = [text_sha1(t) for t in texts]
        missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in self.index}.items())
        if missing:
            embedder = embedder or SentenceEmbedder(threads=2)
            new = embedder.embed([t for _, t in missing], batch_size=batch_size)
            base = len(self.vectors)
            self.vectors = np.vstack([self.vectors, new])
            for j, (k, _) in enumerate(missing):
                self.index[k] = base + j
            if save:
                self.save()
        return self.vectors[[self.index[k] for k in keys]]

    def save(self) -> None:
        """Write the cache file."""
        keys = sorted(self.index, key=self.index.__getitem__)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp.npz")
        np.savez(tmp, keys=np.asarray(keys), vectors=self.vectors)
        tmp.replace(self.path)
