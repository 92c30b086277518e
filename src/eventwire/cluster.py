"""The pipeline on a Ray cluster: ``eventwire run --engine ray [--address ADDR]``.

The same stages as a local run, in the same order, with the same results:

- **read**: the inputs are cut into units read one at a time (each file of a folder or glob, each
  JSONL, WARC or archive file); Ray tasks read shards of units (every node must see the paths, e.g. a
  shared file system); the driver stores what they read in input order, so duplicates and versions
  come out as in a local run. Standard input and URLs are read on the driver.
- **extract**: a pool of Ray actors, each loading spaCy, the gazetteer and the event models once,
  extracts chunks of pending articles; the driver commits each chunk's mentions and story features as
  a local run does (an interrupted run resumes after the last commit).
- **merge**: the driver updates stories, events, episodes and claims incrementally, as a local run does.

Ray is an optional extra (``pip install 'eventwire[ray]'``). Without ``--address`` a Ray instance is
started on this machine and stopped after the run; with it, the run joins that cluster.
"""

from __future__ import annotations

import logging
import os
import resource
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, BinaryIO

from eventwire import pipeline
from eventwire.errors import Errors, UsageError
from eventwire.model import Article
from eventwire.settings import Settings

RAY_VERSION = "2.60.0"  # the version the extra pins
UNITS_PER_TASK = 32  # input units (files) one read task reads
OBJECT_STORE_BYTES = 512 * 2**20  # Ray's shared memory for a local instance (chunks of articles are small)
# Read tasks run beside the extracting actors: on a small machine they get a sliver of a CPU each, and
# the actors leave some free, or the tasks wait for a CPU that never frees and the run hangs.
READ_TASK_CPUS = 0.1
ACTOR_CPU_SHARE = 0.9


def _ray() -> Any:
    try:
        import ray
    except ImportError:
        raise UsageError(Errors.E262) from None
    return ray


def _local(unit: str) -> bool:
    return unit == "-" or unit.startswith(("http://", "https://"))


class _Extractor:
    """One extraction worker: loads the resources once, then extracts chunk after chunk."""

    def __init__(self, settings: Settings, features: bool) -> None:
        self.settings = settings
        self.features = features

    def ready(self) -> int:
        pipeline.resources(self.settings)
        return os.getpid()

    def extract(self, chunk: Sequence[Article]) -> pipeline.ChunkResult:
        return pipeline.extract_chunk(chunk, self.settings, self.features)

    def peak_rss(self) -> int:
        """The worker process's peak resident memory, in bytes."""
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


class ActorEngine:
    """Extraction on a pool of Ray actors (a ``pipeline.Engine``), results in chunk order."""

    def __init__(self, workers: int, cpus: float) -> None:
        self.workers = workers
        self.cpus = cpus
        self.peak_rss: list[int] = []

    def __call__(self, chunks: Sequence[Sequence[Article]], settings: Settings, features: bool
                 ) -> Iterator[pipeline.ChunkResult]:
        if not chunks:
            return
        ray = _ray()
        from ray.util import ActorPool

        remote = ray.remote(_Extractor).options(num_cpus=self.cpus, max_restarts=1, max_task_retries=1)
        actors = [remote.remote(settings, features) for _ in range(min(self.workers, len(chunks)))]
        ray.get([a.ready.remote() for a in actors])
        try:
            yield from ActorPool(actors).map(lambda actor, chunk: actor.extract.remote(chunk), chunks)
            self.peak_rss = ray.get([a.peak_rss.remote() for a in actors])
        finally:
            for a in actors:
                ray.kill(a)


def _start(ray: Any, address: str | None) -> bool:
    """Join the cluster at ``address``, or start a local instance; True when this run started it."""
    if ray.is_initialized():
        return False
    quiet = {"configure_logging": True, "logging_level": logging.WARNING, "log_to_driver": False}
    try:
        if address:
            ray.init(address=address, **quiet)
        else:
            ray.init(num_cpus=os.cpu_count() or 1, object_store_memory=OBJECT_STORE_BYTES,
                     include_dashboard=False, **quiet)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise UsageError(Errors.E263, address=address or "this machine", reason=exc) from exc
    return True


def _shards(units: Sequence[str]) -> Iterator[tuple[bool, list[str]]]:
    """Consecutive units in shards: (read on the driver?, units), in input order."""
    shard: list[str] = []
    for u in units:
        if _local(u) or len(shard) >= UNITS_PER_TASK:
            if shard:
                yield False, shard
            shard = []
        if _local(u):
            yield True, [u]
        else:
            shard.append(u)
    if shard:
        yield False, shard


def _ingest(ray: Any, paths: Sequence[str], store: pipeline.Store, settings: Settings, summary: pipeline.RunSummary,
            fields: Mapping[str, str] | None, fetch: bool, stdin: BinaryIO | None, window: int) -> None:
    """Read shards of inputs on the cluster, a few ahead, and store them on the driver in input order."""
    read = ray.remote(num_cpus=READ_TASK_CPUS)(pipeline.read_units)
    pending: list[tuple[bool, list[str], Any]] = []

    def drain_one() -> None:
        on_driver, units, ref = pending.pop(0)
        if on_driver:
            pipeline.ingest(units, store, settings, summary=summary, fields=fields, fetch=fetch, stdin=stdin)
        else:
            pipeline.store_records(store, ray.get(ref), summary)

    for on_driver, units in _shards(pipeline.input_units(paths)):
        ref = None if on_driver else read.remote(units, settings, fields=fields, fetch=fetch)
        pending.append((on_driver, units, ref))
        while len(pending) > window:
            drain_one()
    while pending:
        drain_one()


def run(paths: Sequence[str], settings: Settings, *, address: str | None = None,
        fields: Mapping[str, str] | None = None, fetch: bool = False, stdin: BinaryIO | None = None,
        progress: pipeline.Progress | None = None, on_wait: Callable[[str], None] | None = None
        ) -> pipeline.RunSummary:
    """The whole pipeline into the store at ``settings.db``, reading and extracting on Ray.

    Workers: ``settings.n_process``, or one per CPU of the cluster (0). Returns the run's summary,
    with each extraction worker's peak memory.
    """
    ray = _ray()
    with pipeline.run_store(settings, on_wait=on_wait) as store:
        started = _start(ray, address)
        try:
            cpus = float(ray.cluster_resources().get("CPU", 1))
            workers = settings.n_process if settings.n_process > 0 else max(1, int(cpus))
            engine = ActorEngine(workers, cpus=min(1.0, ACTOR_CPU_SHARE * cpus / workers))
            summary = pipeline.RunSummary()
            _ingest(ray, paths, store, settings, summary, fields, fetch, stdin, window=2 * workers)
            pipeline.extract_pending(store, settings, summary=summary, progress=progress, engine=engine)
            pipeline.update_merged(store, summary=summary)
            summary.workers_peak_bytes = list(engine.peak_rss)
        finally:
            if started:
                ray.shutdown()
    return summary


__all__ = ["RAY_VERSION", "ActorEngine", "run"]
