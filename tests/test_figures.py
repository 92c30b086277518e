"""Figures: count phrases -> ranges, and sentences -> claims, on the real demo articles."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from spacy.tokens import Doc

from eventwire.evaluation.claims import evaluate_claims, evaluate_ged_figures
from eventwire.mentions.counts import Quantity, find_claims, parse_quantity
from eventwire.pipeline import plain_pipeline
from spans import sentence


@pytest.mark.parametrize(
    ("text", "low", "high", "best", "acled", "qualifier"),
    [
        # a vague word: its literal range, best its low end; ACLED's convention kept apart
        ("dozens", 24, 99, 24, 12, None),
        ("hundreds", 200, 999, 200, 100, None),
        ("thousands", 2000, 9999, 2000, 1000, None),
        ("tens of thousands", 20000, 99999, 20000, 10000, None),
        ("several", 3, 9, 3, 10, None),
        ("a minimum of 200", 200, None, 200, 200, "at least"),
        ("at least 70", 70, None, 70, 70, "at least"),
        ("over 400", 401, None, 401, 401, "more than"),
        ("more than 6,700", 6701, None, 6701, 6701, "more than"),
        ("more than a hundred", 101, None, 101, 101, "more than"),
        ("up to 50", None, 50, None, None, "up to"),
        ("as many as 20 , 000", None, 20000, None, None, "up to"),
        ("two hundred", 200, 200, 200, 200, None),
        ("twenty-three", 23, 23, 23, 23, None),
        ("about 200", 180, 220, 200, 200, "about"),
        ("nearly 100", 90, 99, 90, 90, "nearly"),
        ("between 60 and 100", 60, 100, 60, 60, "between"),
        ("40 or 50", 40, 50, 40, 40, "between"),
        ("at least three dozen", 36, None, 36, 36, "at least"),
        ("several hundred", 300, 900, 300, 300, None),
    ],
)
def test_parse_quantity_ranges(text: str, low: int | None, high: int | None, best: int | None,
                               acled: int | None, qualifier: str | None) -> None:
    q = parse_quantity(text)
    assert q == Quantity(low, high, best, qualifier, text, acled)
    # low <= best <= high whenever they are known
    assert q.best is None or ((q.low is None or q.low <= q.best) and (q.high is None or q.best <= q.high))


def test_parse_quantity_none_without_count() -> None:
    assert parse_quantity("the ceasefire held") is None


def test_oc_media_casualties_confirmed(docs: dict[str, Doc]) -> None:
    doc = docs["000_c271fdd144f74993.txt"]
    s = sentence(doc, "Dozens of people are confirmed")
    claims = find_claims(s, article_id="a1", outlet="OC Media")
    by_field = {c.field: c for c in claims}
    killed, wounded = by_field["fatalities"], by_field["injured"]
    assert (killed.value_low, killed.value_high, killed.value_best, killed.value_acled) == (24, 99, 24, 12)
    assert killed.text == "Dozens of people are confirmed to have been killed"
    assert (wounded.value_low, wounded.value_high, wounded.value_best) == (200, 999, 200)
    assert wounded.text == "hundreds wounded"
    for c in claims:
        assert c.speaker == "the outlet"
        assert c.hedge == "confirmed"
        assert c.outlet == "OC Media" and c.article_id == "a1"
        # evidence is the sentence, with offsets into the article text
        assert doc.text[c.evidence.start:c.evidence.end] == c.evidence.text == s.text


def test_ombudsman_figures_unverified_by_next_sentence(docs: dict[str, Doc]) -> None:
    doc = docs["002_97d02d094a504605.txt"]
    s = sentence(doc, "a minimum of 200 casualties")
    claims = find_claims(s)
    assert [(c.field, c.value_low, c.value_high) for c in claims] == [
        ("fatalities", 200, None), ("fatalities", 10, 10), ("injured", 401, None)]
    total, civilians, injured = claims
    assert "ambiguous-casualties" in total.flags and total.qualifier == "at least"
    assert civilians.category == "civilians" and "sub-count" in civilians.flags
    assert civilians.text.startswith("including 10 civilians")
    assert injured.text == "over 400 others injured"
    for c in claims:
        assert c.speaker == "Gegham Stepanyan"
        assert c.speaker_role == "human rights ombudsman for Nagorno-Karabakh"
        assert c.hedge == "unverified"  # "His data has not yet been independently corroborated."


def test_ministry_evacuation_and_background_figure(docs: dict[str, Doc]) -> None:
    doc = docs["002_97d02d094a504605.txt"]
    evac = [c for c in find_claims(sentence(doc, "3,100 civilians")) if c.field == "evacuated"]
    assert len(evac) == 1
    assert (evac[0].field, evac[0].value_low, evac[0].category) == ("evacuated", 3101, "civilians")
    assert evac[0].speaker == "Russian Defence Ministry"
    history = find_claims(sentence(doc, "6,700 deaths"))
    assert [(c.field, c.value_low, c.qualifier) for c in history][0] == ("fatalities", 6701, "more than")


def test_peacekeepers_killed_pronoun_speaker(docs: dict[str, Doc]) -> None:
    doc = docs["000_c271fdd144f74993.txt"]
    claims = find_claims(sentence(doc, "several of their peacekeepers were killed"))
    assert [(c.field, c.category, c.value_low, c.value_high, c.speaker) for c in claims] == [
        ("fatalities", "peacekeepers", 3, 9, "Russian Defence Ministry")]


def test_years_dates_and_ages_are_not_counts() -> None:
    nlp = plain_pipeline()
    doc = nlp("Police said a 16-year-old was shot on March 9, 2013 at 11:30 p.m. and 46 people were "
              "arrested in 2013.")
    claims = [c for s in doc.sents for c in find_claims(s, published=date(2013, 3, 12))]
    assert [(c.field, c.value_low) for c in claims] == [("arrested", 46)]
    assert claims[0].speaker == "Police"


def test_gold_claim_recall(shared_seeds: Path, shared_data: Path) -> None:
    counts = evaluate_claims(shared_seeds.parent, only="ecbplus")
    seeds = [json.loads(x) for x in (shared_seeds / "gold_events.jsonl").read_text().splitlines()]
    assert len(seeds) == 2
    assert counts["gold_numeric"] > 200
    # measured 0.806 (value+speaker+hedge) and 0.977 (value) when written
    assert counts["value_speaker_hedge"] / counts["gold_numeric"] >= 0.75
    assert counts["value"] / counts["gold_numeric"] >= 0.9
    demo = evaluate_claims(shared_seeds.parent, only="seeds")
    # both casualty accounts of the demo articles, with value range, speaker and hedge
    assert demo["gold_numeric"] == demo["value_speaker_hedge"] == 10


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        # ECB+ style sentences (written for this test)
        ("The navy said it captured 12 Somali and 11 Yemeni pirates on Saturday.", "arrested", 23),
        ("Five troops, 19 civilians, killed in east Ukraine: officials", "fatalities", 24),
        ("The blast killed a police officer and a bomb technician.", "fatalities", 2),
        ("Police said two women and one man died in the fire.", "fatalities", 3),
        ("Gray was shot and killed on Saturday night.", "fatalities", 1),
        ("The crowd dispersed and no injuries were reported.", "injured", 0),
        ("A police officer suffered a gash in the face.", "injured", 1),
        # a toll's new value: the subject of "rose to", "stood at" (l3s-gn1 pages)
        ("\"The death toll has risen to 10 and there are about 50 injured people,\" the home minister said.",
         "fatalities", 10),
        ("By Friday night, the Gaza death toll stood at 34, including at least 10 civilians.", "fatalities", 34),
        ("The number of people killed in the strike has climbed to 31, the ministry said.", "fatalities", 31),
        # the small parser makes the victims the subject of the participle after them (written for this test)
        ("An Israeli air strike killed 11 Palestinians sheltering in tents, medics said.", "fatalities", 11),
    ],
)
def test_implied_and_summed_counts(text: str, field: str, value: int) -> None:
    doc = plain_pipeline()(text)
    claims = [c for s in doc.sents for c in find_claims(s) if c.field == field and "sub-count" not in c.flags]
    assert [(c.value_low, c.value_high) for c in claims] == [(value, value)]


def test_plural_victims_without_number_are_not_counted() -> None:
    doc = plain_pipeline()("Gunmen killed villagers and abducted their children.")
    assert [c for s in doc.sents for c in find_claims(s)] == []


def test_ged_headline_figures(shared_data: Path) -> None:
    g = evaluate_ged_figures(shared_data.parent)
    assert g["with_figure"] > 300
    # measured 0.75 when written (GED also splits reports by place/day, so 1.0 is not reachable)
    assert g["contains_best"] / g["with_figure"] >= 0.68


def test_casualties_without_a_number(docs: dict[str, Doc]) -> None:
    doc = docs["002_97d02d094a504605.txt"]
    claims = find_claims(sentence(doc, "reported casualties among its peacekeeping contingent"))
    uncounted = [c for c in claims if "no-count" in c.flags]
    assert len(uncounted) == 1
    c = uncounted[0]
    assert (c.field, c.value_low, c.value_high, c.value_best) == ("fatalities", None, None, None)
    assert c.category == "peacekeepers" and "ambiguous-casualties" in c.flags
    assert c.text == "casualties among its peacekeeping contingent"
    assert c.speaker == "Russian Defence Ministry" and c.hedge == "reported"


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        # sentences written for this test, in the forms ordinary news uses
        ("The new law covers records held by about 80,000 public bodies.", "not-a-person"),
        ("Officials warned that two million people could die of hunger next year.", "projection"),
        ("More than 4,000 people have been killed in the insurgency since 2011.", "aggregate"),
        ("Some 900 civilians were killed over the past year in the province.", "aggregate"),
        # from a real l3s-gn1 page (144b919c...): a toll over decades, a month's toll of several attacks
        ("Up to 200,000 people are estimated to have been killed in Algeria since 1992, when an insurgency erupted.",
         "aggregate"),
        ("Close to 50 people were killed in militant attacks in Algeria in December, the last of which was in the "
         "Boumerdes area on 26 December.", "aggregate"),
        # the demo: counts of places and groups, not of people
        ("Several settlements, including the capital Stepanakert, came under artillery fire.", "not-a-person"),
        ("Wednesday's protest was organised by several opposition groups.", "not-a-person"),
        # ECB+ 12_2ecbplus: boats captured are not people arrested
        ("After a brief skirmish, three boats were captured by INS Sukanya, the statement said.", "not-a-person"),
    ],
)
def test_counts_that_are_not_figures_of_this_event(text: str, flag: str) -> None:
    claims = [c for s in plain_pipeline()(text).sents for c in find_claims(s)]
    assert claims and all(flag in c.flags and not c.is_event_figure for c in claims)


@pytest.mark.parametrize(
    "text",
    [
        "Police found four dead bodies near the bridge on Sunday.",
        "Rescuers recovered 12 bodies from the rubble.",
        "Two soldiers were killed on Tuesday, bringing the number killed since 2014 to 300.",
    ],
)
def test_counts_of_this_event_stay_figures(text: str) -> None:
    claims = [c for s in plain_pipeline()(text).sents for c in find_claims(s) if c.field == "fatalities"]
    assert claims and claims[0].is_event_figure


@pytest.mark.parametrize(
    "text",
    [
        # ECB+ topic 8 (Athens bank fire), as the corpus writes it and with the commas
        "The three bank workers a man and two women died in the blaze.",
        "Three bank workers, a man and two women, died in the blaze.",
        # ECB+ 8_4ecbplus: an open count and its members
        "Police said at least three people, a man and two women, were killed in the fire-bomb attack.",
    ],
)
def test_a_count_naming_the_members_of_a_larger_one_is_part_of_it(text: str) -> None:
    claims = [c for s in plain_pipeline()(text).sents for c in find_claims(s) if c.field == "fatalities"]
    totals = [c for c in claims if "sub-count" not in c.flags]
    assert [c.value_low for c in totals] == [3]
    assert [c.value_low for c in claims if "sub-count" in c.flags] == [2]
