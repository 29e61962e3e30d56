"""The living-wage estimate as an OCMW would read it: amounts by date, steps with articles,
unmet conditions, and the same amounts for many people at once."""

from datetime import date
from decimal import Decimal

import numpy
import pytest

from loket.rules import (
    DateOutOfRange,
    LivingWageSituation,
    RulesError,
    estimate_living_wage,
    living_wage_amounts,
    living_wage_category_amounts,
)

D = Decimal

# day          cohabitant  single    family
AMOUNTS_BY_DAY = """
2023-01-01     809.42      1214.13   1640.83
2024-04-30     809.42      1214.13   1640.83
2024-05-01     858.97      1288.46   1741.29
2025-01-31     858.97      1288.46   1741.29
2025-02-01     876.13      1314.20   1776.07
2025-12-05     876.13      1314.20   1776.07
2026-01-31     876.13      1314.20   1776.07
2026-02-01     893.65      1340.48   1811.59
"""


def test_category_amounts_by_day() -> None:
    shown = []
    for line in AMOUNTS_BY_DAY.strip().splitlines():
        day = date.fromisoformat(line.split()[0])
        amounts = living_wage_category_amounts(day)
        shown.append(f"{day}  {amounts['cohabitant']}  {amounts['single']}  {amounts['family']}")
    expected = ["  ".join(line.split()) for line in AMOUNTS_BY_DAY.strip().splitlines()]
    assert shown == expected


def test_a_day_before_the_first_amount_is_refused_naming_the_first_date() -> None:
    with pytest.raises(DateOutOfRange, match="no living-wage amount is known before 2023-01-01"):
        living_wage_category_amounts(date(2022, 12, 31))
    with pytest.raises(DateOutOfRange) as refused:
        estimate_living_wage(LivingWageSituation("single"), date(2019, 6, 1))
    assert refused.value.field == "on"


def test_single_with_other_income_shows_each_step_with_its_article() -> None:
    result = estimate_living_wage(
        LivingWageSituation("single", monthly_net_resources_eur=D(500)), date(2025, 3, 1)
    )
    table = [
        (step.label.format(**step.label_args), step.amount_eur, step.reference.article)
        for step in result.steps
        if step.reference
    ]
    assert table == [
        (
            "Monthly amount for a person living alone",
            D("1314.20"),
            "art. 14, § 1, eerste lid, 2° (geïndexeerd, art. 15)",
        ),
        ("Own net resources per month", D("500.00"), "art. 16, § 1"),
        ("Resources counted per year", D("6000.00"), "art. 16, § 1"),
        ("General exemption per year", D("-250.00"), "art. 22, § 1, b)"),
        (
            "Yearly amount for a person living alone",
            D("15770.40"),
            "art. 14, § 1, eerste lid, 2° (geïndexeerd, art. 15)",
        ),
        (
            "Living wage per month: (yearly amount − (resources − exemption)) ÷ 12",
            D("835.03"),
            "art. 14, § 2",
        ),
    ]
    assert result.eligible and result.monthly_amount_eur == D("835.03")


def test_unmet_conditions_are_listed_and_nothing_is_paid() -> None:
    result = estimate_living_wage(
        LivingWageSituation("family", age=16, registered=False), date(2025, 3, 1)
    )
    assert not result.eligible
    assert result.monthly_amount_eur == D("0.00")
    assert result.category_amount_eur == D("1776.07")
    assert result.unmet_conditions == (
        "Under 18, and none of the exceptions for minors applies",
        "Not registered in the population or foreigners register",
    )


def test_an_uncertain_amount_says_so_in_its_reference() -> None:
    result = estimate_living_wage(LivingWageSituation("single"), date(2026, 3, 1))
    assert result.steps[0].reference is not None and result.steps[0].reference.uncertain
    result = estimate_living_wage(LivingWageSituation("single"), date(2025, 3, 1))
    assert result.steps[0].reference is not None and not result.steps[0].reference.uncertain


def test_employment_income_larger_than_all_resources_is_refused_by_name() -> None:
    situation = LivingWageSituation(
        "single", monthly_net_resources_eur=D(100), monthly_employment_income_eur=D(200)
    )
    with pytest.raises(RulesError, match="monthly_employment_income_eur"):
        estimate_living_wage(situation, date(2025, 3, 1))


def test_many_situations_give_the_same_amounts_as_one_by_one() -> None:
    situations = [
        LivingWageSituation("single", monthly_net_resources_eur=D(500)),
        LivingWageSituation("cohabitant", partner_monthly_income_eur=D(1200)),
        LivingWageSituation("family", age=17),
        LivingWageSituation(
            "family",
            monthly_net_resources_eur=D(600),
            monthly_employment_income_eur=D(600),
            shortage_occupation_exemption=True,
        ),
    ]
    amounts = living_wage_amounts(situations, date(2025, 3, 1))
    assert amounts.dtype == numpy.float64
    assert amounts.tolist() == [835.03, 565.18, 0.0, 1645.42]
    one_by_one = [
        float(estimate_living_wage(s, date(2025, 3, 1)).monthly_amount_eur) for s in situations
    ]
    assert amounts.tolist() == one_by_one


def test_from_march_2026_a_parents_income_counts_whatever_the_ocmw_chooses() -> None:
    situation = LivingWageSituation("cohabitant", relatives_monthly_income_eur=D(2000))
    before, after = (
        living_wage_amounts([situation], date(2026, 2, 1)),
        living_wage_amounts([situation], date(2026, 3, 1)),
    )
    assert before.tolist() == [893.65]
    assert after.tolist() == [0.0]
