"""Ingest stage on real inputs: the demo text dumps, real l3s-gn1 pages, contract records, bad files."""

from __future__ import annotations

import html
import io
import json
import re
import shutil
from pathlib import Path

import pytest

from eventwire.ingest import detect_format, read_inputs
from eventwire.model import Article, InputFailure

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
OC = EXAMPLES / "000_c271fdd144f74993.txt"
BNB = EXAMPLES / "002_97d02d094a504605.txt"

# Boilerplate lines of the demo dumps, hand-labelled (a substring of each).
OC_BOILERPLATE = [
    "Become an OC Media Member",
    "Support independent journalism in the Caucasus",
    "Become a member",
    "Photo: Siranush Sargsyan",
    "For ease of reading, we choose not to use qualifiers",
    "Support small, independent media outlets",
    "Consider becoming a member",
]
BNB_BOILERPLATE = [
    "by Ryan Lee",
    "Related Coverage",
    "Concerns Over Nagorno-Karabakh’s Future as Both Contesting Parties Agree to Talks",
    "Jim Heintz and Dasha Litvinova",
    "Frequently Asked Questions",
    "What led to the recent developments",
    "The recent developments in Nagorno-Karabakh were triggered",
    "What role have Russia and Turkey played",
    "Azerbaijan has claimed full sovereignty over Nagorno-Karabakh, as local",
    "The humanitarian situation in Nagorno-Karabakh is dire.",
    "The U.S. expressed deep concern over Azerbaijan’s actions, emphasizing",
    "Russia has acted as a mediator",
    "More about Nagorno-Karabakh Ceasefire",
    "(Insert Link)",
    "You may also like",
    "NewsJunkie22",
    "azerbijan takin over",
    "omg this is a big mess",
    "Leave a Comment",
    "is a news portal that offers",
    "Editors' Picks",
    "Latest News",
    "© 2023",
]


def _articles(results: list[Article | InputFailure]) -> list[Article]:
    return [r for r in results if isinstance(r, Article)]


def _failures(results: list[Article | InputFailure]) -> list[InputFailure]:
    return [r for r in results if isinstance(r, InputFailure)]


def _news_paragraphs(raw: str, boilerplate: list[str]) -> list[str]:
    paras = [p.strip() for p in raw.splitlines() if len(p.split()) >= 12]
    return [p for p in paras if not any(b in p for b in boilerplate)]


@pytest.mark.parametrize(("path", "boilerplate"), [(OC, OC_BOILERPLATE), (BNB, BNB_BOILERPLATE)])
def test_demo_dump_cleaned(path: Path, boilerplate: list[str]) -> None:
    [art] = _articles(list(read_inputs([str(path)])))
    raw = path.read_text(encoding="utf-8")
    assert art.raw == raw  # the input kept exactly as read
    for b in boilerplate:
        assert b not in art.text, b
    news = [p for p in _news_paragraphs(raw, boilerplate) if p != art.title]
    assert art.title is not None and art.title in raw[:400]
    assert len(news) >= 15
    for p in news:
        assert p in art.text, p
    # every removed span points at its text in the raw input
    assert art.removed
    for span in art.removed:
        assert raw[span.start:span.end] == span.text
        assert span.reason


def test_demo_metadata_from_sidecar_and_credit_line() -> None:
    arts = {Path(a.source).name: a for a in _articles(list(read_inputs([str(EXAMPLES)])))}
    assert set(arts) == {OC.name, BNB.name}  # README.md and the sidecar are not articles
    oc, bnb = arts[OC.name], arts[BNB.name]
    assert oc.outlet == "OC Media" and oc.url == "https://oc-media.org/"
    assert str(oc.published) == "2023-09-20" and oc.published_from == "sidecar"
    assert oc.title == "Nagorno-Karabakh surrenders to Azerbaijan"
    assert bnb.published_from == "sidecar" and str(bnb.published) == "2023-09-21"
    assert bnb.credits is not None and bnb.credits.startswith("Jim Heintz and Dasha Litvinova in Tallinn")
    assert bnb.byline == "Ryan Lee"
    assert {oc.language, bnb.language} == {"en"}
    assert oc.id.startswith("a_") and oc.id != bnb.id
    assert {s.reason for s in bnb.removed} >= {"credit-line", "generated-faq", "reader-comments", "link-list",
                                               "copyright", "site-description"}


