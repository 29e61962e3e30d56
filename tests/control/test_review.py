"""Human review of a control selection: a run is loaded once, the score stays hidden until a
person assessed the dossier, a decision is final, overrides are counted, and only dossiers a
person decided to control leave the system."""

import json
from pathlib import Path

import pytest
import typer
from click.testing import Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from loket.cases.model import StaffUser
from loket.cli.control_review import register
from loket.control.model import ControlReview, ControlRun, ControlSelection, ReviewIsFinal
from loket.control.review import (
    InvalidReview,
    NotAllowedToReview,
    ReviewOutOfOrder,
    SelectionFileError,
    UnknownSelection,
    decided_controls,
    load_selection,
    record_assessment,
    record_decision,
    review_queue,
    review_summary,
    selection_for,
)
from loket.settings import get_settings
from tests.control.review_files import EXPLANATION, ROWS, Row, write_scores

RUN = "run-2026-11-29"


class Staff:
    """One member of staff per kind the access rule distinguishes (no API tokens needed)."""

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

        self.analyst = user("fin.analyst", "analyst", "fin")
        self.gent = user("fin.gent", "case-worker", "fin", "fin-gent")
        self.antwerpen = user("fin.antwerpen", "case-worker", "fin", "fin-antwerpen")
        self.clerk = user("fin.clerk", "counter-clerk", "fin", "fin-gent")
        self.manager = user("fin.manager", "manager", "fin", "fin-gent")
        self.ocmw = user("ocmw.worker", "case-worker", "ocmw", "ocmw-44021")


@pytest.fixture
def staff(sessions: sessionmaker[Session]) -> Staff:
    with sessions.begin() as session:
        made = Staff(session)
        session.flush()
        session.expunge_all()
    return made


@pytest.fixture
def scores(tmp_path: Path) -> Path:
    return write_scores(tmp_path)


@pytest.fixture
def loaded(sessions: sessionmaker[Session], scores: Path) -> dict[str, int]:
    """The run loaded; selection id per dossier id."""
    with sessions.begin() as session:
        load_selection(session, scores)
        rows = session.execute(select(ControlSelection.dossier_id, ControlSelection.id))
        return {dossier: selection for dossier, selection in rows}


def count(session: Session, table: type) -> int:
    return int(session.scalar(select(func.count()).select_from(table)) or 0)


def test_loading_stores_the_selected_rows_once(sessions, scores):
    with sessions.begin() as session:
        first = load_selection(session, scores)
    with sessions.begin() as session:
        again = load_selection(session, scores)
    assert (first.run_id, first.selected, first.risk, first.random_sample) == (RUN, 4, 3, 1)
    assert (first.already_loaded, again.already_loaded) == (False, True)
    assert again.selected == 4
    with sessions() as session:
        assert (count(session, ControlRun), count(session, ControlSelection)) == (1, 4)
        run = session.get(ControlRun, RUN)
        assert run is not None
        assert (run.input_file, run.model_version, run.counts["selected"]) == (
            "dossiers.csv",
            "peer-ratios-1",
            4,
        )
        stored = session.execute(
            select(
                ControlSelection.dossier_id,
                ControlSelection.rank,
                ControlSelection.selection,
                ControlSelection.status,
            ).order_by(ControlSelection.rank)
        ).all()
    assert [tuple(row) for row in stored] == [
        ("D-300", 1, "risk", "awaiting-assessment"),
        ("D-100", 2, "risk", "awaiting-assessment"),
        ("D-200", 3, "risk", "awaiting-assessment"),
        ("D-050", 6, "random-sample", "awaiting-assessment"),
    ]


def test_a_changed_file_or_another_file_under_a_loaded_run_id_is_refused(sessions, tmp_path):
    path = write_scores(tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace("D-300", "D-301"), encoding="utf-8")
    with sessions() as session, pytest.raises(SelectionFileError, match=r"^scores\.csv: its SHA"):
        load_selection(session, path)
    with sessions.begin() as session:
        load_selection(session, write_scores(tmp_path))
    other = write_scores(tmp_path, ROWS[:2], name="other.csv")
    with sessions() as session:
        with pytest.raises(SelectionFileError, match="loaded before from a different"):
            load_selection(session, other)
        assert count(session, ControlSelection) == 4


