"""The Documents section of a citizen's own request page: what they sent with the request, each
PDF's check in plain words, and storing a new upload as the citizen's own online upload."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from loket.applications.model import RequestDraft
from loket.contact.choices import Channel
from loket.documents.model import Document, UploaderKind
from loket.documents.sniff import UploadRefused
from loket.documents.storage import (
    clean_original_name,
    default_blob_store,
    request_documents,
    store_and_verify,
)
from loket.documents.verdicts import Verdict
from loket.texts import N_
from loket.web.pages.uploads import read_file
from loket.web.pages.viewer import Viewer

# What a citizen reads next to a document they sent: whether it counts as an original, or why
# not and what happens next, without the words staff use.
CITIZEN_VERDICT_TEXTS = {
    Verdict.ACCEPTED: N_("Accepted as original"),
    Verdict.REVOCATION_UNKNOWN: N_(
        "We could not check that the signature is still valid: a staff member will look at it"
    ),
    Verdict.UNTRUSTED: N_("We could not confirm who signed it"),
    Verdict.BROKEN: N_("The signature is broken: the file was changed after signing"),
    Verdict.UNSIGNED: N_("Not signed: a staff member will look at it"),
    Verdict.INVALID_FILE: N_("This is not a PDF we can read"),
}
# A photo or scan carries no signature to check.
CITIZEN_NO_VERDICT_TEXT = N_("A photo or scan: a staff member will look at it")


@dataclass(frozen=True)
class SentDocument:
    id: int
    name: str
    uploaded_at: datetime
    # A text to translate: the verdict in plain words.
    verdict_text: str
    accepted: bool


def citizen_verdict_text(document: Document) -> str:
    if document.verdict is None:
        return CITIZEN_NO_VERDICT_TEXT
    return CITIZEN_VERDICT_TEXTS[Verdict(document.verdict)]


def may_send_documents(viewer: Viewer, draft: RequestDraft) -> bool:
    """Only the citizen the request is for, signed in themself, or a proxy whose mandate lets
    them make requests for that citizen; not a newcomer without an account, and not a clerk,
    who keeps documents with the dossier on the staff pages."""
    if viewer.citizen is None or viewer.subject is None or not viewer.may("request"):
        return False
    return draft.citizen_id is not None and draft.citizen_id == viewer.subject.id


def documents_section(
    session: Session, viewer: Viewer, draft: RequestDraft, uploaded: str = ""
) -> dict[str, Any]:
    """What the request page needs for its Documents section; nothing when the viewer may not
    send documents for this request."""
    if not may_send_documents(viewer, draft):
        return {"show_documents": False}
    sent = [
        SentDocument(
            id=document.id,
            name=document.original_name,
            uploaded_at=document.uploaded_at,
            verdict_text=citizen_verdict_text(document),
            accepted=document.verdict == Verdict.ACCEPTED,
        )
        for document in request_documents(session, draft.id)
    ]
    return {"show_documents": True, "documents": sent, "uploaded": uploaded}


def store_citizen_upload(
    session: Session, viewer: Viewer, draft: RequestDraft, form: FormData, _: Callable[[str], str]
) -> Document | dict[str, str]:
    """Keep the posted file with the request as the citizen's own online upload, with its
    signature checked; or the error to show, naming the file and why it was refused."""
    upload = read_file(form, "file")
    if upload is None:
        return {"file": _("Choose the file to upload.")}
    assert viewer.citizen is not None
    data, name = upload
    try:
        return store_and_verify(
            session,
            default_blob_store(),
            data,
            name=name,
            uploaded_by=str(viewer.citizen.id),
            uploader_kind=str(UploaderKind.CITIZEN),
            channel=str(Channel.ONLINE),
            request_id=draft.id,
        )
    except UploadRefused as error:
        message = _("We could not keep %(name)s. %(reason)s")
        # Shown as the document list would show it: no folders, no control characters.
        shown = clean_original_name(name, "")
        return {"file": message % {"name": shown, "reason": error.text(_)}}
