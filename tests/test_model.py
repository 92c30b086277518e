"""The shared data model: records round-trip through their JSON form; ids are stable."""

from __future__ import annotations

import datetime as dt

from eventwire.model import Claim, EventMention, Evidence, Place, from_dict, stable_id, to_dict


def test_mention_round_trips_through_json_form() -> None:
    ev = Evidence("Dozens of people are confirmed to have been killed", 10, 60)
    claim = Claim(field="fatalities", text="Dozens of people", evidence=ev, value_low=24, value_high=99,
                  value_best=12, hedge="confirmed", flags=("vague",))
    m = EventMention(article_id="a", event_type="Battles", sub_event_type="Armed clash", evidence=(ev,),
                     event_date=dt.date(2023, 9, 19), claims=(claim,),
                     place=Place("Stepanakert", 39.8153, 46.7519, alt_names=("Khankendi",)))
    d = to_dict(m)
    assert d["event_date"] == "2023-09-19"
    assert d["claims"][0]["flags"] == ["vague"]
    back = from_dict(EventMention, d)
    assert back == m
    assert back.id == m.id


def test_stable_id_depends_on_every_part() -> None:
    assert stable_id("a", "x", 1) == stable_id("a", "x", 1)
    assert stable_id("a", "x", 1) != stable_id("a", "x", 2)
    assert stable_id("a", "x", None) != stable_id("a", "xNone")
