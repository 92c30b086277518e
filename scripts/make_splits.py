"""Split every development corpus once, with a fixed seed, into train and validation parts.

Run once from the checkout with the development data beside it; the split files it writes
(``src/eventwire/evaluation/splits/*.tsv``) are committed and never regenerated with another seed.

    python scripts/make_splits.py ../shared/data
"""

from __future__ import annotations

import csv
import io
import json
import sys
import zipfile
from pathlib import Path

from eventwire.evaluation.splits import GOLD, assign, place_key, text_key, write_split

csv.field_size_limit(sys.maxsize)


def case(data: Path) -> dict[str, str]:
    with (data / "case2021-task2" / "dev.tsv").open(encoding="utf-8") as fh:
        return assign(row["id"] for row in csv.DictReader(fh, delimiter="\t"))


def bbc(data: Path) -> dict[str, str]:
    root = data / "bbc-news" / "bbc"
    return assign(f"{p.parent.name}/{p.name}" for p in root.glob("*/*.txt"))


def l3s(data: Path) -> dict[str, str]:
    return assign(p.name for p in (data / "l3s-gn1" / "original").iterdir() if p.is_file())


def rams(data: Path) -> dict[str, str]:
    keys = []
    for name in ("dev.jsonlines", "test.jsonlines"):
        for line in (data / "rams" / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                keys.append(json.loads(line)["doc_key"])
    return assign(keys)


def ecbplus(data: Path) -> dict[str, str]:
    topics = set()
    for line in (data / "ecbplus-dev" / "docs.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            topics.add(str(json.loads(line)["topic"]))
    return assign(topics)


def ucdp_place(data: Path) -> dict[str, str]:
    names = set()
    for path in sorted((data / "ucdp-ged-subsets").glob("*.csv")) + [data / "ucdp-ged" / "conflict_data_ukr.csv"]:
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                where = row.get("where_coordinates") or ""
                if where and not where.startswith("#"):
                    names.add(place_key(where))
    geo = data / "ucdp-ged" / "GEDEvent_v23_1.geojson"
    for feat in json.loads(geo.read_text(encoding="utf-8"))["features"]:
        where = feat["properties"].get("where_coordinates") or ""
        if where:
            names.add(place_key(where))
    names.discard("")
    return assign(names)


def event_location(data: Path) -> dict[str, str]:
    with zipfile.ZipFile(data / "event-location" / "labeled_text.jsonl.zip") as z:
        rows = json.load(io.TextIOWrapper(z.open("labeled_text.jsonl"), encoding="utf-8"))
    # one sentence may carry several verbs (several rows): split by the sentence's text
    gold = {text_key(r["text"]) for r in rows if r.get("source") == "RELABEL"}
    parts = assign(text_key(r["text"]) for r in rows if text_key(r["text"]) not in gold)
    parts.update({k: GOLD for k in gold})
    return parts


def plover(data: Path) -> dict[str, str]:
    rows = json.loads((data / "plover-gsr" / "PLOVER_GSR_CAMEO.txt").read_text(encoding="utf-8"))
    return assign(r["id"] for r in rows)


def main(argv: list[str]) -> None:
    data = Path(argv[1] if len(argv) > 1 else "../shared/data")
    for corpus, build in [("case", case), ("bbc", bbc), ("l3s", l3s), ("rams", rams), ("ecbplus", ecbplus),
                          ("ucdp-place", ucdp_place), ("event-location", event_location), ("plover", plover)]:
        parts = build(data)
        counts = {p: sum(1 for v in parts.values() if v == p) for p in sorted(set(parts.values()))}
        print(corpus, write_split(corpus, parts).name, counts)


if __name__ == "__main__":
    main(sys.argv)
