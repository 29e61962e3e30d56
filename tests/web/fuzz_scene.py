"""Realistic data for fuzzing the JSON API: citizens with dossiers in three cities, an
authorisation and consultations in the access log, a flag, linkage conflicts, a control run, and
one member of staff per role with an API token.

The fuzzer mostly invents path parameters that name nothing; `known` lists values that do exist,
so that a share of the generated requests reach the code behind the 404.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from loket.cases.model import StaffUser
from loket.cases.staff import add_user
from loket.control.model import ControlSelection
from loket.control.review import load_selection
from loket.exchange.authorisations import grant
from loket.exchange.consult import consult
from loket.exchange.transparency import flag_entry
from loket.linkage.conflicts import Conflict
from loket.linkage.model import LinkageMode
from loket.linkage.service import RunMeta, record_run
from tests.control.review_files import write_scores
from tests.factories import citizen_at, open_dossiers

# Who calls, per role: agency and office chosen so that each role has something to see.
STAFF = {
    "case-worker": ("ocmw", "ocmw-44021"),
    "counter-clerk": ("ocmw", "ocmw-44021"),
    "privacy-officer": ("ocmw", "ocmw-44021"),
    "analyst": ("fin", None),
    "manager": ("fin", "fin-gent"),
    "admin": ("podmi", "podmi-brussel"),
}
ROLES = tuple(STAFF)
GENT, ANTWERPEN, BRUSSEL = "44021", "11002", "21004"


def _conflict(a: str, b: str, ocmw_a: str, ocmw_b: str, p: float) -> Conflict:
    return Conflict(a, b, ocmw_a, ocmw_b, p, date(2025, 3, 1), None, 120, "insz", f"c-{a}")


@dataclass
class FuzzScene:
    """What was stored: a token per role, a citizen who was consulted, and the ids that exist,
    by the name of the path parameter that takes them."""

    tokens: dict[str, str] = field(default_factory=dict)
    citizen: str = ""
    known: dict[str, list[str | int]] = field(default_factory=dict)


def seed(sessions: sessionmaker[Session], directory: Path) -> FuzzScene:
    scene = FuzzScene()
    with sessions.begin() as session:
        people = [citizen_at(session, postcode) for postcode in ("9000", "2000", "1000")]
        references = [
            dossier.reference
            for citizen in people
            for dossier in open_dossiers(session, citizen).values()
        ]
        users: dict[str, StaffUser] = {}
        for role, (agency, office) in STAFF.items():
            users[role], scene.tokens[role] = add_user(
                session, f"fuzz-{role}", role, agency, office
            )
        authorisation = grant(
            session,
            "ocmw",
            "income-tax",
            "leefloon-eligibility",
            "Art. 19 OCMW-wet",
            date(2020, 1, 1),
        )
        scene.citizen = people[0].insz
        granted = consult(
            session, users["case-worker"], scene.citizen, "income-tax", "leefloon-eligibility", None
        )
        # A counter clerk may not consult income tax: a refusal in the log as well.
        consult(session, users["counter-clerk"], scene.citizen, "income-tax", "fraud-control", None)
        flag_entry(session, scene.citizen, granted.log_seq, "I do not know this office")
        now = datetime(2026, 1, 5, 2, 0)
        conflicts = [
            _conflict("ANT-001", "GNT-001", ANTWERPEN, GENT, 0.99),
            _conflict("BXL-001", "GNT-002", BRUSSEL, GENT, 0.93),
        ]
        record_run(session, RunMeta(now, now, "duckdb", LinkageMode.CLEAR, 100, 0, 0.9), conflicts)
        summary = load_selection(session, write_scores(directory))
        selections = list(session.scalars(select(ControlSelection.id)))
        seqs = [granted.log_seq, granted.log_seq + 1]
    scene.known = {
        "reference": references,
        "insz": [citizen.insz for citizen in people],
        "authorisation_id": [authorisation.id],
        "seq": seqs,
        "conflict_id": [c.conflict_id for c in conflicts],
        "run_id": [summary.run_id],
        "selection_id": selections,
    }
    return scene
