"""The privacy officer's anomaly report: each rule fires on a scene built for it and stays
silent on an ordinary one just below its threshold."""

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from factories import citizen_at, next_insz, open_dossiers
from sqlalchemy.orm import Session, sessionmaker

from loket.cases.choices import EventKind
from loket.cases.model import DossierEvent, StaffUser
from loket.cases.staff import add_user
from loket.exchange.anomalies import (
    FOLLOW_UP_DAYS,
    PEER_OUTLIER_MIN_CITIZENS,
    REPEATED_DENIALS_THRESHOLD,
    Anomaly,
    AnomalyError,
    AnomalyKind,
    anomaly_report,
)
from loket.exchange.log import append_entry

GENT_OCMW = "ocmw-44021"  # open Mon 09:00-12:00, Tue 09:00-12:00 and 13:30-16:00, … (local)
# Monday 10 March 2025; Belgium is on UTC+1 then, so 09:30 UTC is 10:30 in the office.
MONDAY = date(2025, 3, 10)
OFFICE_TIME = datetime(2025, 3, 10, 9, 30)
PERIOD = (date(2025, 3, 1), date(2025, 3, 31))
LATER = datetime(2025, 6, 1)  # "now": long enough after March to judge follow-up


def worker(session: Session, username: str, office: str | None = GENT_OCMW, **kw: str) -> StaffUser:
    options = {"role": "case-worker", "agency": "ocmw", **kw}
    return add_user(session, username, options["role"], options["agency"], office)[0]


def logged(
    session: Session,
    actor: StaffUser,
    at: datetime = OFFICE_TIME,
    *,
    citizen: str | None = None,
    outcome: str = "granted",
    dossier: str | None = None,
) -> int:
    """One consultation in the log at `at` (UTC), with the body `consult` writes."""
    body: dict[str, Any] = {
        "kind": "consultation",
        "actor": actor.username,
        "office": actor.office_id,
        "agency": actor.agency_code,
        "citizen": citizen or next_insz(),
        "category": "income-tax",
        "purpose": "leefloon-eligibility",
        "authorisation": 1,
        "legal_basis": "Art. 19 Wet 26 mei 2002",
        "dossier": dossier,
        "outcome": outcome,
        "reason": "no-open-dossier" if outcome == "denied" else None,
        "visible_from": at.date().isoformat(),
    }
    return append_entry(session, body, recorded_at=at).seq


def of_kind(report: list[Anomaly], kind: AnomalyKind) -> list[Anomaly]:
    return [a for a in report if a.kind is kind]


@pytest.fixture
def session(sessions: sessionmaker[Session]):
    with sessions.begin() as session:
        yield session


def test_an_ordinary_month_has_no_anomalies(session):
    an = worker(session, "an.worker")
    citizen = citizen_at(session, "9000")
    dossier = open_dossiers(session, citizen, ("leefloon",), office_id=GENT_OCMW)["leefloon"]
    for day in range(4):
        at = OFFICE_TIME + timedelta(days=day)
        logged(session, an, at, citizen=citizen.insz, dossier=dossier.reference)
        work = at + timedelta(days=2)
        session.add(
            DossierEvent(
                dossier_id=dossier.id, kind=EventKind.NOTE, recorded_at=work, effective_date=MONDAY
            )
        )
    for _ in range(REPEATED_DENIALS_THRESHOLD - 1):
        logged(session, an, outcome="denied")
    assert anomaly_report(session, *PERIOD, now=LATER) == []


def test_repeated_denials_fire_at_five_in_the_period(session):
    an = worker(session, "an.worker")
    bert = worker(session, "bert.worker")
    seqs = [logged(session, an, outcome="denied") for _ in range(REPEATED_DENIALS_THRESHOLD)]
    for _ in range(REPEATED_DENIALS_THRESHOLD - 1):
        logged(session, bert, outcome="denied")
    # A refusal outside the period does not count towards it.
    logged(session, bert, datetime(2025, 4, 1, 9, 30), outcome="denied")
    [found] = of_kind(anomaly_report(session, *PERIOD, now=LATER), AnomalyKind.REPEATED_DENIALS)
    assert (found.actor, found.agency, found.office, found.count) == (
        "an.worker",
        "ocmw",
        GENT_OCMW,
        5,
    )
    assert found.seqs == tuple(seqs)
    assert "no-open-dossier ×5" in found.detail


def consulted_dossier(session: Session, actor: StaffUser, work_after: timedelta | None) -> int:
    """A granted consultation naming a dossier, with a history line `work_after` it (or none)."""
    citizen = citizen_at(session, "9000")
    dossier = open_dossiers(session, citizen, ("leefloon",), office_id=GENT_OCMW)["leefloon"]
    seq = logged(session, actor, citizen=citizen.insz, dossier=dossier.reference)
    if work_after is not None:
        session.add(
            DossierEvent(
                dossier_id=dossier.id,
                kind=EventKind.NOTE,
                recorded_at=OFFICE_TIME + work_after,
                effective_date=MONDAY,
            )
        )
    session.flush()
    return seq


def test_a_consultation_without_work_on_its_dossier_within_30_days_is_reported(session):
    an = worker(session, "an.worker")
    bert = worker(session, "bert.worker")
    idle = consulted_dossier(session, an, None)
    too_late = consulted_dossier(session, an, timedelta(days=FOLLOW_UP_DAYS, hours=1))
    consulted_dossier(session, bert, timedelta(days=FOLLOW_UP_DAYS - 1))
    consulted_dossier(session, bert, timedelta(minutes=5))
    [found] = of_kind(anomaly_report(session, *PERIOD, now=LATER), AnomalyKind.NO_FOLLOW_UP)
    assert (found.actor, found.count, found.seqs) == ("an.worker", 2, (idle, too_late))


