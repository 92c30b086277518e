"""Extraction on this machine's cores (worker processes, each with its own resources) or on an engine elsewhere:
the annotate and mentions stages, and the story features, per article, each failure isolated."""

from __future__ import annotations

import contextlib
import functools
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterable, Iterator, Sequence
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from spacy.language import Language
from spacy.tokens import Doc

from eventwire import mentions, nlp, stories
from eventwire.errors import Errors, StoreError, input_failure
from eventwire.model import (
    Article,
    EventMention,
    InputFailure,
    StoryFeatures,
)
from eventwire.pipeline.resources import Resources, embed_one, libc, resources
from eventwire.pipeline.summary import Progress
from eventwire.settings import Settings


def mentions_of(article: Article, doc: Doc, res: Resources) -> list[EventMention]:
    """The mentions stage on one annotated article, with the shared resources."""
    return mentions.extract_mentions(article, doc, locator=res.geocoder, models=res.models)


def story_features_of(article: Article, doc: Doc, res: Resources) -> StoryFeatures:
    """The stories stage's per-article features (computed once, when the article is annotated)."""
    return stories.article_features(article, doc, embed=lambda text: embed_one(text, res.story_embedder),
                                    idf=res.story_idf)


Extracted = tuple[list[EventMention], StoryFeatures | None]

# Articles handed to a worker at a time: progress is reported per chunk.
CHUNK_ARTICLES = 16
# A worker process costs a few seconds to start (spaCy, gazetteer, models): below this many
# articles per worker the run stays in this process.
MIN_ARTICLES_PER_WORKER = 40


