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


def test_each_text_alone_does_not_depend_on_its_neighbours_and_is_remembered() -> None:
    emb = SentenceEmbedder(threads=1)
    # two sentences of one word-piece length: even without padding a batch shares one INT8 scale
    a, b = "Rebels shelled the town overnight.", "Police arrested two protest leaders today."
    assert len(set(emb.token_counts([a, b]))) == 1
    alone = emb.embed([a], batch_size=1)[0]
    assert not np.array_equal(emb.embed([a, b], batch_size=2)[0], alone)  # why sentences go one at a time
    each = emb.embed_each([b, a, a])
    assert np.array_equal(each[1], alone) and np.array_equal(each[2], alone)
    assert np.array_equal(emb.embed_each([a])[0], alone)  # remembered: the same vector
    assert a in emb._memo and b in emb._memo
    # a second embedder on the same files shares the ONNX session
    assert SentenceEmbedder(threads=1, max_tokens=256).session is emb.session
