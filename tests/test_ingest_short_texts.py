"""Texts the cleaner must keep: one-sentence items, text in any script, pages with broken markup.

A text that is only sentences (a headline, a feed item, a one-line event note) has no page
furniture around it, so cleaning keeps it whole whatever its length; no cleaning rule may depend
on Latin letters or punctuation.
"""

from __future__ import annotations

import csv
import io
import json
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventwire import pipeline
from eventwire.evaluation.boilerplate import shingles
from eventwire.ingest import clean_text, read_inputs
from eventwire.ingest.html import close_runaway_title, extract_html
from eventwire.model import Article, InputFailure
from eventwire.settings import Settings
from eventwire.store import Store

REPO = Path(__file__).resolve().parents[1]
PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"


def _read_text(text: str) -> list[Article | InputFailure]:
    return list(read_inputs(["-"], stdin=io.BytesIO(text.encode("utf-8"))))


# ---------------------------------------------------------------- item 1: one-sentence texts


def test_every_case_snippet_is_kept_whole(shared_data: Path) -> None:
    """CASE 2021 snippets are one or two sentences, many without a final full stop: each one read
    as a text file is an article whose text is the snippet, word for word."""
    with (shared_data / "case2021-task2" / "dev.tsv").open(encoding="utf-8") as fh:
        snippets = [r["EventSnippet"].strip() for r in csv.DictReader(fh, delimiter="\t")]
    unpunctuated = [s for s in snippets if s[-1:] not in ".!?\"'”’)"]
    assert len(unpunctuated) >= 20  # the case this test is about is really in the data
    lost = []
    for s in snippets:
        out = _read_text(s)
        if not (len(out) == 1 and isinstance(out[0], Article) and out[0].text == s):
            lost.append((s, out))
    assert not lost, lost[:3]


def test_headline_with_a_short_sentence_keeps_both() -> None:
    """A headline line over a short unpunctuated sentence: the headline is the title, the sentence the text."""
    cleaned = clean_text("Tear gas in Nairobi\n\nPolice fired tear gas at protesters outside parliament")
    assert cleaned.title == "Tear gas in Nairobi"
    assert cleaned.text == "Police fired tear gas at protesters outside parliament"


def test_min_text_chars_still_applies_to_what_is_left_of_a_page() -> None:
    """A page that is furniture around a few words is still refused: cleaning is not skipped."""
    page = ("Home | News | Sport | Weather\n\nSubscribe now and support independent journalism\n\n"
            "Share this article\n\nCopyright 2023 Example Media. All rights reserved.")
    out = _read_text(page)
    assert len(out) == 1 and isinstance(out[0], InputFailure) and out[0].code == "E112"


# ---------------------------------------------------------------- item 2: other scripts


@pytest.mark.parametrize(("page", "must_keep"), [
    ("afpbb-ja-nigeria.html", ["31人が死亡した", "救急隊が現場で6人の頭部を発見した", "(c)AFP/Aminu ABUBAKAR"]),
    ("bbc-zh-hongkong.html", ["梁振英", "民主党此前计划在星期三（11日）对梁振英提出不信任动议。"]),
])
def test_non_latin_pages_keep_their_body(page: str, must_keep: list[str]) -> None:
    """Japanese and Chinese pages: the cleaner keeps the body trafilatura extracted (sentences
    end with 。, words are not separated by spaces)."""
    raw = (PAGES / page).read_text(encoding="utf-8")
    body, _ = extract_html(raw, page)
    [article] = read_inputs([str(PAGES / page)])
    assert isinstance(article, Article), article
    for words in must_keep:
        assert words in article.text
    assert len(article.text) >= 0.9 * len(body)


def test_non_latin_pages_are_stored_with_their_text(tmp_path: Path) -> None:
    """Languages the extractor does not handle are stored with their text, and skipped by extraction."""
    settings = Settings(db=tmp_path / "s.duckdb")
    summary = pipeline.run([str(PAGES)], settings)
    assert not summary.failures
    with Store(settings.db, read_only=True) as store:
        articles = store.articles()
        status = store.extraction_status()
    assert {a.language for a in articles} == {"ja", "zh"}
    assert all(len(a.text) > 500 for a in articles)
    assert all(status[a.id].startswith("skipped-language") for a in articles)


