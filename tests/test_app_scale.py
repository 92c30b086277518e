"""The review app's reads at scale: paging, sorting, filters, figures, timeline, map clusters, regions and
full-text search, on a store of 3,000 events built by bench/bench_app.py from real UCDP records and real news
texts, checked against the export's own filter over the same events; the derived tables follow every write
(an article stored, events saved, a decision recorded); the report of a store larger than it details.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from eventwire import export, report
from eventwire.model import Article
from eventwire.serve import create_app
from eventwire.serve.decisions import make_decision
from eventwire.settings import Settings
from eventwire.store import Store, derived

N_EVENTS = 3000  # the events of conftest's scale_store


@pytest.fixture
def client(scale_store: Path, tmp_path: Path):
    db = tmp_path / "scale.duckdb"
    shutil.copy(scale_store, db)
    with TestClient(create_app(Settings.from_env(db=db, map_tiles="")), base_url="http://127.0.0.1:8765") as c:
        c.db = db  # type: ignore[attr-defined]
        yield c


def test_pages_sorts_and_filters_agree_with_the_export_filter(client: TestClient) -> None:
    first = client.get("/api/events", params={"limit": 50}).json()
    assert first["total"] == N_EVENTS and len(first["events"]) == 50
    dates = [e["event_date"] for e in first["events"]]
    assert dates == sorted(dates, reverse=True)
    second = client.get("/api/events", params={"limit": 50, "offset": 50}).json()
    assert not {e["event_id_cnty"] for e in first["events"]} & {e["event_id_cnty"] for e in second["events"]}
    assert second["events"][0]["event_date"] <= dates[-1]
    last = client.get("/api/events", params={"limit": 50, "offset": N_EVENTS - 20}).json()
    assert len(last["events"]) == 20
    deadly = client.get("/api/events", params={"sort": "fatalities", "limit": 30}).json()["events"]
    tolls = [e["fatalities_best"] for e in deadly]
    assert tolls == sorted(tolls, reverse=True) and tolls[0] > 0
    with Store(client.db) as store:  # type: ignore[attr-defined]
        events = store.events()
    for flt in (export.EventFilter(country="Syria"), export.EventFilter(country="MEX", disputed=True),
                export.EventFilter(event_type="Armed clash"), export.EventFilter(min_sources=2),
                export.EventFilter(since=dt.date(2023, 3, 1), until=dt.date(2023, 3, 31))):
        params = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in dataclasses.asdict(flt).items()
                  if v not in (None, False, 0)}
        page = client.get("/api/events", params=params | {"limit": 500}).json()
        expected = flt.apply(events)
        assert page["total"] == len(expected), params
        assert {e["event_id_cnty"] for e in page["events"]} <= {e.id for e in expected}
        summary = client.get("/api/summary", params=params).json()
        assert summary["events"] == len(expected)
        assert summary["fatalities_best"] == sum(e.fatalities_best or 0 for e in expected)
        assert summary["disputed"] == sum(export.is_disputed(e) for e in expected)
    assert client.get("/api/events", params={"sort": "loudest"}).json()["code"] == "E201"


def test_timeline_map_and_regions_count_every_event_once(client: TestClient) -> None:
    summary = client.get("/api/summary").json()
    timeline = client.get("/api/timeline").json()
    assert timeline["unit"] == "day" and sum(b["events"] for b in timeline["buckets"]) == summary["events"]
    assert sum(b["best"] for b in timeline["buckets"]) == summary["fatalities_best"]
    world = client.get("/api/map", params={"zoom": 2}).json()
    close = client.get("/api/map", params={"zoom": 8}).json()
    assert world["events"] == close["events"] == summary["with_coordinates"]
    # clusters, not points: a few dozen cells for the world, many more close up
    assert 5 <= len(world["cells"]) < 200 < len(close["cells"])
    syria = client.get("/api/map", params={"zoom": 6, "bbox": "35,32,42.5,37.5"}).json()
    assert 0 < syria["events"] < world["events"]
    assert all(35 <= c["longitude"] <= 42.5 and 32 <= c["latitude"] <= 37.5 for c in syria["cells"])
    march = client.get("/api/map", params={"zoom": 2, "since": "2023-03-01", "until": "2023-03-31"}).json()
    assert 0 < march["events"] < world["events"]
    countries = client.get("/api/regions", params={"level": "country"}).json()["regions"]
    assert {r["iso3"] for r in countries} >= {"SYR", "MEX", "MMR", "UKR"}
    admin1 = client.get("/api/regions", params={"level": "admin1"}).json()["regions"]
    assert sum(r["events"] for r in admin1) <= sum(r["events"] for r in countries) <= summary["events"]
    assert client.get("/api/map", params={"bbox": "north"}).json()["code"] == "E242"


def test_search_finds_events_and_articles_with_their_evidence(client: TestClient) -> None:
    with Store(client.db) as store:  # type: ignore[attr-defined]
        [article] = store.articles(["a_00001234"])
        [event] = [e for e in store.events() if e.article_ids[0] == "a_00001234"]
    r = client.get("/api/search", params={"q": article.title, "limit": 100}).json()
    assert r["articles_total"] >= 1 and r["terms"]
    hit = next(a for a in r["articles"] if a["article_id"] == article.id)
    assert hit["all_terms"] and hit["match"]
    assert article.text[hit["match"]["start"]:hit["match"]["start"] + len(hit["match"]["text"])] == hit["match"]["text"]
    cited = next(e for e in hit["events"] if e["event_id"] == event.id)
    ev = cited["evidence"]
    assert article.text[ev["start"]:ev["end"]] == ev["text"]
    # an event by its place and actor, with its evidence sentence
    place = event.place.name.split()[0]
    found = client.get("/api/search", params={"q": f"{place} {event.actor1}"}).json()
    assert found["events_total"] >= 1 and all(e["all_terms"] for e in found["events"][:found["events_total"]])
    e0 = found["events"][0]
    assert e0["evidence"] and e0["evidence"][0]["text"]
    # inflections meet: "killings" finds what "killed" finds
    assert derived.stem("killings") == derived.stem("killed") == "kill"
    nothing = client.get("/api/search", params={"q": "the of and"}).json()
    assert nothing["terms"] == [] and nothing["events"] == [] and nothing["articles"] == []
    assert client.get("/api/search").status_code == 422


def test_the_sql_and_python_stemmers_agree(scale_store: Path) -> None:
    sample = ["killed", "killing", "kills", "clashes", "armies", "army", "stopped", "shelling", "protesters",
              "casualties", "injured", "displaced", "hostages", "bombed", "strikes", "fighting", "Kyïv's", "Україна",
              "forces"]
    with Store(scale_store, read_only=True) as store:
        rows = store.con.execute(derived.terms_select("(SELECT 1 AS id, CAST(? AS VARCHAR) AS t)", "id", "t", ""),
                                 [" ".join(sample)]).fetchall()
    assert sorted(r[1] for r in rows) == sorted(derived.words(" ".join(sample)))


def test_derived_tables_follow_every_write(scale_store: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    shutil.copy(scale_store, db)
    with Store(db) as store:
        store.add_article(Article(id="a_new", text="Zyxwarble fighters shelled Qoqendorf overnight.", source="t",
                                  title="Zyxwarble attack", content_hash="zyx"))
        terms = store.con.execute("SELECT tf FROM search_article_terms WHERE term = ?",
                                  [derived.stem("zyxwarble")]).fetchall()
        assert terms == [(2,)]  # in the title and the text
        e = store.events()[0]
        store.save_merged(events=[dataclasses.replace(e, actor1="Qoqendorf Brigade", fatalities_best=9999)])
        row = store.con.execute("SELECT actor1, fatalities_best FROM event_list WHERE id = ?", [e.id]).fetchone()
        assert row == ("Qoqendorf Brigade", 9999)
        hits = store.con.execute("SELECT count(*) FROM search_event_terms t JOIN search_events d USING (doc) "
                                 "WHERE t.term = 'qoqendorf' AND d.id = ?", [e.id]).fetchone()[0]
        assert hits == 1
        store.add_decision(make_decision(store, action="confirm", reviewer="Ana", event_id=e.id))
        assert store.con.execute("SELECT reviewed FROM event_list WHERE id = ?", [e.id]).fetchone()[0] is True
        store.save_merged(removed_events={e.id: None})
        assert store.con.execute("SELECT count(*) FROM event_list WHERE id = ?", [e.id]).fetchone()[0] == 0
        n = store.count("events")
    # a store whose derived tables are older than this code gets them rebuilt when opened
    with Store(db) as store:
        store.con.execute("UPDATE meta SET value = 'old' WHERE key = 'derived_version'")
        store.con.execute("DELETE FROM event_list")
    with Store(db, read_only=True) as store:  # read-only: rebuilt for the connection, nothing written
        assert store.con.execute("SELECT count(*) FROM event_list").fetchone()[0] == n
    with Store(db) as store:
        assert store.con.execute("SELECT count(*) FROM event_list").fetchone()[0] == n


def test_the_report_of_a_large_store_holds_every_row_and_details_the_top_events(scale_store: Path,
                                                                                 tmp_path: Path,
                                                                                 monkeypatch: pytest.MonkeyPatch
                                                                                 ) -> None:
    monkeypatch.setattr(report, "ALL_DETAILS", 1000)
    monkeypatch.setattr(report, "DETAILED", 100)
    with Store(scale_store, read_only=True) as store:
        data = report.report_data(store, Settings.from_env(db=scale_store, map_tiles=""))
    assert len(data["rows"]) == N_EVENTS and len(data["details"]) == 100
    assert data["columns"][0] == "event_id_cnty" and "3,000 events" in data["meta"]["note"]
    detailed = [r for r in data["rows"] if r[0] in data["details"]]
    disputed = data["columns"].index("disputed")
    assert sum(r[disputed] for r in detailed) == min(100, sum(r[disputed] for r in data["rows"]))
    assert len(data["basemap"]["features"]) > 200
