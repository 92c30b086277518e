"""Who did what to whom in an event sentence: the event's word and its participants' roles, learned.

Two small models read the sentence's dependency parse and the spaCy pipeline's own token vectors
(``Doc.tensor``, the tok2vec layer its tagger and parser share; nothing else is run):

* the **trigger** model scores each verb, noun and adjective of the sentence: is it the word that
  names the event (of the event family the sentence was typed as: violence, protest, other)?
* the **role** model scores each candidate participant (noun-chunk heads, named entities, pronouns,
  nationality words and possessors) for its role toward the trigger: ``agent`` (who acted),
  ``patient`` (on whom: target, victim, detainee), ``instrument`` (with what) or ``none``.

Features are strings (the dependency path to the trigger with its prepositions, voice, side and
distance, the candidate's relation, entity label, head lemma, nationality or possessor, negation of
its clause, the verb that governs it) hashed with crc32 into a fixed space, plus both tokens'
vectors. Both models are multinomial logistic regressions stored as plain arrays in
``data/roles/roles.npz`` (``allow_pickle=False``), trained by ``scripts/train_roles.py`` on the
train parts of RAMS, PLOVER and the event-location sentences (``eventwire.evaluation.roles``).
"""

from __future__ import annotations

import functools
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from spacy.tokens import Doc, Span, Token

from eventwire.errors import Errors, UsageError
from eventwire.mentions.countries import country_of

ROLES_PATH = Path(__file__).resolve().parents[1] / "data" / "roles" / "roles.npz"
ROLE_CLASSES = ("none", "agent", "patient", "instrument")
FAMILIES = ("violence", "protest", "other")
HASH_BITS = 18
VECTOR_WIDTH = 96  # en_core_web_sm's tok2vec width

_TRIGGER_POS = {"VERB", "NOUN", "ADJ", "PROPN"}
_NOMINAL = {"NOUN", "PROPN", "PRON", "NUM"}
_NEG_DETS = {"no", "neither", "nor"}


# --------------------------------------------------------------------------- candidates


def role_candidates(sent: Span) -> list[Token]:
    """The words of a sentence that may be a participant, one token each (its head word).

    Noun-chunk heads, entity heads, pronouns, nationality words and possessors ("Israeli"
    shelling, "Israel's" air force), and proper-noun modifiers ("KIA outpost")."""
    seen: dict[int, Token] = {}
    doc = sent.doc
    chunks = doc.noun_chunks_iterator  # on the sentence alone: Span.noun_chunks walks the whole document
    if chunks is not None:
        for start, end, _label in chunks(sent):
            root = doc[start:end].root
            seen.setdefault(root.i, root)
    for ent in sent.ents:
        if ent.label_ in ("DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"):
            continue
        seen.setdefault(ent.root.i, ent.root)
    for tok in sent:
        if tok.i in seen:
            continue
        # pronouns, numbers and quantifiers that stand for people: "four were killed", "several of them"
        nominal = tok.pos_ in ("PRON", "NUM", "ADJ", "DET") and tok.dep_ in (
            "nsubj", "nsubjpass", "dobj", "pobj", "poss", "conj") and (
            tok.pos_ in ("PRON", "NUM") or any(c.dep_ == "prep" and c.lower_ == "of" for c in tok.children))
        modifier = tok.dep_ in ("amod", "compound", "poss", "nmod") and (
            tok.ent_type_ in ("NORP", "GPE", "ORG") or bool(country_of(tok.text)))
        # a noun that modifies a noun may be who did it: "army shelling", "coalition air strikes"
        compound = tok.dep_ == "compound" and tok.pos_ in ("NOUN", "PROPN") and tok.head.pos_ in ("NOUN", "PROPN")
        if nominal or modifier or compound:  # "four were killed", "Israeli shelling", "Israel's air force"
            seen[tok.i] = tok
    return [seen[i] for i in sorted(seen)]


def trigger_candidates(sent: Span) -> list[Token]:
    """The words that may name the event: verbs, nouns, adjectives (not auxiliaries, not names)."""
    return [t for t in sent if t.pos_ in _TRIGGER_POS and not t.ent_type_ and t.is_alpha]


# --------------------------------------------------------------------------- features