def test_a_scores_file_without_its_run_log_is_refused(sessions, tmp_path):
    path = write_scores(tmp_path)
    path.with_name("scores.run.json").unlink()
    with sessions() as session, pytest.raises(SelectionFileError, match="no run log"):
        load_selection(session, path)


GOOD = Row("D-1", 1, "risk").values()


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (GOOD[:4] + ["maybe"] + GOOD[5:], "line 3: selected 'maybe' is not true or false"),
        (GOOD[:5] + ["hunch"] + GOOD[6:], "line 3: selection 'hunch' is not one of"),
        (GOOD[:2] + ["0"] + GOOD[3:], "line 3: rank '0' is not a whole number"),
        (GOOD[:1] + ["n/a"] + GOOD[2:], "line 3: score 'n/a' is not a number"),
        (
            GOOD[:-1] + ["0403170702"],
            "line 3: enterprise_number '0403170702' is not a valid Belgian",
        ),
        (["D-0"] + GOOD[1:], "line 3: dossier_id 'D-0' is selected twice .first on line 2."),
    ],
)
def test_a_bad_row_stops_the_load_and_is_named_by_its_line(sessions, tmp_path, line, message):
    first = Row("D-0", 2, "risk").values()
    path = write_scores(tmp_path, raw_lines=[",".join(first), ",".join(line)])
    with sessions() as session:
        with pytest.raises(SelectionFileError, match=f"^scores.csv {message}"):
            load_selection(session, path)
        session.rollback()
        assert count(session, ControlSelection) == 0


def test_the_score_stays_hidden_until_the_dossier_is_assessed(sessions, staff, loaded):
    dossier = loaded["D-300"]
    with sessions.begin() as session:
        blind = selection_for(session, staff.gent, dossier)
        queue = review_queue(session, staff.analyst, RUN)
        assessed = record_assessment(session, staff.gent, dossier, "medium", "Cash business.")
    assert blind.model is None and blind.assessment is None
    assert (blind.dossier_id, blind.office_id, blind.sector) == ("D-300", "fin-gent", "10.71")
    # By dossier id, every one blind: neither the order nor the rows give the ranks away.
    assert [(v.dossier_id, v.model) for v in queue] == [
        ("D-050", None),
        ("D-100", None),
        ("D-200", None),
        ("D-300", None),
    ]
    assert assessed.model is not None
    assert (assessed.model.rank, assessed.model.selection, assessed.model.explanation) == (
        1,
        "risk",
        EXPLANATION,
    )
    assert (assessed.assessment, assessed.assessed_by, assessed.status) == (
        "medium",
        "fin.gent",
        "awaiting-decision",
    )
    with sessions() as session:
        # Shown to everyone from now on: the judgement that had to be blind is on record.
        assert selection_for(session, staff.analyst, dossier).model == assessed.model


def test_the_steps_come_in_order_and_each_once(sessions, staff, loaded):
    dossier = loaded["D-200"]
    with sessions.begin() as session:
        with pytest.raises(ReviewOutOfOrder, match="^decision: .* no assessment yet"):
            record_decision(session, staff.gent, dossier, "control", "indication-confirmed")
        record_assessment(session, staff.gent, dossier, "high")
        with pytest.raises(ReviewOutOfOrder, match="^assessment: .* already assessed"):
            record_assessment(session, staff.analyst, dossier, "low")
        record_decision(session, staff.analyst, dossier, "control", "indication-confirmed")
        with pytest.raises(ReviewOutOfOrder, match="^decision: .* it is final"):
            record_decision(session, staff.gent, dossier, "no-control", "capacity")
    with sessions() as session:
        view = selection_for(session, staff.analyst, dossier)
        assert (view.assessed_by, view.decided_by, view.decision, view.override) == (
            "fin.gent",
            "fin.analyst",
            "control",
            False,
        )
        [review] = session.scalars(select(ControlReview)).all()
        review.decision = "no-control"
        with pytest.raises(ReviewIsFinal):
            session.flush()


