"""Attestations loket issues: a signed one-page PDF per dossier, its reference recorded with the
SHA-256 of the bytes handed out, revocation by the agency, and the check of a presented copy.

A presented PDF counts as the issued attestation only when its bytes are exactly the issued
ones, its signature verifies against loket's issuing root, and the agency has not revoked it,
nor the certificate that signed it in a way that reaches back to its issuing time.
"""

import base64
import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from io import BytesIO

from cryptography.hazmat.primitives import hashes, serialization
from pyhanko.pdf_utils.reader import PdfFileReader
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from loket.cases.model import Agency, Dossier, Office
from loket.documents.attestation_model import (
    ACTOR_MAX_LENGTH,
    REASON_MAX_LENGTH,
    Attestation,
    AttestationKind,
)
from loket.documents.attestation_pdf import (
    LANGUAGES,
    REFERENCE_KEY,
    AttestationContent,
    page_pdf,
    sign_pdf,
)
from loket.documents.issuer_keys import (
    AGENCY_NAMES,
    KeyRevocation,
    agency_signer,
    current_crl,
    existing_issuing_root,
    revocation_of,
)
from loket.documents.public_url import PublicUrlError, verify_address
from loket.documents.verdicts import Verdict
from loket.documents.verify import CertificateInput, Verification, verify_pdf
from loket.people.model import Citizen

REFERENCE_PREFIX = "LA-"
# The case types whose dossiers can back each kind; an address attestation fits any dossier.
KIND_CASE_TYPES: dict[AttestationKind, tuple[str, ...] | None] = {
    AttestationKind.LIVING_WAGE: ("leefloon",),
    AttestationKind.ADDRESS: None,
    AttestationKind.TAX_COLLECTION: ("tax-collection",),
}


class AttestationError(ValueError):
    """An attestation cannot be issued or revoked as asked; the message names the parameter."""


@dataclass(frozen=True)
class IssuedAttestation:
    reference: str
    pdf: bytes


@dataclass(frozen=True)
class IssuedCheck:
    """What loket's records say about a presented PDF."""

    reference: str | None  # None: the PDF carries no loket reference
    known: bool = False
    exact: bool = False  # the bytes are exactly the issued ones
    attestation: Attestation | None = None

    @property
    def revoked(self) -> bool:
        return self.attestation is not None and self.attestation.revoked_at is not None

    def problem(self) -> str | None:
        """The reason, in plain words, not to accept the PDF as the issued attestation."""
        if self.reference is None:
            return None
        if not self.known or self.attestation is None:
            return f"loket issued no attestation with reference {self.reference}"
        record = self.attestation
        if record.revoked_at is not None:
            agency = AGENCY_NAMES.get(record.agency_code, record.agency_code)
            return f"revoked by {agency} on {record.revoked_at:%Y-%m-%d}: {record.revoked_reason}"
        if not self.exact:
            return f"the file differs from the PDF loket issued as {self.reference}"
        return None


def new_reference() -> str:
    """ "LA-" and 12 base32 characters: 60 random bits, no look-alike padding."""
    return REFERENCE_PREFIX + base64.b32encode(secrets.token_bytes(10)).decode()[:12]


def _dossier(session: Session, dossier_reference_or_id: str | int) -> Dossier:
    if isinstance(dossier_reference_or_id, int):
        dossier = session.get(Dossier, dossier_reference_or_id)
    else:
        dossier = session.scalar(
            select(Dossier).where(Dossier.reference == dossier_reference_or_id)
        )
    if dossier is None:
        raise AttestationError(f"dossier: no dossier {dossier_reference_or_id!r}")
    return dossier


def _kind(kind: str) -> AttestationKind:
    try:
        return AttestationKind(kind)
    except ValueError:
        choices = ", ".join(AttestationKind)
        raise AttestationError(f"kind: {kind!r} is not one of {choices}") from None


def _actor(value: str, parameter: str) -> str:
    value = value.strip()
    if not value or len(value) > ACTOR_MAX_LENGTH:
        raise AttestationError(
            f"{parameter}: give a username of 1 to {ACTOR_MAX_LENGTH} characters"
        )
    return value


