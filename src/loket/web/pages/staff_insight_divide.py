"""The digital-divide map at /staff/insight/divide/: per municipality the people served and the
share of contacts by channel as a choropleth and a table, the online-form funnel, survey figures
as context, where outreach reaches most people, and the table as CSV.

Everything comes from the pre-computed summary (`loket insight refresh`); who may see it and
which cells are suppressed is decided by `loket.insight.divide`.
"""

import csv
import io
from datetime import date
from functools import cache
from typing import Any

from babel.dates import format_date as babel_date
from fastapi import APIRouter, Request
from fastapi.responses import Response
from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm import Session

from loket.applications.forms import SERVICES, all_steps
from loket.contact.callbacks import TOPIC_LABELS
from loket.geo.model import Municipality
from loket.insight.channels import VISIT_SERVICE
from loket.insight.channels_model import ContactChannel
from loket.insight.divide import (
    BRUSSELS,
    CHANNELS,
    FLANDERS,
    MIN_PEOPLE,
    REFERENCES,
    WALLONIA,
    DivideView,
    divide_view,
    may_see_divide,
)
from loket.insight.divide_refresh import ALL, parse_period
from loket.insight.map_shapes import municipality_paths
from loket.insight.map_svg import Shade, class_labels, divide_map_svg
from loket.texts import N_
from loket.web import i18n
from loket.web.db import SessionDep
from loket.web.pages.rendering import csv_download, gettext_for, language_of, render
from loket.web.pages.staff import forbidden, require_staff
from loket.web.pages.viewer import Viewer, ViewerDep

router = APIRouter(include_in_schema=False)

CHANNEL_LABELS = {
    ContactChannel.ONLINE.value: N_("Online"),
    ContactChannel.ASSISTED_ONLINE.value: N_("Online with help from staff"),
    ContactChannel.PHONE.value: N_("By phone"),
    ContactChannel.COUNTER.value: N_("At the counter"),
}
REGION_LABELS = {FLANDERS: N_("Flanders"), BRUSSELS: N_("Brussels"), WALLONIA: N_("Wallonia")}
CHECK_STEP = N_("Check your answers")
# Short names of the form steps for the municipality table, where space is short.
SHORT_STEP_LABELS = {
    "identity": N_("identity"),
    "address": N_("address"),
    "municipality": N_("municipality"),
    "household": N_("household"),
    "income": N_("income"),
    "details": N_("details"),
    "question": N_("question"),
    "change": N_("change"),
    "check": N_("check"),
}
# The steps shown per municipality in the table (the CSV has them all).
TABLE_STEPS = 2


def step_labels() -> dict[str, str]:
    """Step code → its title (to translate), over every service."""
    labels = {"check": CHECK_STEP}
    for service in SERVICES.values():
        labels.update({step.name: step.title for step in all_steps(service)})
    return labels


def service_labels() -> dict[str, str]:
    labels = {kind: service.title for kind, service in SERVICES.items()}
    for topic, label in TOPIC_LABELS.items():
        labels.setdefault(topic, label)
    labels[VISIT_SERVICE] = TOPIC_LABELS.get(VISIT_SERVICE, N_("Something else"))
    return labels


def period_label(key: str, language: str, _: Any) -> str:
    period = parse_period(key)
    if period is None or len(key) == 4:
        return key
    if "Q" in key:
        return str(_("Quarter %(number)s of %(year)s") % {"number": key[-1], "year": key[:4]})
    return babel_date(period.first, "LLLL y", locale=i18n.locale_of(language))


class Numbers:
    """Whole percentages and counts in the reader's notation, like Babel's but cheap enough for
    the thousands of cells of the table (Babel takes about 0.1 ms a number)."""

    def __init__(self, language: str) -> None:
        sample = i18n.format_number(0.5, language, "#,##0%")
        self.percent_pattern = sample.replace("50", "{}", 1)
        self.group = i18n.format_number(1000, language).replace("1", "", 1).replace("000", "")

    def percent(self, share: float) -> str:
        return self.percent_pattern.format(self.count(round(share * 100)))

    def count(self, number: int) -> str:
        return f"{number:,}".replace(",", self.group)


@cache
def numbers(language: str) -> Numbers:
    return Numbers(language)


def _percent(language: str) -> Any:
    return numbers(language).percent


def _centroids(session: Session) -> tuple[tuple[str, float, float], ...]:
    rows = session.execute(
        select(Municipality.refnis, Municipality.latitude, Municipality.longitude)
        .where(Municipality.latitude.is_not(None), Municipality.longitude.is_not(None))
        .order_by(Municipality.refnis)
    )
    return tuple(
        (r, float(lat), float(lon)) for r, lat, lon in rows if lat is not None and lon is not None
    )


