"""Which of a text's places is where its event happened: examples from three corpora, rows for
training the event-place model, and its scores next to a plain peer.

- event-location sentences (``event-location/labeled_text.jsonl.zip``): wire sentences with the event
  verb and the event's location phrase marked; split by sentence text (``event-location``);
- RAMS passages (``rams/*.jsonlines``): an event trigger and its ``place`` argument (only passages
  that mark one; the argument may stand in another sentence of the passage: when the trigger's sentence
  names no place, the nearest sentence that does); split by document (``rams``);
- UCDP headlines (``ucdp-ged-subsets/``, ``geo.ucdp_headline_examples``): a record's first two
  headlines when they name its coded place; no trigger, the gold is the record's point; split by
  coded place name (``ucdp-place``).

A candidate place is right when it overlaps a marked phrase, or (UCDP) when its record lies within
25 km of the coded point. The peer is the place entity (spaCy GPE/LOC/FAC) nearest the trigger.

Run: ``eventwire eval geo DATA_DIR --sets event-location,rams``.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from eventwire.evaluation.splits import GOLD, TRAIN, VALIDATION, load_split, text_key
from eventwire.geodesy import distance_km

# a UCDP-coded point this close to a candidate's record makes the candidate the event's place
RIGHT_KM = 25.0


@dataclass
class Example:
    """A text whose event place is known: marked phrases (character offsets) or a coded point."""

    corpus: str  # "event-location" | "rams" | "ucdp"
    text: str
    part: str | None  # train | validation | gold (split part), None when the split never saw it
    trigger: tuple[int, int] | None = None  # the event word's characters, when marked
    spans: list[tuple[int, int]] = field(default_factory=list)  # the event's place phrases
    point: tuple[float, float] | None = None  # the coded point (UCDP)

    def right(self, start: int, end: int, lat: float | None, lon: float | None) -> bool:
        """A candidate at characters ``start:end`` resolved to ``lat, lon`` is the event's place."""
        if any(start < e and s < end for s, e in self.spans):
            return True
        return self.point is not None and lat is not None and lon is not None and \
            distance_km(self.point[0], self.point[1], lat, lon) <= RIGHT_KM


def read_event_location(data_dir: Path) -> Iterator[dict]:
    """Records of the event-location sentences (text, spans, source)."""
    path = data_dir / "event-location" / "labeled_text.jsonl.zip"
    with zipfile.ZipFile(path) as zf:
        name = next(n for n in zf.namelist() if n.endswith(".jsonl") and not n.startswith("__MACOSX"))
        with zf.open(name) as fh:
            for line in fh:
                line = line.strip()
                if not line:
                    continue
                obj = json.loads(line)
                # The file holds JSON arrays of records as well as single records per line.
                yield from (obj if isinstance(obj, list) else [obj])


def event_location_examples(data_dir: Path) -> Iterator[Example]:
    """Every event-location sentence (with or without a marked place)."""
    split = load_split("event-location")
    for rec in read_event_location(data_dir):
        spans = rec.get("spans", [])
        verb = next((s for s in spans if s.get("label") == "VERB"), None)
        yield Example("event-location", rec["text"], split.get(text_key(rec["text"])),
                      trigger=(verb["start"], verb["end"]) if verb else None,
                      spans=[(s["start"], s["end"]) for s in spans if s.get("label") == "LOCATION"])


def rams_examples(data_dir: Path) -> Iterator[Example]:
    """RAMS passages whose trigger has a ``place`` argument: the tokens joined by spaces."""
    split = load_split("rams")
    for name in ("dev.jsonlines", "test.jsonlines"):
        path = data_dir / "rams" / name
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            doc = json.loads(line)
            tokens = [t for sent in doc["sentences"] for t in sent]
            starts, pos = [], 0
            for t in tokens:
                starts.append(pos)
                pos += len(t) + 1
            text = " ".join(tokens)

            def chars(a: int, b: int, starts: list[int] = starts, tokens: list[str] = tokens) -> tuple[int, int]:
                return starts[a], starts[b] + len(tokens[b])

            places = [chars(*arg) for _trig, arg, role in doc["gold_evt_links"] if role.endswith("place")]
            if not places or not doc["evt_triggers"]:
                continue
            trig = doc["evt_triggers"][0]
            yield Example("rams", text, split.get(doc["doc_key"]), trigger=chars(trig[0], trig[1]), spans=places)


