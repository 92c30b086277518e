"""Fixed development/validation splits of every development corpus, committed to the repository.

Rules, templates, cue lists, thresholds and trained models may be written or fitted from the
``train`` part only; scores are reported on the ``validation`` part. Each corpus was split once
(``scripts/make_splits.py``) with the fixed seed below, by the unit that keeps near-copies on one
side: CASE snippets by id, BBC articles by file, l3s pages by file, RAMS passages by document,
ECB+ articles by *topic* (two similar real events per topic), UCDP records by the coded place name
(so a village's name never helps on the validation part), event-location sentences by their text (the
relabelled gold sentences are a third part, ``gold``, never used for tuning), PLOVER examples by id.

The split files live in ``evaluation/splits/<corpus>.tsv`` (``key<TAB>part``).
"""

from __future__ import annotations

import functools
import hashlib
import random
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

SEED = 20261130
TRAIN, VALIDATION, GOLD = "train", "validation", "gold"
SPLIT_DIR = Path(__file__).with_name("splits")
CORPORA = ("case", "bbc", "l3s", "rams", "ecbplus", "ucdp-place", "event-location", "plover")


def assign(keys: Iterable[str], *, seed: int = SEED, validation_share: float = 0.5) -> dict[str, str]:
    """Split distinct keys once: sorted, shuffled with ``seed``, the first share is validation."""
    ordered = sorted(set(keys))
    random.Random(seed).shuffle(ordered)
    n_val = round(len(ordered) * validation_share)
    return {k: (VALIDATION if i < n_val else TRAIN) for i, k in enumerate(ordered)}


def place_key(name: str) -> str:
    """UCDP's coded place name reduced to the key the split uses ("Teir Maaleh village" -> "teir maaleh")."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"\([^)]*\)", " ", text)
    text = re.sub(r"\b(village|town|city|district|governorate|province|area|region|municipality|camp)\b", " ", text)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def text_key(text: str) -> str:
    """A sentence's key: the sha1 of its whitespace-normalised text (16 hex digits)."""
    return hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()[:16]


def write_split(corpus: str, parts: dict[str, str]) -> Path:
    """Write one corpus's split file (sorted by key, so the file is stable)."""
    SPLIT_DIR.mkdir(parents=True, exist_ok=True)
    path = SPLIT_DIR / f"{corpus}.tsv"
    lines = [f"# {corpus}: key<TAB>part, made by scripts/make_splits.py with seed {SEED}"]
    lines += [f"{k}\t{parts[k]}" for k in sorted(parts)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@functools.cache
def load_split(corpus: str) -> dict[str, str]:
    """key -> part for one corpus (see ``CORPORA``)."""
    path = SPLIT_DIR / f"{corpus}.tsv"
    out: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            key, part = line.split("\t")
            out[key] = part
    return out


def part_of(corpus: str, key: str) -> str | None:
    """The part ("train", "validation", "gold") a key belongs to, or None when the split never saw it."""
    return load_split(corpus).get(key)


def in_part(corpus: str, key: str, part: str) -> bool:
    """True when ``key`` of ``corpus`` is in ``part``."""
    return part_of(corpus, key) == part
