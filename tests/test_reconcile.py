"""Reconciliation: claims with speaker role, hedge and independence; low/best/high; disputes; the demo's
19 Sept casualty dispute on the offensive episode, exactly.

Real pipeline on the demo articles (conftest's demo_run), real spaCy for the sentence-level cases.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from eventwire.mentions.counts import find_claims
from eventwire.model import Evidence, SourcedClaim
from eventwire.pipeline import plain_pipeline
from eventwire.reconcile import speaker_role, summarise, supersede
from eventwire.store import Store

SEPT19 = dt.date(2023, 9, 19)
DEMO_NOTE = ("OC Media: Dozens of people are confirmed to have been killed; Gegham Stepanyan (human rights "
             "ombudsman for Nagorno-Karabakh) via AP rewrite (BNB - Big Big News): a minimum of 200 casualties, "
             "including 10 civilians, unverified")


def _offensive(db):
    with Store(db, read_only=True) as store:
        episodes = [p for p in store.episodes() if p.event_date == SEPT19 and len(p.event_ids) > 1]
        events = store.events([e for p in episodes for e in p.event_ids])
    return episodes, events


def test_the_offensive_is_one_episode_of_several_events(demo_run) -> None:
    db, _, _ = demo_run
    episodes, events = _offensive(db)
    assert len(episodes) == 1
    kinds = {e.sub_event_type for e in events}
    assert {"Armed clash", "Shelling/artillery/missile attack"} <= kinds
    assert all(e.episode_id == episodes[0].id for e in events)


def test_the_casualty_dispute_sits_on_the_offensive_episode(demo_run) -> None:
    db, _, _ = demo_run
    [episode], events = _offensive(db)
    fat = next(f for f in episode.figures if f.field == "fatalities")
    # "dozens" confirmed by an independent outlet is the best; 200 is the highest claimed; ACLED codes 12,
    # and the range holds ACLED's figure (12, not the words' 24, is its low end)
    assert (fat.low, fat.best, fat.high, fat.acled) == (12, 24, 200, 12)
    assert fat.disputed and episode.disputed and fat.sources == 2
    assert fat.note == DEMO_NOTE
    assert episode.dispute_note == f"fatalities: {DEMO_NOTE}"
    assert (episode.fatalities, episode.fatalities_low, episode.fatalities_best, episode.fatalities_high) == \
        (12, 12, 24, 200)
    # the tolls speak of the fighting as a whole: none of them is one event's
    assert not any(c.field == "fatalities" and c.level == "event" for e in events for c in e.claims)
    injured = next(f for f in episode.figures if f.field == "injured")
    assert not injured.disputed and (injured.low, injured.best, injured.acled) == (100, 200, 100)


def test_claims_carry_speaker_role_hedge_and_independence(demo_run) -> None:
    db, _, _ = demo_run
    [episode], _ = _offensive(db)
    by_text = {c.text: c for c in episode.claims}
    oc = by_text["Dozens of people are confirmed to have been killed"]
    assert (oc.speaker, oc.speaker_role, oc.hedge, oc.independent, oc.outlet) == (
        "the outlet", "journalist", "confirmed", True, "OC Media")
    ombudsman = by_text["a minimum of 200 casualties"]
    assert ombudsman.speaker.startswith("Gegham Stepanyan") and ombudsman.speaker_role == "party to the conflict"
    assert ombudsman.hedge == "unverified" and not ombudsman.independent and ombudsman.origin == "wire:AP"
    # "casualties" next to a separate count of injured are deaths
    assert ombudsman.field == "fatalities" and "casualties-as-deaths" in ombudsman.flags
    assert ombudsman.evidence.text.startswith("Gegham Stepanyan, the human rights ombudsman")
    assert ombudsman.published == dt.date(2023, 9, 21)


def test_the_peacekeepers_toll_is_its_own_events(demo_run) -> None:
    db, _, _ = demo_run
    with Store(db, read_only=True) as store:
        events = store.events()
    [peace] = [e for e in events if any("peacekeepers" in c.text for c in e.claims)]
    assert peace.event_date == dt.date(2023, 9, 20) and peace.sub_event_type == "Armed clash"
    [c] = [c for c in peace.claims if c.field == "fatalities"]
    assert c.level == "event" and c.speaker == "Russian Defence Ministry" and c.speaker_role == "party to the conflict"
    # ACLED codes "several" (3-9 in words) as 10: the range is widened to hold it, never "10 (3-9)"
    assert (peace.fatalities_low, peace.fatalities_best, peace.fatalities_high) == (3, 3, 10)
    assert peace.fatalities == 10 and peace.fatalities_split == 0


def test_casualties_alone_stay_ambiguous() -> None:
    sent = next(plain_pipeline()("The ministry reported 45 casualties after the blast.").sents)
    [claim] = find_claims(sent, article_id="a", outlet="X")
    from eventwire.model import EventMention
    from eventwire.reconcile import Source, sourced_claims

    m = EventMention(article_id="a", event_type="Explosions/Remote violence", sub_event_type="Grenade",
                     evidence=(Evidence(sent.text, 0, len(sent.text)),), claims=(claim,))
    [sc] = sourced_claims(m, Source("a", outlet="X"), [])
    assert sc.field == "casualties"  # never silently deaths


def _claim(cid: str, low: int | None, high: int | None, best: int | None = None, *, speaker: str = "the outlet",
           hedge: str = "reported", independent: bool = True, published: dt.date | None = None,
           origin: str = "") -> SourcedClaim:
    return SourcedClaim(claim_id=cid, field="fatalities", text=f"{low} killed", evidence=Evidence("x", 0, 1),
                        value_low=low, value_high=high, value_best=best if best is not None else low,
                        speaker=speaker, hedge=hedge, independent=independent, published=published,
                        origin=origin or cid, article_id=cid)


def test_a_later_higher_toll_of_the_same_speaker_supersedes_the_earlier() -> None:
    early = _claim("c1", 12, 12, speaker="Health Ministry", published=dt.date(2024, 1, 1))
    late = _claim("c2", 30, 30, speaker="Health Ministry", published=dt.date(2024, 1, 3))
    other = _claim("c3", 12, 12, published=dt.date(2024, 1, 1))
    claims = supersede([early, late, other])
    assert claims[0].superseded_by == "c2" and claims[1].superseded_by is None
    # the outlet's earlier 12 is updated too: the ministry's later toll is said as firmly
    assert claims[2].superseded_by == "c2"
    s = summarise("fatalities", claims)
    assert not s.disputed and (s.low, s.high) == (30, 30) and s.sources == 1
    assert len(s.claim_ids) == 3  # superseded claims stay listed


def test_best_prefers_independent_confirmed_reports() -> None:
    copy = _claim("c1", 50, 50, hedge="confirmed", independent=False, origin="wire:AP")
    orig = _claim("c2", 40, 40, hedge="reported")
    unverified = _claim("c3", 90, 90, hedge="unverified")
    s = summarise("fatalities", [copy, orig, unverified])
    assert s.best == 40 and s.low == 40 and s.high == 90 and s.disputed


def test_speaker_roles() -> None:
    sides = ["Military Forces of Azerbaijan", "Nagorno-Karabakh"]
    assert speaker_role("the outlet", None, sides) == "journalist"
    assert speaker_role("Azerbaijani Defence Ministry", None, sides) == "party to the conflict"
    assert speaker_role("Stephane Dujarric", "United Nations spokesman", sides) == "international body"
    assert speaker_role("Human Rights Watch", None, sides) == "NGO"
    assert speaker_role("White House national security spokesman John Kirby", None, sides) == "government"
    assert speaker_role("Maria", None, sides) == "unknown"


@given(st.lists(st.tuples(st.integers(0, 500), st.one_of(st.none(), st.integers(0, 500)),
                          st.sampled_from(["confirmed", "reported", "claimed", "unverified"]), st.booleans()),
                min_size=1, max_size=6))
def test_low_best_high_always_ordered(rows) -> None:
    claims = []
    for i, (low, span, hedge, indep) in enumerate(rows):
        high = None if span is None else low + span
        claims.append(_claim(f"c{i}", low, high, low + (span or 0) // 2, hedge=hedge, independent=indep))
    s = summarise("fatalities", claims)
    known = [v for v in (s.low, s.best, s.high) if v is not None]
    assert known == sorted(known)


def test_the_offensive_toll_is_divided_among_its_events_acled_s_way(demo_run) -> None:
    """Summing ACLED's fatalities over the offensive's events gives its reconciled toll (12, from "dozens");
    low, best and high are split alike and each event's range holds its ACLED figure."""
    db, _, _ = demo_run
    [episode], events = _offensive(db)
    violent = [e for e in events if e.event_type in {"Battles", "Explosions/Remote violence"}]
    assert len(violent) >= 3
    assert sum(e.fatalities for e in violent) == episode.fatalities == 12
    assert sum(e.fatalities_best for e in violent) == episode.fatalities_best == 24
    assert sum(e.fatalities_high for e in violent) == episode.fatalities_high == 200
    for e in violent:
        assert e.fatalities_split == len(violent)
        assert e.fatalities_low <= e.fatalities <= e.fatalities_high
        assert e.fatalities_low <= e.fatalities_best <= e.fatalities_high
    # the shares differ by at most one, the larger ones first
    assert max(e.fatalities_high for e in violent) - min(e.fatalities_high for e in violent) <= 1


