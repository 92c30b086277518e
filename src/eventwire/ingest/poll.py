"""Polling watched sources for what is new or changed (``eventwire watch``).

A source is a feed (RSS, Atom, JSON Feed), a sitemap or a list of URLs, on the web or in a file; a web page; or a
folder (its new and changed files). Each poll reads the source's listing with a conditional GET (If-None-Match,
If-Modified-Since: an unchanged feed costs a 304), and yields the items (feed entries, listed URLs, files) that
are new, whose entry changed, or whose page changed since it was read: pages first seen within
``watch_recheck_hours`` are fetched again with their own validators, so an article updated in place (a toll
revised) is read again as a new revision.

Politeness: every fetch goes through the safe fetcher (``fetch``: private and loopback addresses refused unless
``allow_private``), robots.txt is read per host and obeyed (``urllib.robotparser``; its Crawl-delay too), requests
to one host are ``watch_host_delay`` seconds apart, and a source that fails is tried again after a delay that
doubles with each failure (``watch_backoff`` up to ``watch_backoff_max``, or the server's Retry-After).

The poller keeps no state of its own between runs: the caller hands it the saved ``SourceState`` and
``ItemState`` of each item (the store keeps them) and saves what it gets back.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import time
import urllib.robotparser
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser

from eventwire.errors import Errors, InputError, failure_from, input_failure
from eventwire.ingest.context import Context
from eventwire.ingest.feeds import _entry_content, _no_surrogate_refs, _struct_date, fragment_text
from eventwire.ingest.fetch import Fetched, fetch
from eventwire.ingest.guards import loads
from eventwire.ingest.meta import build_article
from eventwire.ingest.urls import url_lines
from eventwire.model import Article, InputFailure
from eventwire.settings import Settings

# failures of one item (a page that does not answer) before it is left until its entry changes
ITEM_RETRIES = 3
# how long a host's robots.txt is trusted before it is read again
ROBOTS_TTL_S = 24 * 3600.0
# HTTP statuses after which trying again later may succeed
TRANSIENT_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
LISTINGS = ("feed", "sitemap", "urls")


def _hash(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


@dataclass
class SourceState:
    """What is kept of a watched source between polls."""

    etag: str | None = None
    last_modified: str | None = None
    body_hash: str = ""  # of the listing last read (files, and servers without validators)
    failures: int = 0  # failures in a row
    next_try: float = 0.0  # not polled again before this time (Unix seconds): backoff after failures
    error: str = ""  # the last failure, empty when the last poll read the source
    polled: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SourceState:
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass
class ItemState:
    """What is kept of one item of a source: what its entry said, and what its page or file was when read."""

    fingerprint: str = ""  # of the entry as the listing gives it (or of the file)
    url: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)  # title, published, outlet, byline from the entry
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str = ""
    size: int = -1  # files: size and modification time, to skip unchanged files without reading them
    mtime_ns: int = -1
    first_seen: float = 0.0
    checked: float = 0.0
    failures: int = 0
    done: bool = True  # False: read it again next poll (a failure that may pass)
    article_ids: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ItemState:
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass
class Polled:
    """One item read: its key in the source, its new state, and the articles and failures read from it (none when
    it turned out unchanged). A failure of the source itself comes with an empty key."""

    key: str
    state: ItemState
    records: list[Article | InputFailure]


@dataclass(frozen=True)
class Readers:
    """The ingest package's readers the poller reads items with (``eventwire.ingest.poller`` hands them in)."""

    read_file: Callable[[Path, Context], Iterator[Article | InputFailure]]
    walk: Callable[[Path], Iterator[Path]]  # a folder's files, in reading order
    detect: Callable[[bytes, str], str]  # the format of some bytes
    dispatch: Callable[..., Iterator[Article | InputFailure]]  # read bytes in any format


@dataclass
class Entry:
    """One item of a listing: a feed entry or a listed URL."""

    key: str
    link: str | None
    fingerprint: str
    meta: dict[str, Any] = field(default_factory=dict)
    content: str = ""  # the entry's own content (read when it has no link, or its page is off limits)


