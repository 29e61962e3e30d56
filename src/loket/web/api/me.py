"""The citizen's own view of who consulted their data, and flagging an entry.

Citizen login (eID / itsme) is not built yet; in demo mode (LOKET_DEMO_MODE=true) the header
`X-Demo-Citizen: <INSZ>` stands in for it. Outside demo mode these routes answer 401.
"""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path

from loket.exchange.transparency import (
    TransparencyError,
    UnknownEntry,
    citizen_access_log,
    flag_entry,
)
from loket.people.identifiers import InvalidInsz, validate_insz
from loket.people.service import PeopleError
from loket.settings import get_settings
from loket.web.api.errors import api_error, responses
from loket.web.api.exchange_schemas import CitizenLogLine, FlagOut, FlagRequest
from loket.web.api.schemas import MAX_ID
from loket.web.db import SessionDep

router = APIRouter(tags=["me"])


def current_citizen(
    x_demo_citizen: Annotated[
        str | None, Header(max_length=15, description="Demo mode only: the citizen's INSZ.")
    ] = None,
) -> str:
    """The INSZ of the citizen calling; 401 without a citizen session."""
    if not get_settings().demo_mode or x_demo_citizen is None:
        raise api_error(401, "no-citizen-session", "log in as a citizen first")
    try:
        return validate_insz(x_demo_citizen)[0]
    except InvalidInsz:
        raise api_error(401, "no-citizen-session", "the citizen session is not valid") from None


CitizenDep = Annotated[str, Depends(current_citizen)]


@router.get(
    "/me/access-log", response_model=list[CitizenLogLine], responses=responses(401, 404, 422)
)
def read_my_access_log(
    session: SessionDep, insz: CitizenDep, language: str = "en"
) -> list[CitizenLogLine]:
    """Who consulted your data, when, for what purpose and on which legal basis."""
    if language not in ("nl", "fr", "de", "en"):
        raise api_error(422, "invalid-parameter", "is not one of nl, fr, de, en", "language")
    try:
        lines = citizen_access_log(session, insz, date.today(), language)
    except PeopleError as error:
        raise api_error(404, "unknown-citizen", str(error), "insz") from None
    return [CitizenLogLine.model_validate(line.as_json()) for line in lines]


@router.post(
    "/me/access-log/{seq}/flag",
    response_model=FlagOut,
    status_code=201,
    responses=responses(400, 401, 404, 422),
)
def flag_my_entry(
    session: SessionDep,
    insz: CitizenDep,
    seq: Annotated[int, Path(ge=1, le=MAX_ID)],
    request: FlagRequest,
) -> FlagOut:
    """Tell the privacy officer you do not recognise this consultation."""
    try:
        flag = flag_entry(session, insz, seq, request.comment)
    except UnknownEntry as error:
        raise api_error(404, "unknown-entry", str(error), "seq") from None
    except PeopleError as error:
        raise api_error(404, "unknown-citizen", str(error), "insz") from None
    except TransparencyError as error:
        raise api_error(422, "invalid-parameter", str(error), "comment") from None
    return FlagOut(id=flag.id, seq=flag.entry_seq, status=flag.status)
