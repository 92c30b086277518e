"""Per event word: the geocoder's event place next to the peer's (the place entity nearest the trigger)
and the marked place, with the reason of each disagreement counted.

Causes, for an example the geocoder gets wrong:
- ``none chosen, right candidate``: the model abstained although a candidate is the marked place;
- ``none chosen, no right candidate``: it abstained and no candidate is the marked place;
- ``not a candidate, outside window``: the marked place stands more than ``EVENT_PLACE_WINDOW`` sentences away;
- ``not a candidate, NER <label>``: the marked phrase is in the window but no candidate overlaps it
  (what spaCy calls the words there, or ``no entity``);
- ``ranked below, chosen farther`` / ``ranked below, chosen nearer``: a right candidate scored below the
  chosen one, which stands farther from (nearer to) the trigger in tokens.

Run: ``python scripts/diagnose_event_place.py [DATA_DIR] [--set rams|event-location] [--part validation]
[--show N] [--model FILE]``.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from eventwire.evaluation.doc_cache import parse_cached
from eventwire.evaluation.event_place import event_location_examples, rams_examples
from eventwire.geo import EVENT_PLACE_WINDOW, EventPlaceModel
from eventwire.pipeline import load_resources

READERS = {"rams": rams_examples, "event-location": event_location_examples}
PLACE_LABELS = {"GPE", "LOC", "FAC"}


def _dist(start: int, end: int, i: int) -> int:
    return min(abs(start - i), abs(end - 1 - i))


def diagnose(ex, doc, geo) -> dict:
    """Ours, the peer's and the marked place of one example, and the cause when ours is wrong."""
    span = doc.char_span(*ex.trigger, alignment_mode="expand")
    trig = span.root
    ctx = geo.article_context(doc)
    scored = geo.scored_places(trig.sent, ctx, trig)
    chosen = geo.locate_mention(trig.sent, ctx, trigger=trig)
    ours = chosen[0].span if chosen is not None else None
    ents = [e for e in doc.ents if e.label_ in PLACE_LABELS]
    peer = min(ents, key=lambda e: _dist(e.start, e.end, trig.i)) if ents else None
    ours_right = ours is not None and ex.right(ours.start_char, ours.end_char, None, None)
    peer_right = peer is not None and ex.right(peer.start_char, peer.end_char, None, None)
    right_cands = [(s, m) for s, m, _c, _f in scored if ex.right(m.span.start_char, m.span.end_char, None, None)]
    cause = ""
    if not ours_right:
        sents = list(doc.sents)
        at = next(k for k, s in enumerate(sents) if s.start == trig.sent.start)
        gold_sents = {k for k, s in enumerate(sents) for a, b in ex.spans if a < s.end_char and s.start_char < b}
        if ours is None:
            cause = "none chosen, right candidate" if right_cands else "none chosen, no right candidate"
        elif not right_cands:
            if gold_sents and min(abs(k - at) for k in gold_sents) > EVENT_PLACE_WINDOW:
                cause = "not a candidate, outside window"
            else:
                labels = {e.label_ for e in doc.ents for a, b in ex.spans if a < e.end_char and e.start_char < b}
                cause = "not a candidate, NER " + ("/".join(sorted(labels)) or "no entity")
        else:
            best = max(right_cands, key=lambda x: x[0])[1]
            farther = _dist(ours.start, ours.end, trig.i) > _dist(best.span.start, best.span.end, trig.i)
            cause = "ranked below, chosen " + ("farther" if farther else "nearer")
    return {"ours": ours.text if ours is not None else None, "peer": peer.text if peer is not None else None,
            "gold": [ex.text[a:b] for a, b in ex.spans], "trigger": trig.text, "ours_right": ours_right,
            "peer_right": peer_right, "cause": cause,
            "peer_candidate": peer is not None and any(
                m.span.start_char < peer.end_char and peer.start_char < m.span.end_char for _s, m, _c, _f in scored)}


def main(argv: list[str]) -> int:
    """Print the disagreements and the counts by cause."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", type=Path, default=Path("../shared/data"))
    parser.add_argument("--set", default="rams", choices=sorted(READERS))
    parser.add_argument("--part", default="validation")
    parser.add_argument("--show", type=int, default=40, help="disagreements printed")
    parser.add_argument("--model", type=Path, help="an event-place model file other than the shipped one")
    args = parser.parse_args(argv[1:])
    res = load_resources()
    if args.model is not None:
        res.geocoder.event_model = EventPlaceModel.load(args.model)
    examples = [e for e in READERS[args.set](args.data) if e.part == args.part and e.spans and e.trigger]
    docs = parse_cached(res.nlp, [e.text for e in examples])
    rows = [diagnose(ex, doc, res.geocoder) for ex, doc in zip(examples, docs, strict=True)]
    n = len(rows)
    print(f"{args.set} {args.part}: n={n}  ours {sum(r['ours_right'] for r in rows) / n:.3f}  "
          f"peer {sum(r['peer_right'] for r in rows) / n:.3f}")
    shown = 0
    for r in rows:
        if r["ours_right"] != r["peer_right"] and shown < args.show:
            shown += 1
            print(f"  {'LOSS' if r['peer_right'] else 'WIN '} trig={r['trigger']!r} ours={r['ours']!r} "
                  f"peer={r['peer']!r} gold={r['gold']} [{r['cause']}]")
    for title, keep in (("ours wrong, peer right", lambda r: not r["ours_right"] and r["peer_right"]),
                        ("both wrong", lambda r: not r["ours_right"] and not r["peer_right"]),
                        ("ours right, peer wrong", lambda r: r["ours_right"] and not r["peer_right"])):
        sel = [r for r in rows if keep(r)]
        causes = Counter(r["cause"] or "-" for r in sel)
        print(f"{title}: {len(sel)}  " + ", ".join(f"{k} {v}" for k, v in causes.most_common()))
        if title.startswith("ours wrong, peer right"):
            print(f"  of which the peer's entity is a candidate: {sum(r['peer_candidate'] for r in sel)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
