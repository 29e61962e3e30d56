"""The demo's double-claim conflicts: stored once, and Gent's demo case worker has some to see."""

from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from loket.cases.model import StaffUser
from loket.demo.conflicts import DEMO_PAIRS, GENT, seed_demo_conflicts
from loket.demo.staff import ensure_demo_staff
from loket.linkage.service import visible_conflicts


def test_demo_conflicts_are_stored_once_and_gent_sees_its_own(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        assert seed_demo_conflicts(session, now=datetime(2026, 12, 1)) == len(DEMO_PAIRS)
        assert seed_demo_conflicts(session) == 0
        ensure_demo_staff(session)
        worker = session.get(StaffUser, "demo-worker-gent")
        analyst = session.get(StaffUser, "demo-podmi-analyst")
        assert worker is not None and analyst is not None
        for_gent = session.scalars(visible_conflicts(worker)).all()
        assert len(for_gent) == sum(1 for p in DEMO_PAIRS if GENT in (p.ocmw_a, p.ocmw_b)) == 3
        assert {c.finding for c in for_gent} == {"conflict", "needs-check"}
        assert len(session.scalars(visible_conflicts(analyst)).all()) == len(DEMO_PAIRS)
