"""Hostile inputs for every reader: seeds from real files, structure-aware generators, byte mutations,
and the check that one case ends well (``bench/fuzz.py`` runs them by the hundred thousand, the tests
run a short deterministic share).

A case ends well when reading it yields only Articles and coded InputFailures, raises nothing, and every
Article could be stored (its strings are valid Unicode text, its fields serialise). Anything else is a
crash, pinned by a regression test once fixed. Needs the dev extras (hypothesis; atheris optionally).
"""

from __future__ import annotations

import functools
import gzip
import io
import json
import random
import re
import tarfile
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import strategies as st

from eventwire.errors import registry
from eventwire.ingest import read_data
from eventwire.model import Article, InputFailure, to_dict
from eventwire.settings import Settings

# reader -> the format read_bytes is told (the reader under test, whatever the bytes look like)
FORMATS: dict[str, str] = {
    "text": "text", "html": "html", "jsonl": "jsonl", "json": "json", "csv": "csv", "rss-atom": "feed",
    "jsonfeed": "feed", "sitemap": "sitemap", "warc": "warc", "warc-gz": "gzip", "zip": "zip", "tar": "tar",
    "gzip": "gzip", "urls": "urls", "detect": "",
}
READER_NAMES = tuple(FORMATS)
MAX_SEED_BYTES = 24_000  # seeds are cut to this size: small cases run fast

WORDS = ("Police", "said", "killed", "protesters", "in", "Kabul", "on", "Monday", "shelling", "Stepanakert",
         "Кабул", "убиты", "القصف", "في", "غزة", "警方", "抗议", "עזה", "हमला", "Γάζα", "😀", "\u200f", "\u200d",
         "e\u0301", "\ufeff", "\u202e", "ﷺ", "\u00a0", "—", "27", "2023-09-19", "dozens")
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-32", "cp1251", "cp1252", "latin-1", "shift_jis",
             "gb18030", "koi8-r", "iso-8859-7", "big5")
TAGS = ("html", "head", "title", "body", "p", "div", "span", "a", "script", "style", "meta", "link", "time",
        "table", "tr", "td", "h1", "h2", "article", "main", "nav", "footer", "noscript", "template", "svg",
        "math", "iframe", "textarea", "select", "option", "form", "br", "img", "pre", "xmp", "plaintext", "ul",
        "li", "blockquote", "figure", "figcaption", "header", "aside", "frameset", "object", "embed", "base")
ATTRS = ("charset", "content", "property", "name", "href", "datetime", "itemprop", "type", "rel", "class", "id",
         "style", "onerror", "src", "lang", "dir", "http-equiv", "srcdoc")
META_NAMES = ("og:title", "og:site_name", "og:url", "article:published_time", "author", "date", "description",
              "datePublished", "pubdate", "dc.date")
CONTRACT_KEYS = ("text", "html", "id", "url", "outlet", "title", "published", "language", "byline", "body",
                 "content", "publishedAt", "source", "link", "headline", "author", "authors", "lang", "date")
JSON_TRAPS = ('"\\ud800"', '"\\udfff\\ud800"', '"\\u0000"', '"a\\ud83d"', "1e999", "-0", "NaN", "Infinity",
              "12345678901234567890123456789", '"\\""', "[]", "{}", "null", "true", '"' + "x" * 3000 + '"')
RAW_HTML = ("<!DOCTYPE html>", "<![CDATA[x]]>", "<?xml version='1.0' encoding='utf-16'?>", "&#xD800;", "&#0;",
            "&bogus;", "&#x110000;", "</title", "<title>", "<!--", "-->", "<script>", "</script>", "<p",
            "<meta charset=\"x-unknown\">", "<meta charset=\"utf-16\">", "<meta http-equiv=refresh content=0>",
            "\x00", "\r", "<" * 50, "<a href='javascript:alert(1)'>", "<time datetime='9999-99-99'>",
            '<script type="application/ld+json">{"datePublished": "0000-00-00"}</script>')


# --------------------------------------------------------------------------- seeds


def _read_small(paths: Iterable[Path], limit: int) -> list[bytes]:
    out = []
    for p in paths:
        if len(out) >= limit:
            break
        try:
            data = p.read_bytes()
        except OSError:
            continue
        out.append(data[:MAX_SEED_BYTES])
    return out


