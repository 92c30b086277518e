"""The README's tour, command by command, as a new user runs it after 'make demo'.

Every ``.venv/bin/eventwire ...`` line of the tour is read from README.md and run as written
(through the shell, so globs work) by the installed ``eventwire`` command, in a folder holding a
copy of ``examples/``: its first command, ``run examples/``, builds the demo store there, and every
file a command writes lands in that folder. ``serve`` is started, asked for its events over HTTP
and stopped. A command that names ``../shared`` is skipped when the development data is absent.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
SHARED = REPO.parent / "shared"
PREFIX = ".venv/bin/eventwire"
# a comment after a command: two or more spaces, then "# "
_COMMENT = re.compile(r"\s{2,}#\s.*$")


def tour_commands() -> list[str]:
    """The tour's command lines as written (comments dropped), in order."""
    text = README.read_text(encoding="utf-8")
    tour = text.split("## A tour of the outputs", 1)[1].split("\n## ", 1)[0]
    return [_COMMENT.sub("", line.strip()) for line in tour.splitlines()
            if line.startswith("    ") and line.strip().startswith(PREFIX + " ")]


COMMANDS = tour_commands()


def eventwire_bin() -> Path:
    """The installed console command (what 'make demo' puts in .venv/bin)."""
    path = Path(sys.executable).with_name("eventwire")
    if not path.exists():
        pytest.skip("the eventwire command is not installed beside this Python (pip install -e .)")
    return path


def _shell(command: str) -> str:
    """The README line with the installed command in place of .venv/bin/eventwire, ../shared made absolute."""
    return command.replace(PREFIX, shlex.quote(str(eventwire_bin())), 1).replace("../shared", shlex.quote(str(SHARED)))


def _written(command: str) -> str | None:
    m = re.search(r"(?:^|\s)-o\s+(\S+)", command)
    return m.group(1) if m else None


@pytest.fixture(scope="module")
def tour_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with examples/ and the demo store the tour's first command builds in it."""
    d = tmp_path_factory.mktemp("tour")
    shutil.copytree(REPO / "examples", d / "examples")
    first = COMMANDS[0]
    assert first.startswith(f"{PREFIX} run examples/"), f"the tour should start by building the demo: {first}"
    r = subprocess.run(["bash", "-c", _shell(first)], cwd=d, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr
    assert (d / "eventwire.duckdb").exists()
    return d


def test_the_tour_is_read_from_the_readme() -> None:
    assert len(COMMANDS) >= 15
    verbs = {c.split()[1] for c in COMMANDS}
    assert {"run", "export", "show", "claims", "report", "serve", "extract", "ingest", "quarantine", "settings",
            "eval"} <= verbs
    # every line of the tour is a runnable command: no placeholders such as PATH... or a|b|c
    assert not [c for c in COMMANDS if "..." in c or re.search(r"\w\|\w", c)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(command: str, cwd: Path) -> None:
    port = _free_port()
    proc = subprocess.Popen(["bash", "-c", "exec " + _shell(command)], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True,
                            env={**os.environ, "EVENTWIRE_PORT": str(port)})
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/events", timeout=5) as r:
                    body = json.loads(r.read())
                break
            except OSError:
                assert proc.poll() is None, proc.communicate()[1]
                assert time.monotonic() < deadline, "the review app did not answer"
                time.sleep(0.5)
        assert body["total"] >= 1 and body["events"]
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


@pytest.mark.parametrize("command", COMMANDS[1:], ids=[f"{i + 1:02d}-{c.split()[1]}" for i, c in
                                                       enumerate(COMMANDS[1:])])
def test_each_tour_command_runs_as_written(tour_dir: Path, command: str) -> None:
    if "../shared" in command and not SHARED.is_dir():
        pytest.skip("../shared is absent")
    if command.split()[1] == "serve":
        _serve(command, tour_dir)
        return
    r = subprocess.run(["bash", "-c", _shell(command)], cwd=tour_dir, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, f"{command}\nexit {r.returncode}\n{r.stderr}"
    assert "Traceback" not in r.stderr, r.stderr
    target = _written(command)
    if target and target != "-":
        path = tour_dir / target
        # the demo store holds no reviewer's decision yet: its decisions file is there, and empty
        empty_ok = command.split()[1:3] == ["decisions", "export"]
        assert path.exists() and (path.is_dir() and any(path.rglob("*")) or path.stat().st_size > 0 or empty_ok), \
            command
    elif command.split()[1] in ("show", "claims", "export", "settings", "eval"):
        assert r.stdout.strip(), f"{command} printed nothing"
