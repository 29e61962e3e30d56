"""Pages for some staff only: the signed-in member of staff when a capability's own rule lets
them in, or else the 403 page saying in the reader's language whom the page is for."""

from collections.abc import Callable

from fastapi import Request
from fastapi.responses import Response

from loket.cases.model import StaffUser
from loket.web.pages.rendering import gettext_for
from loket.web.pages.staff import forbidden, require_staff
from loket.web.pages.viewer import Viewer


def staff_let_in(
    request: Request,
    viewer: Viewer,
    rule: Callable[[StaffUser], bool],
    title: str,
    message: str,
) -> StaffUser | Response:
    """The member of staff `rule` lets in; 401 for a stranger; for staff it keeps out, 403 with
    `title` and `message` (texts marked with N_, translated here)."""
    staff = require_staff(viewer)
    if rule(staff):
        return staff
    _ = gettext_for(request)
    return forbidden(request, _(title), _(message))
