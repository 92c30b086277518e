"""Watching sources as news happens: ``eventwire watch SOURCE... [--every 15m] [--once] [--notify URL]``.

Every ``every`` seconds (or once), each source is polled (``ingest.poller``: feeds, sitemaps and URL lists on the
web or on disk, web pages, folders), what is new or changed is stored, extracted and merged as ``run`` does
(``pipeline.watch_cycle``; the extraction and merging of a poll with anything new run in a short-lived process of
their own, so a watch that runs for days keeps no high-water mark of them), each poll is a run with its id (every
change it makes to an event names it), and the webhooks hear what changed. A poll holds the store's run lock, so
a ``run`` started meanwhile waits for it, and lets go of the store between commits, so the review app and exports
read meanwhile.

SIGINT and SIGTERM stop the watch cleanly after the batch in progress: no new item is read, extraction stops after
its chunk, what was extracted is merged and announced, then the watch exits (a second Ctrl+C stops at once). A
watch killed outright resumes where it was: items are marked read in the store right after their articles are
stored, and what was stored but not yet extracted or merged is done by the next poll.
"""

from __future__ import annotations

import re
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

from eventwire import pipeline
from eventwire.errors import Errors, UsageError
from eventwire.ingest import poller
from eventwire.settings import Settings
from eventwire.store import history
from eventwire.watch.notify import Delivery, Filters, Notifier, check_url, failure_message

DEFAULT_EVERY = 15 * 60.0
_UNITS = {"": 1.0, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def parse_every(text: str) -> float:
    """A duration: seconds, or a number with s, m, h or d ("90", "90s", "15m", "1.5h")."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", text or "")
    if not m or float(m.group(1)) <= 0:
        raise UsageError(Errors.E264, value=text)
    return float(m.group(1)) * _UNITS[m.group(2)]


def source_key(source: str) -> str:
    """How the store names a source: URLs as given, paths absolute (the same whatever folder watch runs in)."""
    if source.startswith(("http://", "https://")):
        return source
    return str(Path(source).expanduser().resolve())


class Stopper:
    """SIGINT and SIGTERM ask the watch to stop after the batch in progress; a second SIGINT stops at once."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.signal: str | None = None

    def __call__(self) -> bool:
        return self.event.is_set()

    def _handle(self, signum: int, _frame: FrameType | None) -> None:
        if self.event.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        self.signal = signal.Signals(signum).name
        self.event.set()

    @contextmanager
    def installed(self) -> Iterator[Stopper]:
        if threading.current_thread() is not threading.main_thread():
            yield self  # signals reach the main thread only: the caller sets ``event`` itself
            return
        old = {s: signal.signal(s, self._handle) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield self
        finally:
            for s, handler in old.items():
                signal.signal(s, handler)

    def wait(self, seconds: float) -> bool:
        """Sleep until the next poll; True when asked to stop meanwhile."""
        return self.event.wait(max(0.0, seconds))


Report = Callable[[pipeline.RunSummary, list[Delivery]], None]


def watch(sources: Sequence[str], settings: Settings, *, every: float = DEFAULT_EVERY, once: bool = False,
          notify: Sequence[str] = (), filters: Filters | None = None, report: Report | None = None,
          on_wait: Callable[[str], None] | None = None, stopper: Stopper | None = None,
          progress: pipeline.Progress | None = None) -> list[pipeline.RunSummary]:
    """Poll ``sources`` every ``every`` seconds (once with ``once``) until stopped; returns each poll's summary."""
    keys = [source_key(s) for s in sources]
    notifier = Notifier([check_url(u) for u in notify], filters or Filters())
    polls = poller(settings, backoff=not once)
    stopper = stopper or Stopper()
    done: list[pipeline.RunSummary] = []
    decisions_seen: list[int] = []
    with stopper.installed():
        while True:
            started = time.monotonic()
            summary, deliveries = _poll_once(keys, settings, polls, notifier, stopper, on_wait, progress,
                                             decisions_seen)
            pipeline.release_heap()  # a watch lives for days: what the poll freed goes back to the system
            done.append(summary)
            if report is not None:
                report(summary, deliveries)
            if once or stopper():
                break
            if stopper.wait(every - (time.monotonic() - started)):
                break
    return done


def _poll_once(keys: Sequence[str], settings: Settings, polls: Any, notifier: Notifier, stopper: Stopper,
               on_wait: Callable[[str], None] | None, progress: pipeline.Progress | None,
               decisions_seen: list[int]) -> tuple[pipeline.RunSummary, list[Delivery]]:
    summary = pipeline.RunSummary(run_id=history.new_run_id())
    with pipeline.run_store(settings, on_wait=on_wait) as store:
        start = history.last_seq(store.con)
        with pipeline.recorded_run(store, summary, "watch"):
            pipeline.watch_cycle(keys, store, settings, polls, summary=summary, stop=stopper, progress=progress,
                                 decisions_seen=decisions_seen)
        deliveries = notifier(store, settings, start) if notifier.urls else []
        store.release()
    return summary, deliveries


__all__ = ["DEFAULT_EVERY", "Delivery", "Filters", "Stopper", "failure_message", "parse_every", "source_key",
           "watch"]
