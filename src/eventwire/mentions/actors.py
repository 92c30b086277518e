"""Actors of an event sentence, named in ACLED's style, with ACLED inter codes.

Who acted and on whom is learned (``mentions.roles``): the trigger model finds the word that names
the event, the role model scores every candidate participant as agent, patient, instrument or none
from the parse and the pipeline's token vectors. ``mentions.naming`` names the candidates (its
docstring gives the naming convention and the inter codes); this module picks actor1 and actor2 and
applies what ACLED's codebook states as rules.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from eventwire.mentions.codebook import ARMED_GROUP_CODES
from eventwire.mentions.naming import (
    AGAINST_CIVILIANS,
    ARMED_INTERS,
    PRONOUNS,
    RIOT_CODES,
    STATEMENT_CODES,
    UNKNOWN_PERPETRATOR,
    VIOLENT_CODES,
    Mention,
    actor_key,
    country_of,
    event_family,
    first_country,
    inter_of,
    mention_of,
    name_participant,
    named_group,
    unidentified,
)
from eventwire.mentions.roles import RoleModel, head_noun, load_roles, negated, observer


@dataclass(frozen=True)
class Actors:
    """Actor names and inter codes of one event, ACLED style, and what it was done with."""

    actor1: str | None
    actor2: str | None
    assoc_actor1: str | None
    assoc_actor2: str | None
    inter1: int | None
    inter2: int | None
    instrument: str | None = None


# --------------------------------------------------------------------------- roles


@dataclass
class _Scored:
    mention: Mention
    agent: float
    patient: float


def _resolve_pronoun(tok: Token, named: list[_Scored], antecedent: Mention | None) -> Mention | None:
    """A pronoun stands for the nearest actor named before it in the sentence ("The Indian navy said it
    captured ..."), else for the actor of the sentences before (``antecedent``)."""
    before = [s.mention for s in named if s.mention.token.i < tok.i]
    target = before[-1] if before else antecedent
    return dataclasses.replace(target, token=tok) if target is not None else None


def _scored_participants(sent: Span, code: str, country: str | None, model: RoleModel,
                         antecedent: Mention | None) -> tuple[list[_Scored], str | None]:
    family = event_family(code)
    trigger, scored = model.read(sent, family)
    # finding is the deed itself in arrests and seizures ("troops found a weapons cache")
    observed = code not in ("ARREST", "DISR_WEAP")
    named: list[_Scored] = []
    pronouns: list[tuple[Token, dict[str, float]]] = []
    best_instrument: tuple[float, Token | None] = (0.5, None)
    for tok, probs in scored:
        if probs["instrument"] > best_instrument[0]:
            best_instrument = (probs["instrument"], tok)
        if negated(tok):
            continue  # "Armenian forces were not involved": a negated participant is never an actor
        if observed and observer(tok, trigger):
            continue  # "the mission recorded 14 explosions", "residents found the bodies": a witness, not a party
        if tok.pos_ == "PRON":
            if tok.lower_ in PRONOUNS:
                pronouns.append((tok, probs))
            continue
        m = mention_of(tok, sent, code, country)
        if m is not None:
            agent, patient = probs["agent"], probs["patient"]
            if _undergoes(tok):
                agent, patient = patient, max(agent, patient)  # "positions came under fire": the fire's target
            elif _fired_from(tok) or _owns_deed(tok):
                # "... came under fire from X": X fired, however little the word looks like a party ("positions");
                # "died in Russian shelling": the word that owns the violence did it
                agent, patient = max(agent, patient, model.agent_threshold), min(agent, patient)
            named.append(_Scored(m, agent, patient))
    for tok, probs in pronouns:
        m = _resolve_pronoun(tok, named, antecedent)
        if m is not None:
            named.append(_Scored(m, probs["agent"], probs["patient"]))
    tool = best_instrument[1]
    instrument = None
    if tool is not None:
        chunk = next((c for c in sent.noun_chunks if c.root.i == tool.i), None)
        instrument = (chunk.text if chunk is not None else tool.text)
    return named, instrument


def _by_name(named: list[_Scored]) -> list[_Scored]:
    """One entry per actor name with its highest agent and patient scores."""
    out: dict[str, _Scored] = {}
    for s in named:
        o = out.get(s.mention.name)
        if o is None:
            out[s.mention.name] = _Scored(s.mention, s.agent, s.patient)
        else:
            if s.agent > o.agent and s.agent >= s.patient:
                o.mention = s.mention
            elif o.mention.bare_state and not s.mention.bare_state:
                o.mention = s.mention  # "Armenian positions": the positions name the forces, "Armenian" only the state
            o.agent, o.patient = max(o.agent, s.agent), max(o.patient, s.patient)
    return list(out.values())


# "X came under fire", "X was under attack", "X fell under shelling": a verb of being or coming "under" a deed
# says its subject underwent the deed, as the passive does; the parse marks it as an active subject.
_UNDER_VERBS = frozenset({"come", "be", "fall", "remain"})


def _undergoes(tok: Token) -> bool:
    """The word (or the noun it modifies) is the subject of "came under" / "was under" (fire, attack ...)."""
    t = head_noun(tok)
    if t.dep_ == "pobj" and t.head.lower_ == "of" and t.head.head.dep_ in ("nsubj", "nsubjpass"):
        t = t.head.head  # "a group of farmers came under fire", "two of the soldiers"
    return t.dep_ in ("nsubj", "nsubjpass") and t.head.lemma_ in _UNDER_VERBS and any(
        c.dep_ == "prep" and c.lower_ == "under" and any(g.dep_ == "pobj" for g in c.children) for c in t.head.children)


def _fired_from(tok: Token) -> bool:
    """The word (or the noun it modifies) is where the deed a subject came under came from ("came under fire
    from Afghan security forces")."""
    t = head_noun(tok)
    if t.dep_ != "pobj" or t.head.lower_ != "from":
        return False
    verb = t.head.head  # "came under fire from X" ("from" on the verb) or "came under [fire from X]"
    if verb.pos_ == "NOUN" and verb.dep_ == "pobj" and verb.head.lower_ == "under":
        verb = verb.head.head
    return any(_undergoes(c) for c in verb.children)


# Nouns of the violence itself: a state or group word that modifies one names who did it ("Russian shelling",
# "an Israeli strike", "killed in a Turkish drone strike"), wherever the parse puts the noun.
_DEED_NOUNS = frozenset({"strike", "strikes", "airstrike", "airstrikes", "shelling", "attack", "attacks", "raid",
                         "raids", "bombardment", "bombardments", "bombing", "bombings", "fire", "gunfire", "missile",
                         "missiles", "rocket", "rockets", "barrage", "offensive", "assault", "incursion", "ambush",
                         "shell", "shells", "artillery"})


def _owns_deed(tok: Token) -> bool:
    """The word modifies a noun of the violence itself ("Russian shelling", "Israel's strike")."""
    return tok.dep_ in ("amod", "compound", "poss", "nmod") and tok.head is not tok and tok.head.lower_ in _DEED_NOUNS


def _is_subject(tok: Token) -> bool:
    """The word (or the noun it modifies: "army shelling", "Azerbaijani troops") is the subject of a clause, or
    its logical subject in the passive ("killed by Azerbaijani sniper fire"), or where the deed came from
    ("wounded by fire from Azerbaijani positions", "came under fire from Azerbaijani positions")."""
    t = head_noun(tok)
    if _undergoes(tok):
        return False
    if _owns_deed(tok):
        return True
    if _fired_from(tok):
        return True
    if t.dep_ == "pobj" and t.head.lower_ == "from" and t.head.head.pos_ == "NOUN":
        return _is_subject(t.head.head)  # the fire, shelling or shots that came from the word's side
    if t.dep_ == "pobj" and t.head.dep_ == "agent":
        # the passive must tell the deed, not describe a place or a party ("areas controlled by the regime")
        verb = t.head.head
        return verb.dep_ != "acl" or verb.head.dep_ in ("ROOT", "nsubj", "nsubjpass")
    return t.dep_ in ("nsubj", "ROOT")


# A state the article says took no part is no actor of any of its events ("the Armenian armed forces were not
# involved in the fighting", "Armenia would remain uninvolved", "Armenia has denied any military presence"):
# the codebook's actors are the groups that took part. Only these predicates of taking part count, so that a
# state that merely "did not confirm" something, or whose peacekeepers "did not intervene" and then came under
# fire, stays a possible actor.
_TAKE_PART = {"involve", "participate"}
_PART_NOUNS = {"presence", "involvement", "participation", "role"}
_UNINVOLVED_CACHE: dict[tuple[int, int], tuple[Doc, frozenset[str]]] = {}


def _took_no_part(tok: Token) -> list[Token]:
    """The subjects a word says took no part, or none."""
    subjects = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")]
    if tok.lemma_ in _TAKE_PART and negated(tok) or tok.lemma_ == "deny" and any(
            c.dep_ == "dobj" and c.lemma_ in _PART_NOUNS for c in tok.children):
        return subjects
    if tok.lower_ == "uninvolved" and tok.dep_ in ("acomp", "oprd", "xcomp"):
        return [c for c in tok.head.children if c.dep_ in ("nsubj", "nsubjpass")]
    return []


def uninvolved_states(doc: Doc) -> frozenset[str]:
    """``actor_key`` of each state the article says took no part, read once per Doc."""
    key = (id(doc), len(doc))
    hit = _UNINVOLVED_CACHE.get(key)
    if hit is not None and hit[0] is doc:
        return hit[1]
    out = set()
    for tok in doc:
        for subj in _took_no_part(tok):
            m = mention_of(subj, subj.sent, "ARMED_CLASH", None)
            k = actor_key(m.name) if m is not None else ""
            if k.startswith("state:"):
                out.add(k)
    _UNINVOLVED_CACHE.clear()  # one Doc at a time, as the mentions stage reads an article
    _UNINVOLVED_CACHE[key] = (doc, frozenset(out))
    return frozenset(out)


def find_actors(sent: Span, code: str, *, country: str | None = None, antecedent: str | None = None,
                model: RoleModel | None = None) -> Actors:
    """Actor1/actor2 (ACLED names), associated actors, inter codes and instrument of an event sentence.

    ``code`` is the sentence's event code (taxonomy); ``country`` the event's country name
    (e.g. from geocoding), used for group labels such as ``Civilians (Armenia)``; ``antecedent`` the
    actor the previous sentences name, for a pronoun that refers back ("they").
    """
    model = model or load_roles()
    before = None
    if antecedent:
        before = Mention(antecedent, inter_of(antecedent), sent[0])
    named, instrument = _scored_participants(sent, code, country, model, before)
    absent = uninvolved_states(sent.doc)
    merged = [s for s in _by_name(named) if actor_key(s.mention.name, country) not in absent]
    pairs = [(s.agent, s.patient) for s in merged]
    i1 = model.pick(pairs, "agent")
    a1 = merged[i1].mention if i1 is not None else None
    if a1 is None and code in VIOLENT_CODES:
        # the parse gives no attacker: an armed actor the sentence names that the model does not read as
        # what the violence hit is likelier the attacker than an unidentified one ("came under fire ...
        # Azerbaijani troops had been advancing")
        hit = model.patient_threshold * model.fallback_scale
        armed = [s for s in merged if s.mention.inter in ARMED_INTERS and not s.mention.name.startswith(
            "Government of") and s.patient < hit and _is_subject(s.mention.token)]
        a1 = max(armed, key=lambda s: s.agent).mention if armed else None
    # the other side is never the first one under another name: a state's government does not agree with,
    # nor its army fight, its own forces ("the government of X agreed to dissolve their armed forces")
    first = actor_key(a1.name, country) if a1 is not None else None
    others = [s for s in merged if a1 is None or actor_key(s.mention.name, country) != first]
    i2 = model.pick([(s.agent, s.patient) for s in others], "patient")
    a2 = others[i2].mention if i2 is not None else None
    agents = sorted((s for s in merged if s.agent >= model.agent_threshold and s.agent >= s.patient),
                    key=lambda s: -s.agent)
    if a2 is None and a1 is not None:  # "X and Y clashed", "fighting between X and Y"
        a2 = next((s.mention for s in agents if actor_key(s.mention.name, country) != first), None)
    if (a2 is None and (a1 is not None or code in VIOLENT_CODES)
            and code in VIOLENT_CODES | RIOT_CODES | STATEMENT_CODES):
        # another armed party the sentence names is the other side ("clashed with police", "a ceasefire
        # proposed by the Russian peacekeeping contingent"), most likely the one that underwent it
        # civilians the sentence names as undergoing it count too ("stormed a village and shot dead twelve
        # villagers")
        # an agreement's or a statement's counterpart may be a government or a state named alone
        # ("accepted Azerbaijan's terms"); in violence those name where it happened more often than who
        statement = code in STATEMENT_CODES
        other = [s for s in others if (
            s.mention.inter in ARMED_INTERS and (statement or not s.mention.name.startswith("Government of")
                                                 and not s.mention.bare_state)
            or s.mention.inter == 7 and s.patient > s.agent)]
        a2 = max(other, key=lambda s: s.patient).mention if other else None

    name1, inter1, assoc1 = (a1.name, a1.inter, a1.assoc) if a1 else (None, None, None)
    name2, inter2, assoc2 = (a2.name, a2.inter, a2.assoc) if a2 else (None, None, None)
    mentions = [s.mention for s in merged]
    where = country or first_country(sent)

    def pick(inters: set[int]) -> Mention | None:
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
    elif code in RIOT_CODES:
        r = pick({5})
        if inter1 == 5 and name2 is None:
            s = pick({1})
            name2, inter2, assoc2 = (s.name, 1, None) if s else (None, None, None)
        if inter1 != 5:
            other = a1 if a1 is not None and a1.inter != 5 else a2
            # rioters against the state forces the sentence names ("petrol bombs at a police station")
            other = other or pick({1})
            name1 = r.name if r else (f"Rioters ({where})" if where else "Rioters")
            inter1, assoc1 = 5, r.assoc if r else None
            name2, inter2, assoc2 = (other.name, other.inter, other.assoc) if other else (None, None, None)
    elif code == "GOV_REGAINS_TERIT" and inter1 != 1:
        # the codebook: government forces regain control of a place, so the state is the actor that acts
        s = next((m for m in mentions if m.inter == 1 and not m.name.startswith("Government of")), None) or pick({1})
        if s is not None:
            if name2 == s.name:
                name2, inter2, assoc2 = name1, inter1, assoc1
            name1, inter1, assoc1 = s.name, 1, None
    elif code == "NON_STATE_ACTOR_OVERTAKES_TER" and inter1 == 1 and inter2 in (2, 3, 4):
        # the codebook: a non-state actor captures territory, so the group acts and the state loses it
        name1, inter1, assoc1, name2, inter2, assoc2 = name2, inter2, assoc2, name1, inter1, assoc1
    elif code in AGAINST_CIVILIANS:
        if inter1 == 7:  # civilians are never the perpetrator of violence against civilians
            name1, inter1, assoc1, name2, inter2, assoc2 = name2, inter2, assoc2, name1, 7, assoc1
        if name2 is None or inter2 != 7:
            c = pick({7})
            name2 = c.name if c else (f"Civilians ({where})" if where else "Civilians")
            inter2, assoc2 = 7, c.assoc if c else None
    if name1 is not None and inter1 == 7 and code in VIOLENT_CODES - ARMED_GROUP_CODES:
        # the dead, the wounded or who found them did not do the violence: they are its target (civilians
        # said to move or shelter stay the actor: the codebook's ruling then says no territory changed hands)
        if name2 is None:
            name2, inter2, assoc2 = name1, inter1, assoc1
        name1 = inter1 = assoc1 = None
    if name1 is None and name2 is not None and code in VIOLENT_CODES - {"ARREST", "DISR_WEAP"}:
        # Only the target is named ("peacekeepers were killed after their vehicle came under fire").
        name1, inter1 = unidentified(where), 3
    if name1 is None and code in UNKNOWN_PERPETRATOR:
        name1, inter1 = unidentified(where), 3
    if name1 is not None and name2 is not None and actor_key(name1, country) == actor_key(name2, country):
        name2 = inter2 = assoc2 = None
    return Actors(name1, name2, assoc1, assoc2, inter1, inter2, instrument)


# --------------------------------------------------------------------------- across sentences

# Words that refer back to an armed group named earlier ("the militants", "the group", "they").
_ANAPHORS = re.compile(r"^(militants?|insurgents?|rebels?|fighters?|jihadists?|extremists?|group|"
                       r"gunmen|they|them|it|attackers?|assailants?)$")


def groups_named(sent: Span) -> list[tuple[str, int]]:
    """The named armed groups of a sentence (ACLED name, inter code), in text order."""
    out: list[tuple[str, int]] = []
    for tok in sent:
        if tok.pos_ not in ("NOUN", "PROPN"):
            continue
        group = named_group(tok, None)
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


__all__ = ["Actors", "actor_key", "country_of", "event_family", "find_actors", "groups_named", "name_participant",
           "refers_back", "resolve_group"]
