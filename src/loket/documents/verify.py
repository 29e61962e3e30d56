"""Verify signed PDFs (PAdES) offline against configured trust roots, with pyHanko.

Never the operating system's trust list, never the network; missing revocation evidence is said.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO
from typing import Any, Literal, TypeAlias, cast

from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.decode_limits import DecodePurpose
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESIndeterminate, AdESSubIndic
from pyhanko.sign.diff_analysis import ModificationLevel, SuspiciousModification
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.errors import NoDSSFoundError
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from loket.documents.verdicts import Verdict

RevocationSource = Literal["embedded", "local", "none"]
CertificateInput: TypeAlias = "asn1_x509.Certificate | bytes"

# pyHanko logs every failed check with a traceback; the verdict already carries the reason.
logging.getLogger("pyhanko").addHandler(logging.NullHandler())
logging.getLogger("pyhanko").propagate = False


class CertificateError(ValueError):
    """A trust root, CRL or OCSP response that cannot be read."""


@dataclass(frozen=True)
class Verification:
    """The outcome for one PDF; with several signatures, the details are the worst one's."""

    verdict: Verdict
    signer_subject: str | None = None
    signer_serial: str | None = None
    signer_fingerprint_sha256: str | None = None
    signing_time: datetime | None = None
    timestamp_time: datetime | None = None
    covers_whole_document: bool = False
    modification_level: str | None = None
    revocation_checked: bool = False
    revocation_source: RevocationSource = "none"
    signature_count: int = 0
    problems: tuple[str, ...] = field(default_factory=tuple)

    @property
    def label(self) -> str:
        return self.verdict.label

    def as_json(self) -> dict[str, Any]:
        return {
            "verdict": str(self.verdict),
            "label": self.label,
            "signer_subject": self.signer_subject,
            "signer_serial": self.signer_serial,
            "signer_fingerprint_sha256": self.signer_fingerprint_sha256,
            "signing_time": _iso(self.signing_time),
            "timestamp_time": _iso(self.timestamp_time),
            "covers_whole_document": self.covers_whole_document,
            "modification_level": self.modification_level,
            "revocation_checked": self.revocation_checked,
            "revocation_source": self.revocation_source,
            "signature_count": self.signature_count,
            "problems": list(self.problems),
        }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def read_certificate(data: CertificateInput) -> asn1_x509.Certificate:
    """A certificate from an asn1crypto object or PEM/DER bytes."""
    if isinstance(data, asn1_x509.Certificate):
        return data
    try:
        certificate = asn1_x509.Certificate.load(_der(data))
        certificate.native  # noqa: B018 - asn1crypto parses lazily; force it so bad input fails here
    except (ValueError, TypeError, KeyError) as error:
        raise CertificateError(f"not an X.509 certificate in PEM or DER: {error}") from None
    return certificate


def read_crl(data: bytes) -> asn1_crl.CertificateList:
    """A CRL from PEM or DER bytes."""
    try:
        parsed = asn1_crl.CertificateList.load(_der(data))
        parsed.native  # noqa: B018 - asn1crypto parses lazily; force it so bad input fails here
    except (ValueError, TypeError, KeyError) as error:
        raise CertificateError(f"not a CRL in PEM or DER: {error}") from None
    return parsed


def _der(data: bytes) -> bytes:
    if pem.detect(data):
        return cast(bytes, pem.unarmor(data)[2])
    return data


@dataclass(frozen=True)
class _Evidence:
    crls: tuple[asn1_crl.CertificateList, ...]
    ocsps: tuple[asn1_ocsp.OCSPResponse, ...]
    certs: tuple[asn1_x509.Certificate, ...]

    def __bool__(self) -> bool:
        return bool(self.crls or self.ocsps)


def verify_pdf(
    data: bytes,
    trust_roots: Sequence[CertificateInput],
    *,
    crls: Sequence[bytes | asn1_crl.CertificateList] = (),
    ocsps: Sequence[bytes | asn1_ocsp.OCSPResponse] = (),
    at: datetime | None = None,
) -> Verification:
    """Check every signature of `data`; only the given roots are trusted.

    A signature is accepted when its bytes are intact, it covers its revision, later updates
    only fill forms or add validation data, the signer chains to a given root, was valid at the
    validation time (`at`, default now) and revocation evidence shows it was not revoked."""
    roots = [read_certificate(root) for root in trust_roots]
    local = _Evidence(
        tuple(c if isinstance(c, asn1_crl.CertificateList) else read_crl(c) for c in crls),
        tuple(
            o if isinstance(o, asn1_ocsp.OCSPResponse) else asn1_ocsp.OCSPResponse.load(o)
            for o in ocsps
        ),  # fmt: skip
        (),
    )
    if b"%PDF-" not in data[:1024]:
        return Verification(Verdict.INVALID_FILE, problems=("the file does not start as a PDF",))
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        signatures = list(reader.embedded_signatures)
        embedded = _embedded_evidence(reader)
    except Exception as error:  # noqa: BLE001 - any parser failure means the same to a clerk
        return Verification(Verdict.INVALID_FILE, problems=(f"the PDF cannot be read: {error}",))
    if not signatures:
        return Verification(Verdict.UNSIGNED, problems=("the PDF carries no signature",))
    results = [_check(sig, roots, embedded, local, at) for sig in signatures]
    worst = max(results, key=lambda result: result.verdict.severity)
    problems = tuple(
        problem if len(results) == 1 else f"{sig.field_name}: {problem}"
        for sig, result in zip(signatures, results, strict=True)
        for problem in result.problems
    )
    return Verification(**{**worst.__dict__, "signature_count": len(results), "problems": problems})


