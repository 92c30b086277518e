"""The ACLED-style actor name and inter code a word of an event sentence stands for.

Naming convention (consistent, documented):

- state forces: ``Military Forces of Azerbaijan``, ``Police Forces of the United States``,
  ``Government of Armenia``. ACLED appends the ruling government's start year ("(2003-)"); no
  licensed source of government start years ships with eventwire, so the suffix is never written
  (evaluation drops it from gold names). A nationality word or possessor read as a participant
  ("Israeli shelling", "Israel's air force", "Azerbaijan shelled ...") is that state's military in a
  violent event and its government otherwise. Peacekeepers of a state are that state's military.
- "anti-X" and "pro-X" forces are not X's forces: they are an armed group.
- de facto authorities keep their own name (``Military Forces of Nagorno-Karabakh``).
- ``Protesters (Armenia)``, ``Rioters (Greece)``, ``Civilians (Armenia)``,
  ``Unidentified Armed Group (Azerbaijan)``: the country in brackets is the event's country
  (the ``country`` argument) when given, else the nationality named in the sentence.
- named armed groups: ACLED's name for widely reported groups, else UCDP's name, from the lexicon
  (``mentions.lexicon``: names, abbreviations and aliases); an organisation the lexicon does not
  know keeps the name the text gives it ("Kachin Independence Army"), never "Unidentified".
- associated actors name who the protesters/civilians are: ``Students (India)``,
  ``Labour Group (France)``, ``Journalists (Mexico)``, ``Women (Nigeria)``.
- a participant whose own clause is negated ("Armenian forces were not involved", "did not
  intervene") is never an actor.

Inter codes (ACLED): 1 state forces, 2 rebel groups, 3 political militias (including
unidentified armed groups), 4 identity militias, 5 rioters, 6 protesters, 7 civilians,
8 external/other forces (UN missions, private security, pirates).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from spacy.tokens import Span, Token

from eventwire.mentions.countries import capital_of, country_of, of_country
from eventwire.mentions.lexicon import group_key, group_of
from eventwire.mentions.taxonomy import CODES

# --------------------------------------------------------------------------- actor words (naming classes)

_MILITARY = re.compile(r"^(forces?|troops?|army|armies|soldiers?|military|militaries|peacekeepers?|"
                       r"peacekeeping|navy|naval|air ?force|servicem[ae]n|personnel|battalions?|"
                       r"brigades?|units?|gendarmerie|commandos?|marines?|paratroopers?|warplanes?|"
                       r"jets?|drones?|artillery|tanks?|contingent|mission|guards?|coast ?guard|"
                       r"warships?|frigates?|destroyers?|gunboats?|corvettes?|aircraft|helicopters?|"
                       r"junta|coalition)$")
# Words that name state forces only together with a nationality ("the Russian contingent").
# words that make a weak one a state force's: "security personnel", "army units", "government aircraft"
_FORCE_WORDS = {"security", "military", "army", "police", "government", "defence", "defense", "armed"}
_WEAK_MILITARY = {"mission", "contingent", "unit", "units", "personnel", "guard", "guards", "jets", "jet",
                  "drones", "drone", "tanks", "tank", "artillery", "warplanes", "warplane", "naval", "aircraft",
                  "helicopter", "helicopters", "coalition"}
# Capitalised words that may stand in a state force's name beside the country ("Afghan National Army").
_STATE_NAME_WORDS = {"national", "armed", "defence", "defense", "royal", "federal", "people's", "arab", "air",
                     "special", "security", "border", "republican", "state", "army", "forces", "force", "navy",
                     "military", "police", "guard", "islamic", "revolutionary", "self", "self-defense", "the",
                     "of", "and", "ground", "land", "naval", "coast", "troops", "government", "regime"}
_POLICE = re.compile(r"^(police|policem[ae]n|officers?|cops?|gendarmes?|riot ?police|constables?)$")
_GOVERNMENT = re.compile(r"^(government|authorities|administration|ministry|minister|president|"
                         r"leadership|officials?|cabinet|regime)$")
_PROTESTERS = re.compile(r"^(protesters?|protestors?|demonstrators?|marchers?|activists?|crowds?|"
                         r"people|supporters?|strikers?|residents?|students?|workers?|teachers?|"
                         r"farmers?|employees?|women|youths?|members?|traders?|doctors?|nurses?)$")
_RIOTERS = re.compile(r"^(rioters?|mobs?|youths?|hooligans?|looters?|vigilantes?)$")
_CIVILIANS = re.compile(r"^(civilians?|residents?|villagers?|people|persons?|children|child|women|"
                        r"woman|men|man|students?|journalists?|farmers?|worshippers?|passengers?|"
                        r"families|family|teachers?|workers?|boys?|girls?|herders?|fishermen|traders?|"
                        r"locals?|inhabitants?|refugees?|migrants?|pilgrims?|doctors?|patients?|"
                        r"population|populace|citizens?|bodies|body|victims?)$")
_UNIDENTIFIED = re.compile(r"^(gunmen|gunman|assailants?|attackers?|militants?|insurgents?|rebels?|"
                           r"fighters?|terrorists?|jihadists?|bandits?|kidnappers?|abductors?|"
                           r"militiam[ae]n|militias?|extremists?|separatists?|guerrillas?|cells?)$")
_IDENTITY = re.compile(r"^(herdsmen|herders?|tribesmen|clansmen|vigilantes?)$")
_PIRATES = re.compile(r"^(pirates?)$")
PRONOUNS = {"they", "them", "it", "we", "he", "she", "who"}
_SIDE_PREFIXES = ("anti", "pro")

# Associated actor for protesters/civilians by the word used.
_ASSOC = {
    "student": "Students", "students": "Students", "teacher": "Teachers", "teachers": "Teachers",
    "worker": "Labour Group", "workers": "Labour Group", "employees": "Labour Group",
    "strikers": "Labour Group", "farmer": "Farmers", "farmers": "Farmers", "journalist": "Journalists",
    "journalists": "Journalists", "women": "Women", "woman": "Women", "children": "Children",
    "child": "Children", "girls": "Children", "boys": "Children", "refugees": "Refugees/IDPs",
    "migrants": "Migrants", "traders": "Traders", "doctors": "Health Workers", "nurses": "Health Workers",
    "worshippers": "Christian Group", "pilgrims": "Pilgrims", "lawyers": "Lawyers",
}

VIOLENT_CODES = {"ARMED_CLASH", "GOV_REGAINS_TERIT", "NON_STATE_ACTOR_OVERTAKES_TER", "CHEM_WEAP", "AIR_STRIKE",
            "SUIC_BOMB", "ART_MISS_ATTACK", "REM_EXPLOS", "GRENADE", "SEX_VIOL", "ATTACK", "ABDUCT_DISSAP",
            "DISR_WEAP", "HQ_ESTABLISHED", "CHANGE_TO_GROUP_ACT", "NON_VIOL_TERRIT_TRANSFER", "ARREST",
            "PROPERTY_DISTRUCT"}
STATEMENT_CODES = {"AGREEMENT", "DIPLO", "ATTRIB"}
_PROTEST = {"PEACE_PROTEST", "PROTEST_WITH_INTER", "FORCE_AGAINST_PROTEST"}
RIOT_CODES = {"VIOL_DEMONSTR", "MOB_VIOL"}
AGAINST_CIVILIANS = {"ATTACK", "SEX_VIOL", "ABDUCT_DISSAP"}
# an event whose perpetrator is not named (shelling recorded by monitors included) is an unidentified armed group's
UNKNOWN_PERPETRATOR = {"REM_EXPLOS", "GRENADE", "SUIC_BOMB", "ATTACK", "ABDUCT_DISSAP", "SEX_VIOL", "ART_MISS_ATTACK"}
ARMED_INTERS = {1, 2, 3, 4, 8}


# Things that belong to an actor and stand for it in the parse: "an army convoy" was ambushed.
_ASSETS = {"convoy", "base", "bases", "position", "positions", "post", "posts", "checkpoint", "checkpoints",
           "patrol", "patrols", "vehicle", "vehicles", "outpost", "outposts", "camp", "camps", "station", "stations",
           "headquarters", "barracks", "unit", "units", "column", "troops", "forces", "fighters",
           "militants", "members", "men", "insurgents", "rebels", "stronghold", "hideout",
           "hideouts", "herdsmen", "militia", "militias", "gunmen", "jihadists", "soldiers", "cell", "cells",
           "commander", "commanders", "leader", "fighter", "militant", "member", "soldier"}


def event_family(code: str) -> str:
    """The role models' event family of an event code: violence, protest or other."""
    ec = CODES.get(code)
    if ec is None:
        return "other"
    if ec.event_type in ("Battles", "Explosions/Remote violence", "Violence against civilians"):
        return "violence"
    if ec.event_type in ("Protests", "Riots"):
        return "protest"
    return "other"


