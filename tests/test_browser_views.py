"""What the report and the review app show for empty values, places and disputes, in a real browser.

On the demo store (conftest's demo_run): a place that is its country is named once, an event
without a figure says so instead of "/ /", the events table has no empty column, and the disputes
page lists each dispute once: the demo's disputed episode (an armed clash, drone strikes and
shelling reported as one offensive) is one entry naming its three events, not three entries.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from eventwire import report
from eventwire.settings import Settings
from eventwire.store import Store


def _settings(db: Path) -> Settings:
    return Settings.from_env(db=db, map_tiles="")  # no tiles: nothing is fetched


def _disputed_episode(db: Path) -> tuple[str, list[str]]:
    """The demo's disputed episode of several events: its id and its events' ids."""
    with Store(db, read_only=True) as store:
        episodes = [p for p in store.episodes() if p.disputed and len(p.event_ids) > 1]
    assert len(episodes) == 1, episodes
    return episodes[0].id, list(episodes[0].event_ids)


def _check_disputes_page(page, episode: str, events: list[str]) -> None:
    page.wait_for_selector("section.dispute")
    sections = page.locator("section.dispute")
    ids = [sections.nth(i).get_attribute("data-dispute") for i in range(sections.count())]
    assert len(ids) == len(set(ids)), ids  # each dispute once
    assert ids.count(episode) == 1 and not set(events) & set(ids), ids
    shared = page.locator(f"section.dispute[data-dispute='{episode}']")
    assert shared.locator("li a").count() == len(events)  # the episode's events, listed under it
    assert shared.locator("tr.dispute-claim").count() >= 2
    text = shared.inner_text()
    assert "OC Media" in text and "None" not in text and "unknown outlet" not in text


def _check_event_table(page) -> None:
    headers = page.locator("#events thead th").all_inner_texts()
    assert all(h.strip() for h in headers), headers  # no column without a name
    rows = page.locator("#events tbody tr")
    places = [rows.nth(i).locator("td").nth(3).inner_text() for i in range(rows.count())]
    # each place named once: a city that is its own province ("Yerevan, Armenia") and no "X, X"
    assert "Yerevan, Armenia" in places
    assert not [p for p in places if (parts := p.split(", ")) and len(set(parts)) < len(parts)], places


def test_report_names_places_once_fills_empty_values_and_lists_each_dispute_once(demo_run, watched, screenshots,
                                                                                    tmp_path: Path) -> None:
    db, _, _ = demo_run
    episode, events = _disputed_episode(db)
    out = tmp_path / "report.html"
    report.report(_settings(db), out)
    page = watched.page
    watched.ready(out.as_uri())
    _check_event_table(page)
    page.screenshot(path=screenshots / "views-report-list.png", full_page=True)
    # an event without a figure, whose place is its own province (Yerevan, a city and a province of Armenia)
    page.locator("#events tbody tr").filter(has_text="Peaceful protest").locator("a").first.click()
    page.wait_for_selector("#event-title")
    assert page.locator("#event-title").inner_text().endswith("— Yerevan, Armenia")
    assert page.locator("#fields td[data-field='place']").inner_text() == "Yerevan, Armenia"
    fatalities = page.locator("#fields td[data-field='fatalities (ACLED, low–high)']").inner_text()
    assert fatalities == "none reported"
    assert "/ /" not in page.locator("#fields").inner_text()
    page.click("text=Disputes")
    _check_disputes_page(page, episode, events)
    page.screenshot(path=screenshots / "views-report-disputes.png", full_page=True)
    assert watched.errors == [] and watched.outside == []


def test_app_lists_each_dispute_once(demo_run, watched, serving, screenshots, tmp_path: Path) -> None:
    db = tmp_path / "app.duckdb"
    shutil.copy(demo_run[0], db)  # the app opens its store for writing decisions
    episode, events = _disputed_episode(db)
    with serving(_settings(db)) as base:
        watched.ready(base + "/")
        _check_event_table(watched.page)
        watched.ready(base + "/#/disputes")
        _check_disputes_page(watched.page, episode, events)
        watched.page.screenshot(path=screenshots / "views-app-disputes.png", full_page=True)
    assert watched.errors == [] and watched.outside == []


def _dashed(text: str) -> str:
    return text.replace("-", "–")  # the app writes ranges with an en dash


def test_acled_figure_and_its_range_read_the_same_in_every_view(demo_run, watched, serving, tmp_path: Path,
                                                               monkeypatch) -> None:
    """Issue 20's item 5 on the demo store: every view shows an event's fatalities by one rule, ACLED's figure
    then the range that holds it ("10 (3-10)", "4 (4-67)"), never a figure outside its own range: the run
    table, `show`, the notes, the exports, the report's and the app's list and event page, the disputes page."""
    import csv
    import json
    import subprocess
    import sys

    from eventwire import export
    from eventwire.cli import common, running

    db = tmp_path / "views.duckdb"
    shutil.copy(demo_run[0], db)
    with Store(db, read_only=True) as store:
        events = [e for e in store.events() if e.fatalities is not None]
        episodes = {p.id: p for p in store.episodes()}
        article_ids = {a for e in store.events() for a in e.article_ids}
        rows, _ = export.rows_of("events", store)
        for fmt in ("acled-csv", "geojson"):
            export.export("events", fmt, store, tmp_path / f"events.{fmt}")
        # the run table, as `eventwire run` prints it after a run
        monkeypatch.setattr(common.out, "width", 250)
        with common.out.capture() as captured:
            running._print_events(store, article_ids)
    table = captured.get()
    assert len(events) >= 4  # the offensive's three events and the peacekeepers' clash
    texts = {e.id: export.figure_text(e.fatalities, e.fatalities_low, e.fatalities_high) for e in events}
    assert {texts[e.id] for e in events} >= {"10 (3-10)"}
    notes = {r["event_id_cnty"]: r["notes"] for r in rows}
    for e in events:
        assert e.fatalities_low <= e.fatalities <= e.fatalities_high, e
        [line] = [ln for ln in table.splitlines() if e.id in ln]
        assert f" {texts[e.id]} " in line, line
        assert f"Fatalities: {texts[e.id]}" in notes[e.id]
        shown = subprocess.run([sys.executable, "-m", "eventwire.cli", "show", e.id, "--db", str(db)],
                               capture_output=True, env={**os.environ, "COLUMNS": "250"}).stdout.decode()
        assert f"fatalities: {texts[e.id]}" in shown, shown
    # the exports: ACLED's column inside the low/high columns on every row
    with open(tmp_path / "events.acled-csv", encoding="utf-8") as f:
        acled = {r["event_id_cnty"]: r for r in csv.DictReader(f)}
    geo = {ft["properties"]["event_id_cnty"]: ft["properties"]
           for ft in json.loads((tmp_path / "events.geojson").read_text(encoding="utf-8"))["features"]}
    for e in events:
        for r in (acled[e.id], geo[e.id]):
            assert int(r["fatalities_low"]) <= int(r["fatalities"]) == e.fatalities <= int(r["fatalities_high"]), r
    # the offensive's events add up to its reconciled toll
    split = [e for e in events if e.fatalities_split]
    assert split and sum(e.fatalities for e in split) == episodes[split[0].episode_id].fatalities

    def check_pages(page, base: str) -> None:
        watched.ready(base + "#/")
        for e in events:
            row = page.locator(f"#events tbody tr[data-id='{e.id}']")
            assert row.locator("td").nth(6).inner_text() == _dashed(texts[e.id])
        for e in events:
            watched.ready(f"{base}#/event/{e.id}")
            assert page.locator("#fields td[data-field='fatalities (ACLED, low–high)']").inner_text() == \
                _dashed(texts[e.id])
        watched.ready(base + "#/disputes")
        page.wait_for_selector("section.dispute")
        toll = episodes[split[0].episode_id]
        note = page.locator(f"section.dispute[data-dispute='{toll.id}'] p.dispute-note[data-field='fatalities']")
        text = export.figure_text(toll.fatalities, toll.fatalities_low, toll.fatalities_high)
        assert note.inner_text().startswith(f"fatalities: {_dashed(text)} as ACLED codes it"), note.inner_text()

    out = tmp_path / "report.html"
    report.report(_settings(db), out)
    check_pages(watched.page, out.as_uri())
    with serving(_settings(db)) as base:
        check_pages(watched.page, base + "/")
    assert watched.errors == [] and watched.outside == []
