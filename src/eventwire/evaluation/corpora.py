"""Builders of training and evaluation units from the shared development data (train/validation parts).

Every corpus is turned into :class:`Unit` objects: one article, passage, snippet or headline
record, with the part it belongs to (``eventwire.evaluation.splits``), its sentences (what the
runtime would score), an article-level gold label and the sentence-level training examples it
contributes (only units of the ``train`` part are ever trained on).

Labels: 1 = reports an ACLED-type event (political violence, protest/riot, strategic development),
0 = does not, ``None`` = ambiguous (never trained on, reported separately).

Hand-made label files in ``labels/``: ``ecbplus_topics.tsv`` (ECB+ topics), ``l3s_pages.tsv``
(l3s pages), ``rams_conflict_triggers.tsv`` (RAMS conflict.* trigger sentences), each labelled by the
eventwire developers (their headers say how).
"""

from __future__ import annotations

import csv
import functools
import json
import random
import re
import sys
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from eventwire.evaluation.splits import TRAIN, VALIDATION, load_split, place_key
from eventwire.evaluation.training import SLOTS_PATH, WRITTEN_PATH, content_words, read_case_tsv, read_pairs, resembles
from eventwire.mentions import ACLED_CODES

csv.field_size_limit(sys.maxsize)

LABELS = Path(__file__).with_name("labels")


@dataclass
class Example:
    """One sentence-level training text with its relevance label and (if known) sub-type code."""

    text: str
    label: int
    code: str | None = None
    weight: float = 1.0
    title: bool = False  # a headline (UCDP, BBC/l3s titles, ECB+ first lines): style differs from body text


@dataclass
class Unit:
    """An evaluation unit: article, passage, snippet or headline record."""

    corpus: str  # bbc, ecb, l3s, rams, case, ucdp, plover, evloc, written
    key: str
    part: str  # train / validation
    subset: str  # e.g. bbc/business, rams/negative, case/ATTACK, ucdp/syria
    label: int | None
    sentences: list[str]
    examples: list[Example] = field(default_factory=list)
    code: str | None = None
    meta: dict = field(default_factory=dict)

    @property
    def group(self) -> str:
        """Cross-validation group: all sentences of one unit stay in one fold."""
        return f"{self.corpus}:{self.key}"


# --------------------------------------------------------------------------- text helpers


@functools.cache
def _sentencizer():
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def split_sentences(text: str, min_chars: int = 3) -> list[str]:
    """Rule-based sentence split (spaCy's sentencizer on a blank English pipeline)."""
    text = " ".join(text.split())
    if not text:
        return []
    doc = _sentencizer()(text[:100_000])
    return [s.text.strip() for s in doc.sents if len(s.text.strip()) >= min_chars]


_DETOK = [(re.compile(r" ([,.;:!?%)\]}])"), r"\1"), (re.compile(r"([(\[{$]) "), r"\1"),
          (re.compile(r" (n't|'s|'re|'ve|'ll|'d|'m)\b", re.I), r"\1"), (re.compile(r"`` ?| ?''"), '"'),
          (re.compile(r" - "), "-")]


def detokenize(text: str) -> str:
    """Undo PTB-style tokenisation (ECB+, RAMS): 'the army , he said .' -> 'the army, he said.'"""
    text = " ".join(text.split())
    for pattern, repl in _DETOK:
        text = pattern.sub(repl, text)
    return text


_GLUED = re.compile(r"([a-z0-9%)\"'][.!?])([A-Z])")


def unglue(text: str) -> str:
    """l3s full texts join paragraphs without a space ('status.Secretary'): put one back."""
    return _GLUED.sub(r"\1 \2", text)


# politics/background sentences that might report a real event: not trained on as negatives
CONFLICT_WORDS = re.compile(
    r"\b(war|wars|attack\w*|bomb\w*|kill\w*|troops?|soldiers?|protest\w*|demonstrat\w+|march\w*|riot\w*|"
    r"terror\w*|militant\w*|insurgen\w*|rebel\w*|clash\w*|shot|shoot\w*|violen\w+|arrest\w*|detain\w*|"
    r"hostage\w*|kidnap\w*|military|army|explos\w+|fight\w*|police|iraq\w*|afghan\w*|gunm[ae]n|strike\w*)\b",
    re.I)