@dataclass(frozen=True)
class Mention:
    """One named participant: its ACLED name and inter code, and the word that names it."""

    name: str
    inter: int
    token: Token  # the token whose place in the parse gives the role
    assoc: str | None = None
    bare_state: bool = False  # a country or nationality word alone ("Azerbaijan shelled", "Israeli shelling")


# --------------------------------------------------------------------------- naming


def _entity(tok: Token) -> Span | None:
    """The entity a token is part of (found from the token's IOB tags, not by scanning the entities)."""
    if not tok.ent_type_:
        return None
    doc = tok.doc
    start = tok.i
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    end = tok.i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return doc[start:end]


def _entity_text(tok: Token) -> str:
    """The whole entity a token is part of, else the token's text."""
    ent = _entity(tok)
    return ent.text if ent is not None else tok.text


def _side_prefixed(tok: Token) -> bool:
    """True for "anti-government", "pro-Armenian", "Anti" in "Anti-government forces"."""
    low = tok.lower_
    if low.startswith(tuple(p + "-" for p in _SIDE_PREFIXES)):
        return True
    i = tok.i
    doc = tok.doc
    return i >= 2 and doc[i - 1].text == "-" and doc[i - 2].lower_ in _SIDE_PREFIXES


def _has_side_prefix(tok: Token) -> bool:
    """The words before the head say whose side it is on, not whose it is ("anti-Assad forces")."""
    return any(_side_prefixed(t) or (t.lower_ in _SIDE_PREFIXES and t.i < tok.i) for t in tok.subtree if t.i <= tok.i)


