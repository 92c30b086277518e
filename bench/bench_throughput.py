"""End-to-end extraction throughput against the plain spaCy pipeline, both on every core, one run.

(a) the plain ``en_core_web_sm`` pipeline with no eventwire component:
    ``plain_pipeline().pipe(texts, n_process=CORES)``;
(b) eventwire's per-article extraction as a run does it (worker processes, each annotating with
    the gazetteer ruler, detecting, typing, geocoding, dating and counting):
    ``pipeline.extract_texts(articles, Settings())``.

Two samples: BBC News (ordinary news, round-robin over its five sections) and a conflict-heavy
sample (the ECB+ conflict topics, RAMS passages whose trigger is a conflict event type, and the l3s
pages labelled as reporting or discussing conflict). Prints seconds, articles/s, the throughput
ratio (b)/(a) (goal: at least 0.8) and the peak memory of a worker process.

    python bench/bench_throughput.py [DATA] [--n 300] [--sample bbc|conflict|both]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import sys
import time
from pathlib import Path

from eventwire.model import Article
from eventwire.pipeline import extract_texts, plain_pipeline
from eventwire.settings import Settings

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data"
CONFLICT_TOPICS = {8, 12, 19}  # ECB+ topics about ACLED events (evaluation/labels/ecbplus_topics.tsv)


def bbc_sample(data: Path, n: int) -> list[Article]:
    """N BBC articles, round-robin over the sections."""
    root = data / "bbc-news" / "bbc"
    files = [sorted(s.glob("*.txt")) for s in sorted(p for p in root.iterdir() if p.is_dir())]
    picked = [f for f in itertools.chain.from_iterable(itertools.zip_longest(*files)) if f is not None][:n]
    return [Article(id=f"{f.parent.name}/{f.stem}", text=f.read_bytes().decode("latin-1").strip(), source=str(f))
            for f in picked]


def conflict_sample(data: Path, n: int) -> list[Article]:
    """N conflict-heavy texts: ECB+ conflict topics, RAMS conflict passages, l3s conflict pages."""
    out: list[Article] = []
    for line in (data / "ecbplus-dev" / "docs.jsonl").read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        if d["topic"] in CONFLICT_TOPICS:
            out.append(Article(id=d["doc_id"], text=d["text"], source="ecbplus"))
    labels = REPO / "src" / "eventwire" / "evaluation" / "labels" / "l3s_pages.tsv"
    wanted = {ln.split("\t")[0] for ln in labels.read_text(encoding="utf-8").splitlines()
              if ln and not ln.startswith("#") and ln.split("\t")[1] in ("yes", "mention")}
    for line in (data / "l3s-gn1" / "gold_text.jsonl").read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        if d["id"] + ".html" in wanted and d.get("fulltext"):
            out.append(Article(id=d["id"], text=f"{d.get('headline') or ''}\n\n{d['fulltext']}", source="l3s"))
    for name in ("dev.jsonlines", "test.jsonlines"):
        for line in (data / "rams" / name).read_text(encoding="utf-8").splitlines():
            d = json.loads(line)
            if d["evt_triggers"][0][2][0][0].startswith("conflict."):
                out.append(Article(id=d["doc_key"], text="\n".join(" ".join(s) for s in d["sentences"]),
                                   source="rams"))
    return out[:n]


def run(articles: list[Article], cores: int) -> tuple[float, float, int]:
    """(plain spaCy seconds, eventwire seconds, mentions found)."""
    texts = [a.text for a in articles]
    t0 = time.perf_counter()
    mentions = sum(len(ms) for _, ms in extract_texts(articles, Settings(n_process=cores)))
    t_eventwire = time.perf_counter() - t0
    nlp = plain_pipeline()
    t0 = time.perf_counter()
    docs = list(nlp.pipe(texts, n_process=cores, batch_size=32))
    t_spacy = time.perf_counter() - t0
    assert len(docs) == len(texts)
    return t_spacy, t_eventwire, mentions


def main(argv: list[str]) -> int:
    """Print the two samples' figures; 0 also when the development data is absent (skipped)."""
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA)
    p.add_argument("--n", type=int, default=300)
    p.add_argument("--sample", choices=("bbc", "conflict", "both"), default="both")
    a = p.parse_args(argv)
    if not (a.data / "bbc-news").is_dir():
        print(f"SKIP: {a.data} holds no development data; nothing measured")
        return 0
    cores = os.cpu_count() or 1
    samples = {"bbc": bbc_sample, "conflict": conflict_sample}
    for name in (["bbc", "conflict"] if a.sample == "both" else [a.sample]):
        articles = samples[name](a.data, a.n)
        chars = sum(len(x.text) for x in articles)
        t_spacy, t_ew, mentions = run(articles, cores)
        n = len(articles)
        ratio = t_spacy / t_ew
        print(f"{name}: {n} texts ({chars / 1000:.0f}k chars), {cores} cores, load {os.getloadavg()[0]:.1f}")
        print(f"  (a) plain spaCy      {t_spacy:7.1f} s  {n / t_spacy:6.1f} texts/s")
        print(f"  (b) eventwire        {t_ew:7.1f} s  {n / t_ew:6.1f} texts/s  ({mentions} mentions)")
        print(f"  throughput (b)/(a) = {ratio:.2f}  (goal >= 0.8: {'met' if ratio >= 0.8 else 'NOT met'})")
    # peak resident memory of any child process so far (the extraction workers and spaCy's)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory of a worker process: {peak:.0f} MiB (goal <= 1536 MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
