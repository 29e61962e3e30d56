"""An agency's signing certificate can be revoked: the root's CRL lists it, the agency gets a
new key, and attestations signed with the old key stop counting: after `keyCompromise` all of
them, after `superseded` (or another reason that does not reach back) only those issued after
the revocation; on the command line and on /verify/{reference}."""

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from factories import citizen_at, open_dossiers
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from loket.cli.documents import app
from loket.documents import attestations, issuer_keys
from loket.documents.attestation_model import Attestation
from loket.documents.attestations import IssuedAttestation, issue_attestation, verify_presented
from loket.documents.issuer_keys import (
    AgencySigner,
    IssuerError,
    agency_signer,
    current_crl,
    issuing_root,
    revoke_agency_key,
)
from loket.documents.verdicts import Verdict
from loket.documents.verify import verify_pdf
from loket.settings import get_settings
from loket.web.app import create_app
from loket.web.pages.rendering import CSRF_COOKIE


@pytest.fixture(autouse=True)
def issuer_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("LOKET_ISSUER_DIR", str(tmp_path / "issuer"))
    monkeypatch.setenv("LOKET_PUBLIC_URL", "https://loket.example.be")
    monkeypatch.delenv("LOKET_TSA_URL", raising=False)
    get_settings.cache_clear()
    yield tmp_path / "issuer"
    get_settings.cache_clear()


@pytest.fixture
def dossier(sessions: sessionmaker[Session]) -> str:
    with sessions.begin() as session:
        citizen = citizen_at(session, "9000", family_name="Claes")
        return open_dossiers(session, citizen, ("leefloon",))["leefloon"].reference


def issue(
    sessions: sessionmaker[Session], dossier: str, at: datetime | None = None
) -> IssuedAttestation:
    with sessions.begin() as session:
        return issue_attestation(session, dossier, "living-wage", "en", "clerk.gent", at=at)


def issued_at(sessions: sessionmaker[Session], issued: IssuedAttestation) -> datetime:
    with sessions() as session:
        return session.get_one(Attestation, issued.reference).issued_at


def presented(sessions: sessionmaker[Session], pdf: bytes) -> tuple[Verdict, tuple[str, ...]]:
    with sessions() as session:
        result = verify_presented(pdf, [], session=session)
    return result.verdict, result.problems


@pytest.fixture
def story(
    sessions: sessionmaker[Session], dossier: str, monkeypatch: pytest.MonkeyPatch
) -> "Story":
    return Story(sessions, dossier, monkeypatch)


