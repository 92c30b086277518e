"""The review app and what it keeps: serve, users and decisions."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from eventwire import pipeline
from eventwire.cli.common import DEFAULT_DB, DbOpt, OutOpt, err, out
from eventwire.errors import Errors, UsageError
from eventwire.settings import Settings
from eventwire.store import Store


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
