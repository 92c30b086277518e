"""The event word the mentions stage hands the locator (real spaCy model)."""

from __future__ import annotations

import pytest

from eventwire.mentions.trigger import event_trigger
from eventwire.pipeline import plain_pipeline


@pytest.fixture(scope="module")
def nlp():
    return plain_pipeline()


def test_event_word_not_the_speech_verb(nlp) -> None:
    sent = next(nlp("Police said gunmen shelled the village of Marinka on Tuesday.").sents)
    tok = event_trigger(sent)
    assert tok is not None and tok.lower_ == "shelled"


def test_event_noun_and_no_event(nlp) -> None:
    sent = next(nlp("Two people died in an explosion near the market in Kabul.").sents)
    tok = event_trigger(sent)
    assert tok is not None and tok.lower_ in {"died", "explosion"}
    assert event_trigger(next(nlp("The weather in Kabul was sunny.").sents)) is None


def test_a_month_is_no_march(nlp) -> None:
    """"On 12 March" once made the month the event word (the protest cue "march"), and with it the locator
    found no place near the deed and fell back to a country."""
    from eventwire.mentions.trigger import names_event_kind

    sent = next(nlp("On 12 March 2019, Azerbaijani forces fired at the positions of the Armenian military near "
                    "the village of Chinari (Tavush) using small arms.").sents)
    tok = event_trigger(sent)
    assert tok is not None and tok.lower_ == "fired"
    assert not names_event_kind("On 12 March 2019, five people were killed.")
    assert names_event_kind("Thousands marched to parliament in March.")
