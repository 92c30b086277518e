"""The review web app: a JSON API over the store and the browser UI that uses it (``eventwire serve``).

Reviewers list, filter and map events, read each event's sources side by side with the evidence
sentences highlighted, and record decisions (confirm, edit a field, merge, split, mark an article
irrelevant), each kept with who, when and why, tied to mention and article ids. Lists, figures, the map
and search are computed in the store a page at a time (``store.queries``). The store is opened by the
first request of a page and closed a second after the last, so ``eventwire run`` can add articles while
the app is up: a request waits for the run's commit in progress, never for the whole run.

Article text, titles, outlets and URLs are untrusted: the API returns them as JSON data, the UI puts
them into the page only as text, and every response carries a Content-Security-Policy that allows
no inline script and no other origin (map tiles excepted, when configured).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib.resources
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from fastapi import Depends, FastAPI, Path, Query, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from eventwire import __version__, export, pipeline
from eventwire.errors import Errors, EventwireError, UsageError, choice_error
from eventwire.model import DECISION_ACTIONS, to_dict
from eventwire.serve import auth, feed, listing
from eventwire.serve.decisions import LONGEST_NAME, LONGEST_REASON, editable_fields, integer_fields, make_decision
from eventwire.settings import Settings
from eventwire.store import Store, queries, run_lock

# codes whose error means "no such thing" (HTTP 404) rather than a bad request
NOT_FOUND = {Errors.E204.code, Errors.E245.code, Errors.E301.code}
MAX_PAGE = 500  # events in one page of the list


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


# longest id, field name or filter value a request may carry
LONGEST_ID = 200


class DecisionIn(BaseModel):
    """A reviewer's decision as the UI sends it (the event as the reviewer saw it)."""

    action: str = Field(max_length=20, description=f"one of {', '.join(DECISION_ACTIONS)}")
    reviewer: str = Field("", max_length=LONGEST_NAME,
                          description="who decides; with accounts on, the logged-in user, whatever this says")
    reason: str = Field("", max_length=LONGEST_REASON, description="why; kept in the decision log")
    event_id: str | None = Field(None, max_length=LONGEST_ID,
                                 description="the event reviewed (all actions but irrelevant need it)")
    field: str | None = Field(None, max_length=LONGEST_ID, description="edit: the event field to set")
    value: Any = Field(None, description="edit: the new value (JSON; the request body is size-limited)")
    other_event_id: str | None = Field(None, max_length=LONGEST_ID, description="merge: the event merged with event_id")
    mention_ids: list[str] = Field(default_factory=list, max_length=10_000,
                                   description="split: the mentions to split off")
    article_id: str | None = Field(None, max_length=LONGEST_ID,
                                   description="irrelevant: the article that reports no event")


