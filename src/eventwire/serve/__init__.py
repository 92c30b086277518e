"""The review web app: a JSON API over the store and the browser UI that uses it (``eventwire serve``).

Reviewers list, filter and map events, read each event's sources side by side with the evidence
sentences highlighted, and record decisions (confirm, edit a field, merge, split, mark an article
irrelevant), each kept with who, when and why, tied to mention and article ids. The store is opened
for each request and closed after it, so ``eventwire run`` can add articles while the app is up.

Article text, titles, outlets and URLs are untrusted: the API returns them as JSON data, the UI puts
them into the page only as text, and every response carries a Content-Security-Policy that allows
no inline script and no other origin (map tiles excepted, when configured).
"""

from __future__ import annotations

import datetime as dt
import importlib.resources
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI, Query, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from eventwire import __version__, export, pipeline
from eventwire.errors import Errors, EventwireError, UsageError
from eventwire.model import DECISION_ACTIONS, to_dict
from eventwire.serve.decisions import editable_fields, integer_fields, make_decision
from eventwire.settings import Settings
from eventwire.store import Store

# codes whose error means "no such thing" (HTTP 404) rather than a bad request
NOT_FOUND = {Errors.E204.code, Errors.E245.code, Errors.E301.code}


def web_files() -> Any:
    """The packaged folder of the UI's files (HTML, JS, CSS and the vendored Leaflet)."""
    return importlib.resources.files("eventwire") / "data" / "web"


def content_security_policy(map_tiles: str) -> str:
    """Only this app's own scripts, styles and API; images also from the map tiles' host when set."""
    tiles = urlsplit(map_tiles.replace("{s}", "a"))
    tile_origin = f" {tiles.scheme}://{tiles.netloc}" if map_tiles and tiles.scheme in ("http", "https") else ""
    return ("default-src 'none'; script-src 'self'; style-src 'self'; "
            f"img-src 'self' data:{tile_origin}; connect-src 'self'; base-uri 'none'; form-action 'self'; "
            "frame-ancestors 'none'")


class DecisionIn(BaseModel):
    """A reviewer's decision as the UI sends it (the event as the reviewer saw it)."""

    action: str = Field(description=f"one of {', '.join(DECISION_ACTIONS)}")
    reviewer: str = Field(description="who decides")
    reason: str = Field("", description="why; kept in the decision log")
    event_id: str | None = Field(None, description="the event reviewed (all actions but irrelevant need it)")
    field: str | None = Field(None, description="edit: the event field to set")
    value: Any = Field(None, description="edit: the new value (JSON)")
    other_event_id: str | None = Field(None, description="merge: the event merged with event_id")
    mention_ids: list[str] = Field(default_factory=list, description="split: the mentions to split off")
    article_id: str | None = Field(None, description="irrelevant: the article that reports no event")


