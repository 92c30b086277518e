"""Roles of an event's participants: training rows and scores on RAMS, PLOVER and event-location.

RAMS passages (validation part of the committed split) are scored per argument role, head-word
match: a predicted participant is right when its token is the head (parse root) of a gold argument
of that role. ``attacker`` is the agent of a ``conflict.attack`` trigger, ``target`` its patient,
``victim`` the patient of ``life.die``/``life.injure`` (every RAMS type's roles are mapped to the
model's classes in ``ROLE_CLASS``). Arguments outside the trigger's sentence count as misses (the
model reads one sentence); the in-sentence figures are printed beside them.

Two plain peers are scored by the same code: the nearest candidate before the trigger as the agent
and after it as the patient ("nearest entity"), and the parse rule the actor namer used before the
learned model (subject or "by" phrase = agent; object, passive subject or "against/on/at" phrase =
patient, wherever the verb).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from eventwire.evaluation.doc_cache import parse_cached
from eventwire.evaluation.splits import TRAIN, VALIDATION, load_split, text_key
from eventwire.mentions import ROLE_CLASSES, RoleModel, role_candidates, role_rows, trigger_candidates, trigger_rows

# RAMS role names (without the ``evtNNargNN`` prefix) -> the model's classes. Agents act, patients
# undergo, instruments are used; places, times, money and the like are none of these.
ROLE_CLASS = {
    **dict.fromkeys(("attacker", "killer", "injurer", "jailer", "demonstrator", "communicator", "giver",
                     "transporter", "preventer", "destroyer", "damager", "damagerdestroyer", "executioner",
                     "investigator", "inspector", "prosecutor", "manufacturer", "spy", "founder", "extraditer",
                     "granter", "violator", "monitor", "observer", "yielder", "surrenderer", "retreater",
                     "voter", "participant", "otherparticipant", "rejecternullifier", "employee"), "agent"),
    **dict.fromkeys(("target", "victim", "recipient", "beneficiary", "defendant", "detainee", "passenger",
                     "deceased", "inspectedentity", "observedentity", "monitoredentity", "candidate",
                     "crashobject", "artifact", "fireexplosionobject", "territoryorfacility"), "patient"),
    **dict.fromkeys(("instrument", "vehicle"), "instrument"),
}
SCORED_ROLES = ("attacker", "target", "victim", "instrument")
_ROLE_NAME = re.compile(r"^evt\d+arg\d+")
# RAMS event families -> the event family the runtime reads from the ACLED event type.
_VIOLENT_RAMS = ("conflict.attack", "life.die", "life.injure", "artifactexistence.damagedestroy")
_PLOVER_VIOLENT = {"ASSAULT", "FIGHT", "COERCE"}


def rams_family(event_type: str) -> str:
    """The runtime's event family of a RAMS event type."""
    if event_type.startswith(_VIOLENT_RAMS):
        return "violence"
    if event_type.startswith("conflict.demonstrate"):
        return "protest"
    return "other"


@dataclass
class Passage:
    """One RAMS passage's trigger sentence with its gold arguments (token offsets in that sentence)."""

    key: str
    words: list[str]
    trigger: int
    event_type: str
    args: list[tuple[int, int, str]]  # start, end (inclusive), role name: inside the sentence
    outside: list[str]  # role names of arguments in other sentences

    @property
    def family(self) -> str:
        return rams_family(self.event_type)


def read_rams(data: Path, part: str) -> list[Passage]:
    """The RAMS passages of one part of the committed split."""
    split = load_split("rams")
    out = []
    for name in ("dev.jsonlines", "test.jsonlines"):
        for line in (data / "rams" / name).read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            d = json.loads(line)
            if split.get(d["doc_key"]) != part:
                continue
            bounds, start = [], 0
            for s in d["sentences"]:
                bounds.append((start, start + len(s)))
                start += len(s)
            (t0, _t1, labels) = d["evt_triggers"][0]
            si = next(k for k, (a, b) in enumerate(bounds) if a <= t0 < b)
            a, b = bounds[si]
            args, outside = [], []
            for _trig, (s0, s1), role in d["gold_evt_links"]:
                name = _ROLE_NAME.sub("", role)
                if a <= s0 and s1 < b:
                    args.append((s0 - a, s1 - a, name))
                else:
                    outside.append(name)
            out.append(Passage(d["doc_key"], d["sentences"][si], t0 - a, labels[0][0], args, outside))
    return out


