"""Reading an office's staff, norms, caseload and inhabitants, and projecting its staffing."""

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from loket.cases.choices import OPEN_STATUSES
from loket.cases.model import Dossier, Office
from loket.insight.staffing import (
    NormLine,
    Post,
    Projection,
    project_office,
    ratio_label,
    required_fte,
)
from loket.insight.staffing_model import OfficePopulation, StaffingNorm, StaffMember


class UnknownOffice(LookupError):
    def __init__(self, office_id: str) -> None:
        super().__init__(f"office: no office {office_id!r}")


@dataclass(frozen=True)
class OfficeStaffing:
    office_id: str
    office_name: str
    start_year: int
    inhabitants: int | None
    illustrative_norms: bool
    projections: list[Projection]
    # Every service under each of the ratios asked for (empty when none were).
    by_ratio: list[Projection] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {
            "office": {"id": self.office_id, "name": self.office_name},
            "start_year": self.start_year,
            "inhabitants": self.inhabitants,
            "illustrative_norms": self.illustrative_norms,
            "services": [
                {
                    "service": p.service,
                    "replacement": ratio_label(p.ratio),
                    "required_fte": None if p.required_fte is None else round(p.required_fte, 2),
                    "fte": {str(y): round(f, 2) for y, f in zip(p.years, p.fte, strict=True)},
                    "first_year_below_norm": p.first_year_below,
                }
                for p in self.projections
            ],
        }


def office_posts(session: Session, office_id: str) -> list[Post]:
    """The office's posts, summed per service and retirement year (the projection only adds
    them up, so a large register reads as a few rows)."""
    retires = StaffMember.birth_year + StaffMember.retirement_age
    rows = session.execute(
        select(StaffMember.service, func.sum(StaffMember.fte), retires)
        .where(StaffMember.office_id == office_id)
        .group_by(StaffMember.service, retires)
    )
    return [Post(service, float(fte), int(year)) for service, fte, year in rows]


def open_caseload(session: Session, office_id: str) -> dict[str, int]:
    """Open dossiers per case type at the office."""
    rows = session.execute(
        select(Dossier.case_type, func.count())
        .where(Dossier.office_id == office_id, Dossier.status.in_(OPEN_STATUSES))
        .group_by(Dossier.case_type)
    )
    return {case_type: count for case_type, count in rows}


def norm_lines(session: Session, agency: str) -> tuple[list[NormLine], bool]:
    """The agency's norm lines, and whether any of them is an illustrative default."""
    rows = list(session.scalars(select(StaffingNorm).where(StaffingNorm.agency_code == agency)))
    lines = [
        NormLine(
            r.service, r.case_type, r.dossiers_per_fte, r.effort_weight, r.fte_per_10000_inhabitants
        )
        for r in rows
    ]
    return lines, any(r.illustrative for r in rows)


def office_staffing(
    session: Session,
    office_id: str,
    scenario: dict[str, Fraction],
    start_year: int,
    ratios: Sequence[Fraction] = (),
    caseload: dict[str, int] | None = None,
) -> OfficeStaffing:
    """The office's projection under `scenario`, and with `ratios` one projection per ratio
    and service too (for the chart), from one reading of its staff and norms. `caseload`
    (open dossiers per case type) is counted when not given."""
    office = session.get(Office, office_id)
    if office is None:
        raise UnknownOffice(office_id)
    population = session.get(OfficePopulation, office_id)
    inhabitants = population.inhabitants if population else None
    lines, illustrative = norm_lines(session, office.agency_code)
    if caseload is None:
        caseload = open_caseload(session, office_id)
    need = required_fte(lines, caseload, inhabitants)
    posts = office_posts(session, office_id)
    by_ratio = [
        p
        for ratio in ratios
        for p in project_office(posts, {}, need, start_year, default_ratio=ratio)
    ]
    return OfficeStaffing(
        office.id,
        office.name,
        start_year,
        inhabitants,
        illustrative,
        project_office(posts, scenario, need, start_year),
        by_ratio,
    )


CSV_COLUMNS = (
    "office_id",
    "service",
    "replacement",
    "year",
    "fte",
    "required_fte",
    "below_norm",
    "first_year_below_norm",
)


def staffing_csv(staffing: OfficeStaffing) -> str:
    """One row per service and year: the columns of `CSV_COLUMNS`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for p in staffing.projections:
        need = "" if p.required_fte is None else f"{p.required_fte:.2f}"
        for year, fte in zip(p.years, p.fte, strict=True):
            below = "" if p.required_fte is None else str(fte < p.required_fte - 1e-9).lower()
            first = p.first_year_below or ""
            writer.writerow(
                [
                    staffing.office_id,
                    p.service,
                    ratio_label(p.ratio),
                    year,
                    f"{fte:.2f}",
                    need,
                    below,
                    first,
                ]
            )
    return out.getvalue()
