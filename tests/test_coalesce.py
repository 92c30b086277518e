"""One article's mentions of one event: references back join the event already told, whatever sub-type their
own sentence suggests; a new incident with figures of its own stays a second event.

Real pipeline (spaCy, geocoder, event models) on a real l3s-gn1 page (skipped without ../shared) and on the
demo article; hand-made mentions for the rule itself.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from eventwire.mentions.coalesce import coalesce, new_incident, refers_back
from eventwire.model import Claim, EventMention, Evidence

ALGERIA = "144b919c-0fd4-40f0-8424-64fdbb380f7e.html"  # "Algeria: Al-Qaeda claims northern attack" (l3s-gn1)


def _m(text: str, sub: str, start: int, etype: str = "Explosions/Remote violence", confidence: float = 0.5,
       claims: tuple[Claim, ...] = ()) -> EventMention:
    return EventMention(article_id="a", event_type=etype, sub_event_type=sub,
                        evidence=(Evidence(text, start, start + len(text)),), event_date=dt.date(2008, 1, 2),
                        confidence=confidence, claims=claims)


def _toll(n: int, start: int) -> Claim:
    return Claim(field="fatalities", text=f"{n} killed", evidence=Evidence("x", start, start + 1), value_low=n,
                 value_high=n, value_best=n, article_id="a")


def test_references_back_and_new_incidents() -> None:
    assert refers_back(_m("A suicide bomber blew himself up in the attack.", "Suicide bomb", 10))
    assert refers_back(_m("Wednesday’s protest was organised by several groups.", "Peaceful protest", 10,
                          etype="Protests"))
    assert refers_back(_m("The agreement follows 24 hours of fighting.", "Agreement", 10,
                          etype="Strategic developments"))
    assert not refers_back(_m("Azerbaijani forces launched a massive assault on Tuesday.", "Armed clash", 10,
                              etype="Battles"))
    assert new_incident(_m("Two officers were killed in a remotely detonated bombing.", "Remote explosive", 10))
    assert new_incident(_m("41 people were killed in two suicide attacks in Algiers.", "Suicide bomb", 10))


def test_coalesce_joins_a_reference_back_across_sub_types_and_keeps_a_new_incident_apart() -> None:
    lede = _m("Al-Qaeda claimed Wednesday's deadly bomb attack against a police station.", "Armed clash", 0,
              etype="Battles", confidence=0.3)
    back = _m("A suicide bomber blew himself up in the attack.", "Suicide bomb", 100, confidence=0.99)
    toll = _m("The bombing killed at least three people.", "Suicide bomb", 200, claims=(_toll(3, 200),))
    other = _m("Two police officers were killed in a remotely detonated bombing that targeted a patrol.",
               "Suicide bomb", 300, claims=(_toll(2, 300),))
    out = coalesce([lede, back, toll, other], lambda cs: min((c.value_low for c in cs), default=None))
    assert len(out) == 2
    first, second = out
    assert first.sub_event_type == "Suicide bomb"  # read most confidently; the lede's date and place kept
    assert len(first.evidence) == 3 and first.event_date == lede.event_date
    assert [c.value_low for c in second.claims] == [2]


def test_a_real_page_keeps_its_incidents_apart_and_drops_history(shared_data: Path, tmp_path: Path) -> None:
    """The suicide bombing page: the bombing told in three sentences is one event (3 killed, 7 wounded); the
    road-patrol bombing is another (2 and 2), not a rival toll of the first; "200,000 killed since 1992" and
    "close to 50 killed in December" are neither claims nor events."""
    from eventwire import pipeline
    from eventwire.settings import Settings
    from eventwire.store import Store

    page = shared_data / "l3s-gn1" / "original" / ALGERIA
    db = tmp_path / "page.duckdb"
    pipeline.run([str(page)], Settings.from_env(db=db))
    with Store(db, read_only=True) as store:
        events = store.events()
    claims = [c for e in events for c in e.claims]
    assert not any(c.value_high == 200000 or c.value_low in (45, 50) for c in claims)
    assert not any(e.disputed for e in events)
    main = next(e for e in events if any(c.value_low == 7 and c.field == "injured" for c in e.claims))
    assert main.fatalities == 3 and not any(c.value_low == 2 for c in main.claims if c.field == "fatalities")
    patrol = next(e for e in events if any(c.category == "police" and c.value_low == 2 for c in e.claims))
    assert patrol.id != main.id
