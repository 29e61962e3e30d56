"""Demo authorisations and consultations, so that a demo citizen's "who consulted my data"
page has something to show and a demo case worker can consult under an authorisation.

Made-up data only: the legal bases name real laws but the authorisations are the demo's.
"""

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from loket.cases.choices import OPEN_STATUSES
from loket.cases.model import Dossier, StaffUser
from loket.cases.staff import add_user
from loket.exchange.authorisations import grant
from loket.exchange.consult import consult
from loket.exchange.model import AccessLogEntry, Authorisation
from loket.logins.service import demo_citizens

LIVING_WAGE_LAW = "Wet van 26 mei 2002 betreffende het recht op maatschappelijke integratie"
INCOME_TAX_CODE = "Wetboek van de inkomstenbelastingen 1992"

# agency, category, purpose, legal basis, dossier types
AUTHORISATIONS = (
    ("ocmw", "income-tax", "leefloon-eligibility", LIVING_WAGE_LAW, ("leefloon",)),
    ("ocmw", "employment", "leefloon-eligibility", LIVING_WAGE_LAW, ("leefloon",)),
    ("ocmw", "property", "leefloon-eligibility", LIVING_WAGE_LAW, ("leefloon",)),
    ("fin", "address", "tax-collection", INCOME_TAX_CODE, ("tax-collection",)),
    ("fin", "property", "tax-collection", INCOME_TAX_CODE, ("tax-collection",)),
)

# What a case worker looks at for an open dossier of each type (the last one of the living
# wage is not authorised for that purpose: the citizen sees a refused consultation too).
CONSULTATIONS = {
    "leefloon": (
        ("income-tax", "leefloon-eligibility"),
        ("employment", "leefloon-eligibility"),
        ("maintenance-claims", "leefloon-eligibility"),
    ),
    "tax-collection": (("address", "tax-collection"), ("property", "tax-collection")),
}


def _worker_at(session: Session, office_id: str, agency: str) -> StaffUser:
    username = f"demo-worker-{office_id}"
    user = session.get(StaffUser, username)
    if user is None:
        user = add_user(session, username, "case-worker", agency, office_id)[0]
    return user


def seed_demo_consultations(session: Session, today: date | None = None) -> int:
    """Grant the demo authorisations and let case workers consult the data of the citizens
    offered on the demo sign-in page. Runs once: nothing happens when the access log or the
    authorisations already have entries. Returns the number of consultations logged."""
    day = today or date.today()
    if session.scalar(select(func.count()).select_from(AccessLogEntry)) or session.scalar(
        select(func.count()).select_from(Authorisation)
    ):
        return 0
    for agency, category, purpose, basis, types in AUTHORISATIONS:
        grant(
            session,
            agency,
            category,
            purpose,
            basis,
            date(2020, 1, 1),
            dossier_types=types,
            granted_by="demo",
        )
    logged = 0
    for citizen in demo_citizens(session):
        dossiers = session.scalars(
            select(Dossier).where(
                Dossier.citizen_id == citizen.id,
                Dossier.status.in_(OPEN_STATUSES),
                Dossier.case_type.in_(list(CONSULTATIONS)),
            )
        )
        for dossier in dossiers:
            worker = _worker_at(session, dossier.office_id, dossier.agency_code)
            for category, purpose in CONSULTATIONS[dossier.case_type]:
                consult(session, worker, citizen.insz, category, purpose, dossier.reference, day)
                logged += 1
    return logged
