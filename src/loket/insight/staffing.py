"""Staffing projection: an office's FTE per service over the coming years as its staff retire
and are replaced at a chosen ratio, against the FTE its norm requires.

Pure functions over plain values; `staffing_service` reads them from the database.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

HORIZON_YEARS = 5


class Service(StrEnum):
    """The services a replacement scenario is set for (the civil servants' own split)."""

    CRITICAL = "critical"
    COLLECTION = "collection"
    CONTACT_CENTRE = "contact-centre"
    CONTROL = "control"


# The ratios managers named: one of five leavers replaced, two, three, or every one.
STANDARD_RATIOS = (Fraction(1, 5), Fraction(2, 5), Fraction(3, 5), Fraction(1))


class ScenarioError(ValueError):
    """A scenario that cannot be read; the message shows the expected form."""


@dataclass(frozen=True)
class Post:
    """A post's FTE, service and the year its holder retires (birth year + retirement age)."""

    service: str
    fte: float
    retires_in: int


@dataclass(frozen=True)
class NormLine:
    """One line of a norm; see `insight.staffing_model.StaffingNorm`."""

    service: str
    case_type: str | None
    dossiers_per_fte: float | None
    effort_weight: float
    fte_per_10000_inhabitants: float | None


@dataclass(frozen=True)
class Projection:
    """One service of one office under one replacement ratio."""

    service: str
    ratio: Fraction
    required_fte: float | None
    years: tuple[int, ...]
    fte: tuple[float, ...]

    @property
    def first_year_below(self) -> int | None:
        """The first year the FTE is below the required FTE; None if never (or no norm)."""
        if self.required_fte is None:
            return None
        return next(
            (
                year
                for year, fte in zip(self.years, self.fte, strict=True)
                if fte < self.required_fte - 1e-9
            ),
            None,
        )


def parse_scenario(text: str) -> dict[str, Fraction]:
    """`collection=3/5,control=1/5` → {service: ratio}; `1` or `1/1` is one for one."""
    ratios: dict[str, Fraction] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        service, _, ratio = part.partition("=")
        service = service.strip()
        if service not in {s.value for s in Service}:
            known = ", ".join(s.value for s in Service)
            raise ScenarioError(f"scenario: {service!r} is not a service ({known})")
        try:
            value = Fraction(ratio.strip())
        except (ValueError, ZeroDivisionError):
            raise ScenarioError(
                f"scenario: {part!r} is not service=ratio, e.g. control=1/5"
            ) from None
        if not 0 <= value <= 1:
            raise ScenarioError(f"scenario: {part!r}: the ratio must be between 0 and 1")
        ratios[service] = value
    return ratios


def ratio_label(ratio: Fraction) -> str:
    return "1/1" if ratio == 1 else f"{ratio.numerator}/{ratio.denominator}"


def required_fte(
    lines: Iterable[NormLine], caseload: Mapping[str, int], inhabitants: int | None
) -> dict[str, float]:
    """Required FTE per service: Σ open dossiers × effort weight ÷ dossiers per FTE, plus
    inhabitants ÷ 10,000 × FTE per 10,000 inhabitants. A service with no usable line is left
    out (no norm), never given a required FTE of zero."""
    need: dict[str, float] = {}
    for line in lines:
        if line.case_type is not None and line.dossiers_per_fte:
            load = caseload.get(line.case_type, 0) * line.effort_weight
            need[line.service] = need.get(line.service, 0.0) + load / line.dossiers_per_fte
        elif line.case_type is None and line.fte_per_10000_inhabitants and inhabitants:
            extra = inhabitants / 10000 * line.fte_per_10000_inhabitants
            need[line.service] = need.get(line.service, 0.0) + extra
    return need


def project_service(
    posts: Iterable[Post],
    service: str,
    ratio: Fraction,
    start_year: int,
    required: float | None,
    horizon: int = HORIZON_YEARS,
) -> Projection:
    """FTE of `service` from `start_year` (today's staff) to `start_year + horizon`.

    A post whose holder retires in year Y (or already should have) is gone from Y on (from the
    first projected year for late ones); `ratio` of its FTE is hired back the same year, by
    someone who does not retire within the horizon. Nothing else changes: no other leavers,
    no growth of the caseload."""
    own = [p for p in posts if p.service == service]
    years = tuple(range(start_year, start_year + horizon + 1))
    fte = [sum(p.fte for p in own)]
    for year in years[1:]:
        leaving = sum(p.fte for p in own if max(p.retires_in, start_year + 1) == year)
        fte.append(fte[-1] - leaving + leaving * float(ratio))
    return Projection(service, ratio, required, years, tuple(fte))


def project_office(
    posts: Iterable[Post],
    scenario: Mapping[str, Fraction],
    required: Mapping[str, float],
    start_year: int,
    horizon: int = HORIZON_YEARS,
    default_ratio: Fraction = Fraction(1),
) -> list[Projection]:
    """One projection per service that has staff or a norm, in the order of `Service`."""
    posts = list(posts)
    present = {p.service for p in posts} | set(required)
    order = [s.value for s in Service] + sorted(present - {s.value for s in Service})
    return [
        project_service(
            posts,
            service,
            scenario.get(service, default_ratio),
            start_year,
            required.get(service),
            horizon,
        )
        for service in order
        if service in present
    ]