def _built_in() -> dict[str, list[bytes]]:
    page = (b"<html><head><title>Shelling in Stepanakert | OC Media</title><meta property='og:site_name' "
            b"content='OC Media'><meta name='date' content='2023-09-19'></head><body><nav>Home News</nav><article>"
            b"<h1>Shelling in Stepanakert</h1><p>STEPANAKERT, Sept 19 (OC Media) - Azerbaijani forces shelled the "
            b"city on Tuesday, killing at least 27 people, the ombudsman said.</p><p>Dozens were injured.</p>"
            b"</article><footer>Subscribe</footer></body></html>")
    text = (b"Police said two protesters were killed in Kabul on Monday when security forces opened fire on a "
            b"crowd of several hundred people.\n\nThe interior ministry denied the report.")
    record = {"id": "x1", "text": text.decode(), "url": "https://example.org/a", "outlet": "Example",
              "published": "2023-09-19", "title": "Two killed"}
    rss = (b"<?xml version='1.0'?><rss version='2.0'><channel><title>Wire</title><item><title>Clash</title>"
           b"<link>https://example.org/1</link><pubDate>Tue, 19 Sep 2023 10:00:00 GMT</pubDate><description>"
           + text.replace(b"\n", b" ") + b"</description></item></channel></rss>")
    atom = (b"<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'><title>Wire</title>"
            b"<entry><title>Clash</title><link href='https://example.org/2'/><updated>2023-09-19T10:00:00Z</updated>"
            b"<content type='html'>&lt;p&gt;" + text.replace(b"\n", b" ") + b"&lt;/p&gt;</content></entry></feed>")
    jsonfeed = json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "Wire", "items": [
        {"id": "1", "url": "https://example.org/3", "title": "Clash", "content_text": text.decode(),
         "date_published": "2023-09-19T10:00:00Z", "authors": [{"name": "A. Writer"}]}]}).encode()
    sitemap = (b"<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'><url>"
               b"<loc>https://example.org/a</loc></url><url><loc>https://example.org/b</loc></url></urlset>")
    csv_data = b"id,title,text,published\nx1,Two killed,\"" + text.replace(b"\n", b" ") + b"\",2023-09-19\n"
    return {"text": [text], "html": [page], "jsonl": [json.dumps(record).encode() + b"\n"],
            "json": [json.dumps([record]).encode()], "csv": [csv_data], "rss-atom": [rss, atom],
            "jsonfeed": [jsonfeed], "sitemap": [sitemap], "urls": [b"https://example.org/a\n# list\nhttp://x.y/b\n"]}


