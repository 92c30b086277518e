"""Watching a real feed as news happens, end to end: a real RSS file (trafilatura's test feed) whose items link to
real article pages (ECB+ topic 8, the Athens bank fire-bomb of 5 May 2010, rendered to HTML), served by a web
server on 127.0.0.1; ``eventwire watch --once`` runs twice, with an article added and one article's toll revised in
between, then a third time with nothing new.

Checked: only new and changed articles are read and extracted (the unchanged ones answer 304 to a conditional
GET), the revision supersedes the earlier figure (both claims kept, with times), the event's history, ``eventwire
changes``, the review app's Atom feed (read by feedparser; filtered; behind accounts), a webhook received by a
local receiver, and robots.txt obeyed.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import feedparser
import httpx
import pytest

from eventwire.settings import Settings
from eventwire.store import Store, history, revisions
from watching import Receiver, Site, page, rss, serve_http

REPO = Path(__file__).resolve().parents[1]
ARTICLES = ("8_4ecbplus.xml", "8_5ecbplus.xml", "8_9ecbplus.xml")
ADDED = "8_8ecbplus.xml"
REVISED = "8_4ecbplus.xml"
BEFORE, AFTER = "left at least three people dead", "left at least five people dead"
PUB = "Wed, 05 May 2010 18:00:00 +0000"


def _docs(shared: Path) -> dict[str, dict]:
    lines = (shared / "ecbplus-dev" / "docs.jsonl").read_text(encoding="utf-8").splitlines()
    return {d["doc_id"]: d for d in map(json.loads, lines) if d["doc_id"] in (*ARTICLES, ADDED)}


def _put(site: Site, doc_id: str, text: str) -> str:
    """An ECB+ article (first line its title) as a page; returns its path."""
    title, *paragraphs = [ln.strip() for ln in text.splitlines() if ln.strip()]
    path = f"/world/{doc_id.replace('.xml', '')}.html"
    site.put(path, page(title, paragraphs, "2010-05-05T18:00:00Z"))
    return path


def _watch(db: Path, feed_url: str, hook: str, *extra: str) -> str:
    env = os.environ | {"EVENTWIRE_ALLOW_PRIVATE": "1", "EVENTWIRE_WATCH_HOST_DELAY": "0", "EVENTWIRE_N_PROCESS": "1",
                        "PYTHONPATH": os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")])}
    r = subprocess.run([sys.executable, "-c", "from eventwire.cli import main; main()", "watch", feed_url, "--once",
                        "--db", str(db), "--notify", hook, "--country", "Greece", *extra],
                       env=env, capture_output=True, text=True, timeout=900)
    assert r.returncode in (0, 1), r.stderr[-3000:]
    return r.stdout


def _cli(db: Path, *args: str) -> str:
    env = os.environ | {"PYTHONPATH": os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")])}
    r = subprocess.run([sys.executable, "-c", "from eventwire.cli import main; main()", *args, "--db", str(db)],
                       env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    return r.stdout


def test_watching_a_feed_reads_only_what_is_new_or_changed_and_announces_it(shared_data: Path, tmp_path: Path,
                                                                            serving) -> None:
    docs = _docs(shared_data)
    template = (shared_data / "feeds" / "feed2.rss").read_text(encoding="utf-8")
    site, hook = Site(), Receiver(statuses=[503])  # the webhook fails once: the delivery is retried
    db = tmp_path / "watch.duckdb"
    with serve_http(site) as base, serve_http(hook) as hook_url:
        site.put("/robots.txt", "User-agent: *\nDisallow: /private/\n", "text/plain")
        site.put("/private/note.html", page("Not for robots", ["A page robots may not read."], "2010-05-05"))
        paths = {d: _put(site, d, docs[d]["text"]) for d in ARTICLES}
        items = [(docs[d]["text"].splitlines()[0], base + p, d) for d, p in paths.items()]
        items.append(("Not for robots", base + "/private/note.html", "private"))
        site.put("/feed.rss", rss(template, items, PUB), "application/rss+xml")
        feed_url = base + "/feed.rss"

        # ---- first poll: every article is new
        out1 = _watch(db, feed_url, hook_url)
        assert "3 new article(s)" in out1 and "3 extracted" in out1, out1
        with Store(db, read_only=True) as store:
            quarantined = {f.source: f.code for f in store.quarantine()}
            first_ids = {a.id for a in store.articles()}
            run1 = history.runs(store.con)[0]["id"]
        assert quarantined.get(base + "/private/note.html") == "E172"  # robots.txt obeyed
        assert "/private/note.html" not in [p for p, _ in site.log]
        assert len(first_ids) == 3

        # ---- second poll: one article added, one article's toll revised in place (its feed entry unchanged)
        site.log.clear()
        text = docs[REVISED]["text"]
        assert BEFORE in text
        _put(site, REVISED, text.replace(BEFORE, AFTER))
        paths[ADDED] = _put(site, ADDED, docs[ADDED]["text"])
        items.insert(0, (docs[ADDED]["text"].splitlines()[0], base + paths[ADDED], ADDED))
        site.put("/feed.rss", rss(template, items, PUB), "application/rss+xml")
        out2 = _watch(db, feed_url, hook_url)
        assert "2 new article(s) (1 revisions), 2 extracted" in out2, out2
        # only the new and the changed page were read; the unchanged ones answered a conditional GET with 304
        for d in ARTICLES:
            want = [200] if d == REVISED else [304]
            assert site.statuses(paths[d]) == want, (d, site.log)
        assert site.statuses(paths[ADDED]) == [200]

        # ---- third poll: nothing new anywhere (the feed itself answers 304)
        site.log.clear()
        out3 = _watch(db, feed_url, hook_url)
        assert "0 new article(s), 0 extracted, 0 change(s)" in out3, out3
        assert site.statuses("/feed.rss") == [304]
        assert all(s == 304 for p, s in site.log if p.startswith("/world/"))

        # ---- the revision: a new article superseding the earlier, both kept with their times
        with Store(db, read_only=True) as store:
            new = {a.id: a for a in store.articles()}
            revised_id = next(a for a in new if a not in first_ids and BEFORE not in new[a].text
                               and AFTER in new[a].text)
            earlier_id = revisions.previous_of(store.con, [revised_id])[revised_id]
            assert earlier_id in first_ids and BEFORE in new[earlier_id].text
            assert new[revised_id].version == 2 and new[revised_id].url == new[earlier_id].url
            assert store.superseded() == {earlier_id}
            times = revisions.stored_at(store.con, [earlier_id, revised_id])
            assert times[earlier_id] < times[revised_id]
            # the earlier revision is in no event; its claims are listed, superseded by the revision's
            events = store.events()
            assert not [e for e in events if earlier_id in e.article_ids]
            holding = [e for e in events if revised_id in e.article_ids]
            assert holding
            claims = [c for e in holding for c in e.claims]
            now = [c for c in claims if c.article_id == revised_id and c.field == "fatalities"
                   and c.superseded_by is None]
            old = [c for c in claims if c.article_id == earlier_id and c.field == "fatalities"]
            assert now and max(c.value_low or 0 for c in now) == 5, claims
            assert old and all(c.superseded_by and "earlier-revision" in c.flags for c in old)
            assert {c.superseded_by for c in old} <= {c.claim_id for c in now} | {revised_id}
            # the event's history: the revision, the figure it raised, the run that did it
            event = max(holding, key=lambda e: len(e.article_ids))
            changes = history.event_history(store.con, event.id)
            run2 = history.runs(store.con)[1]["id"]
        kinds = {(c.kind, c.field) for c in changes if c.run_id == run2}
        assert ("source-revised", None) in kinds, changes
        figure = [c for c in changes if c.run_id == run2 and c.kind == "figure" and c.field and "fatalities" in c.field]
        assert figure and json.loads(figure[0].new)["high"] >= 5 > json.loads(figure[0].old)["high"], changes
        assert all("revised report" in c.cause for c in figure)

        # ---- eventwire changes, since the second run, and show
        listed = _cli(db, "changes", "--since", run2)
        assert f"source revised: {earlier_id} -> {revised_id}" in listed
        assert run1 not in listed
        shown = _cli(db, "show", event.id)
        assert "history" in shown and "source revised" in shown
        exported = [json.loads(ln) for ln in _cli(db, "export", "--what", "changes", "--format", "jsonl").splitlines()]
        assert [r["seq"] for r in exported] == list(range(1, len(exported) + 1))
        assert any(r["kind"] == "source-revised" and r["run_id"] == run2 for r in exported)

        # ---- the webhook: told of the events of each poll (Greece only), once each, after a retry
        assert len(hook.bodies) == 2, hook.bodies
        told = [e for e in hook.bodies[1]["events"] if e["event_id"] == event.id]
        assert told and told[0]["event"]["country"] == "Greece"
        assert {c["kind"] for c in told[0]["changes"]} >= {"source-revised"}
        assert hook.bodies[0]["changes_through"] < hook.bodies[1]["changes_through"]

        # ---- the Atom feed of the review app, read by feedparser, filtered like the event list
        with serving(Settings.from_env(db=db)) as app:
            parsed = feedparser.parse(httpx.get(app + "/feed.atom").content)
            assert not parsed.bozo, parsed.bozo_exception
            assert parsed.feed.title.startswith("Changes to events")
            entry = next(e for e in parsed.entries if f"/event/{event.id}" in e.link and run2 in e.id)
            assert "source revised" in entry.content[0].value and "revised report" in entry.content[0].value
            assert {t.term for t in entry.tags} >= {"source-revised"}
            assert feedparser.parse(httpx.get(app + "/feed.atom?country=Greece").content).entries
            assert not feedparser.parse(httpx.get(app + "/feed.atom?country=Peru").content).entries
            # the event page carries its history
            got = httpx.get(app + f"/api/events/{event.id}").json()
            assert any(c["kind"] == "source-revised" for c in got["history"])

        # ---- with accounts on, a feed reader logs in with HTTP Basic
        from eventwire.serve import auth

        with Store(db) as store:
            token = auth.add_user(store, "Feed Reader", "reader")
        with serving(Settings.from_env(db=db)) as app:
            assert httpx.get(app + "/feed.atom").status_code == 401
            key = base64.b64encode(f"Feed Reader:{token}".encode()).decode()
            ok = httpx.get(app + "/feed.atom", headers={"Authorization": f"Basic {key}"})
            assert ok.status_code == 200 and feedparser.parse(ok.content).entries
            bad = base64.b64encode(b"Feed Reader:wrong password").decode()
            assert httpx.get(app + "/feed.atom", headers={"Authorization": f"Basic {bad}"}).status_code == 401


@pytest.fixture(autouse=True)
def _quiet_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EVENTWIRE_DB", raising=False)
