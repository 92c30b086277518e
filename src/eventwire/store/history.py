"""Event history: every change to an event, found by comparing the rows an update of the merged layer is about to
write with the rows the store holds, and written in the same transaction (so a change is recorded exactly when
it happens, and an interrupted update records nothing).

What counts as a change (``model.CHANGE_KINDS``): an event created; merged into another (its id becomes an alias)
and, on the other, absorbed; mentions split off into another event; removed (no mention left); a field changed
(date, type, sub-type, actors, place, status, precision); a source added, removed or revised (a new revision of
one of its articles); a figure changed (low, best or high of fatalities, injured, displaced, ...); a dispute
opened or settled; a reviewer's decision applied. Each change carries the time, the run that made it and its
cause in words: the new reports, the revision, the decision, or a rebuild of the merged layer.

Runs are recorded too (``runs``): ``eventwire changes --since RUN`` lists what a run and those after it changed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from eventwire.model import Decision, Episode, Event, EventChange, FigureSummary, Place, to_dict

# Fields of an event whose change is recorded one by one (figures, sources, disputes and decisions have kinds of
# their own; the note is written from these fields, the episode follows the events).
FIELDS = ("event_date", "date_end", "time_precision", "event_type", "sub_event_type", "actor1", "actor2", "place",
          "status")
# Of a place, what a change of place means (a new spelling of the same record is not one).
PLACE_PARTS = ("gazetteer_name", "admin1", "country", "latitude", "longitude", "geo_precision")
CHANGE_COLUMNS = [f.name for f in dataclasses.fields(EventChange)]


def now_utc() -> dt.datetime:
    """The current time, UTC, without a zone (as the store keeps times)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def new_run_id(at: dt.datetime | None = None) -> str:
    """A run's id: when it started (UTC) and a few random characters ("r_20240501T120000_3fa2")."""
    at = at or now_utc()
    return f"r_{at:%Y%m%dT%H%M%S}_{secrets.token_hex(2)}{os.getpid() % 256:02x}"


@dataclass(frozen=True)
class Cause:
    """What an update of the merged layer was made of: the run, when, the articles it added (and of those, the
    revisions: new -> the one it supersedes), the decisions it applied first, and whether the layer was rebuilt."""

    run_id: str
    at: dt.datetime
    new_articles: frozenset[str] = frozenset()
    revised: Mapping[str, str] = field(default_factory=dict)
    decisions: Mapping[str, Decision] = field(default_factory=dict)
    rebuilt: bool = False


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(to_dict(value), ensure_ascii=False, sort_keys=True)


def _place_key(p: Place | None) -> tuple[Any, ...] | None:
    return None if p is None else tuple(getattr(p, k) for k in PLACE_PARTS) + (p.gazetteer_name or p.name,)


def _figures(e: Event) -> dict[str, tuple[int | None, int | None, int | None]]:
    figs: dict[str, tuple[int | None, int | None, int | None]] = {
        f.field: (f.low, f.best, f.high) for f in e.figures if isinstance(f, FigureSummary)}
    if "fatalities" not in figs and (e.fatalities_best is not None or e.fatalities is not None):
        figs["fatalities"] = (e.fatalities_low, e.fatalities_best if e.fatalities_best is not None else e.fatalities,
                              e.fatalities_high)
    return figs


def summary_of(e: Event) -> dict[str, Any]:
    """What a new event is, in a few fields (the value of its ``created`` change)."""
    p = e.place
    return {"event_date": e.event_date.isoformat() if e.event_date else None, "sub_event_type": e.sub_event_type,
            # a place that is its country is named once ("Armenia", not "Armenia, Armenia")
            "place": (", ".join(dict.fromkeys(n for n in (p.name, p.country) if n)) or None) if p else None,
            "fatalities": e.fatalities_best if e.fatalities_best is not None else e.fatalities,
            "articles": len(e.article_ids)}


def _latest_of(revised: Mapping[str, str], article: str) -> list[str]:
    """The chain of revisions an article supersedes, nearest first."""
    out, seen = [], {article}
    while article in revised and revised[article] not in seen:
        article = revised[article]
        out.append(article)
        seen.add(article)
    return out


