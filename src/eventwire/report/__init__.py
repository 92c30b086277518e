"""One self-contained HTML report of the store (``eventwire report -o report.html``).

The file holds everything it shows: the events, their claims, sources and article texts as a JSON
block, the review app's script and styles, and Leaflet, all inline. It opens offline from disk: the
map is then a plain coordinate grid with the events on it, and OpenStreetMap tiles appear under it
when the machine is online (``map_tiles`` setting; empty for none). Summary figures, a timeline with
low-high bands, a filterable event table, and per event its sources with every evidence sentence
highlighted in the article's text, its claims and its reviewers' decisions.

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
from eventwire.store import Store

# characters a JSON string may hold that would end or confuse an HTML <script> block
_SCRIPT_SAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def report_data(store: Store, settings: Settings, flt: export.EventFilter | None = None) -> dict[str, Any]:
    """Everything the report shows, as JSON-ready data (article texts once, not once per event)."""
    ctx = export.context(store)
    events = (flt or export.EventFilter()).apply(store.events())
    details = {e.id: export.event_record(e, ctx) for e in events}
    used = {s["article_id"] for d in details.values() for s in d["sources"]}
    relations = {r.article_id: r for r in store.relations()}
    stories = {s.id: export.story_record(s, ctx.articles, relations) for s in store.stories()
               if set(s.event_ids) & set(details) or set(s.article_ids) & used}
    return {
        "meta": {"title": f"Events in {settings.db.name}", "version": __version__, "map_tiles": settings.map_tiles,
                 "generated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "editable_fields": [],
                 "integer_fields": []},
        "events": [{k: v for k, v in d.items() if k not in ("claims", "sources", "decisions")}
                   for d in details.values()],
        "details": details,
        "articles": {aid: {"text": ctx.articles[aid].text} for aid in sorted(used) if aid in ctx.articles},
        "stories": stories,
        "decisions": [d for d in export.rows_of("decisions", store)[0]],
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
               (web / "app.js").read_text(encoding="utf-8")]
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
    return len(data["events"])


__all__ = ["render", "report", "report_data"]
