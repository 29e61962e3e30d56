"""A fake OpenID Connect provider for the tests: its own RSA key, discovery and token answers."""

import base64
import json
import time
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

ISSUER = "https://idp.test/fas"
CLIENT_ID = "loket-test"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _int(value: int) -> str:
    return _b64(value.to_bytes((value.bit_length() + 7) // 8, "big"))


@dataclass
class FakeProvider:
    key: rsa.RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    kid: str = "key-1"
    # What the token endpoint answers next; set by the test.
    next_id_token: str = ""
    token_requests: list[dict[str, str]] = field(default_factory=list)

    def jwks(self) -> dict[str, Any]:
        numbers = self.key.public_key().public_numbers()
        return {
            "keys": [{"kty": "RSA", "kid": self.kid, "n": _int(numbers.n), "e": _int(numbers.e)}]
        }

    def id_token(
        self, *, alg: str = "RS256", key: rsa.RSAPrivateKey | None = None, **claims: Any
    ) -> str:
        now = int(time.time())
        body = {"iss": ISSUER, "aud": CLIENT_ID, "iat": now, "exp": now + 300, **claims}
        header = _b64(json.dumps({"alg": alg, "kid": self.kid, "typ": "JWT"}).encode())
        payload = _b64(json.dumps(body).encode())
        signed = f"{header}.{payload}".encode()
        signature = (key or self.key).sign(signed, padding.PKCS1v15(), hashes.SHA256())
        return f"{header}.{payload}.{_b64(signature)}"

    def fetch_json(self, url: str) -> dict[str, Any]:
        if url == f"{ISSUER}/.well-known/openid-configuration":
            return {
                "issuer": ISSUER,
                "authorization_endpoint": f"{ISSUER}/authorize",
                "token_endpoint": f"{ISSUER}/token",
                "jwks_uri": f"{ISSUER}/jwks",
            }
        if url == f"{ISSUER}/jwks":
            return self.jwks()
        raise OSError(f"unexpected URL {url}")

    def post_form(self, url: str, fields: dict[str, str]) -> dict[str, Any]:
        assert url == f"{ISSUER}/token"
        self.token_requests.append(fields)
        return {"id_token": self.next_id_token, "token_type": "Bearer"}
