"""Storing an upload: check its size and real type, keep its bytes once, record who brought it.

`store_upload` is the one way a document enters loket, from the citizen pages and the counter;
`store_and_verify` adds the signature check of a PDF and keeps its verdict with the document.
"""

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path, PurePath
from typing import TypeVar

from asn1crypto import x509 as asn1_x509
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from loket.applications.model import RequestDraft
from loket.cases.model import Dossier
from loket.contact.choices import Channel
from loket.documents.attestations import verify_presented
from loket.documents.blob_cleanup import track_new_blob
from loket.documents.blobs import BlobStore, DiskBlobStore
from loket.documents.model import (
    ORIGINAL_NAME_MAX_LENGTH,
    STAFF_CHANNELS,
    UPLOAD_CHANNELS,
    UPLOADER_MAX_LENGTH,
    Document,
    UploaderKind,
)
from loket.documents.sniff import MAX_UPLOAD_BYTES, accepted_media_type, check_size
from loket.documents.trust import configured_trust_roots
from loket.settings import get_settings

_EXTENSION = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}
_WHITESPACE = re.compile(r"\s+")
_Choice = TypeVar("_Choice", bound=UploaderKind)


class UnknownDocument(LookupError):
    def __init__(self, document_id: int) -> None:
        super().__init__(f"there is no document with id {document_id}")
        self.document_id = document_id


class DocumentDamaged(RuntimeError):
    """The stored bytes no longer hash to what was recorded: never hand them out as original."""

    def __init__(self, document: Document) -> None:
        super().__init__(
            f"document {document.id}: the stored bytes do not match SHA-256 {document.sha256}"
        )


def default_blob_store() -> DiskBlobStore:
    """The disk store under LOKET_DOCUMENTS_DIR (`./var/documents` by default)."""
    return DiskBlobStore(Path(get_settings().documents_dir))


def clean_original_name(name: str, media_type: str) -> str:
    """The name to show back: without folders (some browsers send a full Windows path), control
    characters or runs of spaces, at most 200 characters with the extension kept; a name made
    up from the type when nothing is left."""
    base = PurePath(name.replace("\\", "/")).name
    printable = "".join(c for c in base if unicodedata.category(c)[0] != "C")
    cleaned = _WHITESPACE.sub(" ", printable).strip()
    if not cleaned:
        return "document" + _EXTENSION.get(media_type, "")
    if len(cleaned) <= ORIGINAL_NAME_MAX_LENGTH:
        return cleaned
    suffix = PurePath(cleaned).suffix
    if len(suffix) > 10:  # not an extension, just a dot somewhere in a long name
        suffix = ""
    return cleaned[: ORIGINAL_NAME_MAX_LENGTH - len(suffix)].rstrip() + suffix


def _checked_uploader(uploaded_by: str) -> str:
    uploader = uploaded_by.strip()
    if not uploader or len(uploader) > UPLOADER_MAX_LENGTH:
        raise ValueError(
            f"uploaded_by must be a staff username or citizen id of 1 to {UPLOADER_MAX_LENGTH}"
            f" characters, got {uploaded_by!r}"
        )
    return uploader


def _choice(parameter: str, value: str, choices: type[_Choice]) -> _Choice:
    try:
        return choices(value)
    except ValueError:
        allowed = ", ".join(str(choice) for choice in choices)
        raise ValueError(f"{parameter} must be one of {allowed}, got {value!r}") from None