def create_app(settings: Settings) -> FastAPI:
    """The app over the store at ``settings.db`` (the OpenAPI schema is at /openapi.json)."""
    app = FastAPI(title="eventwire review", version=__version__, docs_url=None, redoc_url=None,
                  description="Events, their sources and claims, and reviewers' decisions.")
    csp = content_security_policy(settings.map_tiles)
    local = settings.host in ("127.0.0.1", "localhost", "::1")
    held = _HeldStore(settings.db, settings.store_wait)
    app.router.on_shutdown.append(held.close)

    @contextmanager
    def store(write: bool = False) -> Iterator[Store]:
        if not settings.db.exists():
            raise UsageError(Errors.E301, path=settings.db)
        with held.use() as s:
            yield s

    # accounts (login, sessions, roles) inside the request checks below, the body limit outermost
    auth.install(app, settings, store, web_files())
    app.add_exception_handler(auth.Refused, auth.refused_handler)
    feed.install(app, settings, store, _where)  # /feed.atom, visits, what changed since

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

    @app.get("/api/meta", summary="What the UI needs to know: editable fields, actions, map tiles, who is logged in")
    def meta(request: Request) -> dict[str, Any]:
        user = auth.current_user(request)
        return {"title": f"Events in {settings.db.name}", "version": __version__, "map_tiles": settings.map_tiles,
                "user": user.public() if user else None,
                # the UI edits plain values; the place (a record) is edited through the API alone
                "actions": list(DECISION_ACTIONS), "editable_fields": [f for f in editable_fields() if f != "place"],
                "integer_fields": integer_fields()}

    @app.get("/api/events", summary="One page of events (ACLED columns, then eventwire's), filtered like "
                                     "'eventwire export', sorted, with how many pass")
    def events(where: queries.Where = Depends(_where),
               sort: str = Query("date", description=f"one of {', '.join(queries.SORTS)} (last change)"),
               order: str = Query("desc", description="asc or desc"),
               limit: int = Query(50, ge=1, le=MAX_PAGE, description="events per page"),
               offset: int = Query(0, ge=0, description="events to skip"),
               changed_since: str | None = Query(None, max_length=40, description="mark each event 'new' or "
                                                 "'changed' since this time (``change``)")) -> dict[str, Any]:
        if sort not in queries.SORTS:
            raise choice_error("sort", sort, queries.SORTS)
        if order not in ("asc", "desc"):
            raise choice_error("order", order, ("asc", "desc"))
        with store() as s:
            out = listing.page(s, where, sort=sort, descending=order == "desc", limit=limit, offset=offset)
            if changed_since:
                marked = feed.marks(s.con, [r["event_id_cnty"] for r in out["events"]],
                                    feed.utc_time(changed_since, "changed_since") or "")
                for r in out["events"]:
                    r["change"] = marked.get(r["event_id_cnty"])
            return out

    @app.get("/api/summary", summary="Figures over every event that passes the filters (counted in the store)")
    def summary(where: queries.Where = Depends(_where)) -> dict[str, Any]:
        with store() as s:
            return queries.summary(s.con, where)

    @app.get("/api/facets", summary="What the filters offer: countries and types with their counts, the date range")
    def facets() -> dict[str, Any]:
        with store() as s:
            return queries.facets(s.con)

    @app.get("/api/timeline", summary="Events and fatalities (best, low, high) per day, week or month")
    def timeline(where: queries.Where = Depends(_where)) -> dict[str, Any]:
        with store() as s:
            return queries.timeline(s.con, where)

    @app.get("/api/map", summary="Events clustered for one zoom level of the map (cells of 64 screen pixels)")
    def clusters(where: queries.Where = Depends(_where),
                 zoom: int = Query(2, ge=0, le=20, description="the map's zoom level"),
                 bbox: str | None = Query(None, description="west,south,east,north: only events inside")) -> dict[
                     str, Any]:
        with store() as s:
            return queries.clusters(s.con, dataclasses.replace(where, bbox=_bbox(bbox)), zoom)

    @app.get("/api/regions", summary="Events and fatalities per country (ISO3) or per first-level unit")
    def regions(where: queries.Where = Depends(_where),
                level: str = Query("country", description="country or admin1")) -> dict[str, Any]:
        if level not in ("country", "admin1"):
            raise choice_error("level", level, ("country", "admin1"))
        with store() as s:
            return queries.regions(s.con, where, level)

    @app.get("/api/search", summary="Full-text search: events (note, actors, place, types) and articles (title, "
                                     "text), best first, with the events an article is evidence of")
    def search(q: str = Query(..., min_length=1, max_length=500, description="words to find"),
               limit: int = Query(20, ge=1, le=100)) -> dict[str, Any]:
        with store() as s:
            return listing.search(s, q, limit)

    @app.get("/api/events/{event_id}", summary="One event with its claims, sources (text and evidence) and "
                                               "decisions")
    def event(event_id: str = Path(max_length=LONGEST_ID)) -> dict[str, Any]:
        with store() as s:
            e = s.event(event_id)
            if e is None:
                raise UsageError(Errors.E204, event_id=event_id, db=settings.db.name)
            mentions = {m.id: m for m in s.mentions(e.article_ids)}
            ctx = export.Context(claims={c.id: c for m in mentions.values() for c in m.claims}, mentions=mentions,
                                 articles={a.id: a for a in s.articles(e.article_ids)},
                                 decisions=tuple(s.decisions()),
                                 episodes={p.id: p for p in s.episodes([e.episode_id] if e.episode_id else [])})
            changes = feed.event_history(s.con, e.id)
        return export.event_record(e, ctx, with_text=True) | {"history": changes}

    @app.get("/api/stories/{story_id}", summary="One story: its articles, events and copy/rewrite relations")
    def story(story_id: str = Path(max_length=LONGEST_ID)) -> dict[str, Any]:
        with store() as s:
            found = next(iter(s.stories([story_id])), None)
            if found is None:
                raise UsageError(Errors.E204, event_id=story_id, db=settings.db.name)
            return export.story_record(found, {a.id: a for a in s.articles(found.article_ids)},
                                       {r.article_id: r for r in s.relations(found.article_ids)})

    @app.get("/api/decisions", summary="The decision log, oldest first")
    def decisions() -> dict[str, Any]:
        with store() as s:
            return {"decisions": [to_dict(d) for d in s.decisions()]}

    @app.post("/api/decisions", status_code=201, summary="Record a reviewer's decision")
    def decide(body: DecisionIn, request: Request) -> dict[str, Any]:
        reviewer = auth.reviewer_of(request, body.reviewer)  # the session's user when accounts are on
        with store(write=True) as s:
            decision = make_decision(s, **(body.model_dump() | {"reviewer": reviewer}))
            s.add_decision(decision)
            # a run in progress applies the decision with its own update (or the next run does)
            with run_lock(settings.db, block=False) as free:
                if settings.review_rebuild and free:
                    pipeline.update_merged(s)
            # where the decision's mentions are now (a merge or split can change the event's id)
            now = s.events_with_mentions(decision.mention_ids)
        return {"decision": to_dict(decision), "event_ids": now}

    app.add_middleware(auth.BodyLimit, limit=settings.max_request_bytes)
    return app


