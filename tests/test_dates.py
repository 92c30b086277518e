"""Date resolution against the publication date and the tense, on the demo articles."""

from __future__ import annotations

from datetime import date

import pytest
from spacy.tokens import Doc

from eventwire.mentions.dates import all_dates, resolve_date, story_date, weekday_date
from eventwire.pipeline import plain_pipeline
from spans import first_sentence, sentence

OC_PUBLISHED = date(2023, 9, 20)  # a Wednesday
AP_PUBLISHED = date(2023, 9, 21)


def test_weekday_arithmetic() -> None:
    assert weekday_date("Tuesday", OC_PUBLISHED, "past") == date(2023, 9, 19)
    assert weekday_date("Wednesday", OC_PUBLISHED, "past") == date(2023, 9, 20)
    assert weekday_date("Thursday", OC_PUBLISHED, "future") == date(2023, 9, 21)
    assert weekday_date("Thursday", OC_PUBLISHED, "past") == date(2023, 9, 14)


@pytest.mark.parametrize(
    ("words", "day", "tense"),
    [
        ("Azerbaijani forces launched a massive assault", date(2023, 9, 19), "past"),
        ("would be discussed at a meeting in the central Azerbaijani city", date(2023, 9, 21), "future"),
        ("ready for tomorrow’s ‘initial contact’", date(2023, 9, 21), "future"),
        ("On Wednesday afternoon, thousands of people gathered in Yerevan", date(2023, 9, 20), "past"),
    ],
)
def test_oc_media_dates(docs: dict[str, Doc], words: str, day: date, tense: str) -> None:
    r = resolve_date(sentence(docs["000_c271fdd144f74993.txt"], words), OC_PUBLISHED)
    assert (r.date, r.precision, r.tense) == (day, 1, tense)


def test_ap_future_thursday_and_previous_day(docs: dict[str, Doc]) -> None:
    doc = docs["002_97d02d094a504605.txt"]
    talks = resolve_date(sentence(doc, "negotiations would commence on Thursday"), AP_PUBLISHED)
    assert talks.date == date(2023, 9, 21) and talks.tense == "future"
    # "On the preceding day" relative to the main event (Wednesday 20 Sept) given as default
    strike = resolve_date(sentence(doc, "On the preceding day"), AP_PUBLISHED, default=date(2023, 9, 20))
    assert strike.date == date(2023, 9, 19) and strike.evidence == "the preceding day"


def test_history_years_are_ranges(docs: dict[str, Doc]) -> None:
    s = sentence(docs["002_97d02d094a504605.txt"], "since hostilities first erupted")
    (r,) = all_dates(s, AP_PUBLISHED)
    assert (r.date, r.date_end, r.precision) == (date(1990, 1, 1), date(1999, 12, 31), 3)
    # the 1990s date the enclave's history, not what the officials proclaimed this week
    main = resolve_date(s, AP_PUBLISHED, default=AP_PUBLISHED, context=False)
    assert (main.date, main.precision) == (AP_PUBLISHED, 2)


def test_date_of_a_described_noun_does_not_date_the_sentence(docs: dict[str, Doc]) -> None:
    # "... has accepted Azerbaijan's terms ..., following an offensive ... that began on Tuesday"
    s = sentence(docs["000_c271fdd144f74993.txt"], "has accepted Azerbaijan’s terms")
    r = resolve_date(s, OC_PUBLISHED, default=OC_PUBLISHED, context=False)
    assert (r.date, r.precision) == (OC_PUBLISHED, 2)
    assert [d.date for d in all_dates(s, OC_PUBLISHED)] == [date(2023, 9, 19)]


