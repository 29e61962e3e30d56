"""A real browser against a real server: Debian's Chromium driven by Playwright.

The server runs in a process of its own on a seeded demo database (SQLite), in demo mode.
Tests are skipped with a notice when Chromium is missing, unless LOKET_REQUIRE_BROWSER=1 (set
by .ci/run), which turns a missing browser into a failure.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under pytest-xdist (`--dist loadgroup`) the browser tests all run in one worker, so that
    the seeded server and Chromium are started once rather than once per worker."""
    if not config.pluginmanager.hasplugin("xdist"):
        return
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.xdist_group("browser"))


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
    """`loket serve` in a process of its own, in demo mode, on a freshly seeded database.

    A separate process keeps demo mode out of the settings of every other test."""
    _require_browser()
    from loket.bootstrap import initialise
    from loket.demo.population import seed_population
    from loket.demo.staff import ensure_demo_staff
    from loket.store.engine import make_engine, session_factory

    database_url = f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'loket.db'}"
    engine = make_engine(database_url)
    initialise(engine)
    sessions = session_factory(engine)
    seed_population(sessions, people=300, seed=7)
    with sessions.begin() as session:
        ensure_demo_staff(session)
    engine.dispose()

    port = _free_port()
    environment = {
        **os.environ,
        "LOKET_DATABASE_URL": database_url,
        "LOKET_DEMO_MODE": "1",
        "LOKET_COOKIE_SECURE": "0",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "loket", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/api/v1/health", timeout=2):
                break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                problem = server.stderr.read().decode() if server.stderr else ""
                pytest.fail(f"the test server did not start within 60 s: {problem[-2000:]}")
            time.sleep(0.1)
    yield LiveServer(url, database_url)
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()


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


# --- Shared helpers for the themed browser tests -------------------------------------------------

LANGUAGES = ["nl", "fr", "de", "en"]


def csrf_token(context: Any) -> str:
    """This browser's CSRF cookie (set on the first page it loaded)."""
    for cookie in context.cookies():
        if cookie["name"] == "loket_csrf":
            return str(cookie["value"])
    raise AssertionError("no CSRF cookie: load a page first")


def post_form(context: Any, path: str, data: dict[str, str] | None = None) -> Any:
    """Post a form the way the page would (cookies of `context`), following redirects."""
    form = dict(data or {}) | {"csrf_token": csrf_token(context)}
    return context.request.post(path, form=form)


def sign_in_citizen(context: Any, insz: str) -> None:
    tab = context.new_page()
    tab.goto("/login")
    post_form(context, "/login/demo", {"insz": insz, "next": "/my/"})
    tab.close()


def sign_in_staff(context: Any, username: str) -> None:
    from loket.demo.staff import DEMO_STAFF

    password = next(d.password for d in DEMO_STAFF if d.username == username)
    tab = context.new_page()
    tab.goto("/staff/login")
    response = post_form(
        context, "/staff/login", {"username": username, "password": password, "next": "/staff/"}
    )
    assert "/staff/login" not in response.url, f"{username} could not sign in"
    tab.close()


def demo_insz(live_server: LiveServer, postcode: str | None = None, index: int = 0) -> str:
    """A seeded citizen offered on the demo login page, or else the `index`-th one living at
    `postcode` (tests take different citizens so that their requests do not meet)."""
    from sqlalchemy import select

    from loket.logins.service import demo_citizens
    from loket.people.model import Citizen
    from loket.people.service import current_address
    from loket.store.engine import make_engine, session_factory

    engine = make_engine(live_server.database_url)
    try:
        with session_factory(engine).begin() as session:
            if postcode is None:
                return str(demo_citizens(session)[index].insz)
            for citizen in session.scalars(select(Citizen).order_by(Citizen.id)):
                address = current_address(session, citizen.id)
                if address is not None and address.postcode == postcode:
                    if index == 0:
                        return str(citizen.insz)
                    index -= 1
    finally:
        engine.dispose()
    raise AssertionError(f"no seeded citizen lives at {postcode}")


@contextmanager
def database(live_server: LiveServer) -> Iterator[Any]:
    """A session on the live server's database, to check what a browser task left behind."""
    from loket.store.engine import make_engine, session_factory

    engine = make_engine(live_server.database_url)
    try:
        with session_factory(engine).begin() as session:
            yield session
    finally:
        engine.dispose()


IDENTITY = {
    "insz": "85.07.30-033.28",
    "family_name": "Janssens",
    "given_names": "Lies",
    "birth_date": "30-07-1985",
}
ADDRESS = {"street": "Veldstraat", "house_number": "12", "box": "", "postcode": "9000"}
LEEFLOON_STEPS = {
    "identity": IDENTITY,
    "address": ADDRESS,
    "household": {"household": "alone", "children": "0"},
    "income": {"has_work": "no", "monthly_income": "350,00"},
    "details": {"phone": "", "situation": "I lost my job."},
}


def start_request(context: Any, kind: str = "leefloon") -> str:
    """Start a request in `context`; returns the path of its first step."""
    tab = context.new_page()
    tab.goto(f"/services/{kind}")
    tab.close()
    response = post_form(context, f"/requests/{kind}/start")
    assert response.ok, response.status
    return path_of(response.url)


def fill_leefloon(context: Any, path: str, until: str = "check") -> str:
    """Answer the leefloon steps from `path` on, stopping at step `until`; returns its path."""
    while not path.endswith(f"/{until}"):
        step = path.rsplit("/", 1)[1]
        response = post_form(context, path, LEEFLOON_STEPS[step])
        assert response.ok and path_of(response.url) != path, f"step {step} was refused"
        path = path_of(response.url)
    return path


def path_of(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).path


def tab_to(page: Any, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching `selector` has the keyboard focus."""
    for _ in range(limit):
        if page.locator(f"{selector}:focus").count():
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector} on {page.url}")


def type_into(page: Any, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def press_button(page: Any, selector: str) -> None:
    """Tab to a button and press Enter, waiting for the page it leads to."""
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press("Enter")


@pytest.fixture(scope="session")
def roles(browser: Any, live_server: LiveServer) -> Iterator[Callable[[str], Any]]:
    """A JavaScript-enabled browser context per kind of user, prepared once (see site.py)."""
    from tests.e2e.site import PREPARE, Role

    prepared: dict[str, Role] = {}

    def role_of(name: str) -> Role:
        if name not in prepared:
            context = browser.new_context(base_url=live_server.url, bypass_csp=True)
            role = Role(context, context.new_page())
            role.tab.goto("/")
            PREPARE[name](role, live_server)
            prepared[name] = role
        return prepared[name]

    yield role_of
    for role in prepared.values():
        role.context.close()