def test_follow_up_is_not_judged_before_30_days_have_passed(session):
    an = worker(session, "an.worker")
    consulted_dossier(session, an, None)
    soon = OFFICE_TIME + timedelta(days=FOLLOW_UP_DAYS - 1)
    assert of_kind(anomaly_report(session, *PERIOD, now=soon), AnomalyKind.NO_FOLLOW_UP) == []
    after = OFFICE_TIME + timedelta(days=FOLLOW_UP_DAYS)
    assert len(of_kind(anomaly_report(session, *PERIOD, now=after), AnomalyKind.NO_FOLLOW_UP))


def consult_citizens(session: Session, actor: StaffUser, count: int) -> None:
    for number in range(count):
        citizen = next_insz()
        # Consulting the same citizen twice counts once.
        for _ in range(1 if number % 2 else 2):
            logged(session, actor, citizen=citizen)


def peers(session: Session, count: int, citizens: int = 5, **kw: str) -> None:
    for number in range(count):
        consult_citizens(session, worker(session, f"peer-{number}", **kw), citizens)


def test_an_actor_consulting_far_more_citizens_than_peers_is_reported(session):
    peers(session, 3)
    outlier = worker(session, "busy.worker")
    consult_citizens(session, outlier, PEER_OUTLIER_MIN_CITIZENS)
    [found] = of_kind(anomaly_report(session, *PERIOD, now=LATER), AnomalyKind.PEER_OUTLIER)
    assert (found.actor, found.count) == ("busy.worker", 20)
    assert "median of 3 peers (case-worker) is 5" in found.detail


@pytest.mark.parametrize(
    ("peer_count", "peer_citizens", "citizens"),
    [
        (3, 5, PEER_OUTLIER_MIN_CITIZENS - 1),  # fewer than 20 citizens
        (3, 7, 21),  # not more than 3 × the median of 7
        (2, 1, 40),  # only two peers: no fair comparison
    ],
)
def test_no_peer_outlier_just_below_the_thresholds(session, peer_count, peer_citizens, citizens):
    peers(session, peer_count, peer_citizens)
    consult_citizens(session, worker(session, "busy.worker"), citizens)
    assert of_kind(anomaly_report(session, *PERIOD, now=LATER), AnomalyKind.PEER_OUTLIER) == []


def test_peers_are_of_the_same_agency_and_role(session):
    peers(session, 3, 5, role="counter-clerk")
    peers_fin = [worker(session, f"fin-{n}", "fin-gent", agency="fin") for n in range(3)]
    for peer in peers_fin:
        consult_citizens(session, peer, 5)
    consult_citizens(session, worker(session, "busy.worker"), 40)
    assert of_kind(anomaly_report(session, *PERIOD, now=LATER), AnomalyKind.PEER_OUTLIER) == []


def test_consultations_outside_the_offices_opening_hours_are_reported(session):
    an = worker(session, "an.worker")
    late = [
        logged(session, an, datetime(2025, 3, 10, 11, 30)),  # Monday 12:30 local: closed
        logged(session, an, datetime(2025, 3, 15, 9, 30)),  # Saturday: closed all day
        logged(session, an, datetime(2025, 3, 11, 7, 59)),  # Tuesday 08:59 local
    ]
    logged(session, an, datetime(2025, 3, 10, 10, 59))  # Monday 11:59 local: open
    logged(session, an, datetime(2025, 3, 11, 12, 30))  # Tuesday 13:30 local: open again
    logged(session, an, datetime(2025, 3, 13, 17, 59))  # Thursday 18:59 local: open
    # Summer time: 07:30 UTC is 09:30 in Belgium on Monday 7 July.
    logged(session, an, datetime(2025, 7, 7, 7, 30))
    report = anomaly_report(session, PERIOD[0], date(2025, 7, 31), now=LATER)
    [found] = of_kind(report, AnomalyKind.OUTSIDE_OFFICE_HOURS)
    assert (found.actor, found.office, found.count) == ("an.worker", GENT_OCMW, 3)
    assert sorted(found.seqs) == sorted(late)


def test_staff_without_an_office_work_seven_to_seven_on_weekdays(session):
    officer = worker(session, "podmi.worker", None, agency="podmi")
    logged(session, officer, datetime(2025, 3, 10, 6, 0))  # Monday 07:00 local
    logged(session, officer, datetime(2025, 3, 14, 17, 59))  # Friday 18:59 local
    late = logged(session, officer, datetime(2025, 3, 14, 18, 0))  # Friday 19:00 local
    weekend = logged(session, officer, datetime(2025, 3, 16, 12, 0))  # Sunday
    [found] = of_kind(anomaly_report(session, *PERIOD, now=LATER), AnomalyKind.OUTSIDE_OFFICE_HOURS)
    assert (found.actor, found.office, found.seqs) == ("podmi.worker", None, (late, weekend))
    assert "07:00–19:00" in found.detail


def test_a_period_that_ends_before_it_starts_is_refused(session):
    with pytest.raises(AnomalyError, match="^until:"):
        anomaly_report(session, date(2025, 3, 31), date(2025, 3, 1))