def _bucket(n: int) -> str:
    return "0" if n == 0 else "1" if n == 1 else "2" if n == 2 else "3-4" if n <= 4 else "5-8" if n <= 8 else "9+"


def _label(tok: Token) -> str:
    if tok.dep_ in ("prep", "agent", "dative"):
        return f"{tok.dep_}:{tok.lower_}"
    return tok.dep_


def _path(a: Token, b: Token) -> tuple[list[str], Token | None]:
    """Dependency steps from ``a`` up to the lowest common ancestor and down to ``b``, and that ancestor."""
    up = [a, *a.ancestors]
    down = [b, *b.ancestors]
    where = {t.i: k for k, t in enumerate(down)}
    for k, t in enumerate(up):
        if t.i in where:
            steps = [_label(x) + "^" for x in up[:k]] + [_label(x) + "v" for x in reversed(down[:where[t.i]])]
            return steps, t
    return ["far"], None


def voice(tok: Token) -> str:
    """'passive' when the word's clause is passive ("was shelled", "killed by"), else 'active'."""
    head = tok
    if any(c.dep_ in ("auxpass", "nsubjpass") for c in head.children):
        return "passive"
    if tok.tag_ == "VBN" and tok.dep_ in ("acl", "amod") or any(c.dep_ == "agent" for c in tok.children):
        return "passive"
    return "active"


def _negators(doc: Doc) -> tuple[frozenset[int], frozenset[int]]:
    """Indices of the words with a "not" (neg) child and of those with a "no" determiner, once per Doc."""
    key = (id(doc), len(doc))
    hit = _NEG_CACHE.get(key)
    if hit is not None and hit[0] is doc:
        return hit[1]
    neg = frozenset(t.head.i for t in doc if t.dep_ == "neg")
    no = frozenset(t.head.i for t in doc if t.dep_ == "det" and t.lower_ in _NEG_DETS)
    _NEG_CACHE.clear()  # one Doc at a time: the mentions stage reads an article's sentences in turn
    _NEG_CACHE[key] = (doc, (neg, no))
    return neg, no


_NEG_CACHE: dict[tuple[int, int], tuple[Doc, tuple[frozenset[int], frozenset[int]]]] = {}


def negated(tok: Token) -> bool:
    """True when the word's own clause is negated ("were not involved", "no Armenian forces",
    "did not intervene")."""
    neg, no = _negators(tok.doc)
    if tok.i in no:
        return True
    t = tok
    for _ in range(6):
        if t.i in neg:
            return True
        if t.pos_ in ("VERB", "AUX") or t.head is t:
            return False
        t = t.head
    return False


# Who recorded, found or witnessed what happened reports the event; it did not take part in it ("the monitoring
# mission recorded 14 explosions", "residents found the bodies", "found by a patrol"): the codebook's actors are
# the groups that took part. Verbs of saying are not here: in news a party often speaks of its own deed
# ("Ukraine says five rebels killed").
OBSERVE_LEMMAS = frozenset({"record", "register", "observe", "document", "find", "discover", "witness", "spot",
                            "detect", "count", "monitor", "note", "log", "verify"})


def head_noun(tok: Token) -> Token:
    """The noun a modifier belongs to ("Azerbaijani" -> "positions" in "Azerbaijani positions")."""
    t = tok
    while t.dep_ in ("compound", "amod", "nmod", "poss") and t.head is not t:
        t = t.head
    return t


def observer(tok: Token, trigger: Token) -> bool:
    """The word (or the noun it modifies) is who recorded or found the event ``trigger`` names, not a party:
    the subject of a verb of observing whose clause holds the trigger, or its "by" agent in the passive."""
    t = head_noun(tok)
    if t.dep_ == "nsubj" and any(c.dep_ == "dobj" for c in t.head.children):
        verb = t.head  # "residents found the bodies"; not "Body found next to ...", where the subject is what was found
    elif t.dep_ == "pobj" and t.head.dep_ == "agent":
        verb = t.head.head
    else:
        return False
    if verb.lemma_.lower() not in OBSERVE_LEMMAS or trigger.i in {w.i for w in t.subtree}:
        return False
    return trigger.i == verb.i or trigger.i in {w.i for w in verb.subtree}