@dataclass
class Rows:
    """One event word's candidate places (its sentence and the sentences next to it): features, right
    or not; the features of "none" and whether the example marks any place at all."""

    example: Example
    features: list[dict[str, float]]
    labels: list[int]
    with_trigger: bool
    none_features: dict[str, float] = field(default_factory=dict)

    @property
    def marked(self) -> bool:
        """The example marks a place (a phrase or a coded point)."""
        return bool(self.example.spans or self.example.point)


def candidate_rows(examples: Iterable[Example], res) -> Iterator[Rows]:
    """The geocoder's candidate places per example (``Geocoder.scored_places``), labelled.

    With a trigger, the trigger's sentence; without, every sentence (as ``locate`` is asked of each).
    """
    from eventwire.evaluation.doc_cache import parse_cached
    from eventwire.geo import SPEECH_LEMMAS, none_features

    geo = res.geocoder
    examples = list(examples)
    for ex, doc in zip(examples, parse_cached(res.nlp, [e.text for e in examples]), strict=True):
        ctx = geo.article_context(doc)
        if ex.trigger is not None:
            span = doc.char_span(*ex.trigger, alignment_mode="expand")
            if span is None or span.root.lemma_ in SPEECH_LEMMAS:
                continue  # "said in X" marks where something was said: no event place to learn from
            units = [(span.root.sent, span.root)]
        else:
            units = [(s, None) for s in doc.sents if s.text.strip()]
        for sent, trigger in units:
            scored = geo.scored_places(sent, ctx, trigger)
            labels = [int(ex.right(m.span.start_char, m.span.end_char, c.record.latitude, c.record.longitude))
                      for _s, m, c, _f in scored]
            yield Rows(ex, [f for *_x, f in scored], labels, trigger is not None,
                       none_features(sent, trigger is not None, scored))


# --------------------------------------------------------------------------- scores


@dataclass
class ChoiceTally:
    """The event's place chosen right, by the geocoder and by the peer."""

    n: int = 0
    right: int = 0
    peer_right: int = 0
    none_n: int = 0  # examples that mark no place
    none_right: int = 0  # ...where nothing was chosen

    def to_dict(self) -> dict:
        """Shares as a JSON-ready dict."""
        return {"n": self.n, "chosen_right": self.right / self.n if self.n else 0.0,
                "peer_nearest_place_entity": self.peer_right / self.n if self.n else 0.0,
                "n_without_place": self.none_n,
                "no_place_when_none": self.none_right / self.none_n if self.none_n else 0.0}


def score_choices(examples: Iterable[Example], res, parts: tuple[str, ...] = (VALIDATION, GOLD)
                  ) -> dict[str, ChoiceTally]:
    """Per part: the place ``locate`` picks for the marked trigger overlaps a marked phrase."""
    geo = res.geocoder
    examples = [e for e in examples if e.part in parts]
    out: dict[str, ChoiceTally] = {}
    for ex, doc in zip(examples, res.nlp.pipe(e.text for e in examples), strict=True):
        tally = out.setdefault(ex.part or "", ChoiceTally())
        ctx = geo.article_context(doc)
        picked: tuple[int, int] | None = None
        sents = [s for s in doc.sents if s.text.strip()]
        trig_i = None
        unit: tuple | None = (sents[0], None) if sents else None
        if ex.trigger is not None:
            span = doc.char_span(*ex.trigger, alignment_mode="expand")
            trig_i = span.root.i if span is not None else None
            unit = (span.root.sent, span.root) if span is not None else None
        if unit is not None:
            # the trigger's sentence and the sentences next to it (``Geocoder.scored_places``); none
            # chosen means "use the article's context", which a marked phrase never is
            chosen = geo.locate_mention(unit[0], ctx, trigger=unit[1])
            if chosen is not None:
                picked = (chosen[0].span.start_char, chosen[0].span.end_char)
        if not ex.spans:
            tally.none_n += 1
            tally.none_right += picked is None
            continue
        tally.n += 1
        tally.right += picked is not None and ex.right(*picked, None, None)
        # the peer: the place entity nearest the trigger
        ents = [e for e in doc.ents if e.label_ in {"GPE", "LOC", "FAC"}]
        if ents and trig_i is not None:
            near = min(ents, key=lambda e: min(abs(e.start - trig_i), abs(e.end - 1 - trig_i)))
            tally.peer_right += ex.right(near.start_char, near.end_char, None, None)
    return out


__all__ = ["TRAIN", "ChoiceTally", "Example", "Rows", "candidate_rows", "event_location_examples", "rams_examples",
           "read_event_location", "score_choices"]
