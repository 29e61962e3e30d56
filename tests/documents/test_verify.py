"""Signed-PDF verification: each kind of document a clerk may be handed gets the right verdict.

The PKI and the PDFs are made in the test session; nothing is fetched from the network.
"""

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from loket.cli.documents import app
from loket.documents.verdicts import Verdict
from loket.documents.verify import verify_pdf
from tests.documents.pki import (
    Pki,
    change_page_text,
    flip_one_byte,
    make_pki,
    sign,
    unsigned_pdf,
)


@pytest.fixture(scope="session")
def pki() -> Pki:
    return make_pki()


@pytest.fixture(scope="session")
def signed(pki: Pki) -> bytes:
    return sign(unsigned_pdf(), pki.signer, pki)


def test_valid_signature_with_local_crl_is_accepted(pki: Pki, signed: bytes) -> None:
    result = verify_pdf(signed, [pki.root.pem], crls=pki.crls)
    assert result.verdict == Verdict.ACCEPTED, result.problems
    assert result.label == "accepted as original"
    assert result.signer_subject is not None and "Jan Peeters" in result.signer_subject
    assert result.signer_serial == format(pki.signer.certificate.serial_number, "x")
    assert result.covers_whole_document
    assert (result.revocation_checked, result.revocation_source) == (True, "local")
    assert result.signature_count == 1 and result.signing_time is not None


def test_valid_signature_with_embedded_crl_is_accepted(pki: Pki) -> None:
    document = sign(unsigned_pdf(), pki.signer, pki, embed_crls=True)
    result = verify_pdf(document, [pki.root.der])
    assert result.verdict == Verdict.ACCEPTED, result.problems
    assert result.revocation_source == "embedded"
    # The validation data came in a later update, which is allowed but is not "whole file".
    assert not result.covers_whole_document and result.modification_level == "lta-updates"


def test_without_revocation_evidence_says_not_checked(pki: Pki, signed: bytes) -> None:
    result = verify_pdf(signed, [pki.root.asn1])
    assert result.verdict == Verdict.REVOCATION_UNKNOWN
    assert not result.revocation_checked and result.revocation_source == "none"
    assert any("revocation was not checked" in problem for problem in result.problems)


def test_one_byte_changed_after_signing_is_broken(pki: Pki, signed: bytes) -> None:
    result = verify_pdf(flip_one_byte(signed), [pki.root.pem], crls=pki.crls)
    assert result.verdict == Verdict.BROKEN
    assert any("changed after signing" in problem for problem in result.problems)


def test_incremental_update_changing_content_is_broken(pki: Pki, signed: bytes) -> None:
    altered = change_page_text(signed, b"Attestation 0042: leefloon refused")
    result = verify_pdf(altered, [pki.root.pem], crls=pki.crls)
    assert result.verdict == Verdict.BROKEN
    assert not result.covers_whole_document and result.modification_level == "other"


def test_root_not_given_is_untrusted_never_the_system_store(pki: Pki) -> None:
    document = sign(unsigned_pdf(), pki.stranger, pki)
    result = verify_pdf(document, [pki.root.pem], crls=pki.crls)
    assert result.verdict == Verdict.UNTRUSTED
    assert any("no path" in problem for problem in result.problems)
    # With no roots at all nothing is trusted, not even the operating system's list.
    assert verify_pdf(document, []).verdict == Verdict.UNTRUSTED


def test_expired_signer_is_untrusted(pki: Pki) -> None:
    document = sign(unsigned_pdf(), pki.expired_signer, pki)
    result = verify_pdf(document, [pki.root.pem], crls=pki.crls)
    assert result.verdict == Verdict.UNTRUSTED
    assert any("expired" in problem for problem in result.problems)


def test_revoked_signer_with_crl_is_untrusted(pki: Pki) -> None:
    document = sign(unsigned_pdf(), pki.revoked_signer, pki)
    result = verify_pdf(document, [pki.root.pem], crls=pki.crls)
    assert result.verdict == Verdict.UNTRUSTED
    assert result.problems == (
        f"the signer's certificate was revoked on {pki.revoked_at.isoformat()}",
    )


def test_unsigned_pdf(pki: Pki) -> None:
    assert verify_pdf(unsigned_pdf(), [pki.root.pem]).verdict == Verdict.UNSIGNED


def test_worst_signature_wins(pki: Pki, signed: bytes) -> None:
    twice = sign(signed, pki.stranger, pki, field_name="Signature2")
    result = verify_pdf(twice, [pki.root.pem], crls=pki.crls)
    assert result.signature_count == 2
    assert result.verdict == Verdict.UNTRUSTED
    assert any(problem.startswith("Signature2:") for problem in result.problems)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(junk=st.binary(max_size=300))
def test_anything_that_is_not_a_pdf_is_an_invalid_file(pki: Pki, junk: bytes) -> None:
    assert verify_pdf(b"GIF89a" + junk, [pki.root.pem]).verdict == Verdict.INVALID_FILE


def test_truncated_pdf_is_an_invalid_file(pki: Pki, signed: bytes) -> None:
    assert verify_pdf(signed[:200], [pki.root.pem]).verdict == Verdict.INVALID_FILE


@pytest.fixture()
def files(tmp_path: Path, pki: Pki, signed: bytes) -> Path:
    (tmp_path / "root.pem").write_bytes(pki.root.pem)
    (tmp_path / "ca.crl").write_bytes(pki.crls[1])
    (tmp_path / "root.crl").write_bytes(pki.crls[0])
    (tmp_path / "signed.pdf").write_bytes(signed)
    (tmp_path / "photo.pdf").write_bytes(b"\x89PNG\r\n\x1a\n not a pdf")
    return tmp_path


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["verify", *args], env=env)
    return result.exit_code, result.output


def test_cli_accepted_exits_zero_with_json(files: Path) -> None:
    code, output = run(str(files / "signed.pdf"), "--trust-root", str(files / "root.pem"),
                       "--crl", str(files / "ca.crl"), "--crl", str(files / "root.crl"),
                       "--json")  # fmt: skip
    assert code == 0, output
    data = json.loads(output)
    assert data["verdict"] == "accepted" and data["label"] == "accepted as original"
    assert data["revocation_source"] == "local" and data["problems"] == []


def test_cli_other_verdicts_exit_one(files: Path) -> None:
    code, output = run(str(files / "signed.pdf"), "--trust-root", str(files / "root.pem"))
    assert code == 1 and "revocation not checked" in output
    code, output = run(str(files / "photo.pdf"), "--json")
    assert code == 1 and json.loads(output)["verdict"] == "invalid-file"


def test_cli_reads_trust_roots_from_environment(files: Path) -> None:
    code, output = run(str(files / "signed.pdf"), "--json", env={"LOKET_TRUST_ROOTS": str(files)})
    assert code == 1 and json.loads(output)["verdict"] == "revocation-unknown"


def test_cli_bad_usage_names_the_option(files: Path) -> None:
    code, output = run(str(files / "missing.pdf"))
    assert code == 2 and "FILE" in output
    code, output = run(str(files / "signed.pdf"), "--trust-root", str(files / "ca.crl"))
    assert code == 2 and "--trust-root" in output