def test_a_day_after_a_participle_describing_a_noun_dates_the_sentence() -> None:
    """The parser hangs "on Wednesday" on the nearest verb, a participle describing the school or the bus ("a
    school sheltering displaced people"): it describes a state, the day is the sentence's own, whatever the
    story's day (written for this test). A finite clause describing a noun ("an offensive that began on Tuesday")
    keeps its day for its noun (above)."""
    wednesday = date(2026, 11, 18)
    s = first_sentence("The army killed at least 22 people in an airstrike on a school sheltering displaced people "
                       "in Deir al-Balah on Wednesday, according to medical sources.")
    for default in (wednesday, date(2026, 11, 20)):
        r = resolve_date(s, wednesday, default=default, context=False)
        assert (r.date, r.precision, r.evidence) == (wednesday, 1, "Wednesday")
    bus = first_sentence("Gunmen opened fire on a bus carrying workers near Quetta on Wednesday, killing three.")
    r = resolve_date(bus, date(2020, 6, 5), default=date(2020, 6, 5), context=False)
    assert (r.date, r.precision) == (date(2020, 6, 3), 1)


def test_story_day_is_the_fallback(docs: dict[str, Doc]) -> None:
    # AP rewrite published Thursday 21 Sept; Aliyev's address names no day, the story's
    # last named day is Wednesday (the lead sentence)
    s = sentence(docs["002_97d02d094a504605.txt"], "In a nationally televised address")
    assert story_date(s, AP_PUBLISHED) == date(2023, 9, 20)
    r = resolve_date(s, AP_PUBLISHED, default=AP_PUBLISHED)
    assert (r.date, r.precision, r.evidence) == (date(2023, 9, 20), 1, "context: Wednesday")
    off = resolve_date(s, AP_PUBLISHED, default=AP_PUBLISHED, context=False)
    assert (off.date, off.precision, off.evidence) == (AP_PUBLISHED, 2, "")


@pytest.mark.parametrize(
    ("text", "start", "end", "precision"),
    [
        ("Clashes continued from Monday to Wednesday in the north.", date(2023, 9, 18), date(2023, 9, 20), 1),
        ("Protests were held between 1 and 3 May in the capital.", date(2023, 5, 1), date(2023, 5, 3), 1),
        ("Gunmen attacked a village on 19 September.", date(2023, 9, 19), None, 1),
        ("Gunmen attacked a village on September 19, 2022.", date(2022, 9, 19), None, 1),
        ("Troops shelled the town yesterday.", date(2023, 9, 19), None, 1),
        ("Dozens were arrested last week.", date(2023, 9, 11), date(2023, 9, 17), 2),
        ("Fighting broke out earlier this month.", date(2023, 9, 1), date(2023, 9, 20), 3),
    ],
)
def test_written_sentences(text: str, start: date, end: date | None, precision: int) -> None:
    r = resolve_date(first_sentence(text), OC_PUBLISHED)
    assert (r.date, r.date_end, r.precision) == (start, end, precision)


def test_no_date_falls_back_to_default() -> None:
    s = first_sentence("Rebels attacked an army post.")
    assert resolve_date(s, OC_PUBLISHED, default=date(2023, 9, 19)) == resolve_date(
        s, OC_PUBLISHED, default=date(2023, 9, 19))
    r = resolve_date(s, OC_PUBLISHED, default=date(2023, 9, 19))
    assert (r.date, r.precision, r.evidence) == (date(2023, 9, 19), 2, "")
    assert resolve_date(s, OC_PUBLISHED).date is None


def test_previous_day_counts_from_the_story_day(docs: dict[str, Doc]) -> None:
    # "On the preceding day" in the AP rewrite: the story's Wednesday (20 Sept) is named two
    # sentences earlier; the planned Thursday talks in between are no anchor.
    doc = docs["002_97d02d094a504605.txt"]
    r = resolve_date(sentence(doc, "On the preceding day"), AP_PUBLISHED, default=AP_PUBLISHED)
    assert r.date == date(2023, 9, 19)
    nlp = plain_pipeline()
    doc2 = nlp("Protesters marched on Monday. The previous day, police arrested 12 people.")
    second = list(doc2.sents)[1]
    assert resolve_date(second, OC_PUBLISHED).date == date(2023, 9, 17)


