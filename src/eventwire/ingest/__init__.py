"""Ingest stage: every format news arrives in -> cleaned Articles with honest metadata.

Needs: paths (files, directories, globs, "-" for stdin, URLs with ``fetch``).
Provides: ``read_inputs`` yielding ``model.Article`` per article found and
``model.InputFailure`` per input that could not be read; a failure never stops
the batch. Formats are detected from content (magic bytes, markup), the
extension only breaks ties; each format has one reader module, registered in
``READERS``: text and HTML (``html``), JSON/JSON lines/CSV in the article contract
(``records``), RSS/Atom/JSON Feed and sitemaps (``feeds``), WARC (``warc``, streamed
from disk), gzip/zip/tar (``archives``), URLs and lists of URLs (``fetch``). Every article's text goes
through the boilerplate cleaner (``clean``); metadata rules live in ``meta``.
"""

from __future__ import annotations

import codecs
import glob as globlib
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from lxml.etree import LxmlError

from eventwire.errors import Errors, InputError, UsageError, choice_error, failure_from, input_failure
from eventwire.ingest.clean import clean_text
from eventwire.ingest.context import Context
from eventwire.ingest.decode import decode_bytes
from eventwire.ingest.html import page_dump, read_html
from eventwire.ingest.meta import CONTRACT_FIELDS, build_article, detect_language
from eventwire.ingest.poll import ItemState, Polled, Poller, Readers, SourceState
from eventwire.ingest.records import json_lines, read_csv, read_json, read_jsonl
from eventwire.ingest.urls import url_lines
from eventwire.model import Article, InputFailure
from eventwire.settings import Settings

SIDECAR_NAME = "eventwire-meta.jsonl"
STDIN_SOURCE = "<stdin>"

# Extensions picked up when walking a directory (explicit paths are read whatever their name).
DIRECTORY_SUFFIXES = {
    ".txt", ".text", ".html", ".htm", ".xhtml", ".shtml", ".jsonl", ".ndjson", ".json", ".csv", ".tsv",
    ".xml", ".rss", ".atom", ".feed", ".warc", ".gz", ".tgz", ".zip", ".tar", ".arc",
}

Result = Article | InputFailure
Reader = Callable[[bytes, str, Context, Mapping[str, Any]], Iterator[Result]]


def read_inputs(
    paths: Sequence[str],
    settings: Settings | None = None,
    *,
    fields: Mapping[str, str] | None = None,
    fetch: bool = False,
    stdin: BinaryIO | None = None,
) -> Iterator[Article | InputFailure]:
    """Yield an Article per article found in ``paths`` and an InputFailure per failing input.

    ``paths`` may hold files, directories (recursive), globs, ``-`` (stdin) and, with
    ``fetch=True``, http(s) URLs. ``fields`` maps contract field names to the input's
    column names for JSON/CSV (``{"text": "body"}``).
    """
    ctx = Context(settings=settings or Settings(), fields=fields, fetch=fetch, dispatch=read_bytes)
    for p in paths:
        yield from _read_path(str(p), ctx, stdin)


def input_files(paths: Sequence[str]) -> list[str]:
    """The units ``read_inputs`` reads one after the other, in its order: each file of a folder or glob,
    and every other path as given (stdin, URLs, paths that do not exist). Reading each unit alone gives
    what reading ``paths`` gives, so the units can be read in parallel, on several machines."""
    out: list[str] = []
    for p in map(str, paths):
        path = Path(p)
        if p == "-" or p.startswith(("http://", "https://")):
            out.append(p)
        elif path.is_dir():
            out.extend(str(f) for f in _walk(path))
        elif not path.exists() and any(c in p for c in "*?[") and globlib.glob(p, recursive=True):
            out.extend(input_files(sorted(globlib.glob(p, recursive=True))))
        else:
            out.append(p)
    return out


def parse_field_options(values: Sequence[str]) -> dict[str, str]:
    """``["text=body", "published=pubDate"]`` (the CLI's ``--field``) -> a ``fields`` mapping."""
    fields: dict[str, str] = {}
    for v in values:
        name, sep, column = v.partition("=")
        name, column = name.strip(), column.strip()
        if not sep or not column:
            raise UsageError(Errors.E203, value=v)
        if name not in CONTRACT_FIELDS:
            raise choice_error("contract field", name, CONTRACT_FIELDS)
        fields[name] = column
    return fields


def _read_path(p: str, ctx: Context, stdin: BinaryIO | None) -> Iterator[Result]:
    if p == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        data = stream.read(ctx.settings.max_file_bytes + 1)
        if len(data) > ctx.settings.max_file_bytes:
            yield _too_large(STDIN_SOURCE, ctx)
            return
        yield from read_bytes(data, STDIN_SOURCE, ctx)
        return
    if p.startswith(("http://", "https://")):
        if not ctx.fetch:
            yield input_failure(p, Errors.E108)
            return
        from eventwire.ingest.fetch import read_url

        yield from read_url(p, ctx)
        return
    path = Path(p)
    if path.is_dir():
        for f in _walk(path):
            yield from read_file(f, ctx)
        return
    if path.exists():
        yield from read_file(path, ctx)
        return
    if any(c in p for c in "*?["):
        matches = sorted(globlib.glob(p, recursive=True))
        if not matches:
            yield input_failure(p, Errors.E110)
        for m in matches:
            yield from _read_path(m, ctx, stdin)
        return
    yield input_failure(p, Errors.E101)


