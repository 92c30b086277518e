"""Attribution and hedging on real sentences of the demo articles and on sentences we wrote."""

from __future__ import annotations

import pytest
from spacy.tokens import Doc

from eventwire.mentions.attribution import attribution, hedge_of_following, normalise_speaker
from eventwire.pipeline import plain_pipeline
from spans import first_sentence, sentence


def test_apposition_gives_speaker_and_role(docs: dict[str, Doc]) -> None:
    a = attribution(sentence(docs["002_97d02d094a504605.txt"], "Gegham Stepanyan"))
    assert a.speaker == "Gegham Stepanyan"
    assert a.role == "human rights ombudsman for Nagorno-Karabakh"
    assert a.hedge == "unverified"  # from the following sentence


def test_according_to_with_title(docs: dict[str, Doc]) -> None:
    a = attribution(sentence(docs["002_97d02d094a504605.txt"], "according to White House"))
    assert (a.speaker, a.role) == ("John Kirby", "White House national security spokesman")


def test_possessive_ministry_is_normalised(docs: dict[str, Doc]) -> None:
    ap = attribution(sentence(docs["002_97d02d094a504605.txt"], "Russia’s Defense Ministry reported"))
    oc = attribution(sentence(docs["000_c271fdd144f74993.txt"], "The Russian Defence Ministry said"))
    assert ap.speaker == oc.speaker == "Russian Defence Ministry"


def test_pronoun_takes_previous_speaker(docs: dict[str, Doc]) -> None:
    a = attribution(sentence(docs["000_c271fdd144f74993.txt"], "They stated that they did not know"))
    assert a.speaker == "Russian Defence Ministry"


def test_unattributed_is_the_outlet(docs: dict[str, Doc]) -> None:
    a = attribution(sentence(docs["000_c271fdd144f74993.txt"], "Dozens of people are confirmed"))
    assert a.speaker == "the outlet" and a.hedge == "confirmed"


@pytest.mark.parametrize(
    ("text", "hedge"),
    [
        ("Three soldiers were reportedly killed near the border.", "reported"),
        ("There were reports that troops had advanced into the town.", "reported"),
        ("The rebels claimed they shot down a helicopter.", "claimed"),
        ("The army denied that any civilians were killed.", "denied"),
        ("The figures could not be independently verified.", "unverified"),
        ("Officials confirmed that 12 people died.", "confirmed"),
        ("Police said 40 people were arrested.", "reported"),
    ],
)
def test_hedge_vocabulary(text: str, hedge: str) -> None:
    assert attribution(first_sentence(text)).hedge == hedge


def test_hedge_of_following_only_for_verification_notes(docs: dict[str, Doc]) -> None:
    doc = docs["002_97d02d094a504605.txt"]
    assert hedge_of_following(sentence(doc, "His data has not yet been")) == "unverified"
    assert hedge_of_following(sentence(doc, "3,100 civilians")) is None


def test_normalise_speaker() -> None:
    assert normalise_speaker("Russia 's Defense Ministry") == "Russian Defence Ministry"
    assert normalise_speaker("the Indian Navy") == "Indian Navy"


def test_figure_inside_a_quotation_takes_the_quote_speaker() -> None:
    # ECB+ style tokenised quotation spanning several sentences (written for this test)
    doc = plain_pipeline()(
        "Anna Pavlidou manages a phone store in Athens .\n"
        "`` The government should resign .\nIf it had acted , we would n't have 355 damaged shops .\n"
        "We will not open until Christmas . '' she said .")
    from eventwire.mentions.counts import find_claims

    claims = [c for s in doc.sents for c in find_claims(s)]
    assert [(c.value_low, c.speaker) for c in claims] == [(355, "Anna Pavlidou")]


def test_honorifics_are_not_part_of_the_name() -> None:
    assert normalise_speaker("Professor Varoufakis") == "Varoufakis"
    assert normalise_speaker("Dr. Jane Smith") == "Jane Smith"
