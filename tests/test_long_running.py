"""A process that reads news for weeks (``watch``) keeps no trace of each new word it meets (real spaCy, real
models, a real article), and merges each poll in a process of its own that ends with the poll."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from eventwire import pipeline, watch
from eventwire.errors import StoreError, UsageError
from eventwire.ingest import read_inputs
from eventwire.model import Article
from eventwire.pipeline.resources import annotate, resources
from eventwire.pipeline.workers import extract_chunk, in_own_process, mentions_of
from eventwire.settings import Settings
from eventwire.store import Store

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "000_c271fdd144f74993.txt"
NEW_WORDS = ("Qorvanthix", "Zelmarović", "4,817,203")


def test_words_first_met_in_extraction_are_forgotten_and_the_mentions_are_the_same() -> None:
    settings = Settings()
    [article] = [a for a in read_inputs([str(EXAMPLE)], settings) if isinstance(a, Article)]
    names = (f" Fighters of the {NEW_WORDS[0]} brigade led by {NEW_WORDS[1]} shelled the road; "
             f"{NEW_WORDS[2]} people fled.")
    article = dataclasses.replace(article, text=article.text + names)
    res = resources(settings)
    extract_chunk([article], settings, True)  # the words of the article itself, once
    strings = len(res.nlp.vocab.strings)

    [(_, (mentions, features))] = extract_chunk([article], settings, True)

    assert len(res.nlp.vocab.strings) == strings
    assert not any(w in res.nlp.vocab.strings or w in res.nlp.vocab for w in NEW_WORDS)
    assert mentions, "the demo article's events"
    # the same reading outside a memory zone, where spaCy keeps the words for good
    [(_, doc)] = list(annotate([article], settings))
    assert mentions_of(article, doc, res) == mentions
    assert NEW_WORDS[0] in res.nlp.vocab.strings and NEW_WORDS[0] in res.nlp.vocab


def test_work_in_its_own_process_brings_back_its_result_or_its_coded_error() -> None:
    assert in_own_process(os.getpid) != os.getpid()
    with pytest.raises(UsageError) as raised:  # an error of eventwire's comes back with its code
        in_own_process(watch.parse_every, "soon")
    assert raised.value.code == "E264" and "'soon'" in str(raised.value)
    with pytest.raises(StoreError) as died:  # a process that ends without a word
        in_own_process(os._exit, 3, what="a test's work")
    assert died.value.code == "E306" and "a test's work" in str(died.value) and "exit code 3" in str(died.value)


def _count_until_stopped(limit: int, *, stop: object, progress: object) -> int:
    for i in range(1, limit + 1):
        progress(i, limit, f"step {i}")  # type: ignore[operator]
        if stop():  # type: ignore[operator]
            return i
        time.sleep(0.05)
    return limit


def test_work_in_its_own_process_hears_the_callers_stop_and_tells_its_progress() -> None:
    told: list[int] = []
    asked = time.monotonic() + 2.0
    n = in_own_process(_count_until_stopped, 10_000, stop=lambda: time.monotonic() > asked,
                       progress=lambda done, total, label: told.append(done))
    assert 0 < n < 10_000 and told == list(range(1, n + 1))


def test_work_in_its_own_process_dies_with_its_caller() -> None:
    """A watch killed while its merging process writes leaves no writer behind to race the restarted watch."""
    code = "import time; from eventwire.pipeline.workers import in_own_process; in_own_process(time.sleep, 300)"
    env = os.environ | {"PYTHONPATH": os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")])}
    caller = subprocess.Popen([sys.executable, "-c", code], env=env)
    try:
        deadline = time.monotonic() + 60
        while not (workers := [p for p in psutil.Process(caller.pid).children()
                               if "spawn_main" in " ".join(p.cmdline())]):
            assert caller.poll() is None and time.monotonic() < deadline
            time.sleep(0.2)
        caller.kill()
        caller.wait(timeout=30)
        _, alive = psutil.wait_procs(workers, timeout=30)
        assert not alive
    finally:
        if caller.poll() is None:
            caller.kill()


def _stored(db: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    with Store(db, read_only=True) as store:
        events = sorted((e.id, e.event_type, e.sub_event_type, e.fatalities, tuple(sorted(e.mention_ids)))
                        for e in store.events())
        changes = sorted((c.event_id, c.kind) for c in store.changes())
    return events, changes


def test_a_watch_extracts_and_merges_each_poll_in_another_process_with_the_same_result(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """13 real reports of two air strikes dropped in a watched folder: the poll's extraction and merging run
    elsewhere (they cannot run here: this process's are broken on purpose) and write what they write here. A
    second poll with nothing new starts no process and reports the same totals."""
    drop = tmp_path / "drop"
    drop.mkdir()
    shutil.copy(REPO / "tests" / "fixtures" / "strike_reports.jsonl", drop / "strike_reports.jsonl")
    apart, here = Settings(db=tmp_path / "apart.duckdb"), Settings(db=tmp_path / "here.duckdb",
                                                                   watch_poll_apart=False)
    [summary_here] = watch.watch([str(drop)], here, once=True)

    def broken(*_: object, **__: object) -> None:
        raise AssertionError("done in the watch's own process")

    monkeypatch.setattr(pipeline, "update_merged", broken)
    monkeypatch.setattr(pipeline, "extract_pending", broken)
    polls: list[pipeline.RunSummary] = []
    stopper = watch.Stopper()

    def report(summary: pipeline.RunSummary, _: object) -> None:
        polls.append(summary)
        if len(polls) == 1:
            monkeypatch.setattr(pipeline, "in_own_process", broken)  # nothing new: no process may start
        else:
            stopper.event.set()

    watch.watch([str(drop)], apart, every=0.1, report=report, stopper=stopper)

    first, second = polls
    assert first.articles_new == summary_here.articles_new == 13 and first.extracted == 13
    assert first.events == summary_here.events > 0 and first.changes == summary_here.changes > 0
    assert _stored(apart.db) == _stored(here.db)
    assert (second.articles_new, second.extracted, second.events) == (0, 0, first.events)