# Modifiers that make armed men a non-state group whatever nationality is named: "separatist forces";
# "local" and "ethnic" only beside a nationality ("local Armenian forces" are not Armenia's army)
_NON_STATE_WORDS = {"separatist", "separatists", "breakaway", "rebel", "insurgent", "secessionist"}
_ETHNIC_WORDS = {"local", "ethnic"}


def _non_state(tok: Token, nat: str | None) -> bool:
    """The military word names a non-state armed group: "separatist forces", "ethnic Armenian fighters"."""
    words = {c.lower_ for c in tok.children if c.dep_ in ("amod", "compound", "nmod")}
    return bool(words & _NON_STATE_WORDS or nat is not None and words & _ETHNIC_WORDS)


def _nationality(tok: Token) -> str | None:
    """Country named by the head noun's modifiers: "Azerbaijani forces", "forces of Armenia",
    "Azerbaijan's army", "the Russian peacekeeping contingent"; never the X of "anti-X"."""
    for child in tok.children:
        if _side_prefixed(child):
            continue
        if child.dep_ in ("amod", "compound", "poss", "nmod", "npadvmod"):
            c = country_of(_entity_text(child)) or country_of(child.text)
            if c:
                return c
            if child.dep_ == "poss" and child.lower_ in ("their", "its", "his", "her"):
                return first_country(tok.sent, exclude=tok)  # "The Russian ministry said their peacekeepers"
            if child.dep_ in ("amod", "compound"):
                inner = _nationality(child)  # "Russian peacekeeping contingent"
                if inner:
                    return inner
        if child.dep_ == "prep" and child.lower_ in ("of", "from"):
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    c = country_of(_entity_text(pobj)) or country_of(pobj.text)
                    if c:
                        return c
                    if pobj.lower_ == "republic":  # "the armed forces of the Republic of Armenia"
                        return _nationality(pobj)
    return None


# International forces (ACLED inter 8) by the organisation that sends them: "UN peacekeepers".
_MISSIONS = {"un": "UN: United Nations", "u.n.": "UN: United Nations", "united nations": "UN: United Nations",
             "au": "AU: African Union", "african union": "AU: African Union", "nato": "NATO: North Atlantic Treaty "
             "Organization", "ecowas": "ECOWAS: Economic Community of West African States"}


