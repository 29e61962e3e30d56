"""The staffing projection, shown as the table a manager reads."""

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loket.insight.staffing import (
    NormLine,
    Post,
    ScenarioError,
    parse_scenario,
    project_office,
    project_service,
    required_fte,
)

# A small collection office in 2026: five full-time posts; the holders of two retire in 2027
# and 2029, one half-time post in 2028.
SMALL_OFFICE = [
    Post("collection", 1.0, 2027),
    Post("collection", 1.0, 2029),
    Post("collection", 0.5, 2028),
    Post("collection", 1.0, 2045),
    Post("collection", 1.0, 2050),
    Post("collection", 0.5, 2055),
]


def test_a_small_office_holds_its_norm_at_three_of_five_and_falls_below_at_two_of_five() -> None:
    # Norm: 1,400 open collection dossiers × weight 1 ÷ 350 per FTE = 4.0 FTE.
    need = required_fte([NormLine("collection", "tax-collection", 350, 1.0, None)],
                        {"tax-collection": 1400}, None)  # fmt: skip
    assert need == {"collection": 4.0}
    projection = project_service(
        SMALL_OFFICE, "collection", Fraction(3, 5), 2026, need["collection"]
    )
    # By hand: 2026: 5.0 FTE. 2027: one leaves, 0.6 hired → 4.6. 2028: 0.5 leaves, 0.3 hired →
    # 4.4. 2029: one leaves, 0.6 hired → 4.0 (not below 4.0). Nothing more until 2031.
    # Under 3/5 the office stays at its norm; under 2/5 it ends at 5 − 2.5 × 0.6 = 3.5.
    assert projection.years == (2026, 2027, 2028, 2029, 2030, 2031)
    assert [round(f, 2) for f in projection.fte] == [5.0, 4.6, 4.4, 4.0, 4.0, 4.0]
    assert projection.first_year_below is None
    harsher = project_service(SMALL_OFFICE, "collection", Fraction(2, 5), 2026, 4.0)
    # 2/5: 2027: 5 − 0.6 = 4.4; 2028: 4.4 − 0.3 = 4.1; 2029: 4.1 − 0.6 = 3.5 < 4.0.
    assert [round(f, 2) for f in harsher.fte] == [5.0, 4.4, 4.1, 3.5, 3.5, 3.5]
    assert harsher.first_year_below == 2029


def test_three_of_five_against_a_norm_of_four_and_a_half_falls_below_in_2028() -> None:
    projection = project_service(SMALL_OFFICE, "collection", Fraction(3, 5), 2026, 4.5)
    # 2026: 5.0, 2027: 4.6 (≥ 4.5), 2028: 4.4 < 4.5 → 2028.
    assert projection.first_year_below == 2028


def test_an_overdue_retirement_leaves_in_the_first_projected_year() -> None:
    projection = project_service([Post("control", 1.0, 2020)], "control", Fraction(0), 2026, None)
    assert projection.fte == (1.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    assert projection.first_year_below is None  # no norm, no verdict


def test_inhabitants_norm_and_weighted_caseload_add_up() -> None:
    lines = [
        NormLine("critical", "leefloon", 60, 1.0, None),
        NormLine("critical", "debt-mediation", 60, 1.5, None),
        NormLine("control", None, None, 1.0, 1.0),
    ]
    need = required_fte(lines, {"leefloon": 120, "debt-mediation": 40}, 600_000)
    # (120 × 1 + 40 × 1.5) ÷ 60 = 3.0; "60 people for 600,000 citizens" = 60.0.
    assert need == {"critical": 3.0, "control": 60.0}


def test_every_service_with_staff_or_a_norm_is_projected_with_its_own_ratio() -> None:
    posts = [Post("collection", 1.0, 2027), Post("control", 1.0, 2027)]
    scenario = parse_scenario("collection=3/5,control=1/5")
    rows = project_office(posts, scenario, {"contact-centre": 1.0}, 2026)
    assert [(p.service, p.ratio, round(p.fte[-1], 2)) for p in rows] == [
        ("collection", Fraction(3, 5), 0.6),
        ("contact-centre", Fraction(1), 0.0),
        ("control", Fraction(1, 5), 0.2),
    ]
    assert rows[1].first_year_below == 2026


@pytest.mark.parametrize("text", ["collection=6/5", "canteen=1/5", "control=half", "control=1/0"])
def test_a_bad_scenario_is_refused_with_the_expected_form(text: str) -> None:
    with pytest.raises(ScenarioError, match="scenario"):
        parse_scenario(text)


posts = st.lists(
    st.builds(
        Post,
        st.just("collection"),
        st.sampled_from([0.5, 0.8, 1.0]),
        st.integers(min_value=2015, max_value=2040),
    ),
    max_size=30,
)
ratios = st.fractions(min_value=0, max_value=1, max_denominator=10)


@settings(max_examples=200, deadline=None)
@given(posts, ratios, ratios)
def test_a_higher_replacement_ratio_never_gives_fewer_fte_in_any_year(
    staff: list[Post], a: Fraction, b: Fraction
) -> None:
    low, high = sorted((a, b))
    lower = project_service(staff, "collection", low, 2026, None)
    higher = project_service(staff, "collection", high, 2026, None)
    assert all(h >= lo for h, lo in zip(higher.fte, lower.fte, strict=True))
