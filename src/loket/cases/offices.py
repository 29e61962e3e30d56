"""Offices near a citizen: the nearest offices of an agency to a postal code, by distance."""

import re
import threading
from dataclasses import dataclass
from datetime import date, time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from loket.cases.model import Office
from loket.cases.routing import UnknownPostcode
from loket.geo.coordinates import distances_km
from loket.geo.model import PostalCode
from loket.people.service import EMAIL


@dataclass(frozen=True)
class _Positions:
    ids: list[str]
    latitudes: list[float]
    longitudes: list[float]


@dataclass(frozen=True)
class NearbyOffice:
    office: Office
    distance_km: float


# Office positions per database and agency, with the fingerprint they were read under. Pages
# that rank offices by distance would otherwise read every office on every request.
_positions: dict[tuple[str, str | None], tuple[tuple[object, ...], _Positions]] = {}
_lock = threading.Lock()


def _office_positions(session: Session, agency: str | None) -> "_Positions":
    where = [Office.agency_code == agency] if agency is not None else []
    fingerprint = tuple(
        session.execute(
            select(func.count(), func.sum(Office.latitude), func.sum(Office.longitude)).where(
                *where
            )
        ).one()
    )
    key = (str(session.get_bind().engine.url), agency)
    cached = _positions.get(key)
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    rows = session.execute(
        select(Office.id, Office.latitude, Office.longitude).where(*where).order_by(Office.id)
    ).all()
    positions = _Positions(
        [r[0] for r in rows], [float(r[1]) for r in rows], [float(r[2]) for r in rows]
    )
    with _lock:
        if len(_positions) >= 16:  # many databases in one process (tests): start afresh
            _positions.clear()
        _positions[key] = (fingerprint, positions)
    return positions


def nearest_offices(
    session: Session, postcode: str, agency: str | None = None, limit: int = 3
) -> list[NearbyOffice]:
    """The `limit` offices closest to the postal code's coordinates, nearest first."""
    point = session.get(PostalCode, postcode)
    if point is None:
        raise UnknownPostcode(postcode)
    positions = _office_positions(session, agency)
    here = (point.latitude, point.longitude)
    distances = distances_km(here, positions.latitudes, positions.longitudes)
    ranked = sorted(zip(distances, positions.ids, strict=True))[:limit]
    offices = {
        o.id: o
        for o in session.scalars(select(Office).where(Office.id.in_([i for _d, i in ranked])))
    }
    return [NearbyOffice(offices[office_id], distance) for distance, office_id in ranked]


# Keys of Office.opening_hours, Monday first.
DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def opening_ranges(hours: dict[str, str], day: date) -> list[tuple[time, time]]:
    """The opening ranges of `day`, from {"tue": "09:00-12:00,13:30-16:00", …}; none on a
    day that is missing or malformed."""
    ranges = []
    for part in (hours or {}).get(DAY_KEYS[day.weekday()], "").split(","):
        start, _, end = part.strip().partition("-")
        try:
            opens, closes = time.fromisoformat(start.strip()), time.fromisoformat(end.strip())
        except ValueError:
            continue
        if opens < closes:
            ranges.append((opens, closes))
    return ranges


class UnknownOffice(LookupError):
    def __init__(self, office_id: str) -> None:
        super().__init__(f"office: {office_id!r} is not an office; see `loket offices near`")
        self.office_id = office_id


def set_office_email(session: Session, office_id: str, email: str | None) -> Office:
    """Where the office's notifications go (transfers in and out, dossiers to route); None
    stops e-mail, and the office's messages wait on its outbox page instead."""
    office = session.get(Office, office_id)
    if office is None:
        raise UnknownOffice(office_id)
    email = (email or "").strip() or None
    if email is not None and (len(email) > 254 or not re.fullmatch(EMAIL, email)):
        raise ValueError(f"email: {email!r} is not an e-mail address like ocmw@example.be")
    office.email = email
    session.flush()
    return office