def seeds(data_dir: Path | None = None, per_reader: int = 12) -> dict[str, list[bytes]]:
    """Seed inputs per reader: real files from the development data when ``data_dir`` holds them (BBC texts,
    l3s pages, ECB+ records, trafilatura's feeds), the built-in samples always, WARCs and archives built from
    them (well-formed and malformed)."""
    out = _built_in()
    if data_dir is not None and data_dir.is_dir():
        out["text"] += _read_small(sorted((data_dir / "bbc-news" / "bbc").rglob("*.txt"))[::200], per_reader)
        pages = sorted((data_dir / "l3s-gn1" / "original").glob("*.html"), key=lambda p: p.stat().st_size)
        out["html"] += _read_small(pages[:per_reader], per_reader)
        docs = data_dir / "ecbplus-dev" / "docs.jsonl"
        if docs.is_file():
            lines = docs.read_bytes().splitlines()[:: max(1, 772 // per_reader)][:per_reader]
            out["jsonl"].append(b"\n".join(lines) + b"\n")
            records = [json.loads(x) for x in lines]
            out["json"].append(json.dumps(records).encode()[:MAX_SEED_BYTES])
            out["csv"].append(_csv(records).encode()[:MAX_SEED_BYTES])
        feeds = data_dir / "feeds"
        if feeds.is_dir():
            out["rss-atom"] += _read_small(sorted(feeds.glob("*.rss")) + sorted(feeds.glob("*.atom")), per_reader)
            out["jsonfeed"] += _read_small(sorted(feeds.glob("*.json")), per_reader)
            out["sitemap"] += _read_small(sorted(feeds.glob("sitemap*.xml")), per_reader)
    out["warc"] = [warc_file(out["html"][:3])] + malformed_warcs(out["html"][0])
    out["warc-gz"] = [warc_file(out["html"][:3], compress=True)] + [gzip.compress(w, mtime=0)
                                                                     for w in out["warc"][1:4]]
    members = {"a.html": out["html"][0], "b.txt": out["text"][0], "c.jsonl": out["jsonl"][0]}
    out["zip"] = [zip_file(members), zip_file({"inner.zip": zip_file(members)})]
    out["tar"] = [tar_file(members)]
    out["gzip"] = [gzip.compress(x, mtime=0) for x in (out["jsonl"][0], tar_file(members), out["html"][0])]
    out["detect"] = [s for name, group in out.items() if name != "detect" for s in group[:2]]
    return out


def _csv(records: Sequence[dict]) -> str:
    import csv

    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=sorted({k for r in records for k in r}))
    w.writeheader()
    w.writerows(records)
    return buf.getvalue()


# --------------------------------------------------------------------------- file builders


def warc_record(url: str, body: bytes, *, rec_type: str = "response", status: str = "200 OK",
                ctype: str = "text/html; charset=utf-8", length: int | None = None, version: str = "1.0",
                http: bool = True) -> bytes:
    """One WARC record written by hand, so that its headers may lie (Content-Length, version, status)."""
    payload = (f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\n\r\n".encode() if http else b"") + body
    head = (f"WARC/{version}\r\nWARC-Type: {rec_type}\r\nWARC-Target-URI: {url}\r\nWARC-Date: 2023-09-19T10:00:00Z"
            f"\r\nWARC-Record-ID: <urn:uuid:{abs(hash((url, len(body)))):032x}>\r\n"
            f"Content-Type: {'application/http; msgtype=response' if http else ctype}\r\n"
            f"Content-Length: {len(payload) if length is None else length}\r\n\r\n")
    return head.encode() + payload + b"\r\n\r\n"


def warc_file(pages: Sequence[bytes], compress: bool = False) -> bytes:
    """A well-formed WARC (or WARC.gz, one gzip member per record, as crawlers write them) of ``pages``,
    written with warcio."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=compress)
    for i, page in enumerate(pages):
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(f"https://example.org/{i}", "response",
                                                      payload=io.BytesIO(page), http_headers=headers))
    return buf.getvalue()


def malformed_warcs(page: bytes) -> list[bytes]:
    """WARCs broken the ways real crawls break (warcio's own malformed test files are not shipped in its
    packages, so these are made here): lying Content-Length, a bad version line, a missing header block, a
    record cut short, garbage between records, chunked HTTP with broken chunks, an ARC-looking header,
    non-numeric lengths, a redirect and an error response, an empty record."""
    good = warc_record("https://example.org/ok", page)
    return [
        warc_record("https://example.org/long", page, length=len(page) * 3),
        warc_record("https://example.org/short", page, length=10) + good,
        warc_record("https://example.org/v", page, version="0.17"),
        good[: len(good) // 2],
        good + b"garbage between records\r\n" + good,
        warc_record("https://example.org/chunked", b"zz\r\n" + page[:100] + b"\r\n0\r\n",
                    ctype="text/html\r\nTransfer-Encoding: chunked"),
        b"http://example.org/ 127.0.0.1 20230919100000 text/html 50\n" + page[:50],
        good.replace(b"Content-Length: ", b"Content-Length: x"),
        warc_record("https://example.org/r", b"", status="302 Found"),
        warc_record("https://example.org/e", page, status="500 Internal Server Error"),
        warc_record("https://example.org/empty", b""),
        warc_record("https://example.org/res", page, rec_type="resource", http=False),
        warc_record("https://example.org/nohttp", page, http=False, ctype="application/http; msgtype=response"),
        warc_record("https://example.org/bin", b"\x00\x01\x02" * 100),
        good.replace(b"\r\n\r\n", b"\n\n", 1),
    ]


def zip_file(members: dict[str, bytes], lie: bool = False) -> bytes:
    """A zip of ``members``; with ``lie`` the central directory declares sizes far smaller than they are."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            # zipfile cuts a name at its first NUL and cannot write an empty one; a fixed date keeps a case the
            # same bytes whenever it is drawn (hypothesis replays draws and refuses a case that changed)
            info = zipfile.ZipInfo(name.split("\x00", 1)[0] or "x", date_time=(2023, 9, 19, 10, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (0o40775 << 16 | 0x10) if info.is_dir() else 0o600 << 16  # as writestr(name)
            zf.writestr(info, data)
    data = buf.getvalue()
    if lie:
        # uncompressed size fields (local header offset 22, central directory offset 24) set to 1
        data = re.sub(rb"(PK\x01\x02.{20})(....)", lambda m: m.group(1) + b"\x01\x00\x00\x00", data, flags=re.S)
    return data


def tar_file(members: dict[str, bytes]) -> bytes:
    """An uncompressed tar of ``members``."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


# --------------------------------------------------------------------------- strategies

_chars = st.characters(exclude_categories=("Cs",))
_text = st.text(_chars, max_size=300)
_word_text = st.lists(st.sampled_from(WORDS), max_size=80).map(" ".join)
_any_text = st.one_of(_text, _word_text, st.sampled_from(RAW_HTML + JSON_TRAPS))
# Strategies are built once, here and in the cached helpers below, not inside each draw: hypothesis validates a
# strategy object on its first draw, and rebuilding one_of/lists/composites per draw spent more than a third
# of the structured phase in that validation (the cases drawn are the same)
_mixed_parts = st.lists(st.one_of(_word_text, _text, st.just("\x00"), st.just("\n\n"),
                                  st.integers(1, 3000).map(lambda n: "x" * n)), min_size=1, max_size=12)
_attr_value = st.one_of(_any_text, st.sampled_from(META_NAMES), st.integers(0, 3000).map(lambda n: "a" * n))
_node_leaf = st.one_of(_any_text, st.sampled_from(RAW_HTML))


@st.composite
def mixed_text(draw: st.DrawFn) -> str:
    """Sentences of mixed scripts, bidi and zero-width marks, NULs, very long lines."""
    parts = draw(_mixed_parts)
    return "".join(parts)


@st.composite
def encoded(draw: st.DrawFn, text: st.SearchStrategy[str]) -> bytes:
    value = draw(text)
    enc = draw(st.sampled_from(ENCODINGS))
    return value.encode(enc, errors="replace")


def _attr(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(ATTRS))
    value = draw(_attr_value)
    quote = draw(st.sampled_from(('"', "'", "")))
    return f" {name}={quote}{value}{quote}"


@st.composite
def html_node(draw: st.DrawFn, depth: int = 0) -> str:
    if depth > 4 or draw(st.integers(0, 2)) == 0:
        return draw(_node_leaf)
    tag = draw(st.sampled_from(TAGS))
    attrs = "".join(_attr(draw) for _ in range(draw(st.integers(0, 3))))
    children = "".join(draw(_node(depth + 1)) for _ in range(draw(st.integers(0, 3))))
    close = draw(st.sampled_from((f"</{tag}>", "", f"</{tag}", "</x>")))
    return f"<{tag}{attrs}>{children}{close}"


@functools.cache
def _node(depth: int) -> st.SearchStrategy[str]:
    return html_node(depth)


@st.composite
def html_page(draw: st.DrawFn) -> bytes:
    """Pages with unclosed and misnested tags, odd attributes, bogus charsets, deep nesting."""
    deep = draw(st.integers(0, 3000)) if draw(st.booleans()) else 0
    body = "".join(draw(_node(0)) for _ in range(draw(st.integers(1, 4))))
    page = draw(st.sampled_from(("", "<!doctype html>", "<html>", "<?xml version='1.0'?>"))) + \
        "<div>" * deep + body + draw(st.sampled_from(("", "</div>" * deep)))
    return page.encode(draw(st.sampled_from(ENCODINGS)), errors="replace")


_json_leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), _any_text)
_json = st.recursive(_json_leaf, lambda c: st.one_of(st.lists(c, max_size=4),
                                                     st.dictionaries(st.sampled_from(CONTRACT_KEYS) | _text, c,
                                                                     max_size=5)), max_leaves=12)


_json_dict = st.dictionaries(st.sampled_from(CONTRACT_KEYS), st.one_of(_json, _word_text), max_size=8)


@st.composite
def json_record(draw: st.DrawFn) -> str:
    """A JSON object with contract fields of any JSON type, sometimes with raw escapes JSON allows (lone
    surrogates, NUL) or broken syntax."""
    rec = draw(_json_dict)
    text = json.dumps(rec, ensure_ascii=draw(st.booleans()))
    if draw(st.integers(0, 3)) == 0 and rec:
        key = draw(st.sampled_from(sorted(rec)))
        text = text.replace(json.dumps(key) + ": ", json.dumps(key) + ": " + draw(st.sampled_from(JSON_TRAPS))
                            + ", \"_\": ", 1)
    if draw(st.integers(0, 5)) == 0:
        cut = draw(st.integers(0, len(text)))
        text = text[:cut]
    return text


_jsonl_lines = st.lists(st.one_of(json_record(), st.just(""), _text), min_size=1, max_size=8)
_json_records = st.lists(st.one_of(json_record(), _json.map(json.dumps)), max_size=6)


@st.composite
def jsonl_file(draw: st.DrawFn) -> bytes:
    lines = draw(_jsonl_lines)
    return draw(st.sampled_from(("\n", "\r\n", "\r"))).join(lines).encode("utf-8", errors="surrogatepass")


@st.composite
def json_file(draw: st.DrawFn) -> bytes:
    records = draw(_json_records)
    inner = "[" + ", ".join(records) + "]"
    shape = draw(st.integers(0, 3))
    deep = draw(st.integers(0, 5000))
    doc = [inner, f'{{"{draw(st.sampled_from(("articles", "items", "data", "docs", "x")))}": {inner}}}',
           records[0] if records else "{}", "[" * deep + "]" * deep][shape]
    return doc.encode("utf-8", errors="surrogatepass")


_csv_cols = st.lists(st.sampled_from(CONTRACT_KEYS) | _text, min_size=1, max_size=6)
_csv_cell = st.one_of(_word_text, _any_text, mixed_text())


@functools.cache
def _csv_rows(n_cols: int) -> st.SearchStrategy[list[list[str]]]:
    return st.lists(st.lists(_csv_cell, max_size=n_cols + 2), max_size=6)


@st.composite
def csv_file(draw: st.DrawFn) -> bytes:
    delim = draw(st.sampled_from((",", ";", "\t", "|", " ")))
    cols = draw(_csv_cols)
    rows = draw(_csv_rows(len(cols)))

    def cell(v: str) -> str:
        return '"' + v.replace('"', '""') + '"' if draw(st.booleans()) else v

    lines = [delim.join(cell(c) for c in cols)] + [delim.join(cell(v) for v in r) for r in rows]
    return "\n".join(lines).encode(draw(st.sampled_from(ENCODINGS)), errors="replace")


def _xml_escape(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;")


_feed_body = st.one_of(_word_text, _node(0).map(_xml_escape), _any_text.map(_xml_escape),
                       _word_text.map(lambda t: f"<![CDATA[<p>{t}</p>]]>"))
_feed_date = st.one_of(st.sampled_from(["Tue, 19 Sep 2023 10:00:00 GMT", "2023-09-19T10:00:00Z", "0000-00-00",
                                        "Mon, 99 Foo 99999", ""]), _text.map(_xml_escape))
_feed_link = st.one_of(st.just("https://example.org/x"), _text)
_feed_doctype = st.sampled_from(["", "<!DOCTYPE rss [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;\">]>",
                                 "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"])


@st.composite
def feed_file(draw: st.DrawFn) -> bytes:
    """RSS 2.0, RSS 1.0 or Atom with entries of any content, dates, entity declarations, CDATA."""
    kind = draw(st.sampled_from(("rss", "atom", "rdf")))
    entries = []
    for _ in range(draw(st.integers(0, 8))):
        body = draw(_feed_body)
        date = draw(_feed_date)
        title = _xml_escape(draw(_any_text))
        link = _xml_escape(draw(_feed_link))
        if kind == "atom":
            entries.append(f"<entry><title>{title}</title><link href=\"{link}\"/><updated>{date}</updated>"
                           f"<content type=\"html\">{body}</content></entry>")
        else:
            entries.append(f"<item><title>{title}</title><link>{link}</link><pubDate>{date}</pubDate>"
                           f"<description>{body}</description></item>")
    doctype = draw(_feed_doctype)
    use = "&b;" if "ENTITY b" in doctype else "&e;" if "ENTITY e" in doctype else ""
    if kind == "atom":
        doc = (f"<?xml version='1.0'?>{doctype}<feed xmlns='http://www.w3.org/2005/Atom'><title>W{use}</title>"
               + "".join(entries) + draw(st.sampled_from(("</feed>", ""))))
    elif kind == "rdf":
        doc = (f"<?xml version='1.0'?>{doctype}<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#' "
               f"xmlns='http://purl.org/rss/1.0/'><channel><title>W{use}</title></channel>" + "".join(entries)
               + "</rdf:RDF>")
    else:
        doc = (f"<?xml version='1.0'?>{doctype}<rss version='2.0'><channel><title>W{use}</title>"
               + "".join(entries) + draw(st.sampled_from(("</channel></rss>", "</channel>", ""))))
    return doc.encode(draw(st.sampled_from(("utf-8", "utf-16", "latin-1"))), errors="replace")


_feed_items = st.lists(st.one_of(_json, st.fixed_dictionaries(
    {}, optional={"url": _json, "title": _json, "content_html": st.one_of(_node(0), _json),
                  "content_text": st.one_of(_word_text, _json), "summary": _json, "date_published": _json,
                  "author": _json, "authors": _json})), max_size=6)


@st.composite
def json_feed(draw: st.DrawFn) -> bytes:
    items = draw(_feed_items)
    doc = {"version": "https://jsonfeed.org/version/1", "title": draw(_json), "items": items}
    if draw(st.integers(0, 4)) == 0:
        doc["items"] = draw(_json)
    return json.dumps(doc).encode()


_locs = st.lists(st.one_of(st.just("https://example.org/a"), _text.map(_xml_escape)), max_size=20)
_url_lines = st.lists(st.one_of(st.just("https://example.org/a"), _text.map(lambda t: "http://" + t.strip()),
                                st.just("# comment"), st.just(""), st.just("http://127.0.0.1:1/x"),
                                st.just("https://[::1]/")), max_size=30)


@st.composite
def sitemap_file(draw: st.DrawFn) -> bytes:
    locs = draw(_locs)
    root = draw(st.sampled_from(("urlset", "sitemapindex")))
    inner = "".join(f"<url><loc>{loc}</loc></url>" for loc in locs)
    return f"<?xml version='1.0'?><{root}>{inner}</{root}>".encode()


@st.composite
def url_list(draw: st.DrawFn) -> bytes:
    lines = draw(_url_lines)
    return "\n".join(lines).encode("utf-8", errors="replace")


_warc_url = st.one_of(st.just("https://example.org/p"), _text)
_WARC_TYPES = ("response", "resource", "request", "revisit", "metadata", "warcinfo")
_HTTP_STATUSES = ("200 OK", "301 Moved", "404 Not Found", "abc", "")
_WARC_CTYPES = ("text/html", "text/html; charset=utf-16", "application/xhtml+xml", "text/plain",
                "text/html\r\nContent-Encoding: gzip", "text/html\r\nTransfer-Encoding: chunked")


def _warc_like(draw: st.DrawFn, bodies: st.SearchStrategy[bytes]) -> bytes:
    records = []
    for _ in range(draw(st.integers(1, 4))):
        body = draw(bodies)
        length = draw(st.one_of(st.none(), st.integers(0, len(body) * 2 + 100)))
        records.append(warc_record(
            draw(_warc_url).replace("\r", "").replace("\n", ""), body,
            rec_type=draw(st.sampled_from(_WARC_TYPES)), status=draw(st.sampled_from(_HTTP_STATUSES)),
            ctype=draw(st.sampled_from(_WARC_CTYPES)),
            length=length, version=draw(st.sampled_from(("1.0", "1.1", "0.18", "2.0", "x"))),
            http=draw(st.booleans())))
    data = b"".join(records)
    if draw(st.integers(0, 3)) == 0:
        data = data[: draw(st.integers(0, len(data)))]
    return data


def warc_strategy(pages: Sequence[bytes], compress: bool) -> st.SearchStrategy[bytes]:
    bodies = st.one_of(st.sampled_from(list(pages)), html_page())
    tails = st.sampled_from([b"", b"trailing", gzip.compress(b"WARC/1.0\r\n", mtime=0)])

    @st.composite
    def build(draw: st.DrawFn) -> bytes:
        data = _warc_like(draw, bodies)
        if not compress:
            return data
        member = gzip.compress(data, mtime=0)
        if draw(st.booleans()):
            member = member[: draw(st.integers(0, len(member)))]
        return member + draw(tails)

    return build()


def archive_strategy(kind: str, members: Sequence[bytes]) -> st.SearchStrategy[bytes]:
    names = st.one_of(st.sampled_from(["a.html", "b.txt", "c.jsonl", "../../etc/passwd", "/abs.html",
                                       ".hidden.html", "__MACOSX/x.html", "dir/", "x" * 300 + ".txt", "ü.html",
                                       "nested.zip", "n.tar.gz", "n.gz"]), _text)
    leaves = st.one_of(st.sampled_from(list(members)), st.binary(max_size=200))

    @functools.cache
    def nested(depth: int) -> st.SearchStrategy[bytes]:
        return build(depth)

    @st.composite
    def build(draw: st.DrawFn, depth: int = 0) -> bytes:
        content: dict[str, bytes] = {}
        for _ in range(draw(st.integers(0, 4))):
            name = draw(names) or "x"
            if depth < 4 and draw(st.integers(0, 4)) == 0:
                content[name] = draw(nested(depth + 1))
            else:
                content[name] = draw(leaves)
        how = draw(st.sampled_from(("zip", "tar", "gzip"))) if depth else kind
        if how == "zip":
            data = zip_file(content, lie=draw(st.booleans()))
        elif how == "tar":
            data = tar_file(content)
        else:
            data = gzip.compress(next(iter(content.values()), b""), mtime=0)
        if draw(st.integers(0, 4)) == 0:
            data = data[: draw(st.integers(0, len(data)))]
        return data

    return build()


def mutated(group: Sequence[bytes]) -> st.SearchStrategy[bytes]:
    """Byte-level mutations of seeds: flips, insertions, deletions, duplications, truncation, splices."""

    @st.composite
    def build(draw: st.DrawFn) -> bytes:
        data = bytearray(draw(st.sampled_from(list(group))))
        for _ in range(draw(st.integers(1, 8))):
            op = draw(st.integers(0, 5))
            at = draw(st.integers(0, len(data)))
            if op == 0 and data:
                data[min(at, len(data) - 1)] = draw(st.integers(0, 255))
            elif op == 1:
                data[at:at] = draw(st.binary(max_size=64))
            elif op == 2:
                del data[at: at + draw(st.integers(0, 512))]
            elif op == 3:
                data[at:at] = data[at: at + draw(st.integers(0, 256))] * draw(st.integers(1, 20))
            elif op == 4:
                del data[at:]
            else:
                other = draw(st.sampled_from(list(group)))
                data[at:at] = other[: draw(st.integers(0, len(other)))]
        return bytes(data)

    return build()


def structured(reader: str, group: Sequence[bytes], every: dict[str, list[bytes]]) -> st.SearchStrategy[bytes]:
    """The structure-aware generator of one reader."""
    pages = every["html"][:4]
    members = [g[0] for g in every.values() if g]
    return {
        "text": st.one_of(encoded(mixed_text()), st.binary(max_size=2000)),
        "html": html_page(),
        "jsonl": jsonl_file(),
        "json": json_file(),
        "csv": csv_file(),
        "rss-atom": feed_file(),
        "jsonfeed": json_feed(),
        "sitemap": sitemap_file(),
        "warc": warc_strategy(pages, compress=False),
        "warc-gz": warc_strategy(pages, compress=True),
        "zip": archive_strategy("zip", members),
        "tar": archive_strategy("tar", members),
        "gzip": archive_strategy("gzip", members),
        "urls": url_list(),
        "detect": st.one_of(html_page(), jsonl_file(), feed_file(), encoded(mixed_text()), st.binary(max_size=500)),
    }[reader]


# --------------------------------------------------------------------------- one case


class Hang(Exception):
    """Raised by the per-case alarm: a case ran past its time limit."""


@dataclass
class Finding:
    """A crash (an exception out of the reader, or a result that could not be stored), deduplicated by where."""

    key: str
    reader: str
    kind: str
    message: str
    sample: bytes
    count: int = 1


@dataclass
class Tally:
    """What the cases of one reader did."""

    reader: str
    cases: int = 0
    articles: int = 0
    failures: dict[str, int] = field(default_factory=dict)  # code -> count
    findings: dict[str, Finding] = field(default_factory=dict)
    hangs: int = 0
    slowest_s: float = 0.0

    def add(self, finding: Finding) -> None:
        if finding.key in self.findings:
            self.findings[finding.key].count += 1
        else:
            self.findings[finding.key] = finding


FUZZ_SETTINGS = Settings(max_file_bytes=2_000_000, max_archive_bytes=20_000_000, max_text_chars=200_000)
_CODES = frozenset(registry())


def problems(results: Sequence[object], settings: Settings = FUZZ_SETTINGS) -> list[str]:
    """What is wrong with a reader's results: anything not an Article or a coded InputFailure, an Article that
    could not be stored (strings that are not valid Unicode, fields that do not serialise), text past the limit."""
    out = []
    for r in results:
        if isinstance(r, InputFailure):
            if r.code not in _CODES or not r.reason.startswith(f"[{r.code}]"):
                out.append(f"uncoded failure {r.code!r}: {r.reason[:120]}")
        elif isinstance(r, Article):
            if not r.id or not r.text.strip():
                out.append("article without id or text")
            if len(r.text) > settings.max_text_chars:
                out.append(f"article text of {len(r.text)} characters")
            try:
                json.dumps(to_dict(r), ensure_ascii=False).encode("utf-8")
            except (TypeError, ValueError) as exc:
                out.append(f"article not storable: {type(exc).__name__}: {str(exc)[:120]}")
        else:
            out.append(f"unexpected result {type(r).__name__}")
    return out


def read_case(reader: str, data: bytes, settings: Settings = FUZZ_SETTINGS) -> list[Article | InputFailure]:
    """Everything one reader yields for ``data`` (read like a file named after the reader)."""
    return list(read_data(data, f"case.{reader}", settings, fmt=FORMATS[reader] or None))


def _where(exc: BaseException) -> str:
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "eventwire" in f.filename] or frames
    last = ours[-1] if ours else None
    return f"{type(exc).__name__} at {Path(last.filename).name}:{last.lineno}" if last else type(exc).__name__


def run_case(reader: str, data: bytes, tally: Tally, *, time_limit: float = 10.0,
             settings: Settings = FUZZ_SETTINGS) -> None:
    """Read one case under a time limit and add what happened to ``tally``."""
    import signal
    import time

    def alarm(_signum: int, _frame: object) -> None:
        raise Hang(f"over {time_limit} s")

    use_alarm = time_limit > 0 and hasattr(signal, "setitimer")
    if use_alarm:
        old = signal.signal(signal.SIGALRM, alarm)
        signal.setitimer(signal.ITIMER_REAL, time_limit)
    start = time.perf_counter()
    try:
        results = read_case(reader, data, settings)
    except Hang:
        tally.hangs += 1
        tally.add(Finding(f"hang:{reader}", reader, "hang", f"over {time_limit} s", data))
        return
    except RecursionError as exc:  # noqa: F841 - kept apart: Python's stack, not a logic error
        tally.add(Finding(f"crash:{_where(exc)}", reader, "crash", f"RecursionError: {str(exc)[:200]}", data))
        return
    except Exception as exc:
        tally.add(Finding(f"crash:{_where(exc)}", reader, "crash", f"{type(exc).__name__}: {str(exc)[:200]}", data))
        return
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)
        tally.cases += 1
        tally.slowest_s = max(tally.slowest_s, time.perf_counter() - start)
    for p in problems(results, settings):
        tally.add(Finding(f"bad:{reader}:{p.split(':')[0]}", reader, "bad result", p, data))
    for r in results:
        if isinstance(r, Article):
            tally.articles += 1
        elif isinstance(r, InputFailure):
            tally.failures[r.code] = tally.failures.get(r.code, 0) + 1


def hypothesis_cases(strategy: st.SearchStrategy[bytes], n: int, each: Callable[[bytes], None], seed: int) -> None:
    """Run ``each`` on ``n`` examples of ``strategy`` (generation only, no shrinking, no example database),
    deterministically for a given ``seed``."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hseed

    @hseed(seed)
    @settings(max_examples=n, phases=[Phase.generate], database=None, deadline=None, derandomize=False,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def case(data: bytes) -> None:
        each(data)

    case()


def random_cases(group: Sequence[bytes], n: int, each: Callable[[bytes], None], seed: int) -> None:
    """Byte-level mutation without hypothesis' engine (a fallback when atheris is not installed): seeds
    flipped, cut, spliced and repeated by a seeded random generator."""
    rng = random.Random(seed)
    for _ in range(n):
        data = bytearray(rng.choice(group))
        for _ in range(rng.randint(1, 8)):
            at = rng.randint(0, len(data))
            op = rng.randint(0, 5)
            if op == 0 and data:
                data[min(at, len(data) - 1)] = rng.randint(0, 255)
            elif op == 1:
                data[at:at] = rng.randbytes(rng.randint(0, 64))
            elif op == 2:
                del data[at: at + rng.randint(0, 512)]
            elif op == 3:
                data[at:at] = data[at: at + rng.randint(0, 256)] * rng.randint(1, 20)
            elif op == 4:
                del data[at:]
            else:
                other = rng.choice(group)
                data[at:at] = other[: rng.randint(0, len(other))]
        each(bytes(data))


__all__ = ["FORMATS", "FUZZ_SETTINGS", "READER_NAMES", "Finding", "Hang", "Tally", "hypothesis_cases",
           "malformed_warcs", "mutated", "problems", "random_cases", "read_case", "run_case", "seeds", "structured",
           "tar_file", "warc_file", "warc_record", "zip_file"]

