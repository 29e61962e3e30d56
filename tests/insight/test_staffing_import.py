"""Loading a staff register from CSV: good rows replace the office's register, bad rows go to
the rejects file with their line and reason."""

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from loket.insight.staffing_import import import_staff
from loket.insight.staffing_model import StaffMember


def test_a_register_replaces_the_offices_posts_and_rejects_bad_rows(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    register = tmp_path / "staff.csv"
    register.write_text(
        "\ufeffoffice_id;service;fte;birth_year;retirement_age\n"
        "fin-gent;collection;1;1961;\n"
        "fin-gent;control;0,8;1990;65\n"
        "fin-gent;canteen;1;1980;\n"
        "no-such-office;control;1;1980;\n"
        "fin-gent;control;1.5;1980;\n",
        encoding="utf-8",
    )
    with sessions.begin() as session:
        session.add(StaffMember(office_id="fin-gent", service="control", fte=1.0, birth_year=1950))
    with sessions.begin() as session:
        summary = import_staff(session, register)
    assert summary.as_json() == {"rows": 5, "posts": 2, "rejected": 3, "offices": 1}
    with sessions() as session:
        posts = session.execute(
            select(
                StaffMember.service,
                StaffMember.fte,
                StaffMember.birth_year,
                StaffMember.retirement_age,
            ).order_by(StaffMember.service)
        ).all()
    assert [tuple(p) for p in posts] == [("collection", 1.0, 1961, 67), ("control", 0.8, 1990, 65)]
    rejects = (tmp_path / "staff.rejects.csv").read_text(encoding="utf-8").splitlines()
    assert [line.split(",")[0] for line in rejects[1:]] == ["4", "5", "6"]
    assert "service" in rejects[1] and "office_id" in rejects[2] and "fte" in rejects[3]
