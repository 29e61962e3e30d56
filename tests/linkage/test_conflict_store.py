"""Stored conflicts: the POD MI sees all and a welfare centre only those involving its own
claims; a re-run keeps ids and decisions; "different people" keeps a pair from coming back."""

import json
from dataclasses import replace
from datetime import date, datetime

import pytest
from click.testing import Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from loket.cases.model import StaffUser
from loket.cli.linkage_review import app as review_app
from loket.linkage.conflicts import Conflict, conflict_id_of
from loket.linkage.model import (
    NOTE_MAX_LENGTH,
    DecisionIsHistory,
    LinkageConflict,
    LinkageDecision,
    LinkageMode,
    LinkageRun,
)
from loket.linkage.service import (
    InvalidDecision,
    NotAllowedToDecide,
    RunMeta,
    UnknownConflict,
    decisions_of,
    known_different_pairs,
    record_run,
    resolve,
    visible_conflicts,
)
from loket.settings import get_settings

ANTWERPEN, GENT, BRUSSEL = "11002", "44021", "21004"


def conflict(claim_a: str, claim_b: str, ocmw_a: str, ocmw_b: str, p: float = 0.97) -> Conflict:
    return Conflict(
        claim_id_a=claim_a,
        claim_id_b=claim_b,
        ocmw_a=ocmw_a,
        ocmw_b=ocmw_b,
        match_probability=p,
        overlap_start=date(2025, 3, 1),
        overlap_end=None,
        overlap_days=120,
        evidence="insz equal; family name equal; birth date equal",
        cluster_id=f"cluster-{claim_a}",
    )


# Antwerpen-Gent, Gent-Brussel.
AG = conflict("ANT-001", "GNT-001", ANTWERPEN, GENT)
GB = conflict("GNT-002", "BXL-001", GENT, BRUSSEL)


def meta(**changes: object) -> RunMeta:
    values: dict[str, object] = {
        "started_at": datetime(2026, 1, 5, 2, 0),
        "finished_at": datetime(2026, 1, 5, 2, 3),
        "engine": "duckdb",
        "mode": LinkageMode.CLEAR,
        "claims_read": 1000,
        "claims_rejected": 3,
        "threshold": 0.9,
        "model": '{"link_type": "dedupe_only"}',
    }
    values.update(changes)
    return RunMeta(**values)  # type: ignore[arg-type]


class Staff:
    """One member of staff per kind the rule distinguishes (no API tokens: not needed here)."""

    def __init__(self, session: Session) -> None:
        def user(name: str, role: str, agency: str, office: str | None = None) -> StaffUser:
            made = StaffUser(
                username=name,
                role=role,
                agency_code=agency,
                office_id=office,
                token_id=name[:16],
                token_hash="no token",
            )
            session.add(made)
            return made

        self.podmi_worker = user("pod.worker", "case-worker", "podmi", "podmi-brussel")
        self.podmi_analyst = user("pod.analyst", "analyst", "podmi", "podmi-brussel")
        self.antwerpen = user("ant.worker", "case-worker", "ocmw", f"ocmw-{ANTWERPEN}")
        self.gent = user("gnt.worker", "case-worker", "ocmw", f"ocmw-{GENT}")
        self.brussel = user("bxl.worker", "case-worker", "ocmw", f"ocmw-{BRUSSEL}")
        self.antwerpen_clerk = user("ant.clerk", "counter-clerk", "ocmw", f"ocmw-{ANTWERPEN}")
        self.fin = user("fin.worker", "case-worker", "fin", "fin-gent")


@pytest.fixture
def staff(sessions: sessionmaker[Session]) -> Staff:
    with sessions.begin() as session:
        made = Staff(session)
        session.flush()
        session.expunge_all()
    return made


def visible_ids(session: Session, user: StaffUser) -> list[str]:
    return sorted(c.conflict_id for c in session.scalars(visible_conflicts(user)))


def test_who_sees_which_conflict(sessions, staff):
    with sessions.begin() as session:
        record_run(session, meta(), [AG, GB])
    with sessions() as session:
        seen = {
            name: visible_ids(session, getattr(staff, name))
            for name in ("podmi_analyst", "antwerpen", "gent", "brussel", "antwerpen_clerk", "fin")
        }
    assert seen == {
        "podmi_analyst": sorted([AG.conflict_id, GB.conflict_id]),
        "antwerpen": [AG.conflict_id],
        "gent": sorted([AG.conflict_id, GB.conflict_id]),
        "brussel": [GB.conflict_id],
        "antwerpen_clerk": [],
        "fin": [],
    }


