"""Reads for the review app and the report at scale: one page of events, counts and figures, a timeline,
map clusters, regions and full-text search, each one SQL query over the derived tables (``derived``).

The filters mean what ``export.EventFilter`` means (the same conditions as ``eventwire export``); here
they are SQL over ``event_list`` so a page of 100,000 events never leaves DuckDB.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass
from typing import Any

from eventwire.store.derived import terms_select

# sort key -> SQL (ties by id; missing values last)
SORTS = {
    "date": "event_date",
    "fatalities": "coalesce(fatalities_best, fatalities)",
    "sources": "independent_sources",
    "changed": "changed_at",
}
CLUSTER_PX = 64  # a map cluster is one cell of this many screen pixels on a side
MAX_BUCKETS = 400  # a timeline has at most about this many bars: days, else weeks, else months


@dataclass(frozen=True)
class Where:
    """The list filters (as ``export.EventFilter``), plus a map window."""

    since: dt.date | None = None
    until: dt.date | None = None
    country: str | None = None  # name as the gazetteer or ACLED writes it, or ISO3
    event_type: str | None = None  # event type or sub-event type
    disputed: bool = False
    min_sources: int = 0
    bbox: tuple[float, float, float, float] | None = None  # west, south, east, north

    def sql(self) -> tuple[str, list[Any]]:
        """A WHERE clause over ``event_list`` and its parameters."""
        parts, params = ["true"], []
        if self.since:
            parts.append("event_date >= ?")
            params.append(self.since)
        if self.until:
            parts.append("event_date <= ?")
            params.append(self.until)
        if self.country and self.country.strip():
            parts.append("lower(trim(?)) IN (lower(country), lower(acled_country), lower(iso3))")
            params.append(self.country)
        if self.event_type and self.event_type.strip():
            parts.append("lower(trim(?)) IN (lower(event_type), lower(sub_event_type))")
            params.append(self.event_type)
        if self.disputed:
            parts.append("disputed")
        if self.min_sources:
            parts.append("independent_sources >= ?")
            params.append(self.min_sources)
        if self.bbox:
            west, south, east, north = self.bbox
            parts.append("latitude BETWEEN ? AND ?")
            params += [south, north]
            if east - west < 360:
                west = (west + 180) % 360 - 180
                east = (east + 180) % 360 - 180
                parts.append("(longitude BETWEEN ? AND ?)" if west <= east else "(longitude >= ? OR longitude <= ?)")
                params += [west, east]
        return " AND ".join(parts), params


def event_page(con: Any, where: Where, *, sort: str = "date", descending: bool = True, limit: int = 50,
               offset: int = 0) -> tuple[int, list[str]]:
    """(how many events pass, the ids of one page of them in order)."""
    clause, params = where.sql()
    key = SORTS[sort]
    order = f"{key} {'DESC' if descending else 'ASC'} NULLS LAST, id {'DESC' if descending else 'ASC'}"
    total = con.execute(f"SELECT count(*) FROM event_list WHERE {clause}", params).fetchone()[0]
    rows = con.execute(f"SELECT id FROM event_list WHERE {clause} ORDER BY {order} LIMIT ? OFFSET ?",
                       [*params, limit, offset]).fetchall()
    return int(total), [r[0] for r in rows]


def summary(con: Any, where: Where) -> dict[str, Any]:
    """The figures over every event that passes: counts, fatality sums, disputed, reviewed, countries, dates."""
    clause, params = where.sql()
    row = con.execute(
        "SELECT count(*), sum(fatalities), sum(fatalities_best), sum(fatalities_low), "
        "sum(coalesce(fatalities_high, fatalities_best)), count(*) FILTER (WHERE disputed), "
        "count(*) FILTER (WHERE reviewed), count(DISTINCT acled_country), min(event_date), max(event_date), "
        "count(*) FILTER (WHERE latitude IS NOT NULL) "
        f"FROM event_list WHERE {clause}", params).fetchone()
    keys = ("events", "fatalities", "fatalities_best", "fatalities_low", "fatalities_high", "disputed", "reviewed",
            "countries", "first_date", "last_date", "with_coordinates")
    out = dict(zip(keys, row, strict=True))
    for k in keys:
        if isinstance(out[k], dt.date):
            out[k] = out[k].isoformat()
        elif out[k] is None and k not in ("first_date", "last_date"):
            out[k] = 0
        elif out[k] is not None and not isinstance(out[k], str):
            out[k] = int(out[k])
    return out


def facets(con: Any) -> dict[str, Any]:
    """What the filters offer: countries and types with their event counts, and the store's date range."""
    countries = con.execute("SELECT acled_country, count(*) n FROM event_list WHERE acled_country IS NOT NULL "
                            "GROUP BY ALL ORDER BY acled_country").fetchall()
    types = con.execute("SELECT t, count(*) FROM (SELECT event_type AS t FROM event_list UNION ALL "
                        "SELECT sub_event_type FROM event_list) WHERE t IS NOT NULL GROUP BY t ORDER BY t").fetchall()
    first, last = con.execute("SELECT min(event_date), max(event_date) FROM event_list").fetchone()
    return {"countries": [{"name": c, "events": int(n)} for c, n in countries],
            "event_types": [{"name": t, "events": int(n)} for t, n in types],
            "first_date": first.isoformat() if first else None, "last_date": last.isoformat() if last else None}