def _mission(tok: Token) -> str | None:
    for child in tok.children:
        if child.dep_ in ("compound", "amod", "nmod", "poss"):
            name = _MISSIONS.get(_entity_text(child).lower().removeprefix("the ")) or _MISSIONS.get(child.lower_)
            if name:
                return name
    return None


def _seat_or_regime(tok: Token, country: str | None, sent: Span) -> str | None:
    """The state whose forces a military word names by the seat of its government or by its regime:
    "Kiev soldiers", "the regime's helicopters", "junta troops"."""
    for child in tok.children:
        if child.dep_ not in ("amod", "compound", "poss", "nmod"):
            continue
        seat = capital_of(child.text)
        if seat:
            return seat
        if _GOVERNMENT.match(child.lower_) or child.lower_ == "junta":
            return country or first_country(sent)
    return None


def named_before(tok: Token) -> str | None:
    """The state of the same force named earlier in the article with its nationality: "the navy" after "The
    Indian Navy foiled a hijack attempt" is India's navy, even where the event's place is another state's
    ("handed over to authorities in Djibouti"). A state named as the place is not the actor unless it acts."""
    doc = tok.doc
    for t in reversed(doc[:tok.i]):
        if t.lower_ == tok.lower_ or (t.lemma_.lower() == tok.lemma_.lower() and t.pos_ == tok.pos_):
            nat = _nationality(t)
            if nat:
                return nat
    return None


def first_country(sent: Span, exclude: Token | None = None) -> str | None:
    """The first country or nationality named in the sentence (not one after "anti-"/"pro-")."""
    for tok in sent:
        if exclude is not None and tok.i == exclude.i or _side_prefixed(tok):
            continue
        if tok.ent_type_ in ("GPE", "NORP") and tok.ent_iob_ == "B":
            c = country_of(_entity_text(tok))
            if c:
                return c
        if tok.text[:1].isupper() and tok.pos_ in ("PROPN", "ADJ", "NOUN"):
            c = country_of(tok.text)
            if c:
                return c
    return None


def _name_span(tok: Token) -> str:
    """The proper name a head word closes: "Jalisco Cartel New Generation" (its capitalised left modifiers)."""
    start = tok.i
    for child in reversed(list(tok.lefts)):
        if child.i == start - 1 and child.dep_ in ("compound", "amod", "nmod") and child.text[:1].isupper():
            start = child.i
        else:
            break
    return tok.doc[start:tok.i + 1].text


def named_group(tok: Token, country: str | None) -> tuple[str, int] | None:
    """A named group the token (or its entity, or its name modifiers) names."""
    keys = [_entity_text(tok), _name_span(tok), tok.text]
    if tok.lower_ in _ASSETS or _UNIDENTIFIED.match(tok.lower_) or _MILITARY.match(tok.lower_):
        # "Taliban militants", "KIA outpost", "Karen rebels": the modifier names the group
        keys += [_entity_text(c) for c in tok.children if c.dep_ in ("compound", "amod", "nmod", "poss")]
        keys += [c.text for c in tok.children if c.dep_ in ("compound", "amod", "nmod", "poss")]
    for key in keys:
        if len(key) < 2 or (key.lower() == "is" and tok.pos_ not in ("PROPN", "NOUN")):
            continue
        g = group_of(key)
        if g is not None:
            name = g.name
            if name in ("Islamic State", "Fulani Ethnic Militia") and country:
                name = f"{name} ({country})"
            return name, g.inter
    return None


def _state_institution(tok: Token) -> str | None:
    """The state whose forces an organisation's name names: "Indian Naval Ship Sukanya" -> India."""
    ent = _entity(tok)
    if ent is None or tok.ent_type_ not in ("ORG", "FAC", "PRODUCT") or tok.i != ent.root.i:
        return None
    nat = next((country_of(t.text) for t in ent if country_of(t.text) and not _side_prefixed(t)), None)
    return nat if nat and any(_MILITARY.match(t.lower_) for t in ent) else None