def test_a_rerun_keeps_the_ids_and_the_decisions(sessions, staff):
    with sessions.begin() as session:
        first = record_run(session, meta(), [AG, GB])
        resolve(session, staff.antwerpen, AG.conflict_id, "legitimate", "Moved on 1 March.")
    again = conflict("ANT-001", "GNT-001", ANTWERPEN, GENT, p=0.99)
    new = conflict("ANT-007", "BXL-009", ANTWERPEN, BRUSSEL)
    with sessions.begin() as session:
        second = record_run(session, meta(claims_read=1010), [again, GB, new])
    assert (first.found, first.new, first.seen_again, first.suppressed) == (2, 2, 0, 0)
    assert (second.found, second.new, second.seen_again, second.suppressed) == (3, 1, 2, 0)
    with sessions() as session:
        row = session.get(LinkageConflict, conflict_id_of("GNT-001", "ANT-001"))
        assert row is not None
        assert (row.status, row.match_probability) == ("resolved", 0.99)
        assert (row.first_seen_run_id, row.last_seen_run_id) == (first.run_id, second.run_id)
        [decision] = decisions_of(session, row.conflict_id)
        assert (decision.outcome, decision.note, decision.decided_by) == (
            "legitimate",
            "Moved on 1 March.",
            "ant.worker",
        )
        query = select(LinkageConflict.conflict_id, LinkageConflict.status)
        statuses = {conflict_id: status for conflict_id, status in session.execute(query)}
    assert statuses == {
        AG.conflict_id: "resolved",
        GB.conflict_id: "open",
        new.conflict_id: "open",
    }


def test_different_people_keeps_the_pair_from_coming_back(sessions, staff):
    with sessions.begin() as session:
        first = record_run(session, meta(), [AG, GB])
        resolve(session, staff.brussel, GB.conflict_id, "different-people", "Twins, checked ID.")
    with sessions() as session:
        assert known_different_pairs(session) == frozenset({("BXL-001", "GNT-002")})
    with sessions.begin() as session:
        second = record_run(session, meta(already_suppressed=2), [AG, GB])
    assert (second.found, second.new, second.seen_again, second.suppressed) == (1, 0, 1, 3)
    with sessions() as session:
        run = session.get(LinkageRun, second.run_id)
        assert run is not None
        counts = (run.conflicts_found, run.conflicts_seen_again, run.conflicts_suppressed)
        assert counts == (1, 1, 3)
        suppressed = session.get(LinkageConflict, GB.conflict_id)
        assert suppressed is not None and suppressed.last_seen_run_id == first.run_id
    # A later decision supersedes: the pair may be raised again.
    with sessions.begin() as session:
        resolve(session, staff.podmi_worker, GB.conflict_id, "same-person", "Same INSZ after all.")
    with sessions() as session:
        assert known_different_pairs(session) == frozenset()
        assert [d.outcome for d in decisions_of(session, GB.conflict_id)] == [
            "different-people",
            "same-person",
        ]


@pytest.mark.parametrize(
    ("outcome", "note", "parameter"),
    [
        ("legitimate", "", "note"),
        ("legitimate", "   \n ", "note"),
        ("legitimate", "x" * (NOTE_MAX_LENGTH + 1), "note"),
        ("maybe", "Not sure.", "outcome"),
    ],
)
def test_a_decision_needs_a_known_outcome_and_a_note(sessions, staff, outcome, note, parameter):
    with sessions.begin() as session:
        record_run(session, meta(), [AG])
    with sessions() as session, pytest.raises(InvalidDecision, match=f"^{parameter}:"):
        resolve(session, staff.gent, AG.conflict_id, outcome, note)


def test_only_case_workers_who_see_the_conflict_decide(sessions, staff):
    with sessions.begin() as session:
        record_run(session, meta(), [AG])
    with sessions() as session:
        with pytest.raises(NotAllowedToDecide, match="case worker"):
            resolve(session, staff.podmi_analyst, AG.conflict_id, "same-person", "Yes.")
        with pytest.raises(UnknownConflict, match="does not exist or does not involve"):
            resolve(session, staff.brussel, AG.conflict_id, "same-person", "Yes.")
        with pytest.raises(NotAllowedToDecide):
            resolve(session, staff.fin, AG.conflict_id, "same-person", "Yes.")
        assert session.scalars(select(LinkageDecision)).all() == []


def test_a_script_in_the_note_is_kept_as_plain_text(sessions, staff):
    payload = "<script>alert(\"x\")</script> & 'quotes'"
    with sessions.begin() as session:
        record_run(session, meta(), [AG])
        resolve(session, staff.podmi_worker, AG.conflict_id, "same-person", payload)
    with sessions() as session:
        assert [d.note for d in decisions_of(session, AG.conflict_id)] == [payload]