def _governor(tok: Token) -> Token | None:
    for t in tok.ancestors:
        if t.pos_ in ("VERB", "AUX"):
            return t
    return None


def _prep_of(tok: Token) -> str:
    t = tok
    while t.dep_ == "conj" and t.head is not t:
        t = t.head
    if t.dep_ == "pobj" and t.head.dep_ in ("prep", "agent", "dative"):
        return t.head.lower_
    return "-"


def role_features(cand: Token, trigger: Token, family: str, *, trigger_voice: str | None = None,
                  trigger_negated: bool | None = None) -> list[str]:
    """Feature strings of one candidate participant toward the event's trigger (the trigger's voice and
    negation may be given when they were read once for all candidates)."""
    steps, lca = _path(cand, trigger)
    v = trigger_voice if trigger_voice is not None else voice(trigger)
    path = " ".join(steps) if len(steps) <= 4 else f"{' '.join(steps[:2])} .. {' '.join(steps[-2:])}"
    short = " ".join(steps[:2])
    prep = _prep_of(cand)
    gov = _governor(cand)
    ent = cand.ent_type_ or "-"
    lemma = cand.lemma_.lower()
    nat = bool(country_of(cand.text)) or cand.ent_type_ == "NORP"
    side = "before" if cand.i < trigger.i else "after"
    feats = [
        "bias", f"p={path}", f"p={path}|v={v}", f"ps={short}|v={v}", f"p={path}|f={family}",
        f"dep={cand.dep_}", f"dep={cand.dep_}|v={v}", f"dep={cand.dep_}|hdep={cand.head.dep_}",
        f"prep={prep}", f"prep={prep}|v={v}", f"prep={prep}|side={side}",
        f"pos={cand.pos_}", f"tag={cand.tag_}", f"ent={ent}", f"ent={ent}|p={short}",
        f"lem={lemma}", f"lem={lemma}|f={family}", f"tlem={trigger.lemma_.lower()}",
        f"tpos={trigger.pos_}", f"tpos={trigger.pos_}|dep={cand.dep_}", f"side={side}",
        f"side={side}|v={v}", f"dist={_bucket(abs(cand.i - trigger.i))}", f"nsteps={_bucket(len(steps))}",
        f"lca={'trigger' if lca is trigger else lca.dep_ if lca is not None else 'none'}",
        f"gov={gov.lemma_.lower() if gov is not None else '-'}",
        f"govtrig={gov is not None and gov.i == trigger.i}",
    ]
    if nat:
        feats += ["nationality", f"nationality|dep={cand.dep_}", f"nationality|p={short}"]
    if cand.dep_ == "poss" or any(c.dep_ == "case" for c in cand.children):
        feats += ["possessor", f"possessor|head_is_trigger={cand.head.i == trigger.i}"]
    if cand.head.i == trigger.i:
        feats.append(f"child_of_trigger|dep={cand.dep_}")
    if trigger.head.i == cand.i:
        feats.append(f"head_of_trigger|tdep={trigger.dep_}")
    if negated(cand):
        feats.append("negated")
    if trigger_negated if trigger_negated is not None else negated(trigger):
        feats.append("trigger_negated")
    if cand.text[:1].isupper():
        feats.append("capitalised")
    if cand.tag_ in ("NNS", "NNPS"):
        feats.append("plural")
    if cand.dep_ == "conj":
        feats.append(f"conj_of={cand.head.dep_}")
    if cand.head.dep_ == "pobj" and cand.head.head.lower_ == "of":
        feats.append("of_phrase")
    if any(c.dep_ == "pobj" or (c.dep_ == "prep" and c.lower_ == "of") for c in cand.children):
        feats.append("has_of")
    return feats