def test_sidecar_in_parent_folder_and_bad_sidecar_line(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    shutil.copy(OC, tmp_path / "sub" / "oc.txt")
    (tmp_path / "eventwire-meta.jsonl").write_text(
        '{"path": "sub/oc.txt", "outlet": "OC Media", "published": "2023-09-20", "id": "oc-1"}\n{oops\n',
        encoding="utf-8")
    res = list(read_inputs([str(tmp_path)]))
    arts, fails = _articles(res), _failures(res)
    assert [a.id for a in arts] == ["oc-1"] and arts[0].published_from == "sidecar"
    assert len(fails) == 1 and fails[0].code == "E122" and fails[0].source.endswith("eventwire-meta.jsonl:2")


def test_same_text_same_id_and_hash(tmp_path: Path) -> None:
    a = tmp_path / "a.txt"
    b = tmp_path / "b.txt"
    raw = OC.read_text(encoding="utf-8")
    a.write_text(raw, encoding="utf-8")
    # different whitespace and boilerplate, same news text
    b.write_text("Become a member\n\n" + raw.replace("\n\n", "\n\n\n"), encoding="utf-8")
    x, y = _articles(list(read_inputs([str(a), str(b)])))
    assert x.content_hash == y.content_hash and x.id == y.id
    assert x.published is None and x.published_from == "unknown"  # no sidecar, no dateline: no date


def test_jsonl_contract(tmp_path: Path) -> None:
    raw = BNB.read_text(encoding="utf-8")
    lines = [
        {"id": "wire-1", "text": raw, "url": "https://www.bigbignews.net/x", "outlet": "BNB – Big Big News",
         "published": "2023-09-21T06:10:00Z", "title": "Azerbaijan asserts control"},
        {"text": "Le gouvernement du Haut-Karabakh a accepté les conditions de l'Azerbaïdjan et "
                 "accepté de dissoudre ses forces armées, a annoncé mercredi la présidence."},
        {"url": "https://example.org/no-text"},
    ]
    f = tmp_path / "batch.jsonl"
    body = "\n".join(json.dumps(x, ensure_ascii=False) for x in lines)
    f.write_text(body + "\n{not json\n", encoding="utf-8")
    res = list(read_inputs([str(f)]))
    arts, fails = _articles(res), _failures(res)
    assert [a.id for a in arts][0] == "wire-1"
    assert arts[0].outlet == "BNB - Big Big News" and arts[0].published_from == "input"
    assert str(arts[0].published) == "2023-09-21" and arts[0].title == "Azerbaijan asserts control"
    assert "You may also like" not in arts[0].text
    assert arts[1].language == "fr"
    assert sorted(f.code for f in fails) == ["E121", "E122"]  # no text field; invalid JSON line
    assert all(str(f.source).startswith(str(tmp_path)) for f in fails)


def test_bad_inputs_never_stop_the_batch(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    latin = tmp_path / "latin1.txt"
    text = ("Le président a déclaré mercredi que les négociations reprendraient à Genève. "
            "Les forces armées se sont retirées de la région après des échanges de tirs. ") * 2
    latin.write_bytes(text.encode("latin-1"))
    good = tmp_path / "good.txt"
    shutil.copy(OC, good)
    res = list(read_inputs([str(tmp_path / "missing.txt"), str(empty), str(binary), str(latin), str(good)]))
    codes = {Path(f.source).name: f.code for f in _failures(res)}
    assert codes == {"missing.txt": "E101", "empty.txt": "E102", "photo.txt": "E103"}
    for f in _failures(res):
        assert Path(f.source).name in f.reason and f.reason.startswith(f"[{f.code}]")
    arts = _articles(res)
    assert [Path(a.source).name for a in arts] == ["latin1.txt", "good.txt"]
    assert "négociations" in arts[0].text and "Genève" in arts[0].raw


def test_utf16_html_with_bom(tmp_path: Path) -> None:
    page = "<html><head><title>Talks in Yevlakh</title></head><body><p>" + OC.read_text(encoding="utf-8") + "</p>"
    f = tmp_path / "export.htm"
    f.write_bytes(page.encode("utf-16"))  # with BOM, as Windows tools save it
    [a] = list(read_inputs([str(f)]))
    assert isinstance(a, Article) and a.raw_format == "html"
    assert "Yevlakh" in a.text and "<p>" in a.raw


def test_undecodable_bytes_fail_with_e104(tmp_path: Path) -> None:
    # bytes undefined in every single-byte code page charset-normalizer tries, and invalid UTF-8
    bad = tmp_path / "bad.txt"
    bad.write_bytes(bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D, 0xC3, 0x28, 0xE2, 0x82]) * 40)
    [res] = list(read_inputs([str(bad)]))
    assert isinstance(res, InputFailure) and res.code == "E104"
    assert "bad.txt" in res.reason and "UTF-8" in res.reason


