"""Reading submitted forms: size limits and the CSRF check, in one dependency."""

import secrets
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, HTTPException, Request
from starlette.datastructures import FormData

from loket.web.pages.rendering import CSRF_COOKIE, CSRF_FIELD

MAX_FIELDS = 200
MAX_FIELD_BYTES = 64 * 1024


class CsrfRejected(HTTPException):
    def __init__(self) -> None:
        super().__init__(status_code=403, detail="csrf")


async def checked_form(request: Request) -> FormData:
    """The posted fields, after checking that the form came from one of our pages.

    The hidden `csrf_token` field must equal this browser's `loket_csrf` cookie, which another
    site can neither read nor set; an `Origin` header, when the browser sends one, must be ours.
    No files are accepted here.
    """
    return await checked_form_with_files(request, max_files=0)


async def checked_form_with_files(request: Request, *, max_files: int) -> FormData:
    """`checked_form`, taking up to `max_files` files (upload forms)."""
    origin = request.headers.get("origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.headers.get("host"):
        raise CsrfRejected()
    form = await request.form(
        max_files=max_files, max_fields=MAX_FIELDS, max_part_size=MAX_FIELD_BYTES
    )
    sent = form.get(CSRF_FIELD)
    expected = request.cookies.get(CSRF_COOKIE)
    if not isinstance(sent, str) or not expected or not secrets.compare_digest(sent, expected):
        raise CsrfRejected()
    return form


FormDep = Annotated[FormData, Depends(checked_form)]


def field(form: FormData, name: str, limit: int = 2000) -> str:
    """A text field, stripped and cut to `limit` characters; "" when absent."""
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""
