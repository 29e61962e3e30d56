"""A throw-away test PKI shaped like the Belgian eID one, and helpers that make and sign PDFs.

Root → intermediate ("citizen CA") → signers carrying CRL and OCSP pointers like eID certificates.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from io import BytesIO

from asn1crypto import crl as asn1_crl
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import AuthorityInformationAccessOID, NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko_certvalidator.registry import SimpleCertificateStore

CRL_URL = "http://crl.eid.example.test/citizen-ca.crl"
ROOT_CRL_URL = "http://crl.eid.example.test/root.crl"
OCSP_URL = "http://ocsp.eid.example.test"
PAGE_TEXT = b"Attestation 0042: leefloon granted"


@dataclass(frozen=True)
class Party:
    """A certificate with its private key."""

    certificate: x509.Certificate
    key: ec.EllipticCurvePrivateKey

    @property
    def der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)

    @property
    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    @property
    def asn1(self) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(self.der)


@dataclass(frozen=True)
class Pki:
    root: Party
    intermediate: Party
    signer: Party
    expired_signer: Party
    revoked_signer: Party
    other_root: Party
    stranger: Party  # signed by other_root, which no test trusts
    crls: tuple[bytes, ...]  # DER: the root's CRL and the citizen CA's CRL (revoked_signer on it)
    revoked_at: datetime


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "BE"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _ca(common_name: str, issuer: Party | None, now: datetime, crl_url: str | None = None) -> Party:
    key = ec.generate_private_key(ec.SECP256R1())
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(issuer.certificate.subject if issuer else _name(common_name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=365))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
    )
    if crl_url:
        builder = builder.add_extension(_crl_pointer(crl_url), critical=False)
    signing_key = issuer.key if issuer else key
    return Party(builder.sign(signing_key, hashes.SHA256()), key)


def _crl_pointer(url: str) -> x509.CRLDistributionPoints:
    point = x509.DistributionPoint([x509.UniformResourceIdentifier(url)], None, None, None)
    return x509.CRLDistributionPoints([point])


def _signer(common_name: str, issuer: Party, start: datetime, end: datetime) -> Party:
    key = ec.generate_private_key(ec.SECP256R1())
    ocsp = x509.AccessDescription(
        AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(OCSP_URL)
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(issuer.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
        .add_extension(_crl_pointer(CRL_URL), critical=False)
        .add_extension(x509.AuthorityInformationAccess([ocsp]), critical=False)
        .sign(issuer.key, hashes.SHA256())
    )
    return Party(certificate, key)


def _crl(issuer: Party, revoked: list[tuple[Party, datetime]], now: datetime) -> bytes:
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.certificate.subject)
        .last_update(now - timedelta(hours=2))
        .next_update(now + timedelta(days=7))
        .add_extension(x509.CRLNumber(1), critical=False)
    )
    for party, when in revoked:
        entry = (
            x509.RevokedCertificateBuilder()
            .serial_number(party.certificate.serial_number)
            .revocation_date(when)
            .build()
        )
        builder = builder.add_revoked_certificate(entry)
    return builder.sign(issuer.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def make_pki() -> Pki:
    now = datetime.now(UTC)
    root = _ca("Test Belgium Root CA", None, now)
    intermediate = _ca("Test Citizen CA", root, now, ROOT_CRL_URL)
    signer = _signer("Jan Peeters (Signature)", intermediate, now - timedelta(days=30),
                     now + timedelta(days=3650))  # fmt: skip
    expired = _signer("Els Janssens (Signature)", intermediate, now - timedelta(days=800),
                      now - timedelta(days=70))  # fmt: skip
    revoked = _signer("Piet Maes (Signature)", intermediate, now - timedelta(days=30),
                      now + timedelta(days=3650))  # fmt: skip
    other_root = _ca("Unknown Root CA", None, now)
    stranger = _signer("Mallory (Signature)", other_root, now - timedelta(days=30),
                       now + timedelta(days=3650))  # fmt: skip
    revoked_at = (now - timedelta(hours=1)).replace(microsecond=0)
    crls = (_crl(root, [], now), _crl(intermediate, [(revoked, revoked_at)], now))
    return Pki(root, intermediate, signer, expired, revoked, other_root, stranger, crls,
                   revoked_at)  # fmt: skip


def unsigned_pdf(text: bytes = PAGE_TEXT) -> bytes:
    """A one-page PDF whose page text is stored uncompressed, so tests can find and change it."""
    writer = PdfFileWriter(stream_xrefs=False)
    font = generic.DictionaryObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/Font"),
            generic.pdf_name("/Subtype"): generic.pdf_name("/Type1"),
            generic.pdf_name("/BaseFont"): generic.pdf_name("/Helvetica"),
        }
    )
    resources = generic.DictionaryObject(
        {generic.pdf_name("/Font"): generic.DictionaryObject({generic.pdf_name("/F1"): font})}
    )
    content = writer.add_object(generic.StreamObject(stream_data=_page_ops(text)))
    writer.insert_page(PageObject(content, (0, 0, 595, 842), resources))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _page_ops(text: bytes) -> bytes:
    return b"BT /F1 14 Tf 72 760 Td (" + text + b") Tj ET"


def sign(
    pdf: bytes,
    party: Party,
    pki: Pki,
    *,
    field_name: str = "Signature1",
    embed_crls: bool = False,
) -> bytes:
    """Sign `pdf` (PAdES) as `party`; with `embed_crls` the PKI's CRLs go into the PDF's DSS."""
    chain = [pki.intermediate.asn1, pki.root.asn1, pki.other_root.asn1]
    signer = signers.SimpleSigner(
        signing_cert=party.asn1,
        signing_key=asn1_keys.PrivateKeyInfo.load(
            party.key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
        cert_registry=SimpleCertificateStore.from_certs(chain),
    )
    meta = signers.PdfSignatureMetadata(
        field_name=field_name, subfilter=fields.SigSeedSubFilter.PADES
    )
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    signed = signers.sign_pdf(writer, meta, signer=signer).getvalue()
    if not embed_crls:
        return signed
    out = BytesIO(signed)
    DocumentSecurityStore.add_dss(
        out, sig_contents=None, crls=[asn1_crl.CertificateList.load(c) for c in pki.crls]
    )
    return out.getvalue()


def change_page_text(pdf: bytes, new_text: bytes) -> bytes:
    """An incremental update after signing that replaces the page's content stream."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    page[generic.pdf_name("/Contents")] = writer.add_object(
        generic.StreamObject(stream_data=_page_ops(new_text))
    )
    writer.update_container(page)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def flip_one_byte(pdf: bytes) -> bytes:
    """The same file with one byte of the signed page text changed in place."""
    at = pdf.index(PAGE_TEXT) + PAGE_TEXT.index(b"0042") + 3
    return pdf[:at] + b"3" + pdf[at + 1 :]
