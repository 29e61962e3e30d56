"""One signature of a PDF judged with pyHanko: a `/Sig` at its proven signing time, or a
document timestamp (`/DocTimeStamp`, PAdES-LTA) on its own.

The proven signing time is the earliest of: the signature's own timestamp, else the first
document timestamp added after it, each from a timestamp authority under a configured TSA
root. Without one the signature is judged now (or at the time asked for). Claims the signer
wrote himself (`/M`, signingTime) never count as proof.
"""

import asyncio
from dataclasses import dataclass, replace
from datetime import datetime

from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import x509 as asn1_x509
from pyhanko.sign.ades.report import AdESIndeterminate, AdESSubIndic
from pyhanko.sign.diff_analysis import ModificationLevel, SuspiciousModification
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko.sign.validation.generic_cms import collect_timing_info
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import (
    ModificationInfo,
    PdfSignatureStatus,
    SignatureCoverageLevel,
    TimestampSignatureStatus,
)
from pyhanko_certvalidator import ValidationContext

from loket.documents.verdicts import Verdict
from loket.documents.verification import (
    ProvenTime,
    RevocationSource,
    TimeSource,
    Verification,
    worse,
)


@dataclass(frozen=True)
class Evidence:
    """Revocation data and extra certificates, from the PDF's DSS or given by the caller."""

    crls: tuple[asn1_crl.CertificateList, ...] = ()
    ocsps: tuple[asn1_ocsp.OCSPResponse, ...] = ()
    certs: tuple[asn1_x509.Certificate, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.crls or self.ocsps)

    def __add__(self, other: "Evidence") -> "Evidence":
        return Evidence(self.crls + other.crls, self.ocsps + other.ocsps, self.certs + other.certs)


@dataclass(frozen=True)
class Checker:
    """What every signature of one PDF is judged against."""

    roots: tuple[asn1_x509.Certificate, ...]
    tsa_roots: tuple[asn1_x509.Certificate, ...]
    embedded: Evidence
    local: Evidence
    requested: datetime | None  # `--at`: judge at this time, whatever the timestamps say
    now: datetime

    def context(
        self, evidence: Evidence, mode: str, moment: datetime, past: bool
    ) -> ValidationContext:
        # A past moment takes CRLs and OCSP responses issued after it as evidence for it: they
        # are what was fetched at or after signing; a certificate revoked after `moment` passes.
        return ValidationContext(
            trust_roots=list(self.roots),
            other_certs=list(evidence.certs),
            crls=list(evidence.crls),
            ocsps=list(evidence.ocsps),
            allow_fetching=False,
            revocation_mode=mode,
            moment=moment,
            retroactive_revinfo=past,
        )

    def tsa_context(self, moment: datetime) -> ValidationContext:
        # Only the TSA roots (possibly none, which trusts no timestamp); soft-fail: a TSA
        # certificate is checked against revocation evidence when the PDF or caller has some.
        evidence = self.embedded + self.local
        return ValidationContext(
            trust_roots=list(self.tsa_roots),
            other_certs=list(evidence.certs),
            crls=list(evidence.crls),
            ocsps=list(evidence.ocsps),
            allow_fetching=False,
            revocation_mode="soft-fail",
            moment=moment,
        )


def authority(status: TimestampSignatureStatus) -> str:
    return str(status.signing_cert.subject.human_friendly)


def untrusted_tsa(what: str, status: TimestampSignatureStatus) -> str:
    return (
        f"the {what} by {authority(status)} does not chain to a configured timestamp "
        "authority root (--tsa-root, LOKET_TSA_ROOTS); it proves no time"
    )


def check_document_timestamp(
    sig: EmbeddedPdfSignature, checker: Checker, moment: datetime
) -> Verification:
    """A document timestamp: intact, covering its revision, nothing but validation data or
    further timestamps added after it, and from an authority under a TSA root."""
    # `moment`: the time the next document timestamp proves (else now), so that an archive
    # timestamp keeps an earlier one valid after its authority's certificate expired.
    status = validate_pdf_timestamp(sig, checker.tsa_context(moment))
    problems: list[str] = []
    verdict = _integrity(status, problems, "document timestamp")
    if not status.intact or not status.valid:
        problems.append("the document timestamp does not match the bytes it covers")
        verdict = Verdict.BROKEN
    if not status.trusted:
        problems.append(untrusted_tsa("document timestamp", status))
        verdict = worse(verdict, Verdict.UNTRUSTED)
    level = status.modification_level
    return Verification(
        verdict=verdict,
        timestamp_time=status.timestamp,
        covers_whole_document=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        modification_level=level.name.lower().replace("_", "-") if level else None,
        problems=tuple(problems),
    )


