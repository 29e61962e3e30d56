"""The digital-divide map at /staff/insight/divide/: who may see it, the context figures said to
be context, the table and its CSV, and a page under 150 KB with a year of demo history."""

import csv
import io
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from loket.demo.channel_history import seed_channel_history
from loket.insight.divide_refresh import refresh
from tests.insight.divide_data import GENT, LIEGE, contacts

PAGE = "/staff/insight/divide/"
CSV = "/staff/insight/divide/divide.csv"
MAX_PAGE_BYTES = 150 * 1024


def summarised(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        contacts(session, 30, municipality=GENT, channel="online")
        contacts(session, 12, municipality=GENT, channel="counter")
        contacts(session, 9, municipality=LIEGE, channel="phone")
        refresh(session, date(2026, 12, 5), date(2026, 1, 1))


@pytest.mark.parametrize(
    ("role", "agency", "office"),
    [
        ("case-worker", "ocmw", "ocmw-44021"),
        ("counter-clerk", "ocmw", "ocmw-44021"),
        ("privacy-officer", "podmi", None),
        ("analyst", "fin", "fin-gent"),
    ],
)
def test_other_staff_are_refused(
    pages: TestClient, sign_in_staff: Callable[..., str], role: str, agency: str, office: str
) -> None:
    sign_in_staff(pages, role, agency, office)
    assert pages.get(PAGE).status_code == 403
    assert pages.get(CSV).status_code == 403


def test_a_citizen_or_nobody_is_sent_to_sign_in(
    pages: TestClient, make_citizen, sign_in_citizen
) -> None:
    assert pages.get(PAGE).status_code in (302, 303, 401)
    sign_in_citizen(pages, make_citizen())
    assert pages.get(PAGE).status_code in (302, 303, 401)
    assert pages.get(CSV).status_code in (302, 303, 401)


@pytest.mark.parametrize(
    ("role", "agency", "office"),
    [("manager", "ocmw", "ocmw-44021"), ("admin", "fin", "fin-gent"), ("analyst", "podmi", None)],
)
def test_managers_administrators_and_podmi_analysts_see_the_map(
    pages: TestClient,
    sessions: sessionmaker[Session],
    sign_in_staff: Callable[..., str],
    role: str,
    agency: str,
    office: str | None,
) -> None:
    summarised(sessions)
    sign_in_staff(pages, role, agency, office)
    page = pages.get(PAGE, params={"period": "2026"})
    assert page.status_code == 200
    html = page.text
    assert "<svg" in html and "Gent: 71% online" in html
    # Liège's nine people are suppressed on the map and in the table, never counted out.
    assert "Liège: fewer than 10 people, not shown" in html
    assert "fewer than 10 people: not shown" in html  # the legend


def test_reference_figures_are_labelled_as_context(
    pages: TestClient, sessions: sessionmaker[Session], sign_in_staff: Callable[..., str]
) -> None:
    summarised(sessions)
    sign_in_staff(pages, "manager", "ocmw", "ocmw-44021")
    html = pages.get(PAGE).text
    context = html.split('<h2 id="context">', 1)[1].split("<h2", 1)[0]
    assert "Context: survey figures, not measured here" in context
    for figure in ("Flanders 73%", "Brussels 71%", "Wallonia 62%", "about 75%"):
        assert figure in context
    assert "not measured here and not figures for a municipality" in context
    # The survey figures appear nowhere in the municipality table.
    table = html.split('<h2 id="table">', 1)[1]
    assert "73%" not in table and "(survey" not in table


def test_the_table_downloads_as_csv_without_small_cells(
    pages: TestClient, sessions: sessionmaker[Session], sign_in_staff: Callable[..., str]
) -> None:
    summarised(sessions)
    sign_in_staff(pages, "manager", "ocmw", "ocmw-44021")
    response = pages.get(CSV, params={"period": "2026", "service": "*"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = {row["refnis"]: row for row in csv.DictReader(io.StringIO(response.text))}
    assert rows[GENT]["people"] == "42"
    assert rows[GENT]["share_online"] == f"{30 / 42:.4f}"
    assert rows[GENT]["share_phone"] == ""  # nobody: suppressed like any cell under 10
    assert rows[LIEGE]["people"] == "" and rows[LIEGE]["share_phone"] == ""


def test_the_page_stays_under_150_kb_with_a_year_of_demo_history(
    pages: TestClient, sessions: sessionmaker[Session], sign_in_staff: Callable[..., str]
) -> None:
    today = date.today()
    with sessions.begin() as session:
        seed_channel_history(session, seed=1, people=40_000, today=today)
        refresh(session, today, today - timedelta(days=366))
    sign_in_staff(pages, "manager", "ocmw", "ocmw-44021")
    page = pages.get(PAGE)
    assert page.status_code == 200
    assert page.text.count("<path d=") > 500  # every municipality drawn
    assert len(page.content) <= MAX_PAGE_BYTES, len(page.content)


@pytest.mark.parametrize(
    ("role", "agency", "office", "offered"),
    [
        ("analyst", "podmi", None, True),
        ("manager", "ocmw", "ocmw-44021", True),
        ("case-worker", "ocmw", "ocmw-44021", False),
        ("analyst", "fin", "fin-gent", False),
    ],
)
def test_the_staff_menu_offers_the_map_to_those_who_may_see_it(
    pages: TestClient,
    sign_in_staff: Callable[..., str],
    role: str,
    agency: str,
    office: str | None,
    offered: bool,
) -> None:
    sign_in_staff(pages, role, agency, office)
    link = f'<a href="{PAGE}"'
    assert (link in pages.get("/staff/").text) is offered
    if offered:
        on_map = pages.get(PAGE).text
        assert f'{link} aria-current="page">' in on_map
        # The caseload page's link is not marked current while the map is shown.
        assert '<a href="/staff/insight/" aria-current="page">' not in on_map
