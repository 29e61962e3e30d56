"""Issued attestations print loket's absolute /verify address from LOKET_PUBLIC_URL, that
address opens the attestation's check page, and a wrong setting is refused by name."""

import re
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from factories import citizen_at, open_dossiers
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from pyhanko.pdf_utils.reader import PdfFileReader
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner, Result

from loket.cli.documents import app
from loket.documents.attestation_model import Attestation
from loket.documents.attestations import AttestationError, IssuedAttestation, issue_attestation
from loket.documents.public_url import DEFAULT_PUBLIC_URL, PublicUrlError, checked_public_url
from loket.settings import get_settings
from loket.web.app import create_app

PUBLIC = "https://loket.example.be"


@pytest.fixture(autouse=True)
def issuer_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("LOKET_ISSUER_DIR", str(tmp_path / "issuer"))
    monkeypatch.delenv("LOKET_TSA_URL", raising=False)
    monkeypatch.delenv("LOKET_PUBLIC_URL", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def public_url(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("LOKET_PUBLIC_URL", value)
    get_settings.cache_clear()


@pytest.fixture
def dossier(sessions: sessionmaker[Session]) -> str:
    with sessions.begin() as session:
        citizen = citizen_at(session, "9000", family_name="Claes")
        return open_dossiers(session, citizen, ("leefloon",))["leefloon"].reference


def issue(sessions: sessionmaker[Session], dossier: str) -> IssuedAttestation:
    with sessions.begin() as session:
        return issue_attestation(session, dossier, "living-wage", "en", "clerk.gent")


def page_text(pdf: bytes) -> list[str]:
    """The text lines the page shows, read from its content stream as a PDF reader would."""
    reader = PdfFileReader(BytesIO(pdf), strict=False)
    page = reader.root["/Pages"]["/Kids"][0].get_object()
    content = page["/Contents"].get_object().data
    strings = re.findall(rb"\(((?:[^()\\]|\\.)*)\) Tj", content)
    return [re.sub(rb"\\(.)", rb"\1", raw).decode("cp1252") for raw in strings]


def printed_address(pdf: bytes) -> str:
    lines = [line for line in page_text(pdf) if line.startswith("Check this attestation at ")]
    assert len(lines) == 1, page_text(pdf)
    return lines[0].removeprefix("Check this attestation at ")


def test_the_attestation_prints_the_absolute_address_and_it_opens_the_check_page(
    sessions: sessionmaker[Session],
    dossier: str,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    public_url(monkeypatch, PUBLIC + "/")
    issued = issue(sessions, dossier)
    address = printed_address(issued.pdf)
    assert address == f"{PUBLIC}/verify/{issued.reference}"
    parts = urlsplit(address)
    monkeypatch.setenv("LOKET_COOKIE_SECURE", "0")
    with TestClient(
        create_app(database_url), base_url=f"{parts.scheme}://{parts.netloc}"
    ) as client:
        page = client.get(parts.path, headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert issued.reference in page.text and "is valid" in page.text


def test_an_address_under_a_path_keeps_the_path(
    sessions: sessionmaker[Session], dossier: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    public_url(monkeypatch, "https://diensten.gent.be:8443/loket/")
    issued = issue(sessions, dossier)
    assert printed_address(issued.pdf) == (
        f"https://diensten.gent.be:8443/loket/verify/{issued.reference}"
    )


def test_unset_the_address_is_that_of_loket_serve_and_the_command_warns(
    sessions: sessionmaker[Session],
    dossier: str,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    issued = issue(sessions, dossier)
    assert printed_address(issued.pdf) == f"{DEFAULT_PUBLIC_URL}/verify/{issued.reference}"
    monkeypatch.setenv("LOKET_DATABASE_URL", database_url)
    get_settings.cache_clear()
    out = tmp_path / "a.pdf"
    result = issue_command(dossier, out)
    assert result.exit_code == 0, result.output
    assert "LOKET_PUBLIC_URL is not set" in result.stderr
    assert result.stdout.strip() in printed_address(out.read_bytes())


def issue_command(dossier: str, out: Path) -> Result:
    arguments = ["issue", "--dossier", dossier, "--kind", "address", "--language", "en"]
    return CliRunner().invoke(app, [*arguments, "--as", "clerk.gent", "--out", str(out)])


BAD_ADDRESSES = [
    "loket.example.be",  # no scheme
    "ftp://loket.example.be",
    "https://",
    "https://loket.example.be/?lang=nl",
    "https://loket.example.be/#top",
    "https://loket.example.be?",
    "https://admin:secret@loket.example.be",
    "https://loket.example.be:99999",
    "javascript:alert(1)",
    "https://loket example.be",
    "https://bürgerdienste.be",
    "https://loket.example.be/\x07",
]


@pytest.mark.parametrize("value", BAD_ADDRESSES)
def test_a_bad_address_is_refused_by_name_and_nothing_is_issued(
    sessions: sessionmaker[Session], dossier: str, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    public_url(monkeypatch, value)
    with pytest.raises(AttestationError, match="^LOKET_PUBLIC_URL: "):
        issue(sessions, dossier)
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Attestation)) == 0


def test_the_issue_command_names_the_bad_setting(
    dossier: str, database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("LOKET_DATABASE_URL", database_url)
    public_url(monkeypatch, "https://loket.example.be/?x=1")
    out = tmp_path / "a.pdf"
    result = issue_command(dossier, out)
    assert result.exit_code == 2
    assert "LOKET_PUBLIC_URL" in result.stderr and "query" in result.stderr
    assert not out.exists()


hosts = st.from_regex(r"[a-z][a-z0-9-]{0,20}(\.[a-z][a-z0-9-]{0,20}){0,3}", fullmatch=True)
paths = st.from_regex(r"(/[a-z0-9._~-]{1,10}){0,3}/?", fullmatch=True)


@given(
    scheme=st.sampled_from(["http", "https"]),
    host=hosts,
    port=st.none() | st.integers(1, 65535),
    path=paths,
)
def test_a_good_address_keeps_its_parts_and_checking_twice_changes_nothing(
    scheme: str, host: str, port: int | None, path: str
) -> None:
    value = f"{scheme}://{host}{f':{port}' if port is not None else ''}{path}"
    checked = checked_public_url(value)
    parts = urlsplit(checked + "/verify/LA-AAAAAAAAAAAA")
    assert (parts.scheme, parts.hostname, parts.port) == (scheme, host, port)
    assert parts.path == path.rstrip("/") + "/verify/LA-AAAAAAAAAAAA"
    assert not parts.query and not parts.fragment
    assert checked_public_url(checked) == checked


@given(before=st.text(), mark=st.sampled_from("?#"), after=st.text())
def test_an_address_with_a_query_or_fragment_is_never_accepted(
    before: str, mark: str, after: str
) -> None:
    with pytest.raises(PublicUrlError, match="^LOKET_PUBLIC_URL: "):
        checked_public_url(f"https://loket.example.be/{before}{mark}{after}")


@given(value=st.text())
def test_any_text_is_either_refused_by_name_or_a_clean_http_address(value: str) -> None:
    try:
        checked = checked_public_url(value)
    except PublicUrlError as error:
        assert str(error).startswith("LOKET_PUBLIC_URL: ")
        return
    parts = urlsplit(checked)
    assert parts.scheme in ("http", "https") and parts.hostname
    assert checked.isascii() and not any(c.isspace() or c in "?#@" for c in checked)