# --------------------------------------------------------------------------- corpora


# Share of the BBC train articles used for training (a fixed sample by the md5 of the file key): all 20k
# of their sentences cost about an hour of sentence embedding on a two-core machine and add little
# over the 8k of the sample; the validation part is always whole.
BBC_TRAIN_SHARE = 0.4


def _in_share(key: str, share: float) -> bool:
    import hashlib

    return int(hashlib.md5(key.encode()).hexdigest(), 16) % 1000 < share * 1000


def bbc_units(data: Path, *, train_share: float = 1.0) -> Iterator[Unit]:
    """BBC articles: business/entertainment/sport/tech are negatives; politics sentences are
    negatives unless they carry a conflict word (those are background or real events: skipped).
    Of the train part, only the ``train_share`` sample (fixed) is kept."""
    split = load_split("bbc")
    for path in sorted((data / "bbc-news" / "bbc").glob("*/*.txt")):
        section = path.parent.name
        key = f"{section}/{path.name}"
        if split[key] == TRAIN and not _in_share(key, train_share):
            continue
        title, _, body = path.read_text(encoding="latin-1").partition("\n")
        sents = [title.strip()] + split_sentences(body)
        if section == "politics":
            examples = [Example(s, 0, title=i == 0) for i, s in enumerate(sents) if not CONFLICT_WORDS.search(s)]
            label = None
        else:
            examples = [Example(s, 0, title=i == 0) for i, s in enumerate(sents)]
            label = 0
        yield Unit("bbc", key, split[key], f"bbc/{section}", label, sents, examples)


def read_tsv(path: Path) -> list[dict[str, str]]:
    """Rows of a hand-made TSV (lines starting with # are comments; first other line is the header)."""
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


