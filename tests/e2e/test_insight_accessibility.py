"""The staff queue with its filters and the managers' caseload and staffing page, in all four
languages: zero WCAG A/AA violations found by axe, the chart has its table, and no script."""

from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.conftest import LANGUAGES, LiveServer, axe_violations, sign_in_staff

PAGES = {
    "demo-worker-gent": ["/staff/", "/staff/?who=unassigned&type=leefloon", "/staff/?page=2"],
    "demo-manager-gent": ["/staff/insight/", "/staff/insight/?critical=1/5&contact-centre=2/5"],
    "demo-fin-admin": ["/staff/insight/?office=fin-gent&control=1/5"],
}


@pytest.fixture(scope="module")
def signed_in(browser: Any, live_server: LiveServer) -> Iterator[dict[str, Any]]:
    contexts = {}
    for username in PAGES:
        context = browser.new_context(base_url=live_server.url, bypass_csp=True)
        context.new_page().goto("/")
        sign_in_staff(context, username)
        contexts[username] = context
    yield {name: context.new_page() for name, context in contexts.items()}
    for context in contexts.values():
        context.close()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("username", "path"), [(user, path) for user, paths in PAGES.items() for path in paths]
)
def test_queue_and_insight_pages_have_no_wcag_violations(
    signed_in: dict[str, Any], username: str, path: str, language: str
) -> None:
    tab = signed_in[username]
    tab.goto(f"/language/{language}?next=/")
    response = tab.goto(path)
    assert response is not None and response.status == 200, path
    assert tab.locator("html").get_attribute("lang") == language
    assert tab.locator("main h1").count() == 1
    assert tab.locator("script").count() == 0
    if path.startswith("/staff/insight/"):
        charts = tab.locator("main figure svg[role=img]")
        assert charts.count() >= 1
        assert tab.locator("main figure table").count() == charts.count()
    assert axe_violations(tab) == []
