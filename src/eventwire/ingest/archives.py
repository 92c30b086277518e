"""Archives: gzip, zip and tar(.gz) holding any of the other formats, with bomb guards.

A member's source is ``archive.zip!member.html``. The uncompressed size is capped
by ``settings.max_archive_bytes`` and by ``settings.max_archive_ratio`` times the
compressed size, checked against the declared sizes first and again while
decompressing (declared sizes can lie). Truncated streams are quarantined with what was readable kept.
"""

from __future__ import annotations

import io
import tarfile
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from pathlib import PurePosixPath
from typing import Any

from eventwire.errors import Errors, InputError, failure_from, input_failure
from eventwire.ingest.context import Context
from eventwire.model import Article, InputFailure

Results = Iterator[Article | InputFailure]

MAX_DEPTH = 3  # archives nested deeper than this are refused
_CHUNK = 1 << 20


def _limit(compressed: int, ctx: Context) -> int:
    return min(ctx.settings.max_archive_bytes, max(compressed, 1) * ctx.settings.max_archive_ratio)


def _bomb(source: str, ctx: Context, compressed: int) -> InputError:
    return InputError(Errors.E140, source=source, limit=_limit(compressed, ctx),
                      max_bytes=ctx.settings.max_archive_bytes, max_ratio=ctx.settings.max_archive_ratio)


def gunzip(data: bytes, source: str, ctx: Context) -> tuple[bytes, InputError | None]:
    """Decompress all gzip members of ``data`` within the bomb limits.

    Returns (the content of the complete members, the truncation error if the
    stream ends early): a WARC.gz is one gzip member per record, so the records
    before a truncation are still good. Raises InputError for a bomb.
    """
    limit = _limit(len(data), ctx)
    out = bytearray()
    complete = 0
    rest = data
    while rest:
        d = zlib.decompressobj(wbits=31)
        buf = rest
        try:
            while buf:
                out += d.decompress(buf, _CHUNK)
                if len(out) > limit:
                    raise _bomb(source, ctx, len(data))
                buf = d.unconsumed_tail
        except zlib.error as exc:
            return bytes(out[:complete]), InputError(Errors.E150, source=source, good=complete, reason=exc)
        if not d.eof:
            return bytes(out[:complete]), InputError(Errors.E107, source=source, good=complete)
        complete = len(out)
        rest = d.unused_data
        if rest and not rest.startswith(b"\x1f\x8b"):
            break  # trailing garbage after the last member is ignored, as gzip(1) does
    return bytes(out), None


def _dispatch(data: bytes, source: str, ctx: Context, name: str) -> Results:
    ctx.depth += 1
    try:
        yield from ctx.read(data, source, name=name)
    finally:
        ctx.depth -= 1


def _check_depth(source: str, ctx: Context) -> None:
    if ctx.depth >= MAX_DEPTH:
        raise InputError(Errors.E141, source=source, depth=MAX_DEPTH)


def read_gzip(data: bytes, source: str, ctx: Context, meta: Mapping[str, Any]) -> Results:
    """A gzip file: its content is read as whatever it is (WARC, tar, HTML, JSONL, ...)."""
    _check_depth(source, ctx)
    inner, truncated = gunzip(data, source, ctx)
    name = source.rsplit("!", 1)[-1]
    if name.lower().endswith(".gz"):
        name = name[:-3]
    elif name.lower().endswith(".tgz"):
        name = name[:-4] + ".tar"
    if inner.strip():
        yield from _dispatch(inner, source, ctx, name)
    if truncated is not None:
        yield failure_from(source, truncated)


def _skip(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return any(p.startswith(".") or p == "__MACOSX" for p in parts)


def read_zip(data: bytes, source: str, ctx: Context, meta: Mapping[str, Any]) -> Results:
    """Every file member of a zip archive."""
    _check_depth(source, ctx)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = [i for i in zf.infolist() if not i.is_dir() and not _skip(i.filename)]
    except (zipfile.BadZipFile, EOFError) as exc:
        raise InputError(Errors.E151, source=source, reason=exc) from exc
    except NotImplementedError as exc:  # a central directory that asks for a newer zip version than Python reads
        raise InputError(Errors.E134, source=source, reason=exc) from exc
    limit = _limit(len(data), ctx)
    if sum(i.file_size for i in infos) > limit:
        raise _bomb(source, ctx, len(data))
    total = 0
    for info in infos:
        member = f"{source}!{info.filename}"
        try:
            with zf.open(info) as fh:
                chunks = bytearray()
                while chunk := fh.read(_CHUNK):
                    chunks += chunk
                    total += len(chunk)
                    if total > limit:
                        raise _bomb(source, ctx, len(data))
        except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError) as exc:  # RuntimeError: encrypted member
            yield input_failure(member, Errors.E152, reason=exc)
            continue
        except NotImplementedError as exc:
            yield input_failure(member, Errors.E134, reason=exc)
            continue
        yield from _dispatch(bytes(chunks), member, ctx, info.filename)


def read_tar(data: bytes, source: str, ctx: Context, meta: Mapping[str, Any]) -> Results:
    """Every regular file of an (uncompressed) tar archive; tar.gz arrives here through gzip."""
    _check_depth(source, ctx)
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:", errors="replace") as tf:
            members = [m for m in tf.getmembers() if m.isfile() and not _skip(m.name)]
            # an uncompressed tar is as big as its file; a tar.gz was guarded by gunzip already
            if sum(m.size for m in members) > ctx.settings.max_archive_bytes:
                raise _bomb(source, ctx, len(data))
            bodies: list[tuple[str, str, bytes | None]] = []
            for m in members:
                fh = tf.extractfile(m)
                body = fh.read() if fh is not None else b""
                bodies.append((m.name, f"{source}!{m.name}", body if len(body) >= m.size else None))
    except (tarfile.TarError, EOFError) as exc:
        raise InputError(Errors.E153, source=source, reason=exc) from exc
    for name, member, body in bodies:
        if body is None:
            yield input_failure(member, Errors.E154)
            continue
        yield from _dispatch(body, member, ctx, name)


__all__ = ["gunzip", "read_gzip", "read_tar", "read_zip"]
