"""Patterns in the access log that a privacy officer should look at: not proof of misuse, but
the consultations most worth a question to the staff member and their manager."""

import statistics
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket.cases.model import Dossier, DossierEvent, Office, StaffUser
from loket.cases.offices import DAY_KEYS, opening_ranges
from loket.exchange.log import entry_body
from loket.exchange.model import AccessLogEntry
from loket.texts import N_

# (a) A staff member refused this many times or more in the period.
REPEATED_DENIALS_THRESHOLD = 5
# (b) Days after a granted consultation within which the dossier it named should see some work.
FOLLOW_UP_DAYS = 30
# (c) A staff member who consulted more than this many times the peers' median of distinct
# citizens, and at least PEER_OUTLIER_MIN_CITIZENS citizens, with at least PEER_MIN_PEERS peers.
PEER_OUTLIER_FACTOR = 3
PEER_OUTLIER_MIN_CITIZENS = 20
PEER_MIN_PEERS = 3
# (d) Hours that count as working hours for staff without an office: Monday to Friday.
DEFAULT_WORKING_HOURS = (time(7, 0), time(19, 0))
DEFAULT_WORKING_DAYS = frozenset({"mon", "tue", "wed", "thu", "fri"})
# Offices' opening hours are Belgian local time; the log records UTC.
LOCAL_TIME = ZoneInfo("Europe/Brussels")
# How many example entries an anomaly names.
EXAMPLE_ENTRIES = 5


class AnomalyKind(StrEnum):
    REPEATED_DENIALS = "repeated-denials"
    NO_FOLLOW_UP = "no-follow-up"
    PEER_OUTLIER = "peer-outlier"
    OUTSIDE_OFFICE_HOURS = "outside-office-hours"

    @property
    def label(self) -> str:
        """What the pattern means, for the privacy officer's page (translated there)."""
        return _KIND_LABELS[self]


_KIND_LABELS = {
    AnomalyKind.REPEATED_DENIALS: N_("Refused again and again"),
    AnomalyKind.NO_FOLLOW_UP: N_("Consulted without later work on the dossier"),
    AnomalyKind.PEER_OUTLIER: N_("Far more consultations than colleagues"),
    AnomalyKind.OUTSIDE_OFFICE_HOURS: N_("Consulted outside office hours"),
}


@dataclass(frozen=True)
class Anomaly:
    """One pattern for one staff member, with a few of the log entries behind it."""

    kind: AnomalyKind
    actor: str
    agency: str | None
    office: str | None
    count: int
    detail: str
    seqs: tuple[int, ...] = field(default=())

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "actor": self.actor,
            "agency": self.agency,
            "office": self.office,
            "count": self.count,
            "detail": self.detail,
            "seqs": list(self.seqs),
        }


@dataclass(frozen=True)
class _Consultation:
    seq: int
    recorded_at: datetime
    actor: str
    agency: str | None
    office: str | None
    citizen: str | None
    dossier: str | None
    outcome: str
    reason: str | None


class AnomalyError(ValueError):
    """A period that cannot be reported on; the message starts with the parameter."""


def _consultations(session: Session, since: date, until: date) -> list[_Consultation]:
    start = datetime.combine(since, time.min)
    end = datetime.combine(until + timedelta(days=1), time.min)
    entries = session.scalars(
        select(AccessLogEntry)
        .where(
            AccessLogEntry.kind == "consultation",
            AccessLogEntry.recorded_at >= start,
            AccessLogEntry.recorded_at < end,
            AccessLogEntry.actor.is_not(None),
        )
        .order_by(AccessLogEntry.seq)
    )
    found = []
    for entry in entries:
        body = entry_body(entry)
        assert entry.actor is not None
        found.append(
            _Consultation(
                seq=entry.seq,
                recorded_at=entry.recorded_at,
                actor=entry.actor,
                agency=entry.agency,
                office=body.get("office"),
                citizen=entry.citizen_insz,
                dossier=body.get("dossier"),
                outcome=entry.outcome,
                reason=body.get("reason"),
            )
        )
    return found


