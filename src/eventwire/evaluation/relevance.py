"""False alarms on ordinary news and recall on conflict news, end to end through ``extract``.

``eventwire eval relevance [DATA]`` runs the whole per-article pipeline (ingest records ->
spaCy -> mentions) on the *validation* part of each development corpus and reports:

False alarms: the share of non-conflict articles for which eventwire reports any ACLED event
(a mention whose event type is one of ACLED's six, status ``occurred``), per set:
- BBC News business, entertainment, sport and tech (``bbc-news/bbc``), validation files;
- the ECB+ development topics that are not about conflict (``labels/ecbplus_topics.tsv``),
  validation topics;
- RAMS passages whose labelled trigger is not a conflict event type (nor one of the ambiguous
  types such as ``life.die``), validation passages (a non-conflict passage may still report
  fighting in another sentence: RAMS labels one trigger per passage).

Recall: CASE 2021 snippets of the validation half (weighted F1 over the 25 ACLED sub-types of
the main mention, a snippet without mention counting as NONE), beside the plain peer (TF-IDF word
n-grams and the bge-small-en embedding of the snippet, one LinearSVC, trained on the CASE train half
alone, which always answers a code); UCDP GED headlines with at least
one death whose place is in the validation part, English news headlines only (share with a
violent ACLED event; for one-sided
violence, share typed Violence against civilians); RAMS passages whose trigger sentence reports a
conflict event (share with any ACLED event).

Event descriptions (a stand-in for one-paragraph event descriptions written by conflict coders, which
are not in the development data; every one reports a real event): the CASE validation snippets of the
25 ACLED sub-types (share that get an ACLED event, main event's type and sub-type right), the UCDP
validation headlines with deaths (share with a violent event) and the validation part of the
event-location sentences from atrocities event descriptions (share with a violent event) and of those
whose annotated event is a demonstration (share with an ACLED event, a Protests or Riots one).
"""

from __future__ import annotations

import csv
import json
import random
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from eventwire.evaluation.splits import VALIDATION, load_split, place_key
from eventwire.model import Article, EventMention
from eventwire.settings import Settings

csv.field_size_limit(sys.maxsize)

LABELS = Path(__file__).with_name("labels")
ACLED_TYPES = frozenset({"Battles", "Explosions/Remote violence", "Violence against civilians", "Protests", "Riots",
                         "Strategic developments"})
VIOLENT_TYPES = frozenset({"Battles", "Explosions/Remote violence", "Violence against civilians"})
BBC_NEGATIVE_SECTIONS = ("business", "entertainment", "sport", "tech")
UCDP_FILES = ("syria_ged191.csv", "mexico_netify.csv", "myanmar_netify.csv", "global_sample_ged231.csv")
# headlines sampled per UCDP file, so one country's style does not dominate (and runs stay short)
UCDP_PER_FILE = 250
SAMPLE_SEED = 20261130


def is_acled_event(m: EventMention) -> bool:
    """An ACLED event as an analyst would see it in the events table."""
    return m.event_type in ACLED_TYPES and m.status == "occurred"


@dataclass
class SetScore:
    """One evaluation set: articles, how many had any ACLED event, and a few examples."""

    name: str
    n: int = 0
    hits: int = 0
    examples: list[str] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.hits / self.n if self.n else 0.0

    def add(self, hit: bool, example: str) -> None:
        self.n += 1
        if hit:
            self.hits += 1
            if len(self.examples) < 8:
                self.examples.append(example)


@dataclass
class DescriptionScore:
    """Event descriptions that each report a real event: how many get one, of the right type and sub-type."""

    name: str
    n: int = 0
    found: int = 0
    type_right: int | None = None  # None: the set has no gold type
    subtype_right: int | None = None

    def row(self) -> str:
        def share(k: int | None) -> str:
            return f"{k / self.n:6.1%}" if k is not None and self.n else "     -"

        return f"  {self.name:<44} {self.n:5d} {share(self.found):>8} {share(self.type_right):>8} " \
               f"{share(self.subtype_right):>8}"


