"""The one-page attestation PDF in nl/fr/de/en, and its PAdES signature by the agency's key.

The texts live here, not in the web catalogues: capability packages never import `web`.
"""

import os
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from typing import Any

from asn1crypto import crl as asn1_crl
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from babel.dates import format_date
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils import generic as pdf_generic
from pyhanko.pdf_utils import writer as pdf_writer
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers, timestamps
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko_certvalidator import registry

from loket.documents.issuer_keys import AgencySigner

LANGUAGES = ("nl", "fr", "de", "en")
REFERENCE_KEY = "/LoketReference"
SIGNATURE_FIELD = "LoketAttestation"
# Set to a time-stamping authority's URL to have each signature timestamped (RFC 3161).
TSA_URL_ENV = "LOKET_TSA_URL"

# pyHanko's writer classes carry no type hints; reach them through `Any` in one place.
generic: Any = pdf_generic
PdfFileWriter: Any = pdf_writer.PdfFileWriter
PageObject: Any = pdf_writer.PageObject
SimpleCertificateStore: Any = registry.SimpleCertificateStore

TEXTS: dict[str, dict[str, str]] = {
    "nl": {
        "living-wage": "Attest leefloon",
        "address": "Attest van woonst",
        "tax-collection": "Attest belastinginvordering",
        "statement.living-wage": "ontvangt een leefloon in het kader van dit dossier.",
        "statement.address": "heeft het adres dat in dit dossier bekend is.",
        "statement.tax-collection": "heeft een dossier belastinginvordering bij deze dienst.",
        "citizen": "Burger",
        "dossier": "Dossier",
        "office": "Kantoor",
        "date": "Datum",
        "attests": "Wij bevestigen dat de burger",
        "reference": "Verificatiecode",
        "check": "Controleer dit attest op",
        "signed": "Elektronisch ondertekend door",
    },
    "fr": {
        "living-wage": "Attestation de revenu d'intégration",
        "address": "Attestation de résidence",
        "tax-collection": "Attestation de recouvrement fiscal",
        "statement.living-wage": "perçoit un revenu d'intégration dans le cadre de ce dossier.",
        "statement.address": "a l'adresse connue dans ce dossier.",
        "statement.tax-collection": "a un dossier de recouvrement fiscal auprès de ce service.",
        "citizen": "Citoyen",
        "dossier": "Dossier",
        "office": "Bureau",
        "date": "Date",
        "attests": "Nous attestons que le citoyen",
        "reference": "Code de vérification",
        "check": "Vérifiez cette attestation sur",
        "signed": "Signé électroniquement par",
    },
    "de": {
        "living-wage": "Bescheinigung über das Eingliederungseinkommen",
        "address": "Wohnsitzbescheinigung",
        "tax-collection": "Bescheinigung über die Steuereintreibung",
        "statement.living-wage": "in diesem Dossier ein Eingliederungseinkommen bezieht.",
        "statement.address": "die in diesem Dossier bekannte Adresse hat.",
        "statement.tax-collection": "bei diesem Dienst ein Dossier zur Steuereintreibung hat.",
        "citizen": "Bürger",
        "dossier": "Dossier",
        "office": "Büro",
        "date": "Datum",
        "attests": "Wir bescheinigen, dass der Bürger",
        "reference": "Prüfcode",
        "check": "Prüfen Sie diese Bescheinigung unter",
        "signed": "Elektronisch unterzeichnet von",
    },
    "en": {
        "living-wage": "Attestation of living wage",
        "address": "Attestation of address",
        "tax-collection": "Attestation of tax collection",
        "statement.living-wage": "receives the living wage under this dossier.",
        "statement.address": "has the address known in this dossier.",
        "statement.tax-collection": "has a tax-collection dossier with this service.",
        "citizen": "Citizen",
        "dossier": "Dossier",
        "office": "Office",
        "date": "Date",
        "attests": "We attest that the citizen",
        "reference": "Verification code",
        "check": "Check this attestation at",
        "signed": "Signed electronically by",
    },
}


