"""The digital-divide choropleth: every municipality shaded by the share of its contacts made
online, suppressed municipalities hatched, drawn on the server as SVG (no script, no style
sheet: the page's content security policy allows neither inline).

The map is for sighted readers; the page lists every figure in a table, each municipality has a
<title> (its name and figure) and the SVG a title and a description.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import escape

from loket.insight.map_shapes import MAP_HEIGHT, MAP_WIDTH

# A sequential blue scale that stays distinct for colour-blind readers and in grey print.
CLASSES = (
    (0.00, "#eff3ff"),
    (0.30, "#bdd7e7"),
    (0.45, "#6baed6"),
    (0.60, "#3182bd"),
    (0.75, "#08519c"),
)
NO_DATA = "#ffffff"
LEGEND_ROW = 11
# The legend sits in the empty south-west corner of the map (units of a kilometre).
LEGEND_AT = (4, 150)
HATCH_ID = "divide-hatch"


@dataclass(frozen=True)
class Shade:
    """What to draw for one municipality: its online share, None when suppressed."""

    refnis: str
    label: str
    share: float | None


def class_of(share: float) -> int:
    """The legend class of a share: the last lower bound it reaches."""
    return max(i for i, (bound, _colour) in enumerate(CLASSES) if share >= bound)


def class_labels(percent: Callable[[float], str]) -> list[str]:
    """ "under 30%", "30% to 45%" … "75% and more", in the reader's number format."""
    bounds = [b for b, _ in CLASSES]
    labels = []
    for i, bound in enumerate(bounds):
        if i == 0:
            labels.append(f"< {percent(bounds[1])}")
        elif i == len(bounds) - 1:
            labels.append(f"≥ {percent(bound)}")
        else:
            labels.append(f"{percent(bound)} – {percent(bounds[i + 1])}")
    return labels


def divide_map_svg(
    paths: dict[str, str],
    shades: Sequence[Shade],
    *,
    title: str,
    description: str,
    legend: Sequence[str],
    suppressed_label: str,
    no_data_label: str,
    map_id: str = "divide-map",
) -> str:
    """The SVG: one group per class so that each path carries no colour of its own."""
    safe_id = "".join(c for c in map_id if c.isalnum() or c == "-") or "divide-map"
    height = MAP_HEIGHT
    groups: dict[str, list[str]] = {}
    seen = set()
    for shade in shades:
        d = paths.get(shade.refnis)
        if not d:
            continue
        seen.add(shade.refnis)
        key = "s" if shade.share is None else str(class_of(shade.share))
        groups.setdefault(key, []).append(
            f'<path d="{d}"><title>{escape(shade.label)}</title></path>'
        )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="map divide-map" '
        f'viewBox="0 0 {MAP_WIDTH} {height}" width="{MAP_WIDTH}" height="{height}" '
        f'role="img" aria-labelledby="{safe_id}-title {safe_id}-desc">',
        f'<title id="{safe_id}-title">{escape(title)}</title>',
        f'<desc id="{safe_id}-desc">{escape(description)}</desc>',
        f'<defs><pattern id="{HATCH_ID}" width="3" height="3" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="3" height="3" fill="#dedede"/>'
        '<path d="M0 0v3" stroke="#6f777b" stroke-width="1"/></pattern></defs>',
        '<g stroke="#ffffff" stroke-width="0.3" stroke-linejoin="round">',
    ]
    empty = [d for r, d in paths.items() if r not in seen and d]
    if empty:
        parts.append(f'<g fill="{NO_DATA}" stroke="#b1b4b6"><path d="{"".join(empty)}"/></g>')
    for key, items in groups.items():
        fill = f"url(#{HATCH_ID})" if key == "s" else CLASSES[int(key)][1]
        parts.append(f'<g fill="{fill}">{"".join(items)}</g>')
    parts.append("</g>")
    parts.extend(_legend(legend, suppressed_label, no_data_label))
    parts.append("</svg>")
    return "".join(parts)


def _legend(legend: Sequence[str], suppressed_label: str, no_data_label: str) -> list[str]:
    rows = [(colour, text) for (_b, colour), text in zip(CLASSES, legend, strict=True)]
    rows += [(f"url(#{HATCH_ID})", suppressed_label), (NO_DATA, no_data_label)]
    parts = [
        f'<g class="legend" font-size="8" fill="#1b1b1b" '
        f'transform="translate({LEGEND_AT[0]} {LEGEND_AT[1]})">'
    ]
    for i, (fill, text) in enumerate(rows):
        y = i * LEGEND_ROW
        parts.append(
            f'<rect x="0" y="{y}" width="10" height="8" fill="{fill}" stroke="#505a5f" '
            f'stroke-width="0.5"/><text x="13" y="{y + 7}">{escape(text)}</text>'
        )
    parts.append("</g>")
    return parts
