"""Fuzz every reader of the ingest stage: structure-aware cases (hypothesis) and byte-level mutations of real
seeds (atheris, coverage-guided, when installed; else a seeded random mutator), each under a time limit.

    nice -n 10 python bench/fuzz.py                       # every reader, 100,000 cases each
    python bench/fuzz.py --readers html,warc --cases 20000 --structured 0.2

Each reader runs in its own process, one after the other; the table gives per reader the cases run (structured
+ byte-level), articles and coded failures produced, crashes (an exception out of the reader or a result that
could not be stored, deduplicated by where), hangs (a case over --time-limit), the slowest case and the
process's peak memory. Crashing inputs are written to --out/crashes/ to be pinned by a regression test.
Exit status 1 when anything crashed or hung.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"


def _worker(args: argparse.Namespace) -> None:
    """One reader in this process: structured cases, then byte-level ones; results to --result as JSON."""
    from eventwire.evaluation import hostile

    reader = args.worker
    every = hostile.seeds(DATA if DATA.is_dir() else None)
    group = every[reader]
    tally = hostile.Tally(reader)
    crashes = Path(args.out) / "crashes"
    started = time.perf_counter()
    n_struct = int(args.cases * args.structured)
    n_bytes = args.cases - n_struct
    counts = {"structured": 0, "bytes": 0}
    engine = "none"

    def write(final: bool = False) -> None:
        out = {"reader": reader, "cases": tally.cases, "structured": counts["structured"], "bytes": counts["bytes"],
               "engine": engine, "articles": tally.articles, "failures": tally.failures, "hangs": tally.hangs,
               "slowest_s": round(tally.slowest_s, 3), "seconds": round(time.perf_counter() - started, 1),
               "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
               "final": final,
               "findings": [{"key": f.key, "kind": f.kind, "message": f.message, "count": f.count}
                            for f in tally.findings.values()]}
        Path(args.result).write_text(json.dumps(out, indent=1))

    def each(kind: str):
        def run(data: bytes) -> None:
            before = len(tally.findings)
            hostile.run_case(reader, data, tally, time_limit=args.time_limit)
            counts[kind] += 1
            if len(tally.findings) > before:
                crashes.mkdir(parents=True, exist_ok=True)
                (crashes / f"{reader}-{len(tally.findings)}.bin").write_bytes(data)
            if tally.cases % 2000 == 0:
                write()
        return run

    hostile.hypothesis_cases(hostile.structured(reader, group, every), n_struct, each("structured"), seed=args.seed)
    run_bytes = each("bytes")
    try:
        import atheris  # noqa: F401 - optional dev dependency
    except ImportError:
        atheris = None
    if atheris is None or args.engine == "random":
        engine = "random"
        hostile.random_cases(group, n_bytes, run_bytes, seed=args.seed)
        write(final=True)
        return
    engine = "atheris"
    corpus = Path(tempfile.mkdtemp(prefix=f"fuzz-{reader}-"))
    for i, s in enumerate(group):
        (corpus / f"seed-{i}").write_bytes(s)
    target = counts["structured"] + n_bytes

    def one_input(data: bytes) -> None:
        run_bytes(data)
        if counts["structured"] + counts["bytes"] >= target:
            write(final=True)
            os._exit(0)  # libFuzzer would otherwise go on to its own -runs count

    # our own per-case alarm measures hangs (-timeout=0 leaves SIGALRM to it); libFuzzer guards memory
    atheris.Setup([sys.argv[0], str(corpus), f"-runs={n_bytes * 2 + 100}", "-max_len=32768", "-timeout=0",
                   "-rss_limit_mb=3072", f"-seed={args.seed}", "-print_final_stats=0"], one_input)
    atheris.Fuzz()
    write(final=True)


def _instrumented_worker(args: argparse.Namespace) -> None:
    try:
        import atheris
    except ImportError:
        _worker(args)
        return
    if args.engine == "random":
        _worker(args)
        return
    # coverage guidance over eventwire's readers and the pure-Python parsers they call
    # (each reader imports its modules on first use: a seed of every reader is read inside the context)
    with atheris.instrument_imports(include=["eventwire.ingest", "warcio", "feedparser"]):
        from eventwire.evaluation import hostile

        for reader, group in hostile.seeds(None).items():
            hostile.read_case(reader, group[0])
    _worker(args)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--readers", default="", help="comma-separated readers (default: all)")
    ap.add_argument("--cases", type=int, default=100_000, help="cases per reader")
    ap.add_argument("--structured", type=float, default=0.1, help="share of structure-aware cases (hypothesis)")
    ap.add_argument("--time-limit", type=float, default=10.0, help="seconds one case may take before it is a hang")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--engine", choices=("atheris", "random"), default="atheris",
                    help="byte-level engine (atheris falls back to random when not installed)")
    ap.add_argument("--out", default=str(Path(tempfile.gettempdir()) / "eventwire-fuzz"))
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--result", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        _instrumented_worker(args)
        return
    from eventwire.evaluation.hostile import READER_NAMES

    readers = [r for r in args.readers.split(",") if r] or list(READER_NAMES)
    Path(args.out).mkdir(parents=True, exist_ok=True)
    rows = []
    for reader in readers:
        result = Path(args.out) / f"{reader}.json"
        result.unlink(missing_ok=True)
        cmd = [sys.executable, __file__, "--worker", reader, "--result", str(result), "--cases", str(args.cases),
               "--structured", str(args.structured), "--time-limit", str(args.time_limit), "--seed", str(args.seed),
               "--engine", args.engine, "--out", args.out]
        proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, errors="replace")
        row = json.loads(result.read_text()) if result.exists() else {"reader": reader, "cases": 0, "findings": []}
        if proc.returncode != 0 or not row.get("final"):
            row["findings"].append({"key": f"worker exit {proc.returncode}", "kind": "crash", "count": 1,
                                    "message": proc.stderr[-400:]})
        rows.append(row)
        _print_row(row)
    bad = [f for r in rows for f in r["findings"]]
    print(f"\n{sum(r['cases'] for r in rows):,} cases over {len(rows)} readers; {len(bad)} distinct crashes or hangs")
    for r in rows:
        for f in r["findings"]:
            print(f"  {r['reader']}: {f['kind']} x{f['count']} {f['key']}: {f['message'][:300]}")
    sys.exit(1 if bad else 0)


def _print_row(r: dict) -> None:
    if not _print_row.__dict__.get("header"):
        print(f"{'reader':10} {'cases':>8} {'struct':>7} {'bytes':>7} {'engine':8} {'articles':>8} {'failures':>8} "
              f"{'crashes':>7} {'hangs':>5} {'slowest':>8} {'peak MB':>8} {'cases/s':>7}")
        _print_row.__dict__["header"] = True
    crashes = sum(1 for f in r.get("findings", []) if f["kind"] != "hang")
    rate = r["cases"] / r["seconds"] if r.get("seconds") else 0.0
    print(f"{r['reader']:10} {r['cases']:>8,} {r.get('structured', 0):>7,} {r.get('bytes', 0):>7,} "
          f"{r.get('engine', '-'):8} {r.get('articles', 0):>8,} {sum(r.get('failures', {}).values()):>8,} "
          f"{crashes:>7} {r.get('hangs', 0):>5} {r.get('slowest_s', 0):>7.2f}s {r.get('peak_rss_mb', 0):>8.0f} "
          f"{rate:>7.1f}", flush=True)


if __name__ == "__main__":
    main()