def test_a_decision_is_never_rewritten(sessions, staff):
    with sessions.begin() as session:
        record_run(session, meta(), [AG])
        resolve(session, staff.gent, AG.conflict_id, "legitimate", "Moved.")
    with sessions() as session:
        [decision] = decisions_of(session, AG.conflict_id)
        decision.note = "Changed my mind."
        with pytest.raises(DecisionIsHistory):
            session.flush()
        session.rollback()
        [decision] = decisions_of(session, AG.conflict_id)
        session.delete(decision)
        with pytest.raises(DecisionIsHistory):
            session.flush()


# The visibility rule, restated for the property test below.
REFNIS = [ANTWERPEN, GENT, BRUSSEL, "71016"]
SEEING_ROLES = {"case-worker", "analyst", "manager", "admin"}
ROLES = sorted(SEEING_ROLES | {"counter-clerk", "privacy-officer"})


def expected_visible(user: StaffUser, conflicts: list[Conflict]) -> list[str]:
    if user.role not in SEEING_ROLES:
        return []
    if user.agency_code == "podmi":
        return sorted(c.conflict_id for c in conflicts)
    if user.agency_code != "ocmw" or user.office_id is None:
        return []
    own = user.office_id.removeprefix("ocmw-")
    return sorted(c.conflict_id for c in conflicts if own in (c.ocmw_a, c.ocmw_b))


pairs = st.lists(
    st.tuples(st.sampled_from(REFNIS), st.sampled_from(REFNIS)).filter(lambda p: p[0] != p[1]),
    max_size=6,
)
users = st.builds(
    StaffUser,
    role=st.sampled_from(ROLES),
    agency_code=st.sampled_from(["ocmw", "podmi", "fin", "davo"]),
    office_id=st.one_of(st.none(), st.sampled_from([f"ocmw-{r}" for r in REFNIS] + ["fin-gent"])),
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(pairs=pairs, user=users)
def test_a_user_sees_exactly_what_the_rule_says(sessions, pairs, user):
    conflicts = [conflict(f"A{i}", f"B{i}", a, b) for i, (a, b) in enumerate(pairs)]
    with sessions() as session:
        record_run(session, meta(), conflicts)
        assert visible_ids(session, user) == expected_visible(user, conflicts)
        session.rollback()


def review(url: str, *args: str) -> Result:
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(review_app, list(args), env={"LOKET_DATABASE_URL": url})
    finally:
        get_settings.cache_clear()


def test_the_command_line_lists_and_resolves(database_url, sessions, staff):
    with sessions.begin() as session:
        record_run(session, meta(), [AG, GB])
    note = "Two people: different birth dates on the eID."
    refused = review(
        database_url, "resolve", GB.conflict_id, "--user", "ant.clerk",
        "--outcome", "different-people", "--note", note,
    )  # fmt: skip
    assert refused.exit_code == 3, refused.output
    done = review(
        database_url, "resolve", GB.conflict_id, "--user", "bxl.worker",
        "--outcome", "different-people", "--note", note,
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    listed = review(database_url, "conflicts", "--user", "bxl.worker", "--json")
    assert listed.exit_code == 0, listed.output
    rows = [(r["conflict_id"], r["status"], r["outcome"]) for r in json.loads(listed.stdout)]
    assert rows == [(GB.conflict_id, "resolved", "different-people")]
    still_open = review(database_url, "conflicts", "--status", "open", "--json")
    assert [r["conflict_id"] for r in json.loads(still_open.stdout)] == [AG.conflict_id]


def test_the_command_line_lists_needs_check_pairs_in_their_own_section(
    database_url, sessions, staff
):
    doubtful = replace(GB, status="needs-check")
    with sessions.begin() as session:
        record_run(session, meta(), [AG, doubtful])
    shown = review(database_url, "conflicts")
    assert shown.exit_code == 0, shown.output
    conflict_part, check_part = shown.stdout.split("# needs-check")
    assert AG.conflict_id in conflict_part and GB.conflict_id not in conflict_part
    assert GB.conflict_id in check_part
    only = review(database_url, "conflicts", "--finding", "needs-check", "--json")
    assert [(r["conflict_id"], r["finding"]) for r in json.loads(only.stdout)] == [
        (GB.conflict_id, "needs-check")
    ]
    bad = review(database_url, "conflicts", "--finding", "maybe")
    assert bad.exit_code == 2 and "finding" in bad.output
