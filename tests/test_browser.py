"""The review app and the report in a real browser (Debian's Chromium driven by Playwright).

The app is the real uvicorn server over a real store; the report is the real file opened from disk.
A reviewer loads the app, filters, opens the disputed shelling of Stepanakert, edits a field; the
pipeline then runs again after an article joining that event is added, and again after the
extractor's version changes; the edit is still there. The same views work in the report, and
articles carrying script payloads run nothing in either. Nothing is fetched from another machine:
every request that is not to this machine is refused and recorded, and the tests check there were none.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from eventwire import pipeline, report
from eventwire.model import Event
from eventwire.settings import Settings
from eventwire.store import Store

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "review"
EDITED_ACTOR = "Military Forces of Azerbaijan (2003-)"
def _settings(db: Path) -> Settings:
    # no map tiles: the tests reach no other machine
    return Settings.from_env(db=db, map_tiles="")


@pytest.fixture
def review_store(demo_run, tmp_path: Path) -> Path:
    """The demo store plus an article that disputes the shelling's death toll."""
    db, _, _ = demo_run
    copy = tmp_path / "review.duckdb"
    shutil.copy(db, copy)
    pipeline.run([str(FIXTURES / "dispute.jsonl")], _settings(copy))
    return copy


def _event_holding(db: Path, mention_ids: tuple[str, ...]) -> Event:
    # opened for writing, as the app holds it (one process opens a DuckDB file with one configuration)
    with Store(db) as store:
        return next(e for e in store.events() if set(mention_ids) <= set(e.mention_ids))


def _field(page, label: str) -> str:
    return page.locator(f"#fields td[data-field='{label}']").inner_text()


def _redrawn(page, action) -> None:
    """Do ``action`` and wait until the list has been drawn again."""
    import time

    before = page.evaluate("document.body.dataset.page")
    action()
    deadline = time.monotonic() + 60
    # polled from here: the page's CSP forbids the string evaluation wait_for_function uses
    while page.evaluate("document.body.dataset.page") in (before, None):
        assert time.monotonic() < deadline, "the list was not drawn again"
        page.wait_for_timeout(50)


def _choose(page, selector: str, value: str) -> None:
    _redrawn(page, lambda: page.select_option(selector, value))


def _clean(w) -> None:
    assert w.dialogs == [] and w.errors == [] and w.outside == [], (w.dialogs, w.errors, w.outside)


