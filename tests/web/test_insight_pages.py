"""The staff queue's due dates, filters, pages and assignment, and the managers' page."""

import csv
import io
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from loket.cases.choices import DossierStatus
from loket.cases.dossiers import change_status, dossier_history, open_dossier
from loket.cases.model import Dossier
from loket.insight.caseload_model import OfficeMonth
from loket.insight.staffing_model import OfficePopulation, StaffMember
from loket.insight.staffing_norms import ensure_default_norms
from loket.insight.staffing_service import CSV_COLUMNS
from tests.factories import citizen_at
from tests.web.conftest import csrf_of, post_form

GENT = "ocmw-44021"
TODAY = date.today()


def open_in_gent(
    sessions: sessionmaker[Session], case_type: str, days_ago: int, status: str = "requested"
) -> str:
    with sessions.begin() as session:
        citizen = citizen_at(session, "9000")
        dossier = open_dossier(
            session,
            insz=citizen.insz,
            agency="ocmw",
            case_type=case_type,
            on=TODAY - timedelta(days=days_ago),
            status=DossierStatus(status),
        )
        return dossier.reference


def rows_of(page: str) -> list[str]:
    """The references in the queue's dossier table, in order."""
    table = page.split("<caption>Open dossiers of your office", 1)[1].split("</table>", 1)[0]
    return [part.split('"', 1)[0] for part in table.split('href="/staff/dossiers/')[1:]]


def test_a_living_wage_request_of_31_days_is_overdue_and_first(
    pages: TestClient, sessions: sessionmaker[Session], sign_in_staff: Callable[..., str]
) -> None:
    debt = open_in_gent(sessions, "debt-mediation", 400)  # no legal term: last
    recent = open_in_gent(sessions, "leefloon", 3)  # due in 27 days
    late = open_in_gent(sessions, "leefloon", 31)  # due yesterday
    running = open_in_gent(sessions, "leefloon", 900, "active")  # decided: no due date
    sign_in_staff(pages)
    page = pages.get("/staff/").text
    assert rows_of(page) == [late, recent, running, debt]
    late_row = page.split(late, 2)[2].split("</tr>", 1)[0]
    assert "Overdue" in late_row
    assert "Overdue" not in page.split(recent, 2)[2].split("</tr>", 1)[0]
    assert "No legal term" in page.split(debt, 2)[2].split("</tr>", 1)[0]


def test_deciding_removes_the_due_date_and_counts_the_decision_in_term(
    sessions: sessionmaker[Session],
) -> None:
    late = open_in_gent(sessions, "leefloon", 40)
    quick = open_in_gent(sessions, "leefloon", 10)
    with sessions.begin() as session:
        change_status(session, late, DossierStatus.IN_REVIEW, on=TODAY)
        change_status(session, late, DossierStatus.ACTIVE, on=TODAY)
        change_status(session, quick, DossierStatus.REFUSED, on=TODAY)
    with sessions() as session:
        assert (
            session.scalar(select(Dossier.decision_due_on).where(Dossier.reference == late)) is None
        )
        month = session.scalars(
            select(OfficeMonth).where(
                OfficeMonth.office_id == GENT, OfficeMonth.month == TODAY.replace(day=1)
            )
        ).one()
        assert (month.decided, month.decided_in_term) == (2, 1)


def test_filters_and_pages(
    pages: TestClient, sessions: sessionmaker[Session], sign_in_staff: Callable[..., str]
) -> None:
    me = sign_in_staff(pages, role="case-worker")
    mine = open_in_gent(sessions, "leefloon", 5)
    other = open_in_gent(sessions, "debt-mediation", 5, "in-review")
    with sessions.begin() as session:
        session.scalars(select(Dossier).where(Dossier.reference == mine)).one().assigned_worker = me
    assert rows_of(pages.get("/staff/?who=mine").text) == [mine]
    assert rows_of(pages.get("/staff/?who=unassigned").text) == [other]
    assert rows_of(pages.get("/staff/?type=debt-mediation").text) == [other]
    assert rows_of(pages.get("/staff/?status=requested").text) == [mine]
    assert "No open dossier matches" in pages.get("/staff/?type=leefloon&status=in-review").text
    # 52 dossiers: two pages of 50 and 2.
    for _ in range(50):
        open_in_gent(sessions, "leefloon", 1)
    first = pages.get("/staff/").text
    assert len(rows_of(first)) == 50 and "Page 1 of 2 (52 dossiers)" in first
    assert 'href="/staff/?page=2"' in first
    second = pages.get("/staff/?page=2").text
    assert len(rows_of(second)) == 2 and "Previous page" in second
    assert pages.get("/staff/?page=999").status_code == 200  # the last page, not an error


