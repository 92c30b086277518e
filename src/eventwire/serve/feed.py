"""Announcing changes from the review app: the Atom feed of new and changed events (``/feed.atom``, filtered like
the event list), each event's history, and what is new or changed since a reviewer's last visit.

The feed has one entry per event and run that changed it (newest first): its title says what and where, its
content lists the changes in words with their causes. It follows the app's rules: with accounts on, a feed
reader logs in with HTTP Basic (a user's name and password or token; failed tries are rate limited as logins
are) or a session cookie. Visits are kept per user in the store when accounts are on; without accounts the
browser keeps its own (``app.js``), and ``/api/visit`` says so.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi.responses import JSONResponse, Response

from eventwire import __version__, export
from eventwire.errors import Errors, UsageError
from eventwire.model import EventChange
from eventwire.serve import auth
from eventwire.settings import Settings
from eventwire.store import Store, history, queries, watching

ATOM = "http://www.w3.org/2005/Atom"
MAX_ENTRIES = 500
# changes read per entry asked for (a run usually makes a few per event)
CHANGES_PER_ENTRY = 20


def utc_time(text: str | None, option: str) -> str | None:
    """A time from a request (ISO 8601, UTC when it has no zone) as the change log writes times, without the Z."""
    if not text:
        return None
    try:
        when = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(Errors.E242, value=text[:40], field=option, expected="a time, YYYY-MM-DDTHH:MM:SSZ") from None
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC).replace(tzinfo=None)
    return when.isoformat(timespec="seconds")


def _resolved(alias: str = "c.event_id") -> str:
    """SQL: the event a change is about now (an id that went away is told under the event it lives on in)."""
    return f"coalesce((SELECT a.event_id FROM event_aliases a WHERE a.alias = {alias}), {alias})"


def recent(con: Any, where: queries.Where, limit: int) -> list[tuple[str, list[EventChange]]]:
    """(event id, its changes of one run, newest first) for the latest runs' changes of the events that pass."""
    clause, params = where.sql()
    cols = ", ".join(f'c."{c}"' for c in history.CHANGE_COLUMNS)
    rows = con.execute(
        f"SELECT {_resolved()} AS now_id, {cols} FROM event_changes c "
        f"WHERE {_resolved()} IN (SELECT id FROM event_list WHERE {clause}) ORDER BY c.seq DESC LIMIT ?",
        [*params, limit * CHANGES_PER_ENTRY]).fetchall()
    groups: dict[tuple[str, str], list[EventChange]] = {}
    for row in rows:
        c = history.read_row(row[1:])
        groups.setdefault((row[0], c.run_id), []).append(c)
    return [(eid, cs) for (eid, _), cs in list(groups.items())[:limit]]


def atom(con: Any, where: queries.Where, *, limit: int, self_url: str, app_url: str, title: str) -> bytes:
    """The Atom feed (RFC 4287) of the latest changes of the events that pass ``where``."""
    ET.register_namespace("", ATOM)
    groups = recent(con, where, limit)
    labels = queries.list_rows(con, sorted({eid for eid, _ in groups}))
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "title", title)
    _text(feed, "id", f"urn:eventwire:{_slug(title)}:changes")
    newest = max((c.at for _, cs in groups for c in cs), default=None)
    _text(feed, "updated", newest or dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=self_url, type="application/atom+xml")
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", href=app_url, type="text/html")
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", "eventwire")
    gen = _text(feed, "generator", "eventwire")
    gen.set("version", __version__)
    for eid, cs in groups:
        row = labels.get(eid, {})
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        place = ", ".join(x for x in (row.get("location"), row.get("acled_country")) if x)
        kinds = sorted({c.kind for c in cs})
        what = "new event" if any(c.kind == "created" and not c.other_event_id for c in cs) else "changed"
        _text(entry, "title", f"{row.get('event_date') or 'undated'} {row.get('sub_event_type') or ''} in "
                              f"{place or '?'} ({what}: {export.change_text(cs[-1])})")
        _text(entry, "id", f"urn:eventwire:{_slug(title)}:{eid}:{cs[0].run_id or cs[0].seq}")
        _text(entry, "updated", cs[0].at)
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", type="text/html",
                      href=f"{app_url}#/event/{eid}")
        for kind in kinds:
            ET.SubElement(entry, f"{{{ATOM}}}category", term=kind)
        fatalities = row.get("fatalities_best") if row.get("fatalities_best") is not None else row.get("fatalities")
        lines = [f"{row.get('event_type') or ''} / {row.get('sub_event_type') or ''}, {place or 'no place'}, "
                 f"{row.get('event_date') or 'undated'}; fatalities {fatalities if fatalities is not None else 'none'}"
                 f"{' (disputed)' if row.get('disputed') else ''}; {row.get('independent_sources') or 0} independent "
                 f"source(s); run {cs[0].run_id}"]
        lines += [f"- {export.change_text(c)} ({c.cause})" for c in reversed(cs)]
        content = _text(entry, "content", "\n".join(lines))
        content.set("type", "text")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8")


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ATOM}}}{tag}")
    el.text = _xml_safe(text)
    return el


def _xml_safe(text: str) -> str:
    """XML 1.0 takes no control characters (an article's title may hold some)."""
    return "".join(c for c in text if c in "\t\n\r" or ord(c) >= 0x20)


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-." else "-" for c in text.lower())[:80]