def _named_organisation(tok: Token) -> str | None:
    """An organisation's own name when it is not a state's: "Kachin Independence Army"."""
    ent = _entity(tok)
    if ent is None or tok.ent_type_ not in ("ORG", "NORP") or len(ent) < 2 or tok.i != ent.root.i:
        return None
    if _GOVERNMENT.match(ent.root.lower_) or _POLICE.match(ent.root.lower_):
        return None  # "the Russian Defence Ministry" is a government, named as one
    words = [t for t in ent if t.is_alpha]
    own = [t for t in words if t.lower_ not in _STATE_NAME_WORDS and not country_of(t.text)]
    if not own or all(t.lower_ in ("the",) for t in own):
        return None
    return re.sub(r"^(the|The)\s+", "", ent.text)


def unidentified(where: str | None) -> str:
    """ACLED's name for an armed group the text does not name, with the event's country."""
    return f"Unidentified Armed Group ({where})" if where else "Unidentified Armed Group"


_COLLECTIVE = frozenset({"group", "groups", "crowd", "crowds", "band", "bands", "party", "parties"})


def _of_whom(tok: Token, sent: Span, code: str, country: str | None) -> Mention | None:
    """The actor the "of" phrase of a collective word names, carried by the collective word."""
    for prep in tok.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            for pobj in prep.children:
                if pobj.dep_ == "pobj" and pobj.pos_ in ("NOUN", "PROPN"):
                    inner = mention_of(pobj, sent, code, country)
                    if inner is not None:
                        return dataclasses.replace(inner, token=tok)
    return None


def mention_of(tok: Token, sent: Span, code: str, country: str | None) -> Mention | None:
    """The ACLED-style actor a candidate word names, or None when it names no actor."""
    m = _name_word(tok, sent, code, country)
    if tok.lower_ in _COLLECTIVE and any(c.dep_ == "prep" and c.lower_ == "of" for c in tok.children):
        # "a group of Armenian farmers", "a crowd of students": the people the collective holds are the actor,
        # not an armed group the word "group" would name alone
        m = _of_whom(tok, sent, code, country)
    if m is None and tok.pos_ in ("NUM", "ADJ", "DET", "PRON"):
        # "several of their peacekeepers", "two of the soldiers": the people counted are the actor
        m = _of_whom(tok, sent, code, country)
    if m is None and tok.lower_ in _ASSETS:
        # "an Israeli army post", "Armenian positions": the asset stands for the actor its modifiers name
        for child in tok.children:
            if child.dep_ in ("compound", "amod", "nmod", "poss"):
                inner = _name_word(child, sent, code, country, asset=True)
                if inner is not None:
                    # the state's positions or convoy name its forces, not the state alone
                    return dataclasses.replace(inner, token=tok, bare_state=False)
    return m