def trigger_features(tok: Token, family: str) -> list[str]:
    """Feature strings of one word as the possible trigger of an event of ``family``."""
    lemma = tok.lemma_.lower()
    deps = sorted({c.dep_ for c in tok.children})
    feats = [
        "bias", f"lem={lemma}", f"lem={lemma}|f={family}", f"pos={tok.pos_}", f"tag={tok.tag_}",
        f"dep={tok.dep_}", f"dep={tok.dep_}|pos={tok.pos_}", f"hlem={tok.head.lemma_.lower()}",
        f"hdep={tok.head.dep_}", f"root={tok.dep_ == 'ROOT'}", f"v={voice(tok)}", f"f={family}",
        f"pos={tok.pos_}|f={family}", f"pos={tok.pos_}|dep={tok.dep_}|f={family}",
    ]
    feats += [f"child={d}" for d in deps]
    feats += [f"child={d}|pos={tok.pos_}" for d in deps]
    if negated(tok):
        feats.append("negated")
    gov = _governor(tok)
    if gov is not None:
        feats.append(f"gov={gov.lemma_.lower()}")
    return feats


def hashed(feats: Sequence[str], bits: int = HASH_BITS) -> np.ndarray:
    """Distinct bucket indices of feature strings (crc32, stable across processes and machines)."""
    mask = (1 << bits) - 1
    idx = {zlib.crc32(f.encode("utf-8")) & mask for f in feats}
    return np.fromiter(idx, dtype=np.int64, count=len(idx))


def token_vector(tok: Token) -> np.ndarray:
    """The pipeline's contextual vector of a token (zeros when the pipeline set none)."""
    tensor = tok.doc.tensor
    if tensor is None or tensor.ndim != 2 or tensor.shape[0] != len(tok.doc) or tensor.shape[1] != VECTOR_WIDTH:
        return np.zeros(VECTOR_WIDTH, dtype=np.float32)
    return np.asarray(tensor[tok.i], dtype=np.float32)


def trigger_rows(toks: Sequence[Token], family: str) -> list[tuple[np.ndarray, np.ndarray]]:
    """The trigger model's input rows: hashed features and the token's vector."""
    return [(hashed(trigger_features(t, family)), token_vector(t)) for t in toks]


def role_rows(cands: Sequence[Token], trigger: Token, family: str) -> list[tuple[np.ndarray, np.ndarray]]:
    """The role model's input rows: hashed features, the candidate's and the trigger's vectors."""
    tv = token_vector(trigger)
    v, neg = voice(trigger), negated(trigger)
    return [(hashed(role_features(c, trigger, family, trigger_voice=v, trigger_negated=neg)),
             np.concatenate([token_vector(c), tv])) for c in cands]


# --------------------------------------------------------------------------- model


