"""Who is calling: the staff user behind a bearer token made by `loket user add`."""

from typing import Annotated

from fastapi import Depends, HTTPException
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from loket.cases.model import StaffUser
from loket.cases.staff import InvalidToken, authenticate
from loket.web.api.errors import api_error
from loket.web.db import SessionDep

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="staffToken",
    description="The API token printed once by `loket user add` (`<id>.<secret>`).",
)


def unauthorized(message: str) -> HTTPException:
    return api_error(401, "invalid-token", message, headers={"WWW-Authenticate": "Bearer"})


def current_staff(
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> StaffUser:
    """The authenticated staff user; 401 for a missing, unknown or wrong token, all alike."""
    if credentials is None:
        raise unauthorized(str(InvalidToken()))
    try:
        return authenticate(session, credentials.credentials)
    except InvalidToken as error:
        raise unauthorized(str(error)) from None


StaffDep = Annotated[StaffUser, Depends(current_staff)]
