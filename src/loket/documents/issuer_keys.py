"""loket's own issuing PKI: a root, one signing certificate per agency and the root's CRL.

Made on first use as PEM files under LOKET_ISSUER_DIR (keys owner-only); later calls reuse them.
An agency's certificate can be revoked: the CRL lists it and the agency gets a new key.
"""

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from loket.cases.network import AGENCIES
from loket.settings import get_settings

ROOT_NAME = "loket issuing root"
ROOT_YEARS = 10
AGENCY_YEARS = 5
# The CRL is remade once it is this old, so that an issued PDF always carries a fresh one.
CRL_REFRESH = timedelta(days=1)
CRL_VALIDITY = timedelta(days=30)
# Every revoked agency certificate, with who revoked it and why; the CRL is made from it.
REVOCATIONS_FILE = "revocations.json"
AGENCY_CODES = tuple(code for code, *_names in AGENCIES)
# English agency names, for the certificate subjects and plain-language messages.
AGENCY_NAMES = {code: names[-1] for code, *names in AGENCIES}


class IssuerError(ValueError):
    """The issuing PKI cannot serve the request (unknown agency, unreadable file)."""


class RevocationReason(StrEnum):
    """Why an agency's signing certificate was revoked, as RFC 5280 names the CRL reasons."""

    UNSPECIFIED = "unspecified"
    KEY_COMPROMISE = "keyCompromise"
    AFFILIATION_CHANGED = "affiliationChanged"
    SUPERSEDED = "superseded"
    CESSATION_OF_OPERATION = "cessationOfOperation"
    PRIVILEGE_WITHDRAWN = "privilegeWithdrawn"

    @property
    def retroactive(self) -> bool:
        """True when no signature by the key can be trusted, whenever it was made: a stolen
        key can sign with any date, and an unstated reason is taken at its worst."""
        return self in (RevocationReason.KEY_COMPROMISE, RevocationReason.UNSPECIFIED)

    @property
    def flag(self) -> x509.ReasonFlags:
        return _REASON_FLAGS[self]


_REASON_FLAGS = {
    RevocationReason.UNSPECIFIED: x509.ReasonFlags.unspecified,
    RevocationReason.KEY_COMPROMISE: x509.ReasonFlags.key_compromise,
    RevocationReason.AFFILIATION_CHANGED: x509.ReasonFlags.affiliation_changed,
    RevocationReason.SUPERSEDED: x509.ReasonFlags.superseded,
    RevocationReason.CESSATION_OF_OPERATION: x509.ReasonFlags.cessation_of_operation,
    RevocationReason.PRIVILEGE_WITHDRAWN: x509.ReasonFlags.privilege_withdrawn,
}


@dataclass(frozen=True)
class KeyRevocation:
    """One revoked agency certificate: which, when (whole seconds, as the CRL says), why, by
    whom, and the certificate that replaced it."""

    agency_code: str
    serial: str  # lower-case hex, as `loket documents verify` prints serials
    fingerprint_sha256: str
    revoked_at: datetime  # UTC
    reason: RevocationReason
    revoked_by: str
    new_serial: str = ""  # the certificate that replaced it (told by the revoking command)

    def applies_to(self, issued_at: datetime) -> bool:
        """Whether a signature the key made at `issued_at` (as loket recorded it) is void: for
        a retroactive reason always, otherwise only from the revocation time on."""
        return self.reason.retroactive or _utc(issued_at) >= self.revoked_at

    def as_json(self) -> dict[str, str]:
        return {**asdict(self), "revoked_at": self.revoked_at.isoformat()}


@dataclass(frozen=True)
class AgencySigner:
    """An agency's signing key with its certificate, the root, and the root's current CRL."""

    agency_code: str
    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate
    root: x509.Certificate
    crl: x509.CertificateRevocationList


def _directory(directory: str | Path | None) -> Path:
    return Path(directory or get_settings().issuer_dir)


def _utc(moment: datetime) -> datetime:
    """`moment` in UTC; a naive time is loket's local time, as the database records it."""
    return moment.astimezone(UTC)


@contextmanager
def _locked(folder: Path, *, exclusive: bool) -> Iterator[None]:
    """Readers of an agency's key and certificate share the lock; a key rollover or a new CRL
    takes it alone, so nobody reads a new key with the old certificate or writes an old CRL
    over one that lists a fresh revocation."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "BE"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "loket"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _write_once(path: Path, data: bytes, mode: int) -> bool:
    """Write `data` to a new file; False when another process made it first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: two processes starting at once must not each write a different key.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError:
        return False
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    return True


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _load_key(path: Path) -> ec.EllipticCurvePrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise IssuerError(f"{path} does not hold an EC private key")
    return key


