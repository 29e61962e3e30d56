"""What every page shares: language, the help block, security headers, CSRF, sign-in."""

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from loket.web.i18n import negotiate
from tests.web.conftest import csrf_of, post_form

PAGES = ["/", "/login", "/login/failed", "/privacy-notice"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_offers_a_person_in_the_same_place(pages: TestClient, path: str) -> None:
    html = pages.get(path).text
    assert '<aside class="help" aria-labelledby="help-heading">' in html
    assert 'href="/help/callback"' in html and 'href="/help/appointment"' in html
    # The help block comes after the main content and before the footer, on every page.
    assert html.index("</main>") < html.index('<aside class="help"') < html.index("<footer")


@pytest.mark.parametrize("path", PAGES)
def test_pages_forbid_scripts_and_framing(pages: TestClient, path: str) -> None:
    response = pages.get(path)
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "<script" not in response.text


def test_the_browser_language_is_used_until_the_reader_chooses(pages: TestClient) -> None:
    assert '<html lang="fr">' in pages.get("/", headers={"Accept-Language": "fr-BE,fr;q=0.9"}).text
    switch = pages.get("/language/de?next=/login")
    assert switch.status_code == 303 and switch.headers["location"] == "/login"
    page = pages.get("/", headers={"Accept-Language": "fr-BE,fr;q=0.9"})
    assert '<html lang="de">' in page.text
    assert 'aria-current="true">Deutsch</a>' in page.text


def test_the_language_switch_never_sends_the_reader_to_another_site(pages: TestClient) -> None:
    for target in ["https://evil.example/", "//evil.example/", "/\\evil.example"]:
        response = pages.get("/language/nl", params={"next": target})
        assert response.headers["location"] == "/"


@pytest.mark.parametrize(
    ("header", "expected"),
    [("", "nl"), ("en-GB,en;q=0.8", "en"), ("es,fr;q=0.5,de;q=0.7", "de"), ("xx;q=abc", "nl")],
)
def test_accept_language_picks_the_best_of_our_languages(header: str, expected: str) -> None:
    assert negotiate(header) == expected


def test_a_form_without_its_csrf_token_is_refused(pages: TestClient) -> None:
    csrf_of(pages)
    response = pages.post("/login/demo", data={"insz": "85073003328"})
    assert response.status_code == 403
    forged = pages.post("/login/demo", data={"insz": "85073003328", "csrf_token": "x" * 43})
    assert forged.status_code == 403


def test_a_form_from_another_site_is_refused(pages: TestClient) -> None:
    token = csrf_of(pages)
    response = pages.post(
        "/login/demo",
        data={"insz": "85073003328", "csrf_token": token},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 403


def test_demo_login_signs_a_citizen_in_and_out(
    pages: TestClient, make_citizen: Callable[..., str]
) -> None:
    insz = make_citizen("9000")
    response = post_form(pages, "/login/demo", {"insz": insz, "next": "/"})
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert "loket_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Sign out" in pages.get("/").text
    post_form(pages, "/logout")
    assert "Sign out" not in pages.get("/").text


def test_a_script_typed_into_the_login_form_comes_back_as_text(pages: TestClient) -> None:
    payload = "<script>alert(1)</script>"
    response = post_form(pages, "/login/demo", {"insz": payload})
    assert response.status_code == 400
    assert "<script>alert" not in response.text
    assert "&lt;script&gt;" in response.text
    assert 'href="#insz"' in response.text  # the error summary links to the field
