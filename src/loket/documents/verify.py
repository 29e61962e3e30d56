"""Verify signed PDFs (PAdES, up to LTA) offline against configured trust roots, with pyHanko.

Never the operating system's trust list, never the network; missing revocation evidence is
said. Every signature kind is judged: `/Sig` signatures at their proven signing time (see
`signature_checks`), document timestamps on their own. `verify_pdf` is total: whatever the
bytes, it returns a `Verification`, never raises because of the file.
"""

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from io import BytesIO
from typing import Any, cast

from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.crypt import AuthStatus
from pyhanko.pdf_utils.decode_limits import DecodePurpose
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.errors import NoDSSFoundError
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature

from loket.documents.certificates import (
    CertificateError,
    CertificateInput,
    read_certificate,
    read_crl,
    read_ocsp,
)
from loket.documents.signature_checks import (
    Checker,
    Evidence,
    check_document_timestamp,
    check_signature,
    proven_document_time,
)
from loket.documents.trust import configured_tsa_roots
from loket.documents.verdicts import Verdict
from loket.documents.verification import (
    ProvenTime,
    RevocationSource,
    TimeSource,
    Verification,
)

__all__ = [
    "CertificateError",
    "CertificateInput",
    "ProvenTime",
    "RevocationSource",
    "TimeSource",
    "Verification",
    "read_certificate",
    "read_crl",
    "verification_options",
    "verify_pdf",
]

# pyHanko logs every failed check with a traceback; the verdict already carries the reason.
logging.getLogger("pyhanko").addHandler(logging.NullHandler())
logging.getLogger("pyhanko").propagate = False
# Error texts from the libraries can quote whole structures; a reason stays readable.
MAX_REASON = 200
ENCRYPTED = "the PDF is encrypted: it cannot be read without its password or decryption key"


@dataclass(frozen=True)
class _Options:
    at: datetime | None = None
    tsa_roots: tuple[asn1_x509.Certificate, ...] | None = None


_NO_OPTIONS = _Options()
_OPTIONS: ContextVar[_Options | None] = ContextVar("loket_verify_options", default=None)


@contextmanager
def verification_options(
    *, at: datetime | None = None, tsa_roots: Sequence[CertificateInput] | None = None
) -> Iterator[None]:
    """Within the block, `verify_pdf` calls that do not say otherwise judge at `at` and trust
    timestamps under `tsa_roots`; lets `loket documents verify --at/--tsa-root` reach the
    check through callers that do not pass them on."""
    roots = tuple(read_certificate(root) for root in tsa_roots) if tsa_roots is not None else None
    token = _OPTIONS.set(_Options(at, roots))
    try:
        yield
    finally:
        _OPTIONS.reset(token)


def verify_pdf(
    data: bytes,
    trust_roots: Sequence[CertificateInput],
    *,
    crls: Sequence[bytes | asn1_crl.CertificateList] = (),
    ocsps: Sequence[bytes | asn1_ocsp.OCSPResponse] = (),
    at: datetime | None = None,
    tsa_roots: Sequence[CertificateInput] | None = None,
) -> Verification:
    """Check every signature of `data`; only the given roots are trusted.

    A signature is accepted when its bytes are intact, it covers its revision, later updates
    only fill forms or add validation data or timestamps, the signer chains to a given root,
    was valid at the validation time and revocation evidence shows it was not revoked then.
    The validation time is `at` when given; else the time proven by a timestamp from an
    authority under `tsa_roots` (default LOKET_TSA_ROOTS); else now.

    Raises `CertificateError` only for unreadable roots, CRLs or OCSP responses the caller
    passed (or `TrustRootError` for a bad LOKET_TSA_ROOTS), never because of `data`."""
    options = _OPTIONS.get() or _NO_OPTIONS
    moment = at if at is not None else options.at
    if moment is not None and moment.utcoffset() is None:
        moment = moment.replace(tzinfo=UTC)
    checker = Checker(
        roots=tuple(read_certificate(root) for root in trust_roots),
        tsa_roots=_tsa_roots(tsa_roots, options),
        embedded=Evidence(),
        local=Evidence(tuple(read_crl(c) for c in crls), tuple(read_ocsp(o) for o in ocsps)),
        requested=moment,
        now=datetime.now(UTC),
    )
    try:
        return _verify(data, checker)
    except Exception as error:  # noqa: BLE001 - the last net: a file never makes a traceback
        return Verification(Verdict.INVALID_FILE, problems=(f"the PDF cannot be checked: "
                                                            f"{_reason(error)}",))  # fmt: skip


def _tsa_roots(
    given: Sequence[CertificateInput] | None, options: _Options
) -> tuple[asn1_x509.Certificate, ...]:
    if given is not None:
        return tuple(read_certificate(root) for root in given)
    if options.tsa_roots is not None:
        return options.tsa_roots
    return tuple(configured_tsa_roots())


