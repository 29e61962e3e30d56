"""The language switch: each language link changes `<html lang>`, the current-language marker and
what the page says, and the choice outlives the browser's own preference (Accept-Language)."""

from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.conftest import (
    LiveServer,
    demo_insz,
    fill_leefloon,
    post_form,
    sign_in_citizen,
    start_request,
)


@pytest.fixture
def french_browser(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    """A browser that prefers Belgian French, without JavaScript."""
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, locale="fr-BE"
    )
    yield context
    context.close()


def test_the_browser_language_is_used_until_a_language_is_chosen(french_browser: Any) -> None:
    tab = french_browser.new_page()
    tab.goto("/")
    assert tab.locator("html").get_attribute("lang") == "fr"
    assert tab.locator("nav.languages a[aria-current=true]").get_attribute("hreflang") == "fr"


def test_each_language_link_switches_the_page_and_the_choice_is_remembered(
    french_browser: Any, live_server: LiveServer
) -> None:
    # A citizen with a dossier: its status label comes from the register in every language.
    sign_in_citizen(french_browser, demo_insz(live_server, "9000", index=1))
    check = fill_leefloon(french_browser, start_request(french_browser))
    assert post_form(french_browser, check.replace("/check", "/submit")).ok
    tab = french_browser.new_page()
    tab.goto("/my/")
    seen: dict[str, tuple[str, str]] = {}
    for code in ("nl", "de", "en", "fr"):
        tab.locator(f"nav.languages a[hreflang={code}]").click()
        assert tab.url.endswith("/my/"), "the switch returns to the same page"
        assert tab.locator("html").get_attribute("lang") == code
        current = tab.locator("nav.languages a[aria-current=true]")
        assert current.count() == 1 and current.get_attribute("hreflang") == code
        seen[code] = (tab.locator("main .tag").first.inner_text(), tab.locator("main").inner_text())
    assert len({status for status, _text in seen.values()}) == 4, seen
    assert len({text for _status, text in seen.values()}) == 4

    tab.locator("nav.languages a[hreflang=de]").click()
    tab.goto("/services/leefloon")  # the browser still asks for French
    assert tab.locator("html").get_attribute("lang") == "de"
    other = french_browser.new_page()
    other.goto("/help/")
    assert other.locator("html").get_attribute("lang") == "de"
