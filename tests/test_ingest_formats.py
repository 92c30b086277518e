"""Ingest readers beyond text/HTML: JSON/CSV with a field mapping, feeds, WARC, archives, URL fetch."""

from __future__ import annotations

import gzip
import http.server
import io
import json
import tarfile
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from eventwire.ingest import read_inputs
from eventwire.model import Article, InputFailure
from eventwire.settings import Settings

REPO = Path(__file__).resolve().parents[1]
BNB = REPO / "examples" / "002_97d02d094a504605.txt"
OC = REPO / "examples" / "000_c271fdd144f74993.txt"
DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def _split(results: list[Article | InputFailure]) -> tuple[list[Article], list[InputFailure]]:
    arts = [r for r in results if isinstance(r, Article)]
    return arts, [r for r in results if isinstance(r, InputFailure)]


def _data(sub: str) -> Path:
    if not (DATA / sub).exists():
        pytest.skip("shared development data (../shared/data) is absent")
    return DATA / sub


def _pages(n: int) -> list[Path]:
    return sorted((_data("l3s-gn1") / "original").glob("*.html"))[:n]


# --------------------------------------------------------------------------- JSON / CSV


def test_json_array_and_csv_with_field_mapping(tmp_path: Path) -> None:
    body = BNB.read_text(encoding="utf-8")
    rows = [{"guid": "n-1", "body": body, "pubDate": "Thu, 21 Sep 2023 06:10:00 GMT",
             "source": {"name": "Big Big News"}, "link": "https://bigbignews.net/a"}]
    (tmp_path / "api.json").write_text(json.dumps({"articles": rows}), encoding="utf-8")
    import csv

    with (tmp_path / "export.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=["guid", "body", "pubDate", "link"])
        w.writeheader()
        w.writerow({k: v for k, v in rows[0].items() if k != "source"})
        w.writerow({"guid": "n-2", "body": "", "pubDate": "", "link": ""})
    fields = {"id": "guid", "text": "body", "published": "pubDate", "outlet": "source.name", "url": "link"}
    arts, fails = _split(list(read_inputs([str(tmp_path / "api.json"), str(tmp_path / "export.csv")],
                                          fields=fields)))
    assert [a.id for a in arts] == ["n-1", "n-1"]
    j, c = arts
    assert j.raw_format == "json" and c.raw_format == "csv"
    assert str(j.published) == "2023-09-21" and j.published_from == "input"
    assert j.outlet == "Big Big News" and c.outlet == "Big Big News"  # same domain, one name
    assert j.text == c.text and "Leave a Comment" not in j.text
    assert [f.code for f in fails] == ["E121"] and fails[0].source.endswith("export.csv:3")


def test_parse_field_options() -> None:
    from eventwire.errors import UsageError
    from eventwire.ingest import parse_field_options

    assert parse_field_options(["text=body", "published = pubDate"]) == {"text": "body", "published": "pubDate"}
    with pytest.raises(UsageError, match=r"\[E201\].*Available: .*published"):
        parse_field_options(["pubdate=x"])
    with pytest.raises(UsageError, match=r"\[E203\]"):
        parse_field_options(["text"])


def test_news_api_shape_without_mapping(tmp_path: Path) -> None:
    # NewsAPI-style export: fields named differently, read through common aliases
    rec = {"source": {"id": None, "name": "OC Media"}, "author": "OC Media",
           "title": "Nagorno-Karabakh surrenders",
           "url": "https://oc-media.org/x", "publishedAt": "2023-09-20T14:00:00Z",
           "content": OC.read_text(encoding="utf-8")}
    f = tmp_path / "newsapi.json"
    f.write_text(json.dumps({"status": "ok", "totalResults": 1, "articles": [rec]}), encoding="utf-8")
    [a] = list(read_inputs([str(f)]))
    assert isinstance(a, Article)
    assert (a.outlet, str(a.published), a.published_from) == ("OC Media", "2023-09-20", "input")
    assert a.source == f"{f}#0" and "Become a member" not in a.text and "Yevlakh" in a.text


def test_html_record_and_non_english(tmp_path: Path) -> None:
    page = _pages(1)[0]
    recs = [
        {"id": "h1", "html": page.read_text(encoding="utf-8", errors="replace"), "outlet": "UN News Centre"},
        {"id": "de1", "text": "Die Regierung hat am Mittwoch angekündigt, dass die Verhandlungen über einen "
                              "Waffenstillstand in der kommenden Woche in Genf fortgesetzt werden sollen."},
    ]
    f = tmp_path / "mixed.ndjson"
    f.write_text("\n".join(json.dumps(r) for r in recs), encoding="utf-8")
    arts, fails = _split(list(read_inputs([str(f)])))
    assert not fails
    assert arts[0].raw_format == "json" and arts[0].raw.lstrip().startswith("<")
    assert "UNMIK" in arts[0].text and "<" not in arts[0].text
    assert arts[1].language == "de"  # stored, the extractor skips it by language


# --------------------------------------------------------------------------- feeds


def test_real_feeds() -> None:
    feeds = _data("feeds")
    arts, fails = _split(list(read_inputs([str(feeds / "feed.json"), str(feeds / "feed2.rss"),
                                           str(feeds / "feed1.atom")])))
    json_items = [a for a in arts if "feed.json#" in a.source]
    assert len(json_items) >= 20
    first = json_items[0]
    assert first.title == "Keller Rinaudo: How can delivery drones save lives?"
    assert first.url and first.url.startswith("https://www.npr.org/2021/10/29/")
    assert str(first.published) == "2021-10-29" and first.published_from == "input"
    assert first.outlet == "Technology" or first.outlet == "NPR"
    assert "Zipline" in first.text and "<p>" not in first.text
    assert first.raw.startswith("<p>")  # the entry's content as published
    rss = [a for a in arts if "feed2.rss#" in a.source]
    assert len(rss) == 1 and str(rss[0].published) == "2009-09-06" and rss[0].raw_format == "feed"
    # Atom entries of ten characters: quarantined as empty, with the hint to fetch the page
    atom = [f for f in fails if "feed1.atom#" in f.source]
    assert len(atom) == 2 and all(f.code == "E113" and "--fetch" in f.reason for f in atom)


# --------------------------------------------------------------------------- WARC


def _warc(pages: list[Path], *, gz: bool) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    for p in pages:
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.0")
        rec = writer.create_warc_record(f"http://news.example.com/{p.stem}", "response",
                                        payload=io.BytesIO(p.read_bytes()), http_headers=http,
                                        warc_headers_dict={"WARC-Date": "2008-01-20T10:00:00Z"})
        writer.write_record(rec)
    redirect = StatusAndHeaders("301 Moved", [("Location", "/x"), ("Content-Type", "text/html")],
                                protocol="HTTP/1.0")
    writer.write_record(writer.create_warc_record("http://news.example.com/moved", "response",
                                                  payload=io.BytesIO(b"<html>moved</html>"),
                                                  http_headers=redirect))
    return buf.getvalue()


def test_warc_and_warc_gz_from_real_pages(tmp_path: Path) -> None:
    pages = _pages(6)
    (tmp_path / "a.warc").write_bytes(_warc(pages, gz=False))
    (tmp_path / "a.warc.gz").write_bytes(_warc(pages, gz=True))
    plain, fails1 = _split(list(read_inputs([str(tmp_path / "a.warc")])))
    packed, fails2 = _split(list(read_inputs([str(tmp_path / "a.warc.gz")])))
    assert not fails1 and not fails2
    assert len(plain) == len(packed) == 6  # the redirect record is not an article
    assert [a.text for a in plain] == [a.text for a in packed]
    for a, p in zip(plain, pages, strict=True):
        assert a.url == f"http://news.example.com/{p.stem}"
        assert a.source == f"{tmp_path / 'a.warc'}!{a.url}"
        assert a.raw_format == "warc" and a.outlet == "news.example.com"
        assert a.published is not None and a.published_from in {"html-meta", "dateline", "warc"}
    # the crawl date is only the fallback, and marked as such
    assert any(a.published_from == "warc" and str(a.published) == "2008-01-20" for a in plain)
    assert any(a.published_from != "warc" for a in plain)


def test_warc_is_streamed_past_the_file_size_limit(tmp_path: Path) -> None:
    pages = _pages(6)
    biggest = max(p.stat().st_size for p in pages)
    (tmp_path / "crawl.warc").write_bytes(_warc(pages, gz=False))
    assert (tmp_path / "crawl.warc").stat().st_size > biggest + 2000
    # the limit applies to each record, not to the crawl file (CC-NEWS files are ~1 GB)
    arts, fails = _split(list(read_inputs([str(tmp_path)], Settings(max_file_bytes=biggest + 2000))))
    assert len(arts) == 6 and not fails
    small = Settings(max_file_bytes=min(p.stat().st_size for p in pages) + 10)
    arts, fails = _split(list(read_inputs([str(tmp_path)], small)))
    assert fails and {f.code for f in fails} == {"E143"} and len(arts) + len(fails) == 6


def test_truncated_warc_gz_keeps_complete_records(tmp_path: Path) -> None:
    data = _warc(_pages(4), gz=True)
    (tmp_path / "cut.warc.gz").write_bytes(data[: int(len(data) * 0.6)])
    arts, fails = _split(list(read_inputs([str(tmp_path / "cut.warc.gz")])))
    assert 1 <= len(arts) < 4
    assert [f.code for f in fails] == ["E155"] and "truncated" in fails[0].reason


def test_truncated_plain_warc_record(tmp_path: Path) -> None:
    pages = _pages(3)
    data = _warc(pages, gz=False)
    cut = data.index(b"http://news.example.com/moved") - 2000  # inside the third page's record
    (tmp_path / "cut.warc").write_bytes(data[:cut])
    arts, fails = _split(list(read_inputs([str(tmp_path / "cut.warc")])))
    assert [a.url for a in arts] == [f"http://news.example.com/{p.stem}" for p in pages[:2]]
    assert [f.code for f in fails] == ["E155"] and fails[0].source.endswith(pages[2].stem)


# --------------------------------------------------------------------------- archives


def test_zip_and_tar_gz_members(tmp_path: Path) -> None:
    zpath = tmp_path / "batch.zip"
    with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(OC, "dumps/oc.txt")
        z.writestr("__MACOSX/._oc.txt", b"\x00\x05junk")
        z.writestr("empty.txt", b"")
    tpath = tmp_path / "batch.tar.gz"
    with tarfile.open(tpath, "w:gz") as t:
        t.add(BNB, arcname="bnb.txt")
        t.add(zpath, arcname="inner/batch.zip")
    arts, fails = _split(list(read_inputs([str(zpath), str(tpath)])))
    assert [a.source for a in arts] == [f"{zpath}!dumps/oc.txt", f"{tpath}!bnb.txt",
                                        f"{tpath}!inner/batch.zip!dumps/oc.txt"]
    assert arts[0].id == arts[2].id  # same article, same id wherever it came from
    assert {f.source: f.code for f in fails} == {f"{zpath}!empty.txt": "E102",
                                                  f"{tpath}!inner/batch.zip!empty.txt": "E102"}


def test_archive_bombs_are_refused(tmp_path: Path) -> None:
    settings = Settings(max_archive_bytes=5_000_000, max_archive_ratio=100)
    (tmp_path / "bomb.gz").write_bytes(gzip.compress(b"\n" * 20_000_000))
    zpath = tmp_path / "bomb.zip"
    with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.txt", b" " * 20_000_000)
    ok = tmp_path / "ok.txt.gz"
    ok.write_bytes(gzip.compress(OC.read_bytes()))
    arts, fails = _split(list(read_inputs([str(tmp_path / "bomb.gz"), str(zpath), str(ok)], settings)))
    assert {Path(f.source).name: f.code for f in fails} == {"bomb.gz": "E140", "bomb.zip": "E140"}
    assert all("bomb" in f.reason for f in fails)
    assert len(arts) == 1 and "Stepanakert" in arts[0].text


# --------------------------------------------------------------------------- fetch


class _Handler(http.server.BaseHTTPRequestHandler):
    user_agents: list[str] = []  # class-level on purpose: what the server saw, read by the tests

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        _Handler.user_agents.append(self.headers.get("User-Agent", ""))
        if self.path == "/article":
            body = OC.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path == "/hop":
            self.send_response(302)
            self.send_header("Location", "/article")
            self.end_headers()
        elif self.path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.end_headers()
        else:
            self.send_response(404)
            self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return  # keep test output clean


@pytest.fixture()
def server() -> Iterator[str]:
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}"
    finally:
        srv.shutdown()
        srv.server_close()


