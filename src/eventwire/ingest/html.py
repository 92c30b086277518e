"""HTML pages: main text with trafilatura, metadata from the page head.

trafilatura's own metadata pass (author and site-name heuristics over the whole
page) costs about half as much again as its text extraction, so the page head is
read here with a few XPath lookups and the date comes from htmldate's fast
(non-extensive) search, after a date the page prints beside "Posted" or "Published".
The text extraction is trafilatura's; its output is rendered with the cells of layout
tables as paragraphs, and the page's link texts go to the cleaner, which removes lines
that are mostly links.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from typing import Any

import lxml.html
import trafilatura
from htmldate import find_date
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.utils import load_html
from trafilatura.xml import xmltotxt

from eventwire.errors import Errors, input_failure
from eventwire.ingest.meta import OutletBook, build_article, printed_date
from eventwire.model import Article, InputFailure
from eventwire.settings import Settings

_TITLE_SPLIT = re.compile(r"\s+(?:\||::|»|–|—|-)\s+")


def _meta_tags(tree: HtmlElement) -> dict[str, str]:
    """First non-empty content of each <meta> name/property/itemprop, keys lower-cased (one pass)."""
    out: dict[str, str] = {}
    for el in tree.iter("meta"):
        content = (el.get("content") or "").strip()
        if not content:
            continue
        for attr in ("property", "name", "itemprop"):
            key = el.get(attr)
            if key:
                out.setdefault(key.strip().lower(), content)
    return out


def _pick(tags: Mapping[str, str], *names: str) -> str | None:
    return next((tags[n] for n in names if n in tags), None)


def page_metadata(tree: HtmlElement, *, date: bool = True) -> dict[str, Any]:
    """Title, site name, canonical URL, author and date from the page head.

    ``date`` is what the head declares; ``date_search`` a function searching the
    whole page with htmldate, to call when nothing better is known.
    """
    out: dict[str, Any] = {}
    tags = _meta_tags(tree)
    cands: list[str] = []
    declared = _pick(tags, "og:title", "twitter:title", "headline")
    if declared:
        cands.append(declared)
    t = tree.findtext(".//title")
    if t and t.strip():
        # "Headline | Site" / "Site :: Section :: Headline": each part is a candidate
        cands.extend(p.strip() for p in _TITLE_SPLIT.split(t.strip()) if p.strip())
        cands.append(t.strip())
    for h in tree.xpath("//h1|//h2")[:6]:
        text = " ".join(h.text_content().split())
        if 3 <= len(text.split()) <= 30:
            cands.append(text)
    cands = [" ".join(c.split()) for c in cands]
    out["title_candidates"] = cands
    out["title_declared"] = bool(declared)  # og:title and the like are trusted as given
    out["title"] = declared or (max(cands, key=len) if cands else None)
    out["sitename"] = _pick(tags, "og:site_name", "application-name", "publisher", "dc.publisher",
                            "dcterms.publisher") or _ld_publisher(tree)
    canon = tree.xpath('//link[@rel="canonical"]/@href')
    url = (str(canon[0]).strip() if canon else None) or _pick(tags, "og:url")
    out["url"] = url if url and url.startswith(("http://", "https://")) else None
    author = _pick(tags, "author", "article:author", "byl", "dc.creator", "sailthru.author")
    out["author"] = author if author and not author.startswith("http") else None
    if date:
        out["date"] = _head_date(tree, tags, out["url"])
        # htmldate's search of the page (date elements, patterns) costs a quarter of the text
        # extraction, so it runs only when neither the head nor the text's dateline has a date
        out["date_search"] = lambda: _searched_date(tree)
        # the date the page prints beside "Posted" or "Published", for a page that declares none
        out["date_printed"] = lambda: printed_date(visible_text(tree))
    return out


def _searched_date(tree: HtmlElement) -> str | None:
    """htmldate's date of the page, or None when its search fails on the page's shape."""
    try:
        return find_date(tree, extensive_search=False, original_date=True, outputformat="%Y-%m-%d")
    except (AssertionError, ValueError):
        # found by fuzzing: a page whose root element is one htmldate drops (an <object>) makes lxml's
        # drop_tree assert that the element has a parent; the page has no searchable date, not a defect
        return None


# the text nodes a reader sees (libxml2's tree: a script's text is its child, whatever follows it is not)
_VISIBLE_TEXT = etree.XPath("//body//text()[not(parent::script or parent::style or parent::noscript)]",
                            smart_strings=False)


def visible_text(tree: HtmlElement) -> str:
    """The page's text as a reader sees it (no script or style), whitespace squeezed."""
    return " ".join(" ".join(_VISIBLE_TEXT(tree)).split())


# words of the labels printed_date reads: a page without any has no date to read
_DATE_LABEL_WORDS = ("posted", "published", "updated")


