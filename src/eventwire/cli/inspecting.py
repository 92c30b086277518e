"""Commands that read the store: export, report, show, claims, changes, quarantine; and settings."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from eventwire import export
from eventwire.cli.common import (
    DEFAULT_DB,
    CountryOpt,
    DbOpt,
    DisputedOpt,
    MinSourcesOpt,
    SinceOpt,
    TypeOpt,
    UntilOpt,
    err,
    event_place,
    out,
    place_names,
    tell,
)
from eventwire.errors import Errors, UsageError
from eventwire.model import UNKNOWN_OUTLET, Event, FigureSummary
from eventwire.settings import Settings
from eventwire.store import Store, history, revisions


def _filter(since: datetime | None, until: datetime | None, country: str | None, event_type: str | None,
            disputed: bool, min_sources: int) -> export.EventFilter:
    return export.EventFilter(since=since.date() if since else None, until=until.date() if until else None,
                              country=country, event_type=event_type, disputed=disputed, min_sources=min_sources)


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
    with Store(db, read_only=True, on_wait=tell) as store:
        n = export.export(what, fmt, store, None if output == "-" else output, flt, partitioned=partitioned)
    if output != "-":
        err.print(f"{n} {what} -> {output}")


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


EventIdArg = Annotated[str, typer.Argument(metavar="EVENT_ID",
                                           help="An event id as 'eventwire run' or 'export' print it, or its "
                                                "first characters, e.g. e_0817.")]


def show(event_id: EventIdArg, db: DbOpt = DEFAULT_DB) -> None:
    """One event in full: its place, actors, figures, and every source sentence behind them.

    \b
    Example:  eventwire show e_081517b4
    """
    with Store(db, read_only=True, on_wait=tell) as store:
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
        out.print(f"place: {place_names(p.name + alias, p.admin1, p.country)} ({p.latitude}, {p.longitude}), "
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
        listing = "\n".join(f"  {e.id}  {e.event_date or 'undated'}  {e.sub_event_type}  {event_place(e)}"
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


def claims(event_id: EventIdArg, db: DbOpt = DEFAULT_DB) -> None:
    """Every claim about one event and its episode: figure, speaker and role, hedge, outlet, independence.

    \b
    Example:  eventwire claims e_081517b4
    The event's own claims come first, then those about the episode it belongs to (tolls of the
    fighting as a whole); a copy or rewrite of another report is never independent.
    """
    with Store(db, read_only=True, on_wait=tell) as store:
        event = _one_event(store, event_id, db)
        episode = next(iter(store.episodes([event.episode_id])), None) if event.episode_id else None
        chains = revisions.earlier(store.con, event.article_ids)
        stored = revisions.stored_at(store.con, {a for pairs in chains.values() for p in pairs for a in p})
    p = event.place
    out.print(f"{event.id}  {event.event_date or 'undated'}  {event.sub_event_type}  "
              f"{place_names(p.name, p.country) if p else 'no place'}  "
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
    with Store(db, read_only=True, on_wait=tell) as store:
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


def quarantine(db: DbOpt = DEFAULT_DB) -> None:
    """List the inputs that could not be read, each with its error code, path and what to do.

    \b
    Example:  eventwire quarantine --db ukraine.duckdb
    """
    with Store(db, read_only=True, on_wait=tell) as store:
        failures = store.quarantine()
    for f in failures:
        out.print(f"{f.code}\t{f.source}\t{f.reason}", highlight=False, soft_wrap=True)
    err.print(f"{len(failures)} failed inputs")


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
