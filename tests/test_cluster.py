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