def _walk(root: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith(".") or name == SIDECAR_NAME:
                continue
            suffix = Path(name).suffix.lower()
            if suffix in DIRECTORY_SUFFIXES or not suffix:
                yield Path(dirpath) / name


def _too_large(source: str, ctx: Context) -> InputFailure:
    return input_failure(source, Errors.E106, limit=ctx.settings.max_file_bytes)


def read_file(path: Path, ctx: Context) -> Iterator[Result]:
    """Read one file (with its directory's sidecar metadata, if any)."""
    source = str(path)
    if path.name == SIDECAR_NAME:
        return
    try:
        size = path.stat().st_size
        if size > 0 and _is_warc(path):
            from eventwire.ingest.warc import read_warc_stream

            with path.open("rb") as fh:
                yield from read_warc_stream(fh, source, ctx)
            return
        if size > ctx.settings.max_file_bytes:
            yield _too_large(source, ctx)
            return
        data = path.read_bytes()
    except OSError as exc:
        yield input_failure(source, Errors.E111, reason=exc.strerror)
        return
    side, failures = _sidecar_for(path, ctx)
    yield from failures
    yield from read_bytes(data, source, ctx, side)


def _is_warc(path: Path) -> bool:
    name = path.name.lower()
    if not (name.endswith((".warc", ".warc.gz", ".arc.gz")) or path.stat().st_size > 1_000_000):
        return False  # small files of other names go the in-memory way
    from eventwire.ingest.warc import is_warc_file

    return is_warc_file(path)


def _sidecar_for(path: Path, ctx: Context) -> tuple[dict[str, Any], list[InputFailure]]:
    """Sidecar fields for ``path`` from ``eventwire-meta.jsonl`` in its directory or an ancestor's."""
    failures: list[InputFailure] = []
    for folder in [path.parent, *path.parent.parents][:4]:
        key = str(folder.resolve())
        if key not in ctx.sidecars:
            ctx.sidecars[key] = {}
            side = folder / SIDECAR_NAME
            if side.is_file():
                failures.extend(_load_sidecar(side, ctx.sidecars[key]))
        entries = ctx.sidecars[key]
        if entries:
            rel = path.resolve().relative_to(folder.resolve()).as_posix()
            return entries.get(rel, {}), failures
    return {}, failures


def _load_sidecar(side: Path, into: dict[str, dict[str, Any]]) -> list[InputFailure]:
    failures: list[InputFailure] = []
    for src, rec in json_lines(side.read_text(encoding="utf-8"), str(side)):
        if isinstance(rec, InputFailure):
            failures.append(rec)
            continue
        if not isinstance(rec, dict) or not isinstance(rec.get("path"), str):
            failures.append(input_failure(src, Errors.E132))
            continue
        into[Path(rec["path"]).as_posix()] = {
            k: v for k, v in rec.items() if k != "path"
        }
    return failures


# --------------------------------------------------------------------------- dispatch


def detect_format(data: bytes, name: str = "") -> str:
    """Format of input bytes from magic bytes and markup; the name's extension breaks ties."""
    head = data[:4096]
    lname = name.lower()
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if len(data) > 262 and data[257:262] == b"ustar":
        return "tar"
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        stripped = head.lstrip(b"\xef\xbb\xbf").lstrip()
    else:
        stripped = head.lstrip()
    if stripped.startswith(b"WARC/"):
        return "warc"
    low = stripped[:2048].lower()
    if low.startswith(b"<"):
        if (b"<rss" in low or b"<rdf:rdf" in low or b"<feed" in low) and b"<html" not in low:
            return "feed"
        if b"<urlset" in low or b"<sitemapindex" in low:
            return "sitemap"
        return "html"
    if low.startswith(b"{"):
        if b"jsonfeed.org" in low:
            return "feed"
        first = stripped.split(b"\n", 1)[0].strip()
        if lname.endswith((".jsonl", ".ndjson")) or (first.endswith(b"}") and b"\n{" in stripped.rstrip()):
            return "jsonl"
        return "json"
    if low.startswith(b"["):
        return "json"
    if low.startswith((b"http://", b"https://", b"#")) and url_lines(data) is not None:
        return "urls"
    if lname.endswith((".csv", ".tsv")):
        return "csv"
    if lname.endswith((".html", ".htm", ".xhtml")) and b"<" in low:
        return "html"
    return "text"


def read_bytes(
    data: bytes, source: str, ctx: Context, meta: Mapping[str, Any] | None = None, *, name: str | None = None,
    fmt: str | None = None,
) -> Iterator[Result]:
    """Detect the format of ``data`` and run its reader.

    ``meta`` are contract fields known from outside the bytes (sidecar, feed entry);
    its ``_origin`` key says where they came from (default "sidecar"). ``name`` is the
    file name used to break format ties (default: the source's last member); ``fmt`` a
    format of ``READERS`` that overrides the detection (the fuzz harness drives each reader so).
    """
    if not data.strip():
        yield input_failure(source, Errors.E102)
        return
    try:
        data = _utf16_to_utf8(data, source)
    except InputError as exc:
        yield failure_from(source, exc)
        return
    fmt = fmt or detect_format(data, name if name is not None else source.rsplit("!", 1)[-1])
    reader = READERS.get(fmt)
    if reader is None:
        yield input_failure(source, Errors.E131, format=fmt, supported=", ".join(sorted(READERS)))
        return
    try:
        yield from reader(data, source, ctx, meta or {})
    except InputError as exc:
        yield failure_from(source, exc)
    except (ValueError, LookupError, RecursionError, OSError, EOFError, LxmlError) as exc:
        # a parser library choking on malformed input: record it, the batch goes on
        yield input_failure(source, Errors.E105, format=fmt, reason=f"{type(exc).__name__}: {exc}")


def read_data(data: bytes, source: str, settings: Settings | None = None, *, fmt: str | None = None,
              fetch: bool = False) -> Iterator[Result]:
    """Read bytes held in memory like a file named ``source`` (``fmt``: a format of ``READERS``, else detected)."""
    ctx = Context(settings=settings or Settings(), fetch=fetch, dispatch=read_bytes)
    yield from read_bytes(data, source, ctx, fmt=fmt)


_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)


