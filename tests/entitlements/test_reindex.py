"""`loket rules reindex`: after an index jump every open living-wage dossier is recomputed; only
changed amounts get a new assessment, and a citizen being paid a message, once, in their
language."""

import json
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from loket.cases.choices import DossierStatus
from loket.cases.dossiers import change_status
from loket.cli.main import app
from loket.entitlements.assessments import assess_living_wage, assessment_history
from loket.entitlements.model import LivingWageAssessment
from loket.entitlements.reindex import reindex_living_wage
from loket.store.outbox import OutboxMessage
from tests.entitlements.factories import OPENED, leefloon_dossier, single
from tests.factories import open_dossiers

JUMP = date(2024, 6, 1)  # the amounts rose by 6.12 % on this day


def _outbox(session: Session) -> list[OutboxMessage]:
    """The messages the reindex wrote; the grants of the set-up were told when they were made."""
    written = select(OutboxMessage).where(OutboxMessage.topic != "dossier-decided")
    return list(session.scalars(written.order_by(OutboxMessage.id)))


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(LivingWageAssessment)) or 0


@pytest.fixture
def dossiers(sessions: sessionmaker[Session]) -> dict[str, int]:
    """Raised amounts being paid (a French-speaking citizen with two active dossiers), a request
    not decided yet whose estimate rises, an amount that stays 0 (resources too high), a closed
    dossier, and one already computed for a later day."""
    ids: dict[str, int] = {}
    with sessions.begin() as session:
        citizen, raised = leefloon_dossier(session, language="fr")
        second = open_dossiers(session, citizen, ("leefloon",), on=OPENED)["leefloon"]
        _c, pending = leefloon_dossier(session)
        _c, zero = leefloon_dossier(session)
        _c, closed = leefloon_dossier(session)
        _c, later = leefloon_dossier(session)
        for name, dossier, resources, on in (
            ("raised", raised, "300", OPENED),
            ("second", second, "0", OPENED),
            ("pending", pending, "100", OPENED),
            ("zero", zero, "5000", OPENED),
            ("closed", closed, "0", OPENED),
            ("later", later, "0", date(2026, 6, 1)),
        ):
            assess_living_wage(session, dossier, single(resources), on, computed_by="w")
            ids[name] = dossier.id
        for paid in (raised, second):
            change_status(session, paid.reference, DossierStatus.ACTIVE, date(2024, 1, 20))
        change_status(session, closed.reference, DossierStatus.CLOSED, date(2024, 3, 1))
    return ids


def test_only_changed_amounts_are_kept_and_each_citizen_is_told_once(
    sessions: sessionmaker[Session], dossiers: dict[str, int]
) -> None:
    with sessions.begin() as session:
        summary = reindex_living_wage(session, JUMP)
    assert summary.as_json() == {
        "on": "2024-06-01",
        "recomputed": 4,
        "changed": 3,
        "unchanged": 1,
        "newer": 1,
        "notified": 1,
    }
    with sessions() as session:
        raised = assessment_history(session, dossiers["raised"])
        assert [(str(a.monthly_amount_eur), a.reason, a.parameters_on) for a in raised] == [
            ("1009.29", "reindex", JUMP),
            ("934.96", "recomputed", OPENED),
        ]
        assert raised[0].situation == raised[1].situation
        # The undecided request gets its new estimate, without a message.
        assert len(assessment_history(session, dossiers["pending"])) == 2
        for unchanged in ("zero", "closed", "later"):
            assert len(assessment_history(session, dossiers[unchanged])) == 1, unchanged
        (message,) = _outbox(session)
        assert (message.topic, message.recipient_kind) == ("living-wage-amount-changed", "citizen")
        payload = message.payload
        assert payload["language"] == "fr" and payload["on"] == "2024-06-01"
        assert [d["old_amount_eur"] for d in payload["dossiers"]] == ["934.96", "1214.13"]
        assert [d["new_amount_eur"] for d in payload["dossiers"]] == ["1009.29", "1288.46"]
        assert "à partir du 1 juin 2024" in payload["text"]
        assert "1\u202f009,29" in payload["text"] and "934,96" in payload["text"]


def test_running_it_again_for_the_same_day_changes_nothing(
    sessions: sessionmaker[Session], dossiers: dict[str, int]
) -> None:
    with sessions.begin() as session:
        reindex_living_wage(session, JUMP)
    with sessions() as session:
        before = (_count(session), len(_outbox(session)))
    with sessions.begin() as session:
        again = reindex_living_wage(session, JUMP)
    assert (again.recomputed, again.changed, again.notified) == (4, 0, 0)
    with sessions() as session:
        assert (_count(session), len(_outbox(session))) == before


def test_batches_give_the_same_result(
    sessions: sessionmaker[Session], dossiers: dict[str, int]
) -> None:
    with sessions.begin() as session:
        summary = reindex_living_wage(session, JUMP, batch=1)
    assert (summary.recomputed, summary.changed, summary.notified) == (4, 3, 1)


def test_the_command_prints_a_json_summary_and_refuses_an_unknown_day(
    sessions: sessionmaker[Session],
    dossiers: dict[str, int],
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from loket.settings import get_settings

    monkeypatch.setenv("LOKET_DATABASE_URL", database_url)
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        result = runner.invoke(app, ["rules", "reindex", "--on", "2024-06-01", "--json"])
        assert result.exit_code == 0, result.output
        summary = json.loads(result.stdout)
        assert (summary["changed"], summary["notified"]) == (3, 1)
        refused = runner.invoke(app, ["rules", "reindex", "--on", "2001-01-01"])
        assert refused.exit_code == 2
        assert "2001-01-01" in refused.output
    finally:
        get_settings.cache_clear()
