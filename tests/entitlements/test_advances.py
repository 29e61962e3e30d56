"""Maintenance-advance decisions and the recovery ledger of a maintenance-claim dossier."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session, sessionmaker

from loket.entitlements.advances import (
    add_ledger_entry,
    decide_maintenance_advance,
    latest_decision,
    ledger_of,
)
from loket.entitlements.errors import EntitlementError, NoDecision, WrongCaseType
from tests.entitlements.factories import leefloon_dossier, maintenance_dossier, two_children


def test_a_decision_is_kept_with_its_per_child_advances_and_surcharge(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        dossier = maintenance_dossier(session)
        decide_maintenance_advance(
            session, dossier, two_children(), date(2024, 1, 10), decided_by="davo-worker"
        )
        dossier_id = dossier.id
    with sessions() as session:
        decision = latest_decision(session, dossier_id)
        assert decision is not None
        assert decision.eligible and decision.unmet_conditions == []
        # Each child's advance is capped at 175 euro a month.
        assert decision.per_child_eur == [Decimal("175.00"), Decimal("150.00")]
        assert decision.monthly_advance_eur == Decimal("325.00")
        assert decision.surcharge_rate == Decimal("0.13")
        assert (decision.decided_on, decision.decided_by) == (date(2024, 1, 10), "davo-worker")


def test_the_ledger_shows_the_balance_the_debtor_owes(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        dossier = maintenance_dossier(session)
        decide_maintenance_advance(
            session, dossier, two_children(), date(2024, 1, 10), decided_by="w"
        )
        for kind, amount, day in (
            ("advance", "325", date(2024, 2, 1)),
            ("advance", "325", date(2024, 3, 1)),
            ("recovery", "200", date(2024, 3, 15)),
        ):
            add_ledger_entry(session, dossier, kind, Decimal(amount), day, recorded_by="w")
        dossier_id = dossier.id
    with sessions() as session:
        ledger = ledger_of(session, dossier_id)
    assert ledger is not None
    # 13 % surcharge on what was advanced: 650 + 84.50 - 200 recovered.
    table = [
        (str(day), kind, str(amount), str(balance)) for day, kind, amount, balance in ledger.rows
    ]
    assert table == [
        ("2024-02-01", "advance", "325.00", "367.25"),
        ("2024-03-01", "advance", "325.00", "734.50"),
        ("2024-03-15", "recovery", "200.00", "534.50"),
    ]
    assert (ledger.advanced_eur, ledger.recovered_eur, ledger.owed_eur) == (
        Decimal("650.00"),
        Decimal("200.00"),
        Decimal("534.50"),
    )


def test_the_ledger_waits_for_a_decision(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        dossier = maintenance_dossier(session)
        assert ledger_of(session, dossier.id) is None
        with pytest.raises(NoDecision):
            add_ledger_entry(
                session, dossier, "advance", Decimal(1), date(2024, 2, 1), recorded_by="w"
            )


@pytest.mark.parametrize(
    ("kind", "amount", "field"), [("gift", "10", "kind"), ("advance", "0", "amount")]
)
def test_a_bad_entry_names_its_field(
    sessions: sessionmaker[Session], kind: str, amount: str, field: str
) -> None:
    with sessions.begin() as session:
        dossier = maintenance_dossier(session)
        with pytest.raises(EntitlementError) as refused:
            add_ledger_entry(
                session, dossier, kind, Decimal(amount), date(2024, 2, 1), recorded_by="w"
            )
        assert refused.value.field == field


def test_a_leefloon_dossier_gets_no_advance(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        _citizen, dossier = leefloon_dossier(session)
        with pytest.raises(WrongCaseType):
            decide_maintenance_advance(
                session, dossier, two_children(), date(2024, 1, 10), decided_by="w"
            )
