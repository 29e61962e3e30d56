"""Demo staffing: posts with FTE and birth years at several offices, the inhabitants they serve,
the default norms, workers for part of the Gent dossiers and the monthly caseload summary."""

import random
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from loket.cases.choices import OPEN_STATUSES
from loket.cases.model import Dossier, Office
from loket.demo.recent_dossiers import seed_recent_dossiers
from loket.insight.caseload_refresh import rebuild_office_months
from loket.insight.staffing_model import OfficePopulation, StaffMember
from loket.insight.staffing_norms import ensure_default_norms
from loket.insight.staffing_service import office_staffing

POPULATION_SOURCE = (
    "Statbel, population per municipality on 1 January 2024, rounded to the thousand "
    "(demo approximation; load the current count)"
)
# Offices with demo staff, and the inhabitants each serves (federal offices: their area, roughly).
DEMO_OFFICES = {
    "ocmw-44021": 265000,
    "ocmw-11002": 530000,
    "ocmw-21004": 197000,
    "ocmw-62063": 197000,
    "ocmw-63023": 20000,
    "fin-gent": 600000,
    "fin-antwerpen": 1100000,
    "fin-liege": 1100000,
    "davo-gent": 1500000,
}
DEMO_WORKERS = ("demo-worker-gent", "demo-manager-gent")


@dataclass(frozen=True)
class StaffingSeed:
    posts: int
    dossiers: int
    open_dossiers: int


def seed_staffing(session: Session, seed: int, today: date | None = None) -> StaffingSeed:
    """(Re)write the demo posts and populations, load default norms, give a third of Gent's
    open welfare dossiers to its demo workers, add a year of recent dossiers and rebuild the
    monthly summary. Returns the posts and the recent dossiers made."""
    today = today or date.today()
    rng = random.Random(seed)
    known = set(session.scalars(select(Office.id).where(Office.id.in_(list(DEMO_OFFICES)))))
    session.execute(delete(StaffMember).where(StaffMember.office_id.in_(known)))
    session.execute(delete(OfficePopulation).where(OfficePopulation.office_id.in_(known)))
    ensure_default_norms(session)
    posts = 0
    for office_id, inhabitants in DEMO_OFFICES.items():
        if office_id not in known:
            continue
        population = OfficePopulation(
            office_id=office_id,
            inhabitants=inhabitants,
            counted_on=date(2024, 1, 1),
            source=POPULATION_SOURCE,
        )
        session.add(population)
        session.flush()
        # Staffed at 95% to 130% of today's norm, so that some offices fall below it within
        # five years under the harsher scenarios and others do not.
        need = office_staffing(session, office_id, {}, today.year).projections
        for projection in need:
            target = (projection.required_fte or 0.0) * rng.uniform(0.95, 1.3)
            held = 0.0
            while held < max(target, 1.0):
                # An ageing workforce: a third of the posts held by people over 55.
                age = rng.choice((rng.randint(56, 66), rng.randint(25, 55), rng.randint(25, 55)))
                fte = rng.choice((1.0, 1.0, 1.0, 0.8, 0.5))
                session.add(
                    StaffMember(
                        office_id=office_id,
                        service=projection.service,
                        fte=fte,
                        birth_year=today.year - age,
                        retirement_age=67,
                    )
                )
                held += fte
                posts += 1
    for k, worker in enumerate(DEMO_WORKERS):
        session.execute(
            update(Dossier)
            .where(
                Dossier.office_id == "ocmw-44021",
                Dossier.status.in_(OPEN_STATUSES),
                Dossier.assigned_worker.is_(None),
                Dossier.id % 3 == k,
            )
            .values(assigned_worker=worker)
        )
    made, still_open = seed_recent_dossiers(session, sorted(known), rng, today)
    rebuild_office_months(session)
    session.flush()
    return StaffingSeed(posts, made, still_open)
