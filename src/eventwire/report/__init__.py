"""One self-contained HTML report of the store (``eventwire report -o report.html``).

The file holds everything it shows: the events' rows, and the claims, sources and article texts of up
to 2,000 events (of a larger store: the 500 disputed or deadliest), as a JSON block, the review app's
scripts and styles, Leaflet and the basemap (Natural Earth's countries), all inline. It opens offline
from disk; map tiles appear under the basemap only when the ``map_tiles`` setting names them. Summary
figures, a timeline per day (week, month) with low-high bands, a map of clustered events over a country
choropleth, a paged, filterable and sortable event table, search, and per event its sources with every
evidence sentence highlighted in the article's text, its claims and its reviewers' decisions: the same
views as the review app, computed in the page (``local.js``) from the rows.

Article content is untrusted: the data block is JSON with ``<``, ``>`` and ``&`` escaped, so no text
can close the block; the script shows it only as text; a Content-Security-Policy allows exactly the
inline scripts and styles written here (by hash) and nothing else.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import json
from pathlib import Path
from typing import Any

from eventwire import __version__, export
from eventwire.serve import web_files
from eventwire.settings import Settings
from eventwire.store import Store, queries

# characters a JSON string may hold that would end or confuse an HTML <script> block
_SCRIPT_SAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


# A report holds every event's row up to ``MAX_ROWS`` (the most recent first), and each event's sources,
# claims and article texts up to ``ALL_DETAILS`` events; a larger report holds them for ``DETAILED`` events
# (the disputed ones first, then by toll). Rows take about 200 bytes each, so the largest file is about
# 20 MB plus the detailed events.
MAX_ROWS = 100_000
ALL_DETAILS = 2_000
DETAILED = 500
# the list row of an event in the report: the export's column names, from the store's list table
ROW_COLUMNS = {"event_id_cnty": "id", "event_date": "event_date", "event_type": "event_type",
               "sub_event_type": "sub_event_type", "actor1": "actor1", "actor2": "actor2", "location": "location",
               "admin1": "admin1", "country": "acled_country", "country_geonames": "country", "iso": "iso3",
               "latitude": "latitude", "longitude": "longitude", "fatalities": "fatalities",
               "fatalities_low": "fatalities_low", "fatalities_best": "fatalities_best",
               "fatalities_high": "fatalities_high", "disputed": "disputed",
               "independent_sources": "independent_sources", "reviewed": "reviewed"}


def _where(flt: export.EventFilter | None) -> queries.Where:
    f = flt or export.EventFilter()
    return queries.Where(since=f.since, until=f.until, country=f.country, event_type=f.event_type,
                         disputed=f.disputed, min_sources=f.min_sources)


def report_data(store: Store, settings: Settings, flt: export.EventFilter | None = None) -> dict[str, Any]:
    """Everything the report shows, as JSON-ready data: the events' rows (column-wise), the sources, claims and
    article texts of the detailed events (texts once, not once per event), their stories, the decision log
    and the basemap."""
    where = _where(flt)
    total, ids = queries.event_page(store.con, where, sort="date", descending=True, limit=MAX_ROWS)
    rows = queries.list_rows(store.con, ids)
    if total <= ALL_DETAILS:
        detailed = ids
    else:
        clause, params = where.sql()
        detailed = [r[0] for r in store.con.execute(
            f"SELECT id FROM event_list WHERE {clause} ORDER BY disputed DESC, coalesce(fatalities_best, "
            "fatalities) DESC NULLS LAST, event_date DESC NULLS LAST, id LIMIT ?", [*params, DETAILED]).fetchall()]
    events = store.events(detailed)
    article_ids = sorted({a for e in events for a in e.article_ids})
    mentions = {m.id: m for m in store.mentions(article_ids)}
    ctx = export.Context(claims={c.id: c for m in mentions.values() for c in m.claims}, mentions=mentions,
                         articles={a.id: a for a in store.articles(article_ids)},
                         decisions=tuple(store.decisions()),
                         episodes={p.id: p for p in store.episodes({e.episode_id for e in events if e.episode_id})})
    details = {e.id: export.event_record(e, ctx) for e in events}
    used = {s["article_id"] for d in details.values() for s in d["sources"]}
    relations = {r.article_id: r for r in store.relations(sorted(used))}
    story_ids = {e.story_id for e in events if e.story_id} | {r.story_id for r in relations.values() if r.story_id}
    found = store.stories(story_ids)
    in_stories = {a for st in found for a in st.article_ids}
    relations |= {r.article_id: r for r in store.relations(sorted(in_stories - set(relations)))}
    articles = ctx.articles | {a.id: a for a in store.articles(sorted(in_stories - set(ctx.articles)))}
    stories = {st.id: export.story_record(st, articles, relations) for st in found}
    left_out = total - len(ids)
    note = f"{total:,} events"
    if left_out:
        note += f"; this report holds the {len(ids):,} most recent (a report per country or period holds the rest)"
    if len(details) < len(ids):
        note += (f"; sources, claims and article texts of {len(details):,} of them (the disputed ones first, then by "
                 "toll)")
    return {
        "meta": {"title": f"Events in {settings.db.name}", "version": __version__, "map_tiles": settings.map_tiles,
                 "generated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "editable_fields": [],
                 "integer_fields": [], "note": note + ".", "events_total": total},
        "columns": list(ROW_COLUMNS),
        "rows": [[rows[i].get(col) for col in ROW_COLUMNS.values()] for i in ids if i in rows],
        "details": details,
        "articles": {aid: {"text": ctx.articles[aid].text} for aid in sorted(used) if aid in ctx.articles},
        "stories": stories,
        "decisions": export.rows_of("decisions", store)[0],
        "basemap": json.loads((web_files() / "basemap.json").read_text(encoding="utf-8")),
    }


def _script_json(data: Any) -> str:
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    for ch, esc in _SCRIPT_SAFE.items():
        text = text.replace(ch, esc)
    return text


def _hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii") + "'"


def render(data: dict[str, Any]) -> str:
    """The report page: the data block, then Leaflet and the app's script, inline, under a strict CSP."""
    web = web_files()
    style = (web / "leaflet" / "leaflet.css").read_text(encoding="utf-8") + (web / "app.css").read_text(
        encoding="utf-8")
    scripts = [(web / "leaflet" / "leaflet.js").read_text(encoding="utf-8"),
               (web / "local.js").read_text(encoding="utf-8"), (web / "app.js").read_text(encoding="utf-8")]
    tiles = data["meta"].get("map_tiles") or ""
    tile_origin = ""
    if tiles.startswith(("https://", "http://")):
        tile_origin = " " + "/".join(tiles.split("/")[:3])
    csp = (f"default-src 'none'; script-src {' '.join(_hash(s) for s in scripts)}; style-src {_hash(style)}; "
           f"img-src data:{tile_origin}; base-uri 'none'; form-action 'none'")
    title = html.escape(data["meta"]["title"])
    return "".join([
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{html.escape(csp)}\">\n",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
        f"<title>{title}</title>\n<style>{style}</style>\n</head>\n<body class=\"report\">\n",
        "<header><b>eventwire report</b> <nav><a href=\"#/\">Events</a> <a href=\"#/disputes\">Disputes</a> "
        "<a href=\"#/decisions\">Decision log</a></nav></header>\n<main id=\"main\"></main>\n",
        f"<script type=\"application/json\" id=\"eventwire-data\">{_script_json(data)}</script>\n",
        *(f"<script>{s}</script>\n" for s in scripts),
        "</body>\n</html>\n",
    ])


def report(settings: Settings, out: Path | str, flt: export.EventFilter | None = None) -> int:
    """Write the report of the store at ``settings.db`` to ``out``; returns the number of events in it."""
    with Store(settings.db, read_only=True) as store:
        data = report_data(store, settings, flt)
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(data), encoding="utf-8")
    return len(data["rows"])


__all__ = ["render", "report", "report_data"]
