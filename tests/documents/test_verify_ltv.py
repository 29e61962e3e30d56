"""Long-term validation: a signature is judged at the time a trusted timestamp proves, so a
citizen's document signed in 2023 with a certificate that expired since is still accepted.

The timestamp authority runs in-process (pyHanko's DummyTimeStamper); nothing is fetched.
"""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from loket.cli.documents import app
from loket.documents.verdicts import Verdict
from loket.documents.verify import Verification, verify_pdf
from tests.documents.pki import (
    ARCHIVED_AT,
    REVOKED_BEFORE_SIGNING,
    SIGNED_AT,
    Pki,
    archived_signature,
    change_page_text,
    document_timestamp,
    make_pki,
    sign,
    unsigned_pdf,
)

TSA_NAME = "Test Timestamping Authority"


@pytest.fixture(scope="module")
def pki() -> Pki:
    return make_pki()


@pytest.fixture(scope="module")
def archived(pki: Pki) -> bytes:
    return archived_signature(pki)


def check(document: bytes, pki: Pki, **options: object) -> Verification:
    return verify_pdf(document, [pki.root.pem], tsa_roots=[pki.tsa_root.pem], **options)  # type: ignore[arg-type]


def test_expired_since_signing_is_accepted_at_the_time_its_timestamp_proves(
    pki: Pki, archived: bytes
) -> None:
    result = check(archived, pki)
    assert result.verdict == Verdict.ACCEPTED, result.problems
    assert result.validation_time == SIGNED_AT
    assert result.validation_time_source == "timestamp"
    assert result.judged_at == (
        f"judged at 2023-06-01 10:00 UTC, the time proven by the signature timestamp of "
        f"Common Name: {TSA_NAME}, Country: BE"
    )
    assert result.revocation_source == "embedded" and result.revocation_checked
    # Two signatures: the citizen's and the archive's document timestamp.
    assert result.signature_count == 2 and result.timestamp_time == SIGNED_AT
    document = result.as_json()
    assert document["validation_time"] == "2023-06-01T10:00:00+00:00"
    assert document["validation_time_source"] == "timestamp"
    assert TSA_NAME in document["validation_time_authority"]


def test_same_signature_without_timestamp_is_judged_now_and_expired(pki: Pki) -> None:
    document = sign(unsigned_pdf(), pki.old_signer, pki, dss_crls=pki.past_crls)
    result = check(document, pki)
    assert result.verdict == Verdict.UNTRUSTED
    assert result.validation_time_source == "now"
    assert any("expired at the validation time" in problem for problem in result.problems)


def test_timestamp_from_an_authority_not_under_a_tsa_root_proves_nothing(
    pki: Pki, archived: bytes
) -> None:
    # The right TSA, but its root is not configured as a TSA root (only as a signer root).
    result = verify_pdf(archived, [pki.root.pem, pki.tsa_root.pem], tsa_roots=[])
    assert result.verdict == Verdict.UNTRUSTED
    assert result.validation_time_source == "now"
    assert any("does not chain to a configured timestamp authority root" in problem
               for problem in result.problems)  # fmt: skip
    # A TSA under an unknown root, with the real TSA root configured.
    signed = sign(unsigned_pdf(), pki.old_signer, pki, tsa=pki.stranger_tsa,
                  timestamp_at=SIGNED_AT, dss_crls=pki.past_crls)  # fmt: skip
    result = check(signed, pki)
    assert result.verdict == Verdict.UNTRUSTED
    assert result.validation_time_source == "now"
    assert any("Unknown Timestamping Authority" in problem for problem in result.problems)


def test_document_timestamp_alone_proves_the_signing_time(pki: Pki) -> None:
    # Stamped the day after signing, while the CRLs in the DSS were current.
    next_day = SIGNED_AT + timedelta(days=1)
    signed = sign(unsigned_pdf(), pki.old_signer, pki, dss_crls=pki.past_crls)
    result = check(document_timestamp(signed, pki, at=next_day), pki)
    assert result.verdict == Verdict.ACCEPTED, result.problems
    assert result.validation_time == next_day
    assert result.validation_time_source == "document-timestamp"
    assert "the time proven by the document timestamp of" in (result.judged_at or "")


def test_archive_timestamp_keeps_an_expired_authoritys_timestamp_proving(pki: Pki) -> None:
    """PAdES-LTA: the signature timestamp's authority has expired since, but the archive
    timestamp proves the signature timestamp existed while that authority was valid."""
    signed = sign(unsigned_pdf(), pki.old_signer, pki, tsa=pki.old_tsa, timestamp_at=SIGNED_AT,
                  dss_crls=pki.past_crls)  # fmt: skip
    result = check(document_timestamp(signed, pki, at=ARCHIVED_AT), pki)
    assert result.verdict == Verdict.ACCEPTED, result.problems
    assert (result.validation_time, result.validation_time_source) == (SIGNED_AT, "timestamp")
    assert "Retired Timestamping Authority" in (result.judged_at or "")
    # Without the archive timestamp, the expired authority's word counts for nothing.
    alone = check(signed, pki)
    assert alone.verdict == Verdict.UNTRUSTED and alone.validation_time_source == "now"