def _name_word(tok: Token, sent: Span, code: str, country: str | None, *, asset: bool = False) -> Mention | None:
    low = tok.lower_
    lemma = tok.lemma_.lower()
    group = named_group(tok, country)
    if group is not None:
        return Mention(group[0], group[1], tok)
    side_prefixed = _has_side_prefix(tok)
    state = _state_institution(tok)
    if state is not None:
        return Mention(f"Military Forces of {of_country(state)}", 1, tok)
    if _MILITARY.match(low) or _MILITARY.match(lemma):
        mission = _mission(tok)
        if mission is not None:
            return Mention(mission, 8, tok)
        org = _named_organisation(tok)
        if org is not None and code in VIOLENT_CODES | RIOT_CODES:
            return Mention(org, 2 if low in ("army", "armies") else 3, tok)
        nat = _nationality(tok) or _seat_or_regime(tok, country, sent)
        if side_prefixed and code not in VIOLENT_CODES:
            return None
        if side_prefixed or _non_state(tok, nat):
            return Mention(unidentified(country or first_country(sent)), 3, tok)
        if nat is None and low in _WEAK_MILITARY and not any(c.lower_ in _FORCE_WORDS for c in tok.children):
            return None  # "a mission", "units", "the contingent": only with a named state or "security personnel"
        nat = nat or named_before(tok) or country or first_country(sent)
        if nat is None:
            return None
        prefix = "Police Forces" if any(c.lower_ == "police" for c in tok.children) else "Military Forces"
        return Mention(f"{prefix} of {of_country(nat)}", 1, tok)
    if _POLICE.match(low):
        nat = _nationality(tok) or named_before(tok) or country or first_country(sent)
        # "a naval officer", "army officers" serve in the military
        kind = "Military Forces" if any(_MILITARY.match(c.lower_) for c in tok.children) else "Police Forces"
        return Mention(f"{kind} of {of_country(nat)}", 1, tok) if nat else None
    if _GOVERNMENT.match(low):
        if code in _PROTEST | RIOT_CODES | {"NONE"} or side_prefixed:
            return None
        nat = _nationality(tok) or country or first_country(sent)
        return Mention(f"Government of {of_country(nat)}", 1, tok) if nat else None
    if _PIRATES.match(low):
        nat = _nationality(tok) or country
        return Mention(f"Pirates ({nat})" if nat else "Pirates", 8, tok)
    if _IDENTITY.match(low) and code in VIOLENT_CODES | RIOT_CODES:
        label = _entity_text(next((c for c in tok.children if c.ent_type_ == "NORP"), tok))
        where = country or _nationality(tok)
        name = f"{label} Ethnic Militia" if label != tok.text and country_of(label) is None else "Communal Militia"
        return Mention(f"{name} ({where})" if where else name, 4, tok)
    armed_group = low in ("group", "groups") and any(c.lower_ == "armed" for c in tok.children)
    if (_UNIDENTIFIED.match(low) or armed_group) and code in VIOLENT_CODES | RIOT_CODES:
        return Mention(unidentified(country or _nationality(tok) or first_country(sent)), 3, tok)
    where = country or _nationality(tok) or first_country(sent)
    if code in RIOT_CODES and (_RIOTERS.match(low) or _PROTESTERS.match(low)):
        assoc = f"{_ASSOC[low]} ({where})" if low in _ASSOC and where else None
        return Mention(f"Rioters ({where})" if where else "Rioters", 5, tok, assoc)
    if code in _PROTEST and _PROTESTERS.match(low):
        assoc = f"{_ASSOC[low]} ({where})" if low in _ASSOC and where else None
        return Mention(f"Protesters ({where})" if where else "Protesters", 6, tok, assoc)
    if _PROTESTERS.match(low) and low.startswith(("protest", "demonstr")):
        # Protesters outside a protest event (arrested, attacked) keep their name.
        return Mention(f"Protesters ({where})" if where else "Protesters", 6, tok)
    if _CIVILIANS.match(low) and code not in _PROTEST:
        assoc = f"{_ASSOC[low]} ({where})" if low in _ASSOC and where else None
        return Mention(f"Civilians ({where})" if where else "Civilians", 7, tok, assoc)
    if tok.ent_type_ == "PERSON" and code in STATEMENT_CODES and any(
            c.dep_ == "compound" and _GOVERNMENT.match(c.lower_) for c in tok.children):
        # "French President Emmanuel Macron" speaks for the Government of France.
        nat = next((country_of(_entity_text(c)) for c in tok.subtree
                    if c.i < tok.i and c.dep_ in ("amod", "compound") and country_of(_entity_text(c))), None)
        return Mention(f"Government of {of_country(nat)}", 1, tok) if nat else None
    nat = country_of(_entity_text(tok)) or country_of(tok.text)
    if nat and not _side_prefixed(tok) and (tok.ent_type_ in ("GPE", "NORP") or tok.pos_ in ("PROPN", "ADJ")):
        if not asset and tok.dep_ in ("amod", "compound", "poss", "nmod") and _names_actor(tok.head, sent, code,
                                                                                          country):
            return None  # "Armenian residents", "Israel's air force": the head word is the actor
        if (code in VIOLENT_CODES and tok.tag_ in ("NNPS", "NNS") and tok.ent_type_ == "NORP"
                and not (tok.dep_ == "nsubj" and tok.head.dep_ == "ROOT")):
            # "killed 22 Palestinians", "11 Syrians were wounded": a people named by its nationality, not its state
            return Mention(f"Civilians ({of_country(nat)})", 7, tok)
        # A state named as a participant: "Azerbaijan shelled ...", "Israeli shelling", "attack on Armenia".
        kind = "Military Forces" if code in VIOLENT_CODES else "Government"
        return Mention(f"{kind} of {of_country(nat)}", 1, tok, bare_state=True)
    org = _named_organisation(tok)
    if org is not None and tok.ent_type_ == "ORG" and code in VIOLENT_CODES | RIOT_CODES and not _names_a_place(tok):
        return Mention(org, 3, tok)
    return None


