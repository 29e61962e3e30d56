"""Reading a posted upload form, for the staff dossier page and the citizen's request page
alike: the usual CSRF and origin checks, and one file read only up to the upload limit."""

import secrets
from urllib.parse import urlsplit

from fastapi import Request
from starlette.datastructures import FormData, UploadFile

from loket.documents.sniff import MAX_UPLOAD_BYTES
from loket.web.pages.forms import MAX_FIELD_BYTES, MAX_FIELDS, CsrfRejected
from loket.web.pages.rendering import CSRF_COOKIE, CSRF_FIELD


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
