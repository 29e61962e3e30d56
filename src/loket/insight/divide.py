"""The digital-divide map's figures, read from the summary only: per municipality the people,
the share of contacts by channel and the drop-outs per form step, with small cells suppressed.

Rules (written where they are enforced):
- A figure is shown only when it counts at least 10 distinct people (MIN_PEOPLE); a smaller cell
  is suppressed, and when one channel of a municipality is suppressed the next smallest is
  suppressed too, so that it cannot be worked out from the shares that add up to 100%.
- Regional reference figures come from surveys and are context, never observations of loket.
- Managers and administrators of any agency and the analysts of the POD MI see the map.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from loket.applications.forms import MUNICIPALITY, NEWCOMER_STEPS, SERVICES
from loket.cases.choices import Role
from loket.cases.model import StaffUser
from loket.cases.network import GERMAN_SPEAKING
from loket.geo.model import Municipality
from loket.insight.channels_model import ContactChannel, DivideStep, DivideSummary
from loket.insight.divide_refresh import ALL, parse_period
from loket.texts import N_

MIN_PEOPLE = 10
CHANNELS = tuple(ContactChannel)
OUTREACH_LENGTH = 15
DIVIDE_ROLES = frozenset({Role.MANAGER, Role.ADMIN})
FLANDERS, WALLONIA, BRUSSELS = "02000", "03000", "04000"


@dataclass(frozen=True)
class Reference:
    """A survey figure shown beside the map as context; never a municipal observation."""

    label: str
    share: float
    region: str | None = None


# e-government use in 2023 (Statbel ICT survey of households, Eurostat isoc_ciegi_ac):
# individuals who used a public authority's website in the last 12 months.
REFERENCES = (
    Reference(N_("Flanders: e-government use 2023"), 0.73, FLANDERS),
    Reference(N_("Brussels: e-government use 2023"), 0.71, BRUSSELS),
    Reference(N_("Wallonia: e-government use 2023"), 0.62, WALLONIA),
    Reference(N_("Belgium: e-commerce (bought online) 2023, about"), 0.75),
)


def may_see_divide(user: StaffUser) -> bool:
    """Managers and administrators, and the analysts of the POD MI who steer outreach."""
    return user.role in DIVIDE_ROLES or (user.role == Role.ANALYST and user.agency_code == "podmi")


@dataclass(frozen=True)
class MunicipalityRow:
    refnis: str
    name: str
    region: str
    # None: fewer than MIN_PEOPLE people, not shown.
    people: int | None
    shares: dict[str, float | None]
    dropouts: tuple[tuple[str, int], ...]
    reachable: int | None

    @property
    def online(self) -> float | None:
        return self.shares.get(ContactChannel.ONLINE.value)


@dataclass(frozen=True)
class FunnelStep:
    step: str
    reached: int | None
    abandoned: int | None


@dataclass(frozen=True)
class RegionRow:
    region: str
    online: float | None
    reference: float | None


@dataclass
class DivideView:
    period: str
    service: str
    periods: list[str]
    services: list[str]
    rows: list[MunicipalityRow] = field(default_factory=list)
    funnel: list[FunnelStep] = field(default_factory=list)
    regions: list[RegionRow] = field(default_factory=list)
    unplaced_people: int | None = None

    @property
    def outreach(self) -> list[MunicipalityRow]:
        """Where outreach reaches most people: ranked by people reachable, then by name."""
        ranked = [r for r in self.rows if r.reachable is not None]
        ranked.sort(key=lambda r: (-(r.reachable or 0), r.name))
        return ranked[:OUTREACH_LENGTH]

    def displayed_counts(self) -> Iterable[int]:
        """Every count of people the page shows, for the small-cell check."""
        for row in self.rows:
            yield from (n for n in (row.people, row.reachable) if n is not None)
            yield from (n for _step, n in row.dropouts)
        for step in self.funnel:
            yield from (n for n in (step.reached, step.abandoned) if n is not None)
        if self.unplaced_people is not None:
            yield self.unplaced_people


def local_name(municipality: Municipality) -> str:
    """The municipality's name in its own language; both names in bilingual Brussels."""
    if municipality.region_refnis == BRUSSELS and municipality.name_fr != municipality.name_nl:
        return f"{municipality.name_nl} / {municipality.name_fr}"
    if municipality.region_refnis == WALLONIA:
        return (
            municipality.name_de
            if municipality.refnis in GERMAN_SPEAKING and municipality.name_de
            else municipality.name_fr
        )
    return municipality.name_nl


def step_order() -> list[str]:
    """Form steps in the order a citizen meets them, over every service."""
    order = [s.name for s in NEWCOMER_STEPS] + [MUNICIPALITY.name]
    for service in SERVICES.values():
        order += [s.name for s in service.steps if s.name not in order]
    return [*order, "check"]


def shown(people: int) -> int | None:
    return people if people >= MIN_PEOPLE else None


def suppress_channels(
    people: dict[str, int], contacts: dict[str, int], total: int
) -> dict[str, float | None]:
    """The share of contacts per channel, None where the channel counts fewer than MIN_PEOPLE
    people; a lone suppressed channel takes the next smallest with it (secondary suppression)."""
    hidden = {c for c in people if people[c] < MIN_PEOPLE}
    if len(hidden) == 1:
        others = sorted((people[c], c) for c in people if c not in hidden)
        if others:
            hidden.add(others[0][1])
    return {c: None if c in hidden or total == 0 else contacts[c] / total for c in people}


