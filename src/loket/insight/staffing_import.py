"""Loading an office's staff register from CSV: one row per post, no names.

Columns: `office_id, service, fte, birth_year` and optionally `retirement_age` (67 when empty).
The file replaces the whole register of every office it names; a bad row goes to
`<input>.rejects.csv` with its line number and reason, and the good rows are applied.
"""

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from loket.cases.model import Office
from loket.insight.staffing import Service
from loket.insight.staffing_model import DEFAULT_RETIREMENT_AGE, StaffMember
from loket.store.csvio import RejectsWriter, read_rows

COLUMNS = ["office_id", "service", "fte", "birth_year", "retirement_age"]
REQUIRED = COLUMNS[:4]


class StaffRowError(ValueError):
    """One row that cannot be read; the message names the column."""


@dataclass
class StaffImportSummary:
    rows: int = 0
    posts: int = 0
    rejected: int = 0
    offices: int = 0

    def as_json(self) -> dict[str, int]:
        return dict(self.__dict__)


def _post(row: dict[str, str], offices: set[str]) -> StaffMember:
    office = row.get("office_id", "").strip()
    if office not in offices:
        raise StaffRowError(f"office_id: no office {office!r}")
    service = row.get("service", "").strip()
    if service not in {s.value for s in Service}:
        raise StaffRowError(f"service: {service!r} is not one of {', '.join(Service)}")
    try:
        fte = float(row.get("fte", "").strip().replace(",", "."))
        born = int(row.get("birth_year", "").strip())
        retires = int(row.get("retirement_age", "").strip() or DEFAULT_RETIREMENT_AGE)
    except ValueError:
        raise StaffRowError("fte, birth_year, retirement_age: give numbers") from None
    if not 0 < fte <= 1:
        raise StaffRowError(f"fte: {fte} is not between 0 and 1")
    if not 1940 <= born <= 2015:
        raise StaffRowError(f"birth_year: {born} is not a working age")
    if not 55 <= retires <= 75:
        raise StaffRowError(f"retirement_age: {retires} is not between 55 and 75")
    return StaffMember(
        office_id=office, service=service, fte=fte, birth_year=born, retirement_age=retires
    )


def import_staff(session: Session, path: Path) -> StaffImportSummary:
    """Replace the registers of the offices named in `path` (in the caller's transaction)."""
    summary = StaffImportSummary()
    offices = set(session.scalars(select(Office.id)))
    posts: list[StaffMember] = []
    with RejectsWriter(path, COLUMNS) as rejects:
        for line, row in read_rows(path, REQUIRED):
            summary.rows += 1
            try:
                posts.append(_post(row, offices))
            except StaffRowError as error:
                rejects.write(line, str(error), row)
        summary.rejected = rejects.count
    named = sorted({p.office_id for p in posts})
    session.execute(delete(StaffMember).where(StaffMember.office_id.in_(named)))
    session.add_all(posts)
    session.flush()
    summary.posts, summary.offices = len(posts), len(named)
    return summary
