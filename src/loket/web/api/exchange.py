"""Consultations of another agency's data, and the privacy officer's authorisations, flags,
access-log search and anomaly report.

A refused consultation is answered 403 but still committed: its access-log entry must stay.
"""

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse

from loket.cases.choices import Role
from loket.cases.model import StaffUser
from loket.exchange.anomalies import AnomalyError, anomaly_report
from loket.exchange.authorisations import (
    AuthorisationError,
    UnknownAuthorisation,
    authorisation_as_json,
    grant,
    list_authorisations,
    revoke,
)
from loket.exchange.consult import consult
from loket.exchange.search import MAX_LIMIT, SearchError, search_log
from loket.exchange.transparency import open_flags
from loket.web.api.errors import api_error, responses
from loket.web.api.exchange_schemas import (
    AnomalyOut,
    AuthorisationOut,
    AuthorisationRequest,
    ConsultationRequest,
    DeniedBody,
    LogEntryOut,
    OpenFlag,
    Released,
    RevocationRequest,
)
from loket.web.api.schemas import MAX_ID, LastDay
from loket.web.auth import StaffDep
from loket.web.db import SessionDep

router = APIRouter(tags=["exchange"])

PRIVACY_ROLES = frozenset({Role.PRIVACY_OFFICER, Role.ADMIN})
# The anomaly report without `since` looks this many days back.
ANOMALY_DEFAULT_DAYS = 30

CONSULT_RESPONSES: dict[int | str, dict[str, Any]] = {
    **responses(400, 401, 422),
    403: {"model": DeniedBody, "description": "Refused; `error` is the reason code."},
}


def _privacy_officer(user: StaffUser) -> None:
    if user.role not in PRIVACY_ROLES:
        raise api_error(
            403, "role-not-allowed", "only a privacy officer or an administrator may do this"
        )


def _invalid(error: AuthorisationError) -> Exception:
    parameter = str(error).split(":", 1)[0]
    return api_error(422, "invalid-parameter", str(error), parameter.replace("-", "_"))


@router.post(
    "/consultations",
    response_model=Released,
    responses=CONSULT_RESPONSES,
)
def create_consultation(
    session: SessionDep, user: StaffDep, request: ConsultationRequest
) -> Released | JSONResponse:
    """Consult one data category about a citizen; every attempt is logged, also a refusal."""
    result = consult(
        session, user, request.insz, request.category, request.purpose, request.dossier
    )
    if not result.granted:
        assert result.reason is not None
        detail = {
            "error": result.reason.value,
            "message": result.message,
            "parameter": None,
            "log_seq": result.log_seq,
        }
        # Returned, not raised: raising would roll back the log entry of the refusal.
        return JSONResponse({"detail": detail}, status_code=403)
    return Released(
        granted=True,
        category=result.category,
        purpose=result.purpose,
        authorisation=result.authorisation_id,
        legal_basis=result.legal_basis,
        dossier=result.dossier,
        log_seq=result.log_seq,
        fields=result.fields or {},
    )


@router.get("/authorisations", response_model=list[AuthorisationOut], responses=responses(401, 403))
def read_authorisations(session: SessionDep, user: StaffDep) -> list[AuthorisationOut]:
    _privacy_officer(user)
    return [
        AuthorisationOut.model_validate(authorisation_as_json(a))
        for a in list_authorisations(session)
    ]


@router.post(
    "/authorisations",
    response_model=AuthorisationOut,
    status_code=201,
    responses=responses(400, 401, 403, 422),
)
def create_authorisation(
    session: SessionDep, user: StaffDep, request: AuthorisationRequest
) -> AuthorisationOut:
    """Record an authorisation (privacy officers and administrators)."""
    _privacy_officer(user)
    try:
        authorisation = grant(
            session,
            request.agency,
            request.category,
            request.purpose,
            request.legal_basis,
            request.valid_from,
            request.valid_to,
            requires_open_dossier=request.requires_open_dossier,
            dossier_types=request.dossier_types,
            embargo_days=request.embargo_days,
            legal_reference=request.legal_reference,
            granted_by=user.username,
        )
    except AuthorisationError as error:
        raise _invalid(error) from None
    return AuthorisationOut.model_validate(authorisation_as_json(authorisation))


