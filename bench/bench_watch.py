"""What a poll costs: ``eventwire watch FEED --once`` against its plain peer ``eventwire run --fetch FEED`` on the
same news site (real ECB+ articles as pages on 127.0.0.1, listed in a real RSS file, ``bench/feedsite.py``).

    nice -n 10 python bench/bench_watch.py --articles 50

Each tool reads the feed into a store of its own three times: first every article is new; then one article's
text is revised and one article is added; then nothing changed. Printed per poll and tool: requests answered in
full (200) and as not modified (304), bytes sent, articles stored and extracted, seconds; then the ratio of bytes,
watch to run --fetch.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from feedsite import SHARED, Site, ecb_docs, page_html, page_path

from eventwire.store import Store

EVENTWIRE = [sys.executable, "-c", "from eventwire.cli import main; main()"]


def poll(command: list[str], db: Path, env: dict[str, str], site: Site) -> dict[str, Any]:
    """One poll by one tool: what the site answered, what the store holds after, how long it took."""
    before, sent = dict(site.requests), site.sent
    t0 = time.monotonic()
    r = subprocess.run([*command, "--db", str(db)], env=env, capture_output=True, text=True)
    took = time.monotonic() - t0
    assert r.returncode in (0, 1), r.stderr[-2000:]
    with Store(db, read_only=True) as store:
        articles, extracted = store.count("articles"), store.count("extracted")
    answered = {k: site.requests.get(k, 0) - before.get(k, 0) for k in (200, 304)}
    return {"200": answered[200], "304": answered[304], "bytes": site.sent - sent, "articles": articles,
            "extracted": extracted, "seconds": took}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=50)
    ap.add_argument("--work", type=Path, default=None)
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="eventwire-bench-watch-"))
    docs = ecb_docs(SHARED / "ecbplus-dev" / "docs.jsonl", topics={3, 8, 12, 16, 19, 22, 33})[: args.articles + 1]
    first, added = docs[:-1], docs[-1]
    site = Site()
    site.start()
    env = os.environ | {"EVENTWIRE_ALLOW_PRIVATE": "1", "EVENTWIRE_WATCH_HOST_DELAY": "0"}
    feed = site.url + "/feed.rss"
    tools = {"run --fetch": [*EVENTWIRE, "run", "--fetch", feed], "watch --once": [*EVENTWIRE, "watch", feed, "--once"]}
    got: dict[tuple[str, str], dict[str, Any]] = {}
    for step in ("all new", "1 revised, 1 added", "nothing changed"):
        if step == "all new":
            site.publish(first)
        elif step == "1 revised, 1 added":
            site.publish([*first, added])
            revised = dict(first[0], text=first[0]["text"] + "\nThis article was updated with new figures.")
            site.put(page_path(revised), page_html(revised))
        for tool, command in tools.items():
            g = got[(step, tool)] = poll(command, work / f"{tool.split()[0]}.duckdb", env, site)
            print(f"{step:<20} {tool:<13} 200: {g['200']:>4}  304: {g['304']:>4}  bytes: {g['bytes']:>10,}  "
                  f"articles {g['articles']:>4}  extracted {g['extracted']:>4}  {g['seconds']:6.1f} s", flush=True)
    for step in ("1 revised, 1 added", "nothing changed"):
        run, watch = got[(step, "run --fetch")], got[(step, "watch --once")]
        print(f"{step}: watch --once took {watch['bytes'] / max(run['bytes'], 1):.3f}x the bytes of run --fetch "
              f"({watch['bytes']:,} vs {run['bytes']:,}); pages sent in full: {watch['200']} vs {run['200']}")
    site.stop()


if __name__ == "__main__":
    main()
