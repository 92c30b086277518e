"""What an analyst sees: the claims table, the stories and episodes exports, events with their
reconciled figures and claims, ids that live on as aliases.

The real ``eventwire`` command in a subprocess on the demo store (conftest's demo_run).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from eventwire import export
from eventwire.store import Store


def eventwire(*args: str) -> subprocess.CompletedProcess:
    # a wide table, so no cell is folded across lines
    return subprocess.run([sys.executable, "-m", "eventwire.cli", *args], capture_output=True, timeout=600,
                          env={**os.environ, "COLUMNS": "400"})


def _shelling(db: Path):
    with Store(db, read_only=True) as store:
        return next(e for e in store.events() if e.sub_event_type.startswith("Shelling") and e.episode_id)


def test_claims_table_names_every_source_role_hedge_and_independence(demo_run) -> None:
    db, _, _ = demo_run
    event = _shelling(db)
    r = eventwire("claims", event.id[:10], "--db", str(db))
    assert r.returncode == 0, r.stderr
    out = r.stdout.decode()
    for words in ("episode", "fatalities", "DISPUTED", "OC Media", "BNB - Big Big News", "journalist",
                  "party to the conflict", "confirmed", "unverified", "no (wire:AP)", "Gegham Stepanyan",
                  "a minimum of 200 casualties", "Dozens of people are confirmed to have been killed"):
        assert words in out, words


def test_stories_export_gives_each_article_its_relation(demo_run, tmp_path: Path) -> None:
    db, _, _ = demo_run
    out = tmp_path / "stories.jsonl"
    r = eventwire("export", "--what", "stories", "--format", "jsonl", "-o", str(out), "--db", str(db))
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [list(r)[:5] for r in rows][0] == ["article_id", "story_id", "relation", "derivative_of", "evidence"]
    by_outlet = {r["outlet"]: r for r in rows}
    assert by_outlet["OC Media"]["relation"] == "original"
    bnb = by_outlet["BNB - Big Big News"]
    assert (bnb["relation"], bnb["derivative_of"]) == ("rewrite", "wire:AP")
    evidence = " ".join(bnb["evidence"])
    for words in ("rewrite of a wire story (AP)", "Insert Link", "generated FAQ", "reader comments", "byline"):
        assert words in evidence, words
    assert len({r["story_id"] for r in rows}) == 1


def test_events_and_episodes_exports_carry_reconciled_figures_and_claims(demo_run) -> None:
    db, _, _ = demo_run
    with Store(db, read_only=True) as store:
        events, _ = export.rows_of("events", store, "json")
        episodes, _ = export.rows_of("episodes", store, "json")
    for key in ("episode_id", "fatalities", "fatalities_low", "fatalities_best", "fatalities_high", "disputed",
                "dispute_note", "independent_sources", "claims", "reviewed"):
        assert all(key in r for r in events), key
    claim_keys = ["field", "value_low", "value_high", "category", "speaker", "speaker_role", "hedge", "article_id",
                  "outlet", "published", "independent", "evidence"]
    claims = [c for r in events + episodes for c in r["claims"]]
    assert claims and all(list(c)[:12] == claim_keys for c in claims)
    assert all({"text", "start", "end"} <= set(c["evidence"]) for c in claims)
    offensive = next(p for p in episodes if p["disputed"])
    assert len(offensive["events"]) >= 2 and offensive["independent_sources"] == 2
    assert offensive["dispute_note"].startswith("fatalities: OC Media: Dozens")


def test_show_resolves_an_alias(demo_run, tmp_path: Path) -> None:
    db, _, _ = demo_run
    event = _shelling(db)
    copy = tmp_path / "alias.duckdb"
    copy.write_bytes(Path(db).read_bytes())
    with Store(copy) as store:
        store.save_merged(removed_events={"e_0000000000000000": event.id})  # an id that went away
    r = eventwire("show", "e_0000000000000000", "--db", str(copy))
    assert r.returncode == 0, r.stderr
    assert event.id in r.stdout.decode() and "merged into" in r.stderr.decode()


def test_acled_figure_and_its_range_are_one_rule_in_every_view(demo_run, tmp_path: Path) -> None:
    """The peacekeepers' "several" (3-9 in words, 10 for ACLED) and the offensive's split toll read the same
    in the run table, `show`, the notes, the exports and the app's table: ACLED's figure inside its range."""
    db, _, _ = demo_run
    with Store(db, read_only=True) as store:
        events = store.events()
        rows, _ = export.rows_of("events", store)
    for e in events:
        if e.fatalities is not None:
            assert e.fatalities_low <= e.fatalities <= e.fatalities_high, e
    peace = next(e for e in events if e.fatalities == 10)
    shelling = _shelling(db)
    notes = {r["event_id_cnty"]: r["notes"] for r in rows}
    assert "Fatalities: 10 (3-10)" in notes[peace.id]
    text = export.figure_text(shelling.fatalities, shelling.fatalities_low, shelling.fatalities_high)
    assert f"Fatalities: {text}, a 1/3 share of the toll its episode" in notes[shelling.id]
    shown = eventwire("show", peace.id, "--db", str(db)).stdout.decode()
    assert "fatalities: 10 (3-10) as ACLED codes it, best estimate 3" in shown
    split = eventwire("show", shelling.id, "--db", str(db)).stdout.decode()
    assert "a 1/3 share" in split and "sub_event_type: Shelling/artillery/missile attack -- supported" in split
    # the app's and the report's pages: test_browser_views, in a real browser
    # the offensive's events add up to its reconciled toll
    offensive = [e for e in events if e.episode_id == shelling.episode_id]
    assert sum(e.fatalities for e in offensive) == 12
