"""Shared fixtures: the real demo articles, the development data (skipped when absent), a real store."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
SHARED_DATA = REPO.parent / "shared" / "data"
SHARED_SEEDS = REPO.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    """The bundled demo articles (always present: they are part of the repository)."""
    return EXAMPLES


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data, or skip the test on a clone without it."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is absent (development data only)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def shared_seeds() -> Path:
    """../shared/seeds (gold coding of the demo articles), or skip."""
    if not SHARED_SEEDS.is_dir():
        pytest.skip("../shared/seeds is absent")
    return SHARED_SEEDS


@pytest.fixture(scope="session")
def docs() -> dict:
    """The demo articles' raw text parsed by the pinned model (no gazetteer ruler), by file name."""
    from eventwire.pipeline import plain_pipeline

    nlp = plain_pipeline()
    return {p.name: nlp(p.read_text(encoding="utf-8")) for p in sorted(EXAMPLES.glob("*.txt"))}


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory):
    """The whole pipeline run once on the demo articles into a real DuckDB file."""
    from eventwire import pipeline
    from eventwire.settings import Settings

    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    settings = Settings.from_env(db=db)
    summary = pipeline.run([str(EXAMPLES)], settings)
    return db, settings, summary
