"""The DuckDB store: schema follows the model, writes are idempotent, migrations are versioned."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import duckdb
import pytest

from eventwire.errors import StoreError
from eventwire.model import (
    SCHEMA_VERSION,
    Article,
    Claim,
    EventMention,
    Evidence,
    InputFailure,
    Place,
    RemovedSpan,
)
from eventwire.store import Extraction, Store
from eventwire.store.schema import TABLES, columns


def _article(text: str = "Shelling hit the town on Tuesday.", **kw: object) -> Article:
    base = dict(id="a_1", text=text, source="in/a.txt", raw=text + "\nLeave a Comment", content_hash="h1",
                published=dt.date(2023, 9, 20), published_from="sidecar",
                removed=(RemovedSpan(len(text) + 1, len(text) + 16, "comments"),))
    base.update(kw)
    return Article(**base)  # type: ignore[arg-type]


def test_new_store_has_schema_version_and_model_columns(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    with Store(db) as store:
        assert store.schema_version() == SCHEMA_VERSION
    con = duckdb.connect(str(db))
    for table in TABLES.values():
        have = [r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
            [table.name]).fetchall()]
        assert have == [c for c, _ in columns(table)]
    con.close()


def test_added_model_field_is_migrated_into_an_old_store(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    Store(db).close()
    con = duckdb.connect(str(db))
    # a store from before the field existed (and before the articles' lookup indexes, which DuckDB would not let
    # a column in front of them be dropped)
    for index in ("articles_content_hash", "articles_url", "articles_source"):
        con.execute(f"DROP INDEX {index}")
    con.execute('ALTER TABLE articles DROP COLUMN "credits"')
    con.execute("UPDATE meta SET value = '6' WHERE key = 'schema_version'")
    con.close()
    with Store(db) as store:
        store.add_article(_article(credits="AP contributed"))
        assert store.articles()[0].credits == "AP contributed"
        assert store.con.execute("SELECT count(*) FROM duckdb_indexes() WHERE table_name = 'articles'"
                                 ).fetchone()[0] == 3


def test_store_newer_than_code_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "new.duckdb"
    Store(db).close()
    con = duckdb.connect(str(db))
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION + 1)])
    con.close()
    with pytest.raises(StoreError, match="E303"):
        Store(db)


def test_articles_round_trip_and_reingest_is_a_no_op(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        a = _article()
        assert store.add_article(a) == "new"
        before = store.counts()
        assert store.add_article(a) == "seen"
        assert store.counts() == before
        assert store.articles() == [a]


def test_exact_duplicate_from_another_file_is_linked_not_stored_twice(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        store.add_article(_article())
        dup = _article(id="a_2", source="other/copy.txt")
        assert store.add_article(dup) == "duplicate"
        assert store.count("articles") == 1
        assert store.article_sources() == {"a_1": ["in/a.txt", "other/copy.txt"]}


def test_a_batch_of_inputs_is_stored_as_one_by_one(tmp_path: Path) -> None:
    # duplicates, revisions and failures inside one batch meet the batch's earlier rows, as separate calls would
    url = "https://x.example/story"
    inputs: list[Article | InputFailure] = [
        _article(url=url), _article(id="a_2", source="other/copy.txt"),
        InputFailure("in/bad.txt", "E101", "unreadable"),
        _article(id="a_3", text="Updated: shelling hit the town.", content_hash="h3", url=url),
        _article(id="a_4", text="A quite different story about a harvest festival.", content_hash="h4",
                 source="in/bad.txt"),
        _article(),
    ]
    outcomes = {}
    for name, batched in (("one", False), ("batch", True)):
        with Store(tmp_path / f"{name}.duckdb") as store:
            got = store.add_inputs(inputs) if batched else [
                store.add_article(r) if isinstance(r, Article) else (store.add_failure(r), "failed")[1]
                for r in inputs]
            assert got == ["new", "duplicate", "failed", "revision", "new", "seen"]
            terms = store.con.execute("SELECT a.id, t.term, t.tf FROM search_article_terms t JOIN search_articles a "
                                      "ON a.doc = t.doc ORDER BY ALL").fetchall()
            outcomes[name] = ([(a.id, a.version) for a in store.articles()], store.article_sources(),
                              store.quarantine(), store.superseded(), terms)
    assert outcomes["one"] == outcomes["batch"]
    assert not outcomes["batch"][2]  # the failed input read fine later in the batch: out of quarantine
    assert {aid for aid, _, _ in outcomes["batch"][4]} == {"a_1", "a_3", "a_4"}  # every new article is searchable


def test_an_old_store_gets_the_article_lookup_indexes(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    with Store(db) as store:
        for sql in ("DROP INDEX articles_content_hash", "DROP INDEX articles_url", "DROP INDEX articles_source"):
            store.con.execute(sql)
        store.con.execute("UPDATE meta SET value = '6' WHERE key = 'schema_version'")
        store.add_article(_article(url="https://x.example/story"))
    with Store(db) as store:  # a version 6 store gets the indexes
        assert store.schema_version() == 7
        names = {r[0] for r in store.con.execute("SELECT index_name FROM duckdb_indexes() WHERE table_name = "
                                                 "'articles'").fetchall()}
        assert {"articles_content_hash", "articles_url", "articles_source"} <= names
        assert store.add_article(_article(id="a_2", source="other/copy.txt")) == "duplicate"
        assert store.add_article(_article(id="a_3", text="Updated: shelling hit the town.", content_hash="h3",
                                          url="https://x.example/story")) == "revision"


def test_changed_text_at_same_url_is_a_new_version(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        store.add_article(_article(url="https://x.example/story"))
        store.add_article(_article(id="a_2", text="Updated: shelling hit the town.", content_hash="h2",
                                   url="https://x.example/story"))
        versions = sorted((a.id, a.version) for a in store.articles())
        assert versions == [("a_1", 1), ("a_2", 2)]


def test_quarantine_is_idempotent_and_cleared_when_input_reads(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        f = InputFailure("in/a.txt", "in/a.txt is empty; nothing to read", "E102")
        store.add_failure(f)
        store.add_failure(f)
        assert store.quarantine() == [f]
        store.add_article(_article())
        assert store.quarantine() == []


def test_extraction_is_replaced_per_article_and_tracked_for_resume(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        store.add_article(_article())
        assert store.pending_extraction("1") == ["a_1"]
        ev = Evidence("Shelling hit the town on Tuesday.", 0, 33)
        claim = Claim(field="fatalities", text="2 killed", evidence=ev, value_low=2, value_high=2,
                      value_best=2, article_id="a_1")
        m = EventMention(article_id="a_1", event_type="Explosions/Remote violence",
                         sub_event_type="Shelling/artillery/missile attack", evidence=(ev,),
                         event_date=dt.date(2023, 9, 19), time_precision=1, claims=(claim,),
                         place=Place("the town", 1.0, 2.0))
        store.save_extraction("a_1", [m], "1")
        store.save_extraction("a_1", [m], "1")
        assert store.mentions() == [m]
        assert [c.id for c in store.claims()] == [claim.id]
        assert store.pending_extraction("1") == []
        assert store.pending_extraction("2") == ["a_1"]  # a new extractor re-extracts


def _table(store: Store, table: str) -> list[tuple]:
    return sorted(store.con.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)


def test_a_batch_of_extractions_stores_what_one_article_at_a_time_stores(tmp_path: Path) -> None:
    """One statement per table for a batch: the same rows, values and types as one write per row (an article
    given twice ends as its last extraction), and nothing of the batch when it fails."""
    ev = Evidence("Shelling hit the town on Tuesday.", 0, 33)
    batch = []
    for i, aid in enumerate(["a_1", "a_2", "a_3"]):
        claims = tuple(Claim(field=f, text=f"{i + 2} {f}", evidence=ev, value_low=i, value_high=i + 2,
                             value_best=None if f == "injured" else i + 1, article_id=aid)
                       for f in ("fatalities", "injured")[: i + 1])
        found = [EventMention(article_id=aid, event_type="Explosions/Remote violence", evidence=(ev,),
                              sub_event_type="Shelling/artillery/missile attack", claims=claims,
                              event_date=dt.date(2023, 9, 19 + k) if k else None, time_precision=k,
                              place=Place("the town", 1.0 + k, 2.0) if k else None, confidence=0.5 + k / 10)
                 for k in range(i + 1)]
        batch.append((aid, found, "ok" if i < 2 else "failed:E101"))
    again = ("a_1", batch[0][1][:0], "ok")  # a_1 extracted again, this time with nothing found
    one, many = Store(tmp_path / "one.duckdb"), Store(tmp_path / "many.duckdb")
    for store in (one, many):
        for aid, *_ in batch:
            store.add_article(_article(id=aid, content_hash=aid, source=f"in/{aid}.txt"))
    for aid, found, status in [*batch, again]:
        one.save_extraction(aid, found, "1", status=status)
    many.save_extractions([Extraction(aid, found, "1", status) for aid, found, status in [*batch, again]])
    for table in ("mentions", "claims", "extracted", "story_features"):
        assert _table(many, table) == _table(one, table), table
    # a_1 emptied; a claim repeated by an article's mentions is one row (the same id): keys met twice in a batch
    assert len(_table(many, "mentions")) == 5 and len(_table(many, "claims")) == 4
    assert many.pending_extraction("1") == []
    with pytest.raises(duckdb.Error):  # a row the table refuses: the whole batch is rolled back
        many.save_extractions([Extraction("a_2", [], "2"), Extraction(None, [], "2")])  # type: ignore[arg-type]
    assert _table(many, "mentions") == _table(one, "mentions") and many.pending_extraction("2") == ["a_1", "a_2",
                                                                                                      "a_3"]
    one.close()
    many.close()


def test_failed_write_rolls_back(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        store.add_article(_article())
        bad = dataclasses.replace(_article(), id="a_3")
        with pytest.raises(ZeroDivisionError), store.transaction():
            store._insert("articles", bad)
            raise ZeroDivisionError
        assert [a.id for a in store.articles()] == ["a_1"]


def test_decisions_are_stored_apart_and_survive_a_rerun(tmp_path: Path, examples_dir: Path) -> None:
    from eventwire import pipeline
    from eventwire.model import Decision
    from eventwire.settings import Settings

    db = tmp_path / "review.duckdb"
    settings = Settings.from_env(db=db)
    pipeline.run([str(examples_dir)], settings)
    with Store(db) as store:
        event = store.events()[0]
        d = Decision(id="d_1", action="confirm", reviewer="analyst", made_at="2026-11-30T10:00:00Z",
                     reason="read both sources", event_id=event.id, mention_ids=event.mention_ids)
        store.add_decision(d)
        store.add_decision(d)  # the same decision twice is stored once
    pipeline.run([str(examples_dir)], settings)
    with Store(db, read_only=True) as store:
        assert store.decisions() == [d]


def test_index_rows_are_read_by_key_and_only_changed_rows_written(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        links = store.index_map("ix_cluster_links", fresh=True)
        links["c1"] = {"c2", "c3"}
        links["c2"] = {"c1"}
        with store.transaction():
            assert links.write(store.con) == 2
            assert links.write(store.con) == 0  # nothing changed since
        again = store.index_map("ix_cluster_links")
        assert again["c1"] == {"c2", "c3"} and "c9" not in again and again.get("c9") is None
        again["c1"].discard("c3")  # a value changed in place is seen
        again.setdefault("c4", set()).add("c1")
        del again["c2"]
        with store.transaction():
            assert again.write(store.con) == 3
        rows = dict(store.con.execute("SELECT key, value FROM ix_cluster_links ORDER BY key").fetchall())
        assert rows == {"c1": '["c2"]', "c4": '["c1"]'}
        assert dict(store.index_map("ix_cluster_links")) == {"c1": {"c2"}, "c4": {"c1"}}
        members = store.index_map("ix_event_members")
        members["e1"] = ("m1", "m2")
        with store.transaction():
            members.write(store.con)
        assert store.index_map("ix_event_members")["e1"] == ("m1", "m2")  # tuples come back as tuples


def test_a_version_5_store_gets_index_tables_and_drops_its_pickled_indexes(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    with Store(db) as store:
        store.con.execute("INSERT INTO index_state VALUES ('merged-layer', '7/x', 'pickled')")
        store.con.execute("DROP TABLE ix_story_block")
        store.con.execute("UPDATE meta SET value = '5' WHERE key = 'schema_version'")
    with Store(db) as store:
        assert store.schema_version() == SCHEMA_VERSION == 7
        assert store.count("index_state") == 0 and store.count("ix_story_block") == 0
