"""Attestations loket issues: an issued one verifies, a modified copy does not, a revoked one
says so, on the command line and on the public /verify/{reference} page."""

import json
import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from factories import citizen_at, open_dossiers
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from loket.cases.model import Dossier
from loket.cli.documents import app
from loket.documents.attestation_pdf import AttestationContent, page_pdf, sign_pdf
from loket.documents.attestations import (
    AttestationError,
    IssuedAttestation,
    check_issued,
    issue_attestation,
    reference_in,
    revoke_attestation,
    verify_presented,
)
from loket.documents.blobs import DiskBlobStore
from loket.documents.issuer_keys import agency_signer, issuing_root_pem
from loket.documents.storage import store_and_verify
from loket.documents.verdicts import Verdict
from loket.documents.verify import verify_pdf
from loket.settings import get_settings
from loket.web.app import create_app
from loket.web.pages.rendering import CSRF_COOKIE
from tests.documents.pki import change_page_text

REVOKED_ON = datetime(2026, 11, 29, 10, 0)


@pytest.fixture(autouse=True)
def issuer_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh issuing PKI per test, never the one under ./var."""
    monkeypatch.setenv("LOKET_ISSUER_DIR", str(tmp_path / "issuer"))
    monkeypatch.delenv("LOKET_TSA_URL", raising=False)
    get_settings.cache_clear()
    yield tmp_path / "issuer"
    get_settings.cache_clear()


@pytest.fixture
def dossiers(sessions: sessionmaker[Session]) -> dict[str, str]:
    """A citizen of Gent with a living-wage and a tax-collection dossier: case type → reference."""
    with sessions.begin() as session:
        citizen = citizen_at(session, "9000", family_name="Claes")
        opened = open_dossiers(session, citizen, ("leefloon", "tax-collection"))
        return {case_type: dossier.reference for case_type, dossier in opened.items()}


def issue(
    sessions: sessionmaker[Session], dossier: str, kind: str = "living-wage", language: str = "nl"
) -> IssuedAttestation:
    with sessions.begin() as session:
        return issue_attestation(session, dossier, kind, language, "clerk.gent")


def presented(sessions: sessionmaker[Session], pdf: bytes) -> tuple[Verdict, tuple[str, ...]]:
    with sessions() as session:
        result = verify_presented(pdf, [], session=session)
    return result.verdict, result.problems


def flip_one_byte(pdf: bytes, inside: bytes) -> bytes:
    at = pdf.index(inside)
    return pdf[:at] + bytes([pdf[at] ^ 0x01]) + pdf[at + 1 :]


def test_issued_attestation_verifies_offline_with_the_issuing_root(
    sessions: sessionmaker[Session], dossiers: dict[str, str]
) -> None:
    issued = issue(sessions, dossiers["leefloon"], language="fr")
    assert re.fullmatch(r"LA-[A-Z2-7]{12}", issued.reference)
    assert reference_in(issued.pdf) == issued.reference
    # Only the root is given: the chain and the root's CRL travel inside the PDF.
    result = verify_pdf(issued.pdf, [issuing_root_pem()])
    assert result.verdict == Verdict.ACCEPTED, result.problems
    assert result.revocation_source == "embedded"
    assert result.signer_subject is not None and "Public Centre for Social Welfare" in (
        result.signer_subject
    )
    assert b"Attestation de revenu d'int\xe9gration" in issued.pdf
    assert presented(sessions, issued.pdf) == (Verdict.ACCEPTED, ())
    with sessions() as session:
        check = check_issued(session, issued.pdf)
    assert check.known and check.exact and not check.revoked and check.problem() is None


def test_modified_copies_are_broken(
    sessions: sessionmaker[Session], dossiers: dict[str, str]
) -> None:
    issued = issue(sessions, dossiers["leefloon"])
    one_byte = flip_one_byte(issued.pdf, b"Claes")
    verdict, problems = presented(sessions, one_byte)
    assert verdict == Verdict.BROKEN
    assert any("changed after signing" in problem for problem in problems)
    updated = change_page_text(issued.pdf, b"Attest leefloon: 5000 EUR")
    verdict, problems = presented(sessions, updated)
    assert verdict == Verdict.BROKEN
    assert any(f"differs from the PDF loket issued as {issued.reference}" in p for p in problems)


def test_revoked_attestation_is_untrusted_with_the_reason(
    sessions: sessionmaker[Session], dossiers: dict[str, str]
) -> None:
    issued = issue(sessions, dossiers["tax-collection"], kind="tax-collection", language="en")
    with sessions.begin() as session:
        revoke_attestation(session, issued.reference, "boss.fin", "issued in error", at=REVOKED_ON)
    verdict, problems = presented(sessions, issued.pdf)
    assert verdict == Verdict.UNTRUSTED
    assert "revoked by FPS Finance on 2026-11-29: issued in error" in problems


def test_an_attestation_uploaded_back_is_an_original_and_a_changed_one_is_not(
    sessions: sessionmaker[Session], dossiers: dict[str, str], tmp_path: Path
) -> None:
    issued = issue(sessions, dossiers["leefloon"])
    blobs = DiskBlobStore(tmp_path / "blobs")
    changed = flip_one_byte(issued.pdf, b"Claes")
    with sessions.begin() as session:
        dossier = session.scalars(
            select(Dossier).where(Dossier.reference == dossiers["leefloon"])
        ).one()
        verdicts = [
            store_and_verify(
                session, blobs, pdf, name="attest.pdf", uploaded_by="clerk.gent",
                uploader_kind="staff", channel="counter", dossier_id=dossier.id, trust_roots=[],
            ).verdict
            for pdf in (issued.pdf, changed)
        ]  # fmt: skip
    # No root configured: loket's own issuing root and records suffice for its attestations.
    assert verdicts == [Verdict.ACCEPTED, Verdict.BROKEN]


def test_reference_loket_never_issued_is_untrusted(sessions: sessionmaker[Session]) -> None:
    content = AttestationContent("LA-AAAAAAAAAAAA", "address", "nl", "X", "D", "O", "OCMW",
                                 date(2026, 11, 29), "/verify/LA-AAAAAAAAAAAA")  # fmt: skip
    forged = sign_pdf(page_pdf(content), agency_signer("ocmw"))
    verdict, problems = presented(sessions, forged)
    assert verdict == Verdict.UNTRUSTED
    assert "loket issued no attestation with reference LA-AAAAAAAAAAAA" in problems


def test_bad_requests_name_the_parameter(
    sessions: sessionmaker[Session], dossiers: dict[str, str]
) -> None:
    with pytest.raises(AttestationError, match="^kind: 'pension'"):
        issue(sessions, dossiers["leefloon"], kind="pension")
    with pytest.raises(AttestationError, match="^language: 'es'"):
        issue(sessions, dossiers["leefloon"], language="es")
    with pytest.raises(AttestationError, match="^kind: living-wage needs a leefloon dossier"):
        issue(sessions, dossiers["tax-collection"])
    with pytest.raises(AttestationError, match="^dossier: no dossier 'NOPE'"):
        issue(sessions, "NOPE")


# ---- command line --------------------------------------------------------------------------


@pytest.fixture
def cli_database(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("LOKET_DATABASE_URL", database_url)
    monkeypatch.setenv("LOKET_PUBLIC_URL", "https://loket.example.be")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_cli_issue_verify_revoke(
    tmp_path: Path, dossiers: dict[str, str], cli_database: None
) -> None:
    out = tmp_path / "attest.pdf"
    code, output = cli("issue", "--dossier", dossiers["leefloon"], "--kind", "living-wage",
                       "--language", "de", "--as", "clerk.gent", "--out", str(out))  # fmt: skip
    assert code == 0, output
    reference = output.strip()
    code, output = cli("verify", str(out), "--json")
    assert code == 0, output
    assert json.loads(output)["verdict"] == "accepted"
    code, output = cli("trust-root", "--out", str(tmp_path / "root.pem"))
    assert code == 0 and (tmp_path / "root.pem").read_bytes() == issuing_root_pem()
    code, output = cli("revoke", reference, "--as", "boss.ocmw", "--reason", "wrong person")
    assert code == 0, output
    code, output = cli("verify", str(out), "--json")
    data = json.loads(output)
    assert code == 1 and data["verdict"] == "untrusted"
    assert any("wrong person" in problem for problem in data["problems"])
    code, output = cli("revoke", "LA-UNKNOWN", "--as", "boss.ocmw", "--reason", "x")
    assert code == 2 and "reference" in output


def test_cli_without_database_says_issuance_not_checked(
    tmp_path: Path,
    sessions: sessionmaker[Session],
    dossiers: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    issued = issue(sessions, dossiers["leefloon"])
    (tmp_path / "a.pdf").write_bytes(issued.pdf)
    monkeypatch.setenv("LOKET_DATABASE_URL", f"sqlite:///{tmp_path / 'absent.db'}")
    get_settings.cache_clear()
    code, output = cli("verify", str(tmp_path / "a.pdf"), "--json")
    data = json.loads(output)
    assert code == 0 and data["verdict"] == "accepted"
    assert "issuance not checked (no database)" in data["problems"]


# ---- the public page ------------------------------------------------------------------------


@pytest.fixture
def browser(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("LOKET_COOKIE_SECURE", "0")
    get_settings.cache_clear()
    with TestClient(
        create_app(database_url), follow_redirects=False, headers={"Accept-Language": "en"}
    ) as client:
        yield client


def upload(browser: TestClient, reference: str, pdf: bytes) -> str:
    browser.get(f"/verify/{reference}")
    response = browser.post(
        f"/verify/{reference}",
        data={"csrf_token": browser.cookies[CSRF_COOKIE]},
        files={"document": ("copy.pdf", pdf, "application/pdf")},
    )
    assert response.status_code == 200, response.text
    return response.text


def test_verify_page_shows_valid_then_revoked_without_personal_data(
    browser: TestClient, sessions: sessionmaker[Session], dossiers: dict[str, str]
) -> None:
    issued = issue(sessions, dossiers["leefloon"])
    page = browser.get(f"/verify/{issued.reference}")
    assert page.status_code == 200
    assert "Attestation of living wage" in page.text and "is valid" in page.text
    assert "Claes" not in page.text and dossiers["leefloon"] not in page.text
    with sessions.begin() as session:
        revoke_attestation(session, issued.reference, "boss", "<script>alert(1)</script>")
    page = browser.get(f"/verify/{issued.reference}")
    assert "was revoked on" in page.text and "is valid" not in page.text
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_verify_page_compares_an_uploaded_copy(
    browser: TestClient, sessions: sessionmaker[Session], dossiers: dict[str, str]
) -> None:
    issued = issue(sessions, dossiers["leefloon"])
    assert "exactly the one issued" in upload(browser, issued.reference, issued.pdf)
    changed = upload(browser, issued.reference, flip_one_byte(issued.pdf, b"Claes"))
    assert "exactly the one issued" not in changed and "is not the one issued" in changed
    assert browser.get("/verify/LA-AAAAAAAAAAAA").status_code == 404
