"""Reviewers' decisions outlive their store: exported as JSON lines and imported into a store rebuilt from the
same articles they give the same events; after every article is extracted again by a new extractor version each
decision still applies to the event it was made on; and a decision whose mentions got new ids finds them again
by its anchors (article and evidence)."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
from pathlib import Path

import pytest

from eventwire import pipeline
from eventwire.model import Decision, Event, to_dict
from eventwire.serve.decisions import export_decisions, import_decisions, make_decision
from eventwire.settings import Settings
from eventwire.store import Store

REPO = Path(__file__).resolve().parents[1]
REVIEW = REPO / "tests" / "fixtures" / "review"
INPUTS = [str(REPO / "examples"), str(REVIEW / "dispute.jsonl"), str(REVIEW / "payloads.jsonl")]


def _holding(events: list[Event], mention_ids: tuple[str, ...]) -> list[Event]:
    return [e for e in events if set(mention_ids) & set(e.mention_ids)]


def applies(store: Store, d: Decision) -> bool:
    """Does the store's merged layer show the decision?"""
    events = store.events()
    if d.action == "merge":
        return len(_holding(events, d.mention_ids)) == 1
    if d.action == "split":
        return not any(set(d.mention_ids) & set(e.mention_ids) and set(d.other_mention_ids) & set(e.mention_ids)
                       for e in events)
    if d.action == "irrelevant":
        return not any(set(d.article_ids) & set(e.article_ids) for e in events)
    [event] = _holding(events, d.mention_ids)
    if d.action == "confirm":
        return event.reviewed and d.id in event.decision_ids
    field = getattr(event, d.field or "")
    return (field.isoformat() if isinstance(field, dt.date) else field) == json.loads(d.value or "null")


@pytest.fixture(scope="module")
def decided(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Decision]]:
    """A store of the demo articles and the dispute fixture with a decision of every kind."""
    db = tmp_path_factory.mktemp("decided") / "decided.duckdb"
    pipeline.run(INPUTS, Settings.from_env(db=db))
    now = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)
    with Store(db) as store:
        events = sorted(store.events(), key=lambda e: (-len(e.mention_ids), e.id))
        several = next(e for e in events if len(e.mention_ids) >= 2)
        # the irrelevant article (the payloads fixture's) reports none of the other decided events
        unrelated = next(e for e in events if "fixture-payloads" in e.article_ids)
        # the other events, those of one report first
        rest = sorted((e for e in events if e.id not in (several.id, unrelated.id) and len(e.mention_ids) <= 2
                       and "fixture-payloads" not in e.article_ids), key=lambda e: (len(e.mention_ids), e.id))
        made = [
            make_decision(store, action="split", reviewer="Ana", event_id=several.id,
                          mention_ids=list(several.mention_ids[:1]), now=now),
            make_decision(store, action="merge", reviewer="Ana", event_id=rest[0].id, other_event_id=rest[1].id,
                          now=now),
            make_decision(store, action="edit", reviewer="Ana", event_id=rest[2].id, field="actor1",
                          value="Reviewed Actor", now=now),
            make_decision(store, action="edit", reviewer="Ana", event_id=rest[2].id, field="fatalities", value=7,
                          now=now),
            make_decision(store, action="confirm", reviewer="Ana", event_id=rest[3].id, now=now),
            # the payloads fixture's article, not a demo article its event may also hold
            make_decision(store, action="irrelevant", reviewer="Ana", article_id="fixture-payloads",
                          event_id=unrelated.id, now=now),
        ]
        for d in made:
            store.add_decision(d)
        pipeline.update_merged(store)
        assert [d.action for d in made if not applies(store, d)] == []
    return db, made


def _export(db: Path) -> str:
    buf = io.StringIO()
    with Store(db, read_only=True) as store:
        assert export_decisions(store, buf) == len(store.decisions())
    return buf.getvalue()


def _events(db: Path) -> list[dict]:
    with Store(db, read_only=True) as store:
        return [to_dict(e) for e in store.events()]


def test_export_then_import_into_a_rebuilt_store_gives_the_same_events(decided, tmp_path: Path) -> None:
    db, made = decided
    text = _export(db)
    rows = [json.loads(line) for line in text.splitlines()]
    in_order = sorted(made, key=lambda d: (d.made_at, d.id))
    assert [r["id"] for r in rows] == [d.id for d in in_order] and all(r["anchors"] or r["action"] == "irrelevant"
                                                                   for r in rows)
    fresh = tmp_path / "rebuilt.duckdb"
    pipeline.run(INPUTS, Settings.from_env(db=fresh))
    with Store(fresh) as store:
        result = import_decisions(store, text.splitlines(), "decisions.jsonl")
        assert (result.added, result.present, result.reanchored, result.failures) == (len(made), 0, 0, [])
        pipeline.update_merged(store)
        assert store.decisions() == in_order
        assert [d.action for d in store.decisions() if not applies(store, d)] == []
        again = import_decisions(store, text.splitlines())  # importing twice changes nothing
        assert (again.added, again.present) == (0, len(made))
    assert _events(fresh) == _events(db)


def test_every_decision_still_applies_after_a_new_extractor_version(decided, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    db, made = decided
    copy = tmp_path / "reextracted.duckdb"
    shutil.copy(db, copy)
    monkeypatch.setattr(pipeline, "EXTRACTOR_VERSION", pipeline.EXTRACTOR_VERSION + "+next")
    summary = pipeline.run(INPUTS, Settings.from_env(db=copy))
    with Store(copy, read_only=True) as store:
        assert summary.extracted == store.count("articles") - len(summary.skipped_language)
        assert store.decisions() == sorted(made, key=lambda d: (d.made_at, d.id))
        assert {d.action: applies(store, d) for d in store.decisions()} == dict.fromkeys(
            [d.action for d in made], True)


def test_decisions_whose_mentions_got_new_ids_find_them_by_their_anchors(decided, tmp_path: Path) -> None:
    db, made = decided
    # as if the mentions had been found by other models: same articles and evidence, other ids
    renamed = []
    for line in _export(db).splitlines():
        row = json.loads(line)
        old = {m: f"m_old{i}_{m[2:]}" for i, m in enumerate([*row["mention_ids"], *row["other_mention_ids"]])}
        row["mention_ids"] = [old[m] for m in row["mention_ids"]]
        row["other_mention_ids"] = [old[m] for m in row["other_mention_ids"]]
        row["anchors"] = {old[m]: a for m, a in row["anchors"].items()}
        renamed.append(json.dumps(row))
    fresh = tmp_path / "renamed.duckdb"
    shutil.copy(db, fresh)
    with Store(fresh) as store:
        store.con.execute("DELETE FROM decisions")
        result = import_decisions(store, renamed + ["not json", '{"id": "d_x", "action": "promote"}'])
        assert result.added == len(made) and result.reanchored == sum(1 for d in made if d.mention_ids)
        assert [f.split("]")[0] for f in result.failures] == ["[E260", "[E260"]
        by_id = {d.id: d for d in store.decisions()}
        assert all(by_id[d.id].mention_ids == d.mention_ids and by_id[d.id].other_mention_ids == d.other_mention_ids
                   for d in made)
