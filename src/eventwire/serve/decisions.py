"""A reviewer's request -> a ``Decision`` tied to mention and article ids, checked against the store.

The app speaks of events, as the reviewer sees them; a decision is stored against the mentions and
articles behind the event, which keep their ids across re-runs (see ``model.Decision``): a confirm or
an edit names the event's mentions, a merge the mentions of both events, a split the mentions to
move out and the ones to keep, an irrelevant mark the article.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import types
import typing
from typing import Any

from eventwire.errors import Errors, UsageError, choice_error
from eventwire.model import DECISION_ACTIONS, Decision, Event, EventMention, Place, from_dict, stable_id, to_dict
from eventwire.store import Store

# Event fields a reviewer does not set by an edit: ids and links the pipeline owns, and the review flag
# itself (a confirm sets it).
NOT_EDITABLE = frozenset({"id", "mention_ids", "article_ids", "sources", "figures", "story_id", "episode_id",
                          "reviewed", "aliases", "fatalities_split"})
STATUSES = ("occurred", "planned", "background", "denied", "opinion")
TIME_PRECISIONS = (1, 2, 3)
LONGEST_TEXT = 2000  # characters of an edited text field
LONGEST_REASON = 2000
LONGEST_NAME = 200


def _plain(tp: Any) -> Any:
    """``int | None`` -> ``int``."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return args[0] if len(args) == 1 else tp
    return tp


def editable_fields() -> dict[str, Any]:
    """Event field -> its type, for every field an edit may set (scalars, and the place as a record)."""
    hints = typing.get_type_hints(Event)
    out = {}
    for f in dataclasses.fields(Event):
        tp = _plain(hints[f.name])
        if f.name not in NOT_EDITABLE and tp in (str, int, bool, dt.date, Place):
            out[f.name] = tp
    return out


def integer_fields() -> list[str]:
    """The editable fields whose values are whole numbers."""
    return [n for n, tp in editable_fields().items() if tp is int]


def check_value(field: str, value: Any) -> Any:
    """The edited value in its stored form, or a clear error naming what the field takes."""
    fields = editable_fields()
    if field not in fields:
        raise choice_error("field", field, fields)
    tp = fields[field]
    if value is None:
        return None
    expected = {int: "a whole number, 0 or more", bool: "true or false", dt.date: "a date, YYYY-MM-DD",
                str: f"text of at most {LONGEST_TEXT} characters", Place: "a place record (name, latitude, ...)"}[tp]
    try:
        if tp is bool and isinstance(value, bool):
            return value
        if tp is int and not isinstance(value, bool):
            number = int(value)
            if number < 0 or str(number) != str(value).strip():
                raise ValueError(value)
            if field == "time_precision" and number not in TIME_PRECISIONS:
                raise ValueError(value)
            return number
        if tp is dt.date and isinstance(value, str):
            return dt.date.fromisoformat(value.strip()).isoformat()
        if tp is str and isinstance(value, str) and 0 < len(value.strip()) <= LONGEST_TEXT:
            if field == "status" and value.strip() not in STATUSES:
                raise ValueError(value)
            return value.strip()
        if tp is Place and isinstance(value, dict) and isinstance(value.get("name"), str):
            place = from_dict(Place, value)
            return {k: v for k, v in dataclasses.asdict(place).items() if v not in (None, (), "")}
    except (TypeError, ValueError):
        pass
    if field == "status":
        expected = f"one of {', '.join(STATUSES)}"
    elif field == "time_precision":
        expected = "1 (day), 2 (week) or 3 (month)"
    raise UsageError(Errors.E242, value=value, field=field, expected=expected)


def _event(store: Store, event_id: str | None, action: str) -> Event:
    if not event_id:
        raise UsageError(Errors.E246, action=action, needs="the event's id")
    event = store.event(event_id)
    if event is None:
        raise UsageError(Errors.E204, event_id=event_id, db=store.path)
    return event


def make_decision(store: Store, *, action: str, reviewer: str, reason: str = "", event_id: str | None = None,
                  field: str | None = None, value: Any = None, other_event_id: str | None = None,
                  mention_ids: typing.Sequence[str] = (), article_id: str | None = None,
                  now: dt.datetime | None = None) -> Decision:
    """Check a reviewer's request against the store and turn it into a ``Decision`` (not yet stored)."""
    if action not in DECISION_ACTIONS:
        raise choice_error("action", action, DECISION_ACTIONS)
    reviewer = (reviewer or "").strip()[:LONGEST_NAME]
    if not reviewer:
        raise UsageError(Errors.E247)
    # milliseconds: two decisions of one reviewer in one second keep their order in the log
    made_at = (now or dt.datetime.now(dt.UTC)).isoformat(timespec="milliseconds")
    fields: dict[str, Any] = {}
    if action == "irrelevant":
        if not article_id:
            raise UsageError(Errors.E246, action=action, needs="the article's id")
        if not store.articles([article_id]):
            raise UsageError(Errors.E245, article_id=article_id, db=store.path)
        event = store.event(event_id) if event_id else None
        fields = {"article_ids": (article_id,), "event_id": event.id if event else None}
    else:
        event = _event(store, event_id, action)
        fields = {"event_id": event.id, "mention_ids": event.mention_ids, "article_ids": event.article_ids}
        if action == "edit":
            if not field:
                raise UsageError(Errors.E246, action=action, needs="the field to change")
            fields |= {"field": field, "value": json.dumps(check_value(field, value), ensure_ascii=False)}
        elif action == "merge":
            other = _event(store, other_event_id, action) if other_event_id else None
            if other is None or other.id == event.id:
                raise UsageError(Errors.E244, other=other_event_id or "")
            fields |= {"mention_ids": tuple(sorted({*event.mention_ids, *other.mention_ids})),
                       "article_ids": tuple(sorted({*event.article_ids, *other.article_ids}))}
        elif action == "split":
            moved = tuple(sorted(set(mention_ids)))
            if not moved or not set(moved) < set(event.mention_ids):
                raise UsageError(Errors.E243, event_id=event.id, count=len(moved), total=len(event.mention_ids))
            fields |= {"mention_ids": moved,
                       "other_mention_ids": tuple(m for m in event.mention_ids if m not in moved)}
    reason = (reason or "").strip()[:LONGEST_REASON]
    key = json.dumps({k: list(v) if isinstance(v, tuple) else v for k, v in fields.items()}, sort_keys=True)
    return Decision(id=stable_id("d", action, reviewer, made_at, key, reason), action=action, reviewer=reviewer,
                    made_at=made_at, reason=reason, **fields)