def parse_words(nlp: Language, sentences: Sequence[Sequence[str]]) -> list[Doc]:
    """Parse pre-tokenised sentences with the full pipeline (one Doc each)."""
    return parse_cached(nlp, [list(words) for words in sentences])


def gold_heads(doc: Doc, args: Iterable[tuple[int, int, str]]) -> dict[int, str]:
    """Head token index -> role name of the gold arguments (the first role when a head has two)."""
    out: dict[int, str] = {}
    for s0, s1, name in args:
        out.setdefault(doc[s0:s1 + 1].root.i, name)
    return out


# --------------------------------------------------------------------------- PLOVER and event-location


@dataclass
class Labelled:
    """A sentence with a marked trigger and participants marked as agent or patient (char offsets)."""

    text: str
    trigger: tuple[int, int]
    family: str
    participants: list[tuple[int, int, str]] = field(default_factory=list)


def read_plover(data: Path, part: str) -> list[Labelled]:
    """PLOVER example sentences: the first marked event word, sources as agents, targets as patients."""
    split = load_split("plover")
    rows = json.loads((data / "plover-gsr" / "PLOVER_GSR_CAMEO.txt").read_text(encoding="utf-8"))
    out = []
    for r in rows:
        info = r.get("textInfo")
        markup = info.get("markup") if isinstance(info, dict) else None
        text = r.get("text")
        if not markup or not text or split.get(r["id"]) != part:
            continue
        evt = re.search(r"\(EVT: ?([^(){}]+)[)}]", markup)
        if evt is None or evt.group(1).strip() not in text:
            continue
        start = text.index(evt.group(1).strip())
        family = "violence" if r.get("event") in _PLOVER_VIOLENT else "protest" if r.get("event") == "PROTEST" \
            else "other"
        item = Labelled(text, (start, start + len(evt.group(1).strip())), family)
        for key, role in (("source", "agent"), ("target", "patient")):
            for actor in r.get(key) if isinstance(r.get(key), list) else []:
                words = (actor.get("actorText") or "").strip() if isinstance(actor, dict) else ""
                if words and words in text:
                    s = text.index(words)
                    item.participants.append((s, s + len(words), role))
        out.append(item)
    return out


def read_event_location(data: Path, part: str) -> list[Labelled]:
    """Event-location sentences with their marked event verb (no participants)."""
    split = load_split("event-location")
    with zipfile.ZipFile(data / "event-location" / "labeled_text.jsonl.zip") as z:
        rows = json.load(io.TextIOWrapper(z.open("labeled_text.jsonl"), encoding="utf-8"))
    out, seen = [], set()
    for r in rows:
        verb = next((s for s in r.get("spans", []) if s.get("label") == "VERB"), None)
        key = text_key(r["text"])
        if verb is None or split.get(key) != part or (key, verb["start"]) in seen:
            continue
        seen.add((key, verb["start"]))
        out.append(Labelled(r["text"], (verb["start"], verb["end"]), "violence"))
    return out


def _char_token(doc: Doc, start: int, end: int) -> Token | None:
    span = doc.char_span(start, end, alignment_mode="expand")
    return span.root if span is not None and len(span) else None


# --------------------------------------------------------------------------- training rows


@dataclass
class Rows:
    """Training rows of one model: (hashed feature indices, dense vector), label, weight, group id."""

    x: list[tuple[Any, Any]] = field(default_factory=list)
    y: list[int] = field(default_factory=list)
    w: list[float] = field(default_factory=list)
    group: list[str] = field(default_factory=list)

    def extend(self, x: Sequence[tuple[Any, Any]], y: Sequence[int], w: float, group: str) -> None:
        self.x += x
        self.y += y
        self.w += [w] * len(y)
        self.group += [group] * len(y)


def _add_trigger_rows(rows: Rows, sent: Span, trigger: Token, family: str, weight: float, group: str) -> None:
    toks = trigger_candidates(sent)
    if trigger.i not in {t.i for t in toks}:
        return
    rows.extend(trigger_rows(toks, family), [int(t.i == trigger.i) for t in toks], weight, group)


def _add_role_rows(rows: Rows, sent: Span, trigger: Token, family: str, gold: dict[int, str], weight: float,
                   group: str) -> None:
    cands = [c for c in role_candidates(sent) if c.i != trigger.i]
    labels = [ROLE_CLASSES.index(gold.get(c.i, "none")) for c in cands]
    rows.extend(role_rows(cands, trigger, family), labels, weight, group)