def timeline(con: Any, where: Where) -> dict[str, Any]:
    """Events and fatalities per day (per week or month over long spans): count, best, low, high, disputed."""
    clause, params = where.sql()
    first, last = con.execute(f"SELECT min(event_date), max(event_date) FROM event_list WHERE {clause}",
                              params).fetchone()
    if first is None:
        return {"unit": "day", "buckets": []}
    span = (last - first).days + 1
    unit = "day" if span <= MAX_BUCKETS else "week" if span <= MAX_BUCKETS * 7 else "month"
    rows = con.execute(
        f"SELECT date_trunc('{unit}', event_date)::DATE b, count(*), sum(coalesce(fatalities_best, 0)), "
        "sum(coalesce(fatalities_low, fatalities_best, 0)), sum(coalesce(fatalities_high, fatalities_best, 0)), "
        "count(*) FILTER (WHERE disputed), arg_max(id, coalesce(fatalities_best, 0)) "
        f"FROM event_list WHERE {clause} AND event_date IS NOT NULL GROUP BY b ORDER BY b", params).fetchall()
    return {"unit": unit, "buckets": [
        {"date": b.isoformat(), "events": int(n), "best": int(best), "low": int(low), "high": int(high),
         "disputed": int(d), "top_event": top} for b, n, best, low, high, d, top in rows]}


def clusters(con: Any, where: Where, zoom: int) -> dict[str, Any]:
    """Events grouped in square cells of ``CLUSTER_PX`` screen pixels at this zoom (Web Mercator): per cell
    the count, the middle and extent of its events, fatalities, disputed events, and its largest event."""
    clause, params = where.sql()
    scale = 256 * 2 ** max(0, min(zoom, 20))
    rows = con.execute(
        f"WITH p AS (SELECT *, (longitude + 180) / 360 * {scale} AS x, "
        f"(1 - ln(tan(radians(latitude)) + 1 / cos(radians(latitude))) / pi()) / 2 * {scale} AS y "
        f"FROM event_list WHERE {clause} AND latitude BETWEEN -85 AND 85 "
        "AND longitude IS NOT NULL) "
        "SELECT count(*), avg(latitude), avg(longitude), min(latitude), min(longitude), max(latitude), "
        "max(longitude), sum(coalesce(fatalities_best, fatalities, 0)), count(*) FILTER (WHERE disputed), "
        "arg_max({'id': id, 'date': event_date, 'type': sub_event_type, 'place': location, 'country': "
        "acled_country}, coalesce(fatalities_best, fatalities, 0)) "
        f"FROM p GROUP BY floor(x / {CLUSTER_PX}), floor(y / {CLUSTER_PX}) ORDER BY 1 DESC", params).fetchall()
    cells = []
    for n, lat, lon, s, w, nn, e, fat, disputed, top in rows:
        cells.append({"count": int(n), "latitude": round(lat, 5), "longitude": round(lon, 5),
                      "bounds": [[s, w], [nn, e]], "fatalities": int(fat), "disputed": int(disputed),
                      "top": {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in top.items()}})
    return {"zoom": zoom, "cells": cells, "events": sum(c["count"] for c in cells)}


