"""Postcode routing: which office of an agency is competent for a postal code on a day.

Rule: a jurisdiction row for the postal code itself wins; otherwise the row for the municipality
the postal code lies in; otherwise a national row (neither postal code nor municipality). A postal
code that covers several municipalities is ambiguous unless the agency routes it by postal code.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket.cases.model import Agency, Jurisdiction, Office
from loket.geo.model import Municipality, PostalCode, PostalCodeMunicipality


class RoutingError(LookupError):
    """No single competent office could be named."""


class UnknownAgency(RoutingError):
    def __init__(self, agency: str, known: list[str]) -> None:
        super().__init__(f"agency {agency!r} is unknown; known agencies: {', '.join(known)}")
        self.agency = agency


class UnknownPostcode(RoutingError):
    def __init__(self, postcode: str) -> None:
        super().__init__(f"postal code {postcode!r} is not a Belgian postal code")
        self.postcode = postcode


@dataclass(frozen=True)
class Candidate:
    municipality: str
    municipality_name: str
    office_id: str | None


class AmbiguousPostcode(RoutingError):
    def __init__(self, postcode: str, candidates: list[Candidate]) -> None:
        names = " and ".join(c.municipality_name for c in candidates)
        codes = " or ".join(c.municipality for c in candidates)
        super().__init__(
            f"postal code {postcode} covers {names}; give the municipality to choose ({codes})"
        )
        self.postcode = postcode
        self.candidates = candidates


class NoJurisdiction(RoutingError):
    def __init__(self, postcode: str, agency: str, on: date) -> None:
        super().__init__(f"no office of {agency} is competent for {postcode} on {on.isoformat()}")
        self.postcode = postcode
        self.agency = agency


@dataclass(frozen=True)
class OfficeRef:
    id: str
    name: str
    municipality: str

    def as_json(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "municipality": self.municipality}


# (valid_from, valid_to or None, office id)
_Period = tuple[date, date | None, str]


def _pick(periods: list[_Period] | None, on: date) -> str | None:
    if not periods:
        return None
    for valid_from, valid_to, office_id in periods:
        if valid_from <= on and (valid_to is None or on < valid_to):
            return office_id
    return None


class Router:
    """An in-memory snapshot of geography and jurisdiction, for fast repeated routing."""

    def __init__(
        self,
        municipalities_of: dict[str, tuple[str, ...]],
        municipality_names: dict[str, str],
        offices: dict[str, OfficeRef],
        by_postcode: dict[tuple[str, str], list[_Period]],
        by_municipality: dict[tuple[str, str], list[_Period]],
        national: dict[str, list[_Period]],
        agencies: list[str],
    ) -> None:
        self._municipalities_of = municipalities_of
        self._municipality_names = municipality_names
        self._offices = offices
        self._by_postcode = by_postcode
        self._by_municipality = by_municipality
        self._national = national
        self.agencies = agencies

    @classmethod
    def load(cls, session: Session) -> "Router":
        links: dict[str, list[str]] = defaultdict(list)
        for code, refnis in session.execute(
            select(PostalCodeMunicipality.postal_code, PostalCodeMunicipality.municipality_refnis)
        ):
            links[code].append(refnis)
        for code in session.scalars(select(PostalCode.code)):
            links.setdefault(code, [])
        names = dict(session.execute(select(Municipality.refnis, Municipality.name_nl)).all())
        offices = {
            o.id: OfficeRef(o.id, o.name, o.municipality_refnis)
            for o in session.scalars(select(Office))
        }
        by_postcode: dict[tuple[str, str], list[_Period]] = defaultdict(list)
        by_municipality: dict[tuple[str, str], list[_Period]] = defaultdict(list)
        national: dict[str, list[_Period]] = defaultdict(list)
        for row in session.scalars(select(Jurisdiction).order_by(Jurisdiction.valid_from.desc())):
            period = (row.valid_from, row.valid_to, row.office_id)
            if row.postal_code:
                by_postcode[(row.agency_code, row.postal_code)].append(period)
            elif row.municipality_refnis:
                by_municipality[(row.agency_code, row.municipality_refnis)].append(period)
            else:
                national[row.agency_code].append(period)
        agencies = sorted(session.scalars(select(Agency.code)))
        return cls(
            {code: tuple(sorted(r)) for code, r in links.items()},
            names,
            offices,
            dict(by_postcode),
            dict(by_municipality),
            dict(national),
            agencies,
        )

    def is_known(self, postcode: str) -> bool:
        return postcode in self._municipalities_of

    def municipalities(self, postcode: str) -> tuple[str, ...]:
        return self._municipalities_of.get(postcode, ())

    def office(self, office_id: str) -> OfficeRef:
        return self._offices[office_id]

    def route(
        self,
        postcode: str,
        agency: str,
        on: date | None = None,
        municipality: str | None = None,
    ) -> OfficeRef:
        """The competent office, or UnknownPostcode, AmbiguousPostcode or NoJurisdiction.

        `municipality` (a REFNIS code) settles an ambiguous postal code when the caller knows it.
        """
        day = on or date.today()
        if agency not in self.agencies:
            raise UnknownAgency(agency, self.agencies)
        refnis_list = self._municipalities_of.get(postcode)
        if refnis_list is None:
            raise UnknownPostcode(postcode)
        office_id = _pick(self._by_postcode.get((agency, postcode)), day)
        if office_id is None:
            if municipality is not None and municipality in refnis_list:
                refnis_list = (municipality,)
            # Only an agency competent by municipality needs to know which municipality it is;
            # asked only for a postal code of several municipalities, as the check is not free.
            if len(refnis_list) > 1 and any(
                _pick(self._by_municipality.get((agency, r)), day) for r in refnis_list
            ):
                raise AmbiguousPostcode(
                    postcode,
                    [
                        Candidate(
                            r,
                            self._municipality_names.get(r, r),
                            _pick(self._by_municipality.get((agency, r)), day)
                            or _pick(self._national.get(agency), day),
                        )
                        for r in refnis_list
                    ],
                )
            if refnis_list:
                office_id = _pick(self._by_municipality.get((agency, refnis_list[0])), day)
            if office_id is None:
                office_id = _pick(self._national.get(agency), day)
        if office_id is None:
            raise NoJurisdiction(postcode, agency, day)
        return self._offices[office_id]


def route(session: Session, postcode: str, agency: str, on: date | None = None) -> OfficeRef:
    """The competent office of `agency` for `postcode` on `on` (today by default)."""
    return Router.load(session).route(postcode, agency, on)