def create_app(settings: Settings) -> FastAPI:
    """The app over the store at ``settings.db`` (the OpenAPI schema is at /openapi.json)."""
    app = FastAPI(title="eventwire review", version=__version__, docs_url=None, redoc_url=None,
                  description="Events, their sources and claims, and reviewers' decisions.")
    lock = threading.Lock()  # one store connection at a time: DuckDB allows one writer
    csp = content_security_policy(settings.map_tiles)
    local = settings.host in ("127.0.0.1", "localhost", "::1")

    @contextmanager
    def store() -> Iterator[Store]:
        if not settings.db.exists():
            raise UsageError(Errors.E301, path=settings.db)
        with lock, Store(settings.db) as s:
            yield s

    @app.middleware("http")
    async def guard(request: Request, call_next: Any) -> Response:
        host = (request.headers.get("host") or "").rsplit(":", 1)[0].strip("[]")
        if local and host not in ("127.0.0.1", "localhost", "::1"):
            # a page elsewhere that resolves its own name to this machine gets nothing (DNS rebinding)
            return JSONResponse({"message": "unknown host"}, status_code=400)
        if request.method not in ("GET", "HEAD"):
            origin = request.headers.get("origin")
            if origin and urlsplit(origin).netloc != request.headers.get("host"):
                return JSONResponse({"message": "cross-site request refused"}, status_code=403)
            if not (request.headers.get("content-type") or "").startswith("application/json"):
                return JSONResponse({"message": "send JSON"}, status_code=415)
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = csp
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        return response

    @app.exception_handler(EventwireError)
    async def coded_error(_request: Request, exc: EventwireError) -> JSONResponse:
        return JSONResponse({"code": exc.code, "message": str(exc)}, status_code=404 if exc.code in NOT_FOUND else 400)

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(str(web_files() / "index.html"), media_type="text/html")

    app.mount("/static", StaticFiles(directory=str(web_files())), name="static")

    @app.get("/api/meta", summary="What the UI needs to know: editable fields, actions, map tiles")
    def meta() -> dict[str, Any]:
        return {"title": f"Events in {settings.db.name}", "version": __version__, "map_tiles": settings.map_tiles,
                # the UI edits plain values; the place (a record) is edited through the API alone
                "actions": list(DECISION_ACTIONS), "editable_fields": [f for f in editable_fields() if f != "place"],
                "integer_fields": integer_fields()}

    @app.get("/api/events", summary="Events (ACLED columns, then eventwire's), filtered like 'eventwire export'")
    def events(since: str | None = Query(None, description="YYYY-MM-DD"),
               until: str | None = Query(None, description="YYYY-MM-DD"),
               country: str | None = None, event_type: str | None = None, disputed: bool = False,
               min_sources: int = 0) -> dict[str, Any]:
        flt = export.EventFilter(since=_date(since, "since"), until=_date(until, "until"), country=country,
                                 event_type=event_type, disputed=disputed, min_sources=min_sources)
        with store() as s:
            ctx = export.Context(claims={c.id: c for c in s.claims()}, decisions=tuple(s.decisions()))
            found = flt.apply(s.events())
        rows = [export.event_row(e, export.acled_notes(e, ctx.claims, ctx.episodes), ctx) for e in found]
        return {"total": len(rows), "events": rows}

    @app.get("/api/events/{event_id}", summary="One event with its claims, sources (text and evidence) and "
                                               "decisions")
    def event(event_id: str) -> dict[str, Any]:
        with store() as s:
            e = s.event(event_id)
            if e is None:
                raise UsageError(Errors.E204, event_id=event_id, db=settings.db.name)
            mentions = {m.id: m for m in s.mentions(e.article_ids)}
            ctx = export.Context(claims={c.id: c for m in mentions.values() for c in m.claims}, mentions=mentions,
                                 articles={a.id: a for a in s.articles(e.article_ids)},
                                 decisions=tuple(s.decisions()),
                                 episodes={p.id: p for p in s.episodes([e.episode_id] if e.episode_id else [])})
        return export.event_record(e, ctx, with_text=True)

    @app.get("/api/stories/{story_id}", summary="One story: its articles, events and copy/rewrite relations")
    def story(story_id: str) -> dict[str, Any]:
        with store() as s:
            found = next((x for x in s.stories() if x.id == story_id), None)
            if found is None:
                raise UsageError(Errors.E204, event_id=story_id, db=settings.db.name)
            return export.story_record(found, {a.id: a for a in s.articles(found.article_ids)},
                                       {r.article_id: r for r in s.relations(found.article_ids)})

    @app.get("/api/decisions", summary="The decision log, oldest first")
    def decisions() -> dict[str, Any]:
        with store() as s:
            return {"decisions": [to_dict(d) for d in s.decisions()]}

    @app.post("/api/decisions", status_code=201, summary="Record a reviewer's decision")
    def decide(body: DecisionIn) -> dict[str, Any]:
        with store() as s:
            decision = make_decision(s, **body.model_dump())
            s.add_decision(decision)
            if settings.review_rebuild:
                pipeline.update_merged(s)
            # where the decision's mentions are now (a merge or split can change the event's id)
            now = [e.id for e in s.events() if set(decision.mention_ids) & set(e.mention_ids)]
        return {"decision": to_dict(decision), "event_ids": now}

    return app


def _date(value: str | None, option: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(Errors.E242, value=value, field=option, expected="a date, YYYY-MM-DD") from None


def serve(settings: Settings) -> None:
    """Run the app on ``settings.host``:``settings.port`` until interrupted."""
    import uvicorn

    if not settings.db.exists():
        raise UsageError(Errors.E301, path=settings.db)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="warning")


__all__ = ["DecisionIn", "content_security_policy", "create_app", "serve", "web_files"]
