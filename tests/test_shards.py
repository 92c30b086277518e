"""Several machines: shards written by 'eventwire shard' and loaded by 'eventwire load' give what one run gives."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from eventwire import pipeline
from eventwire.errors import StoreError
from eventwire.settings import Settings
from eventwire.store import Store

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def _inputs(tmp_path: Path) -> tuple[Path, Path]:
    """Reports of two real events (ECB+ topic 8, bank bombings) in two input files."""
    docs = [json.loads(line) for line in (DATA / "ecbplus-dev" / "docs.jsonl").read_text().splitlines()]
    docs = [d for d in docs if d["topic"] == 8][:10]
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    for path, part in ((first, docs[::2]), (second, docs[1::2])):
        path.write_text("".join(json.dumps({"id": d["doc_id"], "text": d["text"], "published": "2009-01-05"}) + "\n"
                                for d in part))
    return first, second


@pytest.mark.slow
def test_two_shards_loaded_give_what_one_run_gives(tmp_path: Path) -> None:
    if not DATA.exists():
        pytest.skip("../shared/data is absent")
    from eventwire.evaluation.engines import store_digest

    first, second = _inputs(tmp_path)
    settings = Settings.from_env(n_process=1)
    out = tmp_path / "shards"
    s1, sum1 = pipeline.write_shard([str(first)], out, settings)
    s2, sum2 = pipeline.write_shard([str(second)], out, settings)
    assert sum1.extracted + sum2.extracted == 10
    assert sorted(p.name for p in out.iterdir()) == sorted([s1.name, s2.name])  # no working files left
    (out / ".half-written.partial").mkdir()  # a shard being written is not read
    db = tmp_path / "loaded.duckdb"
    with Store(db) as store:
        summary, loaded = pipeline.load_shards([out], store)
        assert [p.name for p in loaded] == sorted([s1.name, s2.name]) and summary.extracted == 10
        before = store.counts()
        again, loaded_again = pipeline.load_shards([out], store)
        assert loaded_again == [] and store.counts() == before  # loading again changes nothing
    pipeline.run([str(first), str(second)], Settings.from_env(db=tmp_path / "one.duckdb", n_process=1))
    a, b = store_digest(tmp_path / "one.duckdb"), store_digest(db)
    assert len(a["mentions"]) >= 5 and len(a["claims"]) >= 3, {k: len(v) for k, v in a.items()}
    for what in a:
        assert a[what] == b[what], what


def test_a_shard_of_another_format_is_refused_with_a_coded_error(tmp_path: Path) -> None:
    shard = tmp_path / "shards" / "x"
    shard.mkdir(parents=True)
    (shard / "manifest.json").write_text(json.dumps({"format": 99}))
    with Store(tmp_path / "s.duckdb") as store, pytest.raises(StoreError, match="E305"):
        pipeline.load_shards([tmp_path / "shards"], store)
    shutil.rmtree(shard)
    with Store(tmp_path / "s.duckdb") as store, pytest.raises(StoreError, match="E305"):
        pipeline.load_shards([tmp_path / "missing"], store)
