"""URL fetching (only with ``fetch=True`` / ``--fetch``): httpx with timeouts, a size cap,
a redirect limit, a clear User-Agent, and no private, loopback or link-local addresses.

The address check runs after DNS resolution and again for every redirect target, so
a public URL cannot redirect into the local network. (A DNS answer that changes
between the check and the connection is not caught; ``allow_private=False`` is a
guard against mistakes and simple SSRF, not a network firewall.)
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from eventwire.errors import Errors, InputError, failure_from, input_failure
from eventwire.ingest.context import Context
from eventwire.ingest.urls import url_lines
from eventwire.model import Article, InputFailure
from eventwire.settings import Settings


def _check_host(url: str, settings: Settings) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(Errors.E160, source=url)
    if settings.allow_private:
        return
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise InputError(Errors.E161, source=url, host=parts.hostname, reason=exc.strerror) from exc
    for info in infos:
        ip = ipaddress.ip_address(info[4][0])
        if (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast
                or ip.is_unspecified):
            raise InputError(Errors.E162, source=url, host=parts.hostname, ip=ip)


@dataclass(frozen=True)
class Fetched:
    """A response: 200 with its body, or 304 (not modified since the validators sent) with none."""

    status: int
    body: bytes
    url: str  # the final URL, after redirects
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None


def fetch(url: str, settings: Settings, *, etag: str | None = None, last_modified: str | None = None) -> Fetched:
    """GET ``url`` (conditional when given the validators of an earlier response: If-None-Match,
    If-Modified-Since); raises InputError when refused or failing (``retry_after``: seconds the server asked
    to wait, on 429 and 503)."""
    headers = {"User-Agent": settings.user_agent, "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    # httpx's timeout bounds each wait; a server dripping a byte at a time never trips it: the whole fetch,
    # redirects included, gets fetch_timeout seconds
    deadline = time.monotonic() + settings.fetch_timeout
    with httpx.Client(timeout=settings.fetch_timeout, follow_redirects=False, headers=headers) as client:
        for _ in range(settings.fetch_max_redirects + 1):
            _check_host(url, settings)
            try:
                with client.stream("GET", url) as resp:
                    if resp.status_code == 304:  # a 3xx that is no redirect: not modified since the validators
                        return Fetched(304, b"", url, etag=resp.headers.get("etag", etag),
                                       last_modified=resp.headers.get("last-modified", last_modified))
                    if resp.has_redirect_location:
                        location = resp.headers.get("location", "")
                        url = urljoin(url, location)
                        continue
                    if resp.status_code >= 300:  # an error, or a redirect that names no place
                        error = InputError(Errors.E163, source=url, status=resp.status_code)
                        error.retry_after = _retry_after(resp.headers.get("retry-after"))  # type: ignore[attr-defined]
                        raise error
                    declared = resp.headers.get("content-length")
                    if declared and declared.isdigit() and int(declared) > settings.fetch_max_bytes:
                        raise _too_big(url, settings)
                    body = bytearray()
                    for chunk in resp.iter_bytes():
                        body += chunk
                        if len(body) > settings.fetch_max_bytes:
                            raise _too_big(url, settings)
                        if time.monotonic() > deadline:
                            raise InputError(Errors.E168, source=url, limit=settings.fetch_timeout)
                    return Fetched(resp.status_code, bytes(body), url, resp.headers.get("content-type", ""),
                                   resp.headers.get("etag"), resp.headers.get("last-modified"))
            except httpx.HTTPError as exc:
                raise InputError(Errors.E164, source=url, reason=f"{type(exc).__name__}: {exc}") from exc
    raise InputError(Errors.E165, source=url, limit=settings.fetch_max_redirects)


def _retry_after(value: str | None) -> float | None:
    """Retry-After in seconds (a number of seconds or an HTTP date), None when absent or unreadable."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def fetch_url(url: str, settings: Settings) -> tuple[bytes, str, str]:
    """GET ``url`` -> (body, final URL, content type); raises InputError when refused or failing."""
    got = fetch(url, settings)
    return got.body, got.url, got.content_type


def _too_big(url: str, settings: Settings) -> InputError:
    return InputError(Errors.E142, source=url, limit=settings.fetch_max_bytes)


def read_url(
    url: str, ctx: Context, meta: dict[str, object] | None = None
) -> Iterator[Article | InputFailure]:
    """Fetch ``url`` and read what comes back like a file (HTML page, feed, ...)."""
    try:
        data, final, _ctype = fetch_url(url, ctx.settings)
    except InputError as exc:
        yield failure_from(url, exc)
        return
    yield from ctx.read(data, url, {"url": final, **(meta or {})})


# A fetched URL list may list more URL lists; this many levels are followed.
MAX_URL_LIST_DEPTH = 2


def read_url_list(data: bytes, source: str, ctx: Context, meta: Mapping[str, Any]
                  ) -> Iterator[Article | InputFailure]:
    """A list of URLs, one a line: with ``fetch`` each page is fetched and read, else one failure
    says how many there are and how to read them."""
    urls = url_lines(data) or []
    if not ctx.fetch:
        yield input_failure(source, Errors.E119, count=len(urls))
    elif ctx.depth >= MAX_URL_LIST_DEPTH:
        yield input_failure(source, Errors.E167, depth=MAX_URL_LIST_DEPTH)
    else:
        yield from read_listed(urls, ctx)


def read_listed(urls: list[str], ctx: Context) -> Iterator[Article | InputFailure]:
    """Fetch and read the pages an input lists (a sitemap, a URL list), one level deeper."""
    ctx.depth += 1
    try:
        for url in urls:
            yield from read_url(url, ctx)
    finally:
        ctx.depth -= 1


__all__ = ["Fetched", "fetch", "fetch_url", "read_listed", "read_url", "read_url_list"]