class _HeldStore:
    """The store, opened by the first request of a page's burst of requests and closed once no request came for
    ``IDLE_S`` seconds, so ``eventwire run`` (another process) can add articles between bursts: opening a large
    store costs more than most of the requests a page makes. One request at a time (DuckDB allows one writer)."""

    IDLE_S = 1.0

    def __init__(self, path: Any, wait: float) -> None:
        self.path = path
        self.wait = wait  # how long to wait for a run's commit in progress
        self.lock = threading.Lock()
        self.store: Store | None = None
        self.last = 0.0
        self.janitor: threading.Thread | None = None

    @contextmanager
    def use(self) -> Iterator[Store]:
        with self.lock:
            if self.store is None:
                self.store = Store(self.path, wait=self.wait)
            try:
                yield self.store
            finally:
                self.last = time.monotonic()
                if self.janitor is None:
                    self.janitor = threading.Thread(target=self._close_when_idle, daemon=True)
                    self.janitor.start()

    def close(self) -> None:
        """Close the store now (the app stops)."""
        with self.lock:
            if self.store is not None:
                self.store.close()
                self.store = None

    def _close_when_idle(self) -> None:
        while True:
            time.sleep(self.IDLE_S / 4)
            with self.lock:
                if self.store is not None and time.monotonic() - self.last >= self.IDLE_S:
                    self.store.close()
                    self.store = None


def _where(since: str | None = Query(None, max_length=10, description="YYYY-MM-DD"),
           until: str | None = Query(None, max_length=10, description="YYYY-MM-DD"),
           country: str | None = Query(None, max_length=LONGEST_ID, description="country name or ISO3"),
           event_type: str | None = Query(None, max_length=LONGEST_ID, description="event type or sub-event type"),
           disputed: bool = False, min_sources: int = Query(0, ge=0, le=1_000_000)) -> queries.Where:
    """The list filters every list, map and figure request takes (those of 'eventwire export')."""
    return queries.Where(since=_date(since, "since"), until=_date(until, "until"), country=country,
                         event_type=event_type, disputed=disputed, min_sources=min_sources)


def _bbox(value: str | None) -> tuple[float, float, float, float] | None:
    if not value:
        return None
    try:
        west, south, east, north = (float(x) for x in value.split(","))
    except ValueError:
        raise UsageError(Errors.E242, value=value, field="bbox", expected="west,south,east,north in degrees") from None
    return west, south, east, north


def _date(value: str | None, option: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(Errors.E242, value=value, field=option, expected="a date, YYYY-MM-DD") from None


def serve(settings: Settings, *, ssl_cert: str | None = None, ssl_key: str | None = None) -> None:
    """Run the app on ``settings.host``:``settings.port`` until interrupted (HTTPS with a certificate and key:
    browsers send the session cookie, which is Secure, only over HTTPS or to this machine)."""
    import uvicorn

    if not settings.db.exists():
        raise UsageError(Errors.E301, path=settings.db)
    auth.check_can_listen(settings)  # beyond this machine: only with accounts
    Store(settings.db, wait=settings.store_wait).close()  # an older store is migrated once; requests then read it
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="warning",
                ssl_certfile=ssl_cert, ssl_keyfile=ssl_key)


__all__ = ["DecisionIn", "content_security_policy", "create_app", "serve", "web_files"]
