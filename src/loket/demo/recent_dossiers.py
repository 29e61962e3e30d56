"""A year of recent work for the demo offices, counted back from today: requests opened each
month, most decided (some after the legal term), some still waiting and overdue. The main
population is drawn around a fixed day; these give the managers' page its last 12 months."""

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from loket.cases.choices import DossierStatus
from loket.cases.dossiers import change_status, open_dossier
from loket.cases.model import CaseType, Dossier, DossierEvent, Office
from loket.people.model import Address, Citizen

# Case types opened per agency; a year's new dossiers as a share of the office's dossiers.
RECENT_TYPES = {
    "ocmw": ("leefloon", "leefloon", "situation-change", "debt-mediation"),
    "fin": ("tax-collection", "tax-question"),
    "davo": ("maintenance-claim",),
}
YEARLY_SHARE = 0.15
DAYS = 365


def seed_recent_dossiers(
    session: Session, office_ids: list[str], rng: random.Random, today: date
) -> tuple[int, int]:
    """Open and decide dossiers at each office over the last year; returns how many were
    made and how many of them are still open."""
    known_types = set(session.scalars(select(CaseType.code)))
    before = session.scalar(select(func.max(DossierEvent.id))) or 0
    made = still_open = 0
    for office_id in office_ids:
        office = session.get(Office, office_id)
        if office is None:
            continue
        people = list(
            session.scalars(
                select(Citizen.insz)
                .join(Address, Address.citizen_id == Citizen.id)
                .where(Address.postcode == office.postcode, Address.valid_to.is_(None))
                .order_by(Citizen.id)
                .limit(300)
            )
        )
        types = [t for t in RECENT_TYPES.get(office.agency_code, ()) if t in known_types]
        if not people or not types:
            continue
        stock = session.scalar(
            select(func.count()).select_from(Dossier).where(Dossier.office_id == office.id)
        )
        for _ in range(round(YEARLY_SHARE * (stock or 0))):
            opened = today - timedelta(days=rng.randint(0, DAYS - 1))
            dossier = open_dossier(
                session,
                insz=rng.choice(people),
                agency=office.agency_code,
                case_type=rng.choice(types),
                on=opened,
                office_id=office.id,
            )
            made += 1
            still_open += _decide(session, dossier.reference, opened, today, rng).is_open
    # Recorded during office hours on the day itself, as the other demo events, so that the
    # same seed gives the same rows.
    for event in session.scalars(select(DossierEvent).where(DossierEvent.id > before)):
        event.recorded_at = datetime.combine(event.effective_date, time(9)) + timedelta(
            seconds=event.id % 28800
        )
    session.flush()
    return made, still_open


def _decide(
    session: Session, reference: str, opened: date, today: date, rng: random.Random
) -> DossierStatus:
    """Most requests are decided within 10 to 45 days (so some late); the rest still wait.
    Returns the status the dossier ends in."""
    decided = opened + timedelta(days=rng.randint(10, 45))
    if decided > today or rng.random() < 0.12:
        return DossierStatus.REQUESTED
    review = opened + timedelta(days=rng.randint(1, max(1, (decided - opened).days - 1)))
    change_status(session, reference, DossierStatus.IN_REVIEW, on=review)
    outcome = DossierStatus.ACTIVE if rng.random() < 0.8 else DossierStatus.REFUSED
    change_status(session, reference, outcome, on=decided)
    return outcome