def _utf16_to_utf8(data: bytes, source: str) -> bytes:
    """UTF-16/32 text with a BOM (Windows exports) re-encoded as UTF-8, so markup sniffing works."""
    for bom, enc in _WIDE_BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc).encode("utf-8")
            except UnicodeDecodeError as exc:
                raise InputError(Errors.E117, source=source, encoding=enc, reason=exc.reason) from exc
    return data


def _decoded(reader: Callable[[str, str, Context], Iterator[Result]], html: bool = False) -> Reader:
    def run(data: bytes, source: str, ctx: Context, meta: Mapping[str, Any]) -> Iterator[Result]:
        yield from reader(decode_bytes(data, source, html=html), source, ctx)

    return run


def _read_text(data: bytes, source: str, ctx: Context, meta: Mapping[str, Any]) -> Iterator[Result]:
    text = decode_bytes(data, source)
    yield build_article(source=source, body=text, raw=text, raw_format="text", meta=meta,
                        meta_origin=meta.get("_origin", "sidecar"), settings=ctx.settings,
                        outlets=ctx.outlets)


def _read_html(data: bytes, source: str, ctx: Context, meta: Mapping[str, Any]) -> Iterator[Result]:
    html = decode_bytes(data, source, html=True)
    yield from read_html(html, source, ctx.settings, ctx.outlets, meta=meta,
                         meta_origin=meta.get("_origin", "sidecar"))


def _lazy(module: str, func: str) -> Reader:
    # feeds, WARC, archives pull in heavier libraries: import them on first use
    def run(data: bytes, source: str, ctx: Context, meta: Mapping[str, Any]) -> Iterator[Result]:
        import importlib

        read = getattr(importlib.import_module(f"eventwire.ingest.{module}"), func)
        yield from read(data, source, ctx, meta)

    return run


READERS: dict[str, Reader] = {
    "text": _read_text,
    "html": _read_html,
    "jsonl": _decoded(read_jsonl),
    "json": _decoded(read_json),
    "csv": _decoded(read_csv),
    "feed": _lazy("feeds", "read_feed"),
    "sitemap": _lazy("feeds", "read_sitemap"),
    "urls": _lazy("fetch", "read_url_list"),
    "warc": _lazy("warc", "read_warc"),
    "gzip": _lazy("archives", "read_gzip"),
    "zip": _lazy("archives", "read_zip"),
    "tar": _lazy("archives", "read_tar"),
}

def poller(settings: Settings, *, backoff: bool = True) -> Poller:
    """A poller of watched sources (``poll``) reading items with this package's readers; ``backoff``: leave a
    source that failed until its delay has passed (a continuous watch)."""
    return Poller(settings, Readers(read_file=read_file, walk=_walk, detect=detect_format, dispatch=read_bytes),
                  backoff=backoff)


__all__ = [
    "CONTRACT_FIELDS",
    "READERS",
    "SIDECAR_NAME",
    "ItemState",
    "Polled",
    "Poller",
    "SourceState",
    "clean_text",
    "decode_bytes",
    "detect_format",
    "detect_language",
    "input_files",
    "page_dump",
    "parse_field_options",
    "poller",
    "read_bytes",
    "read_data",
    "read_file",
    "read_inputs",
]