def ecb_units(data: Path) -> Iterator[Unit]:
    """ECB+ articles; topic labels from labels/ecbplus_topics.tsv. Conflict topics (8, 12, 19) are never
    trained on (they all fall in the train part of the split, so they are the only clean
    ECB+ recall check); non-conflict train topics give negative sentences."""
    topics = {int(r["topic"]): r for r in read_tsv(LABELS / "ecbplus_topics.tsv")}
    split = load_split("ecbplus")
    for line in (data / "ecbplus-dev" / "docs.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        doc = json.loads(line)
        topic = int(doc["topic"])
        conflict = topics[topic]["conflict"] == "yes"
        sents = [detokenize(s) for s in doc["text"].split("\n") if s.strip()]
        examples = [] if conflict else [Example(s, 0, title=i == 0) for i, s in enumerate(sents)]
        yield Unit("ecb", doc["doc_id"], split[str(topic)], f"ecb/{'conflict' if conflict else 'other'}",
                   1 if conflict else 0, sents, examples, meta={"topic": topic})


def l3s_units(data: Path) -> Iterator[Unit]:
    """l3s pages with the hand labels of labels/l3s_pages.tsv: 'no' pages give negative sentences,
    'yes' pages their headline as a positive, 'mention' pages nothing. Train pages whose headline
    also heads a validation page (the crawl holds duplicates) are not trained on."""
    labels = {r["file"]: r["label"] for r in read_tsv(LABELS / "l3s_pages.tsv")}
    split = load_split("l3s")
    rows = [json.loads(ln) for ln in (data / "l3s-gn1" / "gold_text.jsonl").read_text(encoding="utf-8").splitlines()
            if ln.strip()]
    val_heads = {(r["headline"] or "").strip().lower() for r in rows if split[r["id"] + ".html"] == VALIDATION}
    val_heads.discard("")
    for r in rows:
        key = r["id"] + ".html"
        lab = labels[key]
        head = (r["headline"] or "").strip()
        sents = ([head] if head else []) + split_sentences(unglue(r["fulltext"] or ""))
        part = split[key]
        dup = part == TRAIN and head.lower() in val_heads
        examples: list[Example] = []
        if not dup:
            if lab == "no":
                examples = [Example(s, 0, title=bool(head) and i == 0) for i, s in enumerate(sents)]
            elif lab == "yes" and head:
                examples = [Example(head, 1, title=True)]
        label = {"yes": 1, "no": 0}.get(lab)
        yield Unit("l3s", key, part, f"l3s/{lab}", label, sents, examples, meta={"duplicate_of_validation": dup})


# RAMS: relevance of a trigger's type (label of the trigger sentence); conflict.* types are
# decided by hand per sentence (labels/rams_conflict_triggers.tsv), these are the rest.
RAMS_AMBIGUOUS = ("life.die", "life.injure", "justice.arrestjaildetain", "artifactexistence.damagedestroy",
                  "government.agreements.acceptagreementcontractceasefire", "government.agreements.violateagreement",
                  "justice.judicialconsequences.execute")


def rams_type_label(event_type: str) -> int | None:
    """0 for the non-conflict types, None for the ambiguous ones (conflict.* handled by hand labels)."""
    if event_type.startswith("conflict."):
        raise ValueError("conflict.* types are labelled per sentence")
    return None if event_type.startswith(RAMS_AMBIGUOUS) else 0


def rams_units(data: Path) -> Iterator[Unit]:
    """RAMS passages (5 sentences). Only the trigger sentence is labelled: conflict.* triggers by
    hand (1 = an actual event, 0 = history/metaphor/plan), other types by ``rams_type_label``."""
    hand = {r["doc_key"]: int(r["event"]) for r in read_tsv(LABELS / "rams_conflict_triggers.tsv")}
    split = load_split("rams")
    for name in ("dev.jsonlines", "test.jsonlines"):
        for line in (data / "rams" / name).read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            doc = json.loads(line)
            start, _, types = doc["evt_triggers"][0]
            etype = types[0][0]
            sents, trig, off = [], 0, 0
            for i, toks in enumerate(doc["sentences"]):
                if off <= start < off + len(toks):
                    trig = i
                off += len(toks)
                sents.append(detokenize(" ".join(toks)))
            if etype.startswith("conflict."):
                label = hand[doc["doc_key"]]
                subset = "rams/conflict-event" if label else "rams/conflict-other"
            else:
                label = rams_type_label(etype)
                subset = "rams/ambiguous" if label is None else "rams/negative"
            examples = [] if label is None else [Example(sents[trig], label)]
            yield Unit("rams", doc["doc_key"], split[doc["doc_key"]], subset, label, sents, examples,
                       meta={"type": etype, "trigger_sentence": trig})


def case_units(data: Path) -> Iterator[Unit]:
    """CASE 2021 dev snippets: the 25 ACLED sub-types are positives, the 5 non-ACLED codes
    negatives. The training example is the whole snippet; evaluation scores its sentences."""
    split = load_split("case")
    for cid, text, code in read_case_tsv(data / "case2021-task2" / "dev.tsv"):
        label = 1 if code in ACLED_CODES else 0
        sents = split_sentences(text) or [text]
        yield Unit("case", cid, split[cid], f"case/{'acled' if label else 'other'}", label, sents,
                   [Example(text, label, code)], code=code)


def _english(text: str) -> bool:
    words = re.findall(r"[a-zà-ÿ]+", text.lower())
    en = sum(w in _EN_FUNCTION for w in words)
    other = sum(w in _ROMANCE_FUNCTION for w in words)
    return en >= 1 and en > other


_EN_FUNCTION = frozenset((
    "the", "a", "an", "of", "in", "on", "at", "to", "and", "by", "for", "with", "from", "was", "were", "is",
    "are", "has", "have", "had", "as", "after", "into", "near", "during",
))
_ROMANCE_FUNCTION = frozenset((
    "de", "la", "el", "en", "los", "las", "del", "un", "une", "des", "le", "les", "et", "por", "con", "y",
    "se", "al", "dans", "sur", "au",
))
_NOT_EVENT = re.compile(r"\b(report|reports|briefing|update|mapping|yearly|annual|weekly|monthly|summary|"
                        r"bulletin|roundup|digest|chronology|overview)\b", re.I)


def clean_headlines(raw: str) -> list[str]:
    """The English event headlines of a UCDP ``source_headline`` field (';'-separated)."""
    out = []
    for part in raw.split(";"):
        part = " ".join(part.split()).strip(" .-")
        if len(part.split()) >= 5 and _english(part) and not _NOT_EVENT.search(part) and part not in out:
            out.append(part)
    return out


UCDP_FILES = {"syria": "ucdp-ged-subsets/syria_ged191.csv", "mexico": "ucdp-ged-subsets/mexico_netify.csv",
              "myanmar": "ucdp-ged-subsets/myanmar_netify.csv", "world": "ucdp-ged-subsets/global_sample_ged231.csv",
              "ukraine": "ucdp-ged/conflict_data_ukr.csv"}


def ucdp_records(data: Path) -> Iterator[tuple[str, dict]]:
    """(subset, record) of every UCDP GED record of the development data (HXL tag rows skipped)."""
    for subset, rel in UCDP_FILES.items():
        with (data / rel).open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if (row.get("where_coordinates") or "").startswith("#"):
                    continue  # HXL tag row
                yield subset, row
    geo = json.loads((data / "ucdp-ged" / "GEDEvent_v23_1.geojson").read_text(encoding="utf-8"))
    for feat in geo["features"]:
        yield "car", feat["properties"]


def ucdp_units(data: Path, *, train_cap: int = 3000, val_cap: int = 1000, seed: int = 11) -> list[Unit]:
    """UCDP headline records (every one a violent event with deaths): one unit per distinct
    headline field, in the part of its coded place(s); a headline coded at places on both sides of
    the split is dropped. At most ``train_cap``/``val_cap`` units per subset (fixed seed)."""
    split = load_split("ucdp-place")
    seen: dict[tuple[str, str], dict] = {}
    for subset, row in ucdp_records(data):
        raw = row.get("source_headline") or ""
        heads = clean_headlines(raw)
        pk = place_key(row.get("where_coordinates") or "")
        part = split.get(pk)
        if not heads or part is None:
            continue
        rec = seen.setdefault((subset, raw), {"heads": heads, "parts": set(), "types": set()})
        rec["parts"].add(part)
        rec["types"].add(str(row.get("type_of_violence") or "").split(".")[0])
    by_subset: dict[tuple[str, str], list[Unit]] = defaultdict(list)
    for (subset, raw), rec in seen.items():
        if len(rec["parts"]) != 1:
            continue
        part = next(iter(rec["parts"]))
        types = sorted(rec["types"])
        unit = Unit("ucdp", f"{subset}:{raw}", part, f"ucdp/{subset}", 1, rec["heads"],
                    [Example(h, 1, title=True) for h in rec["heads"]], meta={"type_of_violence": types})
        by_subset[(subset, part)].append(unit)
    out: list[Unit] = []
    for (subset, part), units in sorted(by_subset.items()):
        units.sort(key=lambda u: u.key)
        cap = train_cap if part == TRAIN else val_cap
        out += random.Random(f"{seed}:{subset}:{part}").sample(units, min(cap, len(units)))
    return out


# PLOVER codes of deeds inside ACLED's scope (a demonstration, an assault, fighting) and of words outside it
# (demands, threats, disapproval, support, consultation...). Material acts that may or may not be ACLED
# events (coercion, mobilisation, retreat, agreements of every kind) are not trained on.
PLOVER_ACLED = frozenset({"PROTEST", "ASSAULT", "FIGHT"})
PLOVER_VERBAL = frozenset({"DEMAND", "REJECT", "THREATEN", "DISAPPROVE", "SUPPORT", "CONSULT", "AID", "INVESTIGATE",
                           "COOPERATE", "SANCTION", "CONCEDE"})


def plover_units(data: Path) -> Iterator[Unit]:
    """PLOVER gold-standard sentences (CC BY-SA 4.0): demonstrations, assaults and fighting are
    positives, verbal interactions negatives (``PLOVER_ACLED``, ``PLOVER_VERBAL``)."""
    split = load_split("plover")
    for r in json.loads((data / "plover-gsr" / "PLOVER_GSR_CAMEO.txt").read_text(encoding="utf-8")):
        text, event = (r.get("text") or "").strip(), r.get("event")
        if not text or r["id"] not in split:
            continue
        label = 1 if event in PLOVER_ACLED else 0 if event in PLOVER_VERBAL else None
        examples = [] if label is None else [Example(text, label)]
        yield Unit("plover", r["id"], split[r["id"]], f"plover/{'acled' if label else 'other'}", label, [text],
                   examples, meta={"event": event})


# Sources of the event-location sentences whose every sentence reports violence against people: the
# atrocities event descriptions (one-sided violence, many in a coder's words). The other sources mix
# events with history, plans and unrelated uses of the same verbs; of them, only the sentences whose
# annotated event is a demonstration (the dataset's own event-verb annotation) are taken.
EVENT_LOCATION_ACLED_SOURCES = frozenset({"Atrocities"})
EVENT_LOCATION_DEMONSTRATION_VERBS = frozenset({"demonstrated", "demonstrating", "marched", "marching", "march",
                                                "protested", "protesting", "protest", "rallied", "staged"})


def event_location_units(data: Path) -> Iterator[Unit]:
    """Event-location sentences (MIT) that report an ACLED-type event: the atrocities descriptions and the
    sentences whose annotated event is a demonstration; positives (train and validation parts; the
    relabelled gold sentences are left out)."""
    import io
    import zipfile

    from eventwire.evaluation.splits import text_key

    split = load_split("event-location")
    with zipfile.ZipFile(data / "event-location" / "labeled_text.jsonl.zip") as z:
        rows = json.load(io.TextIOWrapper(z.open("labeled_text.jsonl"), encoding="utf-8"))
    seen = set()
    for r in rows:
        text = " ".join((r.get("text") or "").split()).strip('"')
        key = text_key(r.get("text") or "")
        verbs = {r["text"][v["start"]:v["end"]].lower() for v in r.get("spans") or [] if v.get("label") == "VERB"}
        if r.get("source") in EVENT_LOCATION_ACLED_SOURCES:
            subset = "evloc/atrocities"
        elif verbs & EVENT_LOCATION_DEMONSTRATION_VERBS:
            subset = "evloc/demonstration"
        else:
            continue
        if key in seen or split.get(key) not in (TRAIN, VALIDATION):
            continue
        seen.add(key)
        yield Unit("evloc", key, split[key], subset, 1, [text], [Example(text, 1)],
                   code="PEACE_PROTEST" if subset == "evloc/demonstration" else None)


def written_units(*, variants: int = 4, seed: int = 13, guard_texts: list[str] | None = None
                  ) -> tuple[list[Unit], int]:
    """Training units from the developers' templates (``written.txt``), slots filled ``variants`` times.

    Templates that resemble any of ``guard_texts`` (CASE validation snippets) are dropped, as the
    CV guard does; returns (units, number dropped).
    """
    slots: dict[str, list[str]] = defaultdict(list)
    for key, value in read_pairs(SLOTS_PATH):
        slots[key].append(value)
    guard = [content_words(t) for t in guard_texts or []]
    rng = random.Random(seed)
    units, dropped = [], 0
    slot = re.compile(r"\{([A-Z]+)\}")
    for i, (code, tpl) in enumerate(read_pairs(WRITTEN_PATH)):
        if any(resembles(tpl, w) for w in guard):
            dropped += 1
            continue
        texts: list[str] = []
        for _ in range(variants):
            text = slot.sub(lambda m: rng.choice(slots[m.group(1)]), tpl)
            text = text[0].upper() + text[1:]
            if text not in texts:
                texts.append(text)
        label = 1 if code in ACLED_CODES else 0
        units.append(Unit("written", str(i), TRAIN, f"written/{'acled' if label else 'other'}", label, texts,
                          [Example(t, label, code, 0.5) for t in texts], code=code))
    return units, dropped


def all_units(data: Path) -> list[Unit]:
    """Every unit of every corpus (both parts)."""
    case = list(case_units(data))
    val_case = [u.examples[0].text for u in case if u.part == VALIDATION]
    written, _ = written_units(guard_texts=val_case)
    return (list(bbc_units(data, train_share=BBC_TRAIN_SHARE)) + list(ecb_units(data)) + list(l3s_units(data))
            + list(rams_units(data))
            + case + ucdp_units(data) + list(plover_units(data)) + list(event_location_units(data)) + written)


__all__ = ["Example", "Unit", "all_units", "bbc_units", "case_units", "clean_headlines", "detokenize",
           "ecb_units", "event_location_units", "l3s_units", "plover_units", "rams_units", "split_sentences",
           "ucdp_units", "written_units"]
