"""A run killed with SIGKILL and resumed ends exactly like an uninterrupted one: the short form of
``bench/kill_run.py`` (the ECB+ bank-bombing articles, reviewers' decisions of every kind in the store, three
kills at random points of ingest, extraction and merging, and two aimed at the merge at the end of the run),
comparing every table and every export."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_killed_runs_resume_to_the_same_store_and_exports(shared_data: Path, tmp_path: Path) -> None:
    docs = shared_data / "ecbplus-dev" / "docs.jsonl"
    env = os.environ | {"PYTHONPATH": os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")])}
    r = subprocess.run([sys.executable, str(REPO / "bench" / "kill_run.py"), "--docs", str(docs), "--topics", "8",
                        "--kills", "3", "--merge-kills", "2", "--seed", "5", "--work", str(tmp_path)],
                       env=env, capture_output=True, text=True, timeout=3600)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert "differences from the uninterrupted run: 0" in r.stdout
    survived = re.search(r"(\d+) kills survived", r.stdout)
    assert survived and int(survived.group(1)) >= 5, r.stdout[-3000:]
    in_merge = re.search(r"(\d+) in merge", r.stdout)
    assert in_merge and int(in_merge.group(1)) >= 2, r.stdout[-3000:]


@pytest.mark.slow
def test_a_killed_watch_resumes_to_the_same_store_reading_nothing_twice(shared_data: Path, tmp_path: Path) -> None:
    """The same with 'eventwire watch FEED --once' over the bank-bombing articles' pages, served on 127.0.0.1."""
    docs = shared_data / "ecbplus-dev" / "docs.jsonl"
    env = os.environ | {"PYTHONPATH": os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")])}
    r = subprocess.run([sys.executable, str(REPO / "bench" / "kill_run.py"), "--docs", str(docs), "--topics", "8",
                        "--kills", "3", "--seed", "7", "--watch", "feed", "--work", str(tmp_path)],
                       env=env, capture_output=True, text=True, timeout=3600)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert "differences from the uninterrupted run: 0" in r.stdout and "3 kills survived" in r.stdout
    assert "pages or files stored twice in the killed arms: 0" in r.stdout
