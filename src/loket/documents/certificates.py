"""Reading the certificates, CRLs and OCSP responses a signed-PDF check is given.

Bad input raises `CertificateError`, so callers can name the option or file it came from.
"""

from typing import TypeAlias, cast

from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509

CertificateInput: TypeAlias = "asn1_x509.Certificate | bytes"


class CertificateError(ValueError):
    """A trust root, CRL or OCSP response that cannot be read."""


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


def read_crl(data: bytes | asn1_crl.CertificateList) -> asn1_crl.CertificateList:
    """A CRL from an asn1crypto object or PEM/DER bytes."""
    if isinstance(data, asn1_crl.CertificateList):
        return data
    try:
        parsed = asn1_crl.CertificateList.load(_der(data))
        parsed.native  # noqa: B018 - asn1crypto parses lazily; force it so bad input fails here
    except (ValueError, TypeError, KeyError) as error:
        raise CertificateError(f"not a CRL in PEM or DER: {error}") from None
    return parsed


def read_ocsp(data: bytes | asn1_ocsp.OCSPResponse) -> asn1_ocsp.OCSPResponse:
    """An OCSP response from an asn1crypto object or DER bytes."""
    if isinstance(data, asn1_ocsp.OCSPResponse):
        return data
    try:
        parsed = asn1_ocsp.OCSPResponse.load(data)
        parsed.native  # noqa: B018 - asn1crypto parses lazily; force it so bad input fails here
    except (ValueError, TypeError, KeyError) as error:
        raise CertificateError(f"not an OCSP response in DER: {error}") from None
    return parsed


def _der(data: bytes) -> bytes:
    if pem.detect(data):
        return cast(bytes, pem.unarmor(data)[2])
    return data
