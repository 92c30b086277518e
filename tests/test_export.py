"""Exports of the demo store: claims with their mention, ACLED notes, ordered figures, nested Parquet.

Real pipeline run (conftest's demo_run), real DuckDB, pandas and pyarrow reading the files back.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import duckdb
import pandas as pd

from eventwire import export
from eventwire.mentions.counts import find_claims
from eventwire.model import Event, EventMention, Evidence
from eventwire.pipeline import plain_pipeline
from eventwire.reconcile import attach_figures
from eventwire.store import Store

OC = ("Dozens of people are confirmed to have been killed and hundreds wounded in the Azerbaijani "
      "offensive, according to officials.")
AP = ("Gegham Stepanyan, the human rights ombudsman for Nagorno-Karabakh, reported a minimum of 200 "
      "casualties, including 10 civilians, with over 400 others injured.")


def test_claims_export_has_each_column_once_and_the_mention_id(demo_run, tmp_path: Path) -> None:
    db, _, _ = demo_run
    out = tmp_path / "claims.csv"
    with Store(db, read_only=True) as store:
        rows, cols = export.rows_of("claims", store)
        mentions = {m.id: m for m in store.mentions()}
    export.write_rows(rows, "csv", out, cols)
    with out.open(encoding="utf-8") as fh:
        header = next(csv.reader(fh))
        written = list(csv.DictReader(fh, fieldnames=header))
    assert len(header) == len(set(header)) and header[:2] == ["id", "mention_id"]
    assert written and all(r["mention_id"] in mentions for r in written)
    for r in written:  # the mention holds the claim
        assert r["id"] in {c.id for c in mentions[r["mention_id"]].claims}


def test_every_event_has_a_generated_acled_note(demo_run) -> None:
    db, _, _ = demo_run
    with Store(db, read_only=True) as store:
        rows, _ = export.rows_of("events", store)
        texts = [a.text for a in store.articles()]
    assert rows and all(re.match(r"(On|In|Around) .*\d{4}, ", r["notes"]) for r in rows), [r["notes"] for r in rows]
    for r in rows:
        # generated from fields, never an article's words: no run of eight words is copied
        words = r["notes"].split()
        for i in range(len(words) - 7):
            assert not any(" ".join(words[i:i + 8]) in t for t in texts), r["notes"]
    shelling = next(r for r in rows if r["sub_event_type"] == "Shelling/artillery/missile attack")
    assert "shelled" in shelling["notes"] and shelling["location"] in shelling["notes"]


def test_note_says_when_sources_disagree() -> None:
    nlp = plain_pipeline()
    mentions = []
    for text, aid, outlet in ((OC, "oc", "OC Media"), (AP, "ap", "BNB")):
        sent = next(nlp(text).sents)
        claims = tuple(find_claims(sent, article_id=aid, outlet=outlet))
        mentions.append(EventMention(article_id=aid, event_type="Battles", sub_event_type="Armed clash",
                                     evidence=(Evidence(text, 0, len(text)),), claims=claims))
    event = Event(id="e1", event_type="Battles", sub_event_type="Armed clash",
                  mention_ids=tuple(m.id for m in mentions), article_ids=("oc", "ap"),
                  actor1="Military Forces of Azerbaijan")
    [event] = attach_figures([event], mentions)
    note = export.acled_notes(event, {c.id: c for m in mentions for c in m.claims})
    assert note.startswith("On an unknown date, Military Forces of Azerbaijan clashed")
    assert "Sources disagree on fatalities: " in note and "24-99" in note and "Gegham Stepanyan: at least 200" in note


def test_figures_are_ordered_and_acled_figure_only_in_its_column(demo_run) -> None:
    db, _, _ = demo_run
    with Store(db, read_only=True) as store:
        events = store.events()
        rows, _ = export.rows_of("events", store)
    figures = [f for e in events for f in e.figures]
    assert figures
    for f in figures:
        known = [v for v in (f.low, f.best, f.high) if v is not None]
        assert known == sorted(known), f
    # "dozens" killed (24-99, best 24) against "a minimum of 200": the offensive's episode holds both
    # tolls; ACLED's 12 is its fatalities column, and the range holds it (low 12)
    with Store(db, read_only=True) as store:
        episodes, _ = export.rows_of("episodes", store)
    offensive = next(r for r in episodes if r["fatalities_best"] == 24)
    fat = next(f for f in offensive["figures"] if f["field"] == "fatalities")
    assert (fat["low"], fat["best"], fat["high"], fat["acled"]) == (12, 24, 200, 12)
    assert offensive["fatalities"] == 12 and offensive["fatalities_best"] == 24 and offensive["disputed"]
    assert {c["outlet"] for c in offensive["claims"]} == {"OC Media", "BNB - Big Big News"}


def test_parquet_nested_fields_are_lists_and_structs(demo_run, tmp_path: Path) -> None:
    db, _, _ = demo_run
    with Store(db, read_only=True) as store:
        for what in ("events", "mentions", "claims"):
            rows, cols = export.rows_of(what, store)
            export.write_rows(rows, "parquet", tmp_path / f"{what}.parquet", cols)
    con = duckdb.connect()
    types = dict(con.execute(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM "
                             f"'{tmp_path / 'mentions.parquet'}')").fetchall())
    assert types["claims"].startswith("STRUCT(") and types["claims"].endswith("[]")
    assert types["place"].startswith("STRUCT(") and types["evidence"].startswith("STRUCT(")
    [(text,)] = con.execute(f"SELECT claims[1].evidence.text FROM '{tmp_path / 'mentions.parquet'}' "
                            "WHERE len(claims) > 0 LIMIT 1").fetchall()
    assert isinstance(text, str) and text
    events = pd.read_parquet(tmp_path / "events.parquet")
    figs = next(f for f in events["figures"] if len(f))
    assert isinstance(figs[0], dict) and {"field", "low", "best", "high"} <= set(figs[0])
    assert list(events["article_ids"][0]) and isinstance(events["article_ids"][0][0], str)
    claims = pd.read_parquet(tmp_path / "claims.parquet")
    assert isinstance(claims["evidence"][0], dict) and "start" in claims["evidence"][0]
