"""Small office maps drawn on the server as SVG from the reference geography: no tile server,
no script. Coordinates are projected to Belgian Lambert 2008 so distances look true.

The map is decoration for sighted readers; every page that shows one also lists the offices
in text, and the SVG carries a title and a description for screen readers.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import escape
from sqlalchemy import select
from sqlalchemy.orm import Session

from loket.geo.coordinates import to_lambert_2008
from loket.geo.model import Municipality

WIDTH = 320
HEIGHT = 240
MARGIN = 24
MIN_SPAN_METRES = 4000.0
MAX_CONTEXT_DOTS = 150


@dataclass(frozen=True)
class MapPoint:
    """An office to draw: numbered in the order given, as in the text list beside the map."""

    label: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Frame:
    """The area shown, in Lambert 2008 metres."""

    min_x: float
    min_y: float
    max_x: float
    max_y: float

    @classmethod
    def around(cls, xy: Sequence[tuple[float, float]]) -> "Frame":
        xs, ys = [p[0] for p in xy], [p[1] for p in xy]
        cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
        span_x = max(max(xs) - min(xs), MIN_SPAN_METRES) * 1.15
        span_y = max(max(ys) - min(ys), MIN_SPAN_METRES) * 1.15
        # Keep the aspect of the drawing, so a kilometre is as long across as down.
        inner = (WIDTH - 2 * MARGIN) / (HEIGHT - 2 * MARGIN)
        if span_x / span_y < inner:
            span_x = span_y * inner
        else:
            span_y = span_x / inner
        return cls(cx - span_x / 2, cy - span_y / 2, cx + span_x / 2, cy + span_y / 2)

    def contains(self, x: float, y: float) -> bool:
        return self.min_x <= x <= self.max_x and self.min_y <= y <= self.max_y

    def to_svg(self, x: float, y: float) -> tuple[float, float]:
        scale = (WIDTH - 2 * MARGIN) / (self.max_x - self.min_x)
        # SVG's y axis points down; Lambert's north points up.
        return (
            round(MARGIN + (x - self.min_x) * scale, 1),
            round(MARGIN + (self.max_y - y) * scale, 1),
        )


def context_points(
    session: Session, points: Sequence[tuple[float, float]]
) -> list[tuple[float, float]]:
    """(latitude, longitude) of the municipalities around `points`, for faint context dots."""
    frame = Frame.around([to_lambert_2008(lat, lon) for lat, lon in points])
    rows = session.execute(
        select(Municipality.latitude, Municipality.longitude).where(
            Municipality.lambert_x.between(frame.min_x, frame.max_x),
            Municipality.lambert_y.between(frame.min_y, frame.max_y),
        )
    ).all()
    found = [(lat, lon) for lat, lon in rows if lat is not None and lon is not None]
    return found[:MAX_CONTEXT_DOTS]


def office_map_svg(
    points: Sequence[MapPoint],
    here: tuple[float, float] | None,
    *,
    title: str = "Map of the nearest offices",
    description: str = "",
    here_label: str = "You",
    context: Sequence[tuple[float, float]] = (),
    map_id: str = "office-map",
) -> str:
    """An SVG map: the citizen's postal code as a marked point, each office a numbered circle,
    municipalities around as faint dots. Every text is escaped."""
    lambert = [to_lambert_2008(p.latitude, p.longitude) for p in points]
    here_xy = to_lambert_2008(*here) if here is not None else None
    framed = lambert + ([here_xy] if here_xy else [])
    frame = Frame.around(framed or [(650000.0, 670000.0)])
    safe_id = "".join(c for c in map_id if c.isalnum() or c == "-") or "office-map"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="map" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" '
        f'aria-labelledby="{safe_id}-title {safe_id}-desc">',
        f'<title id="{safe_id}-title">{escape(title)}</title>',
        f'<desc id="{safe_id}-desc">{escape(description)}</desc>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#f8f8f8"/>',
        '<g fill="#b1b4b6">',
    ]
    for lat, lon in context:
        x, y = to_lambert_2008(lat, lon)
        if frame.contains(x, y):
            sx, sy = frame.to_svg(x, y)
            parts.append(f'<circle cx="{sx}" cy="{sy}" r="2"/>')
    parts.append("</g>")
    if here_xy is not None:
        sx, sy = frame.to_svg(*here_xy)
        parts.append(
            f'<g class="here"><rect x="{sx - 6}" y="{sy - 6}" width="12" height="12" '
            f'fill="#b10e1e" stroke="#1b1b1b" stroke-width="1.5"/>'
            f'<text x="{sx + 9}" y="{sy + 4}" font-size="12" fill="#1b1b1b">'
            f"{escape(here_label)}</text></g>"
        )
    for number, (point, (x, y)) in enumerate(zip(points, lambert, strict=True), start=1):
        sx, sy = frame.to_svg(x, y)
        parts.append(
            f'<g class="office"><title>{number}. {escape(point.label)}</title>'
            f'<circle cx="{sx}" cy="{sy}" r="10" fill="#0b4f9c" stroke="#fff" '
            f'stroke-width="2"/><text x="{sx}" y="{sy + 4}" font-size="12" '
            f'text-anchor="middle" fill="#fff" font-weight="700">{number}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)
