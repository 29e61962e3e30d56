"""Citizen login through OpenID Connect (the federal authentication service: eID, itsme).

Authorisation-code flow: the browser is sent to the provider with a random `state` and
`nonce`; the provider sends it back with a code, which we exchange for an ID token. The ID
token is accepted only when its RS256 signature verifies against the provider's published
keys, it was issued by the configured issuer for our client, it has not expired and it carries
our nonce. The citizen is identified by the national register number claim.
"""

import base64
import json
import secrets
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

# Seconds of clock difference tolerated between us and the provider.
LEEWAY = 120
TIMEOUT = 10


class OidcError(PermissionError):
    """A login that cannot be accepted; the message says why (for the log, not the citizen)."""


@dataclass(frozen=True)
class OidcConfig:
    issuer: str
    client_id: str
    client_secret: str
    redirect_uri: str
    nrn_claim: str = "egovNRN"


@dataclass(frozen=True)
class Provider:
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str


def _get_json(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=TIMEOUT) as response:  # noqa: S310 (https only)
        data: dict[str, Any] = json.load(response)
    return data


def _post_form(url: str, fields: dict[str, str]) -> dict[str, Any]:
    body = urllib.parse.urlencode(fields).encode()
    request = urllib.request.Request(url, data=body, method="POST")
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
        data: dict[str, Any] = json.load(response)
    return data


# Replaced in tests by a fake provider; production talks HTTPS to the issuer.
fetch_json: Callable[[str], dict[str, Any]] = _get_json
post_form: Callable[[str, dict[str, str]], dict[str, Any]] = _post_form


def discover(config: OidcConfig) -> Provider:
    document = fetch_json(config.issuer.rstrip("/") + "/.well-known/openid-configuration")
    if document.get("issuer") != config.issuer:
        raise OidcError("the discovery document names another issuer")
    try:
        return Provider(
            document["authorization_endpoint"], document["token_endpoint"], document["jwks_uri"]
        )
    except KeyError as missing:
        raise OidcError(f"the discovery document lacks {missing}") from None


def new_state_and_nonce() -> tuple[str, str]:
    return secrets.token_urlsafe(24), secrets.token_urlsafe(24)


def authorization_url(config: OidcConfig, provider: Provider, state: str, nonce: str) -> str:
    query = urllib.parse.urlencode(
        {
            "response_type": "code",
            "client_id": config.client_id,
            "redirect_uri": config.redirect_uri,
            "scope": "openid profile egovnrn",
            "state": state,
            "nonce": nonce,
        }
    )
    return f"{provider.authorization_endpoint}?{query}"


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _rsa_key(jwk: dict[str, Any]) -> rsa.RSAPublicKey:
    n = int.from_bytes(_b64decode(jwk["n"]), "big")
    e = int.from_bytes(_b64decode(jwk["e"]), "big")
    return rsa.RSAPublicNumbers(e, n).public_key()


def verify_id_token(
    config: OidcConfig, token: str, keys: list[dict[str, Any]], nonce: str, now: float
) -> dict[str, Any]:
    """The claims of a valid ID token; OidcError naming the first check that fails."""
    try:
        header_part, claims_part, signature_part = token.split(".")
        header = json.loads(_b64decode(header_part))
        claims: dict[str, Any] = json.loads(_b64decode(claims_part))
        signature = _b64decode(signature_part)
    except (ValueError, TypeError):
        raise OidcError("the ID token is not a signed JWT") from None
    if header.get("alg") != "RS256":
        raise OidcError(f"the ID token algorithm {header.get('alg')!r} is not accepted")
    candidates = [k for k in keys if k.get("kty") == "RSA" and k.get("kid") == header.get("kid")]
    if not candidates:
        raise OidcError("no published key matches the ID token")
    try:
        _rsa_key(candidates[0]).verify(
            signature,
            f"{header_part}.{claims_part}".encode(),
            padding.PKCS1v15(),
            hashes.SHA256(),
        )
    except (InvalidSignature, ValueError, KeyError):
        raise OidcError("the ID token signature does not verify") from None
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if claims.get("iss") != config.issuer:
        raise OidcError("the ID token comes from another issuer")
    if config.client_id not in audiences:
        raise OidcError("the ID token is for another client")
    if not isinstance(claims.get("exp"), int | float) or claims["exp"] + LEEWAY < now:
        raise OidcError("the ID token has expired")
    if isinstance(claims.get("iat"), int | float) and claims["iat"] - LEEWAY > now:
        raise OidcError("the ID token was issued in the future")
    if not nonce or not secrets.compare_digest(str(claims.get("nonce", "")), nonce):
        raise OidcError("the ID token does not carry our nonce")
    return claims


def national_number(config: OidcConfig, code: str, nonce: str) -> str:
    """Exchange the code for an ID token, verify it, and return the citizen's number claim."""
    provider = discover(config)
    answer = post_form(
        provider.token_endpoint,
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": config.redirect_uri,
            "client_id": config.client_id,
            "client_secret": config.client_secret,
        },
    )
    token = answer.get("id_token")
    if not isinstance(token, str):
        raise OidcError("the provider answered without an ID token")
    keys = fetch_json(provider.jwks_uri).get("keys", [])
    claims = verify_id_token(config, token, keys, nonce, time.time())
    number = claims.get(config.nrn_claim)
    if not isinstance(number, str) or not number:
        raise OidcError(f"the ID token has no {config.nrn_claim} claim")
    return number