# --------------------------------------------------------------------------- the decision log as a file


def _anchor(m: EventMention) -> dict[str, Any]:
    first = m.evidence[0] if m.evidence else None
    return {"article_id": m.article_id, "start": first.start if first else -1, "end": first.end if first else -1,
            "text": first.text if first else "", "sub_event_type": m.sub_event_type,
            "event_date": m.event_date.isoformat() if m.event_date else None}


def export_decisions(store: Store, out: typing.TextIO) -> int:
    """Write every decision as one JSON line, oldest first, each with the anchors of its mentions (article,
    evidence offsets and text, sub-type, date) so that a store whose mentions got new ids (new models) can
    find them again. Returns the number written."""
    decisions = store.decisions()
    wanted = {m for d in decisions for m in (*d.mention_ids, *d.other_mention_ids)}
    anchors = {m.id: _anchor(m) for m in store.mentions_by_id(wanted)}
    for d in decisions:
        row = to_dict(d) | {"anchors": {m: anchors[m] for m in (*d.mention_ids, *d.other_mention_ids)
                                        if m in anchors}}
        out.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
    return len(decisions)


@dataclasses.dataclass
class ImportResult:
    """What an import did: decisions added, already there, re-anchored to new mention ids, and bad lines."""

    added: int = 0
    present: int = 0
    reanchored: int = 0
    failures: list[str] = dataclasses.field(default_factory=list)


def _overlap(a: dict[str, Any], m: EventMention) -> tuple[int, int, int]:
    """How well a mention fits an anchor: evidence overlap, then the same sub-type, then the same date (one
    sentence may name two events, "thousands gathered on Wednesday, after a similar protest the previous day")."""
    best = max((min(a["end"], e.end) - max(a["start"], e.start) for e in m.evidence), default=-1)
    day = m.event_date.isoformat() if m.event_date else None
    return (best, int(m.sub_event_type == a.get("sub_event_type")), int(day == a.get("event_date")))


def _reanchor(store: Store, ids: typing.Sequence[str], anchors: dict[str, Any]) -> tuple[tuple[str, ...], int]:
    """The decision's mention ids in this store: an id the store lacks is the mention of the same article whose
    evidence overlaps the anchor's most (same sub-type, then same date, first)."""
    have = {m.id for m in store.mentions_by_id(ids)}
    out, moved = [], 0
    for mid in ids:
        a = anchors.get(mid)
        if mid in have or not isinstance(a, dict) or "article_id" not in a:
            out.append(mid)
            continue
        candidates = [m for m in store.mentions([str(a["article_id"])]) if _overlap(a, m)[0] > 0]
        if candidates:
            out.append(max(candidates, key=lambda m: _overlap(a, m)).id)
            moved += 1
        else:
            out.append(mid)
    return tuple(dict.fromkeys(out)), moved


def import_decisions(store: Store, lines: typing.Iterable[str], source: str = "<decisions>") -> ImportResult:
    """Add the decisions of a JSON lines file (``export_decisions``'s) to the store: a decision already there is
    left as it is (same id), mention ids the store lacks are re-anchored, a bad line fails alone."""
    result = ImportResult()
    known = {d.id for d in store.decisions()}
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{source}:{n}"
        try:
            row = json.loads(line)
            if not isinstance(row, dict):
                raise ValueError("not a JSON object")
            anchors = row.pop("anchors", None) or {}
            decision = from_dict(Decision, row)
            if not (isinstance(decision.id, str) and decision.id and decision.action in DECISION_ACTIONS
                    and isinstance(decision.reviewer, str) and decision.reviewer.strip()
                    and isinstance(decision.made_at, str) and dt.datetime.fromisoformat(decision.made_at)):
                raise ValueError("needs id, action, reviewer and made_at")
        except (ValueError, TypeError, KeyError) as exc:
            result.failures.append(UsageError(Errors.E260, where=where, reason=str(exc)[:200]).args[0])
            continue
        if decision.id in known:
            result.present += 1
            continue
        mentions, moved = _reanchor(store, decision.mention_ids, anchors)
        others, moved_too = _reanchor(store, decision.other_mention_ids, anchors)
        if moved or moved_too:
            decision = dataclasses.replace(decision, mention_ids=mentions, other_mention_ids=others)
            result.reanchored += 1
        store.add_decision(decision)
        known.add(decision.id)
        result.added += 1
    return result


__all__ = ["ImportResult", "editable_fields", "export_decisions", "import_decisions", "integer_fields",
           "make_decision"]