@pytest.mark.parametrize(
    ("dossier", "decision", "reason", "text", "message"),
    [
        ("D-300", "control", "capacity", None, "^reason: 'capacity' does not go with control"),
        ("D-300", "no-control", "indication-confirmed", None, "^reason: .* with no-control"),
        ("D-300", "control", "random-sample", None, "^reason: .* not drawn in the random"),
        ("D-300", "no-control", "other", "   ", "^text: say what the other reason is"),
        ("D-300", "maybe", "other", "x", "^decision: 'maybe' is not one of"),
        ("D-300", "no-control", "", None, "^reason: '' is not one of"),
    ],
)
def test_a_decision_needs_a_reason_that_fits(
    sessions, staff, loaded, dossier, decision, reason, text, message
):
    with sessions() as session:
        record_assessment(session, staff.gent, loaded[dossier], "low")
        with pytest.raises(InvalidReview, match=message):
            record_decision(session, staff.gent, loaded[dossier], decision, reason, text)


def test_who_may_review_which_dossier(sessions, staff, loaded):
    antwerpen_dossier = loaded["D-100"]
    with sessions() as session:
        for outsider in (staff.clerk, staff.manager, staff.ocmw):
            with pytest.raises(NotAllowedToReview, match="FPS Finance"):
                selection_for(session, outsider, antwerpen_dossier)
            with pytest.raises(NotAllowedToReview):
                record_assessment(session, outsider, antwerpen_dossier, "high")
        with pytest.raises(UnknownSelection, match="does not exist or is not yours"):
            record_assessment(session, staff.gent, antwerpen_dossier, "high")
        queues = {
            user.username: [v.dossier_id for v in review_queue(session, user, RUN)]
            for user in (staff.analyst, staff.gent, staff.antwerpen)
        }
        assert count(session, ControlReview) == 0
    assert queues == {
        "fin.analyst": ["D-050", "D-100", "D-200", "D-300"],
        "fin.gent": ["D-050", "D-200", "D-300"],
        "fin.antwerpen": ["D-100"],
    }


def test_the_summary_counts_overrides_and_disagreement(sessions, staff, loaded):
    with sessions.begin() as session:
        for dossier, assessment in [("D-300", "high"), ("D-200", "low"), ("D-050", "low")]:
            record_assessment(session, staff.gent, loaded[dossier], assessment)
        record_decision(session, staff.gent, loaded["D-300"], "control", "indication-confirmed")
        record_decision(session, staff.gent, loaded["D-200"], "no-control", "already-controlled")
        record_decision(session, staff.gent, loaded["D-050"], "control", "random-sample")
    with sessions() as session:
        summary = review_summary(session, RUN).as_json()
        controls = decided_controls(session, staff.analyst, RUN)
        gent_only = decided_controls(session, staff.antwerpen)
    assert summary["by_status"] == {
        "awaiting-assessment": 1,
        "awaiting-decision": 0,
        "decided": 3,
    }
    assert summary["decisions"] == {"control": 2, "no-control": 1}
    assert summary["overrides"] == {"count": 1, "share": pytest.approx(1 / 3)}
    assert summary["assessments"] == {"high": 1, "medium": 0, "low": 2}
    # The random draw's "low" is not a disagreement: the model made no risk claim on it.
    assert summary["agreement"] == {"agree": 1, "disagree": 1, "share": 0.5}
    # Only dossiers a person decided to control leave; never one awaiting a decision.
    assert sorted((c.dossier_id, c.reason, c.decided_by) for c in controls) == [
        ("D-050", "random-sample", "fin.gent"),
        ("D-300", "indication-confirmed", "fin.gent"),
    ]
    assert gent_only == []


