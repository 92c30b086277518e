"""The review app's JSON API, in-process against a real store built from the demo articles plus an
article that disputes the shelling's death toll: events, filters, event pages, decisions of every
kind with their checks, the security headers and the OpenAPI schema.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from eventwire import export, pipeline
from eventwire.serve import create_app
from eventwire.settings import Settings
from eventwire.store import Store

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "review"


@pytest.fixture(scope="module")
def disputed_store(demo_run, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo store plus a third report of the Stepanakert shelling with a far lower death toll."""
    db, _, _ = demo_run
    copy = tmp_path_factory.mktemp("api") / "review.duckdb"
    shutil.copy(db, copy)
    pipeline.run([str(FIXTURES / "dispute.jsonl")], Settings.from_env(db=copy))
    return copy


@pytest.fixture
def client(disputed_store: Path, tmp_path: Path):
    db = tmp_path / "review.duckdb"
    shutil.copy(disputed_store, db)
    app = create_app(Settings.from_env(db=db, map_tiles=""))
    with TestClient(app, base_url="http://127.0.0.1:8765") as c:
        c.db = db  # type: ignore[attr-defined]
        yield c


def _shelling(client: TestClient) -> dict:
    events = client.get("/api/events").json()["events"]
    return next(e for e in events if e["sub_event_type"] == "Shelling/artillery/missile attack"
                and e["location"] == "Stepanakert")


def test_events_list_and_filters(client: TestClient) -> None:
    r = client.get("/api/events")
    assert r.status_code == 200
    body = r.json()
    # the demo: 7 to 11 events a coder would code (the offensive's strikes, shelling and clash, the peacekeepers
    # killed, the agreement, two Yerevan protests); a term of the deal is none of them
    assert 7 <= body["total"] == len(body["events"]) <= 11
    shelling = _shelling(client)
    assert shelling["disputed"] and "OC Media" in shelling["dispute_note"] and "200" in shelling["dispute_note"]
    assert shelling["independent_sources"] >= 2
    disputed = client.get("/api/events", params={"disputed": "true"}).json()["events"]
    assert shelling["event_id_cnty"] in {e["event_id_cnty"] for e in disputed} and all(e["disputed"] for e in disputed)
    armenia = client.get("/api/events", params={"country": "Armenia"}).json()["events"]
    assert armenia and all(e["country"] == "Armenia" for e in armenia)
    bad = client.get("/api/events", params={"since": "19-09-2023"})
    assert bad.status_code == 400 and bad.json()["code"] == "E242"


def test_event_page_data_has_sources_text_evidence_and_claims(client: TestClient) -> None:
    shelling = _shelling(client)
    d = client.get(f"/api/events/{shelling['event_id_cnty']}").json()
    assert len(d["sources"]) >= 2 and {s["outlet"] for s in d["sources"]} >= {"Caucasus Wire", "OC Media"}
    for s in d["sources"]:
        assert s["evidence"] and all(s["text"][e["start"]:e["end"]] == e["text"] for e in s["evidence"])
    texts = {s["article_id"]: s["text"] for s in d["sources"]}
    for c in d["claims"]:
        assert texts[c["article_id"]][c["evidence"]["start"]:c["evidence"]["end"]] == c["evidence"]["text"]
    assert {c["value_best"] for c in d["claims"] if c["field"] == "fatalities"} >= {27, 200}
    # the offensive's toll is reconciled on its episode, and the event page carries it
    [toll] = [f for f in d["episode_figures"] if f["field"] == "fatalities"]
    assert toll["disputed"] and toll["low"] <= toll["best"] <= toll["high"] and toll["high"] >= 200
    story = client.get(f"/api/stories/{d['story_id']}").json()
    assert shelling["event_id_cnty"] in story["event_ids"] and story["articles"]
    # each article's relation in the story: the content-farm rewrite of the AP story is not independent
    by_outlet = {a["outlet"]: a for a in story["articles"]}
    rewrite = by_outlet["BNB - Big Big News"]
    assert rewrite["relation"] == "rewrite" and rewrite["derivative_of"] == "wire:AP"
    assert any("(Insert Link)" in ev for ev in rewrite["evidence"]) and by_outlet["OC Media"]["relation"] == "original"
    assert client.get("/api/events/e_nope").json()["code"] == "E204"
    assert client.get("/api/events/e_nope").status_code == 404


def test_decisions_are_tied_to_mentions_and_shown_in_exports(client: TestClient) -> None:
    shelling = _shelling(client)
    eid = shelling["event_id_cnty"]
    r = client.post("/api/decisions", json={"action": "confirm", "reviewer": "Ana", "reason": "three outlets",
                                            "event_id": eid})
    assert r.status_code == 201, r.text
    confirm = r.json()["decision"]
    assert confirm["mention_ids"] == shelling["mention_ids"] and confirm["article_ids"] == shelling["article_ids"]
    assert confirm["made_at"].endswith("+00:00") and r.json()["event_ids"] == [eid]
    edit = client.post("/api/decisions", json={"action": "edit", "reviewer": "Ana", "reason": "ombudsman's words",
                                               "event_id": eid, "field": "fatalities", "value": "200"}).json()
    assert edit["decision"]["field"] == "fatalities" and json.loads(edit["decision"]["value"]) == 200
    after = _shelling(client)
    assert after["reviewed"] and after["decision_ids"] == [confirm["id"], edit["decision"]["id"]]
    log = client.get("/api/decisions").json()["decisions"]
    assert [d["action"] for d in log] == ["confirm", "edit"] and log[0]["reason"] == "three outlets"
    # every export shows the review state
    with Store(client.db) as store:  # type: ignore[attr-defined]
        rows, _ = export.rows_of("events", store, "acled-csv")
    row = next(r for r in rows if r["event_id_cnty"] == eid)
    assert row["reviewed"] and row["decision_ids"] == after["decision_ids"]


