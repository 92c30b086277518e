"""Claims stage: disagreeing figures give low/best/high and a dispute flag, never an average."""

from __future__ import annotations

import datetime as dt

from eventwire.mentions.counts import find_claims
from eventwire.model import Event, EventMention, Evidence
from eventwire.pipeline import plain_pipeline
from eventwire.reconcile import Source, attach_figures, sourced_claims, summarise

OC = "Dozens of people are confirmed to have been killed and hundreds wounded, with the true cost still being counted."
AP = ("Gegham Stepanyan, the human rights ombudsman for Nagorno-Karabakh, reported a minimum of 200 casualties, "
      "including 10 civilians, with over 400 others injured.")


def _claims(text: str, article_id: str, outlet: str):
    sent = next(plain_pipeline()(text).sents)
    return find_claims(sent, article_id=article_id, outlet=outlet, published=dt.date(2023, 9, 20))


def _sourced(text: str, article_id: str, outlet: str):
    """The claims of one sentence as reconciliation reads them (the sentence is its mention's evidence)."""
    m = EventMention(article_id=article_id, event_type="Battles", sub_event_type="Armed clash",
                     evidence=(Evidence(text, 0, len(text)),), claims=tuple(_claims(text, article_id, outlet)))
    return sourced_claims(m, Source(article_id, outlet=outlet, origin=article_id), [])


def test_two_outlets_disagree_on_fatalities() -> None:
    oc = [c for c in _sourced(OC, "oc", "OC Media") if c.field == "fatalities"]
    # "a minimum of 200 casualties ... with over 400 others injured": casualties next to injured are deaths
    ap = [c for c in _sourced(AP, "ap", "BNB") if c.field == "fatalities"]
    s = summarise("fatalities", oc + ap)
    assert s.disputed  # "dozens" (24..99) and "a minimum of 200" cannot both be right
    # "dozens" is 24..99 literally, best its low end; the range also holds ACLED's 12 (one rule in every view)
    assert (s.low, s.best, s.acled) == (12, 24, 12) and s.high >= 200
    assert s.low <= s.best <= s.high
    assert len(s.claim_ids) == len(oc) + len(ap)


def test_sub_count_is_not_a_rival_total() -> None:
    ap = [c for c in _sourced(AP, "ap", "BNB") if c.field == "fatalities"]
    assert any("sub-count" in c.flags for c in ap)
    s = summarise("fatalities", ap)
    assert not s.disputed
    assert s.best == 200


def test_event_gets_figures_from_its_mentions() -> None:
    claims = tuple(_claims(OC, "oc", "OC Media"))
    m = EventMention(article_id="oc", event_type="Battles", sub_event_type="Armed clash",
                     evidence=(Evidence(OC, 0, len(OC)),), claims=claims)
    e = Event(id="e1", event_type="Battles", sub_event_type="Armed clash", mention_ids=(m.id,), article_ids=("oc",))
    [out] = attach_figures([e], [m])
    fields = {f.field: f for f in out.figures}
    # ACLED's own fatalities column takes its convention ("dozens" = 12), and the range holds it: 12-99
    assert out.fatalities == 12 and (out.fatalities_low, fields["fatalities"].best, out.fatalities_high) == (12, 24, 99)
    # "hundreds": 200-999 in words, 100 for ACLED
    assert (fields["injured"].low, fields["injured"].best, fields["injured"].high) == (100, 200, 999)
    assert out.sources == ("OC Media",)