def test_a_script_in_a_note_is_kept_as_plain_text(sessions, staff, loaded):
    payload = "<script>alert(\"x\")</script> & 'quotes'"
    with sessions.begin() as session:
        record_assessment(session, staff.gent, loaded["D-300"], "low", payload)
        record_decision(session, staff.gent, loaded["D-300"], "no-control", "other", payload)
    with sessions() as session:
        view = selection_for(session, staff.gent, loaded["D-300"])
    assert (view.assessment_note, view.reason_text) == (payload, payload)


decisions = st.lists(
    st.tuples(
        st.sampled_from(["high", "medium", "low"]),
        st.sampled_from(
            [
                ("control", "indication-confirmed"),
                ("no-control", "capacity"),
                ("no-control", "insufficient-indication"),
                None,
            ]
        ),
    ),
    min_size=3,
    max_size=3,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=decisions)
def test_overrides_are_the_no_control_decisions_and_controls_the_rest(
    sessions, staff, loaded, steps
):
    risk_dossiers = [loaded["D-100"], loaded["D-200"], loaded["D-300"]]
    with sessions() as session:
        for dossier, (assessment, decided) in zip(risk_dossiers, steps, strict=True):
            record_assessment(session, staff.analyst, dossier, assessment)
            if decided is not None:
                record_decision(session, staff.analyst, dossier, *decided)
        summary = review_summary(session, RUN).as_json()
        controls = decided_controls(session, staff.analyst, RUN)
        session.rollback()
    chosen = [decided[0] for _, decided in steps if decided is not None]
    assert summary["overrides"]["count"] == chosen.count("no-control")
    assert len(controls) == chosen.count("control")
    assert summary["by_status"]["awaiting-decision"] == len(steps) - len(chosen)
    lows = [assessment for assessment, _ in steps].count("low")
    assert (summary["agreement"]["agree"], summary["agreement"]["disagree"]) == (3 - lows, lows)


def cli(url: str, *args: str) -> Result:
    app = typer.Typer()
    register(app)
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(app, ["review", *args], env={"LOKET_DATABASE_URL": url})
    finally:
        get_settings.cache_clear()


def test_the_command_line_loads_assesses_and_decides(database_url, sessions, staff, scores):
    loaded = cli(database_url, "load", "--scores", str(scores))
    assert loaded.exit_code == 0, loaded.output
    assert json.loads(loaded.stdout)["selected"] == 4
    again = cli(database_url, "load", "--scores", str(scores))
    assert json.loads(again.stdout)["already_loaded"] is True
    queue = json.loads(
        cli(database_url, "queue", "--run", RUN, "--as", "fin.gent", "--json").stdout
    )
    first = next(row for row in queue if row["dossier_id"] == "D-300")
    assert (first["blind"], first["model"]) == (True, None)
    selection = str(first["selection_id"])
    shown = cli(database_url, "show", selection, "--as", "fin.gent")
    assert "score hidden" in shown.stdout and EXPLANATION not in shown.stdout
    refused = cli(database_url, "assess", selection, "--as", "fin.clerk", "--assessment", "low")
    assert refused.exit_code == 3, refused.output
    early = cli(
        database_url, "decide", selection, "--as", "fin.gent",
        "--decision", "no-control", "--reason", "capacity",
    )  # fmt: skip
    assert early.exit_code == 2 and "assess it first" in early.output
    assessed = cli(database_url, "assess", selection, "--as", "fin.gent", "--assessment", "low")
    assert assessed.exit_code == 0 and EXPLANATION in assessed.stdout
    decided = cli(
        database_url, "decide", selection, "--as", "fin.gent",
        "--decision", "no-control", "--reason", "capacity",
    )  # fmt: skip
    assert decided.exit_code == 0, decided.output
    summary = json.loads(cli(database_url, "summary", "--run", RUN, "--json").stdout)
    assert (summary["overrides"]["count"], summary["by_status"]["decided"]) == (1, 1)
    controls = cli(database_url, "controls", "--run", RUN)
    assert json.loads(controls.stdout) == []