# Nouns of settlements and areas: "the village of X" names a place, whatever entity label X was given.
_PLACE_NOUNS = frozenset({"village", "town", "city", "district", "region", "province", "settlement", "hamlet", "area",
                          "neighbourhood", "neighborhood", "oblast", "municipality", "camp", "suburb", "county"})


def _names_a_place(tok: Token) -> bool:
    """The name is a place's: the object of "of" after a settlement noun ("shelled the village of Velyka
    Pysarivka", which the entity tagger may read as an organisation)."""
    head = tok.head
    return tok.dep_ == "pobj" and head.lower_ == "of" and head.head.lemma_.lower() in _PLACE_NOUNS


def _names_actor(tok: Token, sent: Span, code: str, country: str | None) -> bool:
    low = tok.lower_
    return bool(_MILITARY.match(low) or _POLICE.match(low) or _GOVERNMENT.match(low) or _CIVILIANS.match(low)
                or _PROTESTERS.match(low) or _UNIDENTIFIED.match(low) or _IDENTITY.match(low)
                or _PIRATES.match(low) or named_group(tok, country) is not None)


def name_participant(tok: Token, sent: Span, code: str, country: str | None = None) -> str | None:
    """The ACLED-style actor name one word of a sentence stands for in an event of ``code`` (None: no actor)."""
    m = mention_of(tok, sent, code, country)
    return m.name if m is not None else None


def inter_of(name: str) -> int:
    """The inter code of an actor name already given (an antecedent from an earlier sentence)."""
    if name.startswith(("Military Forces", "Police Forces", "Government of")):
        return 1
    if name.startswith("Unidentified Armed Group"):
        return 3
    for prefix, inter in (("Rioters", 5), ("Protesters", 6), ("Civilians", 7), ("Pirates", 8)):
        if name.startswith(prefix):
            return inter
    g = group_of(re.sub(r"\s*\([^)]*\)$", "", name))
    return g.inter if g is not None else 3


# --------------------------------------------------------------------------- comparing names

_STATE = re.compile(r"^(?:Military Forces|Police Forces|Government) of (?:the )?(.+?)(?:\s*\(\d{4}-\d{0,4}\))?$")
_LABELLED = re.compile(r"^(Civilians|Protesters|Rioters|Unidentified Armed Group|Pirates)(?:\s*\((.+)\))?$")
_CATCH_ALL = re.compile(r"^(.+?)\s+(insurgents|rebels|militants)$", re.IGNORECASE)


def actor_key(name: str, country: str | None = None) -> str:
    """What an actor name stands for, so that two namings of one actor compare equal: ``state:<country>``
    for a state's military, police or government (ACLED's or UCDP's wording), ``civilians``,
    ``protesters``, ``rioters``, ``unidentified:<country>`` (UCDP's catch-all "Syrian insurgents" too),
    ``group:<UCDP name>`` for a named group by any of its names."""
    n = re.sub(r"\s*\(\d{4}-\d{0,4}\)$", "", name.strip())
    m = _STATE.match(n)
    if m:
        where = re.sub(r"\s*\([^)]*\)$", "", m.group(1)).strip()
        return f"state:{(country_of(where) or where).lower()}"
    m = _LABELLED.match(n)
    if m:
        kind = m.group(1).lower()
        if kind == "unidentified armed group":
            return f"unidentified:{(m.group(2) or country or '').lower()}"
        return kind
    key = group_key(n) or group_key(re.sub(r"\s*\([^)]*\)$", "", n))
    if key is not None:
        return key
    m = _CATCH_ALL.match(n)
    if m:
        where = country_of(m.group(1)) or country or m.group(1)
        return f"unidentified:{where.lower()}"
    return f"group:{n.lower()}"


__all__ = ["AGAINST_CIVILIANS", "ARMED_INTERS", "PRONOUNS", "RIOT_CODES", "STATEMENT_CODES", "UNKNOWN_PERPETRATOR",
           "VIOLENT_CODES", "Mention", "actor_key", "country_of", "event_family", "first_country", "inter_of",
           "mention_of", "name_participant", "named_group", "unidentified"]
