"""What the report and the review app show for empty values, places and disputes, in a real browser.

On the demo store (conftest's demo_run): a place that is its country is named once, an event
without a figure says so instead of "/ /", the events table has no empty column, and the disputes
page lists each dispute once: the demo's disputed episode (an armed clash, drone strikes and
shelling reported as one offensive) is one entry naming its three events, not three entries.
"""

from __future__ import annotations

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
    assert "Armenia" in places and "Armenia, Armenia" not in places


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
    # an event without a figure, whose place is its country
    page.locator("#events tbody tr").filter(has_text="Non-violent transfer").locator("a").first.click()
    page.wait_for_selector("#event-title")
    assert page.locator("#event-title").inner_text().endswith("— Armenia")
    assert page.locator("#fields td[data-field='place']").inner_text() == "Armenia"
    fatalities = page.locator("#fields td[data-field='fatalities (best, low–high)']").inner_text()
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
