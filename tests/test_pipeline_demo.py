"""End to end on the two real demo articles: the store holds what a careful coder reads.

Real spaCy model, real DuckDB file, real ingest, geocoder and extractor: no mocks.
"""

from __future__ import annotations

import datetime as dt

from eventwire import pipeline
from eventwire.model import Event
from eventwire.store import Store

SEPT19, SEPT20 = dt.date(2023, 9, 19), dt.date(2023, 9, 20)


def _events(db) -> list[Event]:
    with Store(db, read_only=True) as store:
        return store.events()


def test_demo_run_reads_both_articles(demo_run) -> None:
    _, _, summary = demo_run
    assert summary.ok
    assert summary.articles_new == 2
    assert summary.extracted == 2
    assert summary.events >= 3


def test_offensive_of_19_september_is_placed_in_nagorno_karabakh(demo_run) -> None:
    db, _, _ = demo_run
    attacks = [e for e in _events(db) if e.status == "occurred" and e.event_date == SEPT19
               and e.sub_event_type in {"Shelling/artillery/missile attack", "Armed clash", "Air/drone strike"}]
    assert attacks, "no 19 Sept shelling/clash event"
    places = {(e.place.admin1, e.place.country) for e in attacks if e.place}
    assert ("Nagorno-Karabakh", "Azerbaijan") in places
    assert any(e.place and e.place.name == "Stepanakert" for e in attacks)


def test_ceasefire_agreement_of_20_september(demo_run) -> None:
    db, _, _ = demo_run
    agreements = [e for e in _events(db) if e.sub_event_type == "Agreement" and e.event_date == SEPT20]
    assert agreements
    # both outlets report it: one event, two sources
    assert any(len(e.article_ids) == 2 for e in agreements)


def test_yerevan_protests(demo_run) -> None:
    db, _, _ = demo_run
    protests = [e for e in _events(db) if e.event_type == "Protests" and e.place and e.place.name == "Yerevan"]
    assert protests
    # "On Wednesday afternoon, thousands of people gathered in Yerevan ..., following a similar protest the
    # previous day": two protests, each on its own day
    assert {e.event_date for e in protests} >= {SEPT19, SEPT20}
    assert all(e.place.country == "Armenia" for e in protests)


def test_no_event_from_the_terms_of_the_deal(demo_run) -> None:
    db, _, _ = demo_run
    with Store(db, read_only=True) as store:
        mentions = store.mentions()
    terms = [m for m in mentions if "stipulated" in m.evidence[0].text]
    assert all(m.status == "planned" for m in terms)


def test_no_event_from_context(demo_run) -> None:
    """The humanitarian toll, people sheltering or gathering to leave, experts' opinions and the fighting an
    agreement followed are context: no event of their own, and no Agreement on the day of the fighting."""
    db, _, _ = demo_run
    with Store(db, read_only=True) as store:
        mentions = store.mentions()
    # "Experts suggest that the pro-Armenian forces ... were no match for the Azerbaijani military": an evaluation
    # "Russia's Defense Ministry reported casualties among its peacekeeping contingent": a source's word, no figure
    context = ("exacerbated an already dire humanitarian", "sought refuge in a camp", "were no match for",
               "reported casualties among its peacekeeping")
    assert not [m for m in mentions if any(c in e.text for e in m.evidence for c in context)]
    assert not [e for e in _events(db) if e.sub_event_type == "Agreement" and e.event_date == SEPT19]


def test_both_casualty_accounts_kept_with_outlet_and_sentence(demo_run) -> None:
    db, _, _ = demo_run
    with Store(db, read_only=True) as store:
        claims = store.claims()
        outlets = {a.id: a.outlet for a in store.articles()}
    dozens = [c for c in claims if c.field == "fatalities" and c.text.lower().startswith("dozens")]
    assert dozens and outlets[dozens[0].article_id] == "OC Media"
    assert (dozens[0].value_low, dozens[0].value_best, dozens[0].value_high) == (24, 24, 99)
    assert dozens[0].value_acled == 12  # ACLED's convention, for its fatalities column only
    assert "confirmed to have been killed" in dozens[0].evidence.text
    minimum = [c for c in claims if "200 casualties" in c.text]
    assert minimum, "the ombudsman's 'a minimum of 200 casualties' is missing"
    c = minimum[0]
    assert c.value_low == 200 and "Stepanyan" in (c.speaker or "")
    assert c.hedge == "unverified"
    assert "ambiguous-casualties" in c.flags
    assert any(x.category == "civilians" and x.value_low == 10 for x in claims)


def test_nothing_from_2020_or_earlier_is_a_new_event(demo_run) -> None:
    db, _, _ = demo_run
    for e in _events(db):
        assert e.event_date is None or e.event_date >= dt.date(2023, 1, 1), e


def test_evidence_offsets_point_into_the_article_text(demo_run) -> None:
    db, _, _ = demo_run
    with Store(db, read_only=True) as store:
        texts = {a.id: a.text for a in store.articles()}
        for m in store.mentions():
            for ev in m.evidence:
                assert texts[m.article_id][ev.start:ev.end] == ev.text


def test_second_run_changes_nothing(demo_run, examples_dir) -> None:
    db, settings, _ = demo_run
    with Store(db, read_only=True) as store:
        before = (store.counts(), [e.id for e in store.events()], [m.id for m in store.mentions()])
    summary = pipeline.run([str(examples_dir)], settings)
    assert summary.articles_new == 0 and summary.extracted == 0
    with Store(db, read_only=True) as store:
        after = (store.counts(), [e.id for e in store.events()], [m.id for m in store.mentions()])
    assert after == before
