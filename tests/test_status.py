"""Event status (occurred/background/planned/denied/opinion) on the demo articles."""

from __future__ import annotations

from datetime import date

import pytest
from spacy.tokens import Doc

from eventwire.mentions.status import sentence_status, status_cues
from eventwire.pipeline import plain_pipeline

PUBLISHED = {"000_c271fdd144f74993.txt": date(2023, 9, 20), "002_97d02d094a504605.txt": date(2023, 9, 21)}


def status_of(docs: dict[str, Doc], name: str, words: str) -> str:
    s = next(s for s in docs[name].sents if words in s.text)
    return sentence_status(s, PUBLISHED[name])


OC = "000_c271fdd144f74993.txt"
AP = "002_97d02d094a504605.txt"


@pytest.mark.parametrize(
    ("name", "words", "expected"),
    [
        (OC, "Azerbaijani forces launched a massive assault", "occurred"),
        (OC, "Dozens of people are confirmed", "occurred"),
        (OC, "thousands of people gathered in Yerevan", "occurred"),
        (OC, "would be discussed at a meeting", "planned"),
        (OC, "Armenia has denied any military presence", "denied"),
        (OC, "9-month blockade", "background"),
        (OC, "have warned that Azerbaijan may attempt", "opinion"),
        (OC, "was ‘unnecessary’", "opinion"),
        (AP, "During a six-week conflict in 2020", "background"),
        (AP, "That conflict resulted in more than 6,700 deaths", "background"),
        # the AP rewrite's main event: the 1990s sit in a relative clause about the enclave
        (AP, "since hostilities first erupted in the early 1990s", "occurred"),
        (AP, "Pashinyan, who has formerly acknowledged", "occurred"),
        (AP, "scheduled an emergency meeting on Thursday", "planned"),
        (AP, "Gegham Stepanyan", "occurred"),
        (AP, "3,100 civilians had been evacuated", "occurred"),
        # a term of the deal: what it stipulates has not happened
        (OC, "It also stipulated the withdrawal", "planned"),
    ],
)
def test_demo_statuses(docs: dict[str, Doc], name: str, words: str, expected: str) -> None:
    assert status_of(docs, name, words) == expected


def test_denial_of_history_has_both_cues(docs: dict[str, Doc]) -> None:
    s = next(s for s in docs[OC].sents if "Armenia has denied" in s.text)
    assert status_cues(s, PUBLISHED[OC]) == {"denied", "background"}


def test_recent_date_keeps_event_despite_old_year() -> None:
    nlp = plain_pipeline()
    s = next(iter(nlp("Fighting on Tuesday was the worst since the 2020 war.").sents))
    assert sentence_status(s, date(2023, 9, 20)) == "occurred"


@pytest.mark.parametrize(("text", "expected"), [
    # a plan told of a participant leaves the deed standing (event-location atrocities sentences, train part)
    ("Seven pilgrims planning to join the rally were shot dead in a Sunni neighborhood.", "occurred"),
    ("An Ecuadorean indigenous leader was slain just days before he planned to travel to U.N. climate talks in "
     "Peru to protest a Chinese-owned open-pit mine.", "occurred"),
    # a plan told of the event itself is still a plan
    ("Opposition groups called for a protest scheduled for Friday.", "planned"),
    ("Protesters plan to rally in the capital on Sunday.", "planned"),
    ("Troops will be deployed to the border.", "planned"),
])
def test_a_plan_of_a_participant_is_not_a_plan_of_the_deed(text: str, expected: str) -> None:
    doc = plain_pipeline()(text)
    assert sentence_status(next(doc.sents), date(2020, 1, 1)) == expected


def test_a_plan_the_deed_is_about_is_not_a_plan_of_the_deed() -> None:
    # event-location demonstration sentence (train part): the protest happened; the plan is what it opposed
    text = ("Tens of thousands of people demonstrated in five French cities on Saturday against plans to build a "
            "so-called \"third-generation\" nuclear reactor.")
    doc = plain_pipeline()(text)
    assert sentence_status(next(doc.sents), date(2020, 1, 1)) == "occurred"
    doc = plain_pipeline()("The army announced plans to deploy troops to the border.")
    assert sentence_status(next(doc.sents), date(2020, 1, 1)) == "planned"