def test_stdin_glob_and_small_file(tmp_path: Path) -> None:
    raw = OC.read_bytes()
    [a] = _articles(list(read_inputs(["-"], stdin=io.BytesIO(raw))))
    assert a.source == "<stdin>" and "Stepanakert" in a.text
    (tmp_path / "sub").mkdir()
    shutil.copy(OC, tmp_path / "sub" / "x.txt")
    (tmp_path / "tiny.txt").write_text("Read more\n", encoding="utf-8")
    res = list(read_inputs([str(tmp_path / "**" / "*.txt"), str(tmp_path / "*.nomatch")]))
    assert sorted(Path(r.source).name for r in res) == ["*.nomatch", "tiny.txt", "x.txt"]
    assert {r.code for r in _failures(res)} == {"E110", "E112"}  # no match; too little text


def test_detect_format_from_content() -> None:
    assert detect_format(b"<!DOCTYPE html><html><body><p>x</p></body></html>", "page.txt") == "html"
    assert detect_format(b'<?xml version="1.0"?><rss version="2.0"><channel>', "x") == "feed"
    assert detect_format(b'{"text": "a"}\n{"text": "b"}\n', "x.json") == "jsonl"
    assert detect_format(b'[{"text": "a"}]', "x") == "json"
    assert detect_format(b"WARC/1.0\r\nWARC-Type: warcinfo\r\n", "x") == "warc"
    assert detect_format(b"\x1f\x8b\x08\x00", "x.txt") == "gzip"
    assert detect_format(b"PK\x03\x04....", "x") == "zip"
    assert detect_format(b"Plain words, a story.", "x.html") == "text"


def _l3s_pages(n: int) -> list[Path]:
    if not (DATA / "l3s-gn1").exists():
        pytest.skip("shared development data (../shared/data) is absent")
    return sorted((DATA / "l3s-gn1" / "original").glob("*.html"))[:n]


