"""`/api/v1/dossiers/{reference}/documents`: staff store a document with a dossier and read
back each document's signature verdict, for the dossiers they may see."""

import logging
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Path, UploadFile
from pydantic import BaseModel, Field

from loket.cases.access import visible_dossiers
from loket.cases.dossiers import UnknownDossier
from loket.cases.model import Dossier as DossierRow
from loket.cases.model import StaffUser
from loket.documents.model import STAFF_CHANNELS, Document, UploaderKind
from loket.documents.sniff import MAX_UPLOAD_BYTES, UploadRefused, check_size
from loket.documents.storage import default_blob_store, dossier_documents, store_and_verify
from loket.documents.trust import TrustRootError
from loket.documents.verdicts import Verdict
from loket.web.api.errors import api_error, responses
from loket.web.api.schemas import ErrorBody, LocalTimestamp
from loket.web.auth import StaffDep
from loket.web.db import SessionDep

router = APIRouter(tags=["documents"])
log = logging.getLogger(__name__)

Reference = Annotated[str, Path(max_length=40, examples=["OCMW-11002-2026-000001"])]


class StoredDocument(BaseModel):
    id: int
    name: str = Field(description="The file name as uploaded, cleaned for display.")
    media_type: str = Field(description="Told from the bytes: application/pdf, image/png or …")
    size_bytes: int
    sha256: str
    channel: str = Field(description="counter or assisted for staff; online for citizens.")
    uploaded_by: str
    uploaded_at: LocalTimestamp
    verdict: str | None = Field(
        description="For a PDF: accepted, revocation-unknown, untrusted, broken, unsigned or "
        "invalid-file. None for an image."
    )
    label: str | None = Field(description="The verdict in plain English for a clerk.")
    verdict_details: dict[str, Any] | None = Field(
        description="Signer, signing time, revocation evidence and problems found."
    )


def _answer(document: Document) -> StoredDocument:
    return StoredDocument(
        id=document.id,
        name=document.original_name,
        media_type=document.media_type,
        size_bytes=document.size_bytes,
        sha256=document.sha256,
        channel=document.channel,
        uploaded_by=document.uploaded_by,
        uploaded_at=document.uploaded_at,
        verdict=document.verdict,
        label=Verdict(document.verdict).label if document.verdict else None,
        verdict_details=document.verdict_details,
    )


def _visible(session: SessionDep, user: StaffUser, reference: str) -> DossierRow:
    dossier = session.scalar(visible_dossiers(user).where(DossierRow.reference == reference))
    if dossier is None:
        raise api_error(404, "unknown-dossier", str(UnknownDossier(reference)), "reference")
    return dossier


@router.get(
    "/dossiers/{reference}/documents",
    response_model=list[StoredDocument],
    responses=responses(401, 404, 422),
)
def list_documents(
    session: SessionDep, user: StaffDep, reference: Reference
) -> list[StoredDocument]:
    """The documents kept with the dossier, oldest first; 404 for a dossier not yours to see."""
    dossier = _visible(session, user, reference)
    return [_answer(document) for document in dossier_documents(session, dossier.id)]


@router.post(
    "/dossiers/{reference}/documents",
    response_model=StoredDocument,
    status_code=201,
    responses={
        **responses(400, 401, 404, 413, 422),
        503: {"model": ErrorBody, "description": "The trust roots cannot be read."},
    },
)
def upload_document(
    session: SessionDep,
    user: StaffDep,
    reference: Reference,
    file: Annotated[UploadFile, File(description="A PDF, PNG or JPEG of at most 10 MB.")],
    channel: Annotated[str, Form(description="counter or assisted-online.")],
) -> StoredDocument:
    """Store a document with the dossier and, for a PDF, check its signatures against the
    configured trust roots. 413 for a file over the limit, 422 for one that is not a PDF, PNG
    or JPEG whatever its name."""
    dossier = _visible(session, user, reference)
    allowed = [str(choice) for choice in STAFF_CHANNELS]
    if channel not in allowed:
        message = f"must be one of {', '.join(allowed)}, got {channel[:40]!r}"
        raise api_error(422, "invalid-parameter", message, "channel")
    # One byte past the limit is enough to know it is too large, without reading it all.
    data = file.file.read(MAX_UPLOAD_BYTES + 1)
    try:
        check_size(len(data))
        document = store_and_verify(
            session,
            default_blob_store(),
            data,
            name=file.filename or "",
            uploaded_by=user.username,
            uploader_kind=str(UploaderKind.STAFF),
            channel=channel,
            dossier_id=dossier.id,
        )
    except UploadRefused as error:
        status = 413 if len(data) > MAX_UPLOAD_BYTES else 422
        code = "file-too-large" if status == 413 else "file-not-accepted"
        raise api_error(status, code, str(error), "file") from None
    except TrustRootError as error:
        log.error("cannot check signed documents: %s", error)
        message = "signed documents cannot be checked: the trust roots are misconfigured"
        raise api_error(503, "trust-roots-unreadable", message) from None
    return _answer(document)
