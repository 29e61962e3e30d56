"""Every page, as each kind of user sees it, in all four languages: zero WCAG 2.0/2.1/2.2 A and
AA violations found by axe, and `<html lang>` set to the language. Forms posted empty are
checked too, since error summaries and inline errors are where accessibility often breaks."""

from collections.abc import Callable

import pytest

from tests.e2e.conftest import LANGUAGES, axe_violations
from tests.e2e.site import CASES, Role, open_case


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", list(CASES))
def test_page_has_no_wcag_violations(
    roles: Callable[[str], Role], name: str, language: str
) -> None:
    tab = open_case(roles, name, language)
    assert tab.locator("html").get_attribute("lang") == language
    assert tab.locator("main h1").count() == 1, "one h1 in main"
    if CASES[name].status == 400:
        assert tab.locator("main .error-summary[role=alert]").count() == 1, "an error summary"
    else:
        assert tab.locator(".error-summary").count() == 0, tab.locator("main").inner_text()
    assert axe_violations(tab) == []
