"""The digital-divide map in a real browser, in all four languages: zero WCAG 2.0/2.1/2.2 A and
AA violations found by axe on the map, its legend, the context figures, the funnel, the
outreach list and the municipality table; `<html lang>` set, one h1."""

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest

from tests.e2e.conftest import LANGUAGES, LiveServer, axe_violations, database, sign_in_staff


@pytest.fixture(scope="module")
def manager(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    """The demo manager, on a live server holding a year of channel history."""
    from loket.demo.channel_history import seed_channel_history
    from loket.insight.divide_refresh import refresh

    with database(live_server) as session:
        seed_channel_history(session, seed=3, people=6000)
        refresh(session, date.today(), date.today() - timedelta(days=366))
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    sign_in_staff(context, "demo-manager-gent")
    # The server draws the municipality shapes on the first request (seconds on a busy machine).
    assert context.request.get("/staff/insight/divide/", timeout=180_000).ok
    yield context
    context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_divide_map_has_no_wcag_violations(manager: Any, language: str) -> None:
    tab = manager.new_page()
    try:
        tab.goto(f"/language/{language}?next=/staff/")
        response = tab.goto("/staff/insight/divide/")
        assert response is not None and response.status == 200
        assert tab.locator("html").get_attribute("lang") == language
        assert tab.locator("main h1").count() == 1, "one h1 in main"
        assert tab.locator("main svg.divide-map path title").count() > 300
        assert axe_violations(tab) == []
    finally:
        tab.close()