class Poller:
    """Polls sources, with the politeness state of one process: robots.txt per host, the time of each host's last
    request. ``backoff``: skip sources still waiting after a failure (a continuous watch); off, every source is
    polled now (``--once``)."""

    def __init__(self, settings: Settings, readers: Readers, *, backoff: bool = True,
                 clock: Callable[[], float] = time.time, sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings = settings
        self.readers = readers
        self.backoff = backoff
        self.clock = clock
        self.sleep = sleep
        self._last_request: dict[str, float] = {}
        self._robots: dict[str, tuple[urllib.robotparser.RobotFileParser | None, float]] = {}
        self.fetches = 0  # requests made (the soak and tests read it)

    # ------------------------------------------------------------------ politeness

    def _pace(self, url: str) -> None:
        host = urlsplit(url).netloc.lower()
        delay = max(self.settings.watch_host_delay, self._crawl_delay(url))
        last = self._last_request.get(host)
        if last is not None and delay > 0:
            wait = last + delay - time.monotonic()
            if wait > 0:
                self.sleep(wait)
        self._last_request[host] = time.monotonic()

    def _crawl_delay(self, url: str) -> float:
        parser = self._robots.get(_origin(url), (None, 0.0))[0]
        delay = parser.crawl_delay(self.settings.user_agent) if parser is not None else None
        return float(delay or 0.0)

    def allowed(self, url: str) -> bool:
        """May this URL be fetched, by its host's robots.txt (read once a day per host)?"""
        origin = _origin(url)
        parser, at = self._robots.get(origin, (None, -1.0))
        if at < 0 or self.clock() - at > ROBOTS_TTL_S:
            parser = self._read_robots(origin)
            self._robots[origin] = (parser, self.clock())
        if parser is None:
            return True
        return parser.can_fetch(self.settings.user_agent, url)

    def _read_robots(self, origin: str) -> urllib.robotparser.RobotFileParser | None:
        """A host's rules (RFC 9309): none when it has no robots.txt (4xx); everything disallowed when it cannot be
        read (5xx, unreachable) until it is read again."""
        parser = urllib.robotparser.RobotFileParser(f"{origin}/robots.txt")
        try:
            self._pace(origin)
            self.fetches += 1
            got = fetch(f"{origin}/robots.txt", self.settings)
        except InputError as exc:
            status = _status(exc)
            if status is not None and 400 <= status < 500:
                return None
            parser.disallow_all = True
            return parser
        parser.parse(got.body.decode("utf-8", "replace").splitlines())
        return parser

    def _get(self, url: str, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        self._pace(url)
        self.fetches += 1
        return fetch(url, self.settings, etag=etag, last_modified=last_modified)

    # ------------------------------------------------------------------ polling

    def poll(self, source: str, state: SourceState, seen: Mapping[str, ItemState], *,
             stop: Callable[[], bool] | None = None) -> Iterator[Polled]:
        """The new and changed items of one source; ``state`` is updated in place (save it after the items)."""
        now = self.clock()
        if self.backoff and state.next_try > now:
            return
        state.polled = now
        ctx = Context(settings=self.settings, fetch=False, dispatch=self.readers.dispatch)
        if source.startswith(("http://", "https://")):
            yield from self._poll_url(source, state, seen, ctx, stop)
            return
        path = Path(source)
        if path.is_dir():
            yield from self._poll_folder(path, state, seen, ctx, stop)
        elif path.is_file():
            yield from self._poll_file(path, state, seen, ctx, stop)
        else:
            yield self._source_failed(state, input_failure(source, Errors.E101))

    def _source_failed(self, state: SourceState, failure: InputFailure, retry_after: float | None = None
                       ) -> Polled:
        state.failures += 1
        state.error = failure.reason
        delay = min(self.settings.watch_backoff * 2 ** (state.failures - 1), self.settings.watch_backoff_max)
        state.next_try = self.clock() + max(delay, retry_after or 0.0)
        return Polled("", ItemState(), [failure])

    def _source_read(self, state: SourceState) -> None:
        state.failures, state.error, state.next_try = 0, "", 0.0

    def _poll_url(self, url: str, state: SourceState, seen: Mapping[str, ItemState], ctx: Context,
                  stop: Callable[[], bool] | None) -> Iterator[Polled]:
        if not self.allowed(url):
            yield self._source_failed(state, input_failure(url, Errors.E172))
            return
        try:
            got = self._get(url, state.etag, state.last_modified)
        except InputError as exc:
            yield self._source_failed(state, failure_from(url, exc), getattr(exc, "retry_after", None))
            return
        self._source_read(state)
        state.etag, state.last_modified = got.etag, got.last_modified
        if got.status == 304:
            yield from self._recheck({url}, seen, ctx, stop)  # (a page watched itself was just asked)
            return
        state.body_hash = _hash(got.body)
        fmt = self.readers.detect(got.body, got.url)
        if fmt in LISTINGS:
            yield from self._entries(_listing(got.body, fmt, url), url, seen, ctx, stop)
            return
        # a page (or a file of records) watched itself: read again whenever it changed
        item = seen.get(url) or ItemState(first_seen=self.clock())
        if item.body_hash == state.body_hash and item.done:
            return
        records = list(ctx.read(got.body, url, {"url": got.url}))
        yield Polled(url, self._read(item, got, records, url=url), records)

    def _poll_file(self, path: Path, state: SourceState, seen: Mapping[str, ItemState], ctx: Context,
                   stop: Callable[[], bool] | None) -> Iterator[Polled]:
        try:
            data = path.read_bytes() if path.stat().st_size <= self.settings.max_file_bytes else b""
        except OSError as exc:
            yield self._source_failed(state, input_failure(str(path), Errors.E111, reason=exc.strerror))
            return
        self._source_read(state)
        fmt = self.readers.detect(data, path.name)
        if fmt not in LISTINGS:
            yield from self._files([path], path.parent, seen, ctx, stop)
            return
        unchanged = state.body_hash == _hash(data)
        state.body_hash = _hash(data)
        entries = [] if unchanged else _listing(data, fmt, str(path))
        yield from self._entries(entries, str(path), seen, ctx, stop)

    def _poll_folder(self, root: Path, state: SourceState, seen: Mapping[str, ItemState], ctx: Context,
                     stop: Callable[[], bool] | None) -> Iterator[Polled]:
        self._source_read(state)
        yield from self._files(self.readers.walk(root), root, seen, ctx, stop)

    def _files(self, files: Any, root: Path, seen: Mapping[str, ItemState], ctx: Context,
               stop: Callable[[], bool] | None) -> Iterator[Polled]:
        for f in files:
            if stop is not None and stop():
                return
            key = f.relative_to(root).as_posix()
            try:
                st = f.stat()
            except OSError:
                continue  # gone since the folder was listed
            item = seen.get(key)
            if item is not None and item.done and (item.size, item.mtime_ns) == (st.st_size, st.st_mtime_ns):
                continue
            state = dataclasses.replace(item) if item else ItemState(first_seen=self.clock())
            digest = _file_hash(f)
            state.size, state.mtime_ns, state.checked = st.st_size, st.st_mtime_ns, self.clock()
            if item is not None and item.done and digest == item.body_hash:
                yield Polled(key, state, [])  # touched, not changed
                continue
            records = list(self.readers.read_file(f, ctx))
            state.body_hash, state.fingerprint, state.done, state.failures = digest, digest, True, 0
            state.article_ids = [r.id for r in records if isinstance(r, Article)]
            yield Polled(key, state, records)

    def _entries(self, entries: list[Entry], listing: str, seen: Mapping[str, ItemState], ctx: Context,
                 stop: Callable[[], bool] | None) -> Iterator[Polled]:
        handled: set[str] = set()
        for entry in entries:
            if stop is not None and stop():
                return
            if entry.key in handled:
                continue
            handled.add(entry.key)
            item = seen.get(entry.key)
            changed = item is None or item.fingerprint != entry.fingerprint or not item.done
            if not changed and not self._due(item):
                continue
            state = dataclasses.replace(item) if item else ItemState(first_seen=self.clock())
            state.fingerprint, state.url, state.meta = entry.fingerprint, entry.link, entry.meta
            if entry.link is None:
                records = _entry_articles(entry, listing, ctx)
                state.done, state.checked = True, self.clock()
                state.article_ids = [r.id for r in records if isinstance(r, Article)]
                yield Polled(entry.key, state, records)
                continue
            yield self._page(entry.key, state, ctx, fresh=changed, entry=entry, listing=listing)
        yield from self._recheck(handled, seen, ctx, stop)

    def _due(self, item: ItemState | None) -> bool:
        """Is a page read before due for a conditional GET (first seen within watch_recheck_hours)?"""
        return item is not None and item.url is not None and \
            self.clock() - item.first_seen < self.settings.watch_recheck_hours * 3600

    def _recheck(self, handled: set[str], seen: Mapping[str, ItemState], ctx: Context,
                 stop: Callable[[], bool] | None) -> Iterator[Polled]:
        """Pages read before and still recent, not listed this time (or the listing was unchanged): fetched again
        with their validators, so an article revised in place is read again."""
        for key, item in sorted(seen.items()):
            if stop is not None and stop():
                return
            if key in handled or not self._due(item):
                continue
            yield self._page(key, dataclasses.replace(item), ctx, fresh=not item.done)

    def _page(self, key: str, state: ItemState, ctx: Context, *, fresh: bool, entry: Entry | None = None,
              listing: str = "") -> Polled:
        """Fetch an item's page (conditionally unless ``fresh``) and read it."""
        url = state.url or key
        state.checked = self.clock()
        if not self.allowed(url):
            # off limits by robots.txt: the entry's own text, when it has any, is what can be read
            records = _entry_articles(entry, listing, ctx) if entry is not None and entry.content else []
            state.done = True
            return Polled(key, state, records or [input_failure(url, Errors.E172)])
        try:
            got = self._get(url, None if fresh else state.etag, None if fresh else state.last_modified)
        except InputError as exc:
            status = _status(exc)
            transient = exc.code in (Errors.E164.code, Errors.E168.code) or status in TRANSIENT_STATUS
            state.failures += 1
            state.done = not transient or state.failures >= ITEM_RETRIES
            return Polled(key, state, [failure_from(url, exc)])
        if got.status == 304:
            state.done, state.failures = True, 0
            return Polled(key, state, [])
        if not fresh and _hash(got.body) == state.body_hash:
            state.done, state.failures, state.etag, state.last_modified = True, 0, got.etag, got.last_modified
            return Polled(key, state, [])
        meta = {k: v for k, v in state.meta.items() if v is not None}
        records = list(ctx.read(got.body, url, {**meta, "url": got.url, "_origin": "input"}))
        return Polled(key, self._read(state, got, records), records)

    def _read(self, state: ItemState, got: Fetched, records: list[Article | InputFailure], *,
              url: str | None = None) -> ItemState:
        state.etag, state.last_modified, state.body_hash = got.etag, got.last_modified, _hash(got.body)
        state.done, state.failures, state.checked = True, 0, self.clock()
        state.url = state.url or url
        state.article_ids = [r.id for r in records if isinstance(r, Article)]
        return state


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _status(exc: InputError) -> int | None:
    if exc.code != Errors.E163.code:
        return None
    digits = str(exc).split("HTTP ", 1)[-1].split(".", 1)[0].strip()
    return int(digits) if digits.isdigit() else None


def _file_hash(path: Path) -> str:
    h = hashlib.sha1()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _fingerprint(*parts: Any) -> str:
    return _hash(json.dumps([str(p) if p is not None else None for p in parts]).encode("utf-8"))


def _listing(data: bytes, fmt: str, source: str) -> list[Entry]:
    """The items of a feed, sitemap or URL list."""
    if fmt == "urls":
        return [Entry(u, u, _fingerprint(u)) for u in url_lines(data) or []]
    if fmt == "sitemap":
        import html
        import re

        locs = [html.unescape(m.group(1).decode("utf-8", "replace"))
                for m in re.finditer(rb"<loc>\s*([^<\s]+)\s*</loc>", data, re.I)]
        return [Entry(u, u, _fingerprint(u)) for u in locs]
    if data[:4096].lstrip().startswith(b"{"):
        return _json_feed(data)
    parsed = feedparser.parse(_no_surrogate_refs(data), sanitize_html=False, resolve_relative_uris=False)
    outlet = parsed.feed.get("title")
    out = []
    for i, e in enumerate(parsed.entries):
        link = e.get("link")
        key = e.get("id") or link or f"#{i}"
        published = _struct_date(e.get("published_parsed") or e.get("updated_parsed"))
        content = _entry_content(e)
        meta = {"title": e.get("title"), "published": published.isoformat() if published else None,
                "outlet": outlet, "byline": e.get("author")}
        # the entry's own "updated", not feedparser's fallback to "published" (deprecated, and warned about)
        stamp = e["updated"] if "updated" in e.keys() else e.get("published")  # noqa: SIM118
        out.append(Entry(str(key), link, _fingerprint(link, e.get("title"), stamp, content), meta, content))
    return out


def _json_feed(data: bytes) -> list[Entry]:
    try:
        doc = loads(data.decode("utf-8", "replace"))
    except json.JSONDecodeError:
        return []
    items = doc.get("items") if isinstance(doc, Mapping) else None
    out = []
    for i, it in enumerate(items if isinstance(items, list) else []):
        if not isinstance(it, Mapping):
            continue
        link = it.get("url") if isinstance(it.get("url"), str) else None
        content = str(it.get("content_html") or it.get("content_text") or it.get("summary") or "")
        authors = it.get("authors")
        author = it.get("author") or (authors[0] if isinstance(authors, list) and authors else None)
        meta = {"title": it.get("title"), "published": it.get("date_published"), "outlet": doc.get("title"),
                "byline": author.get("name") if isinstance(author, Mapping) else None}
        key = str(it.get("id") or link or f"#{i}")
        out.append(Entry(key, link, _fingerprint(link, it.get("title"), it.get("date_modified"), content), meta,
                         content))
    return out


def _entry_articles(entry: Entry, listing: str, ctx: Context) -> list[Article | InputFailure]:
    """An entry read from its own content (no page to fetch)."""
    source = f"{listing}#{entry.key}"
    text = fragment_text(entry.content)
    if len(text) < ctx.settings.min_text_chars:
        return [input_failure(source, Errors.E113, chars=len(text))]
    meta = {**entry.meta, "url": entry.link, "_origin": "input"}
    return [build_article(source=source, body=text, raw=entry.content, raw_format="feed", meta=meta,
                          settings=ctx.settings, outlets=ctx.outlets, strip_title=False)]


__all__ = ["ITEM_RETRIES", "Entry", "ItemState", "Polled", "Poller", "Readers", "SourceState"]