def issue_attestation(
    session: Session,
    dossier_reference_or_id: str | int,
    kind: str,
    language: str,
    issued_by: str,
    *,
    base_url: str | None = None,
    at: datetime | None = None,
) -> IssuedAttestation:
    """Make, sign and record an attestation for the dossier, signed by the dossier's agency.

    `base_url` is put before /verify/{reference} on the page; by default loket's public
    address (LOKET_PUBLIC_URL), checked before anything is signed."""
    chosen = _kind(kind)
    reference = new_reference()
    try:
        verify_url = verify_address(reference, base_url)
    except PublicUrlError as error:
        raise AttestationError(str(error)) from None
    if language not in LANGUAGES:
        raise AttestationError(f"language: {language!r} is not one of {', '.join(LANGUAGES)}")
    issued_by = _actor(issued_by, "issued_by")
    dossier = _dossier(session, dossier_reference_or_id)
    allowed = KIND_CASE_TYPES[chosen]
    if allowed is not None and dossier.case_type not in allowed:
        raise AttestationError(
            f"kind: {chosen} needs a {' or '.join(allowed)} dossier; "
            f"{dossier.reference} is {dossier.case_type}"
        )
    citizen = session.get_one(Citizen, dossier.citizen_id)
    office = session.get_one(Office, dossier.office_id)
    agency = session.get_one(Agency, dossier.agency_code)
    moment = at or datetime.now()
    content = AttestationContent(
        reference=reference,
        kind=str(chosen),
        language=language,
        citizen_name=f"{citizen.given_names} {citizen.family_name}",
        dossier_reference=dossier.reference,
        office_name=office.name,
        agency_name=str(getattr(agency, f"name_{language}")),
        day=moment.date(),
        verify_url=verify_url,
    )
    signer = agency_signer(dossier.agency_code)
    pdf = sign_pdf(page_pdf(content), signer)
    session.add(
        Attestation(
            reference=reference,
            kind=str(chosen),
            dossier_id=dossier.id,
            agency_code=dossier.agency_code,
            language=language,
            sha256=hashlib.sha256(pdf).hexdigest(),
            issued_at=moment,
            issued_by=issued_by,
            signer_fingerprint=signer.certificate.fingerprint(hashes.SHA256()).hex(),
        )
    )
    session.flush()
    return IssuedAttestation(reference, pdf)


def find_attestation(session: Session, reference: str) -> Attestation | None:
    return session.get(Attestation, reference.strip().upper())


def revoke_attestation(
    session: Session, reference: str, by: str, reason: str, *, at: datetime | None = None
) -> Attestation:
    """Mark the attestation revoked; a second revocation keeps the first one's record."""
    record = find_attestation(session, reference)
    if record is None:
        raise AttestationError(f"reference: loket issued no attestation {reference!r}")
    by = _actor(by, "by")
    reason = reason.strip()
    if not reason or len(reason) > REASON_MAX_LENGTH:
        raise AttestationError(f"reason: give a reason of 1 to {REASON_MAX_LENGTH} characters")
    if record.revoked_at is None:
        record.revoked_at, record.revoked_by, record.revoked_reason = (
            at or datetime.now(),
            by,
            reason,
        )
        session.flush()
    return record


def reference_in(pdf: bytes) -> str | None:
    """The loket reference in the PDF's document information, if it has one."""
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        info = reader.trailer_view.get("/Info")
        value = info.get_object().get(REFERENCE_KEY) if info is not None else None
    except Exception:  # noqa: BLE001 - an unreadable file simply carries no reference
        return None
    return str(value) if value is not None else None


def check_issued(session: Session, pdf: bytes) -> IssuedCheck:
    """Is `pdf` exactly an attestation loket issued, and has it been revoked since?"""
    reference = reference_in(pdf)
    if reference is None:
        return IssuedCheck(None)
    record = find_attestation(session, reference)
    if record is None:
        return IssuedCheck(reference)
    exact = secrets.compare_digest(record.sha256, hashlib.sha256(pdf).hexdigest())
    return IssuedCheck(reference, known=True, exact=exact, attestation=record)


def has_attestation_table(session: Session) -> bool:
    return inspect(session.connection()).has_table(Attestation.__tablename__)


def _loket_evidence(
    trust_roots: list[CertificateInput], crls: list[bytes]
) -> tuple[list[CertificateInput], list[bytes]]:
    """The given roots and CRLs, with loket's issuing root and its current CRL added."""
    roots, der_crls = list(trust_roots), list(crls)
    root = existing_issuing_root()
    if root is not None:
        roots.append(root.public_bytes(serialization.Encoding.DER))
        der_crls.append(current_crl().public_bytes(serialization.Encoding.DER))
    return roots, der_crls


def _issued_at_utc(record: Attestation) -> datetime:
    # The database keeps loket's local time without an offset.
    return record.issued_at.astimezone(UTC)


