"""Soak: ``eventwire watch`` over a folder that receives real articles at a steady rate, for a long time.

    nice -n 10 python bench/soak_watch.py                       # 20 articles a minute for 30 minutes
    nice -n 10 python bench/soak_watch.py --minutes 10 --every 20s

A writer drops real news articles (BBC News texts, with ECB+ conflict articles among them, one in
``--conflict-every``) into a folder, each written under a hidden name and renamed when complete, as a scraper
would. One ``eventwire watch FOLDER --every EVERY`` process polls it the whole time; its memory (with its worker
processes) is sampled every few seconds. When the writer is done and the watch has caught up, the watch is sent
SIGTERM and must stop cleanly. Printed: articles written, stored, extracted, lost, stored twice; polls and changes;
the watch's memory in the first and the last third of the run (after its first poll loaded the models) and their
ratio; how long an article waited from being dropped to being stored. Exit status 1 when something was lost or read
twice, the watch did not stop cleanly, or its settled memory grew by more than ``--max-growth``.

Memory is sampled every second and read three ways. "Settled": the lowest sample between one poll's end and the
next one's, what the watch keeps from poll to poll (a leak shows here). "Peak": the highest sample of each such
interval, which holds a poll's working memory and grows with the store (the merged layer's indexes are loaded and
saved whole at each poll). "All samples": every sample, whose median rises whenever polls take a larger share of
the time (a busier machine, a larger store) even with nothing leaking. Each is compared between the first and the
last third of the polls after the first (which loaded the models); the exit status judges the settled memory.

Memos that fill as articles arrive (sentence vectors, gazetteer look-ups, each country's fuzzy names) raise the
settled memory too, until they are full, and a leak raises it without end: the settled memory is also printed per
100 articles stored, with its growth per 100 articles over the whole run and over its second half. A run long
enough for the memos to fill (``--rate 40 --minutes 45``) tells warming up from leaking.
"""

from __future__ import annotations

import argparse
import bisect
import contextlib
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from eventwire.store import Store

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"