def store_upload(
    session: Session,
    blobs: BlobStore,
    data: bytes,
    *,
    name: str,
    uploaded_by: str,
    uploader_kind: str,
    channel: str,
    dossier_id: int | None = None,
    request_id: int | None = None,
    at: datetime | None = None,
    max_bytes: int = MAX_UPLOAD_BYTES,
) -> Document:
    """Keep an upload and record it; `UploadRefused` for a file too large or of another type.

    A file is accepted only when its bytes are a PDF, PNG or JPEG, whatever it is called, and
    only up to `max_bytes`. The size is checked before anything else is read. The row is added
    to `session` (the caller commits); if that transaction is rolled back, the blob is removed
    again unless another document names the same bytes (see `loket.documents.blob_cleanup`)."""
    check_size(len(data), max_bytes)
    media_type = accepted_media_type(data, name)
    uploader = _checked_uploader(uploaded_by)
    kind = _choice("uploader_kind", uploader_kind, UploaderKind)
    if channel not in UPLOAD_CHANNELS:
        allowed = ", ".join(str(choice) for choice in UPLOAD_CHANNELS)
        raise ValueError(f"channel must be one of {allowed}, got {channel!r}")
    how = Channel(channel)
    # Staff record how the citizen brought the document in; "online" is the citizen's own.
    if kind == UploaderKind.STAFF and how not in STAFF_CHANNELS:
        allowed = ", ".join(str(choice) for choice in STAFF_CHANNELS)
        raise ValueError(f"channel must be one of {allowed} for staff, got {channel!r}")
    if dossier_id is not None and session.get(Dossier, dossier_id) is None:
        raise ValueError(f"dossier_id {dossier_id}: there is no such dossier")
    if request_id is not None and session.get(RequestDraft, request_id) is None:
        raise ValueError(f"request_id {request_id}: there is no such request")
    sha256 = blobs.put(data)
    track_new_blob(session, blobs, sha256, data)
    document = Document(
        sha256=sha256,
        size_bytes=len(data),
        media_type=media_type,
        original_name=clean_original_name(name, media_type),
        uploaded_by=uploader,
        uploader_kind=str(kind),
        channel=str(how),
        dossier_id=dossier_id,
        request_id=request_id,
        uploaded_at=at or datetime.now(),
    )
    session.add(document)
    session.flush()
    return document


def store_and_verify(
    session: Session,
    blobs: BlobStore,
    data: bytes,
    *,
    name: str,
    uploaded_by: str,
    uploader_kind: str,
    channel: str,
    dossier_id: int | None = None,
    request_id: int | None = None,
    at: datetime | None = None,
    max_bytes: int = MAX_UPLOAD_BYTES,
    trust_roots: Sequence[asn1_x509.Certificate] | None = None,
) -> Document:
    """`store_upload`, then for a PDF the signature check, whose verdict and details are kept
    with the document; images get no verdict.

    A PDF counts as an original only with the verdict `accepted`: every signature intact,
    chaining to one of `trust_roots` (default: LOKET_TRUST_ROOTS) or to loket's own issuing
    root, and shown not revoked; an attestation loket issued must also match its record.
    The roots are read before anything is stored, so a misconfigured root refuses the upload
    instead of leaving a document that was never checked."""
    roots = configured_trust_roots() if trust_roots is None else list(trust_roots)
    document = store_upload(
        session,
        blobs,
        data,
        name=name,
        uploaded_by=uploaded_by,
        uploader_kind=uploader_kind,
        channel=channel,
        dossier_id=dossier_id,
        request_id=request_id,
        at=at,
        max_bytes=max_bytes,
    )
    if document.media_type == "application/pdf":
        # loket's own attestations, uploaded back, are checked against its records as well.
        result = verify_presented(data, list(roots), session=session)
        document.verdict = str(result.verdict)
        document.verdict_details = result.as_json()
        session.flush()
    return document


def dossier_documents(
    session: Session, dossier_id: int, *, with_requests: bool = False
) -> list[Document]:
    """The documents kept with a dossier, oldest first, as they reached it; `with_requests`
    adds those the citizen sent with a request that became this dossier."""
    kept_here = Document.dossier_id == dossier_id
    if with_requests:
        requests = select(RequestDraft.id).where(RequestDraft.dossier_id == dossier_id)
        kept_here = or_(kept_here, Document.request_id.in_(requests))
    query = select(Document).where(kept_here).order_by(Document.uploaded_at, Document.id)
    return list(session.scalars(query))


def request_documents(session: Session, request_id: int) -> list[Document]:
    """The documents sent with a request, oldest first."""
    query = (
        select(Document)
        .where(Document.request_id == request_id)
        .order_by(Document.uploaded_at, Document.id)
    )
    return list(session.scalars(query))


def document_bytes(session: Session, blobs: BlobStore, document_id: int) -> bytes:
    """The bytes of a document, checked against the SHA-256 recorded when it was uploaded."""
    document = session.get(Document, document_id)
    if document is None:
        raise UnknownDocument(document_id)
    data = blobs.get(document.sha256)
    if hashlib.sha256(data).hexdigest() != document.sha256:
        raise DocumentDamaged(document)
    return data
