"""Save and come back later: the resume code opens the request in another browser, on the step
where it was left, with the answers kept."""

from typing import Any

from tests.e2e.conftest import IDENTITY, LiveServer


def test_saved_request_resumes_in_a_new_browser(
    page: Any, browser: Any, live_server: LiveServer
) -> None:
    page.goto("/services/leefloon")
    page.get_by_role("button", name="Start now").click()
    for name, value in IDENTITY.items():
        page.locator(f"#{name}").fill(value)
    page.get_by_role("button", name="Continue").click()
    page.locator("#street").fill("Veldstraat")
    page.locator("#house_number").fill("12")
    page.locator("#postcode").fill("9000")
    page.get_by_role("button", name="Continue").click()
    assert page.url.endswith("/household")
    step_path = page.url.removeprefix(live_server.url)
    page.get_by_label("With children I take care of").check()
    page.locator("#children").fill("2")
    page.get_by_role("button", name="Save and come back later").click()
    assert page.url.endswith("/saved")
    code = page.locator("main .code").first.inner_text().strip()
    assert code

    other = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        tab = other.new_page()
        assert tab.goto(step_path).status == 404, "the draft is not open without the code"
        tab.goto("/resume")
        tab.locator("#code").fill(code.lower())
        tab.locator("main form[action='/resume'] button[type=submit]").click()
        assert tab.url.removeprefix(live_server.url) == step_path
        assert tab.locator("#household-family").is_checked()
        assert tab.locator("#children").input_value() == "2"
        tab.get_by_role("link", name="Back", exact=True).click()
        assert tab.locator("#street").input_value() == "Veldstraat"
        tab.get_by_role("link", name="Back", exact=True).click()
        assert tab.locator("#family_name").input_value() == IDENTITY["family_name"]
    finally:
        other.close()
