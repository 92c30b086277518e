"""Extract speed: eventwire extraction against the spaCy pipeline alone, same texts, one run.

(a) spaCy alone: ``load_resources().nlp`` then ``list(nlp.pipe(texts, n_process=P, batch_size=B))``.
(b) eventwire extract: the same pipe, plus ``extract_mentions(article, doc)`` for each doc
    as it arrives (same P, so the comparison is fair).

Prints both wall times, docs/s, the ratio (b)/(a) (goal: at most 1.25), the time inside
``extract_mentions`` alone, and a per-stage cProfile of extraction (detection with its lexical
classifier and sentence embeddings, status, claims, dates, locate, actors) with the top 15 functions
by cumulative time.

Articles: BBC News (../shared/data/bbc-news/bbc), first line is the title; taken
round-robin over the five sections so every kind of story is in the sample; or, with
``--sample conflict``, the conflict-heavy sample of ``bench_throughput.py``.

    python bench/bench_extract.py [--n 300] [--sample bbc|conflict] [--n-process 2] [--batch-size 32]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import itertools
import os
import pstats
import sys
import time
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from eventwire.model import Article

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data"

# Stage name -> (module path suffix, function names) as extract_mentions calls them.
STAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "detect (all)": ("mentions/detect.py", ("detect",)),
    "  lexical classifier": ("mentions/classify.py", ("decision",)),
    "  sentence embeddings": ("eventwire/embed.py", ("embed",)),
    "status": ("mentions/status.py", ("sentence_status",)),
    "claims": ("mentions/counts.py", ("find_claims",)),
    "dates": ("mentions/dates.py", ("resolve_date",)),
    "locate": ("geo/geocoder.py", ("article_context", "locate", "focus_place")),
    "actors": ("mentions/actors.py", ("find_actors",)),
}


def load_bbc(data: Path, n: int) -> list[Article]:
    """N BBC articles, round-robin over the sections, title = first line."""
    root = data / "bbc-news" / "bbc"
    sections = sorted(p for p in root.iterdir() if p.is_dir())
    files = [sorted(s.glob("*.txt")) for s in sections]
    picked = [f for f in itertools.chain.from_iterable(itertools.zip_longest(*files)) if f is not None][:n]
    articles = []
    for f in picked:
        # the BBC files are Latin-1, not UTF-8 (pound signs)
        raw = f.read_bytes().decode("latin-1")
        title, _, body = raw.strip().partition("\n")
        articles.append(Article(id=f"{f.parent.name}/{f.stem}", text=raw.strip(), source=str(f),
                                title=title.strip(), outlet="BBC News"))
    return articles


def stage_times(stats: pstats.Stats) -> dict[str, float]:
    """Cumulative seconds per extraction stage, read from a cProfile run."""
    raw = stats.stats  # type: ignore[attr-defined]
    out = dict.fromkeys(STAGES, 0.0)
    for (filename, _line, func), (_cc, _nc, _tt, ct, _callers) in raw.items():
        for stage, (suffix, names) in STAGES.items():
            if filename.replace(os.sep, "/").endswith(suffix) and func in names:
                out[stage] += ct
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures; 0 also when the data is absent (skipped)."""
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument("--n", type=int, default=300, help="number of articles")
    p.add_argument("--n-process", type=int, default=os.cpu_count() or 1, help="spaCy processes (all cores)")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder")
    p.add_argument("--sample", choices=("bbc", "conflict"), default="bbc",
                   help="BBC News, or conflict reporting (the conflict sample of bench_throughput.py)")
    p.add_argument("--ruler-cost", action="store_true",
                   help="also time (a) and (b) with the spaCy model without eventwire's gazetteer entity ruler")
    p.add_argument("--repeat", type=int, default=1, help="alternate (a) and (b) this often, keep the fastest")
    a = p.parse_args(argv)
    if not (a.data / "bbc-news" / "bbc").is_dir():
        print(f"SKIP: {a.data / 'bbc-news' / 'bbc'} is absent (development data only); nothing measured")
        return 0

    from eventwire.pipeline import load_resources, mentions_of, plain_pipeline

    if a.sample == "conflict":
        from bench_throughput import conflict_sample  # this folder: the same sample as the throughput bench

        articles = conflict_sample(a.data, a.n)
    else:
        articles = load_bbc(a.data, a.n)
    texts = [x.text for x in articles]
    chars = sum(len(t) for t in texts)

    # one-off loads are not per-document cost: measure them apart, before the timed runs
    t0 = time.perf_counter()
    res = load_resources()
    nlp = res.nlp
    t_load = time.perf_counter() - t0
    # warm caches (vocab, lexeme tables, classifier) in this process on a few docs
    for art, doc in zip(articles[:5], nlp.pipe(texts[:5]), strict=True):
        mentions_of(art, doc, res)

    def spacy_alone(model: Language) -> float:
        t0 = time.perf_counter()
        docs = list(model.pipe(texts, n_process=a.n_process, batch_size=a.batch_size))
        assert len(docs) == len(texts)
        return time.perf_counter() - t0

    def with_extract(model: Language) -> tuple[float, float, list[tuple[Article, Doc]], int]:
        t_in, found, got = 0.0, 0, []
        t0 = time.perf_counter()
        for doc, art in model.pipe(((x.text, x) for x in articles), as_tuples=True, n_process=a.n_process,
                                   batch_size=a.batch_size):
            t1 = time.perf_counter()
            found += len(mentions_of(art, doc, res))
            t_in += time.perf_counter() - t1
            got.append((art, doc))
        return time.perf_counter() - t0, t_in, got, found

    # (a) and (b) alternate; with --repeat the fastest of each counts (other load on the machine
    # only ever slows a run down)
    t_spacy = t_total = t_extract = float("inf")
    pairs: list[tuple[Article, Doc]] = []
    n_mentions = 0
    for _ in range(a.repeat):
        t_spacy = min(t_spacy, spacy_alone(nlp))
        wall, inside, pairs, n_mentions = with_extract(nlp)
        if wall < t_total:
            t_total, t_extract = wall, inside
    plain_a = plain_b = None
    if a.ruler_cost:
        plain = plain_pipeline()
        plain_a = spacy_alone(plain)
        plain_b = with_extract(plain)[0]

    n = len(articles)
    kind = "BBC News" if a.sample == "bbc" else "conflict reporting"
    print(f"articles: {n} {kind} ({chars / 1000:.0f}k chars), n_process={a.n_process}, "
          f"batch_size={a.batch_size}, cpus={os.cpu_count()}, load average {os.getloadavg()[0]:.1f}, "
          f"best of {a.repeat}")
    print(f"one-off loads (not in the timings): spaCy+ruler, gazetteer, geocoder, classifier {t_load:.2f} s")
    print(f"(a) spaCy alone        {t_spacy:8.2f} s  {n / t_spacy:7.1f} docs/s")
    print(f"(b) eventwire extract  {t_total:8.2f} s  {n / t_total:7.1f} docs/s  ({n_mentions} mentions)")
    print(f"    extract_mentions alone {t_extract:.2f} s ({1000 * t_extract / n:.1f} ms/doc, "
          f"{100 * t_extract / t_total:.0f}% of (b) wall time)")
    if plain_a is not None and plain_b is not None:
        print(f"without the gazetteer entity ruler: spaCy {plain_a:.2f} s ({n / plain_a:.1f} docs/s, the ruler "
              f"costs {t_spacy / plain_a:.1f}x), + extract {plain_b:.2f} s, ratio {plain_b / plain_a:.3f}")
    ratio = t_total / t_spacy
    print(f"ratio (b)/(a) = {ratio:.3f}  (goal <= 1.25: {'met' if ratio <= 1.25 else 'NOT met'})")

    # profile extraction alone on the docs already parsed (profiling slows it; shares matter here)
    prof = cProfile.Profile()
    prof.enable()
    for art, doc in pairs:
        mentions_of(art, doc, res)
    prof.disable()
    stats = pstats.Stats(prof)
    total = sum(ct for (f, _l, fn), (_c, _n, _t, ct, _k) in stats.stats.items()  # type: ignore[attr-defined]
                if fn == "extract_mentions" and f.endswith("mentions/extract.py"))
    print(f"\nper-stage cumulative time under cProfile (extract_mentions total {total:.2f} s):")
    for stage, secs in sorted(stage_times(stats).items(), key=lambda kv: -kv[1]):
        share = 100 * secs / total if total else 0.0
        print(f"  {stage:<9} {secs:7.2f} s  {share:5.1f}%")
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(15)
    print("\ncProfile, top 15 by cumulative time:")
    print("\n".join(line for line in buf.getvalue().splitlines() if line.strip()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
