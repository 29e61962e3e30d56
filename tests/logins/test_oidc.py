"""ID tokens are accepted only when signature, issuer, audience, time and nonce all hold."""

import time
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from loket.logins.oidc import OidcConfig, OidcError, verify_id_token
from tests.logins.oidc_provider import CLIENT_ID, ISSUER, FakeProvider

CONFIG = OidcConfig(ISSUER, CLIENT_ID, "secret", "https://loket.test/login/oidc/callback")


@pytest.fixture(scope="module")
def provider() -> FakeProvider:
    return FakeProvider()


def _verify(provider: FakeProvider, token: str, nonce: str = "n-1") -> dict[str, Any]:
    return verify_id_token(CONFIG, token, provider.jwks()["keys"], nonce, time.time())


def test_a_valid_token_gives_its_claims(provider: FakeProvider) -> None:
    claims = _verify(provider, provider.id_token(nonce="n-1", egovNRN="85073003328"))
    assert claims["egovNRN"] == "85073003328"


@pytest.mark.parametrize(
    ("claims", "problem"),
    [
        ({"nonce": "other"}, "nonce"),
        ({"nonce": "n-1", "iss": "https://evil.test"}, "issuer"),
        ({"nonce": "n-1", "aud": "someone-else"}, "another client"),
        ({"nonce": "n-1", "exp": int(time.time()) - 3600}, "expired"),
        ({"nonce": "n-1", "iat": int(time.time()) + 3600}, "future"),
    ],
)
def test_a_token_failing_one_check_is_refused(
    provider: FakeProvider, claims: dict[str, Any], problem: str
) -> None:
    with pytest.raises(OidcError, match=problem):
        _verify(provider, provider.id_token(**claims))


def test_a_token_signed_with_another_key_is_refused(provider: FakeProvider) -> None:
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(OidcError, match="signature"):
        _verify(provider, provider.id_token(key=forger, nonce="n-1"))


def test_an_unsigned_or_tampered_token_is_refused(provider: FakeProvider) -> None:
    good = provider.id_token(nonce="n-1", egovNRN="85073003328")
    header, payload, signature = good.split(".")
    with pytest.raises(OidcError, match="algorithm"):
        _verify(provider, provider.id_token(alg="none", nonce="n-1"))
    other = provider.id_token(nonce="n-1", egovNRN="90010100125").split(".")[1]
    with pytest.raises(OidcError, match="signature"):
        _verify(provider, f"{header}.{other}.{signature}")
    with pytest.raises(OidcError, match="not a signed JWT"):
        _verify(provider, "garbage")
