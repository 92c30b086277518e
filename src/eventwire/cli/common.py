"""What the command groups share: the consoles, the options several commands take, and a few helpers."""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from eventwire.model import Event

# wide enough for the events table when output goes to a file or pipe (COLUMNS, when set, wins)
out = Console(width=None if sys.stdout.isatty() or "COLUMNS" in os.environ else 160)
# messages to a pipe or a file keep each one on its line: only a terminal wraps them
err = Console(stderr=True, soft_wrap=not sys.stderr.isatty())

DbOpt = Annotated[Path, typer.Option("--db", metavar="FILE", envvar="EVENTWIRE_DB",
                                     help="The store: a DuckDB file, created on first use.")]
DEFAULT_DB = Path("eventwire.duckdb")

OutOpt = Annotated[Path, typer.Option("-o", "--output", metavar="FILE",
                                      help="Where to write the JSON lines, e.g. -o mentions.jsonl; - prints them.")]
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


def tell(message: str) -> None:
    """Why a command waits (another process writes the store)."""
    err.print(escape(message), highlight=False, soft_wrap=True)


def place_names(*parts: str | None) -> str:
    """Place names joined, each once and none empty: "Yerevan, Armenia", and "India" for a place that is
    its country."""
    return ", ".join(dict.fromkeys(p for p in parts if p))


def event_place(e: Event) -> str:
    return place_names(e.place.name, e.place.country) if e.place else ""