def workers_for(settings: Settings, n_articles: int) -> int:
    """Worker processes for ``n_articles``: every core by default (``n_process`` 0), never more
    than the articles keep busy."""
    wanted = settings.n_process if settings.n_process > 0 else (os.cpu_count() or 1)
    return max(1, min(wanted, n_articles // MIN_ARTICLES_PER_WORKER))


ChunkResult = list[tuple[str, Extracted | InputFailure]]
# Runs extract_chunk over chunks of articles somewhere (a Ray cluster): (chunks, settings, features) -> each
# chunk's results, in the chunks' order.
Engine = Callable[[Sequence[Sequence[Article]], Settings, bool], Iterable[ChunkResult]]


def extract_articles(articles: Sequence[Article], settings: Settings, *, features: bool = False,
             engine: Engine | None = None) -> Iterator[tuple[Article, Extracted | InputFailure]]:
    """Annotate stage then mentions stage (and story features) on every article, in input order,
    on every core.

    Each worker process creates its own resources once and returns only mentions and features
    (small), never spaCy Docs. An article whose annotation or extraction raises becomes an InputFailure
    (extraction failed) and the others go on.
    """
    chunks = [list(articles[i:i + CHUNK_ARTICLES]) for i in range(0, len(articles), CHUNK_ARTICLES)]
    if engine is not None:
        yield from _with_articles(chunks, engine(chunks, settings, features))
        return
    workers = workers_for(settings, len(articles))
    run = functools.partial(extract_chunk, settings=settings, features=features)
    if workers <= 1:
        yield from _with_articles(chunks, (run(chunk) for chunk in chunks))
        return
    # spawn: a fresh interpreter per worker (forking a process that runs ONNX Runtime threads is unsafe)
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(workers, initializer=_worker_ignores_interrupts) as pool:
        yield from _with_articles(chunks, pool.imap(run, chunks))


def _worker_ignores_interrupts() -> None:
    """A worker leaves Ctrl+C to the run, which stops after the chunk in progress (or ends the workers)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _with_articles(chunks: Sequence[Sequence[Article]], results: Iterable[ChunkResult]
                   ) -> Iterator[tuple[Article, Extracted | InputFailure]]:
    for chunk, found in zip(chunks, results, strict=True):
        by_id = {a.id: a for a in chunk}
        for article_id, result in found:
            yield by_id[article_id], result


def _extracted(article: Article, doc: Doc, res: Resources, features: bool) -> Extracted:
    return mentions_of(article, doc, res), story_features_of(article, doc, res) if features else None


# Entries a component's memo of words (the lemmatizer's) keeps before it starts again.
WORD_MEMO_ENTRIES = 50_000


@contextlib.contextmanager
def transient_words(pipe: Language) -> Iterator[None]:
    """Work in which the words spaCy meets for the first time are forgotten afterwards.

    spaCy keeps every new word it reads (its string, lexeme and tokenizer entry) for the life of the process, so
    a watch that reads news for weeks grows with every name and number it meets. In a memory zone the strings and
    lexemes are freed when the block ends and the tokenizer caches none; only plain data (mentions, features)
    leaves it, never a Doc. The lemmatizer's memo, keyed by word, is emptied once it is large.
    """
    with pipe.memory_zone():
        yield
    for _, component in pipe.pipeline:
        memo = getattr(component, "cache", None)
        if isinstance(memo, dict) and len(memo) > WORD_MEMO_ENTRIES:
            memo.clear()


def extract_chunk(articles: Sequence[Article], settings: Settings, features: bool = False) -> ChunkResult:
    """Mentions (and story features) of a few articles, in a worker or in this process, each failure
    isolated."""
    res = resources(settings)
    with transient_words(res.nlp):
        try:
            return [(a.id, _extracted(a, doc, res, features))
                    for a, doc in nlp.annotate(articles, res.nlp, batch_size=settings.batch_size)]
        except Exception:  # redone one article at a time below, where each error is recorded
            pass
        out: ChunkResult = []
        for article in articles:
            try:
                [(_, doc)] = list(nlp.annotate([article], res.nlp))
                out.append((article.id, _extracted(article, doc, res, features)))
            except Exception as exc:  # recorded in quarantine: this article fails, the others go on
                out.append((article.id, input_failure(article.source, Errors.E171,
                                                      reason=f"{type(exc).__name__}: {exc}")))
        return out


T = TypeVar("T")
# seconds between two looks of the caller at its stop flag while the work runs elsewhere
_POLL_SECONDS = 0.2


def in_own_process(fn: Callable[..., T], *args: Any, what: str = "", stop: Callable[[], bool] | None = None,
                   progress: Progress | None = None) -> T:
    """``fn(*args)`` in a fresh process that ends with it; its result or its error comes back.

    Whatever memory the work needed goes back to the system with the process, so a process that lives for days
    (a watch) does not keep the high-water mark of each piece of work. The process is spawned (no copy of this
    one's threads or open store), ignores Ctrl+C and SIGTERM, and dies with this process (Linux), so it never
    writes a store after its caller was killed. With ``stop`` or ``progress``, ``fn`` is called with keyword
    arguments of the same names: its ``stop()`` turns true once the caller's does (the work ends as it would
    here, after its batch), and what it tells ``progress`` reaches the caller's. ``what`` names the work in the
    error raised when the process ends without a result.
    """
    what = what or getattr(fn, "__name__", "work")
    ctx = multiprocessing.get_context("spawn")
    receive, send = ctx.Pipe(duplex=False)
    stopped = ctx.Event() if stop is not None else None
    told = ctx.SimpleQueue() if progress is not None else None
    # not a daemon: the work may start worker processes of its own (extraction on every core)
    proc = ctx.Process(target=_run_and_send, args=(send, os.getpid(), fn, args, stopped, told))
    proc.start()
    send.close()
    try:
        while not receive.poll(_POLL_SECONDS):  # True on a result, and on the end of a process that sent none
            if stopped is not None and stop is not None and not stopped.is_set() and stop():
                stopped.set()
            _relay(told, progress)
        _relay(told, progress)
        try:
            status, value = receive.recv()
        except EOFError:  # it ended without a word: killed, out of memory, crashed
            proc.join()
            raise StoreError(Errors.E306, what=what, reason=f"exit code {proc.exitcode}") from None
        proc.join()
    finally:
        receive.close()
        if proc.is_alive():  # this process is being stopped at once (a second Ctrl+C): so is the work
            proc.kill()
            proc.join()
    if status == "failed":
        raise StoreError(Errors.E306, what=what, reason=value)
    if status == "raised":
        raise value
    return value


def _relay(told: Any, progress: Progress | None) -> None:
    while told is not None and progress is not None and not told.empty():
        progress(*told.get())


def _run_and_send(conn: Connection, parent: int, fn: Callable[..., Any], args: tuple[Any, ...],
                  stopped: Any, told: Any) -> None:
    _die_with(parent)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_IGN)
    kwargs: dict[str, Any] = {}
    if stopped is not None:
        kwargs["stop"] = stopped.is_set
    if told is not None:
        kwargs["progress"] = lambda done, total, label: told.put((done, total, label))
    try:
        result: tuple[str, Any] = ("done", fn(*args, **kwargs))
    except Exception as exc:
        result = ("raised", exc)
    try:
        conn.send(result)
    except Exception as exc:  # the error or the result does not pickle: its text does
        conn.send(("failed", f"{type(exc).__name__}: {exc}" if result[0] == "done"
                   else f"{type(result[1]).__name__}: {result[1]}"))
    conn.close()


_PR_SET_PDEATHSIG = 1


def _die_with(parent: int) -> None:
    """Ask Linux to kill this process when its parent dies (a killed watch must not leave a writer behind)."""
    prctl = getattr(libc(), "prctl", None)
    if prctl is not None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)