def _judged_at_issue(
    pdf: bytes,
    now: Verification,
    record: Attestation,
    roots: list[CertificateInput],
    crls: list[bytes],
) -> Verification:
    """An exactly issued attestation is judged at the time loket recorded issuing it, unless
    the certificate that signed it was revoked in a way that reaches back to that time."""
    revocation = revocation_of(now.signer_fingerprint_sha256)
    if revocation is not None and revocation.applies_to(record.issued_at):
        reach = (
            "no attestation it signed counts"
            if revocation.reason.retroactive
            else "this attestation was issued after that"
        )
        return _void(now, f"{key_revoked_words(revocation)}: {reach}")
    if revocation is None and now.verdict == Verdict.ACCEPTED:
        return now
    at_issue = verify_pdf(pdf, roots, crls=crls, at=_issued_at_utc(record))
    if revocation is None:
        return at_issue
    note = (
        f"signed before {AGENCY_NAMES.get(revocation.agency_code, revocation.agency_code)} "
        f"retired its key on {revocation.revoked_at:%Y-%m-%d} ({revocation.reason}); "
        f"judged at its issuing time, {record.issued_at:%Y-%m-%d %H:%M}"
    )
    return replace(at_issue, problems=(*at_issue.problems, note))


def _with_key_revocation(result: Verification) -> Verification:
    """Without loket's record of when a PDF was issued, a signature by a revoked agency key
    does not count, whatever the reason and whatever time the signer wrote in it."""
    revocation = revocation_of(result.signer_fingerprint_sha256)
    if revocation is None:
        return result
    words = key_revoked_words(revocation, "this PDF")
    return _void(result, f"{words}; loket has no record of issuing it before that")


def _void(result: Verification, problem: str) -> Verification:
    worst = max(result.verdict, Verdict.UNTRUSTED, key=lambda v: v.severity)
    return replace(result, verdict=worst, problems=(*result.problems, problem))


def key_revoked_words(revocation: KeyRevocation, what: str = "this attestation") -> str:
    """Which agency revoked the key that signed `what`, when and why, in plain English."""
    agency = AGENCY_NAMES.get(revocation.agency_code, revocation.agency_code)
    return (
        f"{agency} revoked the key that signed {what} on "
        f"{revocation.revoked_at:%Y-%m-%d} ({revocation.reason})"
    )


def verify_presented(
    pdf: bytes,
    trust_roots: list[CertificateInput],
    *,
    crls: list[bytes] | None = None,
    session: Session | None = None,
) -> Verification:
    """`verify_pdf` with loket's issuing root (and its current CRL) trusted besides the given
    roots, and, for a PDF carrying a loket reference, loket's records: an unknown or revoked
    reference makes the verdict `untrusted`, bytes other than the issued ones `broken`.

    Bytes exactly as issued are judged at the issuing time loket recorded, so that a key
    retired later (`superseded`, `cessationOfOperation` …) leaves earlier attestations valid;
    after a `keyCompromise` (or `unspecified`) revocation none of the key's attestations is."""
    roots, der_crls = _loket_evidence(trust_roots, list(crls or []))
    result = verify_pdf(pdf, roots, crls=der_crls)
    reference = reference_in(pdf)
    check = None
    if reference is not None and session is not None and has_attestation_table(session):
        check = check_issued(session, pdf)
    if check is not None and check.exact and check.attestation is not None:
        result = _judged_at_issue(pdf, result, check.attestation, roots, der_crls)
    else:
        result = _with_key_revocation(result)
    if reference is None:
        return result
    if check is None:
        return replace(result, problems=(*result.problems, "issuance not checked (no database)"))
    problem = check.problem()
    if problem is None:
        return result
    verdict = Verdict.BROKEN if check.known and not check.revoked else Verdict.UNTRUSTED
    worst = max(result.verdict, verdict, key=lambda v: v.severity)
    return replace(result, verdict=worst, problems=(*result.problems, problem))


def is_exactly_issued(session: Session, reference: str, pdf: bytes) -> bool:
    """True when `pdf` is byte for byte the attestation issued as `reference` and its
    signature verifies against loket's issuing root at its issuing time (whether it or its
    signing key was revoked since is told separately, by `attestation_status`)."""
    record = find_attestation(session, reference)
    if record is None:
        return False
    if not secrets.compare_digest(record.sha256, hashlib.sha256(pdf).hexdigest()):
        return False
    if existing_issuing_root() is None:
        return False
    roots, crls = _loket_evidence([], [])
    verification = verify_pdf(pdf, roots, crls=crls, at=_issued_at_utc(record))
    return verification.verdict == Verdict.ACCEPTED
