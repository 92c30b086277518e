"""Records in the article contract: JSON lines, JSON arrays/objects and CSV.

Contract fields: ``text`` or ``html`` (required), optional ``id, url, outlet, title,
published, language, byline``. ``fields`` maps contract names to the input's own
column names, e.g. ``{"text": "body", "published": "pubDate"}``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from typing import Any

from eventwire.errors import Errors, input_failure
from eventwire.ingest.context import Context
from eventwire.ingest.guards import capped, loads
from eventwire.ingest.html import read_html
from eventwire.ingest.meta import CONTRACT_FIELDS, build_article
from eventwire.model import Article, InputFailure

# Names common news-API and scraper exports use for contract fields (NewsAPI, GDELT
# full-text, news-please, Common Crawl derived sets), tried when the record has no
# field of the contract's own name and the user mapped none.
ALIASES: dict[str, tuple[str, ...]] = {
    "text": ("body", "content", "full_text", "fulltext", "maintext", "article_text", "article", "story",
             "content_text"),
    "html": ("raw_html", "page_html", "content_html"),
    "published": ("publishedAt", "published_at", "pubDate", "date_publish", "date", "datePublished",
                  "publish_date", "pub_date"),
    "url": ("link", "source_url", "article_url"),
    "outlet": ("source.name", "source_domain", "site", "site_name", "publisher", "source"),
    "title": ("headline",),
    "byline": ("author", "authors"),
    "language": ("lang",),
}


def map_fields(record: Mapping[str, Any], fields: Mapping[str, str] | None) -> dict[str, Any]:
    """The record in contract names: mapped columns first, then same-named ones, then common aliases."""
    out: dict[str, Any] = {}
    fields = fields or {}
    for name in CONTRACT_FIELDS:
        col = fields.get(name, name)
        value = _lookup(record, col)
        if value is None and col != name:
            value = record.get(name)
        if value is None and name not in fields:
            for alias in ALIASES.get(name, ()):
                value = _lookup(record, alias)
                if value is not None and not isinstance(value, Mapping):
                    break
                value = None
        if isinstance(value, list) and name == "byline":
            value = ", ".join(str(v) for v in value if v)
        if value is not None and value != "":
            out[name] = value
    return out


def _lookup(record: Mapping[str, Any], col: str) -> Any:
    if "." not in col:  # the common case, fast: a million-line file makes 40 lookups per line
        return record.get(col)
    # dotted paths reach into nested objects of news-API exports ("source.name")
    cur: Any = record
    for part in col.split("."):
        if not isinstance(cur, Mapping) or part not in cur:
            return None
        cur = cur[part]
    return cur


def record_article(
    record: Any, source: str, ctx: Context, raw_format: str
) -> Iterator[Article | InputFailure]:
    """One contract record -> an Article (HTML records go through the HTML reader)."""
    if not isinstance(record, Mapping):
        yield input_failure(source, Errors.E120, got=type(record).__name__)
        return
    rec = map_fields(record, ctx.fields)
    if rec.get("id") is not None:
        rec["id"] = str(rec["id"])
    text, html = rec.get("text"), rec.get("html")
    if isinstance(html, str) and html.strip() and not (isinstance(text, str) and text.strip()):
        yield from read_html(html, source, ctx.settings, ctx.outlets, meta=rec, raw_format=raw_format)
        return
    if not isinstance(text, str) or not text.strip():
        keys = ", ".join(sorted(str(k) for k in record)[:12])
        yield input_failure(source, Errors.E121, fields=keys)
        return
    yield build_article(source=source, body=text, raw=text, raw_format=raw_format, meta=rec,
                        settings=ctx.settings, outlets=ctx.outlets)


def json_lines(data: str, source: str) -> Iterator[tuple[str, Any]]:
    """(``file:LINE``, parsed value or InputFailure) per non-blank line; a bad line fails alone."""
    for lineno, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        src = f"{source}:{lineno}"
        try:
            yield src, loads(line)
        except json.JSONDecodeError as exc:
            yield src, input_failure(src, Errors.E122, reason=exc.msg, column=exc.colno)


def read_jsonl(data: str, source: str, ctx: Context) -> Iterator[Article | InputFailure]:
    """JSON lines: one record per line; a bad line fails alone (source ``file:LINE``)."""
    yield from capped(_jsonl_records(data, source, ctx), source)


def _jsonl_records(data: str, source: str, ctx: Context) -> Iterator[Article | InputFailure]:
    for src, record in json_lines(data, source):
        if isinstance(record, InputFailure):
            yield record
        else:
            yield from record_article(record, src, ctx, "json")


def read_json(data: str, source: str, ctx: Context) -> Iterator[Article | InputFailure]:
    """A JSON array of records, an object holding one (``articles``/``items``/...), or one record."""
    try:
        doc = loads(data)
    except json.JSONDecodeError as exc:
        yield input_failure(source, Errors.E123, reason=exc.msg, line=exc.lineno)
        return
    records: Any = doc
    if isinstance(doc, Mapping):
        for key in ("articles", "items", "results", "data", "documents", "docs", "news"):
            if isinstance(doc.get(key), list):
                records = doc[key]
                break
        else:
            records = [doc]
    if not isinstance(records, list):
        yield input_failure(source, Errors.E124)
        return
    yield from capped((r for i, record in enumerate(records) for r in record_article(record, f"{source}#{i}", ctx,
                                                                                     "json")), source)


def read_csv(data: str, source: str, ctx: Context) -> Iterator[Article | InputFailure]:
    """CSV (or TSV) with a header row in the article contract."""
    sample = data[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel_tab if source.lower().endswith(".tsv") else csv.excel
    csv.field_size_limit(max(ctx.settings.max_file_bytes, 131072))
    reader = csv.DictReader(io.StringIO(data, newline=""), dialect=dialect)
    yield from capped(_csv_rows(reader, source, ctx), source)


def _csv_rows(reader: csv.DictReader, source: str, ctx: Context) -> Iterator[Article | InputFailure]:
    try:
        for i, row in enumerate(reader, start=2):
            rec = {k: v for k, v in row.items() if k is not None}
            yield from record_article(rec, f"{source}:{i}", ctx, "csv")
    except csv.Error as exc:
        yield input_failure(source, Errors.E125, line=reader.line_num, reason=exc)


__all__ = ["map_fields", "read_csv", "read_json", "read_jsonl", "record_article"]
