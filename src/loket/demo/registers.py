"""Synthetic source registers for data exchange: income-tax assessments (FPS Finance), cadastral
parcels and employment, for the adults of the demo population; deterministic for a seed."""

import random
from datetime import date, timedelta
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, sessionmaker
from stdnum.be import vat

from loket.demo.population import CHUNK, REFERENCE_DAY, bulk_insert
from loket.exchange.model import EmploymentStatus, PropertyParcel, TaxAssessment
from loket.geo.model import PostalCodeMunicipality
from loket.people.model import Address, Citizen

INCOME_YEAR = REFERENCE_DAY.year - 2
ADULT_FROM = REFERENCE_DAY.replace(year=REFERENCE_DAY.year - 18)
RETIRED_FROM = REFERENCE_DAY.replace(year=REFERENCE_DAY.year - 66)
WORKING_STATUSES = ("employed", "self-employed", "unemployed", "inactive")
WORKING_WEIGHTS = (66, 10, 9, 15)
OWNER_SHARE = 0.3
SECOND_PARCEL_SHARE = 0.15
EMPLOYERS = 250


def _employers(rng: random.Random) -> list[str]:
    """Enterprise numbers with valid check digits (checked by python-stdnum)."""
    numbers: list[str] = []
    while len(numbers) < EMPLOYERS:
        first8 = f"0{rng.randint(2_000_000, 9_999_999):07d}"
        number = f"{first8}{97 - int(first8) % 97:02d}"
        if vat.is_valid(number):
            numbers.append(number)
    return numbers


def _rows_for(
    rng: random.Random,
    citizen_id: int,
    born: date,
    refnis: str | None,
    employers: list[str],
    out: dict[str, list[dict[str, Any]]],
) -> None:
    if born <= RETIRED_FROM:
        status = "retired"
    else:
        status = rng.choices(WORKING_STATUSES, WORKING_WEIGHTS)[0]
    employed = status == "employed"
    out["employment"].append(
        {
            "citizen_id": citizen_id,
            "status": status,
            "employer_enterprise_number": rng.choice(employers) if employed else None,
            "since": max(born + timedelta(days=18 * 365), REFERENCE_DAY - timedelta(
                days=rng.randint(30, 20 * 365))),
        }
    )  # fmt: skip
    income = {
        "employed": rng.gauss(38_000, 12_000),
        "self-employed": rng.gauss(42_000, 20_000),
        "retired": rng.gauss(22_000, 7_000),
    }.get(status, rng.gauss(14_000, 4_000))
    income = round(max(0.0, income), 2)
    out["tax"].append(
        {
            "citizen_id": citizen_id,
            "income_year": INCOME_YEAR,
            "taxable_income_eur": income,
            "tax_due_eur": round(max(0.0, (income - 10_910) * 0.4), 2),
            "status": rng.choice(("final", "final", "final", "provisional")),
        }
    )
    if refnis is not None and rng.random() < OWNER_SHARE:
        parcels = 2 if rng.random() < SECOND_PARCEL_SHARE else 1
        for _ in range(parcels):
            section = rng.choice("ABCDEFGH")
            out["parcels"].append(
                {
                    "citizen_id": citizen_id,
                    "capakey": f"{refnis}{section}{rng.randint(1, 2999):04d}/00A000",
                    "municipality_refnis": refnis,
                    "cadastral_income_eur": float(rng.randint(400, 2400)),
                    "share_percent": rng.choice((100.0, 100.0, 50.0)),
                }
            )


def seed_registers(sessions: sessionmaker[Session], seed: int) -> int:
    """Fill the registers for every adult who has no employment record yet; returns how many
    adults got records. Chunked like the population, one transaction per chunk."""
    rng = random.Random(seed * 7919 + 17)
    employers = _employers(rng)
    with sessions() as session:
        refnis_of: dict[str, str] = {}
        for postcode, refnis in session.execute(
            select(
                PostalCodeMunicipality.postal_code, PostalCodeMunicipality.municipality_refnis
            ).order_by(
                PostalCodeMunicipality.postal_code, PostalCodeMunicipality.municipality_refnis
            )
        ):
            refnis_of.setdefault(postcode, refnis)
    done = 0
    last_id = 0
    while True:
        with sessions.begin() as session:
            rows = session.execute(
                select(Citizen.id, Citizen.birth_date, Address.postcode, Address.country)
                .outerjoin(Address, (Address.citizen_id == Citizen.id) & Address.valid_to.is_(None))
                .where(
                    Citizen.id > last_id,
                    Citizen.birth_date <= ADULT_FROM,
                    ~exists().where(EmploymentStatus.citizen_id == Citizen.id),
                )
                .order_by(Citizen.id)
                .limit(CHUNK)
            ).all()
            if not rows:
                break
            out: dict[str, list[dict[str, Any]]] = {"employment": [], "tax": [], "parcels": []}
            for citizen_id, born, postcode, country in rows:
                assert born is not None  # the query keeps only known birth dates
                municipality = refnis_of.get(postcode) if country == "BE" else None
                _rows_for(rng, citizen_id, born, municipality, employers, out)
            bulk_insert(session, EmploymentStatus, out["employment"])
            bulk_insert(session, TaxAssessment, out["tax"])
            bulk_insert(session, PropertyParcel, out["parcels"])
            last_id = rows[-1][0]
            done += len(rows)
    return done
