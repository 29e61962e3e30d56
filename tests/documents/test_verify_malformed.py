"""Whatever a PDF holds, checking it gives a verdict, never a traceback: on the CLI, in the API
and on the pages alike (they all call `verify_pdf`).

The malformed files are crafted here from a real signed PDF of the test PKI.
"""

import re
from datetime import UTC, datetime, timedelta

import pytest
from asn1crypto import cms
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loket.documents.verdicts import Verdict
from loket.documents.verify import Verification, verify_pdf
from tests.documents.pki import (
    SIGNED_AT,
    Party,
    Pki,
    archived_signature,
    document_timestamp,
    make_pki,
    sign,
    unsigned_pdf,
)

CONTENTS = re.compile(rb"/Contents <([0-9a-fA-F]+)>")
BYTE_RANGE = re.compile(rb"/ByteRange \[([0-9 ]+)\]")


@pytest.fixture(scope="module")
def pki() -> Pki:
    return make_pki()


@pytest.fixture(scope="module")
def signed(pki: Pki) -> bytes:
    return sign(unsigned_pdf(), pki.signer, pki)


def check(document: bytes, pki: Pki, crls: tuple[bytes, ...] | None = None) -> Verification:
    return verify_pdf(document, [pki.root.pem], crls=pki.crls if crls is None else crls,
                      tsa_roots=[pki.tsa_root.pem])  # fmt: skip


def replace_contents(pdf: bytes, der: bytes) -> bytes:
    """`pdf` with the signature's CMS replaced by `der`, padded to the reserved size."""
    found = CONTENTS.search(pdf)
    assert found is not None
    hexed = der.hex().encode()
    room = len(found.group(1))
    assert len(hexed) <= room
    return pdf[: found.start(1)] + hexed + b"0" * (room - len(hexed)) + pdf[found.end(1) :]


def test_valid_before_tampering(pki: Pki, signed: bytes) -> None:
    assert check(signed, pki).verdict == Verdict.ACCEPTED


@pytest.mark.parametrize("keep", [0.5, 0.9, 0.99])
def test_truncated_pdf_is_an_invalid_file(pki: Pki, signed: bytes, keep: float) -> None:
    result = check(signed[: int(len(signed) * keep)], pki)
    assert result.verdict == Verdict.INVALID_FILE
    assert result.problems and "cannot be read" in result.problems[0]


@pytest.mark.parametrize("der", [b"", b"\x30\x03\x02\x01\x01", b"\x04\x05hello", b"\xff" * 40])
def test_garbage_signature_contents_is_broken(pki: Pki, signed: bytes, der: bytes) -> None:
    result = check(replace_contents(signed, der), pki)
    assert result.verdict == Verdict.BROKEN
    assert any("not a readable CMS signature" in problem for problem in result.problems)


def test_byte_range_outside_the_file_is_broken(pki: Pki, signed: bytes) -> None:
    found = BYTE_RANGE.search(signed)
    assert found is not None
    start, length, second, _ = found.group(1).split()
    far = b" ".join([start, length, second, str(len(signed) * 10).encode()])
    tampered = signed[: found.start(1)] + far.ljust(len(found.group(1))) + signed[found.end(1) :]
    result = check(tampered, pki)
    assert result.verdict == Verdict.BROKEN
    assert any("does not cover the whole revision" in problem for problem in result.problems)


def test_cms_with_encapsulated_content_is_broken(pki: Pki, signed: bytes) -> None:
    found = CONTENTS.search(signed)
    assert found is not None
    content = cms.ContentInfo.load(bytes.fromhex(found.group(1).decode()).rstrip(b"\0"))
    signed_data = content["content"]
    signed_data["encap_content_info"] = cms.ContentInfo(
        {"content_type": "data", "content": cms.OctetString(b"pay 1000 EUR to Mallory")}
    )
    rebuilt = cms.ContentInfo({"content_type": "signed_data", "content": signed_data}).dump()
    result = check(replace_contents(signed, rebuilt), pki)
    assert result.verdict == Verdict.BROKEN
    assert any("encapsulated" in problem for problem in result.problems)


def _crl_signed_by(issuer: Party, key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey) -> bytes:
    now = datetime.now(UTC)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.certificate.subject)
        .last_update(now - timedelta(hours=1))
        .next_update(now + timedelta(days=1))
    )
    return builder.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def test_garbage_crl_in_the_dss_is_ignored_and_said(pki: Pki) -> None:
    document = sign(unsigned_pdf(), pki.signer, pki, dss_crls=(b"\x30\x03\x02\x01\x01",))
    result = check(document, pki, crls=())
    assert result.verdict == Verdict.REVOCATION_UNKNOWN
    assert any("CRL in the PDF's validation data (DSS) cannot be read" in problem
               for problem in result.problems)  # fmt: skip
    # The same file with the right CRLs supplied locally is accepted: the garbage hurts nothing.
    assert check(document, pki).verdict == Verdict.ACCEPTED


def test_dss_crl_signed_with_another_key_type_than_its_ca(pki: Pki) -> None:
    # The citizen CA has an EC key; this CRL in its name is signed with RSA.
    forged = _crl_signed_by(pki.intermediate, rsa.generate_private_key(65537, 2048))
    document = sign(unsigned_pdf(), pki.signer, pki, dss_crls=(forged, pki.crls[0]))
    result = check(document, pki, crls=())
    assert result.verdict == Verdict.REVOCATION_UNKNOWN
    assert not result.revocation_checked


def test_dss_crl_signed_with_ec_for_an_rsa_ca_is_not_evidence(pki: Pki) -> None:
    # The timestamp authority's root is RSA; this CRL in its name is signed with an EC key.
    forged = _crl_signed_by(pki.tsa_root, ec.generate_private_key(ec.SECP256R1()))
    signed = sign(unsigned_pdf(), pki.old_signer, pki, tsa=pki.tsa, timestamp_at=SIGNED_AT,
                  dss_crls=(forged, *pki.past_crls))  # fmt: skip
    result = check(document_timestamp(signed, pki), pki, crls=())
    # The forged CRL neither crashes the check nor revokes anything: the signature stands.
    assert result.verdict == Verdict.ACCEPTED, result.problems
    assert result.validation_time_source == "timestamp"


def signed_ranges(pdf: bytes) -> list[range]:
    """The byte ranges the (first) signature covers."""
    found = BYTE_RANGE.search(pdf)
    assert found is not None
    a, b, c, d = (int(n) for n in found.group(1).split())
    return [range(a, a + b), range(c, c + d)]


@pytest.fixture(scope="module")
def archived(pki: Pki) -> bytes:
    return archived_signature(pki)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_mutation_gets_a_verdict_never_accepted_if_signed_bytes_changed(
    pki: Pki, archived: bytes, data: st.DataObject
) -> None:
    mutated = bytearray(archived)
    positions = data.draw(
        st.lists(st.integers(0, len(archived) - 1), min_size=1, max_size=4), label="positions"
    )
    for position in positions:
        mutated[position] = data.draw(st.integers(0, 255), label="byte")
    cut = data.draw(st.one_of(st.none(), st.integers(0, len(archived))), label="truncate at")
    document = bytes(mutated[:cut] if cut is not None else mutated)
    result = check(document, pki)
    assert isinstance(result, Verification) and result.verdict in set(Verdict)
    ranges = signed_ranges(archived)
    changed = any(
        position < len(document) and document[position] != archived[position]
        for position in positions
        if any(position in span for span in ranges)
    )
    truncated = cut is not None and cut < ranges[-1].stop
    if changed or truncated:
        assert result.verdict != Verdict.ACCEPTED, (positions, cut, result.problems)