def marks(con: Any, ids: list[str], since: str) -> dict[str, str]:
    """event id -> "new" (created since) or "changed" (another change since), for those of ``ids`` with any."""
    if not ids:
        return {}
    rows = con.execute(
        f"SELECT {_resolved()} AS now_id, bool_or(c.kind = 'created' AND c.other_event_id IS NULL "
        f"AND c.event_id = {_resolved()}) FROM event_changes c WHERE c.\"at\" >= ? GROUP BY now_id "
        "HAVING now_id IN (SELECT unnest(?))", [since, ids]).fetchall()
    return {eid: "new" if is_new else "changed" for eid, is_new in rows}


def counts(con: Any, where: queries.Where, since: str) -> dict[str, int]:
    """How many of the events that pass are new, and how many changed, since a time."""
    clause, params = where.sql()
    row = con.execute(
        f"WITH m AS (SELECT {_resolved()} AS now_id, bool_or(c.kind = 'created' AND c.other_event_id IS NULL "
        f"AND c.event_id = {_resolved()}) AS is_new FROM event_changes c WHERE c.\"at\" >= ? GROUP BY now_id) "
        f"SELECT count(*) FILTER (WHERE is_new), count(*) FILTER (WHERE NOT is_new) FROM m "
        f"WHERE now_id IN (SELECT id FROM event_list WHERE {clause})", [since, *params]).fetchone()
    return {"new": int(row[0] or 0), "changed": int(row[1] or 0)}


def event_history(con: Any, event_id: str) -> list[dict[str, Any]]:
    """An event's changes (and those of the events merged into it) as rows, oldest first."""
    return [export.change_row(c) for c in history.event_history(con, event_id)]


# --------------------------------------------------------------------------- routes


def _basic(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        name, _, secret = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return name[: auth.LONGEST_NAME], secret[:1024]


def install(app: FastAPI, settings: Settings, store: Callable[[], AbstractContextManager[Store]],
            where: Callable[..., queries.Where]) -> None:
    """Add the feed, the visits and the change counts to the review app (``where``: the list filters)."""
    failures = auth.FailedLogins()
    title = f"Changes to events in {settings.db.name}"

    def reader(request: Request) -> Response | None:
        """With accounts on: a session or HTTP Basic credentials, else 401 asking for them."""
        if not getattr(request.state, "accounts", False) or auth.current_user(request) is not None:
            return None
        given = _basic(request)
        client = f"ip:{request.client.host if request.client else '?'}"
        keys = (client, f"name:{given[0].strip().lower()}") if given else (client,)
        wait = failures.wait_s(*keys)
        if wait:
            return JSONResponse({"code": Errors.E252.code, "message": Errors.E252.format(
                name=given[0] if given else "", seconds=wait)}, status_code=429, headers={"Retry-After": str(wait)})
        if given:
            with store() as s:
                if auth.verify(s, given[0].strip(), given[1]) is not None:
                    return None
            failures.failed(*keys)
        return JSONResponse({"code": Errors.E250.code, "message": Errors.E250.format()}, status_code=401,
                            headers={"WWW-Authenticate": 'Basic realm="eventwire", charset="UTF-8"'})

    @app.get("/feed.atom", summary="Atom feed of new and changed events, newest first, filtered like the event list "
                                   "(with accounts on: a session, or HTTP Basic with a user's name and password)")
    def feed(request: Request, w: queries.Where = Depends(where),
             limit: int = Query(50, ge=1, le=MAX_ENTRIES, description="entries (an event and the run that changed "
                                                                       "it)")) -> Response:
        refused = reader(request)
        if refused is not None:
            return refused
        base = str(request.base_url)
        with store() as s:
            body = atom(s.con, w, limit=limit, self_url=str(request.url), app_url=base, title=title)
        return Response(body, media_type="application/atom+xml; charset=utf-8")

    @app.post("/api/visit", summary="Note a visit; returns when the visit before it was (what is new since); "
                                    "without accounts the browser keeps its own")
    def visit(request: Request) -> dict[str, Any]:
        user = auth.current_user(request)
        if user is None:
            return {"since": None, "kept_by": "browser"}
        with store() as s:
            previous = watching.visit(s.con, f"user:{user.name}")
        return {"since": previous.isoformat(timespec="seconds") + "Z" if previous else None, "kept_by": "user"}

    @app.get("/api/changes", summary="How many of the events that pass are new or changed since a time, and the "
                                     "latest changes")
    def changes(w: queries.Where = Depends(where),
                changed_since: str = Query(..., max_length=40, description="a time, YYYY-MM-DDTHH:MM:SSZ"),
                limit: int = Query(20, ge=0, le=MAX_ENTRIES)) -> dict[str, Any]:
        at = utc_time(changed_since, "changed_since")
        with store() as s:
            out: dict[str, Any] = counts(s.con, w, at or "")
            out["latest"] = [{"event_id": eid, "changes": [export.change_row(c) for c in cs]}
                             for eid, cs in recent(s.con, w, limit)] if limit else []
        out["changed_since"] = changed_since
        return out


__all__ = ["ATOM", "atom", "counts", "event_history", "install", "marks", "recent", "utc_time"]
