"""Within one article, the same event told several times is one mention.

An article tells its main event in the lede, again in the body ("Just before 13:00, the authorities in
Stepanakert said they had accepted a ceasefire ..."), and names it in passing later. Those sentences
become one mention carrying every evidence sentence and every claim, when they agree on what
happened (the same sub-type and status), when (the same day, however precisely each sentence dates
it), where (the same place, a place inside the other's region, or a place only borrowed from the
article's focus) and who (actors of the same countries or groups, when both name any).

Two more rules read how the article refers to its events:

- **A reference back** ("the attack", "the bombing", "the ceasefire agreement", "Wednesday's protest")
  is the event already told of that family, whatever sub-type, day or place its own sentence suggests
  ("A suicide bomber blew himself up in the attack" after "Wednesday's deadly bomb attack"); the first
  telling keeps its date, place and actors, and the sub-type is the one read most confidently.
- **A new incident** ("two police officers were killed in a remotely detonated bombing", "another
  attack", "in two suicide attacks") with casualty figures of its own, not the ones of the event before
  it, is a second event, not that event told again.

A reference back names its family by its noun, whatever the sentence was typed as: "The strike on Wednesday
hit classrooms", read alone as a labour strike, is the air strike told before (unless the sentence names a
deed of its own kind too: "a vigil after the shooting"). And one article's violence is told in several
sentences that a model reading each alone types differently; two of them join as one event, on the same day
and place and with no new incident or casualty figures of the later one's own, when the later one is

- a party's account of its own deed ("The Israeli military said it struck a senior militant", after "An
  Israeli strike hit a tent camp ..., killing 11"): the account's spot may be a camp by the town named before;
- or names no one who acted ("Witnesses said two missiles struck the upper floor").

Where and who then stay the first telling's: the later sentence's roles were read for another kind of event.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence

from eventwire.geodesy import distance_km
from eventwire.mentions.dates import CONTEXT_PREFIX
from eventwire.model import Claim, EventMention, Place, actor_side, event_family

FOCUS = "article focus: "
# An account may name the spot ("a tent camp in Muwasi") where the telling before it named the town by it
ACCOUNT_KM = 15.0


def _sides(m: EventMention) -> set[str]:
    return {actor_side(a) for a in (m.actor1, m.actor2) if a}


def _borrowed(p: Place) -> bool:
    return p.evidence.startswith(FOCUS)


def _same_place(a: Place | None, b: Place | None) -> bool:
    if a is None or b is None or _borrowed(a) or _borrowed(b):
        return True  # a placeless sentence continues the story told around it
    if (a.gazetteer_name or a.name) == (b.gazetteer_name or b.name):
        return True
    if (a.feature == "country") != (b.feature == "country"):
        # a country named alone is often only who acted ("the Israeli military said it struck ..."): it
        # contradicts no town or region the other sentence names (as in merging across articles)
        return True
    if a.country and b.country and a.country != b.country:
        return False
    # "Stepanakert" inside "Nagorno-Karabakh": one of them is the region the other lies in
    coarse = {"admin1", "region", "country"}
    return bool((a.feature in coarse or b.feature in coarse) and a.admin1 and a.admin1 == b.admin1) or bool(
        (a.feature == "country" or b.feature == "country") and a.country == b.country)


def _same_day(a: EventMention, b: EventMention) -> bool:
    """Both undated, or dated to the same day: a sentence that names no day is dated to the story's day
    (with a coarser precision), and joins an event of that day, never one of the day before."""
    return a.event_date == b.event_date


# Event nouns by the family of sub-types they name (a reference back names its event by one of these).
_FAMILY_NOUNS = {
    # deeds, not the fighting around them: "the offensive" in a strike's sentence names the episode
    "violence": r"attack|bombing|bomb|blast|explosion|strike|airstrike|air strike|raid|assault|shooting|shelling|"
                r"bombardment|killing|ambush|massacre|incident|arrests?|detentions?",
    "demonstration": r"protests?|rally|demonstrations?|march|riots?|sit-in",
    "development": r"agreement|deal|ceasefire|cease-fire|truce|accord|pact",
}
_DEFINITE = (r"(?:[Tt]he|[Tt]his|[Tt]hat|[Tt]oday[’']s|[Yy]esterday[’']s"
             r"|(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day[’']s)")
_INDEFINITE = r"\b(?:[Aa]n?|[Aa]nother|[Aa] second|[Aa] separate|[Tt]wo|[Tt]hree|[Ff]our|[Ss]everal|[Mm]ultiple)"
_BACK = {f: re.compile(rf"\b{_DEFINITE}\s+(?:[\w-]+\s+){{0,2}}(?:{nouns})\b") for f, nouns in _FAMILY_NOUNS.items()}
_NEW = {f: re.compile(rf"{_INDEFINITE}\s+(?:[\w-]+\s+){{0,3}}(?:{nouns})s?\b") for f, nouns in _FAMILY_NOUNS.items()}
# words of each family's deeds, in any form ("protesting", "rallied"): a sentence that uses one tells a deed of
# that kind
_KIND_WORDS = {f: re.compile(rf"\b(?:{stems})", re.IGNORECASE) for f, stems in {
    "violence": r"attack|bomb|blast|explo|strike|struck|airstrike|raid|assault|shoot|shot|shell|kill|ambush|clash|fire|"
                r"arrest|detain|detention|seiz|captur|loot",
    "demonstration": r"protest|demonstrat|rall(?:y|ie)|march|riot|vigil|sit-in|gather",
    "development": r"agree|deal|ceasefire|cease-fire|truce|accord|pact",
}.items()}
_OWN_FIELDS = frozenset({"fatalities", "injured"})


def family(m: EventMention) -> str:
    """The family of sub-types a reference back may name (violence, demonstration, development)."""
    return event_family(m.event_type, m.sub_event_type)


def refers_back(m: EventMention) -> bool:
    """Its sentence names its deed as one already told ("the attack", "the ceasefire agreement")."""
    pattern = _BACK.get(family(m))
    return bool(pattern and m.evidence and pattern.search(m.evidence[0].text))


def referred_families(m: EventMention) -> list[str]:
    """The families of the deeds its sentence names as already told: its own when it names one of that family,
    else the others it names ("the strike" is violence whatever the sentence was typed as: read alone it may be
    a labour strike), unless it also tells a deed of its own kind."""
    if not m.evidence:
        return []
    own, text = family(m), m.evidence[0].text
    if own in _BACK and _BACK[own].search(text):
        return [own]
    if own in _KIND_WORDS and _KIND_WORDS[own].search(text):
        # it names a deed of its own kind too ("a vigil after the shooting"): not the other kind told again
        return []
    return [f for f in sorted(_BACK) if _BACK[f].search(text)]


# a sentence that opens by setting itself apart from what was told before
_APART = re.compile(
    r"^\W*(?:Separately|Elsewhere|In (?:a|another) (?:separate |similar )?(?:incident|attack|development))\b")


def new_incident(m: EventMention) -> bool:
    """Its sentence introduces its deed as a new one ("in a remotely detonated bombing", "another attack",
    "Separately, ...")."""
    if m.evidence and _APART.search(m.evidence[0].text):
        return True
    pattern = _NEW.get(family(m))
    return bool(pattern and m.evidence and pattern.search(m.evidence[0].text)) and not refers_back(m)


def _tolls(m: EventMention) -> dict[str, list[Claim]]:
    out: dict[str, list[Claim]] = {}
    for c in m.claims:
        if c.field in _OWN_FIELDS and c.value_low is not None and c.is_event_figure and "sub-count" not in c.flags:
            out.setdefault(c.field, []).append(c)
    return out


def _figures_differ(a: EventMention, b: EventMention) -> bool:
    """Both give casualty counts, and of some field they share, not the same one."""
    ta, tb = _tolls(a), _tolls(b)
    shared = set(ta) & set(tb)
    return bool(shared) and any(
        not any((x.value_low, x.value_high) == (y.value_low, y.value_high) for x in ta[f] for y in tb[f])
        for f in shared)


def _no_own_figures(a: EventMention, b: EventMention) -> bool:
    """``b`` gives no casualty count that ``a`` does not give too."""
    tb = _tolls(b)
    return not tb or (set(tb) <= set(_tolls(a)) and not _figures_differ(a, b))


def same_event(a: EventMention, b: EventMention, *, account: bool = False) -> bool:
    """Two mentions of one article tell the same event (``b`` told after ``a``; see the module docstring).

    ``account``: ``b`` is a party's account of its own deed ("the military said it struck a command centre").
    Read one sentence at a time, an account is typed as it is worded, often another sub-type of violence than
    the deed told before it; it is that deed when the party did that deed, unless it introduces a new incident
    or brings casualty figures of its own. So is a sentence of violence that names no one who acted."""
    if a.status != b.status:
        return False
    if new_incident(b) and _figures_differ(a, b):
        return False
    # a sentence that names no one who acted ("witnesses said two missiles struck the upper floor") tells more
    # of the violence told before it, as a party's account does, unless it is introduced as a new incident
    unnamed = not b.actor1 or b.actor1.startswith("Unidentified")
    # the account is of the deed told before when its party did that deed ("Ukraine's air force said it shot
    # down 40 drones" after Russian shelling is another deed; police's arrests after a riot are the police's deed)
    own = account and bool(a.actor1) and a.actor1 == b.actor1
    if a.sub_event_type != b.sub_event_type and not (
            (own or unnamed and not new_incident(b)) and family(a) == family(b) == "violence"
            and _no_own_figures(a, b)):
        return False
    sa, sb = _sides(a), _sides(b)
    if sa and sb and not (sa & sb):
        return False
    return _same_day(a, b) and (_same_place(a.place, b.place) or own and _close(a.place, b.place))


def _close(a: Place | None, b: Place | None) -> bool:
    """The two places lie within ACCOUNT_KM of each other (a camp and the town it lies by)."""
    if a is None or b is None or None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return False
    return distance_km(a.latitude, a.longitude, b.latitude, b.longitude) <= ACCOUNT_KM  # type: ignore[arg-type]


def _inside(a: Place | None, region: Place | None) -> bool:
    """``a`` is a place named in the text inside ``region``, a region or country ``region`` names."""
    if a is None or region is None or _borrowed(a) or region.feature not in {"admin1", "region", "country"}:
        return False
    if region.feature == "country" or not region.admin1:
        return bool(a.country) and a.country == region.country
    return a.country == region.country and a.admin1 == region.admin1


def _better_place(a: Place | None, b: Place | None) -> Place | None:
    """A place named in the text beats one borrowed from the focus; a town beats its region."""
    if a is None or b is None:
        return a or b
    if _borrowed(a) != _borrowed(b):
        return b if _borrowed(a) else a
    return min((a, b), key=lambda p: p.geo_precision)


def coalesce(mentions: Sequence[EventMention], fatalities: Callable[[Sequence[Claim]], int | None],
             accounts: frozenset[int] = frozenset()) -> list[EventMention]:
    """Merge the mentions of one article that tell the same event (in sentence order, first one hosts).

    ``fatalities`` recomputes a merged mention's fatality figure from its claims; ``accounts``: where the
    sentences start (``Evidence.start``) that are a party's account of its own deed (``same_event``).
    """
    out: list[EventMention] = []
    for m in mentions:
        host = _referred_host(out, m)
        if host is not None:
            out[out.index(host)] = _told_again(host, m, fatalities)
            continue
        host = next((o for o in out if same_event(o, m, account=m.evidence[0].start in accounts)), None)
        if host is None:
            out.append(m)
            continue
        claims = host.claims + m.claims
        # the most precise date wins; on a tie the host's (told first)
        when = m if m.event_date is not None and (host.event_date is None or m.time_precision < host.time_precision) \
            else host
        if m.sub_event_type == host.sub_event_type:
            place = _better_place(host.place, m.place)
            actor1 = host.actor1 or m.actor1
            # never the same actor on both sides
            actor2 = host.actor2 or (m.actor2 if m.actor2 != actor1 else None)
        else:
            # an account or a detail of the deed read as another kind: where and who stay the first telling's
            # (its roles were read for that other kind), unless it says where in the region that telling named
            place = _better_place(host.place, m.place) if _inside(m.place, host.place) else host.place or m.place
            actor1, actor2 = host.actor1, host.actor2
        merged = dataclasses.replace(
            host,
            evidence=host.evidence + m.evidence,
            claims=claims,
            fatalities=fatalities(claims),
            salience=max(host.salience, m.salience) + 0.1,
            place=place,
            event_date=when.event_date,
            date_end=when.date_end,
            date_evidence=when.date_evidence,
            time_precision=when.time_precision,
            actor1=actor1,
            actor2=actor2,
            inter1=host.inter1 if host.actor1 or actor1 is None else m.inter1,
            inter2=host.inter2 if host.actor2 or actor2 is None else m.inter2,
        )
        out[out.index(host)] = merged
    return out


# a reference back names the deed's own day when that day is at most this many days before the first telling's
_REFERENCE_DAYS = 7


def _dates_the_deed_earlier(ref: EventMention, host: EventMention) -> bool:
    """The reference back names a day of its own, before the first telling's: the deed's day ("Mourners gathered
    on Thursday to bury the victims of an airstrike ..." then "The strike on Wednesday hit classrooms"). The
    first telling's day was then that of something told around the deed (a funeral, an announcement); a later
    day in a reference is a reaction's ("the strike was condemned on Friday")."""
    if ref.event_date is None or host.event_date is None or ref.time_precision != 1 or not ref.date_evidence \
            or ref.date_evidence.startswith(CONTEXT_PREFIX) or ref.date_end is not None:
        return False
    return 0 < (host.event_date - ref.event_date).days <= _REFERENCE_DAYS


def _referred_host(told: Sequence[EventMention], m: EventMention) -> EventMention | None:
    """The event ``m``'s reference back names: the nearest one told before it of its sub-type, else of the family
    its reference names; None when it refers back to nothing told."""
    for named in referred_families(m):
        before = sorted((o for o in told if family(o) == named and o.status == m.status
                         and o.evidence[0].start < m.evidence[0].start), key=lambda o: o.evidence[-1].start)
        if before:
            alike = [o for o in before if o.sub_event_type == m.sub_event_type]
            return (alike or before)[-1]
    return None


def _told_again(host: EventMention, m: EventMention, fatalities: Callable[[Sequence[Claim]], int | None]
                ) -> EventMention:
    """The event ``host`` with a later reference back to it: its evidence and claims join; the first
    telling keeps place and actors, and its date unless the reference names the deed's own earlier day; the
    sub-type read most confidently wins (the host on a tie)."""
    claims = host.claims + m.claims
    when = m if _dates_the_deed_earlier(m, host) else host
    # a reference of another family ("the strike" read as a labour strike) names the host's deed, not its kind
    typed = m if m.confidence > host.confidence and family(m) == family(host) else host
    return dataclasses.replace(
        host, evidence=host.evidence + m.evidence, claims=claims, fatalities=fatalities(claims),
        salience=max(host.salience, m.salience) + 0.1, event_type=typed.event_type,
        event_date=when.event_date, date_end=when.date_end, date_evidence=when.date_evidence,
        time_precision=when.time_precision, sub_event_type=typed.sub_event_type, code=typed.code,
        plover=typed.plover, cameo=typed.cameo,
        confidence=max(host.confidence, m.confidence), codebook_rule=typed.codebook_rule,
        # a reference back may say where in the region the first telling named ("the strike hit the school in
        # Deir al-Balah" after "a strike in the central Gaza Strip")
        place=_better_place(host.place, m.place) if _inside(m.place, host.place) else host.place or m.place,
        actor1=host.actor1 or m.actor1, actor2=host.actor2 or m.actor2,
        inter1=host.inter1 if host.actor1 else m.inter1, inter2=host.inter2 if host.actor2 else m.inter2)