def _cause(before: Event | None, after: Event | None, cause: Cause) -> str:
    """Why one event changed, in words."""
    added = set(after.article_ids) - set(before.article_ids if before else ()) if after else set()
    parts = []
    revisions = sorted(a for a in added if a in cause.revised)
    reports = sorted(a for a in added if a not in cause.revised)
    if revisions:
        parts.append("revised report" + ("s " if len(revisions) > 1 else " ")
                     + ", ".join(f"{a} (supersedes {cause.revised[a]})" for a in revisions))
    if reports:
        parts.append("new report" + ("s " if len(reports) > 1 else " ") + ", ".join(reports[:10])
                     + (f" and {len(reports) - 10} more" if len(reports) > 10 else ""))
    decided = [cause.decisions[d] for d in (after.decision_ids if after else ())
               if d in cause.decisions and d not in (before.decision_ids if before else ())]
    for d in decided:
        parts.append(f"decision {d.id} ({d.action} by {d.reviewer}{': ' + d.reason if d.reason else ''})")
    if not parts and cause.revised and before is not None and set(before.article_ids) & set(cause.revised.values()):
        parts.append("an earlier revision of a report was superseded")
    if not parts:
        parts.append("the merged layer was rebuilt (new rules or models)" if cause.rebuilt
                     else "events around it changed")
    return "; ".join(parts)


def diff(before: Mapping[str, Event], after: Mapping[str, Event], removed: Mapping[str, str | None],
         cause: Cause, *, episodes_before: Mapping[str, Episode] | None = None,
         episodes_after: Mapping[str, Episode] | None = None) -> list[EventChange]:
    """The changes an update makes: ``after`` holds the events it writes, ``removed`` the ids that go away (with the
    event that holds each now, or None), ``before`` the stored rows of both (absent: a new event); the episodes
    of both, before and after, give the changes of an episode's figures (tolls of the whole fighting) to each of
    its events. ``seq`` is left 0 (``write`` numbers them)."""
    at = cause.at.isoformat(timespec="seconds") + "Z"
    out: list[EventChange] = []

    def add(eid: str, kind: str, why: str, **kw: Any) -> None:
        out.append(EventChange(seq=0, event_id=eid, kind=kind, at=at, run_id=cause.run_id, cause=why, **kw))

    event_of = {m: e.id for e in after.values() for m in e.mention_ids}
    eps = (episodes_before or {}, episodes_after or {})
    absorbed: dict[str, list[str]] = {}
    for old, new in sorted(removed.items()):
        if old in after:
            continue
        was = before.get(old)
        if new is not None:
            absorbed.setdefault(new, []).append(old)
            add(old, "merged", _cause(was, after.get(new), cause), other_event_id=new,
                article_ids=tuple(sorted(was.article_ids)) if was else ())
        else:
            add(old, "removed", _cause(was, None, cause) if was is None or not cause.revised else
                "its reports were superseded by revisions or marked irrelevant",
                article_ids=tuple(sorted(was.article_ids)) if was else ())
    for eid, e in sorted(after.items()):
        was = before.get(eid)
        if was is None:
            # a new id: the continuation of the event(s) it absorbed (their anchor report was revised or joined
            # by an earlier one), compared with the closest of them; else a new event
            olds = [before[o] for o in absorbed.get(eid, ()) if o in before]
            main = max(olds, key=lambda o: (_overlap(o, e, cause.revised), o.id), default=None)
            why = _cause(main, e, cause)
            split_from = sorted({b.id for b in before.values() if b.id in after and b.id != eid
                                 and set(b.mention_ids) & set(e.mention_ids)})
            how = (f"; continues {', '.join(o.id for o in olds)}" if olds else "") + \
                (f"; split from {', '.join(split_from)}" if split_from else "")
            add(eid, "created", why + how, new=_json(summary_of(e)), article_ids=tuple(sorted(e.article_ids)),
                other_event_id=main.id if main else None)
            for old in absorbed.get(eid, ()):
                add(eid, "absorbed", why, other_event_id=old)
            if main is not None:
                _compare(add, main, e, cause, why, event_of, eps)
            continue
        why = _cause(was, e, cause)
        for old in absorbed.get(eid, ()):
            add(eid, "absorbed", why, other_event_id=old)
        _compare(add, was, e, cause, why, event_of, eps)
    return out