def proven_document_time(
    sig: EmbeddedPdfSignature, stamps: list[tuple[EmbeddedPdfSignature, Verification]]
) -> ProvenTime | None:
    """The first trusted, intact document timestamp added after `sig` was made."""
    later = [
        (stamp, result)
        for stamp, result in stamps
        if stamp.signed_revision > sig.signed_revision
        and result.verdict == Verdict.ACCEPTED
        and result.timestamp_time is not None
    ]
    if not later:
        return None
    stamp, result = min(later, key=lambda pair: pair[0].signed_revision)
    assert result.timestamp_time is not None
    tsa = stamp.signer_cert.subject.human_friendly
    return ProvenTime(result.timestamp_time, TimeSource.DOCUMENT_TIMESTAMP, str(tsa))


def check_signature(
    sig: EmbeddedPdfSignature, checker: Checker, document_time: ProvenTime | None
) -> Verification:
    """A `/Sig` signature judged at the requested time, else its proven signing time, else now."""
    problems: list[str] = []
    verdict = Verdict.ACCEPTED
    # The timestamp's authority is judged at the time a later document timestamp proves, if any.
    later = document_time.moment if document_time else checker.requested or checker.now
    stamp = _signature_timestamp(sig, checker, later)
    if stamp is not None and not (stamp.intact and stamp.valid):
        problems.append("the signature timestamp does not match the signature")
        verdict = Verdict.BROKEN
    elif stamp is not None and not stamp.trusted:
        problems.append(untrusted_tsa("signature timestamp", stamp))
        verdict = Verdict.UNTRUSTED
    if checker.requested is not None:
        when = ProvenTime(checker.requested, TimeSource.REQUESTED, None)
    elif verdict == Verdict.ACCEPTED and stamp is not None:
        when = ProvenTime(stamp.timestamp, TimeSource.TIMESTAMP, authority(stamp))
    elif document_time is not None:
        when = document_time
    else:
        when = ProvenTime(checker.now, TimeSource.NOW, None)
    status, source, checked, trust_problems, trust_verdict = _judge(sig, checker, when)
    integrity: list[str] = []
    verdict = worse(worse(verdict, _integrity(status, integrity, "signature")), trust_verdict)
    problems.extend(integrity + trust_problems)
    cert = status.signing_cert
    level = status.modification_level
    return Verification(
        verdict=verdict,
        signer_subject=cert.subject.human_friendly,
        signer_serial=format(cert.serial_number, "x"),
        signer_fingerprint_sha256=cert.sha256.hex(),
        signing_time=status.signer_reported_dt,
        timestamp_time=stamp.timestamp if stamp else None,
        covers_whole_document=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        modification_level=level.name.lower().replace("_", "-") if level else None,
        revocation_checked=checked,
        revocation_source=source if checked else "none",
        validation=when,
        problems=tuple(problems),
    )


def _signature_timestamp(
    sig: EmbeddedPdfSignature, checker: Checker, moment: datetime
) -> TimestampSignatureStatus | None:
    """The signature's own timestamp token (RFC 3161 over the signature value), checked."""
    found = asyncio.run(
        collect_timing_info(
            sig.signer_info,
            checker.tsa_context(moment),
            raw_digest=sig.compute_digest,
        )  # fmt: skip
    )
    stamp = found.get("timestamp_validity")
    return stamp if isinstance(stamp, TimestampSignatureStatus) else None


