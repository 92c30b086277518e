"""One article's mentions of one event: references back join the event already told, whatever sub-type their
own sentence suggests; a new incident with figures of its own stays a second event.

Real pipeline (spaCy, geocoder, event models) on a real l3s-gn1 page (skipped without ../shared) and on the
demo article; hand-made mentions for the rule itself.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

from eventwire.mentions.coalesce import coalesce, new_incident, refers_back
from eventwire.model import Article, Claim, EventMention, Evidence
from eventwire.pipeline import extract_texts

FIXTURES = Path(__file__).parent / "fixtures"
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
    assert new_incident(_m("Separately, a roadside bomb exploded near a market in the city.", "Remote explosive", 10))
    assert new_incident(_m("A roadside bomb exploded near a market in the city.", "Remote explosive", 10))
    assert refers_back(_m("The bomb had been hidden in a cart.", "Remote explosive", 10))


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


def test_an_account_of_the_deed_told_before_is_that_deed() -> None:
    """"The military said it struck a Hamas command centre" after the strike that killed 22: one event, though the
    account reads as another sub-type of violence; an account with casualty figures of its own stays apart."""
    israel = "Military Forces of Israel"
    lede = dataclasses.replace(_m("An Israeli airstrike hit a school in Deir al-Balah on Wednesday, killing at "
                                  "least 22 people.", "Air/drone strike", 0, claims=(_toll(22, 0),)), actor1=israel)
    account = dataclasses.replace(_m("The Israeli military said it had targeted Hamas militants in the school.",
                                     "Shelling/artillery/missile attack", 100), actor1=israel)
    own = dataclasses.replace(_m("The army said it killed five militants in the town.", "Armed clash", 200,
                                 etype="Battles", claims=(_toll(5, 200),)), actor1=israel)
    fatal = lambda cs: min((c.value_low for c in cs), default=None)  # noqa: E731
    # told in the outlet's own voice with its actor named, a different sub-type is a different event
    assert len(coalesce([lede, account], fatal)) == 2
    # another party's account of its own deed is another deed ("Ukraine's air force said it shot down 40 drones")
    other_party = dataclasses.replace(account, actor1="Military Forces of Palestine")
    assert len(coalesce([lede, other_party], fatal, accounts=frozenset({100}))) == 2
    out = coalesce([lede, account, own], fatal, accounts=frozenset({100, 200}))
    assert [len(m.evidence) for m in out] == [2, 1]
    assert out[0].sub_event_type == "Air/drone strike" and out[0].fatalities == 22
    # a sentence that names no one who acted tells more of the strike; "another strike" is a new one
    detail = dataclasses.replace(_m("Witnesses said two missiles struck the upper floor as families slept.",
                                    "Shelling/artillery/missile attack", 300),
                                 actor1="Unidentified Armed Group (Palestine)", actor2=israel)
    other = _m("Another strike hit a house in the town.", "Shelling/artillery/missile attack", 400)
    told = coalesce([lede, detail, other], fatal)
    assert [len(m.evidence) for m in told] == [2, 1]
    # who acted stays the first telling's: the detail's roles were read for another kind of violence
    assert (told[0].actor1, told[0].actor2) == (israel, None)


def test_a_reference_back_that_names_the_deeds_earlier_day_dates_it() -> None:
    """A funeral story: its lede's day is the burial's, the reference back names the strike's own day."""
    thursday = dt.date(2026, 11, 19)
    lede = dataclasses.replace(_m("Mourners gathered on Thursday to bury the victims of an airstrike that killed "
                                  "31 people.", "Air/drone strike", 0, claims=(_toll(31, 0),)),
                               event_date=thursday, date_evidence="Thursday", time_precision=1)
    back = dataclasses.replace(_m("The strike on Wednesday hit classrooms.", "Air/drone strike", 100),
                               event_date=thursday - dt.timedelta(days=1), date_evidence="Wednesday",
                               time_precision=1)
    fatal = lambda cs: min((c.value_low for c in cs), default=None)  # noqa: E731
    [told] = coalesce([lede, back], fatal)
    assert (told.event_date, told.date_evidence, len(told.evidence)) == (back.event_date, "Wednesday", 2)
    # a later day in a reference back is a reaction's; a day borrowed from the sentences before is nobody's own
    later = dataclasses.replace(back, event_date=thursday + dt.timedelta(days=1), date_evidence="Friday")
    borrowed = dataclasses.replace(back, date_evidence="context: Wednesday")
    assert [m.event_date for m in coalesce([lede, later], fatal)] == [thursday]
    assert [m.event_date for m in coalesce([lede, borrowed], fatal)] == [thursday]


def test_a_funeral_story_dates_the_strike_it_tells_to_the_strikes_day() -> None:
    """The real funeral report among the strike reports (tests/fixtures/strike_reports.jsonl): one event, on
    the day of the strike, with the military's account of it."""
    rows = [json.loads(line) for line in (FIXTURES / "strike_reports.jsonl").read_text(encoding="utf-8").splitlines()]
    [row] = [r for r in rows if r["id"] == "a6"]
    article = Article(id=row["id"], text=row["text"], title=row["title"], source=row["source"],
                      published=dt.date.fromisoformat(row["published"][:10]))
    [(_, mentions)] = list(extract_texts([article]))
    [strike] = mentions
    assert strike.event_date == dt.date(2026, 11, 18) and strike.fatalities == 31
    assert any("targeted Hamas" in e.text for e in strike.evidence)


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
