"""Completing missing INSZ numbers from the citizen register before linking: a unique match is
filled in and logged as a fraud-control consultation, namesakes are never completed, and
without an authorisation nothing is looked up."""

import csv
import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import Result
from factories import address, make_insz
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from loket.cases.model import StaffUser
from loket.cli.main import app
from loket.exchange.authorisations import grant
from loket.exchange.model import AccessLogEntry
from loket.exchange.verify import verify_log
from loket.linkage.claims import CLAIM_COLUMNS
from loket.linkage.completion import CompletionRefused, complete_claims_file
from loket.people.service import add_citizen
from loket.settings import get_settings

DAY = date(2025, 12, 31)
JAN = make_insz(date(1990, 5, 4), 13)
MARIE_1 = make_insz(date(1985, 1, 1), 22)
MARIE_2 = make_insz(date(1985, 1, 1), 24)
OTHER = make_insz(date(1979, 3, 3), 41)


def claim(claim_id: str, ocmw: str, family: str, given: str, born: str, insz: str = "") -> dict:
    return {
        "claim_id": claim_id, "ocmw_refnis": ocmw, "insz": insz, "family_name": family,
        "given_names": given, "birth_date": born, "sex": "", "street": "Kerkstraat",
        "house_number": "1", "postcode": "", "start_date": "2025-01-01", "end_date": "",
        "monthly_amount_eur": "1314.20", "category": "single",
    }  # fmt: skip


CLAIMS = [
    # Jan-Pieter Van den Broeck, registered once: typed otherwise, and without INSZ.
    claim("C-JAN", "44021", "VANDENBROECK", "Pieter Jan", "1990-05-04"),
    # Two registered Marie Dubois born on 1 January 1985: namesakes.
    claim("C-MARIE", "11002", "Dubois", "Marie", "1985-01-01"),
    claim("C-NOBODY", "11002", "Nieuwenhuys", "Tom", "1970-02-02"),
    claim("C-HAS-ONE", "21004", "Lambert", "Luc", "1979-03-03", OTHER),
]


def loket(url: str, *args: str) -> Result:
    """Run the command line in-process on the database at `url`."""
    get_settings.cache_clear()  # the settings are cached per process
    try:
        return CliRunner().invoke(app, list(args), env={"LOKET_DATABASE_URL": url})
    finally:
        get_settings.cache_clear()


def write(path: Path, rows: list[dict]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, CLAIM_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def register(session: Session, *, authorised: bool = True) -> None:
    for insz, family, given, born in (
        (JAN, "Van den Broeck", "Jan-Pieter", date(1990, 5, 4)),
        (MARIE_1, "Dubois", "Marie", date(1985, 1, 1)),
        (MARIE_2, "Dubois", "Marie", date(1985, 1, 1)),
    ):
        add_citizen(
            session, insz=insz, family_name=family, given_names=given, birth_date=born,
            address=address("9000"), since=date(2020, 1, 1),
        )  # fmt: skip
    session.add(
        StaffUser(
            username="fraud.worker", role="case-worker", agency_code="ocmw",
            office_id="ocmw-44021", token_id="fraud.worker", token_hash="not-a-token",
        )
    )  # fmt: skip
    if authorised:
        grant(
            session, "ocmw", "identity", "fraud-control",
            legal_basis="Art. 19 Wet Maatschappelijke Integratie; fraud check of double claims",
            valid_from=date(2025, 1, 1), requires_open_dossier=False,
        )  # fmt: skip


def consultations(session: Session) -> list[dict]:
    entries = session.scalars(select(AccessLogEntry).order_by(AccessLogEntry.seq))
    bodies = [json.loads(e.body) for e in entries]
    return [b for b in bodies if b.get("kind") == "consultation"]


def test_a_unique_match_is_completed_and_logged_namesakes_are_not(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    claims = write(tmp_path / "claims.csv", CLAIMS)
    with sessions.begin() as session:
        register(session)
    with sessions.begin() as session:
        path, summary = complete_claims_file(
            session, claims, tmp_path / "conflicts.csv", "fraud.worker", on=DAY
        )
    with path.open(encoding="utf-8", newline="") as file:
        insz = {row["claim_id"]: row["insz"] for row in csv.DictReader(file)}
    assert insz == {"C-JAN": JAN, "C-MARIE": "", "C-NOBODY": "", "C-HAS-ONE": OTHER}
    result = summary.as_json()
    counted = ("claims_without_insz", "completed", "ambiguous", "not_found")
    assert [result[k] for k in counted] == [3, 1, 1, 1]
    with sessions() as session:
        logged = consultations(session)
        assert [(b["citizen"], b["purpose"], b["category"], b["outcome"]) for b in logged] == [
            (JAN, "fraud-control", "identity", "granted")
        ]
        assert result["first_log_seq"] == result["last_log_seq"]
        assert verify_log(session, None).ok


def test_without_an_authorisation_nothing_is_looked_up(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    claims = write(tmp_path / "claims.csv", CLAIMS)
    with sessions.begin() as session:
        register(session, authorised=False)
    with sessions.begin() as session, pytest.raises(CompletionRefused) as refused:
        complete_claims_file(session, claims, tmp_path / "conflicts.csv", "fraud.worker", on=DAY)
    assert "--complete-insz" in str(refused.value) and "fraud-control" in str(refused.value)
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(AccessLogEntry)) == 0
    assert not (tmp_path / "conflicts.completed-claims.csv").exists()


def test_an_unknown_user_is_refused_naming_the_option(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    claims = write(tmp_path / "claims.csv", CLAIMS)
    with sessions.begin() as session, pytest.raises(CompletionRefused, match="--complete-user"):
        complete_claims_file(session, claims, tmp_path / "out.csv", "nobody", on=DAY)


def test_detect_links_the_completed_claim_and_reports_the_completion(
    database_url: str, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    # The same person claims in Gent without INSZ and in Antwerpen with it.
    rows = [*CLAIMS, claim("C-JAN-2", "11002", "Van den Broeck", "Jan-Pieter", "1990-05-04", JAN)]
    claims = write(tmp_path / "claims.csv", rows)
    with sessions.begin() as session:
        register(session)
    out = tmp_path / "conflicts.csv"
    args = ["linkage", "detect", "--claims", str(claims), "--out", str(out), "--as-of", str(DAY)]
    result = loket(database_url, *args, "--complete-insz", "--json")
    assert result.exit_code == 2 and "--complete-user" in result.output
    result = loket(
        database_url, *args, "--complete-insz", "--complete-user", "fraud.worker", "--json"
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["insz_completion"]["completed"] == 1
    assert summary["insz_completion"]["ambiguous"] == 1
    with out.open(encoding="utf-8", newline="") as file:
        pairs = {(r["claim_id_a"], r["claim_id_b"]) for r in csv.DictReader(file)}
    assert ("C-JAN", "C-JAN-2") in pairs