def test_speech_date_bounds_the_event(docs: dict[str, Doc]) -> None:
    # "The Russian Defence Ministry said on Wednesday evening that several of their
    # peacekeepers were killed": Wednesday dates the statement; the killing is that week.
    s = sentence(docs["000_c271fdd144f74993.txt"], "The Russian Defence Ministry said on Wednesday")
    r = resolve_date(s, OC_PUBLISHED, default=OC_PUBLISHED)
    assert (r.date, r.precision, r.evidence) == (date(2023, 9, 20), 2, "Wednesday")


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("Updated : November 11 , 2011 20 : 09 IST\nNavy foils Somali pirate attack off Gulf of Aden",
         date(2011, 11, 11), None),
        ("One day after Wednesday 's massive general strike , riots continued in Athens .",
         date(2008, 12, 11), date(2008, 12, 11)),
    ],
)
def test_timestamps_and_day_offsets(text: str, published: date, expected: date | None) -> None:
    assert resolve_date(first_sentence(text), published).date == expected


@pytest.mark.parametrize(
    ("text", "start", "end", "precision"),
    [
        ("Elections will be held next month.", date(2023, 10, 1), date(2023, 10, 31), 3),
        ("Talks will resume next week.", date(2023, 9, 25), date(2023, 10, 1), 2),
        ("At least 70 people have been hurt over the past eight days.", date(2023, 9, 12), date(2023, 9, 20), 2),
        ("Rebels took the town last month.", date(2023, 8, 1), date(2023, 8, 31), 3),
    ],
)
def test_relative_periods(text: str, start: date, end: date, precision: int) -> None:
    r = resolve_date(first_sentence(text), OC_PUBLISHED)
    assert (r.date, r.date_end, r.precision) == (start, end, precision)


def test_no_year_and_no_publication_date_leaves_the_date_empty(shared_data) -> None:
    """A 2005 BBC text without a publication date names a strike on "23 March": the year cannot
    be known, so the date stays empty with the words as evidence (it was 23 March of the year the
    code ran)."""
    path = shared_data / "bbc-news" / "bbc" / "politics" / "069.txt"
    doc = plain_pipeline()(path.read_text(encoding="utf-8"))
    [sent] = [s for s in doc.sents if "earmarked for 23 March" in s.text]
    r = resolve_date(sent, None)
    assert r.date is None and r.date_end is None and r.precision == 3
    assert r.evidence == "23 March"


def test_year_in_the_words_still_dates_without_publication(docs: dict[str, Doc]) -> None:
    nlp = plain_pipeline()
    sent = next(nlp("Unions held a one-day strike on 23 March 2005 across the country.").sents)
    r = resolve_date(sent, None)
    assert (r.date, r.precision, r.evidence) == (date(2005, 3, 23), 1, "23 March 2005")


def test_an_event_named_with_a_day_of_its_own(docs: dict[str, Doc]) -> None:
    from eventwire.mentions.dates import dated_phrases

    sent = sentence(docs["000_c271fdd144f74993.txt"], "following a similar protest the previous day")
    found = dated_phrases(sent, OC_PUBLISHED, default=OC_PUBLISHED)
    assert [(d.date, p.root.lower_) for d, p in found] == [(date(2023, 9, 19), "protest")]
    # the main clause's own day is not another event's
    assert dated_phrases(sentence(docs["000_c271fdd144f74993.txt"], "Azerbaijani forces launched a massive assault"),
                         OC_PUBLISHED) == []


def test_a_sentence_later_in_the_text_does_not_take_the_day_of_the_sentences_after_it(docs: dict[str, Doc]) -> None:
    """ "The agreement follows 24 hours of intense fighting" names no day; the assault "on Tuesday" told two
    sentences on is another event: past the lead, such a sentence keeps the story's day."""
    sent = sentence(docs["000_c271fdd144f74993.txt"], "The agreement follows 24 hours")
    r = resolve_date(sent, OC_PUBLISHED, default=OC_PUBLISHED)
    assert (r.date, r.precision) == (OC_PUBLISHED, 2)


# --------------------------------------------------------------------------- ECB+ articles (train topics)