def _key_and_certificate(
    directory: Path, stem: str, make: "_CertificateMaker"
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key_path, cert_path = directory / f"{stem}-key.pem", directory / f"{stem}-cert.pem"
    if not cert_path.exists():
        key = ec.generate_private_key(ec.SECP256R1())
        # The certificate is written after its key, so a present certificate has its key.
        if _write_once(key_path, _key_pem(key), 0o600):
            certificate = make(key)
            _write_once(cert_path, certificate.public_bytes(serialization.Encoding.PEM), 0o644)
    return _load_key(key_path), x509.load_pem_x509_certificate(cert_path.read_bytes())


class _CertificateMaker:
    def __init__(self, subject: str, issuer: tuple[ec.EllipticCurvePrivateKey, x509.Name] | None):
        self.subject, self.issuer = subject, issuer

    def __call__(self, key: ec.EllipticCurvePrivateKey) -> x509.Certificate:
        now = datetime.now(UTC)
        is_root = self.issuer is None
        signing_key, issuer_name = self.issuer or (key, _name(self.subject))
        years = ROOT_YEARS if is_root else AGENCY_YEARS
        usage = (
            x509.KeyUsage(False, False, False, False, False, True, True, False, False)
            if is_root
            else x509.KeyUsage(True, True, False, False, False, False, False, False, False)
        )
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(self.subject))
            .issuer_name(issuer_name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=365 * years))
            .add_extension(x509.BasicConstraints(ca=is_root, path_length=None), critical=True)
            .add_extension(usage, critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        )
        return builder.sign(signing_key, hashes.SHA256())


def _root(directory: Path) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    return _key_and_certificate(directory, "root", _CertificateMaker(ROOT_NAME, None))


def issuing_root(directory: str | Path | None = None) -> x509.Certificate:
    """The issuing root certificate, made on first use."""
    return _root(_directory(directory))[1]


def existing_issuing_root(directory: str | Path | None = None) -> x509.Certificate | None:
    """The issuing root when loket has made one; verifying never creates keys."""
    path = _directory(directory) / "root-cert.pem"
    return x509.load_pem_x509_certificate(path.read_bytes()) if path.is_file() else None


def issuing_root_pem(directory: str | Path | None = None) -> bytes:
    """The issuing root as PEM, for agencies and citizens who verify offline."""
    return issuing_root(directory).public_bytes(serialization.Encoding.PEM)


def current_crl(directory: str | Path | None = None) -> x509.CertificateRevocationList:
    """The root's CRL listing every revoked agency certificate, remade once a day."""
    folder = _directory(directory)
    path = folder / "root.crl.pem"
    crl = _fresh_crl(path)
    if crl is not None:
        return crl
    with _locked(folder, exclusive=True):
        # Another process may have remade it while this one waited for the lock.
        return _fresh_crl(path) or _write_crl(folder)


def _fresh_crl(path: Path) -> x509.CertificateRevocationList | None:
    if not path.exists():
        return None
    crl = x509.load_pem_x509_crl(path.read_bytes())
    return crl if datetime.now(UTC) - crl.last_update_utc < CRL_REFRESH else None


def _write_crl(folder: Path) -> x509.CertificateRevocationList:
    """Sign and write a new CRL; the caller holds the exclusive lock."""
    key, root = _root(folder)
    now = datetime.now(UTC)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(root.subject)
        .last_update(now - timedelta(minutes=5))
        .next_update(now + CRL_VALIDITY)
        # Microseconds: two CRLs made within one second still carry increasing numbers.
        .add_extension(x509.CRLNumber(int(now.timestamp() * 1_000_000)), critical=False)
    )
    for revocation in agency_key_revocations(folder):
        entry = (
            x509.RevokedCertificateBuilder()
            .serial_number(int(revocation.serial, 16))
            .revocation_date(revocation.revoked_at)
            .add_extension(x509.CRLReason(revocation.reason.flag), critical=False)
            .build()
        )
        builder = builder.add_revoked_certificate(entry)
    crl = builder.sign(key, hashes.SHA256())
    path = folder / "root.crl.pem"
    # Written to a temporary file and renamed, so a reader never sees half a CRL.
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_bytes(crl.public_bytes(serialization.Encoding.PEM))
    temporary.replace(path)
    return crl


def agency_signer(agency_code: str, directory: str | Path | None = None) -> AgencySigner:
    """The signing key and certificate of `agency_code`, issued by the root on first use."""
    if agency_code not in AGENCY_CODES:
        raise IssuerError(f"agency: {agency_code!r} is not one of {', '.join(AGENCY_CODES)}")
    folder = _directory(directory)
    with _locked(folder, exclusive=False):
        key, certificate, root = _agency_key(folder, agency_code)
    if revocation_of(_fingerprint(certificate), folder) is not None:
        # A revocation stopped before the new key was in place: finish it, never sign with
        # a revoked key.
        with _locked(folder, exclusive=True):
            key, certificate, root = _agency_key(folder, agency_code)
            if revocation_of(_fingerprint(certificate), folder) is not None:
                key, certificate = _install_new_key(folder, agency_code, certificate)
    return AgencySigner(agency_code, key, certificate, root, current_crl(folder))


def _maker(folder: Path, agency_code: str) -> "_CertificateMaker":
    root_key, root = _root(folder)
    return _CertificateMaker(
        f"loket attestations - {AGENCY_NAMES[agency_code]}", (root_key, root.subject)
    )


