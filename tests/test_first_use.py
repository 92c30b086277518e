"""What a new user meets first, through the installed ``eventwire`` command in a subprocess: help
without a traceback, errors on one line in a pipe, eval commands that ask for their data, outlets
and places named as a reader expects, and a run summary that says which languages were skipped.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PAGES = REPO / "tests" / "fixtures" / "pages"


def eventwire(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """The console command 'pip install' made (not ``python -m``), its output a pipe."""
    path = Path(sys.executable).with_name("eventwire")
    if not path.exists():
        pytest.skip("the eventwire command is not installed beside this Python (pip install -e .)")
    return subprocess.run([str(path), *args], cwd=cwd, capture_output=True, text=True, timeout=900,
                          env={k: v for k, v in {**os.environ, "COLUMNS": "200", **(env or {})}.items() if v})


def _row(out: str, name: str) -> list[str]:
    line = next(ln for ln in out.splitlines() if f" {name} " in ln)
    return [c.strip() for c in line.strip("│ ").split("│")]


# --------------------------------------------------------------------------- help and errors


def test_no_command_prints_the_help_and_no_traceback() -> None:
    bare = eventwire()
    assert bare.returncode == 0, bare.stderr
    assert "Usage: eventwire" in bare.stdout and "eventwire run" in bare.stdout
    assert "Traceback" not in bare.stderr and "Error" not in bare.stderr
    evals = eventwire("eval")
    assert evals.returncode == 0, evals.stderr
    assert "Usage: eventwire eval" in evals.stdout and "boilerplate" in evals.stdout
    assert "Traceback" not in evals.stderr
    unknown = eventwire("frobnicate")
    assert unknown.returncode == 2 and "No such command" in unknown.stderr and "Traceback" not in unknown.stderr


def test_an_error_written_to_a_pipe_is_one_line(tmp_path: Path) -> None:
    store = tmp_path / ("a folder with a long name, as users have them" * 2) / "none.duckdb"
    # no COLUMNS: the width rich assumes for a pipe (80) is what used to cut messages
    r = eventwire("export", "--db", str(store), env={"COLUMNS": ""})
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and len(lines[0]) > 160, lines  # longer than a terminal, and not wrapped
    assert f"[E301] No store at {store}. Run 'eventwire run PATH...' first" in lines[0]


@pytest.mark.parametrize("command", ["geo", "boilerplate", "claims", "dates", "status", "stories", "merging",
                                     "disputes", "models", "relevance", "roles"])
def test_eval_commands_ask_for_their_data_folder(command: str, tmp_path: Path) -> None:
    r = eventwire("eval", command, cwd=tmp_path)
    assert r.returncode == 2, r.stderr
    assert "Missing argument 'DATA'" in r.stderr or "Missing argument 'SHARED'" in r.stderr, r.stderr
    assert "Traceback" not in r.stderr
    assert "../shared" not in eventwire("eval", command, "--help").stdout


def test_no_runtime_module_names_the_development_data() -> None:
    runtime = [p for p in (REPO / "src" / "eventwire").rglob("*") if p.suffix in (".py", ".js", ".html")
               and "evaluation" not in p.parts]
    assert runtime
    named = [str(p.relative_to(REPO)) for p in runtime if re.search(r"\.\./shared|shared/data",
                                                                     p.read_text(encoding="utf-8"))]
    assert not named, named


# --------------------------------------------------------------------------- outlets, places, empty values


@pytest.fixture(scope="module")
def without_metadata(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The demo articles as bare text files (no sidecar): no outlet, no URL, no publication date."""
    d = tmp_path_factory.mktemp("bare articles")
    for f in (REPO / "examples").glob("*.txt"):
        shutil.copy(f, d / f.name)
    db = d / "bare.duckdb"
    r = eventwire("run", str(d), "--db", str(db))
    assert r.returncode == 0, r.stderr
    return d, db


def test_an_article_without_outlet_is_an_unknown_outlet_never_its_path(without_metadata) -> None:
    import json

    folder, db = without_metadata
    events = json.loads(eventwire("export", "--db", str(db), "--format", "json").stdout)
    notes = [e["dispute_note"] for e in events if e["dispute_note"]]
    assert notes and all("unknown outlet" in n for n in notes), notes
    disputed = next(e for e in events if e["dispute_note"])
    shown = eventwire("show", disputed["event_id_cnty"], "--db", str(db)).stdout
    claims = eventwire("claims", disputed["event_id_cnty"], "--db", str(db)).stdout
    for text in [*notes, shown, claims, json.dumps([e["source"] for e in events])]:
        assert str(folder) not in text and "bare articles" not in text and ".txt" not in text
        assert "None" not in text, text
    assert "source unknown outlet (undated)" in shown


def test_places_named_once_and_missing_values_read_plainly(tmp_path: Path) -> None:
    db = tmp_path / "demo.duckdb"
    run = eventwire("run", str(REPO / "examples"), "--db", str(db))
    assert run.returncode == 0, run.stderr
    assert "Armenia, Armenia" not in run.stdout and "Yerevan, Yerevan" not in run.stdout
    # "It also stipulated the withdrawal of the armed forces of the Republic of Armenia": a term of the deal is
    # kept as a planned mention for a reviewer, and makes no event
    assert "Non-violent transfer" not in run.stdout
    mentions = json.loads(eventwire("export", "--db", str(db), "--what", "mentions", "--format", "json").stdout)
    assert any(m["status"] == "planned" and "stipulated" in json.dumps(m) for m in mentions)
    protest = re.search(r"(e_[0-9a-f]{16}) .*Peaceful protest", run.stdout).group(1)
    shown = eventwire("show", protest, "--db", str(db)).stdout
    assert "place: Yerevan, Armenia (" in shown and "Yerevan, Yerevan" not in shown
    # one actor and no second one shown as "None"
    assert "None" not in shown and "actors: Protesters (Armenia)\n" in shown
    assert "None" not in eventwire("claims", protest, "--db", str(db)).stdout


# --------------------------------------------------------------------------- languages


def test_run_says_which_languages_were_skipped_and_how_to_extract_them(tmp_path: Path) -> None:
    """Two real non-English pages (BBC Chinese, AFPBB Japanese): stored, skipped, and said so."""
    pages = tmp_path / "pages"
    pages.mkdir()
    for name in ("bbc-zh-hongkong.html", "afpbb-ja-nigeria.html"):
        shutil.copy(PAGES / name, pages / name)
    db = tmp_path / "lang.duckdb"
    first = eventwire("run", str(pages), "--db", str(db))
    assert first.returncode == 0, first.stderr
    skipped = _row(first.stdout, "skipped (language)")
    assert skipped[1] == "2" and sorted(skipped[2].split(", ")) == ["1 ja", "1 zh"], skipped
    assert _row(first.stdout, "articles extracted")[1] == "0"
    said = " ".join(first.stdout.split())
    assert "stored but not extracted" in said and "EVENTWIRE_LANGUAGES=en,ja,zh" in said
    # the setting the summary names extracts the stored articles on the next run
    again = eventwire("run", str(pages), "--db", str(db), env={"EVENTWIRE_LANGUAGES": "en,ja,zh"})
    assert again.returncode == 0, again.stderr
    assert _row(again.stdout, "articles extracted")[1] == "2"
    assert _row(again.stdout, "skipped (language)")[1] == "0"