def _overlap(old: Event, new: Event, revised: Mapping[str, str]) -> int:
    """Reports two events share, a revision counting as the report it revises."""
    now = {revised.get(a, a) for a in new.article_ids} | set(new.article_ids)
    return len(set(old.article_ids) & now) * 1000 + len(set(old.mention_ids) & set(new.mention_ids))


def _episode_figures(episodes: Mapping[str, Episode], pid: str | None) -> dict[str, tuple[Any, Any, Any]]:
    p = episodes.get(pid) if pid else None
    if p is None or len(p.event_ids) < 2:  # an episode of one event has that event's figures
        return {}
    return {f"episode {f.field}": (f.low, f.best, f.high) for f in p.figures}


def _compare(add: Any, was: Event, e: Event, cause: Cause, why: str, event_of: Mapping[str, str],
             eps: tuple[Mapping[str, Episode], Mapping[str, Episode]]) -> None:
    """The changes from ``was`` to ``e`` (the same event before and after, or the one it continues)."""
    eid = e.id
    lost = set(was.mention_ids) - set(e.mention_ids)
    for other in sorted({event_of[m] for m in lost if m in event_of and event_of[m] != eid}):
        add(eid, "split", why, other_event_id=other)
    for name in FIELDS:
        a, b = getattr(was, name), getattr(e, name)
        if (name == "place" and _place_key(a) != _place_key(b)) or (name != "place" and a != b):
            add(eid, "field", why, field=name, old=_json(a), new=_json(b))
    _sources(add, was, e, cause, why)
    fa = _figures(was) | _episode_figures(eps[0], was.episode_id)
    fb = _figures(e) | _episode_figures(eps[1], e.episode_id)
    for name in sorted(set(fa) | set(fb)):
        if fa.get(name) != fb.get(name):
            add(eid, "figure", why, field=name, old=_json(_triple(fa.get(name))), new=_json(_triple(fb.get(name))))
    if e.disputed and not was.disputed:
        add(eid, "dispute-opened", why, new=_json(e.dispute_note))
    elif was.disputed and not e.disputed:
        add(eid, "dispute-settled", why, old=_json(was.dispute_note))
    for d in e.decision_ids:
        if d not in was.decision_ids:
            decision = cause.decisions.get(d)
            add(eid, "decision", why, decision_id=d,
                new=_json({"action": decision.action, "field": decision.field, "value": decision.value,
                           "reviewer": decision.reviewer}) if decision else None)


def _triple(v: tuple[int | None, int | None, int | None] | None) -> dict[str, int | None] | None:
    return None if v is None else {"low": v[0], "best": v[1], "high": v[2]}


def _sources(add: Any, was: Event, e: Event, cause: Cause, why: str) -> None:
    gained = set(e.article_ids) - set(was.article_ids)
    lost = set(was.article_ids) - set(e.article_ids)
    for a in sorted(gained):
        earlier = [x for x in _latest_of(cause.revised, a) if x in lost]
        if earlier:
            add(e.id, "source-revised", why, article_ids=(earlier[0], a), old=_json(earlier[0]), new=_json(a))
            lost -= set(earlier)
        else:
            add(e.id, "source-added", why, article_ids=(a,), new=_json(a))
    for a in sorted(lost):
        add(e.id, "source-removed", why, article_ids=(a,), old=_json(a))


# --------------------------------------------------------------------------- the table


def write(con: Any, changes: Sequence[EventChange]) -> list[EventChange]:
    """Add changes after the store's last one (inside the caller's transaction); returns them numbered."""
    if not changes:
        return []
    last = con.execute("SELECT coalesce(max(seq), 0) FROM event_changes").fetchone()[0]
    numbered = [dataclasses.replace(c, seq=int(last) + i) for i, c in enumerate(changes, start=1)]
    names = ", ".join(f'"{c}"' for c in CHANGE_COLUMNS)
    marks = ", ".join("?" for _ in CHANGE_COLUMNS)
    con.executemany(f"INSERT INTO event_changes ({names}) VALUES ({marks})",
                    [[_db(getattr(c, n)) for n in CHANGE_COLUMNS] for c in numbered])
    return numbered


