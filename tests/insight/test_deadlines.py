"""The legal terms per case type, and that they agree with the dated rules of `loket.rules`."""

from datetime import date, timedelta

import pytest

from loket.insight.deadlines import (
    CASE_TERMS,
    decided_in_term,
    decision_due_on,
    is_overdue,
    terms_of,
)
from loket.rules.procedure import living_wage_terms


@pytest.mark.parametrize("submitted", [date(2024, 1, 31), date(2026, 2, 28), date(2026, 12, 5)])
def test_the_living_wage_terms_are_those_of_the_rules(submitted: date) -> None:
    decided = submitted + timedelta(days=12)
    rules = living_wage_terms(submitted, decided)
    terms = terms_of("leefloon")
    assert terms.decision is not None and terms.notification is not None
    assert decision_due_on("leefloon", submitted, "requested") == rules.decision_due
    assert decided + timedelta(days=terms.notification.days) == rules.notification_due


def test_every_term_names_its_law_and_the_living_wage_its_articles() -> None:
    for terms in CASE_TERMS.values():
        for term in (terms.decision, terms.notification, terms.forwarding):
            assert term is None or (term.days > 0 and term.reference)
    leefloon = terms_of("leefloon")
    assert [
        t.days for t in (leefloon.decision, leefloon.notification, leefloon.forwarding) if t
    ] == [
        30,
        8,
        5,
    ]
    assert "art. 21, § 1" in leefloon.decision.reference  # type: ignore[union-attr]
    assert "art. 18, § 4" in leefloon.forwarding.reference  # type: ignore[union-attr]


def test_a_due_date_only_while_awaiting_a_decision_and_overdue_from_the_day_after() -> None:
    opened = date(2026, 1, 1)
    assert decision_due_on("leefloon", opened, "requested") == date(2026, 1, 31)
    assert decision_due_on("leefloon", opened, "in-review") == date(2026, 1, 31)
    assert decision_due_on("leefloon", opened, "active") is None
    assert decision_due_on("debt-mediation", opened, "requested") is None
    assert not is_overdue(date(2026, 1, 31), date(2026, 1, 31))
    assert is_overdue(date(2026, 1, 31), date(2026, 2, 1))
    assert decided_in_term("leefloon", opened, date(2026, 1, 31))
    assert not decided_in_term("leefloon", opened, date(2026, 2, 1))
    assert decided_in_term("tax-collection", opened, date(2030, 1, 1))  # no term