def articles(seed: int) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(name, text) of real articles in a fixed shuffled order: BBC News texts and ECB+ conflict articles."""
    bbc = sorted((DATA / "bbc-news" / "bbc").rglob("*.txt"))
    ecb = [json.loads(ln) for ln in (DATA / "ecbplus-dev" / "docs.jsonl").read_text(encoding="utf-8").splitlines()
           if ln.strip()]
    rng = random.Random(seed)
    rng.shuffle(bbc)
    rng.shuffle(ecb)
    out = [(f"bbc-{p.parent.name}-{p.stem}.txt", p.read_text(encoding="utf-8", errors="replace")) for p in bbc]
    conflict = [(d["doc_id"].replace(".xml", ".txt"), d["text"]) for d in ecb]
    return out, conflict


def writer(folder: Path, items: list[tuple[str, str]], rate: float, stop: threading.Event,
           written: dict[str, float]) -> None:
    """Drop ``items`` into ``folder`` at ``rate`` a minute, each complete when it appears."""
    gap = 60.0 / rate
    start = time.monotonic()
    for i, (name, text) in enumerate(items):
        wait = start + i * gap - time.monotonic()
        if wait > 0 and stop.wait(wait):
            return
        tmp = folder / f".{name}.part"
        tmp.write_text(text, encoding="utf-8")
        tmp.rename(folder / name)
        written[name] = time.time()


def memory(proc: psutil.Process) -> int:
    """Resident memory of the watch and its worker processes, bytes."""
    try:
        procs = [proc, *proc.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for p in procs:
        with contextlib.suppress(psutil.NoSuchProcess):
            total += p.memory_info().rss
    return total


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=30.0)
    ap.add_argument("--rate", type=float, default=20.0, help="articles a minute")
    ap.add_argument("--every", default="30s", help="the watch's poll interval")
    ap.add_argument("--conflict-every", type=int, default=4, help="one ECB+ conflict article in this many")
    ap.add_argument("--catch-up", type=float, default=600.0, help="seconds the watch may take to catch up after")
    ap.add_argument("--max-growth", type=float, default=1.25, help="largest ratio of late to early memory")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--pymalloc", action="store_true", help="keep Python's own small-object allocator in the watch")
    ap.add_argument("--work", type=Path, default=None)
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="eventwire-soak-"))
    folder, db = work / "drop", work / "soak.duckdb"
    folder.mkdir(parents=True, exist_ok=True)
    n = int(args.minutes * args.rate)
    bbc, conflict = articles(args.seed)
    items = [conflict.pop() if i % args.conflict_every == 0 and conflict else bbc.pop() for i in range(n)]
    # the watch as the README says to run it for days: Python's small objects in glibc's heaps, whose free pages
    # each poll gives back (``--pymalloc`` keeps Python's own allocator, to compare)
    env = os.environ | {"EVENTWIRE_N_PROCESS": os.environ.get("EVENTWIRE_N_PROCESS", "1")}
    if not args.pymalloc:
        env["PYTHONMALLOC"] = "malloc"
    watch = subprocess.Popen([sys.executable, "-c", "from eventwire.cli import main; main()", "watch", str(folder),
                              "--every", args.every, "--db", str(db)], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
    polls: list[str] = []
    threading.Thread(target=lambda: polls.extend(iter(watch.stdout.readline, "")), daemon=True).start()
    proc = psutil.Process(watch.pid)
    written: dict[str, float] = {}
    stop = threading.Event()
    t0, t0_wall = time.monotonic(), time.time()
    feeder = threading.Thread(target=writer, args=(folder, items, args.rate, stop, written), daemon=True)
    feeder.start()
    samples: list[tuple[float, int, int]] = []  # (seconds, bytes, polls so far)
    caught_up_at = None
    checked = 0.0
    while watch.poll() is None:
        samples.append((time.monotonic() - t0, memory(proc), sum("run r_" in p for p in polls)))
        if not feeder.is_alive() and time.monotonic() - checked >= 5.0:
            checked = time.monotonic()
            done = _stored(db)
            if done >= len(written):
                caught_up_at = time.monotonic() - t0
                break
            if time.monotonic() - t0 > args.minutes * 60 + args.catch_up:
                break
        time.sleep(1.0)
    watch.send_signal(signal.SIGTERM)
    try:
        code = watch.wait(timeout=300)
    except subprocess.TimeoutExpired:
        watch.kill()
        code = -9
    report(db, folder, written, samples, polls, code, caught_up_at, args, t0_wall)


def _stored(db: Path) -> int:
    """Files stored (as articles or in quarantine) and extracted, read while the watch runs."""
    if not db.exists():
        return 0
    try:
        with Store(db, read_only=True, wait=5) as store:
            return int(store.con.execute(
                "SELECT count(DISTINCT s.source) FROM article_sources s JOIN extracted x ON x.article_id = s.article_id"
            ).fetchone()[0]) + store.count("quarantine")
    except Exception:  # the store busy with a commit: try at the next sample
        return 0


def report(db: Path, folder: Path, written: dict[str, float], samples: list[tuple[float, int, int]],
           polls: list[str], code: int, caught_up_at: float | None, args: argparse.Namespace, t0_wall: float) -> None:
    with Store(db, read_only=True) as store:
        con = store.con
        sources = {Path(s).name for (s,) in con.execute("SELECT source FROM article_sources").fetchall()}
        failed = {Path(s).name for (s,) in con.execute("SELECT source FROM quarantine").fetchall()}
        n_articles = store.count("articles")
        extracted = store.count("extracted")
        twice = con.execute("SELECT count(*) - count(DISTINCT source) FROM articles").fetchone()[0]
        revised = store.count("article_revisions")
        changes = store.count("event_changes")
        runs = con.execute("SELECT count(*), count(*) FILTER (WHERE status = 'done') FROM runs").fetchone()
        lags = [(t - written[Path(s).name]) for s, t in con.execute(
            "SELECT a.source, epoch(a.ingested_at) FROM articles a").fetchall() if Path(s).name in written]
        events = store.count("events")
        stored_at = sorted(t - t0_wall for (t,) in con.execute("SELECT epoch(ingested_at) FROM articles").fetchall())
    lost = sorted(set(written) - sources - failed)
    # the samples, for a closer look: (seconds since the start, bytes, polls done by then)
    (db.parent / "memory.json").write_text(json.dumps(samples), encoding="utf-8")
    # memory after the first poll loaded the models: the first and the last third of the samples
    loaded = [(t, b) for t, b, p in samples if p >= 1 and b > 0]
    third = max(1, len(loaded) // 3)
    early = statistics.median(b for _, b in loaded[:third]) if loaded else 0
    late = statistics.median(b for _, b in loaded[-third:]) if loaded else 0
    # per interval between the end of one poll and the end of the next: its lowest and highest sample
    by_poll: dict[int, list[int]] = {}
    for _, b, p in samples:
        if p >= 1 and b > 0:
            by_poll.setdefault(p, []).append(b)
    floors = [min(v) for _, v in sorted(by_poll.items())]
    ends = {p: t for t, _, p in samples}  # each interval's last sample
    by_articles = [(bisect.bisect_right(stored_at, ends[p]), min(v)) for p, v in sorted(by_poll.items())]
    peaks = [max(v) for _, v in sorted(by_poll.items())]
    settled = _thirds(floors)
    peak_thirds = _thirds(peaks)
    growth = _ratio(settled)
    mb = 1 / 2**20
    print(f"soak: {len(written)} articles dropped over {args.minutes:g} min ({args.rate:g} a minute), watch every "
          f"{args.every}; caught up {f'at {caught_up_at:.0f} s' if caught_up_at else 'NOT in time'}")
    print(f"stored {n_articles} articles ({len(failed)} inputs quarantined), extracted {extracted}, {events} events, "
          f"{changes} changes to events; {runs[0]} polls ({runs[1]} done)")
    print(f"lost: {len(lost)}{' ' + ', '.join(lost[:10]) if lost else ''}; stored twice: {twice}; revisions (none "
          f"expected): {revised}")
    if lags:
        print(f"from dropped to stored: median {statistics.median(lags):.0f} s, max {max(lags):.0f} s")
    print(f"watch memory (with workers) after the first poll, all samples: early median {early * mb:.0f} MB, late "
          f"median {late * mb:.0f} MB, ratio {_ratio((early, late)):.2f}; peak "
          f"{max((b for _, b, _ in samples), default=0) * mb:.0f} MB over {len(samples)} samples")
    print(f"settled between polls (lowest of each of {len(floors)} intervals): early median {settled[0] * mb:.0f} MB, "
          f"late median {settled[1] * mb:.0f} MB, ratio {growth:.2f}; highest {max(floors, default=0) * mb:.0f} MB")
    print(f"peak of each interval: early median {peak_thirds[0] * mb:.0f} MB, late median "
          f"{peak_thirds[1] * mb:.0f} MB, ratio {_ratio(peak_thirds):.2f}")
    print(f"settled by articles stored (median of the intervals ending in each {STEP}): " + ", ".join(
        f"{k}: {b * mb:.0f}" for k, b in _per_step(by_articles)) + " MB")
    half = [(n, b) for n, b in by_articles if n >= n_articles / 2]
    print(f"settled growth per 100 articles (least squares): whole run {_slope(by_articles) * mb:+.1f} MB, "
          f"second half of the articles {_slope(half) * mb:+.1f} MB")
    print(f"SIGTERM: exit {code}")
    ok = not lost and not twice and not revised and code == 0 and growth <= args.max_growth and caught_up_at
    sys.exit(0 if ok else 1)


def _thirds(values: list[int]) -> tuple[float, float]:
    """Medians of the first and the last third of ``values`` (0 when there are none)."""
    if not values:
        return 0.0, 0.0
    third = max(1, len(values) // 3)
    return statistics.median(values[:third]), statistics.median(values[-third:])


STEP = 100  # articles per step of the settled memory's curve


def _per_step(points: list[tuple[int, int]]) -> list[tuple[int, float]]:
    """(articles stored, bytes) -> the median bytes of the points in each step of STEP articles, named by its end."""
    steps: dict[int, list[int]] = {}
    for n, b in points:
        steps.setdefault(-(-n // STEP) * STEP, []).append(b)
    return [(k, statistics.median(v)) for k, v in sorted(steps.items()) if k > 0]


def _slope(points: list[tuple[int, int]]) -> float:
    """Least-squares bytes per STEP articles of (articles stored, bytes) points (0 with fewer than two)."""
    if len({n for n, _ in points}) < 2:
        return 0.0
    return statistics.linear_regression([n for n, _ in points], [b for _, b in points]).slope * STEP


def _ratio(pair: tuple[float, float]) -> float:
    return pair[1] / pair[0] if pair[0] else float("nan")


if __name__ == "__main__":
    main()
