"""Per-batch state shared by the readers."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from eventwire.ingest.meta import OutletBook
from eventwire.model import Article, InputFailure
from eventwire.settings import Settings

# read_bytes(data, source, ctx, meta, name=...): the format dispatcher, handed to readers that find
# more inputs inside an input (archive members, fetched pages) so they need not import it back
Dispatch = Callable[..., Iterator[Article | InputFailure]]


@dataclass
class Context:
    """Settings, field mapping and per-batch memory (outlet names, sidecars) of one ingest run."""

    settings: Settings
    fields: Mapping[str, str] | None = None
    fetch: bool = False
    outlets: OutletBook = field(default_factory=OutletBook)
    sidecars: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    depth: int = 0  # archive nesting depth (archives inside archives)
    dispatch: Dispatch | None = None  # set by read_inputs: eventwire.ingest.read_bytes

    def read(self, data: bytes, source: str, meta: Mapping[str, Any] | None = None, *,
             name: str | None = None) -> Iterator[Article | InputFailure]:
        """Read bytes found inside an input (an archive member, a fetched page) like a file."""
        assert self.dispatch is not None, "Context.dispatch is set by read_inputs"
        return self.dispatch(data, source, self, meta, name=name)


__all__ = ["Context", "Dispatch"]
