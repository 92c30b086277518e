"""Event taxonomy: ACLED's 6 event types and 25 sub-types, plus the classes a news stream needs.

Codes are the CASE 2021 task 2 codes (``ARMED_CLASH``, ``ART_MISS_ATTACK``...), so
CASE-style gold data can be scored directly. Names follow ACLED's codebook exactly.

Classes outside ACLED's taxonomy all have ``event_type == "Not ACLED"`` and ``acled == False``:

============== =================================== ==============================================
code           sub_event_type                      meaning
============== =================================== ==============================================
DIPLO          Diplomacy/statement                 talks, visits, statements, condemnations, calls
ATTRIB         Attribution of responsibility       blame, claims of responsibility
ORG_CRIME      Crime                               organised crime, trafficking, cartel violence
NATURAL_DISASTER Natural disaster                  earthquakes, floods, storms, epidemics
MAN_MADE_DISASTER Man-made disaster                accidents, fires, industrial explosions, crashes
NONE           Other                               not a codable event (background, opinion, ...)
============== =================================== ==============================================

``NONE`` uses the sub-type name "Other" because gold files code events outside the taxonomy as
``Not ACLED / Other``; a classifier answer of NONE means "no event to code here".

PLOVER and CAMEO columns give the root category that the sub-type falls under by default
(PLOVER 2023 root names; CAMEO two-digit root codes). ``None`` means there is no equivalent:
natural and man-made disasters and NONE are not interactions between actors, and ACLED's
"Other" strategic development is too open to map.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from eventwire.errors import choice_error

NOT_ACLED = "Not ACLED"


@dataclass(frozen=True)
class EventCode:
    """One class of the taxonomy with its ACLED names and PLOVER/CAMEO roots."""

    code: str
    event_type: str
    sub_event_type: str
    acled: bool
    plover: str | None
    cameo: str | None
    definition: str


_B = "Battles"
_E = "Explosions/Remote violence"
_V = "Violence against civilians"
_P = "Protests"
_R = "Riots"
_S = "Strategic developments"

# (code, event_type, sub_event_type, plover, cameo, definition) -- definitions paraphrase ACLED's codebook.
_TABLE: list[tuple[str, str, str, str | None, str | None, str]] = [
    ("ARMED_CLASH", _B, "Armed clash", "ASSAULT", "19",
     "Armed, organised groups fight each other and territory does not change hands."),
    ("GOV_REGAINS_TERIT", _B, "Government regains territory", "ASSAULT", "19",
     "Government forces or their affiliates retake a place held by a non-state group, by fighting."),
    ("NON_STATE_ACTOR_OVERTAKES_TER", _B, "Non-state actor overtakes territory", "ASSAULT", "19",
     "A non-state armed group (or foreign state force) takes a place from the government or another "
     "group, by fighting."),
    ("CHEM_WEAP", _E, "Chemical weapon", "ASSAULT", "20",
     "Use of chemical weapons (chlorine, sarin, mustard gas, toxic gas) in conflict."),
    ("AIR_STRIKE", _E, "Air/drone strike", "ASSAULT", "19",
     "Air or drone strike: jets, helicopters, drones or bombers hit targets from the air."),
    ("SUIC_BOMB", _E, "Suicide bomb", "ASSAULT", "18",
     "A bombing by a person who dies in it: suicide vest, suicide car bomb."),
    ("ART_MISS_ATTACK", _E, "Shelling/artillery/missile attack", "ASSAULT", "19",
     "Long-range fire: shelling, artillery, mortars, rockets, missiles."),
    ("REM_EXPLOS", _E, "Remote explosive/landmine/IED", "ASSAULT", "18",
     "An explosive detonated remotely or by a victim: IED, landmine, roadside or car bomb, "
     "time bomb."),
    ("GRENADE", _E, "Grenade", "ASSAULT", "18",
     "A grenade, petrol bomb or similar hand-thrown explosive is used."),
    ("SEX_VIOL", _V, "Sexual violence", "ASSAULT", "18",
     "Sexual violence (rape, sexual assault) against civilians, as political violence."),
    ("ATTACK", _V, "Attack", "ASSAULT", "18",
     "An armed, organised group attacks unarmed civilians: killings, shootings, beatings, massacres."),
    ("ABDUCT_DISSAP", _V, "Abduction/forced disappearance", "ASSAULT", "18",
     "Civilians are abducted, kidnapped, taken hostage or made to disappear."),
    ("PEACE_PROTEST", _P, "Peaceful protest", "PROTEST", "14",
     "A public demonstration, march, rally, strike or sit-in without violence or intervention."),
    ("PROTEST_WITH_INTER", _P, "Protest with intervention", "PROTEST", "14",
     "A peaceful protest that authorities disperse or restrain without lethal force: arrests, "
     "tear gas, water cannon."),
    ("FORCE_AGAINST_PROTEST", _P, "Excessive force against protesters", "COERCE", "17",
     "Authorities use lethal or serious force against peaceful protesters (live fire, beatings "
     "causing serious injury or death)."),
    ("VIOL_DEMONSTR", _R, "Violent demonstration", "PROTEST", "14",
     "Demonstrators turn violent: rioting, stone throwing, clashes with police, vandalism, arson."),
    ("MOB_VIOL", _R, "Mob violence", "ASSAULT", "18",
     "A spontaneous, unorganised crowd attacks people or property: lynchings, vigilante mobs, "
     "communal violence."),
    ("AGREEMENT", _S, "Agreement", "AGREE", "05",
     "Actors agree: ceasefires, peace deals, prisoner exchanges, negotiated surrenders."),
    ("ARREST", _S, "Arrests", "COERCE", "17",
     "Authorities arrest or detain people in a political or conflict context: leaders, activists, "
     "suspected militants."),
    ("CHANGE_TO_GROUP_ACT", _S, "Change to group/activity", "MOBILIZE", "15",
     "A group changes its make-up or activity: new groups, mergers, splits, leaders replaced, "
     "recruitment, troop movements, curfews."),
    ("DISR_WEAP", _S, "Disrupted weapons use", "COERCE", "17",
     "A planned attack is stopped: bombs defused, weapons caches seized, drones or missiles "
     "intercepted."),
    ("HQ_ESTABLISHED", _S, "Headquarters or base established", "MOBILIZE", "15",
     "A group establishes a headquarters, base, camp or outpost."),
    ("PROPERTY_DISTRUCT", _S, "Looting/property destruction", "COERCE", "17",
     "Property is looted, burned or destroyed without armed engagement."),
    ("NON_VIOL_TERRIT_TRANSFER", _S, "Non-violent transfer of territory", "RETREAT", "08",
     "Territory changes hands without fighting: withdrawals, handovers, forces moving in unopposed."),
    ("OTHER", _S, "Other", None, None,
     "Another strategically important development by a conflict actor."),
    ("DIPLO", NOT_ACLED, "Diplomacy/statement", "CONSULT", "04",
     "Diplomatic activity and statements: talks, visits, calls, condemnations, appeals, sanctions."),
    ("ATTRIB", NOT_ACLED, "Attribution of responsibility", "ACCUSE", "11",
     "Someone claims or is blamed for responsibility for an event."),
    ("ORG_CRIME", NOT_ACLED, "Crime", "COERCE", "17",
     "Organised or ordinary crime: trafficking, cartel and gang violence, robbery, smuggling."),
    ("NATURAL_DISASTER", NOT_ACLED, "Natural disaster", None, None,
     "Earthquakes, floods, storms, droughts, wildfires, epidemics."),
    ("MAN_MADE_DISASTER", NOT_ACLED, "Man-made disaster", None, None,
     "Accidents and technical disasters: industrial explosions, fires, crashes, collapses, spills."),
    ("NONE", NOT_ACLED, "Other", None, None,
     "Not a codable event: background, opinion, plans, commentary, or nothing happened."),
]

CODES: dict[str, EventCode] = {
    code: EventCode(code, et, st, et != NOT_ACLED, plover, cameo, definition)
    for code, et, st, plover, cameo, definition in _TABLE
}

#: The 25 ACLED sub-types, in codebook order.
ACLED_CODES: tuple[str, ...] = tuple(c for c, e in CODES.items() if e.acled)
#: The 30 CASE 2021 task 2 codes (25 ACLED + 5 others); NONE is not a CASE label.
CASE_CODES: tuple[str, ...] = tuple(c for c in CODES if c != "NONE")

# Names used by gold files or older codebooks for the same class.
_ALIASES: dict[tuple[str, str], str] = {
    ("strategic developments", "arrest"): "ARREST",
    ("protests", "excessive force against protestors"): "FORCE_AGAINST_PROTEST",
    ("riots", "violent demonstrations"): "VIOL_DEMONSTR",
    ("explosions/remote violence", "remote explosive/landmine/ied"): "REM_EXPLOS",
    ("not acled", "organised crime"): "ORG_CRIME",
    ("not acled", "organized crime"): "ORG_CRIME",
    ("not acled", "diplomacy"): "DIPLO",
    ("not acled", "statement"): "DIPLO",
    ("not acled", "not an event"): "NONE",
}
_BY_NAME: dict[tuple[str, str], str] = {
    (e.event_type.lower(), e.sub_event_type.lower()): c for c, e in CODES.items()
}


def code_for(event_type: str, sub_event_type: str) -> EventCode:
    """The taxonomy entry for an ACLED (event_type, sub_event_type) pair; case-insensitive.

    Raises ``UsageError`` listing valid sub-types when the pair is unknown.
    """
    key = (event_type.strip().lower(), sub_event_type.strip().lower())
    code = _BY_NAME.get(key) or _ALIASES.get(key)
    if code is None:
        valid = [f"{e.event_type} / {e.sub_event_type}" for e in CODES.values()]
        raise choice_error("event type / sub-event type", f"{event_type} / {sub_event_type}", valid)
    return CODES[code]


def get_code(code: str) -> EventCode:
    """The taxonomy entry for a code such as ``ARMED_CLASH``; raises ``UsageError`` when unknown."""
    try:
        return CODES[code.strip().upper()]
    except KeyError:
        raise choice_error("event code", code, CODES) from None


# Verbal interactions in a DIPLO/ATTRIB sentence, by the words used: (pattern, PLOVER, CAMEO root).
# First match wins, so the more specific acts come first.
_VERBAL: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(r"\b(sanction\w*|embargo\w*|expel\w*|expuls\w+|recall\w* (?:its|their|the) ambassador|"
                r"sever\w* (?:diplomatic )?ties|suspend\w* (?:aid|relations|talks))\b"), "SANCTION", "16"),
    (re.compile(r"\b(threat\w*|warn\w*|ultimatum|vow\w* to retaliate)\b"), "THREATEN", "13"),
    (re.compile(r"\b(reject\w*|refus\w+|den(?:y|ied|ies)|dismiss\w*|rebuff\w*|defian\w+)\b"), "REJECT", "12"),
    (re.compile(r"\b(accus\w+|blam\w+|condemn\w*|criticis\w+|criticiz\w+|denounc\w+|"
                r"responsib\w+|claimed (?:the )?(?:attack|bombing|killing))\b"), "ACCUSE", "11"),
    (re.compile(r"\b(demand\w*|urg\w+|call\w* (?:on|for)|appeal\w*|ask\w*)\b"), "REQUEST", "10"),
    (re.compile(r"\b(investigat\w+|inquiry|probe)\b"), "INVESTIGATE", "09"),
    (re.compile(r"\b(aid|assistance|donat\w+|humanitarian supplies)\b"), "AID", "07"),
    (re.compile(r"\b(agree\w*|sign\w*|deal|accord|restor\w* (?:diplomatic )?relations)\b"), "AGREE", "05"),
    (re.compile(r"\b(support\w*|prais\w+|welcom\w+|endors\w+)\b"), "SUPPORT", "05"),
    (re.compile(r"\b(talks|met|meet\w*|visit\w*|summit|phone call|telephone|discuss\w*|consult\w*)\b"),
     "CONSULT", "04"),
]


def plover_cameo(code: str, text: str = "") -> tuple[str | None, str | None]:
    """PLOVER root and CAMEO root code for an event code, refined by the sentence's words for
    diplomacy/statements and attribution ("condemned" -> ACCUSE/11, "imposed sanctions" ->
    SANCTION/16); other codes get the table's default."""
    entry = get_code(code)
    if entry.code in ("DIPLO", "ATTRIB") and text:
        low = text.lower()
        for pattern, plover, cameo in _VERBAL:
            if pattern.search(low):
                return plover, cameo
    return entry.plover, entry.cameo


__all__ = ["ACLED_CODES", "CASE_CODES", "CODES", "NOT_ACLED", "EventCode", "code_for", "get_code",
           "plover_cameo"]