def test_split_gives_the_rest_to_events_without_their_own_toll() -> None:
    from eventwire.model import Episode, Event, FigureSummary
    from eventwire.reconcile import split_episode_toll

    whole = SourcedClaim(claim_id="c", field="fatalities", text="30 killed in the fighting",
                         evidence=Evidence("x", 0, 1), level="episode", value_low=30, value_high=30)
    episode = Episode(id="p", event_ids=("a", "b", "c"), fatalities=30, claims=(whole,),
                      figures=(FigureSummary("fatalities", 30, 30, 30, False, ("c",), acled=30),))
    own = FigureSummary("fatalities", 5, 5, 5, False, ("o",), acled=5)

    def event(eid: str, figs=()) -> Event:
        return Event(id=eid, event_type="Battles", sub_event_type="Armed clash", mention_ids=(eid,),
                     article_ids=("x",), event_date=SEPT19, figures=figs,
                     fatalities=5 if figs else None, fatalities_low=5 if figs else None)

    out = split_episode_toll(episode, [event("a", (own,)), event("b"), event("c")])
    assert out["a"].fatalities == 5 and out["a"].fatalities_split == 0  # its own toll stays
    # 30 - 5 = 25 left for the two others: 13 and 12, the remainder to the first
    assert (out["b"].fatalities, out["c"].fatalities) == (13, 12)
    assert out["b"].fatalities_split == out["c"].fatalities_split == 2
    assert out["a"].fatalities + out["b"].fatalities + out["c"].fatalities == 30
    # one event without a toll of its own takes the rest whole (assigned)
    one = split_episode_toll(episode, [event("a", (own,)), event("b")])
    assert one["b"].fatalities == 25 and one["b"].fatalities_split == 1