@router.post(
    "/authorisations/{authorisation_id}/revoke",
    response_model=AuthorisationOut,
    responses=responses(400, 401, 403, 404, 422),
)
def revoke_authorisation(
    session: SessionDep,
    user: StaffDep,
    authorisation_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    request: RevocationRequest,
) -> AuthorisationOut:
    """End an authorisation from a day on (privacy officers and administrators)."""
    _privacy_officer(user)
    try:
        authorisation = revoke(
            session, authorisation_id, request.on or date.today(), user.username, request.reason
        )
    except UnknownAuthorisation as error:
        raise api_error(404, "unknown-authorisation", str(error), "id") from None
    except AuthorisationError as error:
        raise _invalid(error) from None
    return AuthorisationOut.model_validate(authorisation_as_json(authorisation))


@router.get("/privacy/flags", response_model=list[OpenFlag], responses=responses(401, 403))
def read_open_flags(session: SessionDep, user: StaffDep) -> list[OpenFlag]:
    """Access-log entries citizens did not recognise, waiting for the privacy officer."""
    _privacy_officer(user)
    return [OpenFlag.model_validate(flag.as_json()) for flag in open_flags(session)]


@router.get(
    "/privacy/access-log", response_model=list[LogEntryOut], responses=responses(401, 403, 422)
)
def search_access_log(
    session: SessionDep,
    user: StaffDep,
    citizen: Annotated[str | None, Query(max_length=15)] = None,
    agency: Annotated[str | None, Query(max_length=16)] = None,
    actor: Annotated[str | None, Query(max_length=64)] = None,
    outcome: Annotated[str | None, Query(pattern="^(granted|denied)$")] = None,
    category: Annotated[str | None, Query(max_length=40)] = None,
    purpose: Annotated[str | None, Query(max_length=40)] = None,
    since: Annotated[date | None, Query(description="First day (UTC), included.")] = None,
    until: Annotated[LastDay | None, Query(description="Last day (UTC), included.")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> list[LogEntryOut]:
    """Search the access log, newest first (privacy officers and administrators)."""
    _privacy_officer(user)
    try:
        found = search_log(
            session,
            citizen=citizen,
            agency=agency,
            actor=actor,
            outcome=outcome,
            category=category,
            purpose=purpose,
            since=since,
            until=until,
            limit=limit,
            offset=offset,
        )
    except SearchError as error:
        raise api_error(422, "invalid-parameter", str(error), str(error).split(":", 1)[0]) from None
    return [LogEntryOut.model_validate(entry.as_json()) for entry in found]


@router.get(
    "/privacy/anomalies", response_model=list[AnomalyOut], responses=responses(401, 403, 422)
)
def read_anomalies(
    session: SessionDep,
    user: StaffDep,
    since: Annotated[date | None, Query(description="First day; 30 days before `until`.")] = None,
    until: Annotated[LastDay | None, Query(description="Last day; today.")] = None,
) -> list[AnomalyOut]:
    """Consultation patterns worth a question: repeated refusals, no follow-up on the dossier,
    far more citizens than peers, consultations outside office hours."""
    _privacy_officer(user)
    last = until or date.today()
    # Not before the first day of the calendar, for an `until` in its first month.
    first = since or max(date.min + timedelta(days=ANOMALY_DEFAULT_DAYS), last) - timedelta(
        days=ANOMALY_DEFAULT_DAYS
    )
    try:
        report = anomaly_report(session, first, last)
    except AnomalyError as error:
        raise api_error(422, "invalid-parameter", str(error), "until") from None
    return [AnomalyOut.model_validate(anomaly.as_json()) for anomaly in report]
