"""What the list, map and search pages read, a page at a time: the store counts, sorts and aggregates
in DuckDB (``store.queries``); only one page of events is turned into export rows here."""

from __future__ import annotations

import re
from typing import Any

from eventwire import export
from eventwire.store import Store, derived, queries

SEARCH_KINDS = ("event", "article")
SNIPPET_CHARS = 320
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)")


def event_rows(store: Store, ids: list[str]) -> list[dict[str, Any]]:
    """Export rows (the same columns as ``eventwire export``) of these events, in this order."""
    found = {e.id: e for e in store.events(ids)}
    events = [found[i] for i in ids if i in found]
    claim_ids = {c for e in events for f in e.figures for c in f.claim_ids}
    ctx = export.Context(claims={c.id: c for c in store.claims_by_id(claim_ids)}, decisions=tuple(store.decisions()))
    return [export.event_row(e, export.acled_notes(e, ctx.claims), ctx) for e in events]


def page(store: Store, where: queries.Where, *, sort: str, descending: bool, limit: int,
         offset: int) -> dict[str, Any]:
    """One page of the events that pass, and how many pass."""
    total, ids = queries.event_page(store.con, where, sort=sort, descending=descending, limit=limit, offset=offset)
    return {"total": total, "offset": offset, "limit": limit, "sort": sort, "order": "desc" if descending else "asc",
            "events": event_rows(store, ids)}


def _best_sentence(text: str, stems: set[str]) -> dict[str, Any] | None:
    """The sentence of ``text`` holding most of the search's terms, with its offsets."""
    # only sentences holding the start of a term are read word by word
    starts = re.compile("|".join(re.escape(t[:-1] if len(t) > 4 else t) for t in stems), re.IGNORECASE) if stems \
        else None
    best, best_n = None, 0
    for m in _SENTENCE.finditer(text):
        if starts is None or not starts.search(m.group()):
            continue
        n = len(stems & set(derived.words(m.group())))
        if n > best_n:
            best, best_n = m, n
    if best is None:
        return None
    start = best.start() + len(best.group()) - len(best.group().lstrip())
    end = best.end()
    return {"text": text[start:min(end, start + SNIPPET_CHARS)], "start": start, "end": end}


def search(store: Store, q: str, limit: int = 20) -> dict[str, Any]:
    """Events (by their note, actors, place and types) and articles (by title and text) matching the words of
    ``q``, best first; each article with the events that cite it and the sentence that matched, each event with
    its evidence sentences."""
    con = store.con
    terms = queries.query_terms(con, q)
    n_events, event_hits = queries.search(con, terms, "event", limit)
    n_articles, article_hits = queries.search(con, terms, "article", limit)
    rows = queries.list_rows(con, [i for i, _, _ in event_hits])
    evidence = queries.event_evidence(con, [i for i, _, _ in event_hits])
    events = []
    for eid, score, matched in event_hits:
        if eid in rows:
            notes, found = evidence.get(eid, ("", []))
            events.append(rows[eid] | {"score": round(score, 3), "all_terms": matched == len(terms), "notes": notes,
                                       "evidence": found[:3]})
    article_ids = [i for i, _, _ in article_hits]
    articles = queries.articles_meta(con, article_ids)
    cited = queries.articles_events(con, article_ids)
    labels = queries.list_rows(con, sorted({e for es in cited.values() for e in es}))
    sentences = queries.article_evidence(con, cited)
    out_articles = []
    for aid, score, matched in article_hits:
        a = articles.get(aid)
        if a is None:
            continue
        events_of = [{"event_id": eid, "event_date": labels.get(eid, {}).get("event_date"),
                      "sub_event_type": labels.get(eid, {}).get("sub_event_type"),
                      "location": labels.get(eid, {}).get("location"),
                      "country": labels.get(eid, {}).get("acled_country"),
                      # the sentence this article gives as the event's evidence
                      "evidence": sentences.get((aid, eid))} for eid in cited.get(aid, [])[:5]]
        out_articles.append({"article_id": aid, "title": a["title"], "outlet": a["outlet"], "url": a["url"],
                             "published": a["published"], "score": round(score, 3),
                             "all_terms": matched == len(terms), "match": _best_sentence(a["text"], set(terms)),
                             "events": events_of})
    return {"q": q, "terms": terms, "events_total": n_events, "articles_total": n_articles, "events": events,
            "articles": out_articles}


__all__ = ["event_rows", "page", "search"]
