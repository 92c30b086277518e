"""Every export format written from the real demo store and read back with the tools analysts use:
pandas for ACLED and GED CSV, a GeoJSON validator, DuckDB for Parquet types, json for JSON lines;
filters, the ``reviewed`` column and the decision log in every format.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from geojson_pydantic import FeatureCollection

from eventwire import export, pipeline
from eventwire.model import Decision, stable_id
from eventwire.settings import Settings
from eventwire.store import Store

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "review"

# ACLED's public export columns, by name and in order (ACLED's data export layout).
ACLED = ["event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
         "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
         "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude",
         "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities", "tags", "timestamp"]


@pytest.fixture(scope="module")
def reviewed(demo_run, tmp_path_factory: pytest.TempPathFactory):
    """A copy of the demo store, plus an article disputing the shelling's death toll, where a reviewer
    confirmed the Stepanakert shelling."""
    db, _, _ = demo_run
    copy = tmp_path_factory.mktemp("reviewed") / "demo.duckdb"
    shutil.copy(db, copy)
    pipeline.run([str(FIXTURES / "dispute.jsonl")], Settings.from_env(db=copy))
    with Store(copy) as store:
        shelling = next(e for e in store.events() if e.sub_event_type == "Shelling/artillery/missile attack"
                        and e.place and e.place.name == "Stepanakert")
        decision = Decision(id=stable_id("d", "confirm", shelling.id), action="confirm", reviewer="analyst",
                            made_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                            reason="two outlets agree", event_id=shelling.id,
                            mention_ids=shelling.mention_ids, article_ids=shelling.article_ids)
        store.add_decision(decision)
    return copy, shelling, decision


def _write(db: Path, fmt: str, out: Path, **filters) -> int:
    with Store(db, read_only=True) as store:
        return export.export("events", fmt, store, out, export.EventFilter(**filters))


def test_acled_csv_has_acleds_columns_in_order_and_its_conventions(reviewed, tmp_path: Path) -> None:
    db, shelling, decision = reviewed
    out = tmp_path / "events.csv"
    n = _write(db, "acled-csv", out)
    df = pd.read_csv(out)
    assert list(df.columns[:len(ACLED)]) == ACLED and len(df) == n > 5
    own = list(df.columns[len(ACLED):])
    assert own[:7] == ["fatalities_low", "fatalities_best", "fatalities_high", "disputed", "dispute_note",
                       "independent_sources", "article_ids"]
    # 0 fatalities when none is reported, never empty; integers throughout
    assert df["fatalities"].notna().all() and df["fatalities"].dtype.kind == "i"
    assert (df.loc[df["fatalities_best"].isna(), "fatalities"] == 0).all()
    assert set(df["iso"].dropna()) <= {31, 51}  # ISO 3166-1 numeric: Azerbaijan, Armenia
    assert set(df["country"].dropna()) <= {"Azerbaijan", "Armenia"}
    assert (df["latitude"].dropna().round(4) == df["latitude"].dropna()).all()
    row = df.set_index("event_id_cnty").loc[shelling.id]
    assert row["disorder_type"] == "Political violence" and row["location"] == "Stepanakert"
    assert row["source"] == "; ".join(shelling.sources) and row["fatalities"] == shelling.fatalities
    assert bool(row["disputed"]) and "fatalities" in row["dispute_note"] and "OC Media" in row["dispute_note"]
    assert row["fatalities_low"] <= row["fatalities_best"] <= row["fatalities_high"]
    assert row["independent_sources"] >= 2
    # the reviewer's confirmation: reviewed, with its decision, and the row's timestamp is the decision's
    assert bool(row["reviewed"]) and row["decision_ids"] == decision.id
    assert int(row["timestamp"]) == int(dt.datetime.fromisoformat(decision.made_at).timestamp())
    assert not df.loc[df.index[df["event_id_cnty"] != shelling.id], "reviewed"].any()
    protests = df[df["event_type"] == "Protests"]
    assert len(protests) and set(protests["disorder_type"]) == {"Demonstrations"}


def test_ged_csv_reads_back_with_geds_figures_and_precisions(demo_run, tmp_path: Path) -> None:
    db, _, _ = demo_run
    out = tmp_path / "ged.csv"
    _write(db, "ged-csv", out)
    df = pd.read_csv(out)
    assert list(df.columns[:6]) == ["id", "year", "type_of_violence", "side_a", "side_b", "number_of_sources"]
    assert {"best", "low", "high", "where_prec", "date_prec", "geom_wkt"} <= set(df.columns)
    assert (df["low"] <= df["best"]).all() and (df["best"] <= df["high"]).all()
    assert set(df["where_prec"].dropna()) <= {1, 2, 3, 4, 6} and set(df["date_prec"].dropna()) <= {1, 2, 3, 4, 5}
    # GED records organised violence only: protests have no type of violence, the shelling is state-based
    assert df.loc[df["sub_event_type"] == "Peaceful protest", "type_of_violence"].isna().all()
    shelling = df[df["sub_event_type"] == "Shelling/artillery/missile attack"].iloc[0]
    assert shelling["type_of_violence"] == 1 and shelling["low"] <= shelling["best"] <= shelling["high"]
    lon, lat = shelling["geom_wkt"].removeprefix("POINT (").removesuffix(")").split()
    assert (float(lat), float(lon)) == (shelling["latitude"], shelling["longitude"])


def test_geojson_is_a_valid_feature_collection(reviewed, tmp_path: Path) -> None:
    db, shelling, _ = reviewed
    out = tmp_path / "events.geojson"
    n = _write(db, "geojson", out)
    data = json.loads(out.read_text(encoding="utf-8"))
    fc = FeatureCollection.model_validate(data)  # RFC 7946 structure, checked by geojson-pydantic
    assert len(fc.features) == n
    for f in data["features"]:
        lon, lat = f["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        assert lat == f["properties"]["latitude"]
        # QGIS reads scalars and lists of names as fields: no nested objects left in the properties
        assert all(not isinstance(v, dict) for v in f["properties"].values())
    props = next(f["properties"] for f in data["features"] if f["id"] == shelling.id)
    assert props["reviewed"] is True and props["country"] == "Azerbaijan" and isinstance(props["article_ids"], list)


def test_parquet_is_typed_with_nested_claims_and_sources(reviewed, tmp_path: Path) -> None:
    db, shelling, decision = reviewed
    out = tmp_path / "events.parquet"
    _write(db, "parquet", out)
    con = duckdb.connect()
    types = dict(con.execute(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM '{out}')").fetchall())
    assert types["event_date"] == "DATE" and types["fatalities"] == "BIGINT" and types["latitude"] == "DOUBLE"
    assert types["reviewed"] == "BOOLEAN" and types["disputed"] == "BOOLEAN"
    assert types["article_ids"] == "VARCHAR[]"
    assert types["claims"].startswith("STRUCT(") and types["claims"].endswith("[]")
    assert "evidence STRUCT(" in types["claims"] and "hedge VARCHAR" in types["claims"]
    assert types["sources"].startswith("STRUCT(") and types["decisions"].startswith("STRUCT(")
    # an all-empty column is still typed from the model, never NULL-typed
    assert types["date_end"] == "DATE"
    [(text, start, end, aid)] = con.execute(
        f"SELECT c.evidence.text, c.evidence.start, c.evidence.end, c.article_id FROM "
        f"(SELECT unnest(claims) AS c FROM '{out}' WHERE event_id_cnty = ?) WHERE c.field = 'fatalities' "
        "ORDER BY c.value_best DESC LIMIT 1", [shelling.id]).fetchall()
    with Store(db, read_only=True) as store:
        [article] = store.articles([aid])
    assert article.text[start:end] == text
    [(reviewer, outlets)] = con.execute(
        f"SELECT decisions[1].reviewer, list_transform(sources, lambda s: s.outlet) FROM '{out}' "
        "WHERE event_id_cnty = ?", [shelling.id]).fetchall()
    assert reviewer == decision.reviewer and sorted(outlets) == sorted(shelling.sources)


def test_partitioned_parquet_by_year_month_and_country(demo_run, tmp_path: Path) -> None:
    db, _, _ = demo_run
    out = tmp_path / "events"
    with Store(db, read_only=True) as store:
        n = export.export("events", "parquet", store, out, partitioned=True)
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.parquet"))
    assert "year_month=2023-09/country=Azerbaijan/part-0.parquet" in files
    con = duckdb.connect()
    rows = con.execute(f"SELECT year_month, country, count(*) FROM read_parquet('{out}/**/*.parquet', "
                       "hive_partitioning = true) GROUP BY ALL ORDER BY ALL").fetchall()
    assert sum(r[2] for r in rows) == n and {r[0] for r in rows} == {"2023-09"}
    types = dict(con.execute(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM "
                             f"read_parquet('{out}/**/*.parquet', hive_partitioning = true))").fetchall())
    assert types["event_date"] == "DATE" and types["claims"].endswith("[]")


def test_json_and_jsonl_nest_claims_evidence_and_sources(demo_run, tmp_path: Path) -> None:
    db, _, _ = demo_run
    _write(db, "json", tmp_path / "events.json")
    _write(db, "jsonl", tmp_path / "events.jsonl")
    as_json = json.loads((tmp_path / "events.json").read_text(encoding="utf-8"))
    as_jsonl = [json.loads(line) for line in (tmp_path / "events.jsonl").read_text(encoding="utf-8").splitlines()]
    assert as_json == as_jsonl
    with Store(db, read_only=True) as store:
        texts = {a.id: a.text for a in store.articles()}
    with_claims = [r for r in as_json if r["claims"]]
    assert with_claims
    for r in with_claims:
        for c in r["claims"]:
            ev = c["evidence"]
            assert texts[c["article_id"]][ev["start"]:ev["end"]] == ev["text"]
            # an event's own claims come from its mentions; its episode's may come from a sibling's
            assert c["mention_id"] in r["mention_ids"] or c["level"] == "episode"
    for r in as_json:
        assert [s["article_id"] for s in r["sources"]] == r["article_ids"]
        for s in r["sources"]:
            assert s["evidence"] and all(texts[s["article_id"]][e["start"]:e["end"]] == e["text"]
                                         for e in s["evidence"])


def test_filters_select_what_they_say(reviewed, tmp_path: Path) -> None:
    db, _, _ = reviewed
    with Store(db, read_only=True) as store:
        events = store.events()
    everything = len(events)
    cases = {
        "country": ({"country": "armenia"}, lambda e: e.place and e.place.country == "Armenia"),
        "iso3": ({"country": "AZE"}, lambda e: e.place and e.place.iso3 == "AZE"),
        "since": ({"since": dt.date(2023, 9, 20)}, lambda e: e.event_date and e.event_date >= dt.date(2023, 9, 20)),
        "until": ({"until": dt.date(2023, 9, 19)}, lambda e: e.event_date and e.event_date <= dt.date(2023, 9, 19)),
        "type": ({"event_type": "Protests"}, lambda e: e.event_type == "Protests"),
        "sub-type": ({"event_type": "agreement"}, lambda e: e.sub_event_type == "Agreement"),
        "disputed": ({"disputed": True}, export.is_disputed),
        "sources": ({"min_sources": 2}, lambda e: export.independent_sources(e) >= 2),
    }
    for name, (filters, expected) in cases.items():
        out = tmp_path / f"{name}.jsonl"
        n = _write(db, "jsonl", out, **filters)
        ids = [json.loads(line)["event_id_cnty"] for line in out.read_text(encoding="utf-8").splitlines()]
        want = [e.id for e in events if expected(e)]
        assert ids == want and 0 < n < everything, (name, n, everything)


def test_cli_export_filters_and_decision_log(reviewed, tmp_path: Path) -> None:
    db, shelling, decision = reviewed
    out = tmp_path / "events.csv"
    run = [sys.executable, "-m", "eventwire.cli", "export", "--db", str(db)]
    r = subprocess.run([*run, "-f", "acled-csv", "-o", str(out), "--country", "Azerbaijan", "--event-type",
                        "Explosions/Remote violence", "--min-sources", "2", "--since", "2023-09-19"],
                       capture_output=True, timeout=300)
    assert r.returncode == 0, r.stderr.decode()
    df = pd.read_csv(out)
    assert list(df["event_id_cnty"]) == [shelling.id] and bool(df["reviewed"][0])
    log = tmp_path / "decisions.csv"
    r = subprocess.run([*run, "--what", "decisions", "-o", str(log)], capture_output=True, timeout=300)
    assert r.returncode == 0, r.stderr.decode()
    decisions = pd.read_csv(log)
    assert list(decisions["id"]) == [decision.id] and decisions["reviewer"][0] == "analyst"
    assert decisions["action"][0] == "confirm" and shelling.mention_ids[0] in decisions["mention_ids"][0]
    bad = subprocess.run([*run, "-f", "geojson", "--what", "claims"], capture_output=True, timeout=300)
    assert bad.returncode == 2 and "E240" in bad.stderr.decode()
    bad = subprocess.run([*run, "-f", "csv", "--partitioned", "-o", str(tmp_path / "x")], capture_output=True,
                         timeout=300)
    assert bad.returncode == 2 and "E241" in bad.stderr.decode()
