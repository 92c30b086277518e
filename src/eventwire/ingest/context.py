"""Per-batch state shared by the readers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from eventwire.ingest.meta import OutletBook
from eventwire.settings import Settings


@dataclass
class Context:
    """Settings, field mapping and per-batch memory (outlet names, sidecars) of one ingest run."""

    settings: Settings
    fields: Mapping[str, str] | None = None
    fetch: bool = False
    outlets: OutletBook = field(default_factory=OutletBook)
    sidecars: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    depth: int = 0  # archive nesting depth (archives inside archives)


__all__ = ["Context"]
