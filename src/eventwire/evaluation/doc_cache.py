"""Parsed development sentences kept on disk (training and evaluation speed-up only).

Docs are stored with ``Doc.to_bytes`` (tokens, parse, entities and the pipeline's token vectors), one
length-prefixed record after another, in a file named by the sha1 of the inputs and the pipeline's
name and version; reading it back gives the same Docs as parsing again.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Sequence
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from eventwire.settings import Settings


def _key(nlp: Language, inputs: Sequence[str | Sequence[str]]) -> str:
    h = hashlib.sha1(f"{nlp.meta.get('name')}-{nlp.meta.get('version')}-{nlp.pipe_names}".encode())
    for x in inputs:
        h.update((x if isinstance(x, str) else "\x1f".join(x)).encode("utf-8"))
        h.update(b"\x1e")
    return h.hexdigest()[:20]


def parse_cached(nlp: Language, inputs: Sequence[str | Sequence[str]], *, folder: Path | None = None) -> list[Doc]:
    """Docs of texts (or of pre-tokenised word lists), from the cache when these inputs were parsed before."""
    folder = folder or Settings.from_env().cache / "parsed"
    path = folder / f"{_key(nlp, inputs)}.docs"
    if path.exists():
        data = path.read_bytes()
        docs, at = [], 0
        while at < len(data):
            (n,) = struct.unpack_from("<I", data, at)
            docs.append(Doc(nlp.vocab).from_bytes(data[at + 4:at + 4 + n]))
            at += 4 + n
        if len(docs) == len(inputs):
            return docs
    made = [x if isinstance(x, str) else Doc(nlp.vocab, words=list(x)) for x in inputs]
    docs = list(nlp.pipe(made, batch_size=64))
    folder.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as fh:
        for doc in docs:
            b = doc.to_bytes()
            fh.write(struct.pack("<I", len(b)))
            fh.write(b)
    tmp.replace(path)
    return docs