def _by_actor(consultations: Iterable[_Consultation]) -> dict[str, list[_Consultation]]:
    grouped: dict[str, list[_Consultation]] = defaultdict(list)
    for consultation in consultations:
        grouped[consultation.actor].append(consultation)
    return grouped


def _anomaly(kind: AnomalyKind, found: list[_Consultation], detail: str) -> Anomaly:
    last = found[-1]
    return Anomaly(
        kind=kind,
        actor=last.actor,
        agency=last.agency,
        office=last.office,
        count=len(found),
        detail=detail,
        seqs=tuple(c.seq for c in found[:EXAMPLE_ENTRIES]),
    )


def repeated_denials(consultations: list[_Consultation]) -> list[Anomaly]:
    """(a) A staff member was refused REPEATED_DENIALS_THRESHOLD (5) times or more in the
    period: they may be trying data they have no right to, or need help with the rules."""
    found = []
    for actor_entries in _by_actor(c for c in consultations if c.outcome == "denied").values():
        if len(actor_entries) >= REPEATED_DENIALS_THRESHOLD:
            reasons = Counter(c.reason or "unknown" for c in actor_entries)
            summary = ", ".join(f"{reason} ×{n}" for reason, n in reasons.most_common())
            detail = f"{len(actor_entries)} refused consultations ({summary})"
            found.append(_anomaly(AnomalyKind.REPEATED_DENIALS, actor_entries, detail))
    return found


def no_follow_up(
    session: Session, consultations: list[_Consultation], now: datetime
) -> list[Anomaly]:
    """(b) A granted consultation named a dossier, yet nothing was recorded on that dossier
    (no line in its history) in the FOLLOW_UP_DAYS (30) days after it: the data may have been
    read for another reason than the dossier. Only consultations at least 30 days before `now`
    are judged; more recent ones cannot be judged yet and are left out."""
    horizon = timedelta(days=FOLLOW_UP_DAYS)
    judged = [
        c
        for c in consultations
        if c.outcome == "granted" and c.dossier and c.recorded_at + horizon <= now
    ]
    if not judged:
        return []
    references = {c.dossier for c in judged}
    dossier_ids: dict[str, int] = {
        reference: dossier_id
        for reference, dossier_id in session.execute(
            select(Dossier.reference, Dossier.id).where(Dossier.reference.in_(references))
        )
    }
    first = min(c.recorded_at for c in judged)
    last = max(c.recorded_at for c in judged) + horizon
    event_times: dict[int, list[datetime]] = defaultdict(list)
    for dossier_id, recorded_at in session.execute(
        select(DossierEvent.dossier_id, DossierEvent.recorded_at)
        .where(
            DossierEvent.dossier_id.in_(set(dossier_ids.values())),
            DossierEvent.recorded_at > first,
            DossierEvent.recorded_at <= last,
        )
        .order_by(DossierEvent.recorded_at)
    ):
        event_times[dossier_id].append(recorded_at)
    unfollowed = []
    for c in judged:
        assert c.dossier is not None
        times = event_times.get(dossier_ids.get(c.dossier, -1), [])
        after = bisect_right(times, c.recorded_at)
        if after == len(times) or times[after] > c.recorded_at + horizon:
            unfollowed.append(c)
    found = []
    for actor_entries in _by_actor(unfollowed).values():
        dossiers = sorted({c.dossier for c in actor_entries if c.dossier})
        detail = (
            f"{len(actor_entries)} granted consultations with no work on the dossier within "
            f"{FOLLOW_UP_DAYS} days ({', '.join(dossiers[:EXAMPLE_ENTRIES])})"
        )
        found.append(_anomaly(AnomalyKind.NO_FOLLOW_UP, actor_entries, detail))
    return found


