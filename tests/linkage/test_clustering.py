"""Constrained grouping: however claims without INSZ chain them, two valid INSZ that are not a
typo of each other never end in one group; a typo may."""

from hypothesis import given, settings
from hypothesis import strategies as st

from loket.linkage.clustering import (
    damerau_levenshtein_at_most_one,
    group_claims_constrained,
    insz_typo_or_equal,
)

# Valid-looking numbers far apart (4 or more digits differ): never a typo of each other.
PEOPLE = ["85073003361", "92050510144", "61090304527", "79112308790"]


@st.composite
def claim_sets(draw: st.DrawFn) -> tuple[dict[str, str | None], list[tuple[str, str, float]]]:
    count = draw(st.integers(min_value=2, max_value=12))
    claims = [f"C{i:02d}" for i in range(count)]
    identities = {c: draw(st.sampled_from([None, None, *PEOPLE])) for c in claims}
    edges = draw(
        st.lists(
            st.tuples(
                st.sampled_from(claims),
                st.sampled_from(claims),
                st.floats(min_value=0.9, max_value=1.0),
            ).filter(lambda e: e[0] != e[1]),
            max_size=30,
        )
    )
    return identities, edges


@given(claim_sets())
@settings(max_examples=200, deadline=None)
def test_no_group_ever_holds_two_people_whatever_the_chain(
    case: tuple[dict[str, str | None], list[tuple[str, str, float]]],
) -> None:
    identities, edges = case
    grouping = group_claims_constrained(edges, identities)
    numbers_of: dict[str, set[str]] = {}
    for claim, cluster in grouping.cluster_of.items():
        if identities[claim]:
            numbers_of.setdefault(cluster, set()).add(str(identities[claim]))
    assert all(len(numbers) <= 1 for numbers in numbers_of.values())


@given(claim_sets())
@settings(max_examples=50, deadline=None)
def test_grouping_does_not_depend_on_the_order_of_the_edges(
    case: tuple[dict[str, str | None], list[tuple[str, str, float]]],
) -> None:
    identities, edges = case
    forward = group_claims_constrained(edges, identities)
    backward = group_claims_constrained(list(reversed(edges)), identities)
    assert forward.cluster_of == backward.cluster_of


def test_a_bridge_without_insz_between_two_people_leaves_two_groups() -> None:
    identities = {"A": PEOPLE[0], "B": PEOPLE[1], "C": None}
    grouping = group_claims_constrained([("A", "C", 0.99), ("C", "B", 0.98)], identities)
    assert grouping.cluster_of == {"A": "A", "C": "A"}
    assert grouping.bridges == {"C"}


def test_one_digit_off_or_two_digits_swapped_may_be_one_group() -> None:
    number = PEOPLE[0]
    typo = number[:4] + "9" + number[5:]
    swapped = number[:1] + number[2] + number[1] + number[3:]
    assert insz_typo_or_equal(number, typo) and insz_typo_or_equal(number, swapped)
    identities = {"A": number, "B": typo, "C": None}
    grouping = group_claims_constrained([("A", "C", 0.99), ("C", "B", 0.98)], identities)
    assert set(grouping.cluster_of) == {"A", "B", "C"}
    assert not damerau_levenshtein_at_most_one(PEOPLE[0], PEOPLE[1])