def _ecb(shared_data, doc_id: str) -> tuple[Doc, date]:
    """An ECB+ development article, detokenised and parsed, with the publication date its gold coding gives."""
    from eventwire.evaluation.ecb import gold_published, load_ecb

    [d] = [d for d in load_ecb(shared_data) if d.id == doc_id]
    return plain_pipeline()(d.text), gold_published(shared_data)[doc_id]


def test_a_line_holding_only_a_date_is_the_pages_date_not_the_events(shared_data) -> None:
    """A blog repost opens with "Friday, November 11, 2011" on a line of its own: the day it was posted. The
    sentence the parser glues to it tells of "a multiple-boat piracy attack on 10 Nov 11", the day before."""
    doc, published = _ecb(shared_data, "12_9ecbplus.xml")
    first = next(iter(doc.sents))
    assert first.text.startswith("Friday, November 11, 2011\n")
    r = resolve_date(first, published)
    assert (r.date, r.precision, r.evidence) == (date(2011, 11, 10), 1, "10 Nov")


@pytest.mark.parametrize(
    ("doc_id", "words"),
    [("19_8ecbplus.xml", "turned into a riot in Brooklyn tonight"),
     ("19_6ecbplus.xml", "Tonight was a peaceful vigil that devolved into a riot")],
)
def test_tonight_in_a_text_published_in_the_small_hours_is_the_evening_before(shared_data, doc_id: str,
                                                                             words: str) -> None:
    """"PUBLISHED: 02:31 GMT, 12 March 2013" (a London outlet) and "Published time: March 12, 2013 02:03" tell of
    a riot in Brooklyn "tonight": the evening of 11 March, the day the gold codes, not the stamp's day."""
    doc, published = _ecb(shared_data, doc_id)
    assert published == date(2013, 3, 12)
    [sent] = [s for s in doc.sents if words in s.text]
    assert resolve_date(sent, published).date == date(2013, 3, 11)


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [("PUBLISHED: 02:31 GMT, 12 March 2013", date(2013, 3, 11)),
     ("PUBLISHED: 14:31 GMT, 12 March 2013", date(2013, 3, 12)),
     ("Posted 11:40 p.m. ET, March 12, 2013", date(2013, 3, 12)),
     ("Posted 1:15 a.m. ET, March 12, 2013", date(2013, 3, 11)),
     # a stamp of another day (a later version's) says nothing of this one's writing
     ("PUBLISHED: 02:31 GMT, 13 March 2013", date(2013, 3, 12))],
)
def test_the_day_today_and_tonight_mean(stamp: str, expected: date) -> None:
    doc = plain_pipeline()(f"{stamp}\nProtesters clashed with police tonight.")
    [sent] = [s for s in doc.sents if "tonight" in s.text]
    assert resolve_date(sent, date(2013, 3, 12)).date == expected


def test_the_day_an_event_was_announced_does_not_date_the_event(shared_data) -> None:
    """"Greek students announced new rallies on Sunday after another night of violence": Sunday is when the rallies
    were made known; the violence is the night before, which the next sentence names ("on Saturday night")."""
    doc, published = _ecb(shared_data, "19_11ecb.xml")
    [sent] = [s for s in doc.sents if "announced new rallies on Sunday" in s.text]
    r = resolve_date(sent, published)
    assert (r.date, r.precision) == (date(2008, 12, 13), 2)


def test_an_announced_state_of_affairs_keeps_the_announcement_day(docs: dict[str, Doc]) -> None:
    """"Azerbaijan announced its total sovereignty over ... Nagorno-Karabakh on Wednesday" is that day's news."""
    sent = sentence(docs["002_97d02d094a504605.txt"], "Azerbaijan announced its total sovereignty")
    r = resolve_date(sent, AP_PUBLISHED)
    assert (r.date, r.precision) == (date(2023, 9, 20), 1)


def test_a_time_in_the_prose_is_no_stamp_of_the_text() -> None:
    doc = plain_pipeline()("Rioters clashed with police tonight, according to a report published at 2.30 on "
                           "12 March 2013 by the council.")
    assert resolve_date(next(iter(doc.sents)), date(2013, 3, 12)).date == date(2013, 3, 12)