def regions(con: Any, where: Where, level: str = "country") -> dict[str, Any]:
    """Events and fatalities per country (by ISO3) or per first-level unit (with the middle of its events)."""
    clause, params = where.sql()
    if level == "admin1":
        rows = con.execute(
            "SELECT iso3, any_value(acled_country), admin1, count(*), sum(fatalities), "
            "sum(coalesce(fatalities_best, fatalities, 0)), count(*) FILTER (WHERE disputed), avg(latitude), "
            f"avg(longitude) FROM event_list WHERE {clause} AND admin1 IS NOT NULL GROUP BY iso3, admin1 "
            "ORDER BY 4 DESC", params).fetchall()
        return {"level": level, "regions": [
            {"iso3": i, "country": c, "admin1": a, "events": int(n), "fatalities": int(f or 0),
             "fatalities_best": int(b or 0), "disputed": int(d), "latitude": lat, "longitude": lon}
            for i, c, a, n, f, b, d, lat, lon in rows]}
    rows = con.execute(
        "SELECT iso3, any_value(acled_country), count(*), sum(fatalities), sum(coalesce(fatalities_best, "
        f"fatalities, 0)), count(*) FILTER (WHERE disputed) FROM event_list WHERE {clause} AND iso3 IS NOT NULL "
        "GROUP BY iso3 ORDER BY 3 DESC", params).fetchall()
    return {"level": "country", "regions": [
        {"iso3": i, "country": c, "events": int(n), "fatalities": int(f or 0), "fatalities_best": int(b or 0),
         "disputed": int(d)} for i, c, n, f, b, d in rows]}


def query_terms(con: Any, text: str) -> list[str]:
    """A search's terms, made as the documents' are (``derived``): distinct, in their order in the text."""
    rows = con.execute(terms_select("(SELECT 1 AS id, CAST(? AS VARCHAR) AS t)", "id", "t", ""),
                       [text]).fetchall()
    return list(dict.fromkeys(r[1] for r in rows))


def search(con: Any, terms: list[str], kind: str, limit: int = 20) -> tuple[int, list[tuple[str, float, int]]]:
    """(documents holding every term, the best ``limit`` as (id, BM25 score, terms matched)) among the events
    or the articles. Documents holding only some of the terms follow those that hold all."""
    if not terms:
        return 0, []
    docs, postings = ("search_events", "search_event_terms") if kind == "event" else (
        "search_articles", "search_article_terms")
    marks = ", ".join("?" for _ in terms)
    # k1 = 1.2, b = 0.75 (BM25's usual constants)
    rows = con.execute(
        f"WITH p AS (SELECT term, doc, tf FROM {postings} WHERE term IN ({marks})), "
        "df AS (SELECT term, count(*) AS df FROM p GROUP BY term), "
        f"n AS (SELECT count(*) AS n, avg(len) AS avgdl FROM {docs}), "
        "s AS (SELECT p.doc, sum(ln(1 + (n.n - df.df + 0.5) / (df.df + 0.5)) * p.tf * 2.2 "
        "/ (p.tf + 1.2 * (0.25 + 0.75 * d.len / n.avgdl))) AS score, count(*) AS matched "
        f"FROM p JOIN df USING (term) JOIN {docs} d USING (doc) CROSS JOIN n GROUP BY p.doc) "
        f"SELECT d.id, s.score, s.matched, (SELECT count(*) FROM s WHERE matched = ?) FROM s JOIN {docs} d "
        "USING (doc) ORDER BY s.matched DESC, s.score DESC, d.id LIMIT ?",
        [*terms, len(terms), limit]).fetchall()
    total = int(rows[0][3]) if rows else 0
    return total, [(r[0], float(r[1]), int(r[2])) for r in rows]


