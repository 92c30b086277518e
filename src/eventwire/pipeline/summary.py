"""What a run did and the store's totals after it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from eventwire.model import (
    InputFailure,
)
from eventwire.store import Store

# (done, total, label) -> None; the CLI passes a rich progress bar, tests pass nothing
Progress = Callable[[int, int, str], None]


@dataclass
class RunSummary:
    """What a run did (its own work), then the store's totals after it, for the CLI and tests."""

    # this run's work
    run_id: str = ""  # the id its changes to events carry (store.history)
    articles_new: int = 0
    articles_revised: int = 0  # of the new articles, new revisions of stored ones
    articles_seen: int = 0
    articles_duplicate: int = 0
    failures: list[InputFailure] = field(default_factory=list)
    extracted: int = 0
    extracted_ids: list[str] = field(default_factory=list)
    skipped_language: list[str] = field(default_factory=list)
    skipped_languages: dict[str, int] = field(default_factory=dict)  # language -> articles not extracted
    mentions_found: int = 0
    mentions_undated: int = 0  # of those, mentions without an event date
    changes: int = 0  # changes to events recorded (store.history)
    # where the new articles' publication dates came from (Article.published_from; "none" without one)
    published_from: dict[str, int] = field(default_factory=dict)
    # the store's totals after the run
    articles: int = 0
    mentions: int = 0
    events: int = 0
    events_by_status: dict[str, int] = field(default_factory=dict)
    episodes: int = 0
    stories: int = 0
    claims: int = 0
    quarantined: int = 0
    workers_peak_bytes: list[int] = field(default_factory=list)  # per extraction worker, where the engine says

    @property
    def undated_articles(self) -> int:
        """New articles of this run without a publication date."""
        return self.published_from.get("none", 0)

    @property
    def ok(self) -> bool:
        """True when every input was read."""
        return not self.failures


def totals(store: Store, summary: RunSummary) -> RunSummary:
    """The store's totals after a run."""
    summary.articles = store.count("articles")
    summary.mentions = store.count("mentions")
    summary.events = store.count("events")
    summary.events_by_status = store.events_by_status()
    summary.episodes = store.count("episodes")
    summary.stories = store.count("stories")
    summary.claims = store.count("claims")
    summary.quarantined = store.count("quarantine")
    return summary
