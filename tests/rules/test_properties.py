"""Properties every living-wage and advance computation keeps, whatever the situation."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from loket.rules import (
    LIVING_WAGE_CATEGORIES,
    Child,
    DateOutOfRange,
    LivingWageSituation,
    MaintenanceSituation,
    decide_advance,
    living_wage_amounts,
)

cents = st.integers(min_value=0, max_value=500_000).map(lambda c: Decimal(c) / 100)
days = st.dates(min_value=date(2023, 1, 1), max_value=date(2030, 12, 31))


@st.composite
def situations(draw: st.DrawFn) -> LivingWageSituation:
    resources = draw(cents)
    return LivingWageSituation(
        category=draw(st.sampled_from(LIVING_WAGE_CATEGORIES)),
        age=draw(st.integers(0, 100)),
        minor_exception=draw(st.booleans()),
        monthly_net_resources_eur=resources,
        monthly_employment_income_eur=min(draw(cents), resources),
        socio_professional_exemption=draw(st.booleans()),
        shortage_occupation_exemption=draw(st.booleans()),
        partner_monthly_income_eur=draw(cents),
        relatives_monthly_income_eur=draw(cents),
        count_relatives_income=draw(st.booleans()),
    )


@settings(max_examples=60, deadline=None)
@given(situations(), cents, days)
def test_more_resources_never_give_a_larger_amount(
    situation: LivingWageSituation, extra: Decimal, on: date
) -> None:
    richer = [
        situation.__class__(
            **{
                **situation.__dict__,
                "monthly_net_resources_eur": situation.monthly_net_resources_eur + extra,
            }
        ),
        situation.__class__(
            **{
                **situation.__dict__,
                "partner_monthly_income_eur": situation.partner_monthly_income_eur + extra,
            }
        ),
    ]
    base, more_own, more_partner = living_wage_amounts([situation, *richer], on).tolist()
    assert more_own <= base and more_partner <= base


@settings(max_examples=60, deadline=None)
@given(st.lists(situations(), min_size=1, max_size=20), days)
def test_amounts_are_never_negative_nor_above_the_category_amount(
    batch: list[LivingWageSituation], on: date
) -> None:
    amounts = living_wage_amounts(batch, on)
    assert (amounts >= 0).all()
    assert (amounts <= 1811.59).all()


@settings(max_examples=30, deadline=None)
@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2022, 12, 31)))
def test_a_day_before_the_first_amount_is_refused(on: date) -> None:
    try:
        living_wage_amounts([LivingWageSituation("single")], on)
    except DateOutOfRange as error:
        assert "before 2023-01-01" in str(error)
    else:
        raise AssertionError(f"{on} was computed although no amount is known")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(cents, st.booleans()), min_size=1, max_size=6),
    st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31)),
)
def test_an_advance_is_never_above_175_per_child(
    children: list[tuple[Decimal, bool]], on: date
) -> None:
    situation = MaintenanceSituation(
        creditor_domiciled_in_belgium=True,
        enforceable_title=True,
        missed_payments_last_12_months=2,
        children=tuple(Child(amount, disabled) for amount, disabled in children),
        creditor_monthly_net_income_eur=Decimal(0),
        requested_on=on - timedelta(days=1),
    )
    decision = decide_advance(situation, on)
    assert decision.eligible
    assert all(amount <= 175 for amount in decision.per_child_eur)
    assert decision.monthly_advance_eur <= 175 * len(children)
