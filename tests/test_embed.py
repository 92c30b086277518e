"""The offline sentence embedder: the pinned bge-small-en files, loaded by path, no network."""

from __future__ import annotations

import numpy as np

from eventwire.embed import DIM, SentenceEmbedder


def test_embeddings_are_normalised_deterministic_and_meaningful() -> None:
    emb = SentenceEmbedder(threads=1)
    texts = ["Gunmen attacked a police post near the border on Monday, killing three officers.",
             "Armed men stormed a police checkpoint and shot dead three policemen.",
             "The company's shares rose 4% after strong quarterly results."]
    v = emb.embed(texts)
    assert v.shape == (3, DIM) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert float(v[0] @ v[1]) > float(v[0] @ v[2]) + 0.1  # two attacks are closer than an attack and a market
    assert np.array_equal(v, emb.embed(texts))  # the same list gives the same vectors
    assert emb.embed([]).shape == (0, DIM)
