"""A throw-away test PKI shaped like the Belgian eID one, and helpers that make and sign PDFs.

Root → intermediate ("citizen CA") → signers carrying CRL and OCSP pointers like eID certificates.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from io import BytesIO
from typing import cast

from asn1crypto import crl as asn1_crl
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.signers.pdf_signer import PdfTimeStamper
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko_certvalidator.registry import SimpleCertificateStore

CRL_URL = "http://crl.eid.example.test/citizen-ca.crl"
ROOT_CRL_URL = "http://crl.eid.example.test/root.crl"
OCSP_URL = "http://ocsp.eid.example.test"
PAGE_TEXT = b"Attestation 0042: leefloon granted"
# The CAs exist long before the "past" signatures below, so those chain at their signing time.
CA_SINCE = datetime(2020, 1, 1, tzinfo=UTC)
# A citizen's signature from 2023: the certificate has long expired, the timestamp proves when.
OLD_VALIDITY = (datetime(2023, 1, 1, tzinfo=UTC), datetime(2024, 1, 1, tzinfo=UTC))
SIGNED_AT = datetime(2023, 6, 1, 10, 0, tzinfo=UTC)
ARCHIVED_AT = datetime(2023, 12, 1, 9, 0, tzinfo=UTC)
REVOKED_BEFORE_SIGNING = datetime(2023, 3, 1, tzinfo=UTC)
REVOKED_AFTER_SIGNING = datetime(2023, 9, 1, tzinfo=UTC)
LATER_CRL_AT = datetime(2023, 10, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Party:
    """A certificate with its private key."""

    certificate: x509.Certificate
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey

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
    tsa_root: Party  # the timestamp authority's root (RSA), trusted only as a TSA root
    tsa: Party
    stranger_tsa: Party  # a TSA under other_root
    old_tsa: Party  # under tsa_root, its certificate valid in 2023 only (OLD_VALIDITY)
    old_signer: Party  # valid in 2023 only (OLD_VALIDITY)
    revoked_before: Party  # valid in 2023, revoked before SIGNED_AT
    revoked_after: Party  # valid in 2023, revoked after SIGNED_AT
    past_crls: tuple[bytes, ...]  # issued at SIGNED_AT: revoked_before on the citizen CA's
    later_crls: tuple[bytes, ...]  # issued at LATER_CRL_AT: revoked_before and revoked_after


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "BE"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _ca(
    common_name: str,
    issuer: Party | None,
    now: datetime,
    crl_url: str | None = None,
    *,
    rsa_key: bool = False,
) -> Party:
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey = (
        rsa.generate_private_key(65537, 2048)
        if rsa_key
        else ec.generate_private_key(ec.SECP256R1())
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(issuer.certificate.subject if issuer else _name(common_name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(CA_SINCE)
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


def _tsa(
    common_name: str, issuer: Party, validity: tuple[datetime, datetime] | None = None
) -> Party:
    key = rsa.generate_private_key(65537, 2048)  # pyHanko's test TSA signs with RSA only
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(issuer.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(validity[0] if validity else CA_SINCE)
        .not_valid_after(validity[1] if validity else CA_SINCE + timedelta(days=365 * 30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(issuer.key, hashes.SHA256())
    )
    return Party(certificate, key)


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
    tsa_root = _ca("Test Timestamping Root", None, now, rsa_key=True)
    old = _signer("An Claes (Signature)", intermediate, *OLD_VALIDITY)
    before = _signer("Luc Wouters (Signature)", intermediate, *OLD_VALIDITY)
    after = _signer("Sofie Peeters (Signature)", intermediate, *OLD_VALIDITY)
    past = (
        _crl(root, [], SIGNED_AT),
        _crl(intermediate, [(before, REVOKED_BEFORE_SIGNING)], SIGNED_AT),
    )
    later = (
        _crl(root, [], LATER_CRL_AT),
        _crl(
            intermediate,
            [(before, REVOKED_BEFORE_SIGNING), (after, REVOKED_AFTER_SIGNING)],
            LATER_CRL_AT,
        ),
    )
    return Pki(
        root=root,
        intermediate=intermediate,
        signer=signer,
        expired_signer=expired,
        revoked_signer=revoked,
        other_root=other_root,
        stranger=stranger,
        crls=crls,
        revoked_at=revoked_at,
        tsa_root=tsa_root,
        tsa=_tsa("Test Timestamping Authority", tsa_root),
        stranger_tsa=_tsa("Unknown Timestamping Authority", other_root),
        old_tsa=_tsa("Retired Timestamping Authority", tsa_root, OLD_VALIDITY),
        old_signer=old,
        revoked_before=before,
        revoked_after=after,
        past_crls=past,
        later_crls=later,
    )


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


def _key_info(party: Party) -> asn1_keys.PrivateKeyInfo:
    return asn1_keys.PrivateKeyInfo.load(
        party.key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def timestamper(tsa: Party, pki: Pki, at: datetime | None = None) -> DummyTimeStamper:
    """A timestamp authority run in-process; `at` fixes the time it certifies."""
    issuers = [pki.tsa_root.asn1, pki.other_root.asn1]
    return DummyTimeStamper(
        tsa_cert=tsa.asn1,
        tsa_key=_key_info(tsa),
        certs_to_embed=SimpleCertificateStore.from_certs(issuers),
        fixed_dt=at,
    )


def sign(
    pdf: bytes,
    party: Party,
    pki: Pki,
    *,
    field_name: str = "Signature1",
    embed_crls: bool = False,
    dss_crls: tuple[bytes, ...] = (),
    tsa: Party | None = None,
    timestamp_at: datetime | None = None,
) -> bytes:
    """Sign `pdf` (PAdES) as `party`; with `embed_crls` the PKI's CRLs (or `dss_crls`) go into
    the PDF's DSS; with `tsa` the signature carries its timestamp (dated `timestamp_at`)."""
    chain = [pki.intermediate.asn1, pki.root.asn1, pki.other_root.asn1]
    signer = signers.SimpleSigner(
        signing_cert=party.asn1,
        signing_key=_key_info(party),
        cert_registry=SimpleCertificateStore.from_certs(chain),
    )
    meta = signers.PdfSignatureMetadata(
        field_name=field_name, subfilter=fields.SigSeedSubFilter.PADES
    )
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    stamper = timestamper(tsa, pki, timestamp_at) if tsa else None
    pdf_signer = signers.PdfSigner(meta, signer=signer, timestamper=stamper)
    signed = pdf_signer.sign_pdf(writer).getvalue()
    crls = dss_crls or (pki.crls if embed_crls else ())
    if not crls:
        return signed
    out = BytesIO(signed)
    DocumentSecurityStore.add_dss(
        out, sig_contents=None, crls=[asn1_crl.CertificateList.load(c) for c in crls]
    )
    return out.getvalue()


def document_timestamp(
    pdf: bytes, pki: Pki, *, tsa: Party | None = None, at: datetime | None = None
) -> bytes:
    """`pdf` with a document timestamp (/DocTimeStamp) over all of it, as PAdES-LTA adds."""
    stamper = PdfTimeStamper(timestamper(tsa or pki.tsa, pki, at))
    out = stamper.timestamp_pdf(IncrementalPdfFileWriter(BytesIO(pdf)), "sha256")
    return cast(BytesIO, out).getvalue()


def archived_signature(pki: Pki, party: Party | None = None, **options: object) -> bytes:
    """A PAdES-LTA file: signed at SIGNED_AT with a signature timestamp, the CRLs of that day
    in the DSS, and a document timestamp at ARCHIVED_AT over it all."""
    signed = sign(unsigned_pdf(), party or pki.old_signer, pki, tsa=pki.tsa,
                  timestamp_at=SIGNED_AT, dss_crls=pki.past_crls, **options)  # type: ignore[arg-type]  # fmt: skip
    return document_timestamp(signed, pki, at=ARCHIVED_AT)


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
