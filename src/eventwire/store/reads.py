"""Reads of the merged layer and its review: events (by id, alias or prefix), episodes, stories, how articles
relate, claims, reviewers' decisions, the events' history and which revisions are superseded."""

from __future__ import annotations

from collections.abc import Iterable

from eventwire.model import (
    ArticleRelation,
    Claim,
    Decision,
    Episode,
    Event,
    EventAlias,
    EventChange,
    Story,
)
from eventwire.store import history, revisions
from eventwire.store.tables import T, Tables, keyed


class MergedReads(Tables):
    """What readers (``show``, exports, the review app) ask of the merged layer."""

    def _all_or(self, table: str, cls: type[T], key: str, ids: Iterable[str] | None, order: str) -> list[T]:
        """Every row of ``table`` (``ids`` None), or those whose ``key`` is one of ``ids``, in ``order``."""
        if ids is None:
            return list(self._records(table, cls, order=order))
        return list(self._records(table, cls, *keyed(key, ids), order))

    def events(self, ids: Iterable[str] | None = None) -> list[Event]:
        """Stored events (all, or the given ids), by date then id."""
        return self._all_or("events", Event, "id", ids, "ORDER BY event_date NULLS LAST, id")

    def events_with_mentions(self, mention_ids: Iterable[str]) -> list[str]:
        """Ids of the events holding any of these mentions, by id."""
        rows = self.con.execute("SELECT id FROM events WHERE list_has_any(CAST(mention_ids AS VARCHAR[]), "
                                "CAST(? AS VARCHAR[])) ORDER BY id", [list(mention_ids)]).fetchall()
        return [r[0] for r in rows]

    def event(self, event_id: str) -> Event | None:
        """One event by id, alias or unique id prefix."""
        found = self.events_by_prefix(event_id)
        return found[0] if len(found) == 1 else None

    def events_by_status(self) -> dict[str, int]:
        """Event counts per status, most first."""
        rows = self.con.execute("SELECT status, count(*) n FROM events GROUP BY status ORDER BY n DESC, status")
        return {r[0]: int(r[1]) for r in rows.fetchall()}

    def resolve_alias(self, event_id: str) -> str | None:
        """The event an id that went away (merged into another, renamed) lives on in."""
        row = self.con.execute("SELECT event_id FROM event_aliases WHERE alias = ?", [event_id]).fetchone()
        return row[0] if row else None

    def aliases(self) -> list[EventAlias]:
        """Every alias, by alias."""
        return list(self._records("event_aliases", EventAlias, order="ORDER BY alias"))

    def events_by_prefix(self, prefix: str) -> list[Event]:
        """The event whose id (or alias) is ``prefix``, else every event whose id starts with it, by id."""
        exact = list(self._records("events", Event, "WHERE id = ?", [prefix]))
        if exact:
            return exact
        target = self.resolve_alias(prefix)
        if target is not None:
            return list(self._records("events", Event, "WHERE id = ?", [target]))
        return list(self._records("events", Event, "WHERE starts_with(id, ?)", [prefix], "ORDER BY id"))

    def episodes(self, ids: Iterable[str] | None = None) -> list[Episode]:
        """Stored episodes (all, or the given ids), by date then id."""
        return self._all_or("episodes", Episode, "id", ids, "ORDER BY event_date NULLS LAST, id")

    def stories(self, ids: Iterable[str] | None = None) -> list[Story]:
        """Stored stories (all, or the given ids), by id."""
        return self._all_or("stories", Story, "id", ids, "ORDER BY id")

    def relations(self, article_ids: Iterable[str] | None = None) -> list[ArticleRelation]:
        """How each article relates to its story (original, copy, rewrite, aggregation), by article."""
        return self._all_or("article_relations", ArticleRelation, "article_id", article_ids, "ORDER BY article_id")

    def claims(self, mention_ids: Iterable[str] | None = None) -> list[Claim]:
        """Stored claims (all, or those of the given mentions)."""
        if mention_ids is None:
            return list(self._records("claims", Claim, order="ORDER BY article_id, id"))
        return list(self._records("claims", Claim, "WHERE mention_id IN (SELECT unnest(?))",
                                  [list(mention_ids)], "ORDER BY article_id, id"))

    def decisions(self) -> list[Decision]:
        """Every reviewer's decision, oldest first."""
        return list(self._records("decisions", Decision, order="ORDER BY made_at, id"))

    def claims_by_id(self, claim_ids: Iterable[str]) -> list[Claim]:
        """Stored claims with the given ids."""
        return list(self._records("claims", Claim, *keyed("id", claim_ids),
                                  "ORDER BY article_id, id"))

    def claim_mentions(self) -> dict[str, str]:
        """claim id -> the id of the mention it belongs to."""
        return dict(self.con.execute("SELECT id, mention_id FROM claims").fetchall())

    def changes(self) -> list[EventChange]:
        """Every recorded change to an event, oldest first (``store.history`` reads them filtered)."""
        return history.read(self.con)

    def superseded(self, article_ids: Iterable[str] | None = None) -> set[str]:
        """Those of the articles (all when None) that a later revision supersedes."""
        return revisions.superseded(self.con, article_ids)
