"""Tables the store derives from its records, so that lists, maps and search stay fast at 100,000 events.

- ``event_list``: one typed row per event with the columns the review app filters, sorts, counts and
  maps by (date, types, place, figures, disputed, sources, reviewed, last change). The events table
  keeps places and figures as JSON; reading them for every request would parse every event.
- ``event_articles``: event id -> article id, for "which events cite this article".
- a full-text index: ``search_events``/``search_articles`` (one row per indexed document, with its
  length in words) and ``search_event_terms``/``search_article_terms`` (term, document, count). DuckDB's
  own full-text extension is not shipped with the ``duckdb`` wheel and is installed from the network,
  so the index is built here, in plain SQL, with the same tokens for documents and queries: lowercase,
  accents stripped, split at anything that is not a letter or digit, common English words dropped,
  then a light suffix stemmer (``STEM_RULES``: plurals, -ed, -ing, final e/y) so "killed", "kills" and
  "killing" meet.

Every table is updated in the transaction that changes its source rows (an article stored, events
saved, a decision recorded) and rebuilt whole when ``DERIVED_VERSION`` changes. The term tables are
kept sorted by term, so a query reads only the blocks that hold its terms; rows added since the last
sort are appended, and the table is sorted again when they pass a fifth of it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from typing import Any

import duckdb

DERIVED_VERSION = "1"

# Words too common to search for: dropped from documents and queries alike.
_STOP = ("a an and are as at be been but by for from had has have he her his in is it its of on or said she that the "
         "their them they this to was were which who will with would not after also over than into about more "
         "other our we you your")
STOPWORDS = tuple(_STOP.split())
# Suffix rules of the light stemmer, tried in order within each step (first match wins); see ``stem``.
# Step 1: plurals. Step 2: -ed / -ing when what is left still has a vowel (then a doubled final consonant is
# undoubled: "stopped" -> "stop"). Step 3: a final e is dropped and a final y becomes i ("army"/"armies").
STEP1 = (("sses", "ss"), ("ies", "i"), ("ss", "ss"), ("us", "us"), ("s", ""))
STEP2 = (("eed", "ee"), ("ing", ""), ("ed", ""))
STEP3 = (("e", ""), ("y", "i"))
DOUBLES = "bdfgmnprt"
MIN_STEM = 3
TOKEN_SPLIT = r"[^\p{L}\p{N}]+"
MAX_TOKEN = 40

_VOWEL = re.compile("[aeiouy]")
_WORD = re.compile(r"[^\W_]+")


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The light stemmer in Python (the same rules as the SQL macros; used to find matching sentences)."""
    w = word
    if len(w) <= MIN_STEM:
        return w
    for suffix, repl in STEP1:
        if w.endswith(suffix):
            w = w[: len(w) - len(suffix)] + repl
            break
    for suffix, repl in STEP2:
        rest = w[: len(w) - len(suffix)]
        if w.endswith(suffix) and len(rest) >= MIN_STEM and _VOWEL.search(rest):
            w = rest + repl
            if not repl and len(w) >= 2 and w[-1] == w[-2] and w[-1] in DOUBLES:
                w = w[:-1]
            break
    if len(w) > MIN_STEM:
        for suffix, repl in STEP3:
            if w.endswith(suffix):
                w = w[: len(w) - len(suffix)] + repl
                break
    return w


def words(text: str) -> list[str]:
    """The text's searchable words in Python: lowercase, accents stripped, stop words and single letters out."""
    import unicodedata

    plain = "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))
    return [stem(w) for w in _WORD.findall(plain) if 2 <= len(w) <= MAX_TOKEN and w not in STOPWORDS]


