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
    # Rank on the coordinates alone, then load only the offices shown: an agency may have
    # hundreds of offices and a page wants three.
    query = select(Office.id, Office.latitude, Office.longitude)
    if agency is not None:
        query = query.where(Office.agency_code == agency)
    here = (point.latitude, point.longitude)
    ranked = sorted(
        (distance_km(here, (latitude, longitude)), office_id)
        for office_id, latitude, longitude in session.execute(query)
    )[:limit]
    offices = {
        o.id: o
        for o in session.scalars(select(Office).where(Office.id.in_([i for _d, i in ranked])))
    }
    return [NearbyOffice(offices[office_id], distance) for distance, office_id in ranked]
