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


SCALE_EVENTS = 3000


@pytest.fixture(scope="session")
def scale_store(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of 3,000 synthetic events from real UCDP records and news texts (bench/bench_app.py says how)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_app", REPO / "bench" / "bench_app.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    db = tmp_path_factory.mktemp("scale") / "scale.duckdb"
    module.build_store(db, SCALE_EVENTS)
    return db


# --------------------------------------------------------------------------- browser and app server

FIXTURES = REPO / "tests" / "fixtures"
# Debian's Chromium, headless, with nothing of its own reaching the network
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """The Chromium the browser tests drive (the ``browser`` setting, else 'chromium' on PATH).

    With CI=true a missing browser fails the tests (CI installs Debian's package); elsewhere they skip.
    """
    import os
    import shutil

    from eventwire.settings import Settings

    path = Settings.from_env().browser or shutil.which("chromium") or ""
    if not path or not Path(path).exists():
        message = ("no Chromium browser: install Debian's (apt-get install -y chromium) or set EVENTWIRE_BROWSER "
                   "to its path")
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def browser(chromium_path: str, tmp_path_factory: pytest.TempPathFactory):
    """A headless Chromium with a fresh profile (Playwright drives it; no browser is downloaded)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=chromium_path, headless=True,
            args=CHROMIUM_ARGS, viewport={"width": 1280, "height": 900})
        yield context
        context.close()


class Watched:
    """A page whose dialogs, script errors and requests to other machines are recorded (and refused)."""

    def __init__(self, context) -> None:
        self.page = context.new_page()
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.route("**/*", self._route)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(("http://127.0.0.1:", "file://", "data:", "about:")):
            route.continue_()
        else:  # the app and the report must need nothing from elsewhere
            self.outside.append(url)
            route.abort()

    def ready(self, url: str) -> None:
        """Open ``url`` and wait until the app has drawn the page its address names."""
        self.page.goto("about:blank")  # a fresh page, also when only the address's #part changes
        self.page.goto(url)
        self.page.wait_for_selector("body[data-ready]")
        state = self.page.evaluate("document.body.dataset.ready")
        assert state != "error", self.page.locator("main").inner_text()

    def close(self) -> None:
        self.page.close()


@pytest.fixture
def watched(browser):
    """A fresh watched page in the shared browser."""
    w = Watched(browser)
    yield w
    w.close()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the browser tests save their screenshots (EVENTWIRE_SCREENSHOTS, else a temporary folder)."""
    import os

    folder = Path(os.environ.get("EVENTWIRE_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def serving():
    """Start the real app server (uvicorn) on a free local port for a store; yields its base URL."""
    import contextlib
    import socket
    import threading
    import time

    import uvicorn

    from eventwire.serve import create_app

    servers = []

    @contextlib.contextmanager
    def start(settings):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port,
                                               log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 30
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        servers.append((server, thread))
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            server.should_exit = True
            thread.join(timeout=10)

    return start
