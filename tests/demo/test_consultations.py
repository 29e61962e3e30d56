"""The demo's consultations: the citizens offered on the demo sign-in page find who consulted
their data and why, including a refused look, and seeding twice adds nothing."""

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from loket.cases.choices import OPEN_STATUSES
from loket.cases.model import Dossier
from loket.demo.consultations import seed_demo_consultations
from loket.demo.population import seed_population
from loket.exchange.model import AccessLogEntry
from loket.exchange.transparency import citizen_access_log
from loket.exchange.verify import verify_log
from loket.logins.service import demo_citizens

DAY = date(2026, 11, 28)


def test_demo_citizens_see_granted_and_refused_consultations(
    sessions: sessionmaker[Session],
) -> None:
    seed_population(sessions, people=400, seed=2)
    with sessions.begin() as session:
        logged = seed_demo_consultations(session, DAY)
    with sessions.begin() as session:
        citizens = demo_citizens(session)
        lines = [
            line
            for citizen in citizens
            for line in citizen_access_log(session, citizen.insz, DAY, "en", log_view=False)
        ]
        leefloon = session.scalar(
            select(func.count()).where(
                Dossier.citizen_id.in_([c.id for c in citizens]),
                Dossier.case_type == "leefloon",
                Dossier.status.in_(OPEN_STATUSES),
            )
        )
        assert verify_log(session, None).ok
    # Every demo consultation is shown to its citizen, with its purpose and legal basis ...
    assert logged > 0 and len(lines) == logged
    assert all(line.purpose and (line.legal_basis or line.outcome == "denied") for line in lines)
    # ... and each living-wage dossier has one refused look (maintenance claims: no
    # authorisation for that purpose).
    denied = [line for line in lines if line.outcome == "denied"]
    assert len(denied) == leefloon
    assert {line.category for line in denied} <= {"maintenance-claims"}


def test_seeding_the_demo_consultations_twice_adds_nothing(
    sessions: sessionmaker[Session],
) -> None:
    seed_population(sessions, people=400, seed=2)
    with sessions.begin() as session:
        seed_demo_consultations(session, DAY)
    with sessions.begin() as session:
        before = session.scalar(select(func.count()).select_from(AccessLogEntry))
        assert seed_demo_consultations(session, DAY) == 0
        assert session.scalar(select(func.count()).select_from(AccessLogEntry)) == before