def _judge(
    sig: EmbeddedPdfSignature, checker: Checker, when: ProvenTime
) -> tuple[PdfSignatureStatus, RevocationSource, bool, list[str], Verdict]:
    """The signer's chain at `when`: with embedded evidence first, then with the caller's too.

    "require": every certificate below the root needs revocation evidence, so an absent CRL or
    OCSP response shows up as a failure instead of passing silently."""
    past = when.source != TimeSource.NOW
    attempts: list[tuple[Evidence, RevocationSource]] = []
    if checker.embedded:
        attempts.append((checker.embedded, "embedded"))
    if checker.local:
        attempts.append((checker.embedded + checker.local, "local"))
    if not attempts:
        attempts.append((checker.embedded, "none"))
    status: PdfSignatureStatus | None = None
    evidence, source = attempts[0]
    problems: list[str] = []
    for evidence, source in attempts:  # noqa: B007 - the last pair tried is used below
        context = checker.context(_usable(evidence, sig, when), "require", when.moment, past)
        try:
            # The difference analysis is the same every time: done once, then reused.
            status = validate_pdf_signature(sig, context, checker.tsa_context(when.moment),
                                            skip_diff=status is not None)  # fmt: skip
        except (ValueError, TypeError, KeyError, AssertionError, NotImplementedError) as error:
            # A CRL or OCSP response that pyHanko cannot process (e.g. signed with a key of
            # another type than its issuer's) is no evidence; it does not break the signature.
            problems.append(f"the {source} revocation evidence cannot be processed: "
                            f"{type(error).__name__} {error}".rstrip())  # fmt: skip
            continue
        if status.trust_problem_indic not in _REVOCATION_SHORT:
            break
    verdict = Verdict.ACCEPTED
    indication = status.trust_problem_indic if status else _REVOCATION_SHORT[0]
    checked = indication is None or bool(status and status.revoked)
    if indication in _REVOCATION_SHORT:
        # Tell "no usable revocation evidence" apart from other chain problems: retry without
        # any (a stale CRL would hide that the certificate itself had expired).
        bare = Evidence(certs=evidence.certs)
        context = checker.context(bare, "soft-fail", when.moment, past)
        relaxed = validate_pdf_signature(sig, context, checker.tsa_context(when.moment),
                                         skip_diff=status is not None)  # fmt: skip
        if relaxed.trust_problem_indic is None:
            indication = None
            problems.append("no revocation evidence (CRL or OCSP) for the signer's chain "
                            "that is current at the validation time, embedded or supplied; "
                            "revocation was not checked")  # fmt: skip
            verdict = Verdict.REVOCATION_UNKNOWN
        else:
            indication = relaxed.trust_problem_indic
        status = relaxed
    assert status is not None
    if indication is not None:
        problems.append(_trust_problem(status, indication))
        verdict = Verdict.UNTRUSTED
    return status, source, checked, problems, verdict


# What pyHanko answers when revocation evidence is missing (or too old for the time judged at).
_REVOCATION_SHORT = (
    AdESIndeterminate.CERTIFICATE_CHAIN_GENERAL_FAILURE,
    AdESIndeterminate.TRY_LATER,
)


def _usable(evidence: Evidence, sig: EmbeddedPdfSignature, when: ProvenTime) -> Evidence:
    """Judging in the past, a CRL issued by the signer's CA after the signer's certificate
    expired says nothing about it: CAs drop expired certificates from their lists."""
    if when.source == TimeSource.NOW:
        return evidence
    cert = sig.signer_cert
    expiry = cert["tbs_certificate"]["validity"]["not_after"].native
    crls = tuple(
        crl
        for crl in evidence.crls
        if crl.issuer != cert.issuer or crl["tbs_cert_list"]["this_update"].native <= expiry
    )
    return replace(evidence, crls=crls)


def _integrity(status: ModificationInfo, problems: list[str], what: str) -> Verdict:
    """BROKEN when the signed bytes or the document's content changed after signing."""
    if isinstance(status, PdfSignatureStatus):
        if not status.intact:
            problems.append("the signed bytes were changed after signing (digest mismatch)")
        if not status.valid:
            problems.append("the signature value does not match the signer's key")
    coverage = status.coverage
    if coverage is None or coverage < SignatureCoverageLevel.ENTIRE_REVISION:
        problems.append(f"the {what} does not cover the whole revision it was made on")
    if isinstance(status.diff_result, SuspiciousModification) or (
        status.modification_level is not None
        and status.modification_level > ModificationLevel.ANNOTATIONS
    ):
        problems.append(f"a later incremental update changed the content after the {what}")
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
    if indication == AdESIndeterminate.CRYPTO_CONSTRAINTS_FAILURE:
        return "the signature or its certificates use an algorithm no longer accepted as safe"
    if indication == AdESIndeterminate.CHAIN_CONSTRAINTS_FAILURE:
        return "the signer's certificate chain breaks its own constraints (usage or policies)"
    if indication == AdESIndeterminate.NOT_YET_VALID:
        return "the signer's certificate was not yet valid at the validation time"
    return f"the signer's certificate chain does not validate ({indication})"