@dataclass
class RelevanceReport:
    """False-alarm and recall sets, the CASE end-to-end F1 beside its peer, and the descriptions."""

    alarms: list[SetScore] = field(default_factory=list)
    recall: list[SetScore] = field(default_factory=list)
    case_weighted_f1: float | None = None
    case_n: int = 0
    peer_weighted_f1: float | None = None
    descriptions: list[DescriptionScore] = field(default_factory=list)

    def to_dict(self) -> dict:
        def one(s: SetScore) -> dict:
            return {"name": s.name, "n": s.n, "hits": s.hits, "share": round(s.share, 4), "examples": s.examples}

        return {"false_alarms": [one(s) for s in self.alarms], "recall": [one(s) for s in self.recall],
                "case_weighted_f1_acled": self.case_weighted_f1, "case_n": self.case_n,
                "peer_weighted_f1_acled": self.peer_weighted_f1,
                "descriptions": [vars(d) for d in self.descriptions]}

    def to_text(self) -> str:
        lines = ["False alarms (validation parts): share of non-conflict articles with any ACLED event"]
        for s in self.alarms:
            lines.append(f"  {s.name:<28} {s.hits:4d} / {s.n:<4d} {s.share:6.1%}")
            lines += [f"      e.g. {e}" for e in s.examples[:3]]
        lines.append("Recall on conflict news (validation parts)")
        for s in self.recall:
            lines.append(f"  {s.name:<28} {s.hits:4d} / {s.n:<4d} {s.share:6.1%}")
        if self.case_weighted_f1 is not None:
            lines.append(f"  CASE end to end, weighted F1 over the 25 ACLED sub-types: {self.case_weighted_f1:.3f} "
                         f"(n={self.case_n})")
        if self.peer_weighted_f1 is not None:
            lines.append(f"  peer (TF-IDF + bge-small + LinearSVC on the CASE train half, always answers): "
                         f"{self.peer_weighted_f1:.3f}")
        if self.descriptions:
            lines.append("Event descriptions (validation parts; every one reports a real event)")
            lines.append(f"  {'set':<44} {'n':>5} {'event':>8} {'type':>8} {'sub-type':>8}")
            lines += [d.row() for d in self.descriptions]
        return "\n".join(lines)


def _article(key: str, text: str, source: str, title: str | None = None) -> Article:
    return Article(id=key, text=text, source=source, title=title, published_from="unknown")


def bbc_articles(data: Path, sections: Sequence[str], part: str = VALIDATION) -> list[tuple[str, Article]]:
    """(section, article) for the BBC files of one split part."""
    split = load_split("bbc")
    out = []
    for section in sections:
        for path in sorted((data / "bbc-news" / "bbc" / section).glob("*.txt")):
            key = f"{section}/{path.name}"
            if split.get(key) != part:
                continue
            title, _, body = path.read_text(encoding="latin-1").partition("\n")
            out.append((section, _article(key, f"{title.strip()}\n\n{body.strip()}", str(path), title.strip())))
    return out


def ecbplus_topic_labels() -> dict[str, bool]:
    """topic -> True when its events are ACLED events (the developers' label file)."""
    from eventwire.evaluation.corpora import read_tsv

    return {r["topic"]: r["conflict"] == "yes" for r in read_tsv(LABELS / "ecbplus_topics.tsv")}


def ecbplus_articles(data: Path, *, acled: bool, part: str = VALIDATION) -> list[Article]:
    """ECB+ articles of the split part whose topic is (or is not) about ACLED events."""
    labels = ecbplus_topic_labels()
    split = load_split("ecbplus")
    out = []
    for line in (data / "ecbplus-dev" / "docs.jsonl").read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        topic = str(d["topic"])
        if split.get(topic) == part and labels.get(topic) is acled:
            out.append(_article(d["doc_id"], d["text"], "ecbplus-dev/docs.jsonl"))
    return out