def _db(value: Any) -> Any:
    return json.dumps(list(value)) if isinstance(value, tuple) else value


def read_row(row: Sequence[Any]) -> EventChange:
    """A change from its row (the columns of ``CHANGE_COLUMNS``)."""
    data = dict(zip(CHANGE_COLUMNS, row, strict=True))
    ids = data["article_ids"]
    data["article_ids"] = tuple(json.loads(ids) if isinstance(ids, str) else ids or ())
    return EventChange(**data)


def read(con: Any, *, after_seq: int = 0, since: dt.datetime | None = None, run_ids: Iterable[str] | None = None,
         event_ids: Iterable[str] | None = None, limit: int | None = None, newest_first: bool = False
         ) -> list[EventChange]:
    """Stored changes, oldest first (or newest first): after a sequence number, at or after a time, of some runs or
    some events."""
    where, params = ["seq > ?"], [after_seq]
    if since is not None:
        where.append("\"at\" >= ?")
        params.append(since.isoformat(timespec="seconds"))
    if run_ids is not None:
        where.append("run_id IN (SELECT unnest(?))")
        params.append(list(run_ids))
    if event_ids is not None:
        where.append("event_id IN (SELECT unnest(?))")
        params.append(list(event_ids))
    names = ", ".join(f'"{c}"' for c in CHANGE_COLUMNS)
    sql = f"SELECT {names} FROM event_changes WHERE {' AND '.join(where)} ORDER BY seq {'DESC' if newest_first else ''}"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [read_row(r) for r in con.execute(sql, params).fetchall()]


def last_seq(con: Any) -> int:
    """The number of the store's latest change (0: none)."""
    return int(con.execute("SELECT coalesce(max(seq), 0) FROM event_changes").fetchone()[0])


def event_history(con: Any, event_id: str) -> list[EventChange]:
    """Every change of an event and of the events merged into it (its aliases), oldest first."""
    ids = [event_id] + [r[0] for r in con.execute("SELECT alias FROM event_aliases WHERE event_id = ?",
                                                  [event_id]).fetchall()]
    return read(con, event_ids=ids)


# --------------------------------------------------------------------------- runs


def start_run(con: Any, run_id: str, command: str, at: dt.datetime | None = None) -> None:
    """Record that a run started (its changes name it)."""
    con.execute("INSERT OR IGNORE INTO runs (id, command, started_at, status) VALUES (?, ?, ?, 'running')",
                [run_id, command, at or now_utc()])


def finish_run(con: Any, run_id: str, *, status: str = "done", articles_new: int = 0, extracted: int = 0) -> None:
    """Record how a run ended, with what it did and the changes it made."""
    n = con.execute("SELECT count(*) FROM event_changes WHERE run_id = ?", [run_id]).fetchone()[0]
    con.execute("UPDATE runs SET finished_at = ?, status = ?, articles_new = ?, extracted = ?, changes = ? "
                "WHERE id = ?", [now_utc(), status, articles_new, extracted, int(n), run_id])


def run_started(con: Any, run_id: str) -> dt.datetime | None:
    """When a recorded run started (None: no such run)."""
    row = con.execute("SELECT started_at FROM runs WHERE id = ?", [run_id]).fetchone()
    if row:
        return row[0]
    row = con.execute("SELECT min(\"at\") FROM event_changes WHERE run_id = ?", [run_id]).fetchone()
    return dt.datetime.fromisoformat(row[0].rstrip("Z")) if row and row[0] else None


def runs(con: Any, limit: int = 20) -> list[dict[str, Any]]:
    """The latest runs, newest first."""
    cur = con.execute("SELECT id, command, started_at, finished_at, status, articles_new, extracted, changes "
                      "FROM runs ORDER BY started_at DESC, id DESC LIMIT ?", [limit])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


__all__ = ["CHANGE_COLUMNS", "FIELDS", "Cause", "diff", "event_history", "finish_run", "last_seq",
           "new_run_id", "now_utc", "read", "read_row", "run_started", "runs", "start_run", "summary_of", "write"]