def articles_events(con: Any, article_ids: list[str]) -> dict[str, list[str]]:
    """article id -> the events that cite it."""
    rows = con.execute("SELECT article_id, event_id FROM event_articles WHERE article_id IN (SELECT unnest(?)) "
                       "ORDER BY article_id, event_id", [article_ids]).fetchall()
    out: dict[str, list[str]] = {}
    for a, e in rows:
        out.setdefault(a, []).append(e)
    return out


def event_evidence(con: Any, ids: list[str]) -> dict[str, tuple[str, list[dict[str, Any]]]]:
    """event id -> (its note, the first evidence sentence of each of its mentions with the article's id)."""
    rows = con.execute(
        "WITH em AS (SELECT id, notes, unnest(CAST(mention_ids AS VARCHAR[])) AS mid FROM events "
        "WHERE id IN (SELECT unnest(?))) "
        "SELECT em.id, any_value(em.notes), list({'article_id': m.article_id, 'evidence': m.evidence->'$[0]'} "
        "ORDER BY m.article_id) FILTER (WHERE m.id IS NOT NULL) FROM em LEFT JOIN mentions m ON m.id = em.mid "
        "GROUP BY em.id", [ids]).fetchall()
    out = {}
    for eid, notes, found in rows:
        evidence = [json.loads(x["evidence"]) | {"article_id": x["article_id"]} for x in found or []
                    if x["evidence"] is not None]
        out[eid] = (notes or "", evidence)
    return out


def article_evidence(con: Any, cited: dict[str, list[str]]) -> dict[tuple[str, str], dict[str, Any]]:
    """(article id, event id) -> the first evidence sentence the article gives for the event, for the events
    that cite each article (``articles_events``)."""
    event_ids = sorted({e for es in cited.values() for e in es})
    if not event_ids:
        return {}
    rows = con.execute(
        "WITH em AS (SELECT id AS event_id, unnest(CAST(mention_ids AS VARCHAR[])) AS mid FROM events "
        "WHERE id IN (SELECT unnest(?))) "
        "SELECT m.article_id, em.event_id, arg_min(m.evidence->'$[0]', m.mention_index) FROM em "
        "JOIN mentions m ON m.id = em.mid WHERE m.article_id IN (SELECT unnest(?)) GROUP BY ALL",
        [event_ids, sorted(cited)]).fetchall()
    return {(a, e): json.loads(ev) for a, e, ev in rows if ev is not None and e in cited.get(a, ())}


def articles_meta(con: Any, article_ids: list[str]) -> dict[str, dict[str, Any]]:
    """article id -> title, outlet, url, publication date and text."""
    cur = con.execute("SELECT id, title, outlet, url, published, text FROM articles WHERE id IN (SELECT unnest(?))",
                      [article_ids])
    return {r[0]: {"title": r[1], "outlet": r[2], "url": r[3], "published": r[4].isoformat() if r[4] else None,
                   "text": r[5]} for r in cur.fetchall()}


def list_rows(con: Any, ids: list[str]) -> dict[str, dict[str, Any]]:
    """The list rows (``event_list``) of these events, by id."""
    cur = con.execute("SELECT * FROM event_list WHERE id IN (SELECT unnest(?))", [ids])
    names = [d[0] for d in cur.description]
    out = {}
    for row in cur.fetchall():
        r = dict(zip(names, row, strict=True))
        for k, v in r.items():
            if isinstance(v, (dt.date, dt.datetime)):
                r[k] = v.isoformat()
            elif isinstance(v, float) and math.isnan(v):
                r[k] = None
        out[r["id"]] = r
    return out


__all__ = ["SORTS", "Where", "article_evidence", "articles_events", "articles_meta", "clusters", "event_evidence",
           "event_page", "facets", "list_rows", "query_terms", "regions", "search", "summary", "timeline"]
