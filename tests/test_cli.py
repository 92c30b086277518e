"""The real ``eventwire`` command in a subprocess: exit codes, bad inputs, exports."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from eventwire.store import Store

REPO_EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
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
    removed = rows[0]["removed"]  # a list of structs, not a JSON string
    reasons = {x["reason"] for x in removed}
    assert removed and "Become a member" not in rows[0]["text"]
    assert any("appeal" in r or "member" in r for r in reasons), reasons
    assert rows[0]["published"] == "2023-09-20" and rows[0]["published_from"] == "sidecar"


# --------------------------------------------------------------------------- run summary, show, help


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory, examples_dir: Path):
    """The demo articles run once through the command, 120 columns wide like a terminal."""
    d = tmp_path_factory.mktemp("cli")
    db = d / "demo.duckdb"
    r = eventwire_wide("run", str(examples_dir), "--db", str(db))
    assert r.returncode == 0, r.stderr.decode()
    return d, db, r.stdout.decode()


def eventwire_wide(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    import os

    return subprocess.run([sys.executable, "-m", "eventwire.cli", *args], capture_output=True, timeout=600,
                          env={**os.environ, "COLUMNS": "120", **(env or {})})


def _section(text: str, title: str) -> str:
    """The lines of one labelled table of the run summary."""
    return text.split(title, 1)[1].split("\n\n", 1)[0] if title in text else ""


def _row(section: str, name: str) -> list[str]:
    line = next(ln for ln in section.splitlines() if f" {name} " in ln)
    return [c.strip() for c in line.strip("│ ").split("│")]


def test_run_summary_tells_this_runs_work_then_the_store_totals(demo_store) -> None:
    d, db, first = demo_store
    assert _row(_section(first, "This run"), "articles extracted")[1] == "2"
    assert _row(_section(first, "This run"), "publication dates from")[1:] == ["2", "2 sidecar"]
    events = _row(_section(first, "Store totals"), "events")
    # the store's events by status, adding up to the total ("13 occurred, 2 planned")
    by_status = dict(reversed(part.split(" ", 1)) for part in events[2].split(", "))
    assert "occurred" in by_status and sum(int(n) for n in by_status.values()) == int(events[1])
    assert "Events from this run's articles" in first
    # a re-run that does nothing says so, and reprints no event table
    again = eventwire_wide("run", str(REPO_EXAMPLES), "--db", str(db)).stdout.decode()
    assert _row(_section(again, "This run"), "articles extracted")[1] == "0"
    assert _row(_section(again, "This run"), "articles already stored")[1] == "2"
    assert _row(_section(again, "Store totals"), "events") == events
    assert "Events from this run" not in again
    # a run of one bad file: its failure and the totals, no event table
    bad = d / "empty.txt"
    bad.write_bytes(b"")
    r = eventwire_wide("run", str(bad), "--db", str(db))
    assert r.returncode == 1 and "empty.txt" in r.stderr.decode()
    assert _row(_section(r.stdout.decode(), "This run"), "inputs failed")[1] == "1"
    assert "Events from this run" not in r.stdout.decode()


def test_event_ids_do_not_wrap_and_show_takes_a_prefix(demo_store) -> None:
    _, db, first = demo_store
    ids = re.findall(r"\be_[0-9a-f]{16}\b", first)
    with Store(db, read_only=True) as store:
        every = {e.id for e in store.events()}
    assert len(every) >= 7 and set(ids) == every  # every id printed whole on one line of a 120-column table
    shown = eventwire("show", ids[0][:8], "--db", str(db))
    assert shown.returncode == 0, shown.stderr.decode()
    assert shown.stdout.decode().startswith(ids[0])
    ambiguous = eventwire("show", "e_", "--db", str(db))
    assert ambiguous.returncode == 2
    msg = ambiguous.stderr.decode()
    assert "E210" in msg and all(i in msg for i in ids)
    missing = eventwire("show", "e_zzz", "--db", str(db))
    assert missing.returncode == 2 and "E204" in missing.stderr.decode()


def test_undated_latin1_article_is_counted_in_the_summary(shared_data: Path, tmp_path: Path) -> None:
    """A Latin-1 text file without a publication date: the summary says so, and says what to do."""
    text = (shared_data / "bbc-news" / "bbc" / "politics" / "069.txt").read_text(encoding="utf-8")
    f = tmp_path / "strike.txt"
    f.write_bytes(text.replace("’", "'").encode("latin-1"))
    r = eventwire_wide("run", str(f), "--db", str(tmp_path / "s.duckdb"))
    assert r.returncode == 0, r.stderr.decode()
    out = r.stdout.decode()
    assert _row(_section(out, "This run"), "articles without a publication date")[1] == "1"
    assert "no publication date" in out and "eventwire-meta.jsonl" in out
    mentions = _row(_section(out, "This run"), "event mentions found")
    # with mentions found, the undated ones are counted (a planned strike may report none)
    assert int(mentions[1]) == 0 or mentions[2].endswith("without a date")


def test_first_run_says_the_gazetteer_is_built_once(tmp_path: Path) -> None:
    empty_cache = tmp_path / "cache"
    r = eventwire_wide("run", str(tmp_path / "missing.txt"), "--db", str(tmp_path / "s.duckdb"),
                       env={"EVENTWIRE_CACHE": str(empty_cache)})
    assert "place-name index" in r.stderr.decode() and "once" in r.stderr.decode()
    assert str(empty_cache) in r.stderr.decode()


def test_help_and_settings_speak_to_an_analyst() -> None:
    top = eventwire_wide("--help").stdout.decode()
    assert "thin call" not in top and "eventwire run" in top
    for cmd in ("run", "extract", "ingest", "export", "report", "serve", "show", "quarantine", "settings"):
        text = eventwire_wide(cmd, "--help").stdout.decode()
        assert "Example:" in text, cmd
        options = [ln for ln in text.splitlines() if "--" in ln and "--help" not in ln]
        assert not any("<list[str]>" in ln or "<bool>" in ln for ln in options), cmd
        assert "fetch=True" not in text and "thin call" not in text, cmd
    s = eventwire("settings").stdout.decode()
    assert "PosixPath" not in s and "db = eventwire.duckdb" in s
    assert "cache = " in s and "EVENTWIRE_CACHE" in s and "languages = en" in s