def _embedded_evidence(reader: PdfFileReader) -> _Evidence:
    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        return _Evidence((), (), ())
    return _Evidence(
        tuple(asn1_crl.CertificateList.load(_stream(ref, DecodePurpose.CRL)) for ref in dss.crls),
        tuple(
            asn1_ocsp.OCSPResponse.load(_stream(ref, DecodePurpose.OCSP_RESPONSE))
            for ref in dss.ocsps
        ),
        tuple(dss.load_certs()),
    )


def _stream(ref: Any, purpose: DecodePurpose) -> bytes:
    return cast(bytes, ref.get_object().read_data(purpose))


def _validate(
    sig: EmbeddedPdfSignature,
    roots: list[asn1_x509.Certificate],
    evidence: _Evidence,
    mode: str,
    at: datetime | None,
) -> PdfSignatureStatus:
    context = ValidationContext(
        trust_roots=roots,
        other_certs=list(evidence.certs),
        crls=list(evidence.crls),
        ocsps=list(evidence.ocsps),
        allow_fetching=False,
        revocation_mode=mode,
        moment=at,
    )
    return validate_pdf_signature(sig, context)


def _check(
    sig: EmbeddedPdfSignature,
    roots: list[asn1_x509.Certificate],
    embedded: _Evidence,
    local: _Evidence,
    at: datetime | None,
) -> Verification:
    # "require": every certificate below the root needs revocation evidence, so an absent
    # CRL/OCSP shows up as a failure instead of passing silently.
    attempts: list[tuple[_Evidence, RevocationSource]] = []
    if embedded:
        attempts.append((embedded, "embedded"))
    if local:
        both = _Evidence(embedded.crls + local.crls, embedded.ocsps + local.ocsps, embedded.certs)
        attempts.append((both, "local"))
    if not attempts:
        attempts.append((embedded, "none"))
    for evidence, source in attempts:  # noqa: B007 - the last pair tried is used below
        status = _validate(sig, roots, evidence, "require", at)
        if status.trust_problem_indic != AdESIndeterminate.CERTIFICATE_CHAIN_GENERAL_FAILURE:
            break
    problems: list[str] = []
    verdict = _integrity(status, problems)
    indication = status.trust_problem_indic
    checked = indication is None or status.revoked
    if indication == AdESIndeterminate.CERTIFICATE_CHAIN_GENERAL_FAILURE:
        # Tell "no revocation evidence" apart from other chain problems: retry without it.
        relaxed = _validate(sig, roots, evidence, "soft-fail", at)
        if relaxed.trust_problem_indic is None:
            indication = None
            problems.append("no revocation evidence (CRL or OCSP) for the signer's chain, "
                            "embedded or supplied; revocation was not checked")  # fmt: skip
            verdict = max(verdict, Verdict.REVOCATION_UNKNOWN, key=lambda v: v.severity)
        else:
            indication = relaxed.trust_problem_indic
            status = relaxed
    if indication is not None:
        problems.append(_trust_problem(status, indication))
        verdict = max(verdict, Verdict.UNTRUSTED, key=lambda v: v.severity)
    timestamp = status.timestamp_validity
    if timestamp is not None and not timestamp.trusted:
        problems.append("the timestamp does not validate against the trusted roots")
        verdict = max(verdict, Verdict.UNTRUSTED, key=lambda v: v.severity)
    cert = status.signing_cert
    level = status.modification_level
    return Verification(
        verdict=verdict,
        signer_subject=cert.subject.human_friendly,
        signer_serial=format(cert.serial_number, "x"),
        signer_fingerprint_sha256=cert.sha256.hex(),
        signing_time=status.signer_reported_dt,
        timestamp_time=timestamp.timestamp if timestamp else None,
        covers_whole_document=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        modification_level=level.name.lower().replace("_", "-") if level else None,
        revocation_checked=bool(checked),
        revocation_source=source if checked else "none",
        problems=tuple(problems),
    )


def _integrity(status: PdfSignatureStatus, problems: list[str]) -> Verdict:
    """BROKEN when the signed bytes or the document's content changed after signing."""
    if not status.intact:
        problems.append("the signed bytes were changed after signing (digest mismatch)")
    if not status.valid:
        problems.append("the signature value does not match the signer's key")
    coverage = status.coverage
    if coverage is None or coverage < SignatureCoverageLevel.ENTIRE_REVISION:
        problems.append("the signature does not cover the whole revision it was made on")
    if isinstance(status.diff_result, SuspiciousModification) or (
        status.modification_level is not None
        and status.modification_level > ModificationLevel.ANNOTATIONS
    ):
        problems.append("a later incremental update changed the content after signing")
    elif status.docmdp_ok is False:
        problems.append("later changes go beyond what the certifying signature allows")
    return Verdict.BROKEN if problems else Verdict.ACCEPTED


def _trust_problem(status: PdfSignatureStatus, indication: AdESSubIndic) -> str:
    details = status.revocation_details
    if details is not None:
        whose = (
            "a CA certificate in the chain" if details.ca_revoked else "the signer's certificate"
        )
        return f"{whose} was revoked on {details.revocation_date.isoformat()}"
    if indication == AdESIndeterminate.NO_CERTIFICATE_CHAIN_FOUND:
        return "no path from the signer's certificate to a configured trust root"
    if indication in (AdESIndeterminate.OUT_OF_BOUNDS_NO_POE, AdESIndeterminate.EXPIRED):
        horizon = status.error_time_horizon
        when = f" (valid until {horizon.isoformat()})" if horizon else ""
        return f"the signer's certificate was expired at the validation time{when}"
    if indication == AdESIndeterminate.NOT_YET_VALID:
        return "the signer's certificate was not yet valid at the validation time"
    return f"the signer's certificate chain does not validate ({indication})"