def test_real_l3s_pages_text_and_metadata() -> None:
    pages = _l3s_pages(25)
    gold = {}
    for line in (DATA / "l3s-gn1" / "gold_text.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        gold[rec["id"]] = rec
    res = list(read_inputs([str(p) for p in pages]))
    arts = _articles(res)
    assert len(arts) >= 22
    hits = 0
    for a in arts:
        assert a.raw_format == "html" and a.raw.lstrip().startswith("<")
        assert a.published_from in {"html-meta", "dateline", "page-text", "unknown"}
        assert a.published is None or a.published.year >= 2000
        g = gold[Path(a.source).stem]
        gold_words = set(re.findall(r"\w{4,}", g["fulltext"].lower()))
        words = set(re.findall(r"\w{4,}", a.text.lower()))
        if gold_words and len(gold_words & words) / len(gold_words) > 0.6:
            hits += 1
    assert hits >= 0.8 * len(arts)
    assert sum(1 for a in arts if a.title) >= 0.9 * len(arts)
    # titles agree with the human-marked headlines (not the site name of the <title> tag)
    from rapidfuzz import fuzz

    with_gold = [a for a in arts if gold[Path(a.source).stem]["headline"]]
    close = [a for a in with_gold if fuzz.ratio((a.title or "").lower(),
                                                  gold[Path(a.source).stem]["headline"].lower()) >= 60]
    assert len(close) >= 0.6 * len(with_gold)
    # removed spans point into the page source: the removed words are there, between tags
    spans = [(a, s) for a in arts for s in a.removed if re.search(r"\w{3,}", s.text)]
    assert spans
    anchored = [(a, s) for a, s in spans if s.start >= 0]
    assert len(anchored) >= 0.8 * len(spans)
    for a, s in anchored:
        src = html.unescape(re.sub(r"<[^>]*>", "", a.raw[s.start:s.end]))
        assert re.sub(r"[\s|]+", "", src) == re.sub(r"[\s|]+", "", s.text)


def test_boilerplate_score_not_below_trafilatura() -> None:
    if not (DATA / "l3s-gn1").exists():
        pytest.skip("shared development data (../shared/data) is absent")
    from eventwire.evaluation.boilerplate import evaluate_boilerplate, shingles

    assert shingles("a b c d e") == {("a", "b", "c", "d"), ("b", "c", "d", "e")}
    rep = evaluate_boilerplate(DATA, limit=60)
    d = rep.to_dict()
    assert d["eventwire"]["pages"] == 60 == d["trafilatura"]["pages"]
    assert d["eventwire"]["f1"] >= d["trafilatura"]["f1"]
    assert d["eventwire"]["f1"] > 0.8
    # the text cleaner alone on whole-page text dumps of other sites: much more precise, recall kept
    dump, clean = d["text_dump"], d["text_dump_cleaned"]
    assert clean["precision"] > dump["precision"] + 0.15
    assert clean["recall"] > dump["recall"] - 0.02
    assert "eventwire" in rep.to_text() and "trafilatura" in rep.to_text()


def test_outlet_names_and_dates() -> None:
    import datetime as dt

    from eventwire.ingest.meta import OutletBook, dateline_date, normalise_outlet, parse_date

    assert normalise_outlet("BNB – Big Big News") == normalise_outlet("BNB - Big Big News") == "BNB - Big Big News"
    assert normalise_outlet("https://www.OC-Media.org/") == normalise_outlet("oc-media.org") == "oc-media.org"
    assert normalise_outlet("  OC Media | Home ") == "OC Media"
    book = OutletBook()
    assert book.resolve("OC Media", "https://oc-media.org/features/x") == "OC Media"
    assert book.resolve(None, "https://www.oc-media.org/news/y") == "OC Media"  # one outlet, one name
    assert book.resolve(None, "https://apnews.com/article/z") == "apnews.com"
    assert parse_date("Thu, 21 Sep 2023 06:10:00 GMT") == dt.date(2023, 9, 21)
    assert parse_date("2023-09-20T14:00:00+04:00") == dt.date(2023, 9, 20)
    assert parse_date("Sept. 20, 2023") == dt.date(2023, 9, 20)
    assert parse_date("2999-01-01") is None and parse_date("soon") is None  # never a made-up date
    # a real AP dateline line from an L3S-GN1 page
    assert dateline_date("Associated Press - January 8, 2008 4:33 PM ET \nGRANT TOWN, W.Va. (AP) - Relatives "
                         "of Rich Rodriguez have been harassed") == dt.date(2008, 1, 8)