def test_fetch_local_server(server: str) -> None:
    allow = Settings(allow_private=True, fetch_max_redirects=3, fetch_timeout=5.0, user_agent="eventwire-test/1")
    _Handler.user_agents.clear()
    arts, fails = _split(list(read_inputs([f"{server}/hop", f"{server}/missing", f"{server}/loop"], allow,
                                          fetch=True)))
    assert len(arts) == 1
    assert arts[0].source == f"{server}/hop" and arts[0].url == f"{server}/article"
    assert "Stepanakert" in arts[0].text
    codes = {f.source.rsplit("/", 1)[-1]: f.code for f in fails}
    assert codes == {"missing": "E163", "loop": "E165"}
    assert "404" in next(f.reason for f in fails if f.source.endswith("missing"))
    assert "redirects" in next(f.reason for f in fails if f.source.endswith("loop"))
    assert _Handler.user_agents and set(_Handler.user_agents) == {"eventwire-test/1"}


def test_sitemap_pages_fetched_only_with_fetch(server: str, tmp_path: Path) -> None:
    sm = tmp_path / "sitemap.xml"
    sm.write_text('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                  f"<url><loc>{server}/article</loc></url><url><loc>{server}/missing</loc></url></urlset>",
                  encoding="utf-8")
    [nofetch] = list(read_inputs([str(sm)], Settings(allow_private=True)))
    assert isinstance(nofetch, InputFailure) and "2 page URLs" in nofetch.reason and "--fetch" in nofetch.reason
    arts, fails = _split(list(read_inputs([str(sm)], Settings(allow_private=True), fetch=True)))
    assert [a.source for a in arts] == [f"{server}/article"] and "Stepanakert" in arts[0].text
    assert [f.source for f in fails] == [f"{server}/missing"]