class Story:
    """One attestation issued before the revocation, one signed with the old key after it (a
    worker that still held the old key), one signed with the new key."""

    def __init__(
        self, sessions: sessionmaker[Session], dossier: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        self.sessions, self.dossier, self.monkeypatch = sessions, dossier, monkeypatch
        self.old_signer = agency_signer("ocmw")
        self.before = issue(sessions, dossier)
        # Revoked a second after the first was issued.
        self.revoked_at = issued_at(sessions, self.before) + timedelta(seconds=1)

    def revoke(self, reason: str) -> None:
        self.revocation = revoke_agency_key("ocmw", reason, "admin.root", at=self.revoked_at)
        later = self.revoked_at + timedelta(minutes=1)
        with self.monkeypatch.context() as patch:
            old: AgencySigner = self.old_signer
            patch.setattr(attestations, "agency_signer", lambda _code: old)
            self.after_with_old_key = issue(self.sessions, self.dossier, at=later)
        self.after_with_new_key = issue(self.sessions, self.dossier, at=later)


def test_the_root_crl_lists_the_revoked_certificate_and_the_agency_gets_a_new_one(
    story: Story, issuer_dir: Path
) -> None:
    old = story.old_signer.certificate
    assert current_crl().get_revoked_certificate_by_serial_number(old.serial_number) is None
    story.revoke("superseded")
    crl, root = current_crl(), issuing_root()
    entry = crl.get_revoked_certificate_by_serial_number(old.serial_number)
    assert entry is not None
    assert entry.revocation_date_utc == story.revocation.revoked_at
    wanted = story.revoked_at.astimezone(UTC)
    assert wanted <= entry.revocation_date_utc < wanted + timedelta(seconds=1)
    reason = entry.extensions.get_extension_for_class(x509.CRLReason).value.reason
    assert reason == x509.ReasonFlags.superseded
    assert crl.is_signature_valid(root.public_key())
    assert crl.next_update_utc is not None and crl.next_update_utc > crl.last_update_utc
    new = agency_signer("ocmw").certificate
    assert new.serial_number != old.serial_number
    assert crl.get_revoked_certificate_by_serial_number(new.serial_number) is None
    assert story.revocation.new_serial == format(new.serial_number, "x")
    # The revoked key is gone for good; its certificate is kept for the record.
    keys = sorted(path.name for path in issuer_dir.glob("agency-ocmw*"))
    assert keys == ["agency-ocmw-cert.pem", "agency-ocmw-key.pem"]
    assert (issuer_dir / f"revoked-agency-ocmw-{story.revocation.serial}.pem").is_file()
    # What the new key signs verifies offline with the root and the current CRL.
    root_pem = root.public_bytes(serialization.Encoding.PEM)
    crl_der = crl.public_bytes(serialization.Encoding.DER)
    assert verify_pdf(story.after_with_new_key.pdf, [root_pem], crls=[crl_der]).verdict == (
        Verdict.ACCEPTED
    )


def test_superseded_key_keeps_earlier_attestations_valid_and_voids_later_ones(
    story: Story, sessions: sessionmaker[Session]
) -> None:
    assert presented(sessions, story.before.pdf) == (Verdict.ACCEPTED, ())
    story.revoke("superseded")
    verdict, problems = presented(sessions, story.before.pdf)
    assert verdict == Verdict.ACCEPTED, problems
    assert any("judged at its issuing time" in problem for problem in problems)
    verdict, problems = presented(sessions, story.after_with_old_key.pdf)
    assert verdict == Verdict.UNTRUSTED
    assert any(
        "revoked the key that signed this attestation" in p and "(superseded)" in p
        and "issued after that" in p
        for p in problems
    )  # fmt: skip
    assert presented(sessions, story.after_with_new_key.pdf) == (Verdict.ACCEPTED, ())


def test_key_compromise_voids_every_attestation_the_key_signed(
    story: Story, sessions: sessionmaker[Session]
) -> None:
    story.revoke("keyCompromise")
    for issued in (story.before, story.after_with_old_key):
        verdict, problems = presented(sessions, issued.pdf)
        assert verdict == Verdict.UNTRUSTED
        assert any("(keyCompromise): no attestation it signed counts" in p for p in problems)
    assert presented(sessions, story.after_with_new_key.pdf) == (Verdict.ACCEPTED, ())


@pytest.fixture
def browser(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("LOKET_COOKIE_SECURE", "0")
    get_settings.cache_clear()
    with TestClient(
        create_app(database_url), follow_redirects=False, headers={"Accept-Language": "en"}
    ) as client:
        yield client


def check_page(browser: TestClient, issued: IssuedAttestation, language: str = "en") -> str:
    page = browser.get(f"/verify/{issued.reference}", headers={"Accept-Language": language})
    assert page.status_code == 200
    return page.text


def test_the_verify_page_tells_each_attestation_whether_its_key_revocation_voids_it(
    story: Story, browser: TestClient, sessions: sessionmaker[Session]
) -> None:
    story.revoke("superseded")
    assert "is valid" in check_page(browser, story.before)
    assert "is valid" in check_page(browser, story.after_with_new_key)
    page = check_page(browser, story.after_with_old_key)
    assert "was revoked on" in page and "is valid" not in page
    assert "the key that signed this attestation was revoked" in page
    # The holder can still learn that the copy is exactly what loket issued.
    browser.get(f"/verify/{story.before.reference}")
    response = browser.post(
        f"/verify/{story.before.reference}",
        data={"csrf_token": browser.cookies[CSRF_COOKIE]},
        files={"document": ("copy.pdf", story.before.pdf, "application/pdf")},
    )
    assert "exactly the one issued" in response.text and "is valid" in response.text


def test_after_key_compromise_the_page_says_revoked_in_the_readers_language(
    story: Story, browser: TestClient, sessions: sessionmaker[Session]
) -> None:
    story.revoke("keyCompromise")
    page = check_page(browser, story.before)
    assert "was revoked on" in page and "(key compromise)" in page
    assert "sleutel gecompromitteerd" in check_page(browser, story.before, "nl")
    assert "is valid" in check_page(browser, story.after_with_new_key)
    # An attestation recorded before loket kept the signing certificate: told from the time.
    with sessions.begin() as session:
        session.get_one(Attestation, story.before.reference).signer_fingerprint = None
    assert "(key compromise)" in check_page(browser, story.before)


# ---- command line --------------------------------------------------------------------------


@pytest.fixture
def cli_database(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("LOKET_DATABASE_URL", database_url)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def verify_json(tmp_path: Path, issued: IssuedAttestation) -> tuple[int, dict[str, object]]:
    path = tmp_path / f"{issued.reference}.pdf"
    path.write_bytes(issued.pdf)
    code, output = cli("verify", str(path), "--json")
    return code, json.loads(output)


def test_cli_revokes_a_key_records_who_when_why_and_verify_follows_the_rule(
    sessions: sessionmaker[Session], dossier: str, cli_database: None, tmp_path: Path
) -> None:
    before = issue(sessions, dossier)
    old_serial = format(agency_signer("ocmw").certificate.serial_number, "x")
    code, output = cli("revoke-agency-key", "--agency", "ocmw", "--reason", "superseded",
                       "--as", "admin.root", "--json")  # fmt: skip
    assert code == 0, output
    revocation = json.loads(output)
    assert revocation["serial"] == old_serial and revocation["reason"] == "superseded"
    assert revocation["revoked_by"] == "admin.root" and revocation["agency_code"] == "ocmw"
    code, output = cli("agency-keys", "--json")
    keys = json.loads(output)
    assert keys["current"]["ocmw"] == revocation["new_serial"] != old_serial
    assert [r["serial"] for r in keys["revoked"]] == [old_serial]
    code, result = verify_json(tmp_path, before)
    assert code == 0 and result["verdict"] == "accepted", result
    code, output = cli("crl", "--out", str(tmp_path / "root.crl"))
    crl = x509.load_pem_x509_crl((tmp_path / "root.crl").read_bytes())
    assert crl.get_revoked_certificate_by_serial_number(int(old_serial, 16)) is not None
    # A second revocation, for compromise, of the new key: its attestations all stop counting.
    after = issue(sessions, dossier)
    code, output = cli("revoke-agency-key", "--agency", "ocmw", "--reason", "keyCompromise",
                       "--as", "admin.root")  # fmt: skip
    assert code == 0 and "(keyCompromise)" in output
    code, result = verify_json(tmp_path, after)
    assert code == 1 and result["verdict"] == "untrusted"
    assert any("no attestation it signed counts" in str(p) for p in result["problems"])  # type: ignore[attr-defined]
    code, result = verify_json(tmp_path, before)
    assert code == 0, result


def test_without_loket_records_a_revoked_key_counts_from_the_start(
    sessions: sessionmaker[Session], dossier: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Offline, nothing proves when a PDF was issued: any revocation of its key voids it."""
    before = issue(sessions, dossier)
    revoke_agency_key("ocmw", "superseded", "admin.root")
    monkeypatch.setenv("LOKET_DATABASE_URL", f"sqlite:///{tmp_path / 'absent.db'}")
    get_settings.cache_clear()
    code, result = verify_json(tmp_path, before)
    assert code == 1 and result["verdict"] == "untrusted"
    assert "issuance not checked (no database)" in result["problems"]  # type: ignore[operator]


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        (["--agency", "nasa", "--reason", "superseded"], "agency: 'nasa'"),
        (["--agency", "ocmw", "--reason", "lost"], "reason: 'lost' is not one of"),
        (["--agency", "ocmw", "--reason", "removeFromCRL"], "reason: 'removeFromCRL'"),
    ],
)
def test_bad_revocations_are_refused_naming_the_parameter_and_change_nothing(
    arguments: list[str], named: str
) -> None:
    before = agency_signer("ocmw").certificate
    code, output = cli("revoke-agency-key", *arguments, "--as", "admin.root")
    assert code == 2 and named in output
    assert agency_signer("ocmw").certificate == before
    assert list(current_crl()) == []
    with pytest.raises(IssuerError, match="^by: "):
        revoke_agency_key("ocmw", "superseded", "   ")


def test_a_revocation_stopped_before_the_new_key_never_lets_the_old_key_sign(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    old = agency_signer("ocmw").certificate

    def crash(*_arguments: object) -> None:
        raise OSError("disk full")

    with monkeypatch.context() as patch:
        patch.setattr(issuer_keys, "_install_new_key", crash)
        with pytest.raises(OSError, match="disk full"):
            revoke_agency_key("ocmw", "keyCompromise", "admin.root")
    assert current_crl().get_revoked_certificate_by_serial_number(old.serial_number)
    signer = agency_signer("ocmw")
    assert signer.certificate.serial_number != old.serial_number
    assert agency_signer("ocmw").certificate == signer.certificate
