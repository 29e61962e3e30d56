"""The dates an OCMW must meet and the share of the living wage the federal state refunds."""

from datetime import date
from decimal import Decimal

import pytest

from loket.rules import RulesError, federal_refund_rate, living_wage_terms


def test_terms_from_the_request() -> None:
    terms = living_wage_terms(date(2025, 1, 10))
    assert terms.decision_due == date(2025, 2, 9)
    assert terms.notification_due == date(2025, 2, 17)
    assert terms.piis_due == date(2025, 5, 9)


def test_terms_from_an_actual_decision_at_the_end_of_a_month() -> None:
    terms = living_wage_terms(date(2024, 11, 5), decided_on=date(2024, 11, 30))
    assert terms.notification_due == date(2024, 12, 8)
    assert terms.piis_due == date(2025, 2, 28)


def test_no_piis_term_for_a_request_before_november_2016() -> None:
    assert living_wage_terms(date(2015, 3, 1)).piis_due is None


def test_a_decision_before_the_request_is_refused() -> None:
    with pytest.raises(RulesError, match="decided_on"):
        living_wage_terms(date(2025, 1, 10), decided_on=date(2025, 1, 1))


# beneficiaries  piis   rate
REFUND = """
0                no     0.55
499              no     0.55
500              no     0.65
999              yes    0.75
1000             no     0.70
25000            yes    0.80
"""


def test_refund_rate_by_size_of_the_ocmw() -> None:
    for line in REFUND.strip().splitlines():
        count, piis, rate = line.split()
        assert federal_refund_rate(int(count), piis == "yes", date(2025, 1, 1)) == Decimal(rate)
