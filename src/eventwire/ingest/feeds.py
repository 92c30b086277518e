"""Feeds: RSS 2.0 / Atom (feedparser), JSON Feed (plain JSON), and sitemaps (URL lists).

Each entry becomes an article from its content (or summary when there is no
content); with ``fetch=True`` the entry's linked page is fetched instead and read
as HTML, the entry giving title, date and outlet.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

import feedparser
import lxml.html

from eventwire.errors import Errors, input_failure
from eventwire.ingest.context import Context
from eventwire.ingest.decode import decode_bytes
from eventwire.ingest.guards import capped, loads
from eventwire.ingest.meta import build_article
from eventwire.model import Article, InputFailure

_BLOCKS = ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "section", "article")

# a sitemap index pointing at sitemaps pointing at ... stops this deep
MAX_SITEMAP_DEPTH = 3


def fragment_text(html: str) -> str:
    """Text of an HTML fragment (a feed entry's content), one paragraph per block element."""
    if "<" not in html:
        return html.strip()
    try:
        root = lxml.html.fromstring(f"<div>{html}</div>")
    except (ValueError, lxml.etree.ParserError):
        return re.sub(r"<[^>]+>", " ", html).strip()
    for bad in root.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for el in root.iter(*_BLOCKS):
        el.tail = "\n\n" + (el.tail or "")
    text = root.text_content()
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    return re.sub(r"\n\s*\n\s*", "\n\n", text).strip()


def _entry_content(entry: Mapping[str, Any]) -> str:
    """The entry's content as given (HTML or text): its content, else its summary."""
    contents = entry.get("content") or []
    for c in contents:
        value = c.get("value") if isinstance(c, Mapping) else None
        if value and value.strip():
            return str(value)
    return str(entry.get("summary") or entry.get("description") or "")


def _struct_date(st: Any) -> dt.date | None:
    if not st:
        return None
    try:
        return dt.date(st.tm_year, st.tm_mon, st.tm_mday)
    except (AttributeError, ValueError):
        return None


_CHAR_REF = re.compile(rb"&#([xX][0-9a-fA-F]{1,8}|[0-9]{1,10});")


def _no_surrogate_refs(data: bytes) -> bytes:
    """Character references to surrogates (&#xD800;) as U+FFFD: feedparser turns them into strings that cannot be
    encoded and then fails on the whole feed."""
    def fix(m: re.Match[bytes]) -> bytes:
        ref = m.group(1)
        n = int(ref[1:], 16) if ref[:1] in (b"x", b"X") else int(ref)
        return b"&#xFFFD;" if 0xD800 <= n <= 0xDFFF or n > 0x10FFFF else m.group(0)

    return _CHAR_REF.sub(fix, data) if b"&#" in data else data


def read_feed(
    data: bytes, source: str, ctx: Context, meta: Mapping[str, Any]
) -> Iterator[Article | InputFailure]:
    """All entries of an RSS/Atom/JSON feed."""
    head = data[:4096].lstrip().lower()
    if head.startswith(b"{"):
        yield from _read_json_feed(decode_bytes(data, source), source, ctx)
        return
    # feedparser's own HTML sanitizer is not needed (entries are reduced to text by fragment_text) and its
    # style-attribute regex takes seconds on one long attribute: off
    parsed = feedparser.parse(_no_surrogate_refs(data), sanitize_html=False, resolve_relative_uris=False)
    if not parsed.entries:
        why = f" ({parsed.bozo_exception})" if parsed.bozo else ""
        yield input_failure(source, Errors.E126, why=why)
        return
    yield from capped(_feed_entries(parsed, source, ctx), source)


def _feed_entries(parsed: Any, source: str, ctx: Context) -> Iterator[Article | InputFailure]:
    outlet = parsed.feed.get("title")
    for i, e in enumerate(parsed.entries):
        rec = {
            "id": None,
            "url": e.get("link"),
            "title": e.get("title"),
            "published": _struct_date(e.get("published_parsed") or e.get("updated_parsed")),
            "outlet": outlet,
            "byline": e.get("author"),
            "_origin": "input",
        }
        yield from _entry(f"{source}#{i}", _entry_content(e), rec, ctx)


def _read_json_feed(text: str, source: str, ctx: Context) -> Iterator[Article | InputFailure]:
    try:
        doc = loads(text)
    except json.JSONDecodeError as exc:
        yield input_failure(source, Errors.E127, reason=exc.msg)
        return
    items = doc.get("items") if isinstance(doc, Mapping) else None
    if not isinstance(items, list) or not items:
        yield input_failure(source, Errors.E128)
        return
    yield from capped(_json_feed_items(doc, items, source, ctx), source)


def _json_feed_items(doc: Mapping[str, Any], items: list[Any], source: str, ctx: Context
                     ) -> Iterator[Article | InputFailure]:
    for i, it in enumerate(items):
        if not isinstance(it, Mapping):
            continue
        authors = it.get("authors")
        author = it.get("author") or (authors[0] if isinstance(authors, list) and authors else None)
        body = it.get("content_html") or it.get("content_text") or it.get("summary") or ""
        rec = {
            "url": it.get("url"),
            "title": it.get("title"),
            "published": it.get("date_published"),
            "outlet": doc.get("title"),
            "byline": author.get("name") if isinstance(author, Mapping) else None,
            "_origin": "input",
        }
        yield from _entry(f"{source}#{i}", str(body), rec, ctx)


def _entry(src: str, content: str, rec: dict[str, Any], ctx: Context) -> Iterator[Article | InputFailure]:
    if ctx.fetch and rec.get("url"):
        from eventwire.ingest.fetch import read_url

        yield from read_url(str(rec["url"]), ctx, {k: v for k, v in rec.items() if k != "url" and v})
        return
    text = fragment_text(content)
    if len(text) < ctx.settings.min_text_chars:
        yield input_failure(src, Errors.E113, chars=len(text))
        return
    # raw keeps the entry's content as published (HTML); removed spans are anchored in it
    yield build_article(source=src, body=text, raw=content, raw_format="feed", meta=rec, settings=ctx.settings,
                        outlets=ctx.outlets, strip_title=False)


__all__ = ["fragment_text", "read_feed", "read_sitemap"]


_LOC = re.compile(rb"<loc>\s*([^<\s]+)\s*</loc>", re.I)


def read_sitemap(
    data: bytes, source: str, ctx: Context, meta: Mapping[str, Any]
) -> Iterator[Article | InputFailure]:
    """A sitemap lists page URLs: with ``fetch=True`` each page is fetched and read, else one
    failure says how many pages it lists and how to read them."""
    urls = [html.unescape(m.group(1).decode("utf-8", "replace")) for m in _LOC.finditer(data)]
    if not urls:
        yield input_failure(source, Errors.E129)
        return
    if not ctx.fetch:
        yield input_failure(source, Errors.E166, count=len(urls))
        return
    if ctx.depth >= MAX_SITEMAP_DEPTH:
        yield input_failure(source, Errors.E130, depth=MAX_SITEMAP_DEPTH)
        return
    from eventwire.ingest.fetch import read_listed

    yield from read_listed(urls, ctx)