def test_merge_split_and_irrelevant_name_mentions_and_articles(client: TestClient) -> None:
    events = client.get("/api/events").json()["events"]
    shelling = _shelling(client)
    other = next(e for e in events if e["sub_event_type"] == "Armed clash")
    merge = client.post("/api/decisions", json={"action": "merge", "reviewer": "Ana",
                                                "event_id": other["event_id_cnty"],
                                                "other_event_id": shelling["event_id_cnty"]}).json()["decision"]
    assert set(merge["mention_ids"]) == set(shelling["mention_ids"]) | set(other["mention_ids"])
    moved = shelling["mention_ids"][:1]
    split = client.post("/api/decisions", json={"action": "split", "reviewer": "Ana",
                                                "event_id": shelling["event_id_cnty"], "mention_ids": moved})
    assert split.status_code == 201, split.text
    assert split.json()["decision"]["mention_ids"] == moved
    # the merge is applied at once: the event now holds both events' mentions, and the rest stay
    assert set(split.json()["decision"]["other_mention_ids"]) == (set(shelling["mention_ids"])
                                                                 | set(other["mention_ids"])) - set(moved)
    article = shelling["article_ids"][0]
    irrelevant = client.post("/api/decisions", json={"action": "irrelevant", "reviewer": "Ana", "article_id": article,
                                                     "event_id": shelling["event_id_cnty"]}).json()["decision"]
    assert irrelevant["article_ids"] == [article] and irrelevant["mention_ids"] == []


@pytest.mark.parametrize(("body", "status", "code"), [
    ({"action": "edit", "field": "mention_ids", "value": "x"}, 400, "E201"),
    ({"action": "edit", "field": "fatalities", "value": "many"}, 400, "E242"),
    ({"action": "edit", "field": "event_date", "value": "yesterday"}, 400, "E242"),
    ({"action": "edit", "field": "status", "value": "rumoured"}, 400, "E242"),
    ({"action": "split", "mention_ids": []}, 400, "E243"),
    ({"action": "split", "mention_ids": ["m_not_mine"]}, 400, "E243"),
    ({"action": "merge", "other_event_id": "SELF"}, 400, "E244"),
    ({"action": "irrelevant", "article_id": "a_missing"}, 404, "E245"),
    ({"action": "edit"}, 400, "E246"),
    ({"action": "confirm", "reviewer": "  "}, 400, "E247"),
    ({"action": "promote"}, 400, "E201"),
    ({"action": "confirm", "event_id": "e_missing"}, 404, "E204"),
])
def test_bad_decisions_get_a_coded_error_and_store_nothing(client: TestClient, body: dict, status: int,
                                                           code: str) -> None:
    eid = _shelling(client)["event_id_cnty"]
    body = {"reviewer": "Ana", "event_id": eid} | body
    if body.get("other_event_id") == "SELF":
        body["other_event_id"] = eid
    r = client.post("/api/decisions", json=body)
    assert (r.status_code, r.json()["code"]) == (status, code), r.text
    assert client.get("/api/decisions").json()["decisions"] == []


def test_security_headers_and_request_checks(client: TestClient) -> None:
    for path in ("/", "/api/events", "/static/app.js"):
        r = client.get(path)
        assert r.status_code == 200
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "default-src 'none'" in csp
        assert r.headers["x-content-type-options"] == "nosniff"
    eid = _shelling(client)["event_id_cnty"]
    body = {"action": "confirm", "reviewer": "Ana", "event_id": eid}
    assert client.post("/api/decisions", json=body, headers={"Origin": "http://evil.example"}).status_code == 403
    assert client.post("/api/decisions", content=json.dumps(body),
                       headers={"Content-Type": "text/plain"}).status_code == 415
    assert client.get("/api/events", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/api/decisions").json()["decisions"] == []


def test_openapi_schema_describes_the_api(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert {"/api/events", "/api/events/{event_id}", "/api/stories/{story_id}", "/api/decisions", "/api/meta"} \
        <= set(schema["paths"])
    fields = schema["components"]["schemas"]["DecisionIn"]["properties"]
    assert {"action", "reviewer", "reason", "event_id", "field", "value", "other_event_id", "mention_ids",
            "article_id"} <= set(fields)
    assert "post" in schema["paths"]["/api/decisions"]


def test_map_tiles_only_when_asked_for(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from eventwire.serve import content_security_policy

    monkeypatch.delenv("EVENTWIRE_MAP_TILES", raising=False)
    assert Settings.from_env().map_tiles == ""  # nothing fetched by default: the shipped basemap only
    assert "img-src 'self' data:;" in content_security_policy("")
    assert "https://tile.example.org" in content_security_policy("https://tile.example.org/{z}/{x}/{y}.png")
    basemap = client.get("/static/basemap.json").json()
    assert basemap["type"] == "FeatureCollection" and "Natural Earth" in basemap["source"]
    codes = {f["properties"]["iso3"] for f in basemap["features"]}
    assert {"ARM", "AZE", "UKR", "SYR", "MEX", "XKX"} <= codes and len(codes) > 200
