"""The trust roots signed PDFs are checked against, as configured in LOKET_TRUST_ROOTS, and
the roots of timestamp authorities, in LOKET_TSA_ROOTS (same format).

Only these roots count: never the operating system's list, so a verdict is the same everywhere.
"""

import os
from pathlib import Path

from asn1crypto import x509 as asn1_x509

from loket.documents.certificates import CertificateError, read_certificate
from loket.settings import get_settings

CERT_SUFFIXES = frozenset({".pem", ".crt", ".cer", ".der"})


class TrustRootError(ValueError):
    """A configured trust root that cannot be read, named by its file."""

    def __init__(self, path: Path, reason: str, setting: str = "LOKET_TRUST_ROOTS") -> None:
        super().__init__(f"{setting}: {path}: {reason}")
        self.path = path


def trust_root_files(value: str) -> list[Path]:
    """LOKET_TRUST_ROOTS: a directory of certificates, or files separated by os.pathsep.

    In a directory only files ending in .pem, .crt, .cer or .der count, in name order, so a
    README or a CRL lying beside the roots is not mistaken for one."""
    paths: list[Path] = []
    for part in filter(None, value.split(os.pathsep)):
        path = Path(part)
        if path.is_dir():
            paths.extend(sorted(p for p in path.iterdir() if p.suffix.lower() in CERT_SUFFIXES))
        else:
            paths.append(path)
    return paths


def read_trust_roots(value: str, setting: str = "LOKET_TRUST_ROOTS") -> list[asn1_x509.Certificate]:
    """The certificates `value` names (see `trust_root_files`); `TrustRootError` for the first
    file that is missing or is not a certificate."""
    roots = []
    for path in trust_root_files(value):
        try:
            data = path.read_bytes()
        except OSError as error:
            reason = f"cannot read it: {error.strerror or error}"
            raise TrustRootError(path, reason, setting) from None
        try:
            roots.append(read_certificate(data))
        except CertificateError as error:
            raise TrustRootError(path, str(error), setting) from None
    return roots


def configured_trust_roots() -> list[asn1_x509.Certificate]:
    """The roots of the LOKET_TRUST_ROOTS setting; none when it is empty."""
    return read_trust_roots(get_settings().trust_roots)


def configured_tsa_roots() -> list[asn1_x509.Certificate]:
    """The roots of the LOKET_TSA_ROOTS setting: timestamps count only from authorities under
    them; none when it is empty, so no timestamp proves a signing time."""
    return read_trust_roots(get_settings().tsa_roots, "LOKET_TSA_ROOTS")
