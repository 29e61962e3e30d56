"""loket's public address (LOKET_PUBLIC_URL), printed on every attestation before
/verify/{reference} so that whoever holds the paper or the PDF can reach the check."""

from urllib.parse import urlsplit

from loket.settings import get_settings

VERIFY_PATH = "/verify/"
# Where `loket serve` listens by default: the address printed when LOKET_PUBLIC_URL is unset.
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"


class PublicUrlError(ValueError):
    """LOKET_PUBLIC_URL (or a given base address) is not an http(s) address of loket."""


def checked_public_url(value: str, setting: str = "LOKET_PUBLIC_URL") -> str:
    """`value` without its trailing slash when it is `http(s)://host[:port][/path]`; a
    `PublicUrlError` naming `setting` otherwise. A query, a fragment or a user name would end
    up in the middle of every printed /verify address, so they are refused."""
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError as error:
        raise PublicUrlError(f"{setting}: {value!r} is not a URL: {error}") from None
    problem = None
    if not value.strip().isascii() or any(
        c.isspace() or not c.isprintable() for c in value.strip()
    ):
        # Printed on the PDF in WinAnsi: anything else would print as "?".
        problem = "it must be plain ASCII without spaces (an international name in xn-- form)"
    elif parts.scheme not in ("http", "https"):
        problem = "it must start with https:// (or http://)"
    elif not parts.hostname:
        problem = "it names no host"
    elif parts.username is not None or parts.password is not None:
        problem = "it must not carry a user name or password"
    elif parts.query or parts.fragment or "?" in value or "#" in value:
        problem = "it must not carry a query (?…) or a fragment (#…)"
    if problem is not None:
        raise PublicUrlError(
            f"{setting}: {value!r}: {problem}; give loket's address, e.g. https://loket.example.be"
        )
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    netloc += f":{port}" if port is not None else ""
    return f"{parts.scheme}://{netloc}{parts.path.rstrip('/')}"


def public_url() -> str:
    """loket's public address from LOKET_PUBLIC_URL, or `DEFAULT_PUBLIC_URL` when unset."""
    configured = get_settings().public_url
    return checked_public_url(configured) if configured.strip() else DEFAULT_PUBLIC_URL


def verify_address(reference: str, base_url: str | None = None) -> str:
    """The absolute /verify/{reference} address printed on the attestation."""
    base = public_url() if base_url is None else checked_public_url(base_url, "base_url")
    return f"{base}{VERIFY_PATH}{reference}"