def _map(session: Session, view: DivideView, language: str, _: Any) -> Markup:
    percent = _percent(language)
    shades = []
    for row in view.rows:
        share = row.online
        figure = (
            _("%(share)s online") % {"share": percent(share)}
            if share is not None
            else _("fewer than %(n)s people, not shown") % {"n": MIN_PEOPLE}
        )
        shades.append(Shade(row.refnis, f"{row.name}: {figure}", share))
    svg = divide_map_svg(
        municipality_paths(_centroids(session)),
        shades,
        title=_("Share of contacts made online, per municipality"),
        description=_(
            "A map of Belgium's municipalities, darker where more contacts were made online; "
            "hatched where fewer than %(n)s people were served; the table below gives every "
            "figure."
        )
        % {"n": MIN_PEOPLE},
        legend=class_labels(percent),
        suppressed_label=_("fewer than %(n)s people: not shown") % {"n": MIN_PEOPLE},
        no_data_label=_("no contacts recorded"),
    )
    return Markup(svg)


def table_rows(view: DivideView, language: str, _: Any) -> Markup:
    """The rows of the municipality table, written here rather than in the template: 565 rows
    of seven cells are the bulk of the page and Jinja would take most of its time."""
    figures = numbers(language)
    hidden = escape(f"<{MIN_PEOPLE}")
    steps = {code: escape(_(label)) for code, label in SHORT_STEP_LABELS.items()}
    lines = []
    for row in view.rows:
        cells = [figures.count(row.people) if row.people is not None else hidden]
        cells += [
            figures.percent(share) if share is not None else hidden
            for share in (row.shares[c.value] for c in CHANNELS)
        ]
        dropped = "; ".join(
            f"{steps.get(step, escape(step))} {n}" for step, n in row.dropouts[:TABLE_STEPS]
        )
        lines.append(
            f"<tr><th>{escape(row.name)}</th><td>{'</td><td>'.join(cells)}</td>"
            f"<td>{dropped}</td></tr>"
        )
    return Markup("\n".join(lines))


def _refused(request: Request) -> Response:
    _ = gettext_for(request)
    return forbidden(
        request,
        _("Digital divide"),
        _(
            "Only managers, administrators and the analysts of the POD MI see the "
            "digital-divide map."
        ),
    )


def _view(
    request: Request, session: Session, viewer: Viewer, period: str, service: str
) -> DivideView | Response:
    """The figures asked for, or the page refusing a reader who may not see them."""
    if not may_see_divide(require_staff(viewer)):
        return _refused(request)
    return divide_view(session, period[:7], service[:32])


@router.get("/staff/insight/divide/")
def divide_page(
    request: Request, session: SessionDep, viewer: ViewerDep, period: str = "", service: str = ""
) -> Response:
    view = _view(request, session, viewer, period, service)
    if isinstance(view, Response):
        return view
    language = language_of(request)
    _ = gettext_for(request)
    context: dict[str, Any] = {
        "view": view,
        "numbers": numbers(language),
        "table_rows": table_rows(view, language, _),
        "map": _map(session, view, language, _) if view.period else Markup(""),
        "channels": [c.value for c in CHANNELS],
        "channel_labels": CHANNEL_LABELS,
        "region_labels": REGION_LABELS,
        "step_labels": step_labels(),
        "short_steps": SHORT_STEP_LABELS,
        "table_steps": TABLE_STEPS,
        "service_labels": service_labels(),
        "periods": [(p, period_label(p, language, _)) for p in view.periods],
        "period_name": period_label(view.period, language, _) if view.period else "",
        "references": REFERENCES,
        "min_people": MIN_PEOPLE,
        "all": ALL,
        "csv_query": f"period={view.period}&service={view.service}",
    }
    return render(request, "staff/insight/divide.html", context)


def divide_csv(view: DivideView, language: str, _: Any) -> str:
    """The municipality table as CSV: shares as fractions, suppressed cells empty."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["refnis", "municipality", "people", *(f"share_{c.value}" for c in CHANNELS)]
        + ["reachable", "dropouts_by_step"]
    )
    for row in view.rows:
        writer.writerow(
            [row.refnis, row.name, "" if row.people is None else row.people]
            + [
                "" if row.shares[c.value] is None else f"{row.shares[c.value]:.4f}"
                for c in CHANNELS
            ]
            + [
                "" if row.reachable is None else row.reachable,
                "; ".join(
                    f"{_(SHORT_STEP_LABELS.get(step, step))} {n}" for step, n in row.dropouts
                ),
            ]
        )
    return out.getvalue()


@router.get("/staff/insight/divide/divide.csv")
def divide_export(
    request: Request, session: SessionDep, viewer: ViewerDep, period: str = "", service: str = ""
) -> Response:
    view = _view(request, session, viewer, period, service)
    if isinstance(view, Response):
        return view
    body = divide_csv(view, language_of(request), gettext_for(request))
    return csv_download(request, body, f"digital-divide-{view.period or date.today().year}.csv")