_LD_PUBLISHER = re.compile(r'"publisher"\s*:\s*\{[^{}]*?"name"\s*:\s*"([^"]{1,120})"')


def _ld_publisher(tree: HtmlElement) -> str | None:
    """The publisher's name a page's JSON-LD gives ("publisher": {"@type": "Organization", "name": ...})."""
    for script in tree.xpath('//script[@type="application/ld+json"]/text()'):
        m = _LD_PUBLISHER.search(str(script))
        if m:
            return m.group(1)
    return None


_DATE_KEYS = ("article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate",
              "publish-date", "publish_date", "dc.date.issued", "dc.date", "dcterms.created", "dcterms.date",
              "sailthru.date", "parsely-pub-date", "article.published", "originalpublicationdate",
              "date", "displaydate", "dc.date.created", "eomportal-lastupdate", "last-modified")
_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?:/|[^\d]|$)")


def _head_date(tree: HtmlElement, tags: Mapping[str, str], url: str | None) -> str | None:
    """Publication date the page declares: meta tags, <time datetime>, JSON-LD, the URL."""
    from eventwire.ingest.meta import parse_date

    for key in _DATE_KEYS:
        if key in tags:
            d = parse_date(tags[key])
            if d:
                return d.isoformat()
    for t in tree.iter("time"):
        d = parse_date(t.get("datetime") or t.get("content"))
        if d:
            return d.isoformat()
    for script in tree.xpath('//script[@type="application/ld+json"]/text()'):
        m = re.search(r'"datePublished"\s*:\s*"([^"]+)"', str(script))
        d = parse_date(m.group(1)) if m else None
        if d:
            return d.isoformat()
    m = _URL_DATE.search(url or "")
    if m:
        d = parse_date(f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}")
        if d:
            return d.isoformat()
    return None


_TITLE_OPEN = re.compile(r"<title\b[^>]*>", re.IGNORECASE)
_TITLE_CLOSE = re.compile(r"</title\s*>", re.IGNORECASE)
_TAG_START = re.compile(r"<[/!?a-zA-Z]")


def close_runaway_title(html: str) -> str:
    """End a ``<title>`` left open at its first tag.

    A title holds text only, so an HTML parser reads everything after an unclosed (or mangled,
    "</titavaScript ...") ``<title>`` as title text, up to a "</title>" that never comes: the
    page's whole body vanishes into its title. A tag inside a title means the title ended there.
    """
    m = _TITLE_OPEN.search(html)
    if m is None:
        return html
    tag = _TAG_START.search(html, m.end())
    if tag is None:
        return html
    close = _TITLE_CLOSE.search(html, m.end())
    if close is not None and close.start() <= tag.start():
        return html
    return f"{html[:tag.start()]}</title>{html[tag.start():]}"


_LONG_TAG = re.compile(r"<([a-zA-Z][\w:-]*)([^<>]{20000,})>")
MAX_ATTRIBUTES = 1000


def tame_attributes(html: str) -> str:
    """A tag with thousands of attributes loses them: libxml2 checks each new attribute against the tag's
    others, so 300,000 attributes in one tag keep the parser busy for many minutes (no article has them)."""
    if len(html) < 20000:
        return html

    def tame(m: re.Match[str]) -> str:
        return f"<{m.group(1)}>" if m.group(2).count("=") > MAX_ATTRIBUTES else m.group(0)

    return _LONG_TAG.sub(tame, html)


def _parse(html: str) -> HtmlElement | None:
    """The page's tree (trafilatura's loader), with a runaway title closed and a swarm of attributes dropped
    first."""
    return load_html(close_runaway_title(tame_attributes(html)))


def page_dump(html: str) -> str:
    """All visible text of a page, one block per paragraph: what a "save as text" dump holds."""
    from eventwire.ingest.feeds import fragment_text

    tree = _parse(html)
    if tree is None:
        return ""
    body = tree.find(".//body")
    root = body if body is not None else tree
    return fragment_text(lxml.html.tostring(root, encoding="unicode"))


# Elements of trafilatura's output that are blocks of text: a table cell holding one, or holding
# more words than a cell of data does, belongs to a table that lays out the page.
_BLOCKS = frozenset({"p", "head", "list", "quote", "table", "code"})
LAYOUT_CELL_WORDS = 25


def _own_cells(table: etree._Element) -> list[etree._Element]:
    """The table's own cells (not those of a table inside one of them)."""
    return [c for c in table.iter("cell") if next(c.iterancestors("table"), None) is table]


def _is_layout_table(table: etree._Element) -> bool:
    """A table that lays out the page (its cells hold paragraphs or long text), not a table of data."""
    return any(any(child.tag in _BLOCKS for child in cell) or len(" ".join(cell.itertext()).split()) > LAYOUT_CELL_WORDS
               for cell in _own_cells(table))


