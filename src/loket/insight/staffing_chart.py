"""Coordinates for the staffing chart: FTE per year under each replacement ratio and the norm,
drawn as server-side SVG (the template draws; this module only places)."""

from collections.abc import Sequence
from dataclasses import dataclass

from loket.insight.staffing import Projection, ratio_label

WIDTH, HEIGHT = 560, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 110, 16, 36
# Lines differ by dash pattern and marker, so that colour is never the only difference.
DASHES = ("", "8 4", "3 3", "12 4 3 4")
MARKERS = ("circle", "square", "triangle", "diamond")


@dataclass(frozen=True)
class ChartLine:
    label: str
    points: str  # "x,y x,y …" for <polyline>
    dots: tuple[tuple[float, float], ...]
    dash: str
    marker: str
    label_y: float


@dataclass(frozen=True)
class Chart:
    service: str
    width: int
    height: int
    lines: tuple[ChartLine, ...]
    norm_y: float | None
    required: float | None
    x_ticks: tuple[tuple[float, int], ...]
    y_ticks: tuple[tuple[float, str], ...]
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int


def staffing_chart(service: str, projections: Sequence[Projection]) -> Chart:
    """One chart for `service`: one line per projection (ratio), and the norm when set."""
    years = projections[0].years
    required = projections[0].required_fte
    top_value = max([max(p.fte) for p in projections] + [required or 0.0, 1.0]) * 1.1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(i: int) -> float:
        return round(LEFT + plot_w * i / max(1, len(years) - 1), 1)

    def y(value: float) -> float:
        return round(TOP + plot_h * (1 - value / top_value), 1)

    lines = []
    for k, p in enumerate(projections):
        dots = tuple((x(i), y(v)) for i, v in enumerate(p.fte))
        lines.append(
            ChartLine(
                ratio_label(p.ratio),
                " ".join(f"{a},{b}" for a, b in dots),
                dots,
                DASHES[k % len(DASHES)],
                MARKERS[k % len(MARKERS)],
                dots[-1][1],
            )
        )
    _spread_labels(lines)
    step = _tick_step(top_value)
    y_ticks = []
    value = 0.0
    while value <= top_value:
        y_ticks.append((y(value), f"{value:g}"))
        value += step
    return Chart(
        service,
        WIDTH,
        HEIGHT,
        tuple(lines),
        None if required is None else y(required),
        required,
        tuple((x(i), year) for i, year in enumerate(years)),
        tuple(y_ticks),
        LEFT,
        WIDTH - RIGHT,
        TOP,
        HEIGHT - BOTTOM,
    )


def _tick_step(top: float) -> float:
    for step in (0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500):
        if top / step <= 6:
            return float(step)
    return 1000.0


def _spread_labels(lines: list[ChartLine], gap: float = 13.0) -> None:
    """Move end labels apart vertically so that lines ending close together stay readable."""
    order = sorted(range(len(lines)), key=lambda i: lines[i].label_y)
    last = -1e9
    for i in order:
        line = lines[i]
        wanted = max(line.label_y, last + gap)
        lines[i] = ChartLine(line.label, line.points, line.dots, line.dash, line.marker, wanted)
        last = wanted
