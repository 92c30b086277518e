"""One bad input never stops the others nor leaves the store stuck (real spaCy, real DuckDB).

The huge-line file of the bug report: a 31.6 MB text on one line, under max_file_bytes but far
over max_text_chars, used to crash extraction (spaCy's E088) and stay pending for every later run.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from eventwire import pipeline
from eventwire.ingest import read_inputs
from eventwire.settings import Settings
from eventwire.store import Store

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
LINE = "Police fired tear gas in Nairobi. "


def _inputs(tmp_path: Path) -> Path:
    """The demo articles (with their metadata) in a folder of their own."""
    folder = tmp_path / "in"
    shutil.copytree(EXAMPLES, folder)
    return folder


@pytest.mark.slow
def test_huge_line_is_quarantined_and_the_others_are_extracted(tmp_path: Path) -> None:
    folder = _inputs(tmp_path)
    big = folder / "big.txt"
    big.write_text(LINE * 900_000 + "\n", encoding="utf-8")
    settings = Settings(db=tmp_path / "s.duckdb")
    assert big.stat().st_size < settings.max_file_bytes

    summary = pipeline.run([str(folder)], settings)
    assert [(f.source, f.code) for f in summary.failures] == [(str(big), "E118")]
    assert str(big) in summary.failures[0].reason and "max_text_chars" in summary.failures[0].reason
    assert summary.extracted == 2 and summary.events > 0

    # the next run on the same store works and reads a new input
    extra = tmp_path / "extra.txt"
    extra.write_text("Police fired tear gas at protesters outside parliament in Nairobi on Tuesday, "
                     "and two people were injured.\n", encoding="utf-8")
    again = pipeline.run([str(folder), str(extra)], settings)
    assert again.extracted == 1 and again.articles_new == 1
    with Store(settings.db, read_only=True) as store:
        assert [(f.source, f.code) for f in store.quarantine()] == [(str(big), "E118")]
        assert store.pending_extraction(pipeline.EXTRACTOR_VERSION) == []


def test_store_left_stuck_by_an_unlimited_version_recovers(tmp_path: Path) -> None:
    """An over-long article already stored (by a version or settings without the limit) is
    quarantined at extraction instead of blocking every later run."""
    folder = _inputs(tmp_path)
    long_text = tmp_path / "long.txt"
    long_text.write_text(LINE * 40_000, encoding="utf-8")  # 1.36 million characters
    db = tmp_path / "s.duckdb"
    with Store(db) as store:
        pipeline.ingest([str(long_text)], store, Settings(db=db, max_text_chars=10_000_000))
    summary = pipeline.run([str(folder)], Settings(db=db))
    assert [(f.source, f.code) for f in summary.failures] == [(str(long_text), "E118")]
    assert summary.extracted == 2
    with Store(db, read_only=True) as store:
        assert store.pending_extraction(pipeline.EXTRACTOR_VERSION) == []
        assert [f.code for f in store.quarantine()] == ["E118"]


def test_an_article_that_breaks_extraction_is_quarantined(tmp_path: Path) -> None:
    """A stored article the extractor cannot handle (a damaged store gives it the last day of year
    9999 as publication date, and date arithmetic overflows) fails alone, with a coded reason naming
    its source; the other articles are extracted, and the next run does not try it again."""
    folder = _inputs(tmp_path)
    db = tmp_path / "s.duckdb"
    settings = Settings(db=db)
    with Store(db) as store:
        pipeline.ingest([str(folder)], store, settings)
        [victim] = [a for a in store.articles() if a.source.endswith("000_c271fdd144f74993.txt")]
        store.con.execute("UPDATE articles SET published = DATE '9999-12-31' WHERE id = ?", [victim.id])
    summary = pipeline.run([str(folder)], settings)
    assert [(f.source, f.code) for f in summary.failures] == [(victim.source, "E171")]
    assert summary.extracted == 1
    again = pipeline.run([str(folder)], settings)
    assert again.extracted == 0 and not again.failures


def test_text_over_spacys_limit_is_annotated_in_pieces() -> None:
    """Below max_text_chars but above spaCy's max_length, a text is annotated in pieces: the
    mentions and their character offsets are those of the text annotated whole."""
    settings = Settings()
    articles = list(read_inputs([str(EXAMPLES)], settings))

    def mentions() -> list[tuple]:
        return [(a.id, m.sub_event_type, m.event_date, m.place, [(e.start, e.end, e.text) for e in m.evidence])
                for a, ms in pipeline.extract_texts(articles, settings) for m in ms]

    whole = mentions()
    nlp = pipeline.resources(settings).nlp
    limit = nlp.max_length
    nlp.max_length = 1500  # each demo article (5-7 thousand characters) is cut into several pieces
    try:
        pieces = mentions()
    finally:
        nlp.max_length = limit
    assert whole and pieces == whole
    text = {a.id: a.text for a in articles}
    assert all(text[aid][s:e] == t for aid, *_, ev in pieces for s, e, t in ev)