def test_review_in_the_browser_and_the_edit_survives_reruns(review_store: Path, watched, serving, screenshots,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    page = watched.page
    settings = _settings(review_store)
    with serving(settings) as base:
        # the list: every event, a map and a timeline
        watched.ready(base + "/")
        total = page.locator("#events tbody tr").count()
        assert total >= 7 and page.locator("#count").inner_text() == f"1–{total} of {total} events"
        assert page.locator("#map .cluster").count() > 0 and page.locator("svg.timeline .dot").count()
        # the shipped basemap: every country's shape, the events' countries shaded; no tiles fetched
        assert page.locator("#map path.leaflet-interactive").count() > 200
        assert "countries: darker = more events" in page.locator("#legend").inner_text()
        page.screenshot(path=screenshots / "app-list.png", full_page=True)
        page.locator("#map").screenshot(path=screenshots / "app-map-basemap.png")

        # filter by country, then to the disputed events only
        _choose(page, "select[name=country]", "Armenia")
        armenia = page.locator("#events tbody tr").count()
        assert 0 < armenia < total
        assert all("Armenia" in t for t in page.locator("#events tbody tr td:nth-child(4)").all_inner_texts())
        _choose(page, "select[name=country]", "")
        _redrawn(page, lambda: page.check("input[name=disputed]"))
        rows = page.locator("#events tbody tr")
        assert 0 < rows.count() < total and rows.locator(".badge.disputed").count() == rows.count()
        page.screenshot(path=screenshots / "app-list-disputed.png", full_page=True)

        # open the shelling: three sources side by side, the dispute spelled out
        shelling = rows.filter(has_text="Shelling/artillery/missile attack").filter(has_text="Stepanakert")
        shelling.locator("td a").first.click()
        page.wait_for_selector("#event-title")
        assert page.locator("#disputed").is_visible()
        note = page.locator("#dispute-note").inner_text()
        assert page.locator("#episode-figures tr.disputed").count() >= 1  # the episode's disputed toll
        # the note names the disagreeing sources with their figures and how firmly each is given
        assert "fatalities" in note and "OC Media" in note and "200" in note and "unverified" in note
        assert page.locator("#sources article.source").count() == 3
        # each claim's words are highlighted in its article's text
        claim_rows = page.locator("#claims tbody tr")
        assert claim_rows.count() >= 3
        for i in range(claim_rows.count()):
            cid = claim_rows.nth(i).get_attribute("data-claim")
            words = claim_rows.nth(i).locator("td").nth(1).inner_text()
            marked = "".join(page.locator(f"mark[data-claim='{cid}']").all_inner_texts())
            assert words in marked, (words, marked)
        assert page.locator("mark.evidence").count() >= 3
        event_id = _field(page, "id")
        page.screenshot(path=screenshots / "app-event-disputed.png", full_page=True)

        # edit a field, as a named reviewer with a reason
        page.fill("#reviewer", "Ana Analyst")
        page.fill("#reason", "the ombudsman names the army")
        page.select_option("#edit-field", "actor1")
        page.fill("#edit-value", EDITED_ACTOR)
        page.click("#edit")
        page.wait_for_selector("#notice")
        log = page.locator("table.decisions tbody tr")
        assert log.count() == 1 and f"actor1 → \"{EDITED_ACTOR}\"" in log.inner_text()
        assert "Ana Analyst" in log.inner_text() and "the ombudsman names the army" in log.inner_text()
        page.screenshot(path=screenshots / "app-event-edited.png", full_page=True)
        with Store(review_store) as store:
            [decision] = store.decisions()
            edited = store.event(event_id) or _event_holding(review_store, decision.mention_ids)
        assert decision.action == "edit" and decision.field == "actor1"
        assert json.loads(decision.value) == EDITED_ACTOR and set(decision.mention_ids) == set(edited.mention_ids)

        # the story page: which article is the original, which a rewrite of what, and why
        watched.ready(f"{base}/#/story/{edited.story_id}")
        rewrite = page.locator("tr.story-article[data-relation='rewrite']")
        assert rewrite.count() == 1 and "wire:AP" in rewrite.inner_text() and "(Insert Link)" in rewrite.inner_text()
        assert page.locator("tr.story-article[data-relation='original']").count() >= 1
        page.screenshot(path=screenshots / "app-story.png", full_page=True)

        def check_after_rerun(step: str, sources: int) -> None:
            event = _event_holding(review_store, decision.mention_ids)
            watched.ready(f"{base}/#/event/{event.id}")
            assert page.locator("#sources article.source").count() == sources
            assert f"actor1 → \"{EDITED_ACTOR}\"" in page.locator("table.decisions").inner_text()
            page.screenshot(path=screenshots / f"app-event-{step}.png", full_page=True)
            assert _field(page, "actor 1") == EDITED_ACTOR  # the edit is applied again after the re-run

        # a new article joins the edited event
        summary = pipeline.run([str(FIXTURES / "joining.jsonl")], settings)
        assert summary.articles_new == 1
        check_after_rerun("after-new-article", 4)
        # a new extractor version re-extracts every article
        monkeypatch.setattr(pipeline, "EXTRACTOR_VERSION", pipeline.EXTRACTOR_VERSION + "+next")
        summary = pipeline.run([str(FIXTURES / "joining.jsonl")], settings)
        assert summary.extracted >= 4
        check_after_rerun("after-new-extractor", 4)
        with Store(review_store) as store:
            assert store.decisions() == [decision]
    _clean(watched)


def test_the_report_shows_the_same_views_offline(review_store: Path, watched, screenshots, tmp_path: Path) -> None:
    from eventwire.serve.decisions import make_decision

    with Store(review_store) as store:
        shelling = next(e for e in store.events() if e.sub_event_type == "Shelling/artillery/missile attack"
                        and e.place and e.place.name == "Stepanakert")
        store.add_decision(make_decision(store, action="confirm", reviewer="Ana Analyst", reason="three outlets",
                                         event_id=shelling.id))
    out = tmp_path / "report.html"
    n = report.report(_settings(review_store), out)
    page = watched.page
    watched.ready(out.as_uri())
    assert page.locator("#events tbody tr").count() == n and page.locator("#summary").is_visible()
    assert page.locator("#map .cluster").count() > 0 and page.locator("#map path.leaflet-interactive").count() > 200
    # low-high bands where an event's sources give a range; events of a disputed episode in red
    assert page.locator("svg.timeline rect.band").count() >= 1
    assert page.locator("svg.timeline circle.dot.disputed").count() >= 1
    assert page.locator("#review").count() == 0  # a report records no decisions
    page.screenshot(path=screenshots / "report-list.png", full_page=True)
    _choose(page, "select[name=country]", "Armenia")
    assert 0 < page.locator("#events tbody tr").count() < n
    _choose(page, "select[name=country]", "")
    _redrawn(page, lambda: page.check("input[name=disputed]"))
    page.locator("#events tbody tr").filter(has_text="Stepanakert").filter(has_text="Shelling").locator("a").click()
    page.wait_for_selector("#event-title")
    assert page.locator("#disputed").is_visible() and page.locator("#reviewed").is_visible()
    assert "OC Media" in page.locator("#dispute-note").inner_text()
    assert page.locator("#sources article.source").count() == 3 and page.locator("mark.claim").count() >= 3
    assert "three outlets" in page.locator("table.decisions").inner_text()
    page.screenshot(path=screenshots / "report-event.png", full_page=True)
    page.click("text=Disputes")
    page.wait_for_selector("section.dispute")
    shelling = page.locator("section.dispute").filter(has_text="Shelling").filter(has_text="Stepanakert")
    assert shelling.count() == 1
    # the rival figures, each with its outlet, speaker and hedge
    claims = shelling.locator("tr.dispute-claim")
    assert claims.count() >= 2 and "OC Media" in claims.all_inner_texts()[0] + " ".join(claims.all_inner_texts())
    assert any("unverified" in t for t in claims.all_inner_texts())
    page.screenshot(path=screenshots / "report-disputes.png", full_page=True)
    _clean(watched)


PAYLOAD_TEXTS = ["<script>window.__pwned='text'</script>", "<img src=x onerror=", "</textarea><script>"]


def _assert_nothing_ran(w) -> None:
    assert w.page.evaluate("() => window.__pwned === undefined")
    assert w.page.locator("img[src=x], main script").count() == 0
    # javascript: URLs are shown as text, never made links
    assert w.page.locator("a[href^='javascript']").count() == 0
    _clean(w)


def test_article_payloads_run_nothing_in_the_app_or_the_report(tmp_path: Path, watched, serving,
                                                                screenshots) -> None:
    db = tmp_path / "payloads.duckdb"
    settings = _settings(db)
    pipeline.run([str(FIXTURES / "payloads.jsonl")], settings)
    with Store(db, read_only=True) as store:
        [event] = [e for e in store.events() if "fixture-payloads" in e.article_ids][:1]
    page = watched.page
    with serving(settings) as base:
        for view in ("/", f"/#/event/{event.id}", f"/#/story/{event.story_id}", "/#/disputes", "/#/decisions"):
            watched.ready(base + view)
            _assert_nothing_ran(watched)
        watched.ready(f"{base}/#/event/{event.id}")
        text = page.locator("#sources").inner_text()
        assert all(p in text for p in PAYLOAD_TEXTS) and "javascript:window.__pwned='url'" in text
        page.screenshot(path=screenshots / "app-payloads.png", full_page=True)
    out = tmp_path / "report.html"
    report.report(settings, out)
    html = out.read_text(encoding="utf-8")
    assert "<script>window.__pwned" not in html and "onerror=\"window" not in html
    for view in ("", f"#/story/{event.story_id}", "#/disputes", f"#/event/{event.id}"):
        watched.ready(out.as_uri() + view)
        _assert_nothing_ran(watched)
    assert all(p in page.locator("#sources").inner_text() for p in PAYLOAD_TEXTS)
    page.screenshot(path=screenshots / "report-payloads.png", full_page=True)


def _count(page) -> str:
    return page.locator("#count").inner_text()


def test_the_list_search_and_map_at_scale(scale_store: Path, watched, serving, screenshots) -> None:
    """3,000 events (conftest's scale_store): a page at a time, filters, search, and a map of clusters."""
    page = watched.page
    with serving(_settings(scale_store)) as base:
        watched.ready(base + "/")
        assert _count(page) == "1–50 of 3,000 events" and page.locator("#events tbody tr").count() == 50
        assert page.locator("#summary").inner_text().startswith("3,000")
        first = page.locator("#events tbody tr").first.get_attribute("data-id")
        # the map draws clusters, not 3,000 points: each a count, together every located event
        clusters = page.locator("#map .cluster")
        assert 3 <= clusters.count() < 200
        counts = [int(t) for t in page.locator("#map .cluster span").all_inner_texts() if t]
        assert sum(counts) + page.locator("#map .cluster.single").count() == 3000 and max(counts) > 20
        page.locator("#map").screenshot(path=screenshots / "app-scale-map.png")
        page.screenshot(path=screenshots / "app-scale-list.png", full_page=True)
        # the next page
        _redrawn(page, lambda: page.click("#next-page"))
        assert _count(page) == "51–100 of 3,000 events"
        assert page.locator("#events tbody tr").first.get_attribute("data-id") != first
        # a filter: every figure, the list and the map follow it
        _choose(page, "select[name=country]", "Mexico")
        mexico = _count(page)
        assert mexico.startswith("1–50 of ") and int(mexico.split(" of ")[1].split()[0].replace(",", "")) < 3000
        assert all(t.endswith("Mexico") for t in page.locator("#events tbody tr td:nth-child(4)").all_inner_texts())
        assert "Mexico" in page.locator("#map-count").inner_text() or page.locator("#map .cluster").count() >= 1
        _choose(page, "select[name=sort]", "fatalities")
        tolls = [int(t.split()[0]) for t in page.locator("#events tbody tr td:nth-child(7)").all_inner_texts() if t]
        assert tolls == sorted(tolls, reverse=True)
        page.screenshot(path=screenshots / "app-scale-filtered.png", full_page=True)
        # the time slider narrows the map and the list to a window
        before = page.locator("#map-count").inner_text()
        _redrawn(page, lambda: page.evaluate(
            "(() => { const s = document.getElementById('slider-to'); s.value = String(Number(s.min) + 60); "
            "s.dispatchEvent(new Event('change')); })()"))
        assert page.locator("#map-count").inner_text() != before
        # a search: events and articles, each linking to the evidence sentence in its article
        page.fill("#q", "Aleppo")
        page.click("#search button")
        page.wait_for_selector("body[data-ready='#/search/Aleppo']")
        assert page.locator("#search-events").count() == 1, page.locator("main").inner_text()[:500]
        assert page.locator("#search-events tbody tr").count() > 0 and page.locator("section.search-article").count()
        page.screenshot(path=screenshots / "app-scale-search.png", full_page=True)
        page.locator("section.search-article a.match-link").first.click()
        page.wait_for_selector("mark.found")
        assert page.locator("mark.found").first.is_visible()
        page.screenshot(path=screenshots / "app-scale-found.png")
    _clean(watched)


def test_what_changed_since_the_last_visit_is_marked(review_store: Path, watched, serving, screenshots) -> None:
    """Per browser (no accounts): the first visit marks nothing; a visit whose last one was before the run that added
    the disputing article marks the events that run changed, counts them, and the event page shows its history."""
    from eventwire.store import history

    with Store(review_store) as store:
        last = history.runs(store.con)[0]["id"]
        since = min(c.at for c in history.read(store.con, run_ids=[last]))
        changed = {c.event_id for c in history.read(store.con, run_ids=[last])}
        total = store.count("events")
    page = watched.page
    with serving(_settings(review_store)) as base:
        watched.ready(base + "/")
        assert "First visit" in page.locator("#since-visit").inner_text()
        assert page.locator("#events tr[data-change='new'], #events tr[data-change='changed']").count() == 0
        # this browser's last visit was just before that run (kept in its local storage)
        host = base.split("//", 1)[1]
        page.evaluate("([key, since]) => localStorage.setItem(key, JSON.stringify({previous: Date.parse(since), "
                      "latest: Date.now()}))", [f"eventwire-visit:{host}", since])
        watched.ready(base + "/")
        marked = page.locator("#events tr[data-change='new'], #events tr[data-change='changed']")
        assert 0 < marked.count() < total
        ids = {marked.nth(i).get_attribute("data-id") for i in range(marked.count())}
        assert ids & changed  # the events that run changed
        counts = page.locator("#new-count").inner_text(), page.locator("#changed-count").inner_text()
        assert sum(int(c.split()[0]) for c in counts) == marked.count()
        assert page.locator("#feed-link").get_attribute("href").startswith("/feed.atom")
        page.screenshot(path=str(screenshots / "since-last-visit.png"), full_page=True)
        event = sorted(ids)[0]
        watched.ready(f"{base}/#/event/{event}")
        assert page.locator("#history tr.change").count() > 0
        assert page.locator("#history tr.since-visit").count() > 0
    _clean(watched)
