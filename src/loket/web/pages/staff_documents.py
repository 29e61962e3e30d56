"""The documents of a dossier on the staff dossier page: the list with each PDF's verdict in
the reader's language, and reading the upload form, which carries one file."""

import secrets
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from fastapi import Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from loket.documents.model import STAFF_CHANNELS, Document
from loket.documents.sniff import MAX_UPLOAD_BYTES
from loket.documents.storage import dossier_documents
from loket.documents.verdicts import Verdict
from loket.texts import N_
from loket.web.pages.forms import MAX_FIELD_BYTES, MAX_FIELDS, CsrfRejected
from loket.web.pages.rendering import CSRF_COOKIE, CSRF_FIELD

# What a clerk reads next to a document: whether it counts as an original, or why not.
VERDICT_TEXTS = {
    Verdict.ACCEPTED: N_("Accepted as original"),
    Verdict.REVOCATION_UNKNOWN: N_("Not accepted: revocation of the signature was not checked"),
    Verdict.UNTRUSTED: N_("Not accepted: the signer is not trusted"),
    Verdict.BROKEN: N_("Not accepted: the document was changed after signing"),
    Verdict.UNSIGNED: N_("Not signed: needs a look"),
    Verdict.INVALID_FILE: N_("Not accepted: not a readable PDF"),
}
# Images carry no signature: a person looks at them.
NO_VERDICT_TEXT = N_("Image: no signature to check")


@dataclass(frozen=True)
class DocumentLine:
    id: int
    name: str
    uploaded_at: datetime
    uploaded_by: str
    channel: str
    # A text to translate: the verdict, or that an image has none.
    verdict_text: str
    accepted: bool


def verdict_text(document: Document) -> str:
    return VERDICT_TEXTS[Verdict(document.verdict)] if document.verdict else NO_VERDICT_TEXT


def document_lines(session: Session, dossier_id: int) -> list[DocumentLine]:
    """The dossier's documents as the page lists them, oldest first."""
    return [
        DocumentLine(
            id=document.id,
            name=document.original_name,
            uploaded_at=document.uploaded_at,
            uploaded_by=document.uploaded_by,
            channel=document.channel,
            verdict_text=verdict_text(document),
            accepted=document.verdict == Verdict.ACCEPTED,
        )
        for document in dossier_documents(session, dossier_id)
    ]


def upload_channels() -> list[tuple[str, str]]:
    """The channels a clerk chooses from, with their labels to translate."""
    return [(str(channel), channel.label) for channel in STAFF_CHANNELS]


async def checked_upload_form(request: Request) -> FormData:
    """The posted upload form, after the same CSRF and origin checks as every other form.

    Unlike `loket.web.pages.forms.checked_form` it takes one file; the file's size is checked
    when it is read (`read_file`), not here."""
    origin = request.headers.get("origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.headers.get("host"):
        raise CsrfRejected()
    form = await request.form(max_files=1, max_fields=MAX_FIELDS, max_part_size=MAX_FIELD_BYTES)
    sent = form.get(CSRF_FIELD)
    expected = request.cookies.get(CSRF_COOKIE)
    if not isinstance(sent, str) or not expected or not secrets.compare_digest(sent, expected):
        raise CsrfRejected()
    return form


def read_file(form: FormData, name: str) -> tuple[bytes, str] | None:
    """The bytes (at most one past the upload limit, enough to refuse it) and the file name
    of the file field `name`; None when no file was chosen."""
    value = form.get(name)
    if not isinstance(value, UploadFile) or (not value.filename and not value.size):
        return None
    return value.file.read(MAX_UPLOAD_BYTES + 1), value.filename or ""
