"""Commands that read articles and extract their events: run, extract, ingest, shard, load and watch."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from eventwire import export, pipeline
from eventwire.cli.common import (
    DEFAULT_DB,
    CountryOpt,
    DbOpt,
    DisputedOpt,
    OutOpt,
    TypeOpt,
    err,
    event_place,
    out,
    tell,
)
from eventwire.errors import choice_error
from eventwire.ingest import parse_field_options
from eventwire.model import Article, Event, InputFailure
from eventwire.settings import Settings
from eventwire.store import Store

PathsArg = Annotated[list[str], typer.Argument(
    metavar="PATH", help="Article files, folders (read recursively), glob patterns like 'news/*.html', "
    "or - to read standard input. Text, HTML, JSON lines, CSV, feeds, WARC and archives are recognised.")]
FieldOpt = Annotated[list[str] | None, typer.Option(
    "--field", metavar="NAME=COLUMN", help="Which column of your JSON or CSV holds an article field, "
    "e.g. --field text=body --field published=pubDate. Repeat for each field.")]
FetchOpt = Annotated[bool, typer.Option(
    "--fetch", metavar="", help="Download the web pages that URLs, URL lists, sitemaps and feed entries point to "
    "(without it nothing is fetched).")]
ENGINES = ("local", "ray")
EngineOpt = Annotated[str, typer.Option(
    "--engine", metavar="local|ray", help="Where extraction runs: this machine's cores (local), or a Ray cluster "
    "(ray; pip install 'eventwire[ray]'). Workers: EVENTWIRE_N_PROCESS, else one per CPU.")]
AddressOpt = Annotated[str | None, typer.Option(
    "--address", metavar="ADDR", help="With --engine ray: the cluster to join (e.g. 10.0.0.5:6379 or 'auto'); "
    "without it a Ray instance is started on this machine for the run.")]
# rows of the run's events table; the rest are one 'eventwire export' away
EVENTS_SHOWN = 15


def _fields(pairs: list[str] | None) -> dict[str, str] | None:
    return parse_field_options(pairs) if pairs else None


def _stdin(paths: list[str]) -> object | None:
    return sys.stdin.buffer if "-" in paths else None


def _report_failures(failures: list[InputFailure]) -> None:
    for f in failures:
        err.print(f"[red]failed[/red] {escape(f.source)}: {escape(f.reason)}", highlight=False, soft_wrap=True)


def _announce_first_run(settings: Settings) -> None:
    """The first run builds the gazetteer index: say what the wait is for."""
    if not pipeline.gazetteer_built():
        err.print(f"The place-name index for geocoding is not built yet: the first extraction builds it in "
                  f"{settings.cache} (about 30 seconds, once; later runs start at once).", highlight=False)


@contextlib.contextmanager
def _progress(label: str) -> Iterator[pipeline.Progress]:
    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   console=err, transient=True, disable=not err.is_terminal)
    with bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int, _what: str) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def run(paths: PathsArg, db: DbOpt = DEFAULT_DB, field: FieldOpt = None, fetch: FetchOpt = False,
        engine: EngineOpt = "local", address: AddressOpt = None) -> None:
    """Read articles, find their events and merge them into the store; print what this run did.

    \b
    Example:  eventwire run news/ --db ukraine.duckdb
    Running again on the same files changes nothing; new files are added to the same store.
    A second run on the same store waits for the first; export, show and the review app read meanwhile.
    """
    settings = Settings.from_env(db=db)
    if engine not in ENGINES:
        raise choice_error("engine", engine, ENGINES)
    _announce_first_run(settings)
    with _progress("reading and extracting articles") as progress:
        if engine == "ray":
            from eventwire import cluster

            summary = cluster.run(paths, settings, address=address, fields=_fields(field), fetch=fetch,
                                  stdin=_stdin(paths), progress=progress, on_wait=tell)  # type: ignore[arg-type]
        else:
            summary = pipeline.run(paths, settings, fields=_fields(field), fetch=fetch,
                                   stdin=_stdin(paths), progress=progress, on_wait=tell)  # type: ignore[arg-type]
    _report_failures(summary.failures)
    _print_summary(summary, db, settings)
    with Store(db, read_only=True, on_wait=tell) as store:
        _print_events(store, set(summary.extracted_ids))
    if summary.run_id:
        out.print(f"run {summary.run_id}: {summary.changes} change(s) to events ('eventwire changes --since "
                  f"{summary.run_id}' lists them)", highlight=False)
    raise typer.Exit(0 if summary.ok else 1)


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {what}" for what, n in counts.items())


def _print_summary(summary: pipeline.RunSummary, db: Path, settings: Settings) -> None:
    """This run's work, then the store's totals, in two labelled tables."""
    t = Table(title="This run", show_header=False, title_justify="left")
    dates = {k: v for k, v in summary.published_from.items() if k != "none"}
    for name, value, note in [
        ("articles new", summary.articles_new, ""),
        ("articles already stored", summary.articles_seen, ""),
        ("duplicates linked", summary.articles_duplicate, ""),
        ("inputs failed", len(summary.failures), "see 'eventwire quarantine'" if summary.failures else ""),
        ("skipped (language)", len(summary.skipped_language), _counts(summary.skipped_languages)),
        ("articles extracted", summary.extracted, ""),
        ("event mentions found", summary.mentions_found,
         f"{summary.mentions_undated} without a date" if summary.mentions_undated else ""),
        ("publication dates from", sum(dates.values()), _counts(dates)),
        ("articles without a publication date", summary.undated_articles, ""),
    ]:
        t.add_row(name, str(value), note)
    out.print(t)
    if summary.undated_articles:
        out.print(f"{summary.undated_articles} new article(s) have no publication date: event dates whose year "
                  "the text does not give stay empty. Give 'published' in the input records or in an "
                  "eventwire-meta.jsonl file beside the articles (see README).", highlight=False)
    if summary.skipped_languages:
        langs = [*settings.languages, *sorted(set(summary.skipped_languages) - set(settings.languages))]
        out.print(f"{len(summary.skipped_language)} article(s) in other languages "
                  f"({_counts(summary.skipped_languages)}) were stored but not extracted: extraction reads "
                  f"{', '.join(settings.languages)} (the languages setting). To extract them with the same models, "
                  f"run again with EVENTWIRE_LANGUAGES={','.join(langs)}.", highlight=False)
    t = Table(title=f"Store totals ({db})", show_header=False, title_justify="left")
    for name, value, note in [
        ("articles", summary.articles, ""),
        ("event mentions", summary.mentions, ""),
        ("events", summary.events, _counts(summary.events_by_status)),
        ("episodes", summary.episodes, "events reported as one occurrence"),
        ("stories", summary.stories, ""),
        ("claims", summary.claims, ""),
        ("inputs in quarantine", summary.quarantined, ""),
    ]:
        t.add_row(name, str(value), note)
    out.print(t)


def _print_events(store: Store, article_ids: set[str], limit: int = EVENTS_SHOWN) -> None:
    """The events with an article extracted in this run (every status), at most ``limit`` rows."""
    if not article_ids:
        return
    events = [e for e in store.events() if article_ids & set(e.article_ids)]
    if not events:
        return
    by_status: dict[str, int] = {}
    for e in events:
        by_status[e.status] = by_status.get(e.status, 0) + 1
    shown = min(limit, len(events))
    t = Table(title=f"Events from this run's articles: {len(events)} ({_counts(by_status)}); "
                    f"{'all' if shown == len(events) else f'first {shown}'} shown", title_justify="left")
    # ids never wrap, so they can be copied into 'eventwire show'
    t.add_column("id", no_wrap=True, min_width=max(len(e.id) for e in events))
    for col in ("date", "status", "event (ACLED sub-type)", "place", "actor1", "fatal.", "sources"):
        t.add_column(col, overflow="fold")
    for e in events[:limit]:
        # place and actor names come from articles: plain text, never markup
        t.add_row(e.id, str(e.event_date or "undated"), e.status, e.sub_event_type, Text(event_place(e)),
                  Text(e.actor1 or ""), _fatalities(e), str(len(e.article_ids)))
    out.print(t)
    if shown < len(events):
        out.print(f"{len(events) - shown} more: 'eventwire export -o events.csv' writes them all.")


def _fatalities(e: Event) -> str:
    # the one rule every view follows: ACLED's figure, then the range that holds it
    return export.figure_text(e.fatalities, e.fatalities_low, e.fatalities_high)


def extract(paths: PathsArg, output: OutOpt = Path("-"), field: FieldOpt = None, fetch: FetchOpt = False) -> None:
    """Find the events each article reports, as JSON lines, without a store (nothing is merged).

    \b
    Example:  eventwire extract report.html -o mentions.jsonl
    """
    settings = Settings.from_env()
    failures: list[InputFailure] = []
    rows = []
    for item in pipeline.extract(paths, settings, fields=_fields(field), fetch=fetch, stdin=_stdin(paths)):  # type: ignore[arg-type]
        if isinstance(item, InputFailure):
            failures.append(item)
        elif isinstance(item, Article):
            err.print(f"skipped {item.source}: language {item.language!r} is not extracted "
                      f"(supported: {', '.join(settings.languages)})", highlight=False)
        else:
            rows.extend(export.mention_row(m) for m in item[1])
    export.write_rows(rows, "jsonl", None if str(output) == "-" else output, export.MENTION_COLUMNS)
    _report_failures(failures)
    if str(output) != "-":
        err.print(f"{len(rows)} event mentions -> {output}")
    raise typer.Exit(1 if failures else 0)


def ingest(paths: PathsArg, db: DbOpt = DEFAULT_DB, field: FieldOpt = None, fetch: FetchOpt = False) -> None:
    """Only read articles into the store (no event extraction yet); unreadable inputs go to quarantine.

    \b
    Example:  eventwire ingest feeds/*.xml --fetch
    """
    settings = Settings.from_env(db=db)
    with pipeline.run_store(settings, on_wait=tell) as store:
        summary = pipeline.ingest(paths, store, settings, fields=_fields(field), fetch=fetch, stdin=_stdin(paths))  # type: ignore[arg-type]
    _report_failures(summary.failures)
    out.print(f"{summary.articles_new} new, {summary.articles_seen} already stored, "
              f"{summary.articles_duplicate} duplicates linked, {len(summary.failures)} failed")
    raise typer.Exit(0 if summary.ok else 1)


def shard(paths: PathsArg, output: Annotated[Path, typer.Option("-o", "--output", metavar="FOLDER", help=(
        "The folder of shards that every machine writes to and the store's machine loads from."))],
          field: FieldOpt = None, fetch: FetchOpt = False) -> None:
    """Read and extract articles on this machine into a shard (Parquet files) for a store elsewhere.

    \b
    Example:  eventwire shard /feeds/today/ -o /shared/shards/    (on each machine)
              eventwire load /shared/shards/ --db world.duckdb  (on the store's machine)
    Nothing is merged here: 'eventwire load' adds the shard to a store and merges.
    """
    settings = Settings.from_env()
    _announce_first_run(settings)
    with _progress("reading and extracting articles") as progress:
        path, summary = pipeline.write_shard(paths, output, settings, fields=_fields(field), fetch=fetch,
                                             stdin=_stdin(paths), progress=progress)  # type: ignore[arg-type]
    _report_failures(summary.failures)
    out.print(f"{summary.articles_new} articles, {summary.extracted} extracted, {summary.mentions_found} event "
              f"mentions, {len(summary.failures)} inputs failed -> {path}", highlight=False)
    raise typer.Exit(0 if summary.ok else 1)


def load(shards: Annotated[list[Path], typer.Argument(metavar="FOLDER", help=(
        "Shard folders written by 'eventwire shard', or folders that hold them."))], db: DbOpt = DEFAULT_DB) -> None:
    """Add the shards other machines wrote to the store, then merge; shards loaded before are skipped.

    \b
    Example:  eventwire load /shared/shards/ --db world.duckdb
    """
    settings = Settings.from_env(db=db)
    with pipeline.run_store(settings, on_wait=tell) as store:
        summary, loaded = pipeline.load_shards(shards, store)
    _report_failures(summary.failures)
    out.print(f"{len(loaded)} new shard(s) loaded", highlight=False)
    _print_summary(summary, db, settings)
    raise typer.Exit(0 if summary.ok else 1)


def watch(
    sources: Annotated[list[str], typer.Argument(metavar="SOURCE", help=(
        "What to watch: feeds (RSS, Atom, JSON Feed), sitemaps and URL lists, as URLs or files; web pages; "
        "folders (their new and changed files)."))],
    db: DbOpt = DEFAULT_DB,
    every: Annotated[str, typer.Option(metavar="DURATION", help="Time between polls: seconds, or 90s, 15m, 2h, "
                                       "1d.")] = "15m",
    once: Annotated[bool, typer.Option("--once", metavar="", help="Poll every source once, then exit.")] = False,
    notify: Annotated[list[str] | None, typer.Option("--notify", metavar="URL", help=(
        "POST the new and changed events of each poll to this URL as JSON (retried; repeat for more URLs)."))]
    = None,
    country: CountryOpt = None,
    event_type: TypeOpt = None,
    min_fatalities: Annotated[int, typer.Option(metavar="N", help="With --notify: only events with at least N "
                                                "killed (the best figure).")] = 0,
    disputed: DisputedOpt = False,
) -> None:
    """Watch sources: poll them, read what is new or changed, and merge it into the store as 'run' does.

    \b
    Example:  eventwire watch https://example.org/world/rss.xml drops/ --every 15m --db world.duckdb
              eventwire watch feeds.txt --once --notify https://hooks.example.org/eventwire --country Sudan
    An article whose text changed (a toll revised) is stored as a new revision that supersedes the earlier one.
    Every change to an event is recorded ('eventwire changes'). Ctrl+C or SIGTERM stops after the batch in
    progress; a killed watch resumes where it was. --country, --event-type, --min-fatalities and --disputed
    choose what --notify announces. Pages on your own network need EVENTWIRE_ALLOW_PRIVATE=1.
    """
    from eventwire import watch as watching

    settings = Settings.from_env(db=db)
    seconds = watching.parse_every(every)
    filters = watching.Filters(country=country, event_type=event_type, min_fatalities=min_fatalities,
                               disputed=disputed)
    _announce_first_run(settings)
    failed = 0

    def report(summary: pipeline.RunSummary, deliveries: list[watching.Delivery]) -> None:
        nonlocal failed
        _report_failures(summary.failures)
        failed += len(summary.failures)
        revised = f" ({summary.articles_revised} revisions)" if summary.articles_revised else ""
        told = "".join(f"; {d.events} event(s) sent to {d.url}" if d.ok else f"; {watching.failure_message(d)}"
                       for d in deliveries if d.changes)
        out.print(f"{datetime.now():%Y-%m-%d %H:%M:%S}  run {summary.run_id}: {summary.articles_new} new article(s)"
                  f"{revised}, {summary.extracted} extracted, {summary.changes} change(s) to events, "
                  f"{len(summary.failures)} failed{told}", highlight=False, markup=False)

    if not once:
        err.print(f"watching {len(sources)} source(s) every {every}; Ctrl+C stops after the batch in progress",
                  highlight=False)
    watching.watch(sources, settings, every=seconds, once=once, notify=notify or [], filters=filters,
                   report=report, on_wait=tell)
    raise typer.Exit(1 if once and failed else 0)
