"""Mandates: a citizen lets a trusted person act for them, for a scope and until a date.

Rules: the grantor accepts by proposing; the mandate is pending until the proxy accepts, and
the proxy may decline. Either side may revoke it at any time. It ends by itself after its end
date (at most five years ahead). The proxy is a registered citizen other than the grantor.
Only an active mandate lets the proxy act, and only within its scope.
"""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from loket.contact.choices import MandateScope, MandateStatus
from loket.contact.model import Mandate
from loket.contact.problems import InvalidRequest, Problem
from loket.logins.model import LoginSession
from loket.people.identifiers import InvalidInsz, validate_insz
from loket.people.model import Citizen
from loket.texts import N_

MAX_YEARS = 5
SCOPE_LABELS = {
    MandateScope.ALL: N_("Everything I can do myself"),
    MandateScope.REQUESTS: N_("Read my dossiers and make requests"),
    MandateScope.READ_ONLY: N_("Only read my dossiers"),
}
STATUS_LABELS = {
    MandateStatus.PENDING: N_("Waiting for acceptance"),
    MandateStatus.ACTIVE: N_("Active"),
    MandateStatus.DECLINED: N_("Declined"),
    MandateStatus.REVOKED: N_("Ended"),
    MandateStatus.EXPIRED: N_("Expired"),
}


class Action(StrEnum):
    """What a proxy wants to do for the grantor."""

    READ = "read"
    REQUEST = "request"
    CHANGE = "change"


_ALLOWED = {
    MandateScope.ALL: {Action.READ, Action.REQUEST, Action.CHANGE},
    MandateScope.REQUESTS: {Action.READ, Action.REQUEST},
    MandateScope.READ_ONLY: {Action.READ},
}


class MandateRefused(PermissionError):
    """This person may not do this with this mandate (not theirs, or not in this state)."""


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def propose(
    session: Session,
    grantor_id: int,
    proxy_insz: str,
    scope: str,
    valid_until: date | None,
    today: date,
    now: datetime | None = None,
) -> Mandate:
    """A new mandate from `grantor_id`, accepted by them and pending until the proxy accepts."""
    problems: dict[str, Problem] = {}
    proxy = None
    try:
        number = validate_insz(proxy_insz)[0]
        proxy = session.scalar(select(Citizen).where(Citizen.insz == number))
        if proxy is None:
            problems["proxy_insz"] = Problem(
                N_("No citizen with this national register number is registered.")
            )
        elif proxy.id == grantor_id:
            problems["proxy_insz"] = Problem(N_("Enter the number of someone else, not yours."))
    except InvalidInsz:
        problems["proxy_insz"] = Problem(
            N_("Enter a national register number of 11 digits, like 85.07.30-033.61.")
        )
    if scope not in set(MandateScope):
        problems["scope"] = Problem(N_("Choose what this person may do for you."))
    if valid_until is None or valid_until <= today:
        problems["valid_until"] = Problem(N_("Enter an end date after today."))
    elif valid_until > _years_later(today, MAX_YEARS):
        problems["valid_until"] = Problem(N_("Enter an end date at most 5 years from today."))
    if proxy is not None and "proxy_insz" not in problems:
        open_one = session.scalar(
            select(Mandate.id).where(
                Mandate.grantor_id == grantor_id,
                Mandate.proxy_id == proxy.id,
                Mandate.status.in_([MandateStatus.PENDING, MandateStatus.ACTIVE]),
            )
        )
        if open_one is not None:
            problems["proxy_insz"] = Problem(N_("You already gave this person a mandate."))
    if problems or proxy is None or valid_until is None:
        raise InvalidRequest(problems)
    mandate = Mandate(
        grantor_id=grantor_id,
        proxy_id=proxy.id,
        scope=scope,
        valid_until=valid_until,
        status=MandateStatus.PENDING,
        grantor_accepted_at=now or datetime.now(),
    )
    session.add(mandate)
    session.flush()
    return mandate


def _expire(mandate: Mandate, today: date) -> Mandate:
    if (
        mandate.status in (MandateStatus.PENDING, MandateStatus.ACTIVE)
        and mandate.valid_until < today
    ):
        mandate.status = MandateStatus.EXPIRED
    return mandate