# The distinct periods by hopping along the primary key (a loose index scan): a plain DISTINCT
# would read every summary row on each page view.
PERIODS_SQL = text(
    "WITH RECURSIVE hop(period) AS ("
    " SELECT min(period) FROM divide_summary"
    " UNION ALL SELECT (SELECT min(s.period) FROM divide_summary AS s WHERE s.period > hop.period)"
    " FROM hop WHERE hop.period IS NOT NULL)"
    " SELECT period FROM hop WHERE period IS NOT NULL"
)


def available_periods(session: Session) -> list[str]:
    """The periods summarised: years, then quarters, then months, each newest first."""
    found = list(session.scalars(PERIODS_SQL))
    kinds = [[p for p in found if len(p) == 4], [p for p in found if "Q" in p]]
    kinds.append([p for p in found if len(p) == 7 and "Q" not in p])
    return [p for kind in kinds for p in sorted(kind, reverse=True)]


def available_services(session: Session, period: str) -> list[str]:
    """The services seen in a period."""
    rows = session.scalars(
        select(DivideSummary.service)
        .where(DivideSummary.period == period, DivideSummary.channel == ALL)
        .distinct()
    )
    return sorted(set(rows) - {ALL})


@dataclass(frozen=True)
class Place:
    name: str
    region: str


_PLACES: dict[str, dict[str, Place]] = {}


def places(session: Session) -> dict[str, Place]:
    """REFNIS → local name and region; reference data, read once per database and process."""
    key = str(session.get_bind().engine.url)
    if key not in _PLACES:
        _PLACES[key] = {
            m.refnis: Place(local_name(m), m.region_refnis)
            for m in session.scalars(select(Municipality))
        }
    return _PLACES[key]


def default_period(periods: list[str]) -> str:
    """The newest year summarised, else the newest period; "" when nothing is."""
    years = [p for p in periods if len(p) == 4]
    return (years or periods or [""])[0]


def divide_view(session: Session, period: str, service: str) -> DivideView:
    """The figures for one period and one service ("*" for all), small cells suppressed."""
    periods = available_periods(session)
    if parse_period(period) is None or period not in periods:
        period = default_period(periods)
    services = available_services(session, period) if period else []
    if service not in services:
        service = ALL
    view = DivideView(period, service, periods, services)
    if not period:
        return view
    cells: dict[str, dict[str, tuple[int, int, int]]] = defaultdict(dict)
    for place, channel, contacts, people, reachable in session.execute(
        select(
            DivideSummary.municipality,
            DivideSummary.channel,
            DivideSummary.contacts,
            DivideSummary.people,
            DivideSummary.reachable,
        ).where(DivideSummary.period == period, DivideSummary.service == service)
    ):
        cells[place][channel] = (contacts, people, reachable)
    dropouts: dict[str, list[tuple[str, int]]] = defaultdict(list)
    funnel: dict[str, tuple[int, int]] = {}
    for place, step, reached, abandoned in session.execute(
        select(
            DivideStep.municipality, DivideStep.step, DivideStep.reached, DivideStep.abandoned
        ).where(DivideStep.period == period, DivideStep.service == service)
    ):
        if place == ALL:
            funnel[step] = (reached, abandoned)
        elif abandoned >= MIN_PEOPLE:
            dropouts[place].append((step, abandoned))
    order = {name: i for i, name in enumerate(step_order())}
    view.funnel = [
        FunnelStep(step, shown(funnel[step][0]), shown(funnel[step][1]))
        for step in sorted(funnel, key=lambda s: (order.get(s, len(order)), s))
    ]
    unplaced = cells.pop("", {}).get(ALL)
    view.unplaced_people = shown(unplaced[1]) if unplaced else None
    municipalities = places(session)
    for place, by_channel in cells.items():
        municipality = municipalities.get(place)
        total = by_channel.get(ALL)
        if municipality is None or total is None:
            continue
        served = shown(total[1])
        if served is None:
            shares: dict[str, float | None] = {c.value: None for c in CHANNELS}
        else:
            shares = suppress_channels(
                {c.value: by_channel.get(c.value, (0, 0, 0))[1] for c in CHANNELS},
                {c.value: by_channel.get(c.value, (0, 0, 0))[0] for c in CHANNELS},
                total[0],
            )
        steps = sorted(dropouts.get(place, []), key=lambda s: (-s[1], order.get(s[0], 99)))
        view.rows.append(
            MunicipalityRow(
                place,
                municipality.name,
                municipality.region,
                served,
                shares,
                tuple(steps) if served is not None else (),
                shown(total[2]) if served is not None else None,
            )
        )
    view.rows.sort(key=lambda r: r.name)
    view.regions = _regions(cells, municipalities)
    return view


def _regions(
    cells: dict[str, dict[str, tuple[int, int, int]]], municipalities: dict[str, Place]
) -> list[RegionRow]:
    """The online share of contacts per region, beside the survey figure for the region."""
    online: dict[str, int] = defaultdict(int)
    contacts: dict[str, int] = defaultdict(int)
    # The most people seen in one municipality: a floor under the region's distinct people.
    floor: dict[str, int] = defaultdict(int)
    for place, by_channel in cells.items():
        municipality = municipalities.get(place)
        if municipality is None or ALL not in by_channel:
            continue
        region = municipality.region
        contacts[region] += by_channel[ALL][0]
        floor[region] = max(floor[region], by_channel[ALL][1])
        online_people = by_channel.get(ContactChannel.ONLINE.value, (0, 0, 0))
        online[region] += online_people[0]
    references = {r.region: r.share for r in REFERENCES if r.region}
    rows = []
    for region in (FLANDERS, BRUSSELS, WALLONIA):
        measured = (
            online[region] / contacts[region]
            if contacts[region] and floor[region] >= MIN_PEOPLE
            else None
        )
        rows.append(RegionRow(region, measured, references.get(region)))
    return rows
