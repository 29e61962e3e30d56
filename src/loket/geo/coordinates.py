"""Coordinates and distances: WGS84 to Belgian Lambert 2008 (EPSG:3812) and geodesic distance."""

from functools import lru_cache

from pyproj import Geod, Transformer

LAMBERT_2008 = "EPSG:3812"
WGS84 = "EPSG:4326"


@lru_cache(maxsize=1)
def _to_lambert() -> Transformer:
    return Transformer.from_crs(WGS84, LAMBERT_2008, always_xy=True)


@lru_cache(maxsize=1)
def _geod() -> Geod:
    return Geod(ellps="WGS84")


def to_lambert_2008(latitude: float, longitude: float) -> tuple[float, float]:
    """(x, y) in metres in Belgian Lambert 2008 for a WGS84 latitude and longitude."""
    x, y = _to_lambert().transform(longitude, latitude)
    return float(x), float(y)


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Geodesic distance in kilometres between two (latitude, longitude) points on WGS84."""
    _, _, metres = _geod().inv(a[1], a[0], b[1], b[0])
    return float(metres) / 1000.0


def distances_km(
    here: tuple[float, float], latitudes: list[float], longitudes: list[float]
) -> list[float]:
    """Geodesic distances in kilometres from `here` to many points, in one call to PROJ."""
    if not latitudes:
        return []
    count = len(latitudes)
    _, _, metres = _geod().inv([here[1]] * count, [here[0]] * count, longitudes, latitudes)
    return [float(m) / 1000.0 for m in metres]
