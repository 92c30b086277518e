"""Turn news articles into a conflict-event dataset in ACLED's terms, with every figure traced to its source.

\b
Start with:   eventwire run articles/          (read, extract and merge into eventwire.duckdb)
Then:         eventwire export -o events.csv   (the events, ACLED columns first)
\b
Exit codes: 0 every input was read, 1 some inputs failed (each is named, see 'eventwire quarantine'),
2 a usage error.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.markup import escape

from eventwire import __version__
from eventwire.cli import evaluating, inspecting, reviewing, running
from eventwire.cli.common import err, out
from eventwire.errors import Errors, EventwireError, UsageError

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__,
                  context_settings={"help_option_names": ["-h", "--help"]})
# the command modules hold plain functions, registered here in the order 'eventwire --help' lists them
for command in (running.run, running.extract, running.ingest, running.shard, running.load):
    app.command()(command)
app.command("export")(inspecting.export_)
app.command("report")(inspecting.report_)
app.command()(reviewing.serve)
for command in (inspecting.show, inspecting.claims, running.watch, inspecting.changes, inspecting.quarantine,
                inspecting.settings):
    app.command()(command)
app.add_typer(evaluating.eval_app, name="eval")
app.add_typer(reviewing.users_app, name="users")
app.add_typer(reviewing.decisions_app, name="decisions")


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