def _get(session: Session, mandate_id: int, today: date) -> Mandate:
    mandate = session.get(Mandate, mandate_id)
    if mandate is None:
        raise MandateRefused("no such mandate")
    return _expire(mandate, today)


def accept(session: Session, mandate_id: int, proxy_id: int, now: datetime) -> Mandate:
    """The proxy accepts a pending mandate; from then on it is active."""
    mandate = _get(session, mandate_id, now.date())
    if mandate.proxy_id != proxy_id or mandate.status != MandateStatus.PENDING:
        raise MandateRefused("only the proxy can accept a pending mandate")
    mandate.status = MandateStatus.ACTIVE
    mandate.proxy_accepted_at = now
    session.flush()
    return mandate


def decline(session: Session, mandate_id: int, proxy_id: int, now: datetime) -> Mandate:
    """The proxy declines a pending mandate."""
    mandate = _get(session, mandate_id, now.date())
    if mandate.proxy_id != proxy_id or mandate.status != MandateStatus.PENDING:
        raise MandateRefused("only the proxy can decline a pending mandate")
    mandate.status = MandateStatus.DECLINED
    mandate.ended_by = proxy_id
    mandate.ended_at = now
    session.flush()
    return mandate


def revoke(session: Session, mandate_id: int, citizen_id: int, now: datetime) -> Mandate:
    """Either side ends a pending or active mandate; sessions acting under it stop acting."""
    mandate = _get(session, mandate_id, now.date())
    if citizen_id not in (mandate.grantor_id, mandate.proxy_id) or mandate.status not in (
        MandateStatus.PENDING,
        MandateStatus.ACTIVE,
    ):
        raise MandateRefused("only the grantor or the proxy can end an open mandate")
    mandate.status = MandateStatus.REVOKED
    mandate.ended_by = citizen_id
    mandate.ended_at = now
    for login in session.scalars(select(LoginSession).where(LoginSession.mandate_id == mandate.id)):
        login.acting_for_id = None
        login.mandate_id = None
    session.flush()
    return mandate


def mandates_of(session: Session, citizen_id: int, today: date) -> list[Mandate]:
    """Every mandate the citizen gave or received, newest first, expiry brought up to date."""
    return [
        _expire(m, today)
        for m in session.scalars(
            select(Mandate)
            .where(or_(Mandate.grantor_id == citizen_id, Mandate.proxy_id == citizen_id))
            .order_by(Mandate.id.desc())
        )
    ]


def active_mandates_for(session: Session, proxy_id: int, today: date) -> list[Mandate]:
    """The mandates under which `proxy_id` may act today; lapsed ones become expired."""
    return [
        m
        for m in session.scalars(
            select(Mandate).where(
                Mandate.proxy_id == proxy_id, Mandate.status == MandateStatus.ACTIVE
            )
        )
        if _expire(m, today).status == MandateStatus.ACTIVE
    ]


def mandate_allows(mandate: Mandate, action: str, today: date | None = None) -> bool:
    """Whether an active, unexpired mandate covers `action` (read, request, change)."""
    if mandate.status != MandateStatus.ACTIVE:
        return False
    if today is not None and mandate.valid_until < today:
        return False
    return Action(action) in _ALLOWED.get(MandateScope(mandate.scope), set())


def act_for(session: Session, login: LoginSession, mandate_id: int, today: date) -> Mandate:
    """Let the proxy's browser session act for the grantor under an active mandate."""
    if login.citizen_id is None:
        raise MandateRefused("only a signed-in citizen can act under a mandate")
    mandate = _get(session, mandate_id, today)
    if mandate.proxy_id != login.citizen_id or mandate.status != MandateStatus.ACTIVE:
        raise MandateRefused("only the proxy of an active mandate can act under it")
    login.acting_for_id = mandate.grantor_id
    login.mandate_id = mandate.id
    session.flush()
    return mandate


def stop_acting(session: Session, login: LoginSession) -> None:
    login.acting_for_id = None
    login.mandate_id = None
    session.flush()