def test_a_queue_longer_than_its_pages_is_walked_in_due_order_and_says_there_are_more(
    pages: TestClient,
    sessions: sessionmaker[Session],
    sign_in_staff: Callable[..., str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from loket.insight import deadlines_queue

    monkeypatch.setattr(deadlines_queue, "PAGE_SIZE", 2)
    monkeypatch.setattr(deadlines_queue, "MAX_PAGE", 1)
    late = open_in_gent(sessions, "leefloon", 40)
    due = open_in_gent(sessions, "leefloon", 20)
    open_in_gent(sessions, "debt-mediation", 300)
    sign_in_staff(pages)
    page = pages.get("/staff/").text
    assert rows_of(page) == [late, due]
    assert "More dossiers match" in page
    assert rows_of(pages.get("/staff/?type=leefloon").text) == [late, due]


def test_a_dossier_is_assigned_only_within_its_office_and_the_history_says_so(
    pages: TestClient, sessions: sessionmaker[Session], sign_in_staff: Callable[..., str]
) -> None:
    colleague = sign_in_staff(pages, role="case-worker")
    me = sign_in_staff(pages, role="case-worker")
    stranger = sign_in_staff(TestClient(pages.app), role="case-worker", office="ocmw-11002")
    own = open_in_gent(sessions, "leefloon", 2)
    with sessions.begin() as session:
        antwerp = citizen_at(session, "2000")
        elsewhere = open_dossier(
            session, insz=antwerp.insz, agency="ocmw", case_type="leefloon"
        ).reference
    assert (
        post_form(pages, f"/staff/dossiers/{own}/assign", {"worker": stranger}).status_code == 400
    )
    assert (
        post_form(pages, f"/staff/dossiers/{elsewhere}/assign", {"worker": me}).status_code == 404
    )
    forged = pages.post(
        f"/staff/dossiers/{own}/assign", data={"worker": colleague, "csrf_token": "x"}
    )
    assert forged.status_code == 403
    done = post_form(pages, f"/staff/dossiers/{own}/assign", {"worker": colleague})
    assert done.status_code == 303
    with sessions() as session:
        dossier = session.scalars(select(Dossier).where(Dossier.reference == own)).one()
        assert dossier.assigned_worker == colleague
        line = dossier_history(session, dossier.id)[-1]
        assert (line.kind, line.reason, line.actor) == ("assigned", colleague, me)
    assert "The dossier is assigned." in pages.get(done.headers["location"]).text
    assert "Assigned to a worker" in pages.get(f"/staff/dossiers/{own}").text
    assert csrf_of(pages)


def seed_staffing(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        ensure_default_norms(session)
        session.add(
            OfficePopulation(
                office_id=GENT, inhabitants=260000, counted_on=date(2024, 1, 1), source="test"
            )
        )
        session.add_all(
            StaffMember(
                office_id=GENT,
                service="critical",
                fte=1.0,
                birth_year=TODAY.year - age,
                retirement_age=67,
            )
            for age in (66, 65, 40, 30)
        )
    open_in_gent(sessions, "leefloon", 45)


def test_the_manager_sees_load_trend_and_projection(
    pages: TestClient, sessions: sessionmaker[Session], sign_in_staff: Callable[..., str]
) -> None:
    seed_staffing(sessions)
    sign_in_staff(pages, role="manager")
    page = pages.get("/staff/insight/?critical=1/5")
    assert page.status_code == 200
    text = page.text
    for heading in (
        "Open dossiers per worker",
        "Age of the open dossiers",
        "Per month",
        "Staffing against the norm",
    ):
        assert heading in text
    assert "<svg" in text and "<script" not in text
    assert "illustrative defaults" in text
    assert "Decisions overdue" in text


def test_a_manager_of_another_office_and_a_case_worker_are_refused(
    pages: TestClient, sessions: sessionmaker[Session], sign_in_staff: Callable[..., str]
) -> None:
    seed_staffing(sessions)
    sign_in_staff(pages, role="manager", office="ocmw-11002")
    assert pages.get(f"/staff/insight/?office={GENT}").status_code == 403
    assert pages.get(f"/staff/insight/staffing.csv?office={GENT}").status_code == 403
    assert pages.get("/staff/insight/").status_code == 200  # their own office
    sign_in_staff(pages, role="case-worker")
    assert pages.get("/staff/insight/").status_code == 403


def test_the_csv_exports_have_their_columns(
    pages: TestClient, sessions: sessionmaker[Session], sign_in_staff: Callable[..., str]
) -> None:
    seed_staffing(sessions)
    sign_in_staff(pages, role="manager")
    staffing = pages.get(f"/staff/insight/staffing.csv?office={GENT}&critical=3/5")
    assert staffing.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(staffing.text)))
    assert tuple(rows[0]) == CSV_COLUMNS
    critical = [r for r in rows if r["service"] == "critical"]
    assert [r["year"] for r in critical] == [str(TODAY.year + k) for k in range(6)]
    assert {r["replacement"] for r in critical} == {"3/5"}
    assert critical[0]["fte"] == "4.00"
    caseload = pages.get(f"/staff/insight/caseload.csv?office={GENT}")
    lines = caseload.text.splitlines()
    assert lines[0] == "office_id,month,opened,decided,decided_with_term,decided_in_term"
    assert len(lines) == 13


def test_the_page_reads_a_recent_count_of_the_open_load_and_ignores_a_stale_one(
    pages: TestClient, sessions: sessionmaker[Session], sign_in_staff: Callable[..., str]
) -> None:
    from datetime import datetime

    from loket.insight.caseload import SNAPSHOT_MAX_AGE, refresh_open_load

    seed_staffing(sessions)
    sign_in_staff(pages, role="manager")
    with sessions.begin() as session:
        assert refresh_open_load(session, datetime.now()) >= 1
    open_in_gent(sessions, "leefloon", 1)  # after the count: not in it
    counted = pages.get("/staff/insight/").text
    assert "Counted at" in counted
    assert "<dt>Open dossiers</dt><dd>1</dd>" in counted.replace("\n", "").replace("  ", "")
    with sessions.begin() as session:
        refresh_open_load(session, datetime.now() - SNAPSHOT_MAX_AGE - timedelta(minutes=1))
    live = pages.get("/staff/insight/").text
    assert "Counted at" not in live
    assert "<dt>Open dossiers</dt><dd>2</dd>" in live.replace("\n", "").replace("  ", "")


def test_a_request_waiting_to_be_forwarded_shows_its_five_day_term(
    pages: TestClient, sessions: sessionmaker[Session], sign_in_staff: Callable[..., str]
) -> None:
    from loket.cases.model import RoutingQueueItem

    late = open_in_gent(sessions, "leefloon", 6)
    fresh = open_in_gent(sessions, "leefloon", 1)
    debt = open_in_gent(sessions, "debt-mediation", 9)
    with sessions.begin() as session:
        for reference, days in ((late, 6), (fresh, 1), (debt, 9)):
            dossier = session.scalars(select(Dossier).where(Dossier.reference == reference)).one()
            session.add(
                RoutingQueueItem(
                    dossier_id=dossier.id,
                    office_id=GENT,
                    reason="ambiguous-postcode",
                    detail="postal code covers two municipalities",
                    created_on=TODAY - timedelta(days=days),
                )
            )
    sign_in_staff(pages)
    waiting = pages.get("/staff/").text.split("Dossiers waiting to be routed by hand", 1)[1]

    def cell(reference: str) -> str:
        return waiting.split(reference, 2)[2].split("</tr>", 1)[0]

    # 6 days ago + 5 = yesterday: overdue; 1 day ago + 5: still in time; no term for debts.
    assert "Overdue" in cell(late)
    assert "Overdue" not in cell(fresh) and "Forward by" in cell(fresh)
    assert "No legal term" in cell(debt)
