"""Counter mode (assisted digital): a clerk serves a citizen at the counter or on the phone.

While a visit lasts, the clerk's session names the citizen and the channel, so that every
request and dossier event made in it records how it reached loket.
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket.cases.choices import Role
from loket.cases.model import StaffUser
from loket.contact.choices import Channel
from loket.contact.model import CounterVisit
from loket.insight import channels as channel_events
from loket.logins.model import LoginSession
from loket.people.identifiers import validate_insz
from loket.people.model import Citizen

# The channels in which a member of staff helps; online and paper are the citizen's own.
ASSISTED_CHANNELS = (Channel.COUNTER, Channel.PHONE, Channel.ASSISTED_ONLINE)
# Staff who serve citizens; privacy officers, analysts and managers do not.
COUNTER_ROLES = frozenset({Role.COUNTER_CLERK, Role.CASE_WORKER, Role.ADMIN})


class CounterError(ValueError):
    """A counter visit that cannot be started or ended; the message names the field."""


def may_serve_at_counter(staff: StaffUser) -> bool:
    """Counter clerks, case workers and administrators serve citizens at the counter and on
    the phone; the other roles never act for a citizen."""
    return staff.role in COUNTER_ROLES


def start_counter_visit(
    session: Session,
    login: LoginSession,
    staff: StaffUser,
    insz: str,
    channel: str,
    now: datetime,
) -> CounterVisit:
    """Start serving the citizen with `insz` through `channel` in the clerk's session.

    A visit still running in the session is ended first: a clerk serves one citizen at a time.
    InvalidInsz for a malformed number; CounterError for an unknown citizen or channel.
    """
    if login.staff_username != staff.username:
        raise CounterError("session: this session is not the clerk's own")
    if not may_serve_at_counter(staff):
        raise CounterError(f"role: a {staff.role} does not serve citizens at the counter")
    if channel not in {c.value for c in ASSISTED_CHANNELS}:
        allowed = ", ".join(c.value for c in ASSISTED_CHANNELS)
        raise CounterError(f"channel: {channel!r} is not one of {allowed}")
    number = validate_insz(insz)[0]
    citizen = session.scalar(select(Citizen).where(Citizen.insz == number))
    if citizen is None:
        raise CounterError(f"insz: no citizen is registered with {number}")
    if login.counter_visit_id is not None:
        end_counter_visit(session, login, now)
    visit = CounterVisit(
        office_id=staff.office_id,
        staff_username=staff.username,
        citizen_id=citizen.id,
        channel=channel,
        started_at=now,
    )
    session.add(visit)
    session.flush()
    channel_events.counter_visit_started(session, visit, now.date())
    login.acting_for_id = citizen.id
    login.counter_channel = channel
    login.counter_visit_id = visit.id
    session.flush()
    return visit


def end_counter_visit(session: Session, login: LoginSession, now: datetime) -> CounterVisit | None:
    """End the visit of this session, if any, and return it; the session is the clerk's own
    again, so nothing done afterwards is recorded for the citizen."""
    visit = session.get(CounterVisit, login.counter_visit_id) if login.counter_visit_id else None
    if visit is not None and visit.ended_at is None:
        visit.ended_at = now
    login.acting_for_id = None
    login.counter_channel = None
    login.counter_visit_id = None
    session.flush()
    return visit


def current_visit(session: Session, login: LoginSession) -> CounterVisit | None:
    """The visit running in this session, or None."""
    if login.counter_visit_id is None:
        return None
    return session.get(CounterVisit, login.counter_visit_id)