def test_content_changed_after_a_document_timestamp_is_broken(pki: Pki, archived: bytes) -> None:
    altered = change_page_text(archived, b"Attestation 0042: leefloon refused")
    result = check(altered, pki)
    assert result.verdict == Verdict.BROKEN
    assert any("Timestamp" in problem and "changed the content" in problem
               for problem in result.problems)  # fmt: skip


def test_only_a_document_timestamp_is_not_a_signature(pki: Pki) -> None:
    result = check(document_timestamp(unsigned_pdf(), pki), pki)
    assert result.verdict == Verdict.UNSIGNED
    assert any("only document timestamps" in problem for problem in result.problems)


def test_revoked_before_the_proven_signing_time_is_not_accepted(pki: Pki) -> None:
    result = check(archived_signature(pki, pki.revoked_before), pki)
    assert result.verdict == Verdict.UNTRUSTED
    assert result.validation_time == SIGNED_AT
    assert f"revoked on {REVOKED_BEFORE_SIGNING.isoformat()}" in " ".join(result.problems)


def test_revoked_after_the_proven_signing_time_still_counts(pki: Pki) -> None:
    """Past validation (ETSI EN 319 102-1): a revocation after the time the signature is
    proven to exist does not undo it; the later CRL shows the revocation date."""
    signed = sign(unsigned_pdf(), pki.revoked_after, pki, tsa=pki.tsa, timestamp_at=SIGNED_AT,
                  dss_crls=pki.later_crls)  # fmt: skip
    result = check(document_timestamp(signed, pki, at=ARCHIVED_AT), pki)
    assert result.verdict == Verdict.ACCEPTED, result.problems
    assert result.validation_time == SIGNED_AT
    # Without the timestamp the same certificate is judged now: expired and revoked.
    bare = check(sign(unsigned_pdf(), pki.revoked_after, pki, dss_crls=pki.later_crls), pki)
    assert bare.verdict == Verdict.UNTRUSTED


def test_requested_time_overrides_and_is_named(pki: Pki) -> None:
    document = sign(unsigned_pdf(), pki.old_signer, pki)
    result = check(document, pki, at=SIGNED_AT, crls=pki.past_crls)
    assert result.verdict == Verdict.ACCEPTED, result.problems
    assert (result.validation_time, result.validation_time_source) == (SIGNED_AT, "requested")
    assert result.judged_at == "judged at 2023-06-01 10:00 UTC, the time asked for"


@pytest.fixture()
def files(tmp_path: Path, pki: Pki, archived: bytes) -> Path:
    (tmp_path / "root.pem").write_bytes(pki.root.pem)
    (tmp_path / "tsa-root.pem").write_bytes(pki.tsa_root.pem)
    (tmp_path / "archived.pdf").write_bytes(archived)
    (tmp_path / "ca.crl").write_bytes(pki.past_crls[1])
    (tmp_path / "root.crl").write_bytes(pki.past_crls[0])
    (tmp_path / "plain.pdf").write_bytes(sign(unsigned_pdf(), pki.old_signer, pki))
    return tmp_path


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["verify", *args], env=env)
    return result.exit_code, result.output


def test_cli_names_the_time_it_judged_at(files: Path) -> None:
    code, output = run(str(files / "archived.pdf"), "--trust-root", str(files / "root.pem"),
                       "--tsa-root", str(files / "tsa-root.pem"))  # fmt: skip
    assert code == 0, output
    assert "judged at 2023-06-01 10:00 UTC, the time proven by the signature timestamp" in output


def test_cli_reads_tsa_roots_from_environment(files: Path) -> None:
    args = (str(files / "archived.pdf"), "--trust-root", str(files / "root.pem"), "--json")
    code, output = run(*args, env={"LOKET_TSA_ROOTS": str(files / "tsa-root.pem")})
    assert code == 0 and json.loads(output)["validation_time_source"] == "timestamp"
    code, output = run(*args, env={"LOKET_TSA_ROOTS": ""})
    data = json.loads(output)
    assert code == 1 and (data["verdict"], data["validation_time_source"]) == ("untrusted", "now")


def test_cli_at_accepts_an_expired_signature_at_a_time_it_was_valid(files: Path) -> None:
    args = (str(files / "plain.pdf"), "--trust-root", str(files / "root.pem"),
            "--crl", str(files / "ca.crl"), "--crl", str(files / "root.crl"), "--json")  # fmt: skip
    code, output = run(*args, "--at", "2023-06-01T10:00")
    data = json.loads(output)
    assert code == 0, output
    assert (data["validation_time"], data["validation_time_source"]) == (
        "2023-06-01T10:00:00+00:00", "requested")  # fmt: skip
    code, output = run(*args)
    assert code == 1 and json.loads(output)["verdict"] == "untrusted"


@pytest.mark.parametrize("value", ["yesterday", "2023-13-01T10:00", "01/06/2023"])
def test_cli_at_garbage_names_the_option(files: Path, value: str) -> None:
    code, output = run(str(files / "plain.pdf"), "--at", value)
    assert code == 2 and "--at" in output and "2024-03-01T10:00" in output


def test_cli_bad_tsa_root_names_the_option(files: Path) -> None:
    code, output = run(str(files / "plain.pdf"), "--tsa-root", str(files / "ca.crl"))
    assert code == 2 and "--tsa-root" in output
