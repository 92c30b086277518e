"""Helpers of the watch tests: a small web site on 127.0.0.1 (pages with ETags, a robots.txt, a request log) and a
webhook receiver, both real HTTP servers in threads."""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Site:
    """Pages served by path (``pages``, changed at will), with ETag and If-None-Match; every request is logged."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[bytes, str]] = {}
        self.log: list[tuple[str, int]] = []
        self.fail: dict[str, int] = {}  # path -> status to answer instead (errors for the backoff tests)
        self.lock = threading.Lock()
        self.url = ""

    def put(self, path: str, body: bytes | str, ctype: str = "text/html; charset=utf-8") -> None:
        with self.lock:
            self.pages[path] = (body.encode("utf-8") if isinstance(body, str) else body, ctype)

    def statuses(self, path: str) -> list[int]:
        return [s for p, s in self.log if p == path]

    def handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                with site.lock:
                    page = site.pages.get(self.path)
                    failing = site.fail.get(self.path)
                if failing:
                    self._answer(failing, b"", "text/plain")
                    return
                if page is None:
                    self._answer(404, b"not here", "text/plain")
                    return
                body, ctype = page
                etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    self._answer(304, b"", ctype, etag)
                    return
                self._answer(200, body, ctype, etag)

            def _answer(self, status: int, body: bytes, ctype: str, etag: str | None = None) -> None:
                with site.lock:
                    site.log.append((self.path, status))
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                if etag:
                    self.send_header("ETag", etag)
                if status == 503:
                    self.send_header("Retry-After", "120")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if status != 304:
                    self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        return Handler


class Receiver:
    """A webhook receiver: records each JSON body; answers ``statuses`` in turn (then 200)."""

    def __init__(self, statuses: list[int] | None = None) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.statuses = list(statuses or [])
        self.lock = threading.Lock()
        self.url = ""

    def handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.lock:
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                    if status == 200:
                        receiver.bodies.append(json.loads(body))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        return Handler


@contextlib.contextmanager
def serve_http(thing: Site | Receiver, path: str = "") -> Iterator[str]:
    """Serve a site or receiver on a free port of 127.0.0.1; yields its base URL (plus ``path``)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), thing.handler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    thing.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield thing.url + path
    finally:
        server.shutdown()
        server.server_close()


def page(title: str, paragraphs: list[str], published: str) -> str:
    """An article page as outlets publish them: title, date, paragraphs, and furniture around them."""
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            f"<meta property='article:published_time' content='{published}'></head><body>"
            "<nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
            f"<article><h1>{html.escape(title)}</h1>{body}</article>"
            "<footer>Copyright. All rights reserved.</footer></body></html>")


def rss(template: str, items: list[tuple[str, str, str]], pub_date: str) -> str:
    """A real RSS file with its items replaced by ours: (title, link, guid)."""
    head, _, rest = template.partition("<item>")
    tail = rest.rpartition("</item>")[2]
    body = "".join(f"\n <item>\n  <title>{html.escape(t)}</title>\n  <link>{html.escape(link)}</link>\n"
                   f"  <guid isPermaLink=\"false\">{html.escape(g)}</guid>\n  <pubDate>{pub_date}</pubDate>\n </item>\n"
                   for t, link, g in items)
    return head + body.strip("\n") + tail
