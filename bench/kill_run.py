"""Kill ``eventwire run`` (or ``eventwire watch``) with SIGKILL at random points over conflict news, resume it each
time, and check that the final store and every export are identical to an uninterrupted run's.

    nice -n 10 python bench/kill_run.py                    # the 772 ECB+ development articles, 20+ kills
    python bench/kill_run.py --limit 60 --kills 3          # a short run
    nice -n 10 python bench/kill_run.py --watch feed --limit 200   # 'watch --once' over a feed of 200 articles

With ``--watch feed`` the articles are pages of a news site on 127.0.0.1 listed in a real RSS file
(``bench/feedsite.py``) and each arm runs ``eventwire watch FEED --once``; with ``--watch folder`` they are files of
a folder. A restarted watch must read nothing twice: the feed's items it marked read are skipped, and the pages it
stored but did not mark are found stored. The event history is compared too (without its times and run ids).

The first half of the articles is run once, and reviewers' decisions (confirm, edit, merge, split, irrelevant)
are recorded on its events; from that store, the whole set is run once without interruption (the reference)
and once killed (the whole process group, workers included) at random points of ingest, extraction and
merging, resuming after each kill. The table lists each kill with how far the store had got; then the tables
and exports that differ (none expected). Exit status 1 on a difference or fewer kills than asked.

The merge (stories, events, episodes, figures and decisions, written in one transaction at the end of a run) is a
small share of a run, so random kills seldom land in it: ``--merge-kills N`` adds N kills aimed at it. A copy of
the first-half store runs until every article is extracted (the store is read between the run's commits) and is
killed there; from that store, one uninterrupted run times the merge, then runs are killed at random points of it
and resumed, and each arm is compared with the reference as above.

    nice -n 10 python bench/kill_run.py --reuse --work DIR --kills 0 --merge-kills 10   # after a run in DIR
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import io
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq

from eventwire import export, pipeline
from eventwire.model import to_dict
from eventwire.store import Store

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO.parent / "shared" / "data" / "ecbplus-dev" / "docs.jsonl"
EVENTWIRE = [sys.executable, "-c", "from eventwire.cli import main; main()"]
# bookkeeping columns that say when, not what: a resumed run stores the same rows at other times (and a resumed
# run has an id of its own)
VOLATILE = {"articles": {"ingested_at"}, "quarantine": {"seen_at"}, "event_changes": {"at", "run_id"},
            "article_revisions": {"stored_at"}, "watch_items": {"state", "seen_at"}}
TABLES = ("articles", "article_sources", "quarantine", "mentions", "claims", "extracted", "events", "event_aliases",
          "episodes", "stories", "article_relations", "story_features", "decisions", "merged", "event_changes",
          "article_revisions", "watch_items")


def run_cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([*EVENTWIRE, *args], env=env, capture_output=True, text=True)


def add_decisions(db: Path) -> list[str]:
    """Reviewers' decisions of every kind on the store's events, at a fixed time (the same ids in every arm),
    then the merged layer updated as the review app does."""
    from eventwire.serve.decisions import make_decision

    now = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    made = []
    with Store(db) as store:
        events = sorted(store.events(), key=lambda e: (-len(e.mention_ids), e.id))
        several = [e for e in events if len(e.mention_ids) >= 2]
        single = [e for e in events if len(e.mention_ids) == 1]

        def decide(**kw: object) -> None:
            d = make_decision(store, reviewer="Kill Test", reason="harness", now=now, **kw)  # type: ignore[arg-type]
            store.add_decision(d)
            made.append(f"{d.action} {d.event_id or d.article_ids[0]}")

        if several:
            decide(action="split", event_id=several[0].id, mention_ids=list(several[0].mention_ids[:1]))
        if len(single) >= 2:
            decide(action="merge", event_id=single[0].id, other_event_id=single[1].id)
        if len(events) >= 3:
            decide(action="edit", event_id=events[-1].id, field="actor1", value="Reviewed Actor")
            decide(action="confirm", event_id=events[-2].id)
            decide(action="irrelevant", article_id=events[-3].article_ids[0], event_id=events[-3].id)
        pipeline.update_merged(store)
    return made


def snapshot(db: Path, out: Path) -> dict[str, str]:
    """A digest of every table (volatile columns left out) and every export of the store."""
    digests: dict[str, str] = {}
    out.mkdir(parents=True, exist_ok=True)
    with Store(db, read_only=True) as store:
        for table in TABLES:
            cols = [r[0] for r in store.con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
                [table]).fetchall() if r[0] not in VOLATILE.get(table, set())]
            names = ", ".join(f'"{c}"' for c in cols)
            rows = store.con.execute(f'SELECT {names} FROM "{table}" ORDER BY ALL').fetchall()
            digests[f"table {table}"] = _digest(json.dumps([[str(v) for v in r] for r in rows]).encode())
        for what in export.WHATS:
            for fmt in export.FORMATS:
                if fmt in export.EVENT_ONLY_FORMATS and what != "events":
                    continue
                path = out / f"{what}.{fmt}"
                export.export(what, fmt, store, path, export.EventFilter())
                data = path.read_bytes()
                if what == "changes":  # when and by which run: not what changed
                    rows, columns = export.rows_of(what, store, fmt)
                    data = json.dumps([{k: v for k, v in r.items() if k not in ("at", "run_id")} for r in rows],
                                      default=str).encode()
                elif fmt == "parquet":  # the file's metadata names the writer; the table is what counts
                    data = json.dumps(to_dict(pq.read_table(path).to_pylist()), default=str).encode()
                elif fmt == "acled-csv":  # ACLED's timestamp is the newest article's ingested_at: when, not what
                    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
                    data = json.dumps([{k: v for k, v in r.items() if k != "timestamp"} for r in rows]).encode()
                digests[f"export {what} {fmt}"] = _digest(data)
    return digests


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def progress(db: Path, total: int) -> dict[str, object]:
    """How far a killed run had got: articles stored, extracted, merged."""
    with Store(db, read_only=True) as store:
        return {"articles": store.count("articles"), "extracted": store.count("extracted"),
                "merged": store.count("merged"), "events": store.count("events")}


def phase(p: dict[str, object], total: int) -> str:
    if int(p["articles"]) < total:  # type: ignore[call-overload]
        return "ingest"
    if int(p["extracted"]) < total:  # type: ignore[call-overload]
        return "extract"
    if int(p["merged"]) < int(p["extracted"]):  # type: ignore[call-overload]
        return "merge"
    return "after merge"


def killed_run(db: Path, command: list[str], env: dict[str, str], *, kills: int, t_ref: float, startup: float,
               total: int, base: int, rng: random.Random) -> tuple[list[dict[str, object]], str]:
    """Run, kill, resume until the run completes after ``kills`` kills (or more, when one lands too early)."""
    log: list[dict[str, object]] = []
    last_extracted = -1
    while True:
        if log and int(log[-1]["extracted"]) == last_extracted:  # type: ignore[call-overload]
            startup *= 1.25  # that kill came before any new work was written: the start-up takes longer
        last_extracted = int(log[-1]["extracted"]) if log else -1  # type: ignore[call-overload]
        done_frac = 0.0
        if log:
            p = log[-1]
            done_frac = (int(p["extracted"]) - base) / max(1, total - base)  # type: ignore[call-overload]
        left = max(kills - len(log), 0)
        proc = subprocess.Popen([*EVENTWIRE, *command, "--db", str(db)], env=env, start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if left == 0:
            _, err = proc.communicate()
            return log, f"exit {proc.returncode}" + (f": {err.decode(errors='replace')[-300:]}" if proc.returncode > 1
                                                     else "")
        # past the start-up, a share of the work left such that the kills to come are spread over all of it
        remaining = 0.8 * max(t_ref - startup, 1.0) * max(1.0 - done_frac, 0.1)
        delay = startup * rng.uniform(0.5, 1.0) + rng.uniform(0.0, remaining / left)
        try:
            proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            p = progress(db, total)
            p |= {"kill": len(log) + 1, "after_s": round(delay, 1), "phase": phase(p, total)}
            log.append(p)
            print(f"kill {p['kill']:>3} after {p['after_s']:>6.1f} s  phase {p['phase']:<12} articles "
                  f"{p['articles']:>4}  extracted {p['extracted']:>4}  merged {p['merged']:>4}  "
                  f"events {p['events']:>4}", flush=True)
            continue
        # the run finished before its kill: this arm ends here, another one makes up the kills missing
        return log, f"exit {proc.returncode} before kill {len(log) + 1}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=Path, default=DOCS)
    ap.add_argument("--limit", type=int, default=0, help="use the first N articles (0: all)")
    ap.add_argument("--topics", default="", help="only these ECB+ topics, e.g. 8,12 (default: all)")
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--merge-kills", type=int, default=0, help="kills aimed at the merge at the end of a run")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=1, help="extraction worker processes (EVENTWIRE_N_PROCESS)")
    ap.add_argument("--work", type=Path, default=None, help="folder for the stores (default: a temporary one)")
    ap.add_argument("--reuse", action="store_true", help="reuse the first-half and reference stores of an earlier "
                    "run in --work (same articles; not with --watch feed, whose site gets a new port)")
    ap.add_argument("--watch", choices=("feed", "folder"), default=None,
                    help="kill 'eventwire watch --once' over a feed of the articles' pages (served on 127.0.0.1) or "
                    "a folder of them, instead of 'eventwire run'")
    args = ap.parse_args()
    topics = {int(t) for t in args.topics.split(",") if t.strip()}
    sys.exit(0 if kill_test(args.docs, limit=args.limit, topics=topics, kills=args.kills, seed=args.seed,
                            workers=args.workers, work=args.work, reuse=args.reuse, watch=args.watch,
                            merge_kills=args.merge_kills) else 1)


class Sources:
    """What each arm reads: the articles as JSON lines for 'run', or a feed or folder for 'watch' (the first half,
    then all of them)."""

    def __init__(self, lines: list[str], work: Path, watch: str | None) -> None:
        self.lines, self.work, self.watch = lines, work, watch
        self.site = None
        self.first, self.everything = work / "first-half.jsonl", work / "all.jsonl"
        self.first.write_text("\n".join(lines[: len(lines) // 2]) + "\n", encoding="utf-8")
        self.everything.write_text("\n".join(lines) + "\n", encoding="utf-8")
        self.folder = work / "drop"
        if watch == "feed":
            from feedsite import Site

            self.site = Site()
            self.site.start()

    def publish(self, half: bool) -> list[str]:
        """Make the first half (or all) of the articles available; the command line that reads them."""
        docs = [json.loads(ln) for ln in (self.lines[: len(self.lines) // 2] if half else self.lines)]
        if self.watch == "feed":
            self.site.publish(docs)  # type: ignore[union-attr]
            return ["watch", self.site.url + "/feed.rss", "--once"]  # type: ignore[union-attr]
        if self.watch == "folder":
            self.folder.mkdir(exist_ok=True)
            for d in docs:
                target = self.folder / (str(d["doc_id"]).replace(".xml", "") + ".txt")
                if not target.exists():
                    target.write_text(d["text"], encoding="utf-8")
            return ["watch", str(self.folder), "--once"]
        return ["run", str(self.first if half else self.everything)]


def kill_test(docs: Path, *, limit: int = 0, topics: set[int] | None = None, kills: int = 20, seed: int = 1,
              workers: int = 1, work: Path | None = None, reuse: bool = False, watch: str | None = None,
              merge_kills: int = 0) -> bool:
    """The whole harness; True when the killed run ends identical to the reference with enough kills."""
    work = work or Path(tempfile.mkdtemp(prefix="eventwire-kill-"))
    work.mkdir(parents=True, exist_ok=True)
    lines = [ln for ln in docs.read_text(encoding="utf-8").splitlines() if ln.strip()]
    if topics:
        lines = [ln for ln in lines if json.loads(ln).get("topic") in topics]
    lines = lines[:limit] if limit else lines
    sources = Sources(lines, work, watch)
    env = os.environ | {"EVENTWIRE_N_PROCESS": str(workers), "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
                        "EVENTWIRE_ALLOW_PRIVATE": "1", "EVENTWIRE_WATCH_HOST_DELAY": "0"}
    base, ref, timing = work / "base.duckdb", work / "reference.duckdb", work / "timing.json"
    if not (reuse and timing.exists() and watch != "feed"):
        for p in work.glob("*.duckdb*"):
            p.unlink()
        t0 = time.monotonic()
        r = run_cli([*sources.publish(half=True), "--db", str(base)], env)
        assert r.returncode in (0, 1), r.stderr[-2000:]
        made = add_decisions(base)
        print(f"first half: {len(lines) // 2} articles in {time.monotonic() - t0:.0f} s; decisions: "
              f"{'; '.join(made)}", flush=True)
        shutil.copy(base, ref)
        t0 = time.monotonic()
        r = run_cli([*sources.publish(half=False), "--db", str(ref)], env)
        t_ref = time.monotonic() - t0
        assert r.returncode in (0, 1), r.stderr[-2000:]
        t0 = time.monotonic()
        # a run with nothing new to do: the start-up (and, watching, the conditional requests of every item)
        noop = shutil.copy(ref if watch else base, work / "noop.duckdb")
        run_cli([*sources.publish(half=not watch), "--db", str(noop)], env)
        timing.write_text(json.dumps({"reference_s": t_ref, "startup_s": time.monotonic() - t0}))
    command = sources.publish(half=False)
    t_ref, startup = (json.loads(timing.read_text())[k] for k in ("reference_s", "startup_s"))
    with Store(base, read_only=True) as store:
        n_base = store.count("articles")
        made = [f"{d.action} {d.event_id or d.article_ids[0]}" for d in store.decisions()]
    with Store(ref, read_only=True) as store:
        total = store.count("articles")
    print(f"reference: {total} articles, uninterrupted second run {t_ref:.0f} s (start-up about {startup:.0f} s); "
          f"decisions in the store: {'; '.join(made)}", flush=True)
    want = snapshot(ref, work / "exports-reference")
    rng = random.Random(seed)
    log: list[dict[str, object]] = []
    diffs: list[str] = []
    arm = 0
    while len(log) < kills and arm < 12:
        arm += 1
        killed = work / f"killed-{arm}.duckdb"
        shutil.copy(base, killed)
        got, end = killed_run(killed, command, env, kills=kills - len(log), t_ref=t_ref, startup=startup,
                              total=total, base=n_base, rng=rng)
        log += got
        have = snapshot(killed, work / f"exports-killed-{arm}")
        diff = sorted(k for k in want if want[k] != have.get(k))
        diffs += [f"arm {arm}: {k}" for k in diff]
        print(f"arm {arm}: {len(got)} kills, then {end}; {len(want)} tables and exports compared, {len(diff)} differ"
              + (": " + ", ".join(diff) if diff else ""), flush=True)
    if merge_kills:
        got, merge_diffs, arm = merge_arms(work, base, ref, command, env, want, kills=merge_kills, total=total,
                                           rng=rng, first_arm=arm + 1)
        log += got
        diffs += merge_diffs
        kills += len(got)
        if sum(1 for q in got if q["phase"] == "merge") < merge_kills:
            diffs.append(f"merge arms: fewer than {merge_kills} kills landed inside the merge")
    phases: dict[str, int] = {}
    for p in log:
        phases[str(p["phase"])] = phases.get(str(p["phase"]), 0) + 1
    print(f"killed runs: {len(log)} kills survived ({', '.join(f'{n} in {k}' for k, n in phases.items())}) over "
          f"{arm} resumed run(s); differences from the uninterrupted run: {len(diffs)}")
    twice = read_twice(work, arm) if watch else 0
    if watch:
        print(f"pages or files stored twice in the killed arms: {twice}")
    if sources.site is not None:
        sources.site.stop()
    return not diffs and len(log) >= kills and not twice


def merge_arms(work: Path, base: Path, ref: Path, command: list[str], env: dict[str, str], want: dict[str, str], *,
               kills: int, total: int, rng: random.Random, first_arm: int
               ) -> tuple[list[dict[str, object]], list[str], int]:
    """Kills aimed at the merge: a store with every article extracted and nothing of them merged, an uninterrupted
    run from it that times the merge, then arms killed at random points of the merge and resumed."""
    extracted = work / "extracted.duckdb"
    log: list[dict[str, object]] = []
    diffs: list[str] = []
    # the window between the last extraction and the end of the merge lasts a second or two: look often, and try
    # again from the start when the run got through it unseen
    for _attempt in range(3):
        shutil.copy(base, extracted)
        proc = subprocess.Popen([*EVENTWIRE, *command, "--db", str(extracted)], env=env, start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while proc.poll() is None:
            time.sleep(0.1)
            p = progress(extracted, total)
            if int(p["extracted"]) >= total and int(p["merged"]) < total:  # type: ignore[call-overload]
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                break
        if proc.returncode == -signal.SIGKILL:
            break
    p = progress(extracted, total)
    if proc.returncode != -signal.SIGKILL or int(p["merged"]) >= total:  # type: ignore[call-overload]
        return log, [f"merge arms: the run ended before its merge could be killed ({p})"], first_arm - 1
    p |= {"kill": 0, "after_s": 0.0, "phase": "merge"}
    log.append(p)
    print(f"merge kill {len(log):>3}: every article extracted, killed in the merge  merged {p['merged']:>4}",
          flush=True)
    timed = work / "merge-timed.duckdb"
    shutil.copy(extracted, timed)
    t0 = time.monotonic()
    r = run_cli([*command, "--db", str(timed)], env)
    t_merge = time.monotonic() - t0
    have = snapshot(timed, work / "exports-merge-timed")
    diff = sorted(k for k in want if want[k] != have.get(k))
    diffs += [f"merge, uninterrupted: {k}" for k in diff]
    print(f"merge, uninterrupted from the extracted store: exit {r.returncode} after {t_merge:.0f} s; {len(diff)} "
          f"of {len(want)} tables and exports differ" + (": " + ", ".join(diff) if diff else ""), flush=True)
    startup = json.loads((work / "timing.json").read_text())["startup_s"]
    arm = first_arm
    hi = t_merge * 1.05

    def in_merge() -> int:
        return sum(1 for q in log if q["phase"] == "merge")

    # Only kills that land inside the merge count: one that lands after it (the merge of a few articles lasts about
    # a second after a start-up of several) is kept in the log but the window's end moves to before it.
    while in_merge() < kills and arm < first_arm + 12:
        killed = work / f"killed-merge-{arm}.duckdb"
        shutil.copy(extracted, killed)
        got = 0
        while in_merge() < kills and got < 6:
            proc = subprocess.Popen([*EVENTWIRE, *command, "--db", str(killed)], env=env, start_new_session=True,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            # anywhere from the end of the start-up to the end of the merge's write
            lo = min(startup, t_merge) * 0.8
            delay = rng.uniform(lo, max(hi, lo + 0.1))
            try:
                proc.wait(timeout=delay)
                break  # finished before its kill: this arm ends, another makes up the kills missing
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            got += 1
            p = progress(killed, total) | {"kill": len(log) + 1, "after_s": round(delay, 1)}
            p["phase"] = "merge" if int(p["merged"]) < total else "after merge"  # type: ignore[call-overload]
            if p["phase"] == "after merge":
                hi = min(hi, delay)
            log.append(p)
            print(f"merge kill {len(log):>3} after {delay:>6.1f} s  phase {p['phase']:<12} merged {p['merged']:>4}  "
                  f"events {p['events']:>4}", flush=True)
            if p["phase"] == "after merge":
                break  # nothing is left to merge in this copy: the next arm starts again from the extracted store
        r = run_cli([*command, "--db", str(killed)], env)  # the last resume (a no-op when the arm's run finished)
        have = snapshot(killed, work / f"exports-killed-merge-{arm}")
        diff = sorted(k for k in want if want[k] != have.get(k))
        diffs += [f"merge arm {arm}: {k}" for k in diff]
        print(f"merge arm {arm}: {got} kills, then exit {r.returncode}; {len(want)} tables and exports compared, "
              f"{len(diff)} differ" + (": " + ", ".join(diff) if diff else ""), flush=True)
        arm += 1
    return log, diffs, arm - 1


def read_twice(work: Path, arms: int) -> int:
    """Pages or files stored twice over the killed arms (two articles from one URL or file, or a revision where
    nothing changed): a watch that resumes reads nothing twice."""
    twice = 0
    for arm in range(1, arms + 1):
        with Store(work / f"killed-{arm}.duckdb", read_only=True) as store:
            twice += store.con.execute("SELECT count(*) - count(DISTINCT coalesce(url, source)) FROM articles"
                                       ).fetchone()[0]
            twice += store.count("article_revisions")
    return int(twice)

if __name__ == "__main__":
    main()