def _q(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _cut(w: str, suffix: str) -> str:
    return f"substr({w}, 1, length({w}) - {len(suffix)})"


def macros_sql() -> list[str]:
    """Temporary SQL macros for the tokenizer and stemmer (created on every connection)."""
    s1 = " ".join(f"WHEN suffix(w, {_q(s)}) THEN {_cut('w', s)} || {_q(r)}" for s, r in STEP1)
    s2 = " ".join(
        f"WHEN suffix(w, {_q(s)}) AND length(w) - {len(s)} >= {MIN_STEM} AND regexp_matches({_cut('w', s)}, "
        f"'[aeiouy]') THEN " + (f"{_cut('w', s)} || {_q(r)}" if r else f"ew_undouble({_cut('w', s)})")
        for s, r in STEP2)
    s3 = " ".join(f"WHEN suffix(w, {_q(s)}) THEN {_cut('w', s)} || {_q(r)}" for s, r in STEP3)
    stop = ", ".join(_q(w) for w in STOPWORDS)
    doubled = "|".join(c + c for c in DOUBLES)
    return [
        f"CREATE OR REPLACE TEMP MACRO ew_undouble(w) AS CASE WHEN regexp_matches(w, '({doubled})$') "
        "THEN substr(w, 1, length(w) - 1) ELSE w END",
        f"CREATE OR REPLACE TEMP MACRO ew_s1(w) AS CASE WHEN length(w) <= {MIN_STEM} THEN w {s1} ELSE w END",
        f"CREATE OR REPLACE TEMP MACRO ew_s2(w) AS CASE WHEN length(w) <= {MIN_STEM} THEN w {s2} ELSE w END",
        f"CREATE OR REPLACE TEMP MACRO ew_s3(w) AS CASE WHEN length(w) <= {MIN_STEM} THEN w {s3} ELSE w END",
        # the raw words of a text (before the stop list and the stemmer)
        f"CREATE OR REPLACE TEMP MACRO ew_words(t) AS regexp_split_to_array(lower(strip_accents(coalesce(t, ''))), "
        f"'{TOKEN_SPLIT}')",
        f"CREATE OR REPLACE TEMP MACRO ew_keep(w) AS length(w) BETWEEN 2 AND {MAX_TOKEN} AND w NOT IN ({stop})",
    ]


def terms_select(source: str, key: str, text: str, where: str) -> str:
    """(key, term) for every kept word of every matching row of ``source``, stemmed in three steps."""
    return (f"SELECT k, ew_s3(s2) AS term FROM (SELECT k, ew_s2(s1) AS s2 FROM (SELECT k, ew_s1(w) AS s1 FROM "
            f"(SELECT {key} AS k, unnest(ew_words({text})) AS w FROM {source} {where}) WHERE ew_keep(w)))")


DDL = [
    "CREATE SEQUENCE IF NOT EXISTS search_doc_seq",
    "CREATE TABLE IF NOT EXISTS event_list (id VARCHAR PRIMARY KEY, event_date DATE, event_type VARCHAR, "
    "sub_event_type VARCHAR, actor1 VARCHAR, actor2 VARCHAR, location VARCHAR, admin1 VARCHAR, country VARCHAR, "
    "acled_country VARCHAR, iso3 VARCHAR, latitude DOUBLE, longitude DOUBLE, fatalities BIGINT, "
    "fatalities_low BIGINT, fatalities_best BIGINT, fatalities_high BIGINT, disputed BOOLEAN, "
    "independent_sources INTEGER, reviewed BOOLEAN, status VARCHAR, changed_at TIMESTAMP)",
    "CREATE TABLE IF NOT EXISTS event_articles (event_id VARCHAR, article_id VARCHAR)",
    "CREATE TABLE IF NOT EXISTS search_events (doc BIGINT, id VARCHAR, len INTEGER)",
    "CREATE TABLE IF NOT EXISTS search_articles (doc BIGINT, id VARCHAR, len INTEGER)",
    "CREATE TABLE IF NOT EXISTS search_event_terms (term VARCHAR, doc BIGINT, tf USMALLINT)",
    "CREATE TABLE IF NOT EXISTS search_article_terms (term VARCHAR, doc BIGINT, tf USMALLINT)",
]
DERIVED_TABLES = ("event_list", "event_articles", "search_events", "search_articles", "search_event_terms",
                  "search_article_terms")

# The list row of an event, from its record's columns. ``disputed`` and ``independent_sources`` follow
# ``export.views.is_disputed``/``independent_sources``; ``reviewed`` and ``changed_at`` read the decisions
# tied to the event (by id or by one of its mentions) and its articles' storage times.
_EVENT_LIST_SELECT = """
SELECT e.id, e.event_date, e.event_type, e.sub_event_type, e.actor1, e.actor2,
  e.place->>'name', e.place->>'admin1', e.place->>'country',
  coalesce(e.place->>'acled_country', e.place->>'country'), e.place->>'iso3',
  TRY_CAST(e.place->>'latitude' AS DOUBLE), TRY_CAST(e.place->>'longitude' AS DOUBLE),
  coalesce(e.fatalities, 0), e.fatalities_low, e.fatalities_best, e.fatalities_high,
  coalesce(e.disputed, false) OR coalesce(list_bool_or(list_transform(CAST(e.figures->'$[*]' AS JSON[]),
    lambda f: f->>'field' <> 'other' AND coalesce(TRY_CAST(f->>'disputed' AS BOOLEAN), false))), false),
  greatest(coalesce(e.independent_sources, 0), CASE WHEN json_array_length(e.sources) > 0 THEN 1 ELSE 0 END),
  coalesce(e.reviewed, false) OR coalesce(d.confirmed, false), e.status, greatest(c.stored, d.decided)
FROM events e
LEFT JOIN (SELECT ea.event_id, max(a.ingested_at) AS stored FROM event_articles ea JOIN articles a
           ON a.id = ea.article_id GROUP BY ea.event_id) c ON c.event_id = e.id
LEFT JOIN (
  SELECT e2.id, bool_or(x.action = 'confirm') AS confirmed, max(TRY_CAST(x.made_at AS TIMESTAMPTZ))::TIMESTAMP
    AS decided
  FROM events e2 JOIN decisions x ON x.event_id = e2.id
    OR list_has_any(CAST(x.mention_ids AS VARCHAR[]), CAST(e2.mention_ids AS VARCHAR[]))
    OR list_has_any(CAST(x.other_mention_ids AS VARCHAR[]), CAST(e2.mention_ids AS VARCHAR[]))
    OR (x.action = 'irrelevant' AND list_has_any(CAST(x.article_ids AS VARCHAR[]), CAST(e2.article_ids AS VARCHAR[])))
  WHERE {where2} GROUP BY e2.id) d ON d.id = e.id
WHERE {where}
"""


def register(con: Any) -> None:
    """The search macros on a connection (temporary: every new connection to the file needs them)."""
    for sql in macros_sql():
        con.execute(sql)


def ensure(con: Any, *, writable: bool) -> None:
    """Create the derived tables and rebuild them when their version changed. A read-only store whose
    tables are missing or stale gets them as temporary tables for this connection (nothing is written)."""
    try:
        row = con.execute("SELECT value FROM meta WHERE key = 'derived_version'").fetchone()
    except duckdb.CatalogException:  # a read-only file that is not a store yet: nothing to derive
        return
    if row and row[0] == DERIVED_VERSION:
        return
    for sql in DDL:
        con.execute(sql if writable else sql.replace("CREATE ", "CREATE TEMP ", 1))
    rebuild(con, writable=writable)
    if writable:
        con.execute("INSERT OR REPLACE INTO meta VALUES ('derived_version', ?)", [DERIVED_VERSION])


def rebuild(con: Any, *, writable: bool = True) -> None:
    """Every derived table from the records (a new store, or a new ``DERIVED_VERSION``)."""
    for table in DERIVED_TABLES:
        con.execute(f"DELETE FROM {table}")
    refresh_events(con, None)
    index_articles(con, None)
    if writable:
        for table in ("search_event_terms", "search_article_terms"):
            _mark_sorted(con, table)  # each was written in term order


def refresh_events(con: Any, ids: Iterable[str] | None) -> None:
    """Recompute the derived rows of these events (all when None): removed events lose theirs."""
    if ids is None:
        where, where2, params = "true", "true", []
        for table in ("event_list", "event_articles", "search_events", "search_event_terms"):
            con.execute(f"DELETE FROM {table}")
    else:
        id_list = sorted(set(ids))
        if not id_list:
            return
        con.execute("CREATE OR REPLACE TEMP TABLE _ids AS SELECT unnest(CAST(? AS VARCHAR[])) AS id", [id_list])
        where, where2, params = "e.id IN (SELECT id FROM _ids)", "e2.id IN (SELECT id FROM _ids)", []
        con.execute("DELETE FROM event_list WHERE id IN (SELECT id FROM _ids)")
        con.execute("DELETE FROM event_articles WHERE event_id IN (SELECT id FROM _ids)")
        con.execute("DELETE FROM search_event_terms WHERE doc IN (SELECT doc FROM search_events "
                    "WHERE id IN (SELECT id FROM _ids))")
        con.execute("DELETE FROM search_events WHERE id IN (SELECT id FROM _ids)")
    con.execute(f"INSERT INTO event_articles SELECT id, unnest(CAST(article_ids AS VARCHAR[])) FROM events e "
                f"WHERE {where}", params)
    con.execute("INSERT INTO event_list " + _EVENT_LIST_SELECT.format(where=where, where2=where2), params)
    # what a search finds an event by: its note, actors, place and types
    text = ("concat_ws(' ', e.notes, e.actor1, e.actor2, e.place->>'name', e.place->>'admin1', "
            "e.place->>'country', e.place->>'acled_country', e.sub_event_type, e.event_type)")
    _index(con, "events e", "e.id", text, f"WHERE {where}", params, "search_events", "search_event_terms")


def index_articles(con: Any, ids: Sequence[str] | None) -> None:
    """Add these articles (all not yet indexed when None) to the full-text index: title and text."""
    where = "WHERE a.id NOT IN (SELECT id FROM search_articles)"
    params: list[Any] = []
    if ids is not None:
        if not ids:
            return
        where += " AND a.id IN (SELECT unnest(CAST(? AS VARCHAR[])))"
        params = [list(ids)]
    _index(con, "articles a", "a.id", "concat_ws(' ', a.title, a.text)", where, params, "search_articles",
           "search_article_terms")


def _index(con: Any, source: str, key: str, text: str, where: str, params: list[Any], docs: str,
           terms: str) -> None:
    con.execute("CREATE OR REPLACE TEMP TABLE _terms AS " + terms_select(source, key, text, where), params)
    con.execute(f"INSERT INTO {docs} SELECT nextval('search_doc_seq'), k, count(*) FROM _terms GROUP BY k")
    con.execute(f"INSERT INTO {terms} SELECT t.term, d.doc, least(count(*), 65535) FROM _terms t "
                f"JOIN {docs} d ON d.id = t.k GROUP BY t.term, d.doc ORDER BY t.term")
    con.execute("DROP TABLE _terms")


def sort_terms(con: Any, table: str) -> None:
    """Rewrite a term table sorted by term (so a query's terms are read from a few blocks only)."""
    con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM {table} ORDER BY term, doc")
    _mark_sorted(con, table)


def _mark_sorted(con: Any, table: str) -> None:
    n = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [f"sorted_rows:{table}", str(n)])


def keep_sorted(con: Any) -> None:
    """Sort a term table again once the rows appended since its last sort pass a fifth of it."""
    for table in ("search_event_terms", "search_article_terms"):
        n = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        row = con.execute("SELECT value FROM meta WHERE key = ?", [f"sorted_rows:{table}"]).fetchone()
        if n - int(row[0] if row else 0) > max(50_000, n // 5):
            sort_terms(con, table)


def event_ids_of_decision(con: Any, event_id: str | None, mention_ids: Sequence[str],
                          article_ids: Sequence[str]) -> list[str]:
    """The events a decision is about (the list rows whose review state or last change it alters)."""
    rows = con.execute(
        "SELECT id FROM events WHERE id = ? OR list_has_any(CAST(mention_ids AS VARCHAR[]), CAST(? AS VARCHAR[])) "
        "OR list_has_any(CAST(article_ids AS VARCHAR[]), CAST(? AS VARCHAR[]))",
        [event_id or "", list(mention_ids), list(article_ids)]).fetchall()
    return [r[0] for r in rows]


__all__ = ["DERIVED_VERSION", "STOPWORDS", "ensure", "event_ids_of_decision", "index_articles", "keep_sorted",
           "rebuild", "refresh_events", "sort_terms", "stem", "words"]
