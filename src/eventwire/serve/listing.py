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
    best, best_n = None, 0
    for m in _SENTENCE.finditer(text):
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
    terms = queries.query_terms(store.con, q)
    stems = set(terms)
    n_events, event_hits = queries.search(store.con, terms, "event", limit)
    n_articles, article_hits = queries.search(store.con, terms, "article", limit)
    rows = queries.list_rows(store.con, [i for i, _, _ in event_hits])
    found = {e.id: e for e in store.events([i for i, _, _ in event_hits])}
    mentions = {m.id: m for m in store.mentions_by_id([m for e in found.values() for m in e.mention_ids])}
    events = []
    for eid, score, matched in event_hits:
        if eid not in rows:
            continue
        e = found.get(eid)
        evidence = [{"article_id": m.article_id, "text": ev.text, "start": ev.start, "end": ev.end}
                    for mid in (e.mention_ids if e else ()) if (m := mentions.get(mid)) for ev in m.evidence[:1]]
        events.append(rows[eid] | {"score": round(score, 3), "all_terms": matched == len(terms),
                                   "notes": e.notes if e else "", "evidence": evidence[:3]})
    article_ids = [i for i, _, _ in article_hits]
    articles = {a.id: a for a in store.articles(article_ids)}
    cited = queries.articles_events(store.con, article_ids)
    labels = queries.list_rows(store.con, sorted({e for es in cited.values() for e in es}))
    art_mentions: dict[str, list[Any]] = {}
    for m in store.mentions(article_ids):
        art_mentions.setdefault(m.article_id, []).append(m)
    out_articles = []
    for aid, score, matched in article_hits:
        a = articles.get(aid)
        if a is None:
            continue
        events_of = []
        for eid in cited.get(aid, [])[:5]:
            r = labels.get(eid, {})
            # the sentence this article gives as the event's evidence
            ev = next((ev for m in art_mentions.get(aid, []) for ev in m.evidence), None)
            events_of.append({"event_id": eid, "event_date": r.get("event_date"), "sub_event_type": r.get(
                "sub_event_type"), "location": r.get("location"), "country": r.get("acled_country"),
                "evidence": {"text": ev.text, "start": ev.start, "end": ev.end} if ev else None})
        out_articles.append({"article_id": aid, "title": a.title, "outlet": a.outlet, "url": a.url,
                             "published": a.published.isoformat() if a.published else None,
                             "score": round(score, 3), "all_terms": matched == len(terms),
                             "match": _best_sentence(a.text, stems), "events": events_of})
    return {"q": q, "terms": terms, "events_total": n_events, "articles_total": n_articles, "events": events,
            "articles": out_articles}


__all__ = ["event_rows", "page", "search"]
