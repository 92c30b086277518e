"""Readers are never locked out while a run writes, and a second run waits for the first (real processes)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from eventwire.errors import StoreError
from eventwire.store import Store, run_lock
from eventwire.store.locking import connect, lock_path

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SRC = Path(__file__).resolve().parents[1] / "src"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")])
    env["EVENTWIRE_N_PROCESS"] = "1"
    return env


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-c", "from eventwire.cli import main; main()", *args]


def test_a_reader_waits_for_a_writer_then_reads(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    Store(db).close()
    # another process holds the file for writing for a moment
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                               "print('held', flush=True); time.sleep(1.5); c.close()", str(db)],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    with pytest.raises(duckdb.Error, match="lock"):
        duckdb.connect(str(db), read_only=True)  # what every reader met before: a lock error
    heard: list[str] = []
    start = time.monotonic()
    con = connect(db, read_only=True, wait=30, on_wait=heard.append)
    waited = time.monotonic() - start
    assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    con.close()
    holder.wait(timeout=30)
    assert waited > 0.2 and heard and "Waiting for the store" in heard[0]


def test_a_reader_gives_up_with_a_coded_error(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    Store(db).close()
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                               "print('held', flush=True); time.sleep(5)", str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(StoreError, match="E304"):
            Store(db, read_only=True, wait=0.3)
    finally:
        holder.kill()
        holder.wait()


def test_the_run_lock_queues_runs_and_is_freed_when_its_holder_dies(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from eventwire.store import run_lock; "
                               "from pathlib import Path\nwith run_lock(Path(sys.argv[1])):\n"
                               "    print('held', flush=True); time.sleep(60)", str(db)],
                              stdout=subprocess.PIPE, text=True, env=_env())
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with run_lock(db, block=False) as free:
            assert not free
        assert f"pid {holder.pid}" in lock_path(db).read_text()
    finally:
        holder.kill()
        holder.wait()
    heard: list[str] = []
    with run_lock(db, on_wait=heard.append) as free:  # a killed holder never blocks the next run
        assert free
    assert heard == []


@pytest.mark.slow
def test_readers_read_while_a_run_writes_and_a_second_run_waits(tmp_path: Path) -> None:
    if not DATA.exists():
        pytest.skip("../shared/data is absent")
    first = tmp_path / "first"
    first.mkdir()
    for p in sorted((DATA / "bbc-news" / "bbc" / "politics").glob("*.txt"))[:40]:
        shutil.copy(p, first / p.name)
    second = tmp_path / "second.jsonl"
    docs = [json.loads(line) for line in (DATA / "ecbplus-dev" / "docs.jsonl").read_text().splitlines()[:8]]
    second.write_text("".join(json.dumps({"id": d["doc_id"], "text": d["text"], "published": "2009-01-05"}) + "\n"
                              for d in docs))
    db = tmp_path / "s.duckdb"
    run_a = subprocess.Popen(_cli("run", str(first), "--db", str(db)), env=_env(), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    while not (lock_path(db).exists() and lock_path(db).read_text().strip()):
        assert run_a.poll() is None, run_a.communicate()
        time.sleep(0.1)
    run_b = subprocess.Popen(_cli("run", str(second), "--db", str(db)), env=_env(), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    seen: list[int] = []
    exported = None
    while run_a.poll() is None:
        if db.exists():
            with Store(db, read_only=True) as s:  # waits for a commit in progress, never fails
                seen.append(s.count("extracted"))
            if exported is None and seen[-1] > 0:
                exported = subprocess.run(_cli("export", "--what", "articles", "--format", "jsonl", "--db", str(db)),
                                          env=_env(), capture_output=True, text=True, timeout=600)
        time.sleep(0.2)
    out_a, err_a = run_a.communicate()
    out_b, err_b = run_b.communicate(timeout=900)
    assert run_a.returncode == 0, err_a
    assert run_b.returncode == 0, err_b
    assert "waits for it to finish" in err_b
    # readers saw the committed state in the middle of the run: some articles extracted, not yet all
    assert any(0 < n < 40 for n in seen), seen
    assert exported is not None and exported.returncode == 0, exported.stderr
    assert 0 < len(exported.stdout.splitlines()) <= 40
    with Store(db, read_only=True) as s:
        assert s.count("articles") == 48
        assert s.count("merged") == 48  # both runs' articles are in the merged layer