def training_rows(nlp: Language, data: Path, part: str = TRAIN, *, other_weight: float = 1.0,
                  plover_weight: float = 1.0) -> tuple[Rows, Rows]:
    """(trigger rows, role rows) from one part of RAMS, PLOVER and event-location."""
    trig, role = Rows(), Rows()
    passages = read_rams(data, part)
    for p, doc in zip(passages, parse_words(nlp, [p.words for p in passages]), strict=True):
        sent = doc[:]
        trigger = doc[p.trigger]
        w = 1.0 if p.family != "other" else other_weight
        if p.family != "other":
            _add_trigger_rows(trig, sent, trigger, p.family, 1.0, f"rams:{p.key}")
        gold = {i: ROLE_CLASS.get(name, "none") for i, name in gold_heads(doc, p.args).items()}
        _add_role_rows(role, sent, trigger, p.family, gold, w, f"rams:{p.key}")
    plover = read_plover(data, part)
    for item, doc in zip(plover, parse_cached(nlp, [x.text for x in plover]), strict=True):
        trigger = _char_token(doc, *item.trigger)
        if trigger is None:
            continue
        sent = trigger.sent
        _add_trigger_rows(trig, sent, trigger, item.family, plover_weight, f"plover:{item.text[:40]}")
        gold: dict[int, str] = {}
        for s, e, r in item.participants:
            tok = _char_token(doc, s, e)
            if tok is not None:
                gold.setdefault(tok.i, r)
        _add_role_rows(role, sent, trigger, item.family, gold, plover_weight, f"plover:{item.text[:40]}")
    located = read_event_location(data, part)
    for item, doc in zip(located, parse_cached(nlp, [x.text for x in located]), strict=True):
        trigger = _char_token(doc, *item.trigger)
        if trigger is not None:
            _add_trigger_rows(trig, trigger.sent, trigger, item.family, 1.0, f"el:{text_key(item.text)}")
    return trig, role


# --------------------------------------------------------------------------- scoring


@dataclass
class RoleScores:
    """Per scored role: gold arguments (all / inside the trigger's sentence), predictions, hits."""

    gold: Counter = field(default_factory=Counter)
    gold_in: Counter = field(default_factory=Counter)
    pred: Counter = field(default_factory=Counter)
    hit: Counter = field(default_factory=Counter)

    def f1(self, role: str, *, inside: bool = False) -> tuple[float, float, float]:
        g = (self.gold_in if inside else self.gold)[role]
        p, h = self.pred[role], self.hit[role]
        prec = h / p if p else 0.0
        rec = h / g if g else 0.0
        return prec, rec, (2 * prec * rec / (prec + rec) if prec + rec else 0.0)


def _scored_name(event_type: str, cls: str) -> str | None:
    """The RAMS role a predicted class stands for on an event type (None: not scored there)."""
    if cls == "instrument":
        return "instrument"
    if event_type.startswith("conflict.attack"):
        return {"agent": "attacker", "patient": "target"}.get(cls)
    if event_type.startswith(("life.die", "life.injure")):
        return "victim" if cls == "patient" else None
    return None


def _nearest_peer(sent: Span, trigger: Token) -> dict[int, str]:
    """The plain peer: the nearest candidate before the trigger acts, the nearest after undergoes."""
    cands = [c for c in role_candidates(sent) if c.i != trigger.i]
    before = [c for c in cands if c.i < trigger.i]
    after = [c for c in cands if c.i > trigger.i]
    out = {}
    if before:
        out[before[-1].i] = "agent"
    if after:
        out[after[0].i] = "patient"
    return out


_PATIENT_PREPS = {"against", "on", "at", "with", "into", "upon", "toward", "towards", "from"}


def _old_rule(tok: Token) -> str | None:
    """The parse rule of the actor namer before the learned roles (subject acts, object undergoes)."""
    t = tok
    while t.dep_ == "conj" and t.head is not t:
        t = t.head
    if t.dep_ == "nsubj" or t.dep_ == "poss":
        return "agent"
    if t.dep_ in ("nsubjpass", "dobj", "attr", "oprd"):
        return "patient"
    if t.dep_ == "pobj":
        prep = t.head.lower_
        if prep in ("by", "between", "among"):
            return "agent"
        if prep in _PATIENT_PREPS:
            return "patient"
    return None


def _rule_peer(sent: Span, trigger: Token) -> dict[int, str]:
    out = {}
    for c in role_candidates(sent):
        if c.i != trigger.i and (r := _old_rule(c)) is not None:
            out[c.i] = r
    return out