def peer_outliers(session: Session, consultations: list[_Consultation]) -> list[Anomaly]:
    """(c) A staff member consulted more distinct citizens than PEER_OUTLIER_FACTOR (3) times
    the median of their peers, and at least PEER_OUTLIER_MIN_CITIZENS (20). Peers are the
    other staff of the same agency with the same role who consulted anyone in the period; with
    fewer than PEER_MIN_PEERS (3) peers there is no fair comparison and nothing is reported."""
    by_actor = _by_actor(c for c in consultations if c.citizen)
    roles: dict[str, str] = {
        username: role
        for username, role in session.execute(
            select(StaffUser.username, StaffUser.role).where(StaffUser.username.in_(by_actor))
        )
    }
    groups: dict[tuple[str | None, str], list[str]] = defaultdict(list)
    for actor, entries in by_actor.items():
        groups[(entries[-1].agency, roles.get(actor, "unknown"))].append(actor)
    found = []
    for (_agency, role), actors in groups.items():
        distinct = {a: len({c.citizen for c in by_actor[a]}) for a in actors}
        for actor in actors:
            peers = [n for other, n in distinct.items() if other != actor]
            if len(peers) < PEER_MIN_PEERS:
                continue
            median = statistics.median(peers)
            count = distinct[actor]
            if count >= PEER_OUTLIER_MIN_CITIZENS and count > PEER_OUTLIER_FACTOR * median:
                detail = (
                    f"{count} distinct citizens consulted; the median of {len(peers)} peers "
                    f"({role}) is {median:g}"
                )
                anomaly = _anomaly(AnomalyKind.PEER_OUTLIER, by_actor[actor], detail)
                # The count is of citizens here, not of log entries.
                found.append(replace(anomaly, count=count))
    return found


def _is_open(hours: dict[str, str] | None, local: datetime) -> bool:
    moment = local.time()
    if hours is None:
        start, end = DEFAULT_WORKING_HOURS
        return DAY_KEYS[local.weekday()] in DEFAULT_WORKING_DAYS and start <= moment < end
    return any(start <= moment < end for start, end in opening_ranges(hours, local.date()))


def outside_office_hours(session: Session, consultations: list[_Consultation]) -> list[Anomaly]:
    """(d) Consultations made while the staff member's office was closed, by its published
    opening hours for that weekday (Belgian local time; a day the office does not list is a
    closed day). For staff without an office: outside 07:00–19:00, Monday to Friday. The office
    is the one the log entry names, i.e. the staff member's office at that moment."""
    offices = {c.office for c in consultations if c.office}
    hours: dict[str, dict[str, str]] = {
        office_id: opening_hours
        for office_id, opening_hours in session.execute(
            select(Office.id, Office.opening_hours).where(Office.id.in_(offices))
        )
    }
    late = []
    for c in consultations:
        local = c.recorded_at.replace(tzinfo=UTC).astimezone(LOCAL_TIME)
        office_hours = hours.get(c.office, {}) if c.office else None
        if not _is_open(office_hours, local):
            late.append(c)
    found = []
    for actor_entries in _by_actor(late).values():
        where = f"the opening hours of {actor_entries[-1].office}"
        if actor_entries[-1].office is None:
            where = "07:00–19:00 Monday to Friday"
        detail = f"{len(actor_entries)} consultations outside {where}"
        found.append(_anomaly(AnomalyKind.OUTSIDE_OFFICE_HOURS, actor_entries, detail))
    return found


def anomaly_report(
    session: Session, since: date, until: date, *, now: datetime | None = None
) -> list[Anomaly]:
    """The anomalies among the consultations logged from `since` to `until` (both included,
    UTC days), by rule and then by staff member:

    (a) repeated refusals: a staff member refused 5 times or more in the period;
    (b) no follow-up: a granted consultation named a dossier on which nothing was recorded in
        the 30 days after it; judged only for consultations at least 30 days before `now`
        (the current time by default), so a report on the last 30 days has none of these;
    (c) peer outlier: a staff member consulted more than 3 times as many distinct citizens as
        the median of their peers (same agency and role, at least 3 of them), and at least 20;
    (d) outside office hours: consultations while the staff member's office was closed (staff
        without an office: outside 07:00–19:00, Monday to Friday).
    """
    if until < since:
        raise AnomalyError(f"until: {until} is before since {since}")
    moment = now or datetime.now(UTC).replace(tzinfo=None)
    consultations = _consultations(session, since, until)
    report = [
        *repeated_denials(consultations),
        *no_follow_up(session, consultations, moment),
        *peer_outliers(session, consultations),
        *outside_office_hours(session, consultations),
    ]
    order = list(AnomalyKind)
    return sorted(report, key=lambda a: (order.index(a.kind), -a.count, a.actor))
