"""Build the offline gazetteer index and entity-ruler patterns now (e.g. at install time in CI).

Without this, both are built on first use (about 30-60 s once) into ``$EVENTWIRE_CACHE`` or
``~/.cache/eventwire``. Run: ``python scripts/build_gazetteer.py``.
"""

from __future__ import annotations

import time

from eventwire.geo import index_path
from eventwire.pipeline import load_resources


def main() -> int:
    """Build (if missing) and print what was built."""
    t0 = time.perf_counter()
    n = len(load_resources().nlp.get_pipe("entity_ruler").patterns)  # type: ignore[attr-defined]
    path = index_path()
    print(f"gazetteer index {path} ({path.stat().st_size / 1e6:.0f} MB), {n} ruler patterns, "
          f"{time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
