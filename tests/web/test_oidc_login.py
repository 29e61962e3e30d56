"""The production citizen login: OpenID Connect to the federal authentication service, with a
fake provider. Every failure ends on the page that offers a person."""

from collections.abc import Callable, Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from loket.logins import oidc
from loket.settings import get_settings
from tests.logins.oidc_provider import CLIENT_ID, ISSUER, FakeProvider


@pytest.fixture
def provider(pages: TestClient, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeProvider]:
    fake = FakeProvider()
    monkeypatch.setattr(oidc, "fetch_json", fake.fetch_json)
    monkeypatch.setattr(oidc, "post_form", fake.post_form)
    for name, value in {
        "LOKET_OIDC_ISSUER": ISSUER,
        "LOKET_OIDC_CLIENT_ID": CLIENT_ID,
        "LOKET_OIDC_CLIENT_SECRET": "s3cret",
        "LOKET_OIDC_REDIRECT_URI": "http://testserver/login/oidc/callback",
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield fake
    get_settings.cache_clear()


def _start(pages: TestClient) -> dict[str, str]:
    response = pages.get("/login/oidc")
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith(f"{ISSUER}/authorize?")
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def test_the_eid_login_signs_the_citizen_in(
    pages: TestClient, provider: FakeProvider, make_citizen: Callable[..., str]
) -> None:
    insz = make_citizen("9000")
    assert "Sign in with your eID card or itsme" in pages.get("/login").text
    query = _start(pages)
    provider.next_id_token = provider.id_token(nonce=query["nonce"], egovNRN=insz)
    response = pages.get(f"/login/oidc/callback?code=abc&state={query['state']}")
    assert response.status_code == 303 and response.headers["location"] == "/my/"
    assert provider.token_requests[0]["code"] == "abc"
    assert "Sign out" in pages.get("/").text


@pytest.mark.parametrize("failure", ["state", "nonce", "error", "unknown-citizen"])
def test_a_failed_eid_login_points_to_a_person(
    pages: TestClient, provider: FakeProvider, make_citizen: Callable[..., str], failure: str
) -> None:
    insz = make_citizen("9000")
    query = _start(pages)
    nonce = "forged" if failure == "nonce" else query["nonce"]
    number = "90010100125" if failure == "unknown-citizen" else insz
    provider.next_id_token = provider.id_token(nonce=nonce, egovNRN=number)
    state = "forged" if failure == "state" else query["state"]
    suffix = "&error=access_denied" if failure == "error" else ""
    response = pages.get(f"/login/oidc/callback?code=abc&state={state}{suffix}")
    assert response.headers["location"] == "/login/failed"
    page = pages.get("/login/failed").text
    assert 'href="/help/callback"' in page and 'href="/help/appointment"' in page
    assert "Sign out" not in pages.get("/").text


def test_without_configuration_the_eid_button_is_absent(pages: TestClient) -> None:
    assert "/login/oidc" not in pages.get("/login").text
    assert pages.get("/login/oidc").headers["location"] == "/login/failed"
