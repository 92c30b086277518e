"""Weakly labelled sub-type examples from UCDP GED headline records (train part only).

Every UCDP GED record is a real event in which people were killed, so its headline never reports a
strategic development, a peaceful protest or nothing at all; UCDP's type of violence says which family
of ACLED's political violence it is: state-based (1) and non-state (2) violence are fighting between
organised armed sides, one-sided violence (3) is an organised side killing civilians. The sub-type
within the family follows ACLED's codebook as ``eventwire.mentions`` applies it (an explosive or remote
weapon named makes its Explosions/Remote violence sub-type; an exchange of fire is an Armed clash
whatever the weapons); territory taken is the lexical classifier's reading.

The sub-type model otherwise learns from CASE snippets, templates and BBC sentences alone, and has
seen few reports of killings in the registers of SOHR, Mexican crime news or Myanmar's resistance
("They leave 2 men decapitated on the highway"): when the relevance model was sure of such a headline
and the models read it as no event, the leftover probabilities picked a strategic development or a
riot. These examples teach the family.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence

from eventwire.evaluation.corpora import Unit
from eventwire.mentions import ACLED_CODES, LinearModel, apply_codebook

# inter codes the codebook reads: the target of one-sided violence, and an armed, organised side
CIVILIANS = 7
ARMED = 1
TERRITORY_CODES = frozenset({"GOV_REGAINS_TERIT", "NON_STATE_ACTOR_OVERTAKES_TER"})
# headline records drawn per UCDP subset (fixed seed): enough registers, few enough to stay examples
PER_SUBSET = 300
SEED = 17


def weak_code(text: str, types: Sequence[str], classifier: LinearModel | None = None) -> str | None:
    """The ACLED sub-type a UCDP headline with deaths implies, or None when its record mixes one-sided
    violence with fighting (the family is then unknown).

    One-sided violence targets civilians; state-based violence is fought between a state and an organised
    armed side; in non-state violence the headline often tells only of people killed, and the codebook's
    own rule then decides (violence against people with no second armed side named is an Attack)."""
    kinds = set(types)
    if not kinds or ("3" in kinds and len(kinds) > 1):
        return None
    if kinds == {"3"}:
        return apply_codebook("ATTACK", text, inter1=None, inter2=CIVILIANS, hurt=True).code
    target = ARMED if "1" in kinds else None
    ruling = apply_codebook("ARMED_CLASH", text, inter1=None, inter2=target, hurt=True).code
    if ruling != "ARMED_CLASH" or classifier is None:
        return ruling
    # fighting with no weapon of its own: territory taken when that is the lexical classifier's reading
    scores = classifier.decision([text])[0]
    acled = [i for i, c in enumerate(classifier.classes) if c in ACLED_CODES]
    best = classifier.classes[max(acled, key=lambda i: scores[i])]
    return best if best in TERRITORY_CODES else ruling


def ucdp_subtype_examples(units: Sequence[Unit], classifier: LinearModel | None = None, *,
                          per_subset: int = PER_SUBSET, seed: int = SEED) -> list[tuple[str, str]]:
    """(headline, weak code) of up to ``per_subset`` train-part UCDP records per subset (the first
    headline of each record; a fixed sample)."""
    by_subset: dict[str, list[Unit]] = defaultdict(list)
    for u in units:
        if u.corpus == "ucdp" and u.part == "train" and u.sentences:
            by_subset[u.subset].append(u)
    out: list[tuple[str, str]] = []
    for subset, group in sorted(by_subset.items()):
        group.sort(key=lambda u: u.key)
        for u in random.Random(f"{seed}:{subset}").sample(group, min(per_subset, len(group))):
            code = weak_code(u.sentences[0], u.meta.get("type_of_violence", ()), classifier)
            if code is not None:
                out.append((u.sentences[0], code))
    return out


__all__ = ["PER_SUBSET", "ucdp_subtype_examples", "weak_code"]
