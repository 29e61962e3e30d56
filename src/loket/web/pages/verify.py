"""`/verify/{reference}`: anyone holding an attestation loket issued can see whether it is still
valid, and upload the PDF they were given to learn whether it is exactly the issued one."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response

from loket.cases.model import Agency
from loket.documents.attestation_model import Attestation, AttestationKind
from loket.documents.attestation_status import attestation_status
from loket.documents.attestations import find_attestation, is_exactly_issued
from loket.documents.sniff import MAX_UPLOAD_BYTES
from loket.web.db import SessionDep
from loket.web.pages.rendering import language_of, render
from loket.web.pages.uploads import checked_upload_form, read_file
from loket.web.pages.viewer import ViewerDep

router = APIRouter(include_in_schema=False)
FILE_FIELD = "document"


def _known(session: SessionDep, reference: str) -> Attestation:
    record = find_attestation(session, reference)
    if record is None:
        raise HTTPException(status_code=404)
    return record


def _context(request: Request, session: SessionDep, record: Attestation) -> dict[str, Any]:
    """Only what the reference's holder may learn: kind, agency, dates, revocation reason;
    never the citizen, the dossier or the office."""
    agency = session.get_one(Agency, record.agency_code)
    language = language_of(request)
    # Revoked by the agency, or voided because the key that signed it was revoked.
    status = attestation_status(record, language)
    return {
        "reference": record.reference,
        "kind": AttestationKind(record.kind).label,
        "agency": getattr(agency, f"name_{language}"),
        "issued_on": record.issued_at.date(),
        "revoked_on": status.revoked_on.date() if status.revoked_on else None,
        "revoked_reason": status.reason,
    }


@router.get("/verify/{reference}")
def show(request: Request, session: SessionDep, viewer: ViewerDep, reference: str) -> Response:
    record = _known(session, reference)
    return render(request, "verify.html", _context(request, session, record))


async def _presented_file(request: Request) -> bytes | None:
    """The uploaded PDF after the same CSRF checks as every other upload form."""
    found = read_file(await checked_upload_form(request), FILE_FIELD)
    if found is None:
        return None
    data = found[0]
    return data if 0 < len(data) <= MAX_UPLOAD_BYTES else None


PresentedDep = Annotated[bytes | None, Depends(_presented_file)]


@router.post("/verify/{reference}")
def compare(
    request: Request, session: SessionDep, viewer: ViewerDep, data: PresentedDep, reference: str
) -> Response:
    record = _known(session, reference)
    context = _context(request, session, record)
    if data is None:
        context["missing_file"] = True
        return render(request, "verify.html", context, status=400)
    context["exact"] = is_exactly_issued(session, record.reference, data)
    return render(request, "verify.html", context)