# Words of one news sentence per script (split on spaces; CJK ones are joined without them).
_WORDS = {
    "latin": ("police fired tear gas at protesters in the capital and two people were hurt", " ",
              [".", "!", "?"]),
    "cyrillic": ("полиция применила слезоточивый газ против протестующих в столице и двое ранены", " ",
                 [".", "!", "?"]),
    "arabic": ("أطلقت الشرطة الغاز المسيل للدموع على المتظاهرين في العاصمة وأصيب شخصان", " ",
               [".", "؟", "!"]),
    "armenian": ("ոստիկանությունը արցունքաբեր գազ կիրառեց ցուցարարների դեմ մայրաքաղաքում երկու մարդ "
                 "վիրավորվեց", " ", ["։", "՞"]),
    "chinese": ("警察 在 首都 向 抗议者 发射 催泪瓦斯 两 人 受伤", "", ["。", "！", "？"]),
    "japanese": ("警察 が 首都 で デモ隊 に 催涙ガス を 発射 し 二人 が 負傷 した", "", ["。", "！"]),
}


@st.composite
def _short_texts(draw: st.DrawFn) -> str:
    script = draw(st.sampled_from(sorted(_WORDS)))
    phrase, space, ends = _WORDS[script]
    words = phrase.split()
    sentences = []
    for _ in range(draw(st.integers(1, 3))):
        n = draw(st.integers(2, len(words)))
        sentences.append(space.join(draw(st.permutations(words))[:n]))
    stops = [draw(st.sampled_from(ends)) for _ in sentences]
    if not draw(st.booleans()):
        stops[-1] = ""  # no final punctuation
    sep = " " if space else ""
    return sep.join(s + p for s, p in zip(sentences, stops, strict=True))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_short_texts())
def test_short_texts_in_any_script_are_stored_whole(text: str) -> None:
    """One to three sentences in Latin, Cyrillic, Arabic, Armenian or CJK script, with or without
    final punctuation: read as a text file, they are one article with every word intact."""
    out = _read_text(text)
    assert len(out) == 1 and isinstance(out[0], Article), out
    assert out[0].text == text


# ---------------------------------------------------------------- item 3: broken markup


def test_page_with_a_runaway_title_keeps_its_article(shared_data: Path) -> None:
    """The Computerworld page's <title> ends in a mangled "</titavaScript": the parser read the whole
    page as its title and found no body. The title now ends at its first tag, and the article is read."""
    page = shared_data / "l3s-gn1" / "original" / "51600d8d-20a1-49a2-87f6-21aa9cb8dbed.html"
    with (shared_data / "l3s-gn1" / "gold_text.jsonl").open(encoding="utf-8") as fh:
        gold = next(r for r in map(json.loads, fh) if r["id"] == page.stem)
    [article] = read_inputs([str(page)])
    assert isinstance(article, Article), article
    want = shingles(gold["fulltext"])
    assert len(want & shingles(article.text)) >= 0.9 * len(want)
    assert article.title == "Microsoft faces two new European antitrust cases"


def test_close_runaway_title_leaves_good_titles_alone() -> None:
    good = "<html><head><title>A &lt; B</title><meta name='x'></head><body><p>x</p></body></html>"
    assert close_runaway_title(good) == good
    svg = "<html><body><svg><title>icon</title></svg><p>text</p></body></html>"
    assert close_runaway_title(svg) == svg
    broken = "<html><head><title>Headline</titavaScript src='a.js'></script></head><body><p>x</p></body></html>"
    assert close_runaway_title(broken).startswith("<html><head><title>Headline</title></tita")


# ---------------------------------------------------------------- item 12: packaging metadata


def test_licence_is_an_spdx_string() -> None:
    """setuptools reads the project table without its deprecation warning for a licence table."""
    from setuptools.config.pyprojecttoml import apply_configuration
    from setuptools.dist import Distribution

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        dist = apply_configuration(Distribution(), REPO / "pyproject.toml")
    assert dist.metadata.license_expression == "Apache-2.0"
