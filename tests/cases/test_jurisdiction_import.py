"""Jurisdiction is data: a CSV moves competence from one office to another from a given day."""

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from loket.cases.jurisdiction_import import import_jurisdiction
from loket.cases.model import Jurisdiction
from loket.cases.offices import nearest_offices
from loket.cases.routing import Router


@pytest.fixture(autouse=True)
def restore_jurisdiction(sessions):
    """Jurisdiction is reference data that the PostgreSQL fixture keeps between tests: put the
    standard network back after each test here."""
    with sessions() as session:
        last_id = session.scalar(select(func.max(Jurisdiction.id)))
        open_ended = set(
            session.scalars(select(Jurisdiction.id).where(Jurisdiction.valid_to.is_(None)))
        )
    yield
    with sessions.begin() as session:
        session.execute(delete(Jurisdiction).where(Jurisdiction.id > last_id))
        for row in session.scalars(select(Jurisdiction).where(Jurisdiction.id.in_(open_ended))):
            row.valid_to = None


def test_a_merger_of_welfare_centres_takes_effect_on_its_day(sessions, tmp_path: Path):
    # From 2027, the OCMW of Gent also serves Merelbeke-Melle's postal code 9820.
    path = tmp_path / "jurisdiction.csv"
    path.write_text(
        "agency,municipality,postal_code,office_id,valid_from,valid_to\n"
        "ocmw,,9820,ocmw-44021,2027-01-01,\n",
        encoding="utf-8",
    )
    with sessions.begin() as session:
        before = Router.load(session).route("9820", "ocmw", date(2026, 12, 31))
        summary = import_jurisdiction(session, path)
    with sessions() as session:
        router = Router.load(session)
        assert router.route("9820", "ocmw", date(2026, 12, 31)) == before
        assert router.route("9820", "ocmw", date(2027, 1, 1)).id == "ocmw-44021"
    assert before.id != "ocmw-44021"
    assert summary.applied == 1 and summary.rejected == 0


def test_a_new_municipality_row_closes_the_one_in_force(sessions, tmp_path: Path):
    path = tmp_path / "jurisdiction.csv"
    path.write_text(
        "agency;municipality;postal_code;office_id;valid_from;valid_to\n"
        "davo;44021;;davo-brussel;2028-01-01;\n",
        encoding="utf-8-sig",
    )
    with sessions.begin() as session:
        summary = import_jurisdiction(session, path)
    with sessions() as session:
        router = Router.load(session)
        assert router.route("9000", "davo", date(2027, 12, 31)).id == "davo-gent"
        assert router.route("9000", "davo", date(2028, 1, 1)).id == "davo-brussel"
    assert summary.closed_previous == 1


def test_bad_rows_are_rejected_with_line_and_field_and_good_rows_kept(sessions, tmp_path: Path):
    path = tmp_path / "jurisdiction.csv"
    path.write_text(
        "agency,municipality,postal_code,office_id,valid_from,valid_to\n"
        "ocmw,,9820,ocmw-44021,2027-01-01,\n"
        "ocmw,,9820,fin-gent,2027-01-01,\n"
        "ocmw,99999,,ocmw-44021,2027-01-01,\n"
        "ocmw,,9820,ocmw-44021,01/01/2027,\n"
        "xyz,,9820,ocmw-44021,2027-01-01,\n",
        encoding="utf-8",
    )
    with sessions.begin() as session:
        summary = import_jurisdiction(session, path)
    assert summary.applied == 1
    assert summary.rejected == 4
    rejects = (tmp_path / "jurisdiction.rejects.csv").read_text(encoding="utf-8").splitlines()
    assert rejects[0].startswith("line,reason")
    reasons = {line.split(",")[0]: line.split(",")[1] for line in rejects[1:]}
    assert reasons["3"].startswith("office_id:")
    assert reasons["4"].startswith("municipality:")
    assert reasons["5"].startswith("valid_from:")
    assert reasons["6"].startswith("agency:")


def test_nearest_offices_are_sorted_by_distance(sessions):
    with sessions() as session:
        found = nearest_offices(session, "8000", "fin", limit=3)
    assert [n.office.id for n in found][0] == "fin-brugge"
    distances = [n.distance_km for n in found]
    assert distances == sorted(distances)
    assert 30 < distances[1] < 80  # Gent is the next tax office, some 45 km away
