"""Living-wage assessments kept per leefloon dossier: computed from a situation, from a request's
answers, never overwritten; and the legal terms of the decision."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session, sessionmaker

from loket.cases.choices import DossierStatus
from loket.cases.dossiers import change_status
from loket.entitlements.assessments import (
    assess_living_wage,
    assess_request,
    assessment_history,
    decision_day,
    estimate_for_request,
    latest_assessment,
)
from loket.entitlements.errors import WrongCaseType
from loket.entitlements.situations import (
    living_wage_situation,
    maintenance_situation,
    request_situation,
    situation_json,
)
from tests.entitlements.factories import (
    OPENED,
    leefloon_dossier,
    maintenance_dossier,
    single,
    two_children,
)


def test_a_recomputation_adds_an_assessment_and_keeps_the_old_one(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        _citizen, dossier = leefloon_dossier(session)
        assess_living_wage(session, dossier, single("300"), OPENED, computed_by="citizen")
        assess_living_wage(
            session, dossier, single("100"), date(2025, 6, 1), computed_by="worker-gent"
        )
        dossier_id = dossier.id
    with sessions() as session:
        history = assessment_history(session, dossier_id)
        rows = [(a.monthly_amount_eur, a.parameters_on, a.computed_by) for a in history]
        # The category amount less the resources above the general exemption of 250 a year.
        assert rows == [
            (Decimal("1235.03"), date(2025, 6, 1), "worker-gent"),
            (Decimal("934.96"), OPENED, "citizen"),
        ]
        latest = latest_assessment(session, dossier_id)
        assert latest is not None and latest.assessment.id == history[0].id
        # The steps are those of the stored situation on the stored day, each with its article.
        assert latest.computation.monthly_amount_eur == Decimal("1235.03")
        assert all(step.reference is not None for step in latest.computation.steps)
        assert isinstance(latest.assessment.computed_at, datetime)


def test_the_request_answers_give_the_first_assessment(sessions: sessionmaker[Session]) -> None:
    answers = {
        "household": "family",
        "children": "2",
        "has_work": "yes",
        "monthly_income": "400,00",
    }
    with sessions.begin() as session:
        _citizen, dossier = leefloon_dossier(session)
        assessed = assess_request(session, dossier, dict(answers), date(2026, 1, 5))
        assert assessed is not None
        stored = assessed.assessment
        assert (stored.category, stored.reason, stored.computed_by) == (
            "family",
            "request",
            "citizen",
        )
        assert stored.situation["monthly_net_resources_eur"] == "400.00"
        assert stored.situation["monthly_employment_income_eur"] == "400.00"
        assert stored.monthly_amount_eur == estimate_for_request(answers, date(2026, 1, 5))


@pytest.mark.parametrize(
    ("household", "has_work", "category", "employment"),
    [
        ("alone", "no", "single", "0"),
        ("partner", "no", "cohabitant", "0"),
        ("others", "yes", "cohabitant", "850.00"),
        ("family", "yes", "family", "850.00"),
    ],
)
def test_request_answers_map_to_a_situation(
    household: str, has_work: str, category: str, employment: str
) -> None:
    answers = {"household": household, "has_work": has_work, "monthly_income": "850,00"}
    situation = request_situation(answers)
    assert situation is not None
    assert situation.category == category
    assert situation.monthly_net_resources_eur == Decimal("850.00")
    assert situation.monthly_employment_income_eur == Decimal(employment)


@pytest.mark.parametrize("household", ["partner", "others"])
def test_a_couple_with_a_child_in_their_care_gets_the_family_estimate(household: str) -> None:
    on = date(2025, 6, 1)
    couple = {"household": household, "children": "0", "monthly_income": "0"}
    with_child = {**couple, "children": "2"}
    assert request_situation(with_child).category == "family"  # type: ignore[union-attr]
    # 1,776.07 (family, from 2025-02-01) rather than 876.13 (cohabitant).
    assert estimate_for_request(with_child, on) == Decimal("1776.07")
    assert estimate_for_request(couple, on) == Decimal("876.13")


def test_no_household_no_estimate() -> None:
    assert request_situation({"monthly_income": "100"}) is None
    assert estimate_for_request({}, date(2026, 1, 1)) is None
    # Before the first known amounts there is no estimate rather than a wrong one.
    assert estimate_for_request({"household": "alone"}, date(2001, 1, 1)) is None


def test_situations_survive_the_round_trip_through_json() -> None:
    assert living_wage_situation(situation_json(single("12.34"))) == single("12.34")
    assert maintenance_situation(situation_json(two_children())) == two_children()


def test_a_maintenance_dossier_gets_no_living_wage(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        dossier = maintenance_dossier(session)
        with pytest.raises(WrongCaseType, match="not a leefloon dossier"):
            assess_living_wage(session, dossier, single(), OPENED, computed_by="x")


def test_the_decision_day_is_when_the_dossier_was_granted_or_refused(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        _citizen, dossier = leefloon_dossier(session)
        assert decision_day(session, dossier.id) is None
        change_status(session, dossier.reference, DossierStatus.IN_REVIEW, date(2024, 1, 10))
        assert decision_day(session, dossier.id) is None
        change_status(session, dossier.reference, DossierStatus.ACTIVE, date(2024, 1, 20))
        assert decision_day(session, dossier.id) == date(2024, 1, 20)
