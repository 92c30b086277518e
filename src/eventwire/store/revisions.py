"""Revisions of an article: the same article stored again with a changed text.

An article is a revision of a stored one when it comes with the same id given by the input, or from the same
URL or the same whole file (a page or text file, not a record inside one) and its text is mostly the same words
(``SAME_TEXT`` of the shorter text's word pairs, or the same title): an outlet updating a toll, a scraper
dropping the updated page again. Two different articles that only share a URL (a section page, a reused link)
stay two articles.

Each revision is stored as an article of its own (its own id, text, claims and time); ``article_revisions``
links it to the one it supersedes. The merged layer reads only the latest revision of each article: the earlier
one leaves its events (its claims are listed there as superseded by the new revision's), and nothing is deleted.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from eventwire.model import Article, stable_id

# Share of the shorter text's word pairs the longer one must hold for the two to be revisions of one article.
SAME_TEXT = 0.5
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Previous:
    """The stored revision a new text supersedes."""

    article_id: str
    revision: int
    key: str


def key_of(article: Article) -> str | None:
    """What identifies an article across revisions: its URL, else its whole file (not a record, feed entry or
    archive member, whose positions shift), else nothing."""
    if article.url:
        return f"url:{article.url}"
    source = article.source
    if article.raw_format in ("text", "html") and not any(c in source for c in "#!") \
            and not re.search(r":\d+$", source) and source != "<stdin>":
        return f"file:{source}"
    return None


def revision_id(article_id: str, content_hash: str) -> str:
    """The id of a new revision of an article whose id the input gives (the input id stays the first's)."""
    return f"{article_id}~{stable_id('r', content_hash, length=10)[2:]}"


def _pairs(text: str) -> set[tuple[str, str]]:
    words = _WORD.findall(text.casefold())
    return set(zip(words, words[1:], strict=False))


def same_article(old_text: str, new_text: str, old_title: str | None = None, new_title: str | None = None) -> bool:
    """Are two texts from one URL or file revisions of one article (mostly the same words, or the same title)?"""
    if old_title and new_title and old_title.strip().casefold() == new_title.strip().casefold():
        return True
    a, b = _pairs(old_text), _pairs(new_text)
    if not a or not b:
        return False
    return len(a & b) / min(len(a), len(b)) >= SAME_TEXT


def previous(con: Any, article: Article, base_id: str | None = None) -> Previous | None:
    """The stored revision ``article`` supersedes, if it is a revision (``base_id``: the input's id it shares with
    a stored article)."""
    if base_id is not None:
        key = f"id:{base_id}"
        row = con.execute("SELECT article_id, revision FROM article_revisions WHERE key = ? "
                          "ORDER BY revision DESC LIMIT 1", [key]).fetchone()
        return Previous(row[0], int(row[1]), key) if row else Previous(base_id, 1, key)
    key = key_of(article)
    if key is None:
        return None
    column = "url" if key.startswith("url:") else "source"
    # the latest revision stored under this key (one not superseded yet); the articles under the key are found
    # first (a plain filter, which DuckDB answers from the column's index), then sorted
    row = con.execute(
        f"WITH found AS MATERIALIZED (SELECT id, version, text, title, ingested_at FROM articles WHERE {column} = ?) "
        "SELECT id, version, text, title FROM found WHERE id NOT IN (SELECT previous_id FROM article_revisions) "
        "ORDER BY version DESC, ingested_at DESC, id LIMIT 1",
        [key.split(":", 1)[1]]).fetchone()
    if row is None or not same_article(row[2] or "", article.text, row[3], article.title):
        return None
    return Previous(row[0], int(row[1] or 1), key)


def link(con: Any, article_id: str, prev: Previous, revision: int, at: dt.datetime) -> None:
    """Record that ``article_id`` supersedes ``prev`` (in the transaction that stores it), and hand the earlier one
    back to the merged layer's next update, which takes it out of its events."""
    con.execute("INSERT OR REPLACE INTO article_revisions VALUES (?, ?, ?, ?, ?)",
                [article_id, prev.article_id, prev.key, revision, at])
    con.execute("DELETE FROM merged WHERE article_id = ?", [prev.article_id])


def superseded(con: Any, article_ids: Iterable[str] | None = None) -> set[str]:
    """Those of the articles (all when None) that a later revision supersedes."""
    if article_ids is None:
        return {r[0] for r in con.execute("SELECT DISTINCT previous_id FROM article_revisions").fetchall()}
    rows = con.execute("SELECT DISTINCT previous_id FROM article_revisions WHERE previous_id IN (SELECT unnest(?))",
                       [list(article_ids)]).fetchall()
    return {r[0] for r in rows}


def previous_of(con: Any, article_ids: Iterable[str]) -> dict[str, str]:
    """revision -> the article it supersedes, for those of the articles that are revisions."""
    rows = con.execute("SELECT article_id, previous_id FROM article_revisions WHERE article_id IN (SELECT unnest(?))",
                       [list(article_ids)]).fetchall()
    return dict(rows)


def earlier(con: Any, article_ids: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
    """article -> its earlier revisions as (revision, the one that superseded it), newest first, for those of the
    articles that have any."""
    out: dict[str, list[tuple[str, str]]] = {}
    ids = list(article_ids)
    if not ids:
        return out
    rows = con.execute(
        "WITH RECURSIVE chain(head, later, earlier, depth) AS ("
        "  SELECT article_id, article_id, previous_id, 1 FROM article_revisions WHERE article_id IN (SELECT unnest(?))"
        "  UNION ALL SELECT c.head, r.article_id, r.previous_id, c.depth + 1 FROM chain c "
        "  JOIN article_revisions r ON r.article_id = c.earlier WHERE c.depth < 100) "
        "SELECT head, earlier, later FROM chain ORDER BY head, depth", [ids]).fetchall()
    for head, earlier_id, later_id in rows:
        out.setdefault(head, []).append((earlier_id, later_id))
    return out


def stored_at(con: Any, article_ids: Iterable[str]) -> dict[str, dt.datetime]:
    """article -> when it was stored (UTC): the time of each revision."""
    rows = con.execute("SELECT id, ingested_at FROM articles WHERE id IN (SELECT unnest(?))",
                       [list(article_ids)]).fetchall()
    return {a: t for a, t in rows if t is not None}


__all__ = ["SAME_TEXT", "Previous", "earlier", "key_of", "link", "previous", "previous_of", "revision_id",
           "same_article", "stored_at", "superseded"]