@dataclass(frozen=True, eq=False)
class LinearScorer:
    """A multinomial logistic regression over hashed features and dense vectors."""

    W_hash: np.ndarray  # (n_classes, 2**HASH_BITS)
    W_dense: np.ndarray  # (n_classes, dense width)
    b: np.ndarray  # (n_classes,)

    @functools.cached_property
    def _by_feature(self) -> np.ndarray:
        """The hashed weights one row per feature (2**HASH_BITS, n_classes): rows gather fast."""
        return np.ascontiguousarray(self.W_hash.T)

    def scores(self, rows: Sequence[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
        """Class probabilities, shape (len(rows), n_classes)."""
        if not rows:
            return np.zeros((0, len(self.b)), dtype=np.float32)
        # one gather for every row's hashed features, summed per row; the dense part as one product
        sizes = np.fromiter((len(idx) for idx, _d in rows), dtype=np.int64, count=len(rows))
        gathered = self._by_feature[np.concatenate([idx for idx, _d in rows])]
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        hashed_part = np.add.reduceat(gathered, starts, axis=0) if len(gathered) else np.zeros((len(rows), len(self.b)))
        hashed_part[sizes == 0] = 0.0
        logits = hashed_part + np.stack([d for _i, d in rows]) @ self.W_dense.T + self.b
        if logits.shape[1] == 1:  # binary: one logit
            p = 1.0 / (1.0 + np.exp(-logits[:, 0]))
            return np.stack([1.0 - p, p], axis=1)
        logits -= logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        return e / e.sum(axis=1, keepdims=True)


@dataclass(frozen=True)
class RoleModel:
    """The trigger and role scorers with their decision thresholds."""

    trigger: LinearScorer
    role: LinearScorer
    agent_threshold: float
    patient_threshold: float
    meta: dict[str, str]
    # when no participant reaches a threshold, the best one above threshold x this scale is taken
    fallback_scale: float = 1.0

    def pick(self, scores: Sequence[tuple[float, float]], role: str) -> int | None:
        """Index of the participant that acted (``role`` 'agent': it must be likelier to have acted than
        undergone) or underwent ('patient'), from (agent, patient) probabilities; None when none qualifies."""
        threshold = self.agent_threshold if role == "agent" else self.patient_threshold
        for floor in (threshold, threshold * self.fallback_scale):
            ok = [(p[0] if role == "agent" else p[1], i) for i, p in enumerate(scores)
                  if (p[0] if role == "agent" else p[1]) >= floor and (role != "agent" or p[0] >= p[1])]
            if ok:
                return max(ok)[1]
        return None

    def find_trigger(self, sent: Span, family: str) -> Token:
        """The word of the sentence that names its event (the root when no word qualifies)."""
        toks = trigger_candidates(sent)
        if not toks:
            return sent.root
        p = self.trigger.scores(trigger_rows(toks, family))[:, 1]
        return toks[int(np.argmax(p))]

    def read(self, sent: Span, family: str) -> tuple[Token, list[tuple[Token, dict[str, float]]]]:
        """The sentence's trigger and its participants' roles; an event sentence is read once per family
        (the mentions stage asks twice: before and after the codebook's ruling)."""
        key = (id(sent.doc), len(sent.doc), sent.start, sent.end, family)
        hit = _READ_CACHE.get(key)
        if hit is not None and hit[0].doc is sent.doc:
            return hit
        trigger = self.find_trigger(sent, family)
        out = (trigger, self.roles(sent, trigger, family))
        if len(_READ_CACHE) >= 64:
            _READ_CACHE.clear()
        _READ_CACHE[key] = out
        return out

    def roles(self, sent: Span, trigger: Token, family: str) -> list[tuple[Token, dict[str, float]]]:
        """Every candidate participant of the sentence with its role probabilities toward ``trigger``."""
        cands = [c for c in role_candidates(sent) if c.i != trigger.i]
        probs = self.role.scores(role_rows(cands, trigger, family))
        return [(c, dict(zip(ROLE_CLASSES, map(float, p), strict=True))) for c, p in zip(cands, probs, strict=True)]


_READ_CACHE: dict[tuple[int, int, int, int, str], tuple[Token, list[tuple[Token, dict[str, float]]]]] = {}


def _scorer(z, prefix: str) -> LinearScorer:
    return LinearScorer(W_hash=z[f"{prefix}_W_hash"].astype(np.float32),
                        W_dense=z[f"{prefix}_W_dense"].astype(np.float32), b=z[f"{prefix}_b"].astype(np.float32))


@functools.lru_cache(maxsize=2)
def load_roles(path: Path = ROLES_PATH) -> RoleModel:
    """The shipped trigger and role models (``scripts/train_roles.py`` builds them)."""
    if not path.exists():
        raise UsageError(Errors.E232, path=path)
    with np.load(path, allow_pickle=False) as z:
        meta = {k[5:]: str(z[k]) for k in z.files if k.startswith("meta_")}
        return RoleModel(trigger=_scorer(z, "trigger"), role=_scorer(z, "role"),
                         agent_threshold=float(z["agent_threshold"]), patient_threshold=float(z["patient_threshold"]),
                         meta=meta, fallback_scale=float(z["fallback_scale"]) if "fallback_scale" in z.files else 1.0)


def save_roles(path: Path, trigger: LinearScorer, role: LinearScorer, *, agent_threshold: float,
               patient_threshold: float, fallback_scale: float, meta: dict[str, str]) -> None:
    """Write the models as plain arrays (half precision: the file stays small)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    arrays = {"trigger_W_hash": trigger.W_hash.astype(np.float16),
              "trigger_W_dense": trigger.W_dense.astype(np.float16), "trigger_b": trigger.b.astype(np.float32),
              "role_W_hash": role.W_hash.astype(np.float16),
              "role_W_dense": role.W_dense.astype(np.float16), "role_b": role.b.astype(np.float32),
              "agent_threshold": np.float32(agent_threshold), "patient_threshold": np.float32(patient_threshold),
              "fallback_scale": np.float32(fallback_scale)}
    arrays.update({f"meta_{k}": np.array(v) for k, v in meta.items()})
    np.savez_compressed(path, **arrays)
