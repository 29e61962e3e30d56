"""Reading a posted upload form, for the staff dossier page and the citizen's request page
alike: the usual CSRF and origin checks, and one file read only up to the upload limit."""

from fastapi import Request
from starlette.datastructures import FormData, UploadFile

from loket.documents.sniff import MAX_UPLOAD_BYTES
from loket.web.pages.forms import checked_form_with_files


async def checked_upload_form(request: Request) -> FormData:
    """The posted upload form, after the same CSRF and origin checks as every other form.

    Unlike `loket.web.pages.forms.checked_form` it takes one file; the file's size is checked
    when it is read (`read_file`), not here."""
    return await checked_form_with_files(request, max_files=1)


def read_file(form: FormData, name: str) -> tuple[bytes, str] | None:
    """The bytes (at most one past the upload limit, enough to refuse it) and the file name
    of the file field `name`; None when no file was chosen."""
    value = form.get(name)
    if not isinstance(value, UploadFile) or (not value.filename and not value.size):
        return None
    return value.file.read(MAX_UPLOAD_BYTES + 1), value.filename or ""
