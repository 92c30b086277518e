"""Local engine vs Ray on the same real articles: articles/s, peak memory per worker, identical output;
and, while the first run writes, how fast readers answer and whether a second run waits and succeeds.

The articles are real (``eventwire.evaluation.engines.write_inputs``: BBC News texts in folders and a zip
archive, ECB+ development articles as JSON lines, L3S-GN1 HTML pages). Each leg is one
``eventwire run`` process on its own new store; memory is sampled (RSS, every 0.5 s) over every process
the run starts, and each worker's peak is the peak of one extraction process (a pool worker, a Ray
actor; in-process extraction: the run's own process). Legs run one after the other, so every leg meets
the same machine; the first leg is the baseline the others are compared with.

    python bench/bench_engines.py [--n 1000] [--legs local ray:1 ray:2] [--work DIR] [--readers] [--reuse]

With ``--readers``, a local run on its own store comes first (not compared: other articles join it):
while it writes, every few seconds the events are read and exported (a reader process: this one) and
the review app's event list is fetched (``eventwire serve`` on the store), each timed; a second run on
other articles starts while the first writes: it must wait, say so, and succeed.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import psutil

from eventwire import export
from eventwire.evaluation.engines import store_digest, write_inputs
from eventwire.store import Store

REPO = Path(__file__).resolve().parents[1]
EXTRACTORS = ("ray::", "multiprocessing.spawn", "spawn_main")


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-c", "from eventwire.cli import main; main()", *args]


class Sampler(threading.Thread):
    """Peak RSS of every process under ``root`` (and of Ray's workers, which Ray's own daemons start)."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.peaks: dict[int, tuple[int, str]] = {}
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                procs = [psutil.Process(self.root), *psutil.Process(self.root).children(recursive=True)]
            except psutil.NoSuchProcess:
                return
            for p in procs:
                try:
                    rss = p.memory_info().rss
                    cmd = " ".join(p.cmdline())[:200]
                except psutil.Error:
                    continue
                if rss > self.peaks.get(p.pid, (0, ""))[0]:
                    self.peaks[p.pid] = (rss, cmd)
            self.stop.wait(0.5)

    def workers(self, n: int) -> list[int]:
        """The peaks of the extraction processes (the n largest of those, or the run itself)."""
        marked = sorted((rss for rss, cmd in self.peaks.values() if any(m in cmd for m in EXTRACTORS)),
                        reverse=True)
        return marked[:n] if marked else [self.peaks[self.root][0]]

    def total(self) -> int:
        return sum(rss for rss, _ in self.peaks.values())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def readers(db: Path, run: subprocess.Popen, extra: Path, work: Path) -> dict:
    """While ``run`` writes: time reads, exports and the app's event list; start a second run that must wait."""
    env = dict(os.environ)
    while not db.exists() and run.poll() is None:
        time.sleep(0.2)
    port = _free_port()
    app = subprocess.Popen(_cli("serve", "--db", str(db), "--port", str(port)), env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    export_s, app_s, counts = [], [], []
    second = None
    second_started = None
    run_end = None
    try:
        while run.poll() is None:
            t = time.perf_counter()
            with Store(db, read_only=True) as s:
                rows, cols = export.rows_of("events", s, "csv")
                counts.append(s.count("extracted"))
            export.write_rows(rows, "csv", work / "export-during-run.csv", cols)
            export_s.append(time.perf_counter() - t)
            t = time.perf_counter()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/events", timeout=600) as r:
                    json.loads(r.read())
                app_s.append(time.perf_counter() - t)
            except OSError:
                pass  # the app is still starting
            if second is None and counts[-1] > 0:
                second_started = time.time()
                second = subprocess.Popen(_cli("run", str(extra), "--db", str(db)), env=env,
                                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            time.sleep(3)
        run_end = time.perf_counter()
    finally:
        first_done = time.time()
        app.terminate()
        app.wait()
    out = {"run_end": run_end, "reads": len(export_s), "extracted_seen": sorted(set(counts)),
           "export_s_median": statistics.median(export_s) if export_s else None,
           "export_s_max": max(export_s) if export_s else None,
           "app_s_median": statistics.median(app_s) if app_s else None, "app_s_max": max(app_s) if app_s else None}
    if second is not None:
        _, err = second.communicate()
        out.update(second_rc=second.returncode, second_waited="waits for it to finish" in err,
                   second_started_before_first_ended=second_started is not None and second_started < first_done)
    return out


def leg(name: str, inputs: Path, work: Path, with_readers: bool, extra: Path) -> dict:
    engine, _, workers = name.partition(":")
    db = work / f"{name.replace(':', '-')}{'-readers' if with_readers else ''}.duckdb"
    for p in (db, db.with_name(db.name + ".wal")):
        p.unlink(missing_ok=True)
    env = dict(os.environ)
    if workers:
        env["EVENTWIRE_N_PROCESS"] = workers
    args = _cli("run", str(inputs), "--db", str(db), *(["--engine", "ray"] if engine == "ray" else []))
    t = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = Sampler(proc.pid)
    sampler.start()
    seen = readers(db, proc, extra, work) if with_readers else None
    out, err = proc.communicate()
    # the run's own time (a second run may have gone on after it)
    seconds = ((seen or {}).get("run_end") or time.perf_counter()) - t
    sampler.stop.set()
    sampler.join()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{name} failed:\n{err[-3000:]}")
    with Store(db, read_only=True) as s:  # the run's articles, not the second run's
        n = int(s.con.execute("SELECT count(*) FROM articles WHERE starts_with(source, ?)",
                              [str(inputs)]).fetchone()[0])
    res = {"leg": name + ("+readers" if with_readers else ""), "db": str(db), "articles": n, "seconds": seconds,
           "articles_per_s": n / seconds,
           "workers_peak_mb": [round(x / 2**20) for x in sampler.workers(int(workers or os.cpu_count() or 1))],
           "all_processes_peak_mb": round(sampler.total() / 2**20)}
    if seen is not None:
        res["readers"] = seen
    return res


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--legs", nargs="+", default=["local", "ray:1", "ray:2"])
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--work", type=Path, default=Path("bench-engines"))
    ap.add_argument("--readers", action="store_true")
    ap.add_argument("--reuse", action="store_true", help="legs run before in --work (results.json) are not run again")
    args = ap.parse_args()
    inputs = args.work / f"in-{args.n}"
    if not inputs.exists():
        write_inputs(args.data, inputs, args.n)
    extra = args.work / "second-run.jsonl"  # articles no leg reads: the second run's
    docs = sorted((args.data / "bbc-news" / "bbc" / "politics").glob("*.txt"))[-20:]
    extra.write_text("".join(json.dumps({"id": f"second/{p.name}", "text": p.read_text(errors="replace")}) + "\n"
                             for p in docs))
    watched = None
    if args.readers:
        watched = leg("local", inputs, args.work, True, extra)
        print(json.dumps(watched), flush=True)
    saved = args.work / "results.json"  # every leg's result, for --reuse
    done = json.loads(saved.read_text()) if saved.exists() else {}
    results = []
    for name in args.legs:
        if args.reuse and name in done and Path(done[name]["db"]).exists():
            results.append(done[name])
        else:
            results.append(leg(name, inputs, args.work, False, extra))
            done[name] = results[-1]
            saved.write_text(json.dumps(done, indent=1))
        print(json.dumps(results[-1]), flush=True)
    base = results[0]
    digests = {r["leg"]: store_digest(Path(r["db"])) for r in results}
    (args.work / "export-during-run.csv").unlink(missing_ok=True)
    print(f"\n{'leg':<8} {'articles':>8} {'seconds':>8} {'art/s':>6} {'vs ' + base['leg']:>9}  worker peak MB  "
          f"all processes MB  output")
    for r in results:
        differs = [k for k in digests[base["leg"]] if digests[r["leg"]][k] != digests[base["leg"]][k]]
        same = "baseline" if r is base else ("identical" if not differs else "DIFFERS: " + ", ".join(differs))
        print(f"{r['leg']:<8} {r['articles']:>8} {r['seconds']:>8.1f} {r['articles_per_s']:>6.2f} "
              f"{r['articles_per_s'] / base['articles_per_s']:>8.2f}x  {r['workers_peak_mb']!s:<14}  "
              f"{r['all_processes_peak_mb']:>16}  {same}")
    if watched is not None:
        rd = watched["readers"]
        print(f"\nwhile a local run of {watched['articles']} articles wrote ({watched['seconds']:.0f} s): "
              f"{rd['reads']} reads; extracted articles seen "
              f"{rd['extracted_seen'][:3]}...{rd['extracted_seen'][-3:]}; read+export of the events median "
              f"{rd['export_s_median']:.2f} s, max {rd['export_s_max']:.2f} s; app's event list median "
              f"{rd['app_s_median'] or float('nan'):.2f} s, max {rd['app_s_max'] or float('nan'):.2f} s; second run: "
              f"exit {rd.get('second_rc')}, waited {rd.get('second_waited')}, "
              f"started while the first wrote {rd.get('second_started_before_first_ended')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
