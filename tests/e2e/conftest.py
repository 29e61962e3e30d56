"""A real browser against a real server: Debian's Chromium driven by Playwright.

The server runs in a thread on a seeded demo database (SQLite), in demo mode. Tests are
skipped with a notice when Chromium is missing, unless LOKET_REQUIRE_BROWSER=1 (set by
.ci/run), which turns a missing browser into a failure.
"""

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def _require_browser() -> None:
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is missing; install Debian's chromium to run the browser tests"
    if os.environ.get("LOKET_REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


@dataclass(frozen=True)
class LiveServer:
    url: str
    database_url: str


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    _require_browser()
    import uvicorn

    from loket.bootstrap import initialise
    from loket.demo.population import seed_population
    from loket.settings import get_settings
    from loket.store.engine import make_engine, session_factory
    from loket.web.app import create_app

    os.environ["LOKET_DEMO_MODE"] = "1"
    os.environ["LOKET_COOKIE_SECURE"] = "0"
    get_settings.cache_clear()
    database_url = f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'loket.db'}"
    engine = make_engine(database_url)
    initialise(engine)
    sessions = session_factory(engine)
    seed_population(sessions, people=300, seed=7)
    try:
        from loket.demo.staff import ensure_demo_staff
    except ImportError:  # pragma: no cover - staff pages not built yet
        pass
    else:
        with sessions.begin() as session:
            ensure_demo_staff(session)
    engine.dispose()

    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(database_url), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            pytest.fail("the test server did not start within 30 s")
        time.sleep(0.05)
    yield LiveServer(f"http://127.0.0.1:{port}", database_url)
    server.should_exit = True
    thread.join(timeout=10)
    for name in ("LOKET_DEMO_MODE", "LOKET_COOKIE_SECURE"):
        os.environ.pop(name, None)
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def browser(live_server: LiveServer) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    """A page with JavaScript switched off: every task must work without it."""
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, locale="en-GB"
    )
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def axe_page(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    """A page where axe-core may run (it needs script; the site itself never does)."""
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    tab = context.new_page()
    yield tab
    context.close()


def axe_violations(page: Any) -> list[str]:
    """WCAG 2.0/2.1/2.2 A and AA violations on the page, one line each."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    lines = []
    for violation in results.response["violations"]:
        targets = [", ".join(node["target"]) for node in violation["nodes"][:3]]
        lines.append(f"{violation['id']} ({violation['impact']}): {'; '.join(targets)}")
    return lines