def test_fetch_refuses_loopback_and_caps_size(server: str) -> None:
    [refused] = list(read_inputs([f"{server}/article"], Settings(), fetch=True))
    assert isinstance(refused, InputFailure) and refused.code == "E162"
    assert "127.0.0.1" in refused.reason and "ALLOW_PRIVATE" in refused.reason
    [capped] = list(read_inputs([f"{server}/article"], Settings(allow_private=True, fetch_max_bytes=1000),
                                fetch=True))
    assert isinstance(capped, InputFailure) and capped.code == "E142"
    [nofetch] = list(read_inputs([f"{server}/article"], Settings(allow_private=True)))
    assert isinstance(nofetch, InputFailure) and "--fetch" in nofetch.reason


def test_short_western_and_cyrillic_legacy_encodings_decode() -> None:
    from eventwire.ingest.decode import decode_bytes

    west = "Café in Zürich: police arrested fünf protesters on Monday, officials said."
    assert decode_bytes(west.encode("cp1252"), "west.txt") == west
    east = "Полиция задержала пятерых протестующих в понедельник после столкновений у вокзала."
    assert decode_bytes(east.encode("cp1251"), "east.txt") == east


def test_url_list_is_fetched_with_fetch_and_explained_without(server: str, tmp_path: Path) -> None:
    """A text file listing URLs is not an empty article: without --fetch it says how to read it,
    with --fetch each listed page is fetched and read."""
    urls = tmp_path / "urls.txt"
    urls.write_text(f"# pages to read\n{server}/article\n\n{server}/missing\n", encoding="utf-8")
    [nofetch] = list(read_inputs([str(urls)], Settings(allow_private=True)))
    assert isinstance(nofetch, InputFailure) and nofetch.code == "E119"
    assert str(urls) in nofetch.reason and "2 URLs" in nofetch.reason and "--fetch" in nofetch.reason
    arts, fails = _split(list(read_inputs([str(urls)], Settings(allow_private=True), fetch=True)))
    assert [a.source for a in arts] == [f"{server}/article"] and "Stepanakert" in arts[0].text
    assert [(f.source, f.code) for f in fails] == [(f"{server}/missing", "E163")]
