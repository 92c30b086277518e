"""Copies, rewrites and aggregations: which reports of a story are independent.

For each article of a story: ``original``, ``copy`` of X, ``rewrite`` of X, or ``aggregation`` (it
copies passages of two or more reports), with the evidence. X is an earlier article of the story (by
publication day, then id, so the answer does not depend on arrival order), or ``wire:NAME`` when the
original is not in the store and only a credit line names it. A copy or rewrite never counts as
independent confirmation: it counts as its origin (``ArticleRelation.origin``).

Evidence read, each from the article alone or from a pair:

* shared passages: sentences of six or more words found verbatim in an earlier article, and the share
  of word 3-shingles the two texts share (MinHash estimate);
* wire credit lines kept by ingest (``Article.credits``): "(AP) --" datelines, Reuters' "(Reporting
  by ...)", the AP's contributor list "Name in City; Name in City" (the styles in ``WIRE_STYLES``);
* marks of a generated rewrite that ingest removed as boilerplate: template placeholders such as
  "(Insert Link)", a generated FAQ block, filler reader comments;
* a byline that names none of the reporters the wire's credit line names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from eventwire.model import Article, ArticleRelation
from eventwire.stories.features import ArticleFeatures, minhash_jaccard

# Share of word 3-shingles (MinHash estimate) above which a later text is a copy of an earlier one:
# wire copies differ only in furniture and the odd edited line.
COPY_JACCARD = 0.6
# ... and above which it reuses the earlier text's wording (a rewrite keeps many of its phrases).
REWRITE_JACCARD = 0.2
# Verbatim sentences shared with an earlier article that make a rewrite on their own.
REWRITE_PASSAGES = 2
PASSAGE_WORDS = 6  # a shared "passage" is a sentence of at least this many words

# Wire services by the credit styles that name them (checked in order; ``Article.credits`` and the
# first 300 characters of the text are read).
WIRE_STYLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("AP", re.compile(r"\((?:AP|Associated Press)\)\s*[-\u2014\u2013]|\bAssociated Press\b")),
    ("Reuters", re.compile(r"\(Reuters\)|\(Reporting by\b|\bReuters\b")),
    ("AFP", re.compile(r"\(AFP\)|\bAgence France-Presse\b|\bAFP\b")),
    ("Xinhua", re.compile(r"\(Xinhua\)|\bXinhua\b")),
    ("dpa", re.compile(r"\(dpa\)")),
    ("UPI", re.compile(r"\(UPI\)|\bUnited Press International\b")),
    ("ANI", re.compile(r"\(ANI\)")),
    ("PTI", re.compile(r"\(PTI\)")),
    # the AP's contributor line lists reporters with their cities, semicolon-separated, without saying
    # "AP" ("Jim Heintz and Dasha Litvinova in Tallinn, Estonia; Aida Sultanova in London; ...")
    ("AP", re.compile(r"^(?:[A-Z][\w.'-]+(?: [A-Z][\w.'-]+)+(?:,| and)? )+(?:in|at) [A-Z][^;]+;"
                      r"(?: ?(?:and )?[A-Z][\w.'-]+(?: [A-Z][\w.'-]+)+(?:,| and)? (?:in|at) [^;]+;?)+")),
)
# Boilerplate removed by ingest that marks a machine-generated page around a rewritten story.
GENERATOR_REASONS = {"generated-faq": "generated FAQ block", "reader-comment": "filler reader comments"}
_PLACEHOLDER = re.compile(r"\((?:Insert|Add) (?:Link|URL|Image)\)|\[(?:Insert|Add) (?:Link|URL)\]", re.IGNORECASE)
_WORDS = re.compile(r"\w+")
_SENT_END = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class Report:
    """What relation detection reads of one article: the record, its features and its time key."""

    article: Article
    features: ArticleFeatures | None = None

    @property
    def key(self) -> tuple[int, str]:
        """Earlier reports come first: publication day (undated last), then id."""
        day = self.article.published.toordinal() if self.article.published else 10**7
        return day, self.article.id


def wire_of(article: Article) -> tuple[str | None, str]:
    """The wire service a credit line or dateline names, with the words that name it."""
    for text in (article.credits or "", article.text[:300]):
        for name, pattern in WIRE_STYLES:
            m = pattern.search(text)
            if m:
                return name, m.group(0).strip()
    return None, ""


def generator_marks(article: Article) -> list[str]:
    """Marks of a generated page: template placeholders, generated FAQ, filler comments."""
    marks: list[str] = []
    placeholders = sum(len(_PLACEHOLDER.findall(r.text)) for r in article.removed) + len(
        _PLACEHOLDER.findall(article.text))
    if placeholders:
        marks.append(f"{placeholders} template placeholder(s) such as '(Insert Link)'")
    for reason, words in GENERATOR_REASONS.items():
        n = sum(1 for r in article.removed if r.reason == reason)
        if n:
            marks.append(f"{words} ({n} lines)")
    return marks


def _byline_mismatch(article: Article, wire: str | None) -> str | None:
    """A byline that names none of the reporters the credit line names (a rewrite signed by someone else)."""
    if not article.byline or not article.credits or wire is None:
        return None
    surname = article.byline.split()[-1].lower()
    if surname in article.credits.lower():
        return None
    return f"byline '{article.byline}' names none of the credited {wire} reporters"


def _sentences(text: str) -> set[str]:
    out = set()
    for para in text.split("\n"):
        for s in _SENT_END.split(para):
            words = _WORDS.findall(s.lower())
            if len(words) >= PASSAGE_WORDS:
                out.add(" ".join(words))
    return out


def _overlap(a: Report, b: Report) -> tuple[float, int]:
    """(shingle Jaccard estimate, shared verbatim sentences) of two reports."""
    jac = minhash_jaccard(a.features, b.features) if a.features is not None and b.features is not None else 0.0
    shared = len(_sentences(a.article.text) & _sentences(b.article.text))
    return jac, shared


def relations(story_id: str, reports: Sequence[Report]) -> list[ArticleRelation]:
    """The relation of every article of one story (a function of the story's articles alone)."""
    ordered = sorted(reports, key=lambda r: r.key)
    out: dict[str, ArticleRelation] = {}
    for i, rep in enumerate(ordered):
        a = rep.article
        sources: list[tuple[float, int, Report]] = []
        for earlier in ordered[:i]:
            jac, shared = _overlap(rep, earlier)
            if jac >= REWRITE_JACCARD or shared >= REWRITE_PASSAGES:
                sources.append((jac, shared, earlier))
        wire, wire_words = wire_of(a)
        if wire and a.outlet and wire.lower() in a.outlet.lower():
            wire = None  # the wire's own story
        marks = generator_marks(a)
        mismatch = _byline_mismatch(a, wire)
        evidence: list[str] = []
        if wire:
            evidence.append(f"credit line names {wire}: '{wire_words[:120]}'")
        evidence += marks
        if mismatch:
            evidence.append(mismatch)
        origins = {out[s.article.id].origin for _, _, s in sources}
        if len(origins) >= 2:
            parts = ", ".join(f"{s.article.id} ({j:.0%} shingles, {n} passages)" for j, n, s in sources)
            out[a.id] = ArticleRelation(a.id, story_id, "aggregation", sources[0][2].article.id, a.id,
                                        round(max(j for j, _, _ in sources), 3),
                                        (f"passages of {len(origins)} reports: {parts}", *evidence))
            continue
        if sources:
            jac, shared, src = min(sources, key=lambda s: (-s[0], -s[1], s[2].article.id))
            kind = "copy" if jac >= COPY_JACCARD else "rewrite"
            out[a.id] = ArticleRelation(a.id, story_id, kind, src.article.id, out[src.article.id].origin,
                                        round(jac, 3), (f"shares {jac:.0%} of word 3-shingles and {shared} "
                                                        f"verbatim sentences with {src.article.id}", *evidence))
            continue
        if wire and (marks or mismatch):
            out[a.id] = ArticleRelation(a.id, story_id, "rewrite", f"wire:{wire}", f"wire:{wire}", 0.0,
                                        (f"rewrite of a wire story ({wire}), the original is not in the store",
                                         *evidence))
            continue
        if wire and _dateline_copy(a, wire):
            out[a.id] = ArticleRelation(a.id, story_id, "copy", f"wire:{wire}", f"wire:{wire}", 0.0,
                                        (f"the wire's dateline: a copy of a {wire} story", *evidence))
            continue
        out[a.id] = ArticleRelation(a.id, story_id, "original", None, a.id, 0.0, tuple(evidence))
    return [out[r.article.id] for r in sorted(reports, key=lambda r: r.article.id)]


def _dateline_copy(article: Article, wire: str) -> bool:
    """A story that opens with the wire's dateline ("BEIRUT (AP) --") is the wire's text."""
    return bool(re.search(rf"^\W*[A-Z][A-Z .,'-]*\(({re.escape(wire)}|Associated Press)\)", article.text[:200]))


def origins(relations_: Sequence[ArticleRelation]) -> Mapping[str, str]:
    """article id -> the independent report it counts as."""
    return {r.article_id: r.origin or r.article_id for r in relations_}
