"""loket's own issuing PKI: a root, one signing certificate per agency and the root's CRL.

Made on first use as PEM files under LOKET_ISSUER_DIR (keys owner-only); later calls reuse them.
"""

import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
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
AGENCY_CODES = tuple(code for code, *_names in AGENCIES)
# English agency names, for the certificate subjects and plain-language messages.
AGENCY_NAMES = {code: names[-1] for code, *names in AGENCIES}


class IssuerError(ValueError):
    """The issuing PKI cannot serve the request (unknown agency, unreadable file)."""


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
    """The root's CRL (no agency certificate is revoked yet), remade once a day."""
    folder = _directory(directory)
    path = folder / "root.crl.pem"
    if path.exists():
        crl = x509.load_pem_x509_crl(path.read_bytes())
        if datetime.now(UTC) - crl.last_update_utc < CRL_REFRESH:
            return crl
    key, root = _root(folder)
    now = datetime.now(UTC)
    crl = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(root.subject)
        .last_update(now - timedelta(minutes=5))
        .next_update(now + CRL_VALIDITY)
        .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
        .sign(key, hashes.SHA256())
    )
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
    root_key, root = _root(folder)
    maker = _CertificateMaker(
        f"loket attestations - {AGENCY_NAMES[agency_code]}", (root_key, root.subject)
    )
    key, certificate = _key_and_certificate(folder, f"agency-{agency_code}", maker)
    return AgencySigner(agency_code, key, certificate, root, current_crl(folder))