def _agency_key(
    folder: Path, agency_code: str
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate, x509.Certificate]:
    maker = _maker(folder, agency_code)
    key, certificate = _key_and_certificate(folder, f"agency-{agency_code}", maker)
    return key, certificate, _root(folder)[1]


def _fingerprint(certificate: x509.Certificate) -> str:
    return certificate.fingerprint(hashes.SHA256()).hex()


def _replace(path: Path, data: bytes, mode: int) -> None:
    """Write `data` to `path` through a temporary file, so no reader sees half of it."""
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    temporary.replace(path)


def _install_new_key(
    folder: Path, agency_code: str, revoked: x509.Certificate
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """Replace a revoked agency key by a new one; the caller holds the exclusive lock. The
    revoked certificate is kept for the record, its key overwritten."""
    stem = f"agency-{agency_code}"
    serial = format(revoked.serial_number, "x")
    archived = revoked.public_bytes(serialization.Encoding.PEM)
    _replace(folder / f"revoked-{stem}-{serial}.pem", archived, 0o644)
    key = ec.generate_private_key(ec.SECP256R1())
    certificate = _maker(folder, agency_code)(key)
    _replace(folder / f"{stem}-key.pem", _key_pem(key), 0o600)
    _replace(
        folder / f"{stem}-cert.pem", certificate.public_bytes(serialization.Encoding.PEM), 0o644
    )
    return key, certificate


def existing_agency_certificate(
    agency_code: str, directory: str | Path | None = None
) -> x509.Certificate | None:
    """The certificate the agency signs with now, when loket has made one."""
    path = _directory(directory) / f"agency-{agency_code}-cert.pem"
    return x509.load_pem_x509_certificate(path.read_bytes()) if path.is_file() else None


def agency_key_revocations(directory: str | Path | None = None) -> list[KeyRevocation]:
    """Every agency certificate revoked so far, oldest first."""
    path = _directory(directory) / REVOCATIONS_FILE
    if not path.exists():
        return []
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
        return [
            KeyRevocation(**{**row, "revoked_at": datetime.fromisoformat(row["revoked_at"]),
                             "reason": RevocationReason(row["reason"])})
            for row in rows
        ]  # fmt: skip
    except (ValueError, KeyError, TypeError) as error:
        raise IssuerError(f"{path} cannot be read: {error}") from None


def revocation_of(
    fingerprint_sha256: str | None, directory: str | Path | None = None
) -> KeyRevocation | None:
    """The revocation of the agency certificate with this SHA-256 fingerprint, if revoked."""
    if not fingerprint_sha256:
        return None
    wanted = fingerprint_sha256.lower()
    found = (r for r in agency_key_revocations(directory) if r.fingerprint_sha256 == wanted)
    return next(found, None)


def revoke_agency_key(
    agency_code: str,
    reason: str,
    revoked_by: str,
    *,
    at: datetime | None = None,
    directory: str | Path | None = None,
) -> KeyRevocation:
    """Revoke the agency's current signing certificate and give the agency a new key.

    The revocation is recorded with who, when and why; the root's CRL is remade at once and
    lists it; the revoked key file is overwritten by the new key, so nothing signs with it
    again. `at` (default now) is rounded up to a second."""
    if agency_code not in AGENCY_CODES:
        raise IssuerError(f"agency: {agency_code!r} is not one of {', '.join(AGENCY_CODES)}")
    try:
        why = RevocationReason(reason)
    except ValueError:
        choices = ", ".join(RevocationReason)
        raise IssuerError(f"reason: {reason!r} is not one of {choices}") from None
    revoked_by = revoked_by.strip()
    if not revoked_by or len(revoked_by) > 64:
        raise IssuerError("by: give a username of 1 to 64 characters")
    moment = _utc(at or datetime.now(UTC))
    if moment.microsecond:
        # Up to the next whole second (the CRL's precision), so that an attestation issued
        # a moment before the revocation never counts as issued after it.
        moment = moment.replace(microsecond=0) + timedelta(seconds=1)
    folder = _directory(directory)
    with _locked(folder, exclusive=True):
        _key, old, _root_cert = _agency_key(folder, agency_code)
        revocation = KeyRevocation(
            agency_code=agency_code,
            serial=format(old.serial_number, "x"),
            fingerprint_sha256=_fingerprint(old),
            revoked_at=moment,
            reason=why,
            revoked_by=revoked_by,
        )
        # Recorded and published before the new key is made: if this stops halfway, the
        # next signer finds its key revoked and finishes the rollover (`agency_signer`).
        rows = [r.as_json() for r in agency_key_revocations(folder)] + [revocation.as_json()]
        _replace(folder / REVOCATIONS_FILE, (json.dumps(rows, indent=2) + "\n").encode(), 0o644)
        _write_crl(folder)
        _key, new = _install_new_key(folder, agency_code, old)
    return replace(revocation, new_serial=format(new.serial_number, "x"))
