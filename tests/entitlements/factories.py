"""Test data for entitlements: leefloon and maintenance-claim dossiers of a citizen in Gent."""

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from loket.cases.model import Dossier
from loket.people.model import Citizen
from loket.rules import Child, LivingWageSituation, MaintenanceSituation
from tests.factories import citizen_at, open_dossiers

OPENED = date(2024, 1, 2)


def leefloon_dossier(session: Session, language: str = "nl") -> tuple[Citizen, Dossier]:
    citizen = citizen_at(session, "9000", language=language)
    return citizen, open_dossiers(session, citizen, ("leefloon",), on=OPENED)["leefloon"]


def maintenance_dossier(session: Session) -> Dossier:
    citizen = citizen_at(session, "9000")
    return open_dossiers(session, citizen, ("maintenance-claim",), on=OPENED)["maintenance-claim"]


def single(resources: str = "0") -> LivingWageSituation:
    return LivingWageSituation(category="single", monthly_net_resources_eur=Decimal(resources))


def two_children(requested_on: date = OPENED) -> MaintenanceSituation:
    return MaintenanceSituation(
        creditor_domiciled_in_belgium=True,
        enforceable_title=True,
        missed_payments_last_12_months=3,
        children=(Child(Decimal("200")), Child(Decimal("150"))),
        creditor_monthly_net_income_eur=Decimal("1500"),
        requested_on=requested_on,
    )
