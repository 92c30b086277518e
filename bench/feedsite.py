"""A news site on 127.0.0.1 for the watch benchmarks: real article texts (ECB+ development articles) as HTML pages
with ETags, listed in a real RSS file (trafilatura's test feed, its items replaced), and a robots.txt; served by
the standard library's HTTP server in a thread. ``eventwire watch`` fetches it with EVENTWIRE_ALLOW_PRIVATE=1."""

from __future__ import annotations

import hashlib
import html
import json
import threading
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
FEED_TEMPLATE = SHARED / "feeds" / "feed2.rss"


def ecb_docs(path: Path, *, limit: int = 0, topics: set[int] | None = None) -> list[dict[str, Any]]:
    """ECB+ development articles (one JSON object a line: doc_id, topic, text whose first line is the title)."""
    docs = [json.loads(ln) for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    if topics:
        docs = [d for d in docs if d.get("topic") in topics]
    return docs[:limit] if limit else docs


def page_html(doc: dict[str, Any]) -> str:
    """An article page: title, paragraphs, and page furniture around them."""
    title, *paragraphs = [ln.strip() for ln in doc["text"].splitlines() if ln.strip()] or ["untitled"]
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title></head><body>"
            "<nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
            f"<article><h1>{html.escape(title)}</h1>{body}</article>"
            "<footer>All rights reserved.</footer></body></html>")


def page_path(doc: dict[str, Any]) -> str:
    return "/news/" + doc["doc_id"].replace(".xml", "") + ".html"


def rss(base: str, docs: Sequence[dict[str, Any]], pub_date: str = "Wed, 05 May 2010 18:00:00 +0000") -> str:
    """The real RSS file with one item per article, newest first."""
    template = FEED_TEMPLATE.read_text(encoding="utf-8")
    head, _, rest = template.partition("<item>")
    tail = rest.rpartition("</item>")[2]
    items = "".join(
        f"\n <item>\n  <title>{html.escape(d['text'].splitlines()[0].strip())}</title>\n"
        f"  <link>{base}{page_path(d)}</link>\n  <guid isPermaLink=\"false\">{html.escape(d['doc_id'])}</guid>\n"
        f"  <pubDate>{pub_date}</pubDate>\n </item>\n" for d in reversed(docs))
    return head + items.strip("\n") + tail


class Site:
    """Pages by path, with ETags (a conditional GET of an unchanged page answers 304); a count of requests."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[bytes, str]] = {}
        self.requests: dict[int, int] = {}  # answers by status
        self.sent = 0  # bytes of the bodies sent
        self.lock = threading.Lock()
        self.url = ""
        self._server: ThreadingHTTPServer | None = None

    def put(self, path: str, body: str, ctype: str = "text/html; charset=utf-8") -> None:
        with self.lock:
            self.pages[path] = (body.encode("utf-8"), ctype)

    def publish(self, docs: Sequence[dict[str, Any]]) -> None:
        """Serve these articles and a feed listing them (at /feed.rss), with a robots.txt."""
        self.put("/robots.txt", "User-agent: *\nDisallow: /private/\n", "text/plain")
        for d in docs:
            self.put(page_path(d), page_html(d))
        self.put("/feed.rss", rss(self.url, docs), "application/rss+xml")

    def start(self) -> str:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                with site.lock:
                    found = site.pages.get(self.path)
                if found is None:
                    self._send(404, b"", "text/plain")
                    return
                body, ctype = found
                etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                self._send(304 if self.headers.get("If-None-Match") == etag else 200, body, ctype, etag)

            def _send(self, status: int, body: bytes, ctype: str, etag: str | None = None) -> None:
                with site.lock:
                    site.requests[status] = site.requests.get(status, 0) + 1
                    site.sent += 0 if status == 304 else len(body)
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                if etag:
                    self.send_header("ETag", etag)
                self.send_header("Content-Length", "0" if status == 304 else str(len(body)))
                self.end_headers()
                if status != 304:
                    self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        return self.url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


__all__ = ["Site", "ecb_docs", "page_html", "page_path", "rss"]