def _model_roles(model: RoleModel, sent: Span, trigger: Token, family: str) -> dict[int, str]:
    out = {}
    for tok, probs in model.roles(sent, trigger, family):
        best = max(probs, key=lambda k: probs[k])
        if best != "none":
            out[tok.i] = best
    return out


def score_rams(nlp: Language, model: RoleModel, data: Path, part: str = VALIDATION) -> dict[str, Any]:
    """Argument scores on one RAMS part: the learned model (gold and predicted trigger) and the peers."""
    passages = read_rams(data, part)
    docs = parse_words(nlp, [p.words for p in passages])
    systems = ("nearest entity", "parse rule (before)", "learned, gold trigger", "learned, own trigger")
    scores = {s: RoleScores() for s in systems}
    trig_ok = trig_root = trig_n = 0
    for p, doc in zip(passages, docs, strict=True):
        sent, trigger = doc[:], doc[p.trigger]
        heads = gold_heads(doc, p.args)
        own = model.find_trigger(sent, p.family)
        if p.family == "violence":
            trig_n += 1
            trig_ok += own.i == trigger.i
            trig_root += sent.root.i == trigger.i
        predictions = {
            "nearest entity": _nearest_peer(sent, trigger),
            "parse rule (before)": _rule_peer(sent, trigger),
            "learned, gold trigger": _model_roles(model, sent, trigger, p.family),
            "learned, own trigger": _model_roles(model, sent, own, p.family),
        }
        for s, pred in predictions.items():
            sc = scores[s]
            for name in p.outside:
                if name in SCORED_ROLES:
                    sc.gold[name] += 1
            for _i, name in heads.items():
                if name in SCORED_ROLES:
                    sc.gold[name] += 1
                    sc.gold_in[name] += 1
            for i, cls in pred.items():
                name = _scored_name(p.event_type, cls)
                if name is None:
                    continue
                sc.pred[name] += 1
                sc.hit[name] += heads.get(i) == name
    return {
        "passages": len(passages),
        "trigger": {"violent passages": trig_n, "learned": round(trig_ok / max(trig_n, 1), 3),
                    "sentence root": round(trig_root / max(trig_n, 1), 3)},
        "roles": {s: {r: dict(zip(("p", "r", "f1"), (round(v, 3) for v in sc.f1(r)), strict=True))
                      | {"f1_in_sentence": round(sc.f1(r, inside=True)[2], 3), "gold": sc.gold[r],
                         "gold_in_sentence": sc.gold_in[r]}
                      for r in SCORED_ROLES} for s, sc in scores.items()},
    }


def iter_roles_text(report: dict[str, Any]) -> Iterator[str]:
    """Lines of the RAMS part of the report."""
    t = report["trigger"]
    yield (f"RAMS validation passages: {report['passages']}; trigger of violent events right: learned "
           f"{t['learned']:.3f}, sentence root {t['sentence root']:.3f} (n={t['violent passages']})")
    yield f"{'system':<24}" + "".join(f"{r + ' P/R/F1 (F1 in sent.)':>34}" for r in SCORED_ROLES)
    for system, roles in report["roles"].items():
        cells = "".join(f"{v['p']:.2f}/{v['r']:.2f}/{v['f1']:.2f} ({v['f1_in_sentence']:.2f})".rjust(34)
                        for v in roles.values())
        yield f"{system:<24}{cells}"
    first = next(iter(report["roles"].values()))
    yield "gold arguments (in the trigger's sentence): " + ", ".join(
        f"{r} {v['gold']} ({v['gold_in_sentence']})" for r, v in first.items())


def attacker_decisions(nlp: Language, model: RoleModel, data: Path, part: str) -> float:
    """Share of ``conflict.attack`` passages of one RAMS part whose sentence-level decision is right: the
    participant ``RoleModel.pick`` takes as the agent is the gold attacker, or nobody when the trigger's
    sentence names none (a speaker or a victim taken for the attacker is wrong)."""
    passages = [p for p in read_rams(data, part) if p.event_type.startswith("conflict.attack")]
    right = 0
    for p, doc in zip(passages, parse_words(nlp, [p.words for p in passages]), strict=True):
        scored = model.roles(doc[:], doc[p.trigger], p.family)
        gold = {i for i, name in gold_heads(doc, p.args).items() if name == "attacker"}
        i = model.pick([(probs["agent"], probs["patient"]) for _t, probs in scored], "agent")
        right += (scored[i][0].i in gold) if i is not None else not gold
    return right / max(len(passages), 1)