def _paragraph(text: str | None = None) -> etree._Element:
    p = etree.Element("p")
    p.text = text
    return p


def _cell_blocks(cell: etree._Element) -> list[etree._Element]:
    """A cell's content as blocks: its own block elements, and its loose text and inline elements
    gathered into paragraphs."""
    blocks: list[etree._Element] = []
    current = _paragraph(cell.text) if (cell.text or "").strip() else None
    if current is not None:
        blocks.append(current)
    for child in list(cell):
        if child.tag in _BLOCKS:
            tail, child.tail = child.tail, None
            blocks.append(child)
            current = _paragraph(tail) if (tail or "").strip() else None
            if current is not None:
                blocks.append(current)
        else:
            if current is None:
                current = _paragraph()
                blocks.append(current)
            current.append(child)  # moves it, with its tail
    return blocks


def unwrap_layout_tables(body: etree._Element) -> int:
    """Each cell of a layout table becomes its own paragraphs (in place).

    Rendered as a table, a layout table's row is one line: the navigation bar, the copyright line
    and the article, or the story and a sidebar headline, run together, and no line rule can take
    the furniture out of that line. As paragraphs, each part is judged on its own. A table of data
    (short cells) stays a table. Returns how many tables were unwrapped.
    """
    unwrapped = 0
    for table in reversed(list(body.iter("table"))):  # innermost first
        parent = table.getparent()
        if parent is None or not _is_layout_table(table):
            continue
        unwrapped += 1
        blocks = [b for cell in _own_cells(table) for b in _cell_blocks(cell)]
        at, tail = parent.index(table), table.tail
        parent.remove(table)
        for k, block in enumerate(blocks):
            parent.insert(at + k, block)
        if (tail or "").strip():
            if not blocks:
                blocks = [_paragraph()]
                parent.insert(at, blocks[0])
            blocks[-1].tail = tail
    return unwrapped


_LINK_TEXT = etree.XPath("//a//text()", smart_strings=False)


def link_texts(tree: HtmlElement) -> list[str]:
    """The texts inside the page's links (menus, headlines of other stories), whitespace squeezed."""
    return sorted({squeezed for text in _LINK_TEXT(tree) if (squeezed := " ".join(text.split()))})


def extract_html(html: str, source: str) -> tuple[str, dict[str, Any]]:
    """(main text, page metadata) of an HTML page; raises ValueError when it cannot be parsed."""
    tree = _parse(html)
    if tree is None:
        raise ValueError("not parseable as HTML")
    meta = page_metadata(tree)
    meta["links"] = link_texts(tree)
    low = html.lower()
    if not any(word in low for word in _DATE_LABEL_WORDS):
        meta.pop("date_printed", None)
    doc = trafilatura.bare_extraction(tree, with_metadata=False, include_comments=False)
    text = (doc.text or "") if doc is not None else ""
    if doc is not None and doc.body is not None and unwrap_layout_tables(doc.body):
        text = xmltotxt(doc.body, include_formatting=False)
    if not meta["title_declared"] and meta["title_candidates"]:
        meta["title"] = choose_title(meta["title_candidates"], text)
    return text, meta


_CONTENT_WORD = re.compile(r"[^\W\d_]{4,}")


def choose_title(candidates: list[str], text: str) -> str:
    """The candidate headline that best matches the story's opening (the <title> is often just
    the site's name, the <h1> a section name): share of its words found in the first paragraphs."""
    lede = set(w.lower() for w in _CONTENT_WORD.findall(text[:1500]))

    def score(c: str) -> tuple[float, int]:
        words = [w.lower() for w in _CONTENT_WORD.findall(c)]
        share = sum(w in lede for w in words) / len(words) if words else 0.0
        return share, len(words) >= 3

    return max(candidates, key=score)


def read_html(
    html: str,
    source: str,
    settings: Settings,
    outlets: OutletBook,
    *,
    meta: Mapping[str, Any] | None = None,
    meta_origin: str = "input",
    raw_format: str = "html",
    fallback_date: dt.date | None = None,
    fallback_from: str = "unknown",
) -> Iterator[Article | InputFailure]:
    """One HTML page -> one Article (or an InputFailure)."""
    try:
        text, page = extract_html(html, source)
    except ValueError as exc:
        yield input_failure(source, Errors.E135, reason=exc)
        return
    if not text.strip():
        yield input_failure(source, Errors.E114)
        return
    yield build_article(
        source=source,
        body=text,
        raw=html,
        raw_format=raw_format,
        meta=meta or {},
        meta_origin=meta_origin,
        page_meta=page,
        settings=settings,
        outlets=outlets,
        fallback_date=fallback_date,
        fallback_from=fallback_from,
        strip_title=False,
        join_wrapped=False,
    )


__all__ = ["extract_html", "page_dump", "page_metadata", "read_html"]
