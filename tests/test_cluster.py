"""The Ray engine gives what the local engine gives, on real articles (skips without Ray or ../shared)."""

from __future__ import annotations

from pathlib import Path

import pytest

from eventwire import pipeline
from eventwire.settings import Settings

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.mark.slow
def test_ray_with_two_workers_equals_a_local_run_on_200_real_articles(tmp_path: Path) -> None:
    ray = pytest.importorskip("ray")
    if not DATA.exists():
        pytest.skip("../shared/data is absent")
    from eventwire import cluster
    from eventwire.evaluation.engines import store_digest, write_inputs

    inputs = write_inputs(DATA, tmp_path / "in", 200)
    local = pipeline.run([str(inputs)], Settings.from_env(db=tmp_path / "local.duckdb"))
    ray.init(num_cpus=2, object_store_memory=256 * 2**20, include_dashboard=False, log_to_driver=False)
    try:
        on_ray = cluster.run([str(inputs)], Settings.from_env(db=tmp_path / "ray.duckdb", n_process=2))
    finally:
        ray.shutdown()
    assert on_ray.articles_new == local.articles_new == 200
    assert on_ray.extracted == local.extracted and not on_ray.failures
    assert len(on_ray.workers_peak_bytes) == 2 and min(on_ray.workers_peak_bytes) > 0
    a, b = store_digest(tmp_path / "local.duckdb"), store_digest(tmp_path / "ray.duckdb")
    assert len(a["events"]) > 5 and len(a["claims"]) > 5 and len(a["stories"]) >= 190, {k: len(v) for k, v in a.items()}
    for what in a:
        assert a[what] == b[what], what


def test_input_units_read_one_at_a_time_give_what_the_paths_give(tmp_path: Path) -> None:
    """What the Ray engine's read tasks rely on: each unit read alone (with its folder's sidecar) gives the
    same articles, in the same order, as reading the paths."""
    examples = Path(__file__).resolve().parents[1] / "examples"
    (tmp_path / "more").mkdir()
    (tmp_path / "more" / "a.txt").write_text("Police said two people were injured in a blast in Kabul on Monday.")
    (tmp_path / "more" / ".hidden.txt").write_text("not read")
    paths = [str(examples), str(tmp_path / "more" / "*.txt"), str(tmp_path / "missing.txt")]
    settings = Settings()
    units = pipeline.input_units(paths)
    assert str(tmp_path / "more" / "a.txt") in units and not any(".hidden" in u for u in units)
    whole = pipeline.read_units(paths, settings)
    one_by_one = [r for u in units for r in pipeline.read_units([u], settings)]
    assert [type(r).__name__ for r in whole].count("Article") >= 3
    assert whole == one_by_one


def test_an_unknown_engine_or_missing_ray_is_a_usage_error(tmp_path: Path) -> None:
    import subprocess
    import sys

    cmd = [sys.executable, "-c", "from eventwire.cli import main; main()", "run", str(tmp_path), "--db",
           str(tmp_path / "s.duckdb"), "--engine"]
    out = subprocess.run([*cmd, "spark"], capture_output=True, text=True)
    assert out.returncode == 2 and "E201" in out.stderr and "local" in out.stderr
    try:
        import ray  # noqa: F401
    except ImportError:
        out = subprocess.run([*cmd, "ray"], capture_output=True, text=True)
        assert out.returncode == 2 and "E262" in out.stderr and "eventwire[ray]" in out.stderr
    assert not (tmp_path / "s.duckdb").exists()  # nothing was written
