"""DAVO advances and the recovery ledger as a DAVO officer would check them."""

from datetime import date
from decimal import Decimal

import pytest

from loket.rules import (
    Child,
    DateOutOfRange,
    LedgerEntry,
    MaintenanceSituation,
    RulesError,
    decide_advance,
    income_ceiling,
    recovery_ledger,
)

D = Decimal


def request(
    income: str = "1500",
    children: tuple[Child, ...] = (Child(D(200)),),
    missed: int = 2,
    requested_on: date = date(2025, 1, 10),
    **overrides: bool,
) -> MaintenanceSituation:
    return MaintenanceSituation(
        creditor_domiciled_in_belgium=overrides.get("domiciled", True),
        enforceable_title=overrides.get("title", True),
        missed_payments_last_12_months=missed,
        children=children,
        creditor_monthly_net_income_eur=D(income),
        requested_on=requested_on,
    )


# day          children  disabled  ceiling
CEILINGS = """
2015-01-01     2         0         1932.00
2019-12-31     1         1         1866.00
2020-01-01     2         0         2340.00
2020-01-01     2         1         2410.00
2020-05-31     0         0         2200.00
2020-06-01     2         0         none
2025-03-01     3         1         none
"""


def test_income_ceiling_by_day() -> None:
    shown = []
    for line in CEILINGS.strip().splitlines():
        day, children, disabled, _ = line.split()
        ceiling = income_ceiling(int(children), int(disabled), date.fromisoformat(day))
        shown.append(f"{day}  {children}  {disabled}  {ceiling or 'none'}")
    assert shown == ["  ".join(line.split()) for line in CEILINGS.strip().splitlines()]


def test_a_day_before_the_first_ceiling_is_refused() -> None:
    with pytest.raises(DateOutOfRange, match="before 2015-01-01"):
        decide_advance(request(requested_on=date(2014, 6, 1)), date(2014, 12, 31))


def test_each_child_gets_the_titles_amount_capped_at_175() -> None:
    children = (Child(D(250)), Child(D("120.50")), Child(D(175)))
    decision = decide_advance(request(children=children), date(2025, 3, 1))
    assert decision.eligible
    assert decision.per_child_eur == (D("175.00"), D("120.50"), D("175.00"))
    assert decision.monthly_advance_eur == D("470.50")
    assert decision.surcharge_rate == D("0.13")


def test_unmet_conditions_are_named_and_nothing_is_advanced() -> None:
    decision = decide_advance(request(missed=1, domiciled=False, title=False), date(2025, 3, 1))
    assert not decision.eligible and decision.monthly_advance_eur == 0
    assert decision.unmet_conditions == (
        "The creditor does not live in Belgium",
        "No enforceable title grants the maintenance",
        "Fewer than two payments were missed in the last 12 months",
    )


def test_the_income_ceiling_refused_advances_until_mid_2020_only() -> None:
    rich = request(income="2500", children=(Child(D(150)), Child(D(150))))
    assert decide_advance(rich, date(2020, 5, 1)).unmet_conditions == (
        "The creditor's income is above the ceiling",
    )
    assert decide_advance(rich, date(2020, 6, 1)).monthly_advance_eur == D("300.00")


def test_a_negative_title_amount_is_refused_by_name() -> None:
    with pytest.raises(RulesError, match="children\\[0\\].monthly_title_amount_eur"):
        decide_advance(request(children=(Child(D(-1)),)), date(2025, 3, 1))


def test_ledger_adds_the_13_percent_surcharge_and_keeps_a_running_balance() -> None:
    ledger = recovery_ledger(
        [
            LedgerEntry(date(2025, 2, 1), "advance", D(175)),
            LedgerEntry(date(2025, 3, 1), "advance", D(175)),
            LedgerEntry(date(2025, 3, 20), "recovery", D(100)),
            LedgerEntry(date(2025, 4, 1), "recovery", D(500)),
        ],
        requested_on=date(2025, 1, 10),
    )
    # 350 advanced + 13% = 395.50 owed; 600 recovered leaves nothing owed, never less.
    assert (ledger.advanced_eur, ledger.surcharge_eur, ledger.recovered_eur) == (
        D("350.00"),
        D("45.50"),
        D("600.00"),
    )
    assert ledger.owed_eur == D("0.00")
    assert [row[3] for row in ledger.rows] == [D("197.75"), D("395.50"), D("295.50"), D("0.00")]


def test_before_2015_the_creditor_paid_a_share_of_what_was_recovered() -> None:
    ledger = recovery_ledger(
        [
            LedgerEntry(date(2013, 2, 1), "advance", D(100)),
            LedgerEntry(date(2013, 5, 1), "recovery", D(110)),
        ],
        requested_on=date(2013, 1, 10),
    )
    assert ledger.surcharge_eur == D("10.00")
    assert ledger.owed_eur == D("0.00")
    assert ledger.creditor_fee_eur == D("5.50")


def test_the_surcharge_rate_follows_the_day_of_the_request() -> None:
    advance = [LedgerEntry(date(2015, 3, 1), "advance", D(100))]
    assert recovery_ledger(advance, requested_on=date(2014, 12, 31)).surcharge_eur == D("10.00")
    assert recovery_ledger(advance, requested_on=date(2015, 1, 1)).surcharge_eur == D("13.00")