def test_a_later_higher_toll_updates_an_earlier_one_whoever_says_it() -> None:
    early = _claim("c1", 1, 1, speaker="the outlet", published=dt.date(2024, 1, 1))
    final = _claim("c2", 46, 46, speaker="Police", published=dt.date(2024, 1, 3))
    claims = supersede([early, final])
    assert claims[0].superseded_by == "c2"
    assert not summarise("fatalities", claims).disputed
    # a party to the conflict's unverified figure does not overrule an outlet's confirmed count: a dispute
    confirmed = _claim("c3", 24, 99, 24, hedge="confirmed", published=dt.date(2024, 1, 1))
    partisan = dataclasses.replace(_claim("c4", 200, None, speaker="Ombudsman", hedge="unverified",
                                          published=dt.date(2024, 1, 2)), speaker_role="party to the conflict")
    rivals = supersede([confirmed, partisan])
    assert all(c.superseded_by is None for c in rivals)
    assert summarise("fatalities", rivals).disputed


def test_acled_figure_always_inside_the_range() -> None:
    several = _claim("c1", 3, 9, 3)
    several = dataclasses.replace(several, value_acled=10)
    s = summarise("fatalities", [several])
    assert (s.low, s.best, s.high, s.acled) == (3, 3, 10, 10)
    from eventwire.export import figure_text

    assert figure_text(s.acled, s.low, s.high) == "10 (3-10)"


def test_counts_of_things_are_no_figure() -> None:
    doc = plain_pipeline()("Several settlements, including the capital Stepanakert, came under artillery fire. "
                           "Wednesday's protest was organised by several opposition groups.")
    claims = [c for s in doc.sents for c in find_claims(s, article_id="a")]
    assert [c.field for c in claims] == ["other", "other"]
    assert all("not-a-person" in c.flags for c in claims)
    from eventwire.model import EventMention
    from eventwire.reconcile import Source, figures, sourced_claims

    m = EventMention(article_id="a", event_type="Protests", sub_event_type="Peaceful protest",
                     evidence=(Evidence("x", 0, 1),), claims=tuple(claims))
    assert figures(sourced_claims(m, Source("a"), [])) == ()  # no "other" figure is ever made


def test_an_implied_count_does_not_lower_a_toll_sources_give() -> None:
    """ECB+ 8_8ecbplus: "killed a teenager" (1, implied, from a sentence about an earlier death) beside
    "three people were killed" everywhere: the toll is 3, ACLED's figure too."""
    named = dataclasses.replace(_claim("c1", 1, 1), flags=("implicit",))
    toll = _claim("c2", 3, 3)
    s = summarise("fatalities", [named, toll])
    assert (s.low, s.best, s.high, s.acled, s.disputed) == (3, 3, 3, 3, False)
    alone = summarise("fatalities", [named])
    assert (alone.low, alone.best, alone.acled) == (1, 1, 1)  # where no source gives a number, it counts
