"""Jurisdiction is data: import who is competent where from a CSV.

Columns: agency, municipality (REFNIS) or postal_code, office_id, valid_from, valid_to (optional).
Rule: a new row for the same agency and area closes the open-ended row that was in force, on the
new row's first day, so that exactly one office is competent on any day.
"""

import re
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket.cases.model import Agency, Jurisdiction, Office
from loket.geo.model import Municipality, PostalCode
from loket.store.csvio import RejectsWriter, read_rows

COLUMNS = ["agency", "municipality", "postal_code", "office_id", "valid_from", "valid_to"]
REFNIS = re.compile(r"^[0-9]{5}$")


class JurisdictionRowError(ValueError):
    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")


@dataclass
class JurisdictionImportSummary:
    rows: int = 0
    applied: int = 0
    closed_previous: int = 0
    rejected: int = 0
    rejects_file: str | None = None

    def as_json(self) -> dict[str, object]:
        return asdict(self)


def _day(row: dict[str, str], name: str, required: bool) -> date | None:
    value = row.get(name, "")
    if not value and not required:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise JurisdictionRowError(name, f"{value!r} is not a date as YYYY-MM-DD") from None


def _parse(session: Session, row: dict[str, str]) -> Jurisdiction:
    agency = row.get("agency", "")
    if session.get(Agency, agency) is None:
        raise JurisdictionRowError("agency", f"{agency!r} is unknown")
    municipality = row.get("municipality") or None
    postal_code = row.get("postal_code") or None
    if municipality and postal_code:
        raise JurisdictionRowError("postal_code", "give a municipality or a postal code, not both")
    if municipality and (
        not REFNIS.match(municipality) or session.get(Municipality, municipality) is None
    ):
        raise JurisdictionRowError("municipality", f"{municipality!r} is not a REFNIS code")
    if postal_code and session.get(PostalCode, postal_code) is None:
        raise JurisdictionRowError("postal_code", f"{postal_code!r} is not a Belgian postal code")
    office = session.get(Office, row.get("office_id", ""))
    if office is None or office.agency_code != agency:
        raise JurisdictionRowError(
            "office_id", f"{row.get('office_id')!r} is not an office of {agency}"
        )
    valid_from = _day(row, "valid_from", required=True)
    valid_to = _day(row, "valid_to", required=False)
    assert valid_from is not None
    if valid_to is not None and valid_to <= valid_from:
        raise JurisdictionRowError("valid_to", "must be after valid_from")
    return Jurisdiction(
        agency_code=agency,
        municipality_refnis=municipality,
        postal_code=postal_code,
        office_id=office.id,
        valid_from=valid_from,
        valid_to=valid_to,
    )


def import_jurisdiction(session: Session, path: Path) -> JurisdictionImportSummary:
    """Apply every good row of `path` in the caller's transaction; bad rows go to rejects."""
    summary = JurisdictionImportSummary()
    with RejectsWriter(path, COLUMNS) as rejects:
        for line, row in read_rows(path, ["agency", "office_id", "valid_from"]):
            summary.rows += 1
            try:
                new = _parse(session, row)
            except JurisdictionRowError as error:
                rejects.write(line, str(error), row)
                continue
            in_force = session.scalars(
                select(Jurisdiction).where(
                    Jurisdiction.agency_code == new.agency_code,
                    Jurisdiction.municipality_refnis.is_(None)
                    if new.municipality_refnis is None
                    else Jurisdiction.municipality_refnis == new.municipality_refnis,
                    Jurisdiction.postal_code.is_(None)
                    if new.postal_code is None
                    else Jurisdiction.postal_code == new.postal_code,
                    Jurisdiction.valid_from < new.valid_from,
                    Jurisdiction.valid_to.is_(None),
                )
            )
            for previous in in_force:
                previous.valid_to = new.valid_from
                summary.closed_previous += 1
            session.add(new)
            session.flush()
            summary.applied += 1
        summary.rejected = rejects.count
        summary.rejects_file = str(rejects.path) if rejects.count else None
    return summary
