"""Stories stage: articles -> stories (articles that report the same story).

Needs: Articles and their EventMentions. Provides: Story records (copies, rewrites, follow-ups).
Ids are derived from the member ids, so recomputing from the same store gives the same ids.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from datasketch import MinHash

from eventwire.model import Article, EventMention, Story, stable_id

_WORD = re.compile(r"\w+", re.UNICODE)

# Shingle overlap above which two texts are copies or rewrites of one story.
COPY_JACCARD = 0.25


def _shingles(text: str, n: int = 3) -> set[str]:
    words = [w.lower() for w in _WORD.findall(text)]
    return {" ".join(words[i : i + n]) for i in range(max(len(words) - n + 1, 1))}


def _minhash(text: str) -> MinHash:
    mh = MinHash(num_perm=64, seed=7)
    for s in _shingles(text):
        mh.update(s.encode("utf-8"))
    return mh


class _UnionFind:
    def __init__(self, items: Sequence[str]) -> None:
        self.parent = {i: i for i in items}

    def find(self, x: str) -> str:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # the smaller id wins, so the grouping does not depend on input order
            lo, hi = sorted((ra, rb))
            self.parent[hi] = lo

    def groups(self) -> list[list[str]]:
        out: dict[str, list[str]] = {}
        for x in sorted(self.parent):
            out.setdefault(self.find(x), []).append(x)
        return list(out.values())


def _main_signature(mentions: Sequence[EventMention]) -> tuple | None:
    occurred = [m for m in mentions if m.status == "occurred"]
    if not occurred:
        return None
    m = occurred[0]
    return (m.event_type, m.event_date, m.place.country if m.place else None)


def group_stories(articles: Sequence[Article], mentions: Sequence[EventMention]) -> list[Story]:
    """Group articles into stories: near-copies by text overlap, others by shared main event."""
    ids = [a.id for a in articles]
    uf = _UnionFind(ids)
    hashes = {a.id: _minhash(a.text) for a in articles}
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            if hashes[a].jaccard(hashes[b]) >= COPY_JACCARD:
                uf.union(a, b)
    by_article: dict[str, list[EventMention]] = {}
    for m in mentions:
        by_article.setdefault(m.article_id, []).append(m)
    for mlist in by_article.values():
        mlist.sort(key=lambda m: m.rank)
    sigs = {aid: _main_signature(ms) for aid, ms in by_article.items()}
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            if sigs.get(a) is not None and sigs.get(a) == sigs.get(b):
                uf.union(a, b)
    titles = {a.id: a.title for a in articles}
    return [Story(id=stable_id("s", *group), article_ids=tuple(group),
                  title=next((titles[g] for g in group if titles.get(g)), None))
            for group in uf.groups()]



__all__ = ["group_stories"]
