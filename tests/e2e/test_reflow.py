"""Reflow (WCAG 1.4.10): at 320 CSS pixels wide, and at 1280 pixels zoomed to 200 % (a 640 pixel
viewport at device scale 2), the pages never scroll sideways."""

from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.conftest import (
    LANGUAGES,
    LiveServer,
    demo_insz,
    fill_leefloon,
    sign_in_citizen,
    start_request,
)

PAGES = [
    "/",
    "/services/leefloon",
    "/help/",
    "/help/expert",
    "/help/appointment?postcode=9000",
    "/help/walk-in?postcode=1000",
    "/help/callback",
    "/resume",
    "/login",
    "/accessibility",
    "/privacy-notice",
]
STEPS = ["identity", "address", "household", "income", "check", "saved"]
VIEWPORTS = {"320px": (320, 1), "1280px-at-200%": (640, 2)}

NO_SIDEWAYS_SCROLL = """() => ({
  width: document.documentElement.scrollWidth,
  viewport: window.innerWidth,
  too_wide: [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
    .map(e => `${e.tagName}.${e.className}: ${(e.textContent || '').trim().slice(0, 60)}`),
})"""


@pytest.fixture(scope="module", params=list(VIEWPORTS))
def narrow(request: Any, browser: Any, live_server: LiveServer) -> Iterator[tuple[Any, str]]:
    width, scale = VIEWPORTS[request.param]
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": width, "height": 800},
        device_scale_factor=scale,
    )
    tab = context.new_page()
    tab.goto("/")
    draft = fill_leefloon(context, start_request(context)).rsplit("/", 1)[0]
    yield tab, draft
    context.close()


@pytest.mark.parametrize("path", PAGES + [f"{{draft}}/{step}" for step in STEPS])
def test_page_reflows_without_sideways_scrolling(narrow: tuple[Any, str], path: str) -> None:
    tab, draft = narrow
    for language in LANGUAGES:
        tab.goto(f"/language/{language}?next={path.format(draft=draft)}")
        size = tab.evaluate(NO_SIDEWAYS_SCROLL)
        assert size["width"] <= size["viewport"], f"{language}: {size}"


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_signed_in_citizen_pages_reflow(
    browser: Any, live_server: LiveServer, viewport: str
) -> None:
    width, scale = VIEWPORTS[viewport]
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": width, "height": 800},
        device_scale_factor=scale,
    )
    try:
        sign_in_citizen(context, demo_insz(live_server))
        tab = context.new_page()
        tab.goto("/my/")
        dossiers = tab.locator("main a[href^='/my/dossiers/']")
        paths = ["/my/", "/my/access-log", "/my/mandates", "/services/leefloon"]
        if dossiers.count():
            paths.append(str(dossiers.first.get_attribute("href")))
        for path in paths:
            for language in LANGUAGES:
                tab.goto(f"/language/{language}?next={path}")
                size = tab.evaluate(NO_SIDEWAYS_SCROLL)
                assert size["width"] <= size["viewport"], f"{path} in {language}: {size}"
    finally:
        context.close()
