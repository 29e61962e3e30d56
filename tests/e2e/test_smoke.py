"""The browser sees the pages that exist from the start: languages, help block, axe."""

from typing import Any

import pytest

from tests.e2e.conftest import axe_violations

LANGUAGES = ["nl", "fr", "de", "en"]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("path", ["/", "/login", "/login/failed", "/privacy-notice"])
def test_page_has_no_wcag_violations(axe_page: Any, path: str, language: str) -> None:
    axe_page.goto(f"/language/{language}?next={path}")
    assert axe_page.locator("html").get_attribute("lang") == language
    assert axe_violations(axe_page) == []


def test_the_accessibility_check_catches_a_real_violation(axe_page: Any) -> None:
    """Guards the harness: axe must report an image without a text alternative."""
    axe_page.set_content('<html lang="en"><body><main><img src="x.png"></main></body></html>')
    assert any(line.startswith("image-alt") for line in axe_violations(axe_page))