def rams_passages(data: Path, part: str = VALIDATION) -> list[tuple[str, Article]]:
    """(label, passage) for the RAMS passages of the split part. The label is ``event`` when the
    trigger sentence reports a conflict event (the developers' reading of every ``conflict.*``
    trigger, ``labels/rams_conflict_triggers.tsv``), ``other`` for a trigger type that is not
    about conflict, ``skip`` for the rest (conflict types that are history, metaphor or plans, and
    types such as ``life.die`` that may or may not be)."""
    from eventwire.evaluation.corpora import RAMS_AMBIGUOUS, read_tsv

    hand = {r["doc_key"]: r["event"] == "1" for r in read_tsv(LABELS / "rams_conflict_triggers.tsv")}
    split = load_split("rams")
    out = []
    for name in ("dev.jsonlines", "test.jsonlines"):
        for line in (data / "rams" / name).read_text(encoding="utf-8").splitlines():
            d = json.loads(line)
            if split.get(d["doc_key"]) != part:
                continue
            etype = d["evt_triggers"][0][2][0][0]
            if etype.startswith("conflict."):
                label = "event" if hand.get(d["doc_key"]) else "skip"
            else:
                label = "skip" if etype.startswith(RAMS_AMBIGUOUS) else "other"
            text = "\n".join(" ".join(s) for s in d["sentences"])
            out.append((label, _article(d["doc_key"], text, f"rams/{name}")))
    return out


