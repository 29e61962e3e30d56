"""Offices near a citizen: the nearest offices of an agency to a postal code, by distance."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket.cases.model import Office
from loket.cases.routing import UnknownPostcode
from loket.geo.coordinates import distance_km
from loket.geo.model import PostalCode


@dataclass(frozen=True)
class NearbyOffice:
    office: Office
    distance_km: float


def nearest_offices(
    session: Session, postcode: str, agency: str | None = None, limit: int = 3
) -> list[NearbyOffice]:
    """The `limit` offices closest to the postal code's coordinates, nearest first."""
    point = session.get(PostalCode, postcode)
    if point is None:
        raise UnknownPostcode(postcode)
    query = select(Office)
    if agency is not None:
        query = query.where(Office.agency_code == agency)
    here = (point.latitude, point.longitude)
    ranked = sorted(
        (
            NearbyOffice(o, distance_km(here, (o.latitude, o.longitude)))
            for o in session.scalars(query)
        ),
        key=lambda n: (n.distance_km, n.office.id),
    )
    return ranked[:limit]