@dataclass(frozen=True)
class AttestationContent:
    """What the page says; `verify_url` is the /verify/{reference} address."""

    reference: str
    kind: str
    language: str
    citizen_name: str
    dossier_reference: str
    office_name: str
    agency_name: str
    day: date
    verify_url: str


def _escape(text: str) -> bytes:
    # WinAnsi covers the accented letters of nl/fr/de; anything else becomes "?".
    raw = text.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _lines(content: AttestationContent) -> list[tuple[int, str]]:
    texts = TEXTS[content.language]
    day = format_date(content.day, "long", locale=content.language)
    return [
        (20, texts[content.kind]),
        (11, content.agency_name),
        (11, ""),
        (11, f"{texts['citizen']}: {content.citizen_name}"),
        (11, f"{texts['dossier']}: {content.dossier_reference}"),
        (11, f"{texts['office']}: {content.office_name}"),
        (11, f"{texts['date']}: {day}"),
        (11, ""),
        (11, f"{texts['attests']} {content.citizen_name}"),
        (11, texts[f"statement.{content.kind}"]),
        (11, ""),
        (11, f"{texts['reference']}: {content.reference}"),
        (11, f"{texts['check']} {content.verify_url}"),
        (11, f"{texts['signed']}: {content.agency_name}"),
    ]


def page_pdf(content: AttestationContent) -> bytes:
    """The unsigned one-page PDF, its reference also in the document information."""
    writer = PdfFileWriter(stream_xrefs=False)
    font = generic.DictionaryObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/Font"),
            generic.pdf_name("/Subtype"): generic.pdf_name("/Type1"),
            generic.pdf_name("/BaseFont"): generic.pdf_name("/Helvetica"),
            generic.pdf_name("/Encoding"): generic.pdf_name("/WinAnsiEncoding"),
        }
    )
    resources = generic.DictionaryObject(
        {generic.pdf_name("/Font"): generic.DictionaryObject({generic.pdf_name("/F1"): font})}
    )
    operations = [b"BT 72 770 Td"]
    for size, line in _lines(content):
        operations.append(b"/F1 %d Tf (%s) Tj 0 -%d Td" % (size, _escape(line), size + 9))
    operations.append(b"ET")
    stream = writer.add_object(generic.StreamObject(stream_data=b"\n".join(operations)))
    writer.insert_page(PageObject(stream, (0, 0, 595, 842), resources))
    info = generic.DictionaryObject(
        {
            generic.pdf_name("/Title"): generic.TextStringObject(
                f"{TEXTS[content.language][content.kind]} {content.reference}"
            ),
            generic.pdf_name(REFERENCE_KEY): generic.TextStringObject(content.reference),
        }
    )
    writer.set_info(info)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _asn1(certificate: object) -> asn1_x509.Certificate:
    assert hasattr(certificate, "public_bytes")
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def sign_pdf(pdf: bytes, signer: AgencySigner) -> bytes:
    """Sign `pdf` (PAdES) as the agency, with the chain and the root's CRL in the DSS."""
    key = asn1_keys.PrivateKeyInfo.load(
        signer.key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    root = _asn1(signer.root)
    simple = signers.SimpleSigner(
        signing_cert=_asn1(signer.certificate),
        signing_key=key,
        cert_registry=SimpleCertificateStore.from_certs([root]),
    )
    tsa_url = os.environ.get(TSA_URL_ENV, "")
    timestamper = timestamps.HTTPTimeStamper(tsa_url) if tsa_url else None
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD, subfilter=fields.SigSeedSubFilter.PADES
    )
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    signed = signers.sign_pdf(writer, meta, signer=simple, timestamper=timestamper)
    # The CRL goes into the Document Security Store so that `verify` can check revocation
    # without the network; this update is validation data and does not break the signature.
    crl = asn1_crl.CertificateList.load(signer.crl.public_bytes(serialization.Encoding.DER))
    DocumentSecurityStore.add_dss(signed, sig_contents=None, certs=[root], crls=[crl])
    return bytes(signed.getvalue())