def case_snippets(data: Path, part: str = VALIDATION) -> list[tuple[str, Article]]:
    """(gold code, snippet) of the CASE dev half."""
    split = load_split("case")
    out = []
    with (data / "case2021-task2" / "dev.tsv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if split.get(row["id"]) == part:
                out.append((row["SubType"].strip(), _article(f"case-{row['id']}", row["EventSnippet"], "case")))
    return out


def ucdp_headlines(data: Path, part: str = VALIDATION, per_file: int = UCDP_PER_FILE) -> list[tuple[int, Article]]:
    """(type of violence, headline) of UCDP records with deaths whose coded place is in the split part
    (the first English news headline of the record: ``corpora.clean_headlines``)."""
    from eventwire.evaluation.corpora import clean_headlines

    split = load_split("ucdp-place")
    out = []
    for name in UCDP_FILES:
        rows = []
        with (data / "ucdp-ged-subsets" / name).open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                # English news headlines only (eventwire extracts English; report titles are no news)
                heads = clean_headlines(row.get("source_headline") or "")
                where = place_key(row.get("where_coordinates") or "")
                if not heads or split.get(where) != part or float(row.get("best") or 0) < 1:
                    continue
                head = heads[0]
                rows.append((int(float(row["type_of_violence"])), _article(f"ucdp-{name}-{row['id']}", head,
                                                                           f"ucdp-ged-subsets/{name}")))
        random.Random(SAMPLE_SEED).shuffle(rows)
        out += rows[:per_file]
    return out


def event_location_sentences(data: Path, subset: str, part: str = VALIDATION) -> list[Article]:
    """The event-location sentences of one part and subset ("evloc/atrocities": atrocities event
    descriptions; "evloc/demonstration": sentences whose annotated event is a demonstration)."""
    from eventwire.evaluation.corpora import event_location_units

    return [_article(f"evloc-{u.key}", u.sentences[0], "event-location") for u in event_location_units(data)
            if u.part == part and u.subset == subset]


def _peer_f1(data: Path, settings: Settings) -> float:
    """Weighted F1 over the 25 ACLED sub-types of the plain peer on the CASE validation half."""
    from eventwire.evaluation.case import score
    from eventwire.evaluation.corpora import case_units
    from eventwire.evaluation.embedding_cache import EmbeddingCache
    from eventwire.evaluation.models_report import case_peer

    units = list(case_units(data))
    texts = [u.examples[0].text for u in units]
    vectors = EmbeddingCache(Path(settings.cache) / "training-embeddings.npz").get(texts, batch_size=1)
    gold, pred = case_peer(units, dict(zip(texts, vectors, strict=True)))
    return round(score(gold, pred).weighted_f1_acled, 4)


def _extract(articles: Iterable[Article], settings: Settings) -> dict[str, list[EventMention]]:
    from eventwire.pipeline import extract_texts

    return {a.id: ms for a, ms in extract_texts(list(articles), settings)}


def _first_acled(mentions: Sequence[EventMention]) -> EventMention | None:
    return next((m for m in mentions if is_acled_event(m)), None)


def _example(article: Article, mentions: Sequence[EventMention]) -> str:
    m = _first_acled(mentions)
    if m is None:
        return article.id
    ev = m.evidence[0].text if m.evidence else ""
    return f"{article.id}: {m.sub_event_type}: {' '.join(ev.split())[:140]}"


def evaluate_relevance(data: Path, *, settings: Settings | None = None, alarms: bool = True,
                       recall: bool = True) -> RelevanceReport:
    """Run extraction on the validation sets and score false alarms and recall."""
    from sklearn.metrics import f1_score

    from eventwire.mentions import ACLED_CODES, CODES

    settings = settings or Settings()
    report = RelevanceReport()
    if alarms:
        bbc = bbc_articles(data, BBC_NEGATIVE_SECTIONS)
        ecb = ecbplus_articles(data, acled=False)
        rams = [(t, a) for t, a in rams_passages(data) if t == "other"]
        found = _extract([a for _, a in bbc] + ecb + [a for _, a in rams], settings)
        for section in BBC_NEGATIVE_SECTIONS:
            s = SetScore(f"BBC {section}")
            for _, a in (x for x in bbc if x[0] == section):
                s.add(_first_acled(found[a.id]) is not None, _example(a, found[a.id]))
            report.alarms.append(s)
        for name, arts in (("ECB+ non-conflict topics", ecb), ("RAMS non-conflict passages", [a for _, a in rams])):
            s = SetScore(name)
            for a in arts:
                s.add(_first_acled(found[a.id]) is not None, _example(a, found[a.id]))
            report.alarms.append(s)
    if recall:
        case = case_snippets(data)
        ucdp = ucdp_headlines(data)
        rams_c = [(t, a) for t, a in rams_passages(data) if t == "event"]
        atrocities = event_location_sentences(data, "evloc/atrocities")
        demonstrations = event_location_sentences(data, "evloc/demonstration")
        found = _extract([a for _, a in case] + [a for _, a in ucdp] + [a for _, a in rams_c] + atrocities
                         + demonstrations, settings)
        gold, pred = [], []
        described = DescriptionScore("CASE snippets of the 25 ACLED sub-types", type_right=0, subtype_right=0)
        for code, a in case:
            gold.append(code)
            pred.append(found[a.id][0].code if found[a.id] else "NONE")
            if code in ACLED_CODES:
                main = _first_acled(found[a.id])
                described.n += 1
                described.found += main is not None
                described.type_right += main is not None and main.event_type == CODES[code].event_type
                described.subtype_right += main is not None and main.code == code
        acled = [c for c in ACLED_CODES if c in set(gold)]
        report.case_weighted_f1 = round(float(f1_score(gold, pred, labels=acled, average="weighted",
                                                       zero_division=0)), 4)
        report.case_n = len(case)
        report.peer_weighted_f1 = _peer_f1(data, settings)
        report.descriptions.append(described)
        violent = SetScore("UCDP headlines: violent event")
        onesided = SetScore("UCDP one-sided: VAC")
        for tov, a in ucdp:
            ms = found[a.id]
            main = next((m for m in ms if m.event_type in VIOLENT_TYPES and m.status == "occurred"), None)
            violent.add(main is not None, a.id)
            if tov == 3:
                onesided.add(main is not None and main.event_type == "Violence against civilians", a.id)
        s = SetScore("RAMS conflict-event passages")
        for _, a in rams_c:
            s.add(_first_acled(found[a.id]) is not None, a.id)
        report.recall += [violent, onesided, s]
        report.descriptions.append(DescriptionScore("UCDP headlines with deaths (violent event)", violent.n,
                                                    violent.hits))
        described = DescriptionScore("atrocities descriptions (violent event)")
        for a in atrocities:
            described.n += 1
            described.found += any(m.event_type in VIOLENT_TYPES and m.status == "occurred" for m in found[a.id])
        report.descriptions.append(described)
        described = DescriptionScore("demonstrations, wire sentences (event, type)", type_right=0)
        for a in demonstrations:
            main = _first_acled(found[a.id])
            described.n += 1
            described.found += main is not None
            described.type_right += main is not None and main.event_type in ("Protests", "Riots")
        report.descriptions.append(described)
    return report

