"""WARC / WARC.gz (warcio): HTML response records become articles with the record's URL
and date; the WARC date is only a fallback for the publication date (marked "warc")."""

from __future__ import annotations

import datetime as dt
import io
import zlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from eventwire.errors import Errors, InputError, failure_from, input_failure
from eventwire.ingest.context import Context
from eventwire.ingest.decode import decode_bytes
from eventwire.ingest.html import read_html
from eventwire.model import Article, InputFailure

Results = Iterator[Article | InputFailure]


def _warc_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def read_warc(data: bytes, source: str, ctx: Context, meta: Mapping[str, Any]) -> Results:
    """HTML ``response`` (and ``resource``) records of a WARC held in memory."""
    yield from read_warc_stream(io.BytesIO(data), source, ctx)


def is_warc_file(path: Path) -> bool:
    """A WARC or WARC.gz on disk (by content), to be streamed rather than read whole."""
    with path.open("rb") as fh:
        head = fh.read(65536)
    if head.startswith(b"\x1f\x8b"):
        try:
            head = zlib.decompressobj(wbits=31).decompress(head, 64)
        except zlib.error:
            return False
    return head.lstrip().startswith(b"WARC/")


def _records(records: Iterator[Any]) -> Iterator[Any]:
    """warcio's records, its own errors on a malformed header block (a missing field read as None, a bad
    number, a Content-Length past any index) turned into ArchiveLoadFailed: the file is unreadable from there on,
    the records before it stand."""
    while True:
        try:
            record = next(records)
        except StopIteration:
            return
        except (AttributeError, TypeError, IndexError, KeyError, ValueError, OverflowError) as exc:
            raise ArchiveLoadFailed(f"{type(exc).__name__}: {exc}") from exc
        yield record


def read_warc_stream(stream: BinaryIO, source: str, ctx: Context) -> Results:
    """HTML ``response`` (and ``resource``) records of a WARC stream, one at a time.

    Streaming keeps memory flat on multi-gigabyte crawls (CC-NEWS files are ~1 GB);
    each record's body is capped at ``max_file_bytes`` instead of the whole file.
    """
    found = 0
    limit = ctx.settings.max_file_bytes
    try:
        for record in _records(ArchiveIterator(stream)):
            if record.rec_type not in ("response", "resource"):
                continue
            headers = record.http_headers
            ctype = (headers.get_header("Content-Type") if headers else None) or (
                record.rec_headers.get_header("Content-Type") or ""
            )
            if "html" not in ctype.lower():
                continue
            status = headers.get_statuscode() if headers is not None else None
            if status and not status.startswith("2"):
                continue  # redirects and errors are not articles
            url = record.rec_headers.get_header("WARC-Target-URI")
            rid = record.rec_headers.get_header("WARC-Record-ID") or str(found)
            member = f"{source}!{url or rid}"
            body = record.content_stream().read(limit + 1)
            found += 1
            if len(body) > limit:
                yield input_failure(member, Errors.E143, limit=limit)
                continue
            # the record's reader counts down its Content-Length: bytes still owed at EOF = truncated
            if getattr(record.raw_stream, "limit", 0) > 0:
                yield input_failure(member, Errors.E155)
                continue
            if not body.strip():
                yield input_failure(member, Errors.E115)
                continue
            try:
                html = decode_bytes(body, member, html=True)
            except InputError as exc:
                yield failure_from(member, exc)
                continue
            yield from read_html(
                html, member, ctx.settings, ctx.outlets, meta={"url": url}, raw_format="warc",
                fallback_date=_warc_date(record.rec_headers.get_header("WARC-Date")), fallback_from="warc",
            )
    except ArchiveLoadFailed as exc:
        yield input_failure(source, Errors.E133, reason=exc)
        return
    except (zlib.error, EOFError) as exc:
        yield input_failure(source, Errors.E156, reason=exc)
        return
    if found == 0:
        yield input_failure(source, Errors.E116)


__all__ = ["is_warc_file", "read_warc", "read_warc_stream"]
