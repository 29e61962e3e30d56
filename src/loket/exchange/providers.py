"""What each data category releases about a citizen: the fields the catalogue lists, read from
the register that holds them, and nothing more. Only `consult` calls these, after its rule."""

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket.cases.choices import OPEN_STATUSES
from loket.cases.model import Dossier, Office
from loket.exchange.catalogue import DataCategory
from loket.exchange.model import EmploymentStatus, PropertyParcel, TaxAssessment
from loket.geo.model import PostalCodeMunicipality
from loket.people.model import Citizen
from loket.people.service import current_address

# How many income years of assessments the income-tax category releases.
TAX_YEARS = 3

Fields = dict[str, Any]


def _identity(session: Session, citizen: Citizen) -> Fields:
    return {
        "insz": citizen.insz,
        "family_name": citizen.family_name,
        "given_names": citizen.given_names,
        "birth_date": citizen.birth_date.isoformat() if citizen.birth_date else None,
        "language": citizen.language,
    }


def _address(session: Session, citizen: Citizen) -> Fields:
    address = current_address(session, citizen.id)
    if address is None:
        return dict.fromkeys(DataCategory.ADDRESS.info.fields)
    municipality = None
    if address.country == "BE":
        # A postal code can cover several municipalities; then the register does not say which.
        refnis = list(
            session.scalars(
                select(PostalCodeMunicipality.municipality_refnis).where(
                    PostalCodeMunicipality.postal_code == address.postcode
                )
            )
        )
        municipality = refnis[0] if len(refnis) == 1 else None
    return {
        "street": address.street,
        "house_number": address.house_number,
        "box": address.box,
        "postcode": address.postcode,
        "country": address.country,
        "municipality": municipality,
    }


def _dossiers(
    session: Session, citizen: Citizen, case_type: str, only_open: bool
) -> list[dict[str, Any]]:
    query = (
        select(Dossier, Office.name)
        .join(Office, Office.id == Dossier.office_id)
        .where(Dossier.citizen_id == citizen.id, Dossier.case_type == case_type)
        .order_by(Dossier.reference)
    )
    if only_open:
        query = query.where(Dossier.status.in_(OPEN_STATUSES))
    return [
        {
            "reference": d.reference,
            "status": d.status,
            "office": {"id": d.office_id, "name": name},
            "opened_on": d.opened_on.isoformat(),
            "closed_on": d.closed_on.isoformat() if d.closed_on else None,
        }
        for d, name in session.execute(query)
    ]


def _leefloon(session: Session, citizen: Citizen) -> Fields:
    return {"dossiers": _dossiers(session, citizen, "leefloon", only_open=True)}


def _maintenance(session: Session, citizen: Citizen) -> Fields:
    return {"dossiers": _dossiers(session, citizen, "maintenance-claim", only_open=False)}


def _income_tax(session: Session, citizen: Citizen) -> Fields:
    rows = session.scalars(
        select(TaxAssessment)
        .where(TaxAssessment.citizen_id == citizen.id)
        .order_by(TaxAssessment.income_year.desc(), TaxAssessment.id)
    )
    years: list[int] = []
    assessments = []
    for row in rows:
        if row.income_year not in years:
            if len(years) == TAX_YEARS:
                break
            years.append(row.income_year)
        assessments.append(
            {
                "income_year": row.income_year,
                "taxable_income_eur": row.taxable_income_eur,
                "tax_due_eur": row.tax_due_eur,
                "status": row.status,
            }
        )
    return {"assessments": assessments}


def _property(session: Session, citizen: Citizen) -> Fields:
    rows = session.scalars(
        select(PropertyParcel)
        .where(PropertyParcel.citizen_id == citizen.id)
        .order_by(PropertyParcel.capakey, PropertyParcel.id)
    )
    return {
        "parcels": [
            {
                "capakey": p.capakey,
                "municipality": p.municipality_refnis,
                "cadastral_income_eur": p.cadastral_income_eur,
                "share_percent": p.share_percent,
            }
            for p in rows
        ]
    }


def _employment(session: Session, citizen: Citizen) -> Fields:
    row = session.scalar(
        select(EmploymentStatus)
        .where(EmploymentStatus.citizen_id == citizen.id)
        .order_by(EmploymentStatus.since.desc(), EmploymentStatus.id.desc())
        .limit(1)
    )
    if row is None:
        return dict.fromkeys(DataCategory.EMPLOYMENT.info.fields)
    return {
        "status": row.status,
        "employer_enterprise_number": row.employer_enterprise_number,
        "since": row.since.isoformat(),
    }


PROVIDERS: dict[DataCategory, Callable[[Session, Citizen], Fields]] = {
    DataCategory.IDENTITY: _identity,
    DataCategory.ADDRESS: _address,
    DataCategory.LEEFLOON_STATUS: _leefloon,
    DataCategory.INCOME_TAX: _income_tax,
    DataCategory.MAINTENANCE_CLAIMS: _maintenance,
    DataCategory.PROPERTY: _property,
    DataCategory.EMPLOYMENT: _employment,
}


def released_fields(session: Session, citizen: Citizen, category: DataCategory) -> Fields:
    """The fields of `category` about `citizen`, exactly the catalogue's list of them."""
    fields = PROVIDERS[category](session, citizen)
    assert tuple(fields) == category.info.fields, category  # a provider never says more
    return fields
