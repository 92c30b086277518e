"""Watching sources, revisions and event history, part by part: the revision rules of the store, the changes an
update of the merged layer records, the poller (folders, conditional GETs, backoff, Retry-After, per-host delay,
retries of a failing page), webhooks (filters, retries, cursor), visits, and a clean stop on SIGINT and SIGTERM.
The end-to-end run over a served feed is ``test_watch_feed.py``."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from eventwire.errors import UsageError
from eventwire.ingest import ItemState, SourceState, poller
from eventwire.model import SCHEMA_VERSION, Article, Decision, Event, FigureSummary, Place
from eventwire.settings import Settings
from eventwire.store import Store, history, revisions, watching
from eventwire.watch import Filters, parse_every, source_key
from eventwire.watch.notify import deliver
from watching import Receiver, Site, page, rss, serve_http

REPO = Path(__file__).resolve().parents[1]
TEXT = ("A fire-bomb attack on a bank in Athens left at least three people dead as police fought pitched battles "
        "with striking protesters furious at spending cuts.")


def _article(aid: str, text: str = TEXT, **kw: object) -> Article:
    base = dict(id=aid, text=text, source=f"in/{aid}.txt", content_hash=aid + "-hash", title="Bank fire in Athens")
    base.update(kw)
    return Article(**base)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- revisions


def test_a_changed_text_at_the_same_url_is_a_revision_superseding_the_earlier(tmp_path: Path) -> None:
    url = "https://news.example/athens-bank"
    with Store(tmp_path / "s.duckdb") as store:
        assert store.add_article(_article("a_1", url=url)) == "new"
        store.con.execute("INSERT INTO merged VALUES ('a_1', 'x')")
        assert store.add_article(_article("a_2", TEXT.replace("three", "five"), url=url)) == "revision"
        assert {a.id: a.version for a in store.articles()} == {"a_1": 1, "a_2": 2}
        assert store.superseded() == {"a_1"}
        assert revisions.previous_of(store.con, ["a_2"]) == {"a_2": "a_1"}
        # the earlier revision goes back to the merged layer, which takes it out of its events
        assert store.con.execute("SELECT count(*) FROM merged WHERE article_id = 'a_1'").fetchone()[0] == 0
        assert store.add_article(_article("a_3", TEXT.replace("three", "seven"), url=url)) == "revision"
        assert revisions.earlier(store.con, ["a_3"]) == {"a_3": [("a_2", "a_3"), ("a_1", "a_2")]}
        # the same text again is no new revision; another article that only shares the URL is no revision at all
        assert store.add_article(_article("a_3", TEXT.replace("three", "seven"), url=url)) == "seen"
        other = _article("a_9", "Parliament passed the budget on Tuesday after a long debate about pensions and "
                                "schools in the northern provinces.", url=url, title="Budget passed")
        assert store.add_article(other) == "new"
        assert store.superseded() == {"a_1", "a_2"}


def test_the_same_input_id_or_file_with_another_text_is_a_revision(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        assert store.add_article(_article("wire-77")) == "new"
        changed = _article("wire-77", TEXT.replace("three", "five"), content_hash="h-5")
        assert store.add_article(changed) == "revision"
        rid = revisions.revision_id("wire-77", "h-5")
        assert rid.startswith("wire-77~") and {a.id for a in store.articles()} == {"wire-77", rid}
        assert store.add_article(changed) == "seen"
        assert store.add_article(_article("wire-77")) == "seen"
        # a whole file read again with a new text; a record inside a file is no file of its own
        assert store.add_article(_article("f_1", source="drop/a.html", raw_format="html")) == "new"
        assert store.add_article(_article("f_2", TEXT + " Three more were hurt.", source="drop/a.html",
                                          raw_format="html", content_hash="f2")) == "revision"
        assert revisions.key_of(_article("r", source="drop/all.jsonl:3")) is None
        assert revisions.key_of(_article("r", source="feed.xml#2", raw_format="feed")) is None


# --------------------------------------------------------------------------- history


def _event(eid: str, mentions: tuple[str, ...], articles: tuple[str, ...], best: int | None = 3, **kw: object
           ) -> Event:
    place = Place("Athens", 37.98, 23.72, admin1="Attica", country="Greece", iso3="GRC", gazetteer_name="Athens")
    figs = (FigureSummary("fatalities", best, best, best, False),) if best is not None else ()
    base = dict(id=eid, event_type="Riots", sub_event_type="Violent demonstration", mention_ids=mentions,
                article_ids=articles, event_date=dt.date(2010, 5, 5), place=place, fatalities=best,
                fatalities_best=best, fatalities_low=best, fatalities_high=best, figures=figs)
    base.update(kw)
    return Event(**base)  # type: ignore[arg-type]


def test_the_changes_of_an_update_are_recorded_with_their_kind_and_cause() -> None:
    at = dt.datetime(2024, 5, 1, 12, 0)
    decision = Decision("d_1", "edit", "Ana", "2024-05-01T11:59:00+00:00", reason="source says Piraeus",
                        field="actor1", value='"Protesters (Greece)"')
    before = {"e_1": _event("e_1", ("m_1",), ("a_1",)), "e_2": _event("e_2", ("m_2",), ("a_2",), best=None)}
    after = {"e_1": _event("e_1", ("m_1", "m_2", "m_3"), ("a_1", "a_2", "a_3"), best=5, disputed=True,
                           dispute_note="AP: 5; Reuters: 3", actor1="Protesters (Greece)", decision_ids=("d_1",))}
    cause = history.Cause(run_id="r_x", at=at, new_articles=frozenset({"a_3"}), decisions={"d_1": decision})
    changes = history.diff(before, after, {"e_2": "e_1"}, cause)
    got = {(c.event_id, c.kind, c.field) for c in changes}
    assert got >= {("e_2", "merged", None), ("e_1", "absorbed", None), ("e_1", "figure", "fatalities"),
                   ("e_1", "dispute-opened", None), ("e_1", "source-added", None), ("e_1", "field", "actor1"),
                   ("e_1", "decision", None)}
    figure = next(c for c in changes if c.kind == "figure")
    assert json.loads(figure.old)["best"] == 3 and json.loads(figure.new)["best"] == 5
    assert "new reports a_2, a_3" in figure.cause and "decision d_1 (edit by Ana" in figure.cause
    assert all(c.at == "2024-05-01T12:00:00Z" and c.run_id == "r_x" for c in changes)


def test_an_event_whose_report_was_revised_continues_under_its_new_id() -> None:
    before = {"e_old": _event("e_old", ("m_1",), ("a_1",), best=3)}
    after = {"e_new": _event("e_new", ("m_9",), ("a_9",), best=5)}
    cause = history.Cause(run_id="r_2", at=dt.datetime(2024, 5, 2), new_articles=frozenset({"a_9"}),
                          revised={"a_9": "a_1"})
    changes = history.diff(before, after, {"e_old": "e_new"}, cause)
    kinds = [(c.event_id, c.kind) for c in changes]
    assert ("e_old", "merged") in kinds and ("e_new", "created") in kinds
    created = next(c for c in changes if c.kind == "created")
    assert created.other_event_id == "e_old" and "revised report a_9 (supersedes a_1)" in created.cause
    revised = next(c for c in changes if c.kind == "source-revised")
    assert revised.article_ids == ("a_1", "a_9")
    assert any(c.kind == "figure" and json.loads(c.new)["best"] == 5 for c in changes)


def test_changes_are_numbered_and_read_back_by_time_run_and_event(tmp_path: Path) -> None:
    cause = history.Cause(run_id="r_1", at=dt.datetime(2024, 5, 1, 8))
    first = history.diff({}, {"e_1": _event("e_1", ("m_1",), ("a_1",))}, {}, cause)
    later = history.diff({}, {"e_2": _event("e_2", ("m_2",), ("a_2",))}, {},
                         dataclasses.replace(cause, run_id="r_2", at=dt.datetime(2024, 5, 2, 8)))
    with Store(tmp_path / "s.duckdb") as store:
        store.save_merged(events=[_event("e_1", ("m_1",), ("a_1",))], changes=first)
        store.save_merged(events=[_event("e_2", ("m_2",), ("a_2",))], changes=later)
        assert [c.seq for c in store.changes()] == [1, 2]
        assert [c.event_id for c in history.read(store.con, since=dt.datetime(2024, 5, 2))] == ["e_2"]
        assert [c.event_id for c in history.read(store.con, run_ids=["r_1"])] == ["e_1"]
        assert [c.seq for c in history.read(store.con, after_seq=1)] == [2]
        assert history.last_seq(store.con) == 2


# --------------------------------------------------------------------------- the poller


def _settings(**kw: object) -> Settings:
    return Settings.from_env(**({"allow_private": True, "watch_host_delay": 0.0} | kw))


def _poll(p, source: str, state: SourceState, seen: dict[str, ItemState]) -> list:
    items = list(p.poll(source, state, seen))
    for item in items:
        if item.key:
            seen[item.key] = item.state
    return items


def test_a_folder_gives_its_new_and_changed_files_once(tmp_path: Path) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "a.txt").write_text(TEXT, encoding="utf-8")
    (drop / "b.txt").write_text(TEXT.replace("Athens", "Thessaloniki"), encoding="utf-8")
    p, state, seen = poller(_settings(), backoff=False), SourceState(), {}
    first = _poll(p, str(drop), state, seen)
    assert sorted(i.key for i in first) == ["a.txt", "b.txt"] and all(len(i.records) == 1 for i in first)
    assert _poll(p, str(drop), state, seen) == []
    os.utime(drop / "a.txt", ns=(time.time_ns(), time.time_ns() + 10_000_000_000))  # touched, same text
    touched = _poll(p, str(drop), state, seen)
    assert [(i.key, i.records) for i in touched] == [("a.txt", [])]
    (drop / "a.txt").write_text(TEXT.replace("three", "five"), encoding="utf-8")
    (drop / "c.txt").write_text(TEXT.replace("Athens", "Patras"), encoding="utf-8")
    changed = _poll(p, str(drop), state, seen)
    assert sorted(i.key for i in changed) == ["a.txt", "c.txt"]
    assert "five" in changed[0].records[0].text
    # the states survive the store's JSON
    assert ItemState.from_dict(json.loads(json.dumps(seen["a.txt"].to_dict()))) == seen["a.txt"]


def test_an_unchanged_feed_costs_one_conditional_request(tmp_path: Path) -> None:
    template = (REPO.parent / "shared" / "data" / "feeds" / "feed2.rss")
    tmpl = template.read_text(encoding="utf-8") if template.exists() else \
        "<?xml version='1.0'?><rss version='2.0'><channel><title>T</title><item></item></channel></rss>"
    site = Site()
    with serve_http(site) as base:
        site.put("/robots.txt", "User-agent: *\nAllow: /\n", "text/plain")
        site.put("/a.html", page("Bank fire in Athens", [TEXT, TEXT], "2010-05-05"))
        site.put("/feed.rss", rss(tmpl, [("Bank fire", base + "/a.html", "g-1")], "Wed, 05 May 2010 18:00:00 +0000"))
        p, state, seen = poller(_settings(watch_recheck_hours=0.0), backoff=False), SourceState(), {}
        assert [i.key for i in _poll(p, base + "/feed.rss", state, seen)] == ["g-1"]
        site.log.clear()
        assert _poll(p, base + "/feed.rss", state, seen) == []
        assert site.log == [("/feed.rss", 304)]
        # within the recheck window the page itself is asked again, conditionally
        p2 = poller(_settings(watch_recheck_hours=24.0), backoff=False)
        site.log.clear()
        assert [i.records for i in _poll(p2, base + "/feed.rss", state, seen)] == [[]]
        assert ("/a.html", 304) in site.log


def test_a_page_watched_itself_is_read_again_only_when_it_changed(tmp_path: Path) -> None:
    site = Site()
    with serve_http(site) as base:
        site.put("/robots.txt", "User-agent: *\n", "text/plain")
        site.put("/live.html", page("Bank fire in Athens", [TEXT, TEXT], "2010-05-05"))
        p, state, seen = poller(_settings(), backoff=False), SourceState(), {}
        [first] = _poll(p, base + "/live.html", state, seen)
        assert first.key == base + "/live.html" and len(first.records) == 1
        site.log.clear()
        assert _poll(p, base + "/live.html", state, seen) == [] and site.log == [("/live.html", 304)]
        site.put("/live.html", page("Bank fire in Athens", [TEXT.replace("three", "five"), TEXT], "2010-05-05"))
        [again] = _poll(p, base + "/live.html", state, seen)
        assert "five" in again.records[0].text


def test_a_failing_source_backs_off_and_honours_retry_after(tmp_path: Path) -> None:
    site = Site()
    now = [1000.0]
    with serve_http(site) as base:
        site.put("/robots.txt", "User-agent: *\n", "text/plain")
        site.put("/feed.rss", "<rss version='2.0'><channel><title>T</title></channel></rss>")
        site.fail["/feed.rss"] = 503  # with Retry-After: 120
        p = poller(_settings(watch_backoff=10.0), backoff=True)
        p.clock = lambda: now[0]
        state = SourceState()
        [failed] = list(p.poll(base + "/feed.rss", state, {}))
        assert failed.key == "" and failed.records[0].code == "E163"
        assert state.failures == 1 and state.next_try == pytest.approx(1120.0)
        site.log.clear()
        now[0] = 1100.0
        assert list(p.poll(base + "/feed.rss", state, {})) == [] and site.log == []  # still waiting
        site.fail["/feed.rss"] = 500  # no Retry-After: the delay doubles
        now[0] = 1121.0
        list(p.poll(base + "/feed.rss", state, {}))
        assert state.failures == 2 and state.next_try == pytest.approx(1121.0 + 20.0)
        del site.fail["/feed.rss"]
        now[0] = 1200.0
        list(p.poll(base + "/feed.rss", state, {}))
        assert state.failures == 0 and state.error == "" and state.next_try == 0.0


def test_requests_to_one_host_are_spaced_and_a_failing_page_is_retried(tmp_path: Path) -> None:
    site = Site()
    waits: list[float] = []
    with serve_http(site) as base:
        site.put("/robots.txt", "User-agent: *\nCrawl-delay: 0.5\n", "text/plain")
        site.put("/list.txt", f"{base}/a.html\n{base}/b.html\n", "text/plain")
        site.put("/a.html", page("Bank fire in Athens", [TEXT], "2010-05-05"))
        site.fail["/b.html"] = 502
        p = poller(_settings(watch_host_delay=0.2), backoff=False)
        p.sleep = waits.append
        state, seen = SourceState(), {}
        items = _poll(p, base + "/list.txt", state, seen)
        assert waits and max(waits) <= 0.5 and min(waits) > 0  # the robots.txt Crawl-delay wins over 0.2 s
        b = next(i for i in items if i.key.endswith("/b.html"))
        assert b.records[0].code == "E163" and not b.state.done
        for _ in range(2):
            _poll(p, base + "/list.txt", state, seen)
        assert seen[base + "/b.html"].done and seen[base + "/b.html"].failures == 3  # left until it changes
        assert site.statuses("/b.html") == [502, 502, 502]


def test_robots_txt_that_cannot_be_read_forbids_for_now_and_a_missing_one_allows(tmp_path: Path) -> None:
    site = Site()
    with serve_http(site) as base:
        site.put("/a.html", page("Bank fire in Athens", [TEXT], "2010-05-05"))
        p = poller(_settings(), backoff=False)
        assert p.allowed(base + "/a.html")  # no robots.txt (404): everything allowed
        site.fail["/robots.txt"] = 500
        p2 = poller(_settings(), backoff=False)
        assert not p2.allowed(base + "/a.html")


def test_durations_and_source_names() -> None:
    assert parse_every("15m") == 900 and parse_every("90") == 90 and parse_every("1.5h") == 5400
    with pytest.raises(UsageError, match="E264"):
        parse_every("soon")
    assert source_key("https://x.example/feed") == "https://x.example/feed"
    assert Path(source_key("drop")).is_absolute()


# --------------------------------------------------------------------------- webhooks and visits


def test_a_webhook_gets_the_matching_events_once_after_retries(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    greek = _event("e_1", ("m_1",), ("a_1",), best=5)
    peru = _event("e_2", ("m_2",), ("a_2",), best=9, place=Place("Lima", country="Peru", iso3="PER"))
    changes = history.diff({}, {"e_1": greek, "e_2": peru}, {}, history.Cause(run_id="r_1", at=dt.datetime(2024, 5, 1)))
    settings = _settings(notify_retries=3)
    hook = Receiver(statuses=[500, 502])
    with Store(db) as store, serve_http(hook) as url:
        store.save_merged(events=[greek, peru], changes=changes)
        done = deliver(store, url, Filters(country="Greece", min_fatalities=3), settings, start=0, sleep=lambda s: None)
        assert done.ok and done.tries == 3 and done.events == 1
        assert [e["event_id"] for e in hook.bodies[0]["events"]] == ["e_1"]
        assert hook.bodies[0]["events"][0]["changes"][0]["kind"] == "created"
        assert deliver(store, url, Filters(country="Greece"), settings, start=0).changes == 0  # told once
        assert watching.cursor(store.con, url) == 2
        strict = deliver(store, url + "/x", Filters(min_fatalities=100), settings, start=0)
        assert strict.events == 0 and watching.cursor(store.con, url + "/x") == 2  # nothing matched: moved on
    with Store(db) as store:
        more = history.diff({"e_1": greek}, {"e_1": dataclasses.replace(greek, disputed=True)}, {},
                            history.Cause(run_id="r_2", at=dt.datetime(2024, 5, 2)))
        store.save_merged(events=[dataclasses.replace(greek, disputed=True)], changes=more)
        gone = deliver(store, "http://127.0.0.1:9/hook", Filters(), settings, start=2, sleep=lambda s: None)
        assert not gone.ok and gone.tries == 3 and watching.cursor(store.con, "http://127.0.0.1:9/hook") is None


def test_a_visit_is_compared_with_the_one_before(tmp_path: Path) -> None:
    t = dt.datetime(2024, 5, 1, 9)
    with Store(tmp_path / "s.duckdb") as store:
        assert watching.visit(store.con, "user:ana", t) is None
        assert watching.visit(store.con, "user:ana", t + dt.timedelta(minutes=10)) is None  # the same visit
        assert watching.visit(store.con, "user:ana", t + dt.timedelta(hours=5)) == t + dt.timedelta(minutes=10)
        assert watching.visit(store.con, "user:ana", t + dt.timedelta(hours=5, minutes=5)) == \
            t + dt.timedelta(minutes=10)
        assert watching.visit(store.con, "user:bo", t) is None


# --------------------------------------------------------------------------- stopping


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_watch_stops_cleanly_on_a_signal(tmp_path: Path, sig: signal.Signals) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    env = os.environ | {"PYTHONPATH": os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen([sys.executable, "-c", "from eventwire.cli import main; main()", "watch", str(drop),
                             "--every", "1h", "--db", str(tmp_path / "w.duckdb")], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()  # the first poll's line: the watch now sleeps until the next
        assert "run r_" in line, proc.stderr.read()[-2000:]
        proc.send_signal(sig)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    with Store(tmp_path / "w.duckdb", read_only=True) as store:
        assert [r["status"] for r in history.runs(store.con)] == ["done"]
        assert watching.sources(store.con)[0]["source"] == str(drop.resolve())


def test_the_app_keeps_visits_per_user_and_marks_changes_since(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from eventwire.serve import auth, create_app

    db = tmp_path / "s.duckdb"
    first = history.diff({}, {"e_1": _event("e_1", ("m_1",), ("a_1",))}, {},
                         history.Cause(run_id="r_1", at=dt.datetime(2024, 5, 1, 8)))
    later = history.diff({"e_1": _event("e_1", ("m_1",), ("a_1",))},
                         {"e_1": _event("e_1", ("m_1", "m_2"), ("a_1", "a_2"), best=7),
                          "e_2": _event("e_2", ("m_3",), ("a_3",))}, {},
                         history.Cause(run_id="r_2", at=dt.datetime(2024, 5, 3, 8), new_articles=frozenset({"a_2"})))
    with Store(db) as store:
        store.save_merged(events=[_event("e_1", ("m_1",), ("a_1",))], changes=first)
        store.save_merged(events=[_event("e_1", ("m_1", "m_2"), ("a_1", "a_2"), best=7),
                                  _event("e_2", ("m_3",), ("a_3",))], changes=later)
    settings = Settings.from_env(db=db, map_tiles="")
    with TestClient(create_app(settings), base_url="http://127.0.0.1:8765") as c:
        assert c.post("/api/visit", json={}).json() == {"since": None, "kept_by": "browser"}
        rows = c.get("/api/events", params={"changed_since": "2024-05-02T00:00:00Z"}).json()["events"]
        assert {r["event_id_cnty"]: r["change"] for r in rows} == {"e_1": "changed", "e_2": "new"}
        assert c.get("/api/changes", params={"changed_since": "2024-05-02T00:00:00Z"}).json()["new"] == 1
        assert c.get("/api/events/e_1").json()["history"][-1]["run_id"] == "r_2"
    with Store(db) as store:
        token = auth.add_user(store, "Ana", "reviewer")
    with TestClient(create_app(settings), base_url="https://127.0.0.1:8765") as c:
        assert c.post("/api/login", json={"name": "Ana", "password": token}).status_code == 200
        assert c.post("/api/visit", json={}).json() == {"since": None, "kept_by": "user"}
    with Store(db) as store:  # Ana's visit ended an hour ago
        store.con.execute("UPDATE visits SET latest = latest - INTERVAL 1 HOUR")
    with TestClient(create_app(settings), base_url="https://127.0.0.1:8765") as c:
        c.post("/api/login", json={"name": "Ana", "password": token})
        assert c.post("/api/visit", json={}).json()["since"].endswith("Z")


@pytest.mark.slow
def test_a_watch_asked_to_stop_while_extracting_ends_its_batch_merges_and_exits(shared_data: Path,
                                                                                 tmp_path: Path) -> None:
    """SIGTERM in the middle of a poll's extraction: the chunk in progress is finished, what was extracted is
    merged, the watch exits 0; the next poll extracts the rest, reading no file twice."""
    drop = tmp_path / "drop"
    drop.mkdir()
    for p in sorted((shared_data / "bbc-news" / "bbc" / "politics").glob("*.txt"))[:48]:
        (drop / p.name).write_bytes(p.read_bytes())
    db = tmp_path / "w.duckdb"
    env = os.environ | {"PYTHONPATH": os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")]),
                        "EVENTWIRE_N_PROCESS": "1"}
    cmd = [sys.executable, "-c", "from eventwire.cli import main; main()", "watch", str(drop), "--db", str(db)]
    proc = subprocess.Popen([*cmd, "--every", "1h"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        deadline = time.monotonic() + 600
        while True:  # until the first chunk of articles is extracted
            assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()[-2000:]
            if db.exists():
                with contextlib.suppress(Exception), Store(db, read_only=True, wait=2) as store:
                    if store.count("extracted") >= 1:
                        break
            time.sleep(1)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=600) == 0, proc.stderr.read()[-2000:]
    finally:
        if proc.poll() is None:
            proc.kill()
    with Store(db, read_only=True) as store:
        extracted, merged = store.count("extracted"), store.count("merged")
        assert store.count("articles") == 48 and 0 < extracted < 48 and merged == extracted
        assert [r["status"] for r in history.runs(store.con)] == ["done"]
    r = subprocess.run([*cmd, "--once"], env=env, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0 and "0 new article(s)" in r.stdout and f"{48 - extracted} extracted" in r.stdout, r.stdout


def test_a_version_4_store_gets_the_history_and_watch_tables(tmp_path: Path) -> None:
    import duckdb

    db = tmp_path / "old.duckdb"
    Store(db).close()
    con = duckdb.connect(str(db))
    for table in ("event_changes", "runs", "article_revisions", "watch_sources", "watch_items", "notify_cursors",
                  "visits"):
        con.execute(f"DROP TABLE {table}")
    con.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    con.close()
    with Store(db) as store:
        assert store.schema_version() == SCHEMA_VERSION  # migrated through every later step
        assert store.changes() == [] and store.superseded() == set() and history.runs(store.con) == []
        assert watching.load(store.con, "drop") == ({}, {})
