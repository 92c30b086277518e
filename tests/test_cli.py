"""The real ``eventwire`` command in a subprocess: exit codes, bad inputs, exports."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

BAD_INPUTS = {
    "empty.txt": b"",
    "binary.txt": bytes(range(256)) * 20,
    # UTF-16 text without a BOM, saved with a .txt name: not readable as text in any 8-bit encoding
    "wrong-encoding.txt": b"\xff\xfe\x00\xd8" + b"\x00\xdc\xff\xff" * 200,
}


def eventwire(*args: str, cwd: Path | None = None, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "eventwire.cli", *args], cwd=cwd, input=stdin,
                          capture_output=True, timeout=600)


@pytest.fixture(scope="module")
def bad_batch(tmp_path_factory: pytest.TempPathFactory, examples_dir: Path):
    d = tmp_path_factory.mktemp("bad")
    for name, data in BAD_INPUTS.items():
        (d / name).write_bytes(data)
    good = examples_dir / "000_c271fdd144f74993.txt"
    db = d / "bad.duckdb"
    r = eventwire("run", str(good), str(d / "missing.txt"), *(str(d / n) for n in BAD_INPUTS), "--db", str(db))
    return d, db, r


def test_each_bad_input_is_named_and_the_good_one_goes_through(bad_batch) -> None:
    d, db, r = bad_batch
    err = r.stderr.decode()
    assert r.returncode == 1, err
    for name in ["missing.txt", *BAD_INPUTS]:
        lines = [ln for ln in err.splitlines() if name in ln]
        assert len(lines) >= 1, f"{name} not named in: {err}"
    assert "articles new" in r.stdout.decode()
    q = eventwire("quarantine", "--db", str(db))
    assert q.returncode == 0
    listed = q.stdout.decode()
    for name in ["missing.txt", *BAD_INPUTS]:
        assert name in listed
    exp = eventwire("export", "--db", str(db), "--what", "articles", "--format", "jsonl")
    rows = [json.loads(x) for x in exp.stdout.decode().splitlines()]
    assert len(rows) == 1 and rows[0]["outlet"] == "OC Media"


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert eventwire("run").returncode == 2  # no paths
    assert eventwire("export", "--db", str(tmp_path / "none.duckdb")).returncode == 2
    r = eventwire("export", "--db", str(tmp_path / "none.duckdb"), "--format", "xml")
    assert r.returncode == 2


def test_export_csv_and_show_on_demo(tmp_path: Path, examples_dir: Path) -> None:
    db = tmp_path / "demo.duckdb"
    r = eventwire("run", str(examples_dir), "--db", str(db))
    assert r.returncode == 0, r.stderr.decode()
    out = tmp_path / "events.csv"
    assert eventwire("export", "--db", str(db), "--format", "csv", "-o", str(out)).returncode == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows and {"event_date", "event_type", "sub_event_type", "latitude", "fatalities"} <= set(rows[0])
    with_fat = [r for r in rows if r["fatalities_low"]]
    assert with_fat, "no event carries a fatality range"
    s = eventwire("show", rows[0]["event_id_cnty"], "--db", str(db))
    assert s.returncode == 0
    text = s.stdout.decode()
    assert rows[0]["event_type"] in text and "source" in text and "> " in text


def test_extract_from_stdin_writes_mentions(tmp_path: Path, examples_dir: Path) -> None:
    line = json.dumps({"id": "oc", "outlet": "OC Media", "published": "2023-09-20",
                       "text": (examples_dir / "000_c271fdd144f74993.txt").read_text(encoding="utf-8")})
    out = tmp_path / "m.jsonl"
    r = eventwire("extract", "-", "-o", str(out), stdin=(line + "\n").encode())
    assert r.returncode == 0, r.stderr.decode()
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert rows and all(x["article_id"] == "oc" for x in rows)
    keys = ["article_id", "event_date", "time_precision", "event_type", "sub_event_type", "actor1", "actor2",
            "location", "admin1", "country", "iso3", "latitude", "longitude", "geo_precision", "fatalities",
            "salience", "evidence"]
    assert all(k in rows[0] for k in keys)
    assert rows[0]["salience"] >= rows[-1]["salience"]
    assert rows[0]["sub_event_type"] == "Agreement" and rows[0]["event_date"] == "2023-09-20"


def test_articles_export_as_parquet_keeps_removed_spans(bad_batch) -> None:
    import pyarrow.parquet as pq

    d, db, _ = bad_batch
    out = d / "articles.parquet"
    r = eventwire("export", "--db", str(db), "--what", "articles", "--format", "parquet", "-o", str(out))
    assert r.returncode == 0, r.stderr.decode()
    rows = pq.read_table(out).to_pylist()
    assert len(rows) == 1
    removed = json.loads(rows[0]["removed"])
    reasons = {x["reason"] for x in removed}
    assert removed and "Become a member" not in rows[0]["text"]
    assert any("appeal" in r or "member" in r for r in reasons), reasons
    assert rows[0]["published"] == "2023-09-20" and rows[0]["published_from"] == "sidecar"