def _verify(data: bytes, checker: Checker) -> Verification:
    if b"%PDF-" not in data[:1024]:
        return Verification(Verdict.INVALID_FILE, problems=("the file does not start as a PDF",))
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        if reader.encrypted and not _opens_without_password(reader):
            return Verification(Verdict.INVALID_FILE, problems=(ENCRYPTED,))
        fields = list(enumerate_sig_fields(reader, filled_status=True))
    except Exception as error:  # noqa: BLE001 - any parser failure means the same to a clerk
        return Verification(Verdict.INVALID_FILE,
                            problems=(f"the PDF cannot be read: {_reason(error)}",))  # fmt: skip
    signatures, unreadable = _signatures(reader, fields)
    if not signatures and not unreadable:
        return Verification(Verdict.UNSIGNED, problems=("the PDF carries no signature",))
    embedded, notes = _embedded_evidence(reader)
    checker = replace(checker, embedded=embedded)
    stamps = _document_timestamps(signatures, checker)
    timed = [(sig, result) for _, sig, result in stamps]
    results: list[tuple[str | None, Verification]] = [
        (name, _guarded(sig, lambda s: check_signature(s, checker, proven_document_time(s, timed))))
        for name, sig, kind in signatures
        if kind != "/DocTimeStamp"
    ]
    results.extend(unreadable)
    if not results:
        only = "the PDF carries only document timestamps, which prove when, not who signed"
        results.append((None, Verification(Verdict.UNSIGNED, problems=(only,))))
    results.extend((name, result) for name, _, result in stamps)  # signatures' details first
    worst = max((result for _, result in results), key=lambda result: result.verdict.severity)
    problems = tuple(
        problem if len(results) == 1 or name is None else f"{name}: {problem}"
        for name, result in results
        for problem in result.problems
    )
    count = len(signatures) + len(unreadable)
    return replace(worst, signature_count=count, problems=problems + notes)


def _document_timestamps(
    signatures: list[tuple[str, EmbeddedPdfSignature, str]], checker: Checker
) -> list[tuple[str, EmbeddedPdfSignature, Verification]]:
    """Each document timestamp, newest first judged now (or at the time asked for), each
    older one at the time the next one proves: the PAdES-LTA chain."""
    moment = checker.requested or checker.now
    checked = []
    for name, sig, kind in reversed(signatures):
        if kind != "/DocTimeStamp":
            continue
        result = _guarded(sig, lambda s, at=moment: check_document_timestamp(s, checker, at))
        if result.verdict == Verdict.ACCEPTED and result.timestamp_time is not None:
            moment = result.timestamp_time
        checked.append((name, sig, result))
    return checked[::-1]


def _opens_without_password(reader: PdfFileReader) -> bool:
    """Encrypted with an empty user password (owner restrictions only): readable as is."""
    try:
        return reader.decrypt(b"").status != AuthStatus.FAILED
    except Exception:  # noqa: BLE001 - any failure means the same: a password or key is needed
        return False


def _signatures(
    reader: PdfFileReader, fields: list[Any]
) -> tuple[list[tuple[str, EmbeddedPdfSignature, str]], list[tuple[str | None, Verification]]]:
    """The filled signature fields in signing order, with their kind (/Sig, /DocTimeStamp);
    and a verdict for each one whose signature data cannot even be read."""
    readable: list[tuple[str, EmbeddedPdfSignature, str]] = []
    unreadable: list[tuple[str | None, Verification]] = []
    for name, _, field in fields:
        try:
            sig = EmbeddedPdfSignature(reader, field, name)
            readable.append((str(name), sig, str(sig.sig_object_type)))
        except Exception as error:  # noqa: BLE001 - the CMS data is garbage in many ways
            problem = f"the signature's data is not a readable CMS signature: {_reason(error)}"
            unreadable.append((str(name), Verification(Verdict.BROKEN, problems=(problem,))))
    readable.sort(key=lambda entry: entry[1].signed_revision)
    return readable, unreadable


def _guarded(sig: EmbeddedPdfSignature, check: Any) -> Verification:
    """`check(sig)`, with a failure to read or check the signature as the verdict it means."""
    try:
        return cast(Verification, check(sig))
    except PdfError as error:
        return Verification(Verdict.INVALID_FILE, problems=(
            f"the signature's structure in the PDF cannot be read: {_reason(error)}",))  # fmt: skip
    except Exception as error:  # noqa: BLE001 - pyHanko, certvalidator and asn1crypto raise many kinds
        return Verification(Verdict.BROKEN, problems=(
            f"the signature cannot be what it claims: {_reason(error)}",))  # fmt: skip


def _reason(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= MAX_REASON else text[: MAX_REASON - 1] + "…"


def _embedded_evidence(reader: PdfFileReader) -> tuple[Evidence, tuple[str, ...]]:
    """The DSS's CRLs, OCSP responses and certificates; unreadable ones are left out and said."""
    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        return Evidence(), ()
    except Exception as error:  # noqa: BLE001 - a broken DSS is no evidence, not a crash
        return Evidence(), (f"the PDF's validation data (DSS) cannot be read: {_reason(error)}",)
    notes: list[str] = []
    crls = []
    for ref in dss.crls:
        try:
            crls.append(read_crl(_stream(ref, DecodePurpose.CRL)))
        except Exception:  # noqa: BLE001 - see the note
            notes.append("a CRL in the PDF's validation data (DSS) cannot be read; ignored")
    ocsps = []
    for ref in dss.ocsps:
        try:
            ocsps.append(read_ocsp(_stream(ref, DecodePurpose.OCSP_RESPONSE)))
        except Exception:  # noqa: BLE001 - see the note
            notes.append("an OCSP response in the PDF's validation data (DSS) cannot be read; "
                         "ignored")  # fmt: skip
    try:
        certs = tuple(_readable_certs(dss.load_certs()))
    except Exception:  # noqa: BLE001 - see the note
        certs = ()
        notes.append("the certificates in the PDF's validation data (DSS) cannot be read; ignored")
    return Evidence(tuple(crls), tuple(ocsps), certs), tuple(notes)


def _readable_certs(certs: Any) -> Iterator[asn1_x509.Certificate]:
    for cert in certs:
        cert.native  # noqa: B018 - asn1crypto parses lazily; force it so bad input fails here
        yield cert


def _stream(ref: Any, purpose: DecodePurpose) -> bytes:
    return cast(bytes, ref.get_object().read_data(purpose))
