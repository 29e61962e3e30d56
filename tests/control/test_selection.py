"""Selecting dossiers for review: quotas per office in proportion to control capacity, the
random share drawn per pool, risk places only for eligible dossiers, a seed that repeats."""

from random import Random

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loket.control.selection import SelectionPlan, quotas, select

OFFICES = ["fin-antwerpen", "fin-brugge", "fin-gent", "fin-liege", "fin-namur"]
capacities = st.dictionaries(
    st.sampled_from(OFFICES),
    st.floats(min_value=0, max_value=50, allow_nan=False),
    min_size=1,
).filter(lambda c: sum(c.values()) > 0)


@given(size=st.integers(0, 500), capacity=capacities)
def test_quotas_add_up_to_the_size_and_are_proportional_within_one(
    size: int, capacity: dict[str, float]
) -> None:
    given_ = quotas(size, capacity)
    total = sum(capacity.values())
    assert set(given_) == set(capacity)
    assert sum(given_.values()) == size
    for office, places in given_.items():
        assert places >= 0
        assert abs(places - size * capacity[office] / total) < 1


def test_quotas_follow_capacity() -> None:
    assert quotas(10, {"fin-gent": 3, "fin-brugge": 1, "fin-namur": 1}) == {
        "fin-gent": 6,
        "fin-brugge": 2,
        "fin-namur": 2,
    }
    # An office without controllers gets no places.
    assert quotas(5, {"fin-gent": 1, "fin-namur": 0}) == {"fin-gent": 5, "fin-namur": 0}


def test_quotas_break_ties_the_same_way_every_time() -> None:
    first = quotas(1, {"fin-namur": 1, "fin-gent": 1})
    assert first == quotas(1, {"fin-gent": 1, "fin-namur": 1})
    assert first == {"fin-gent": 1, "fin-namur": 0}


def test_quotas_refuse_zero_capacity() -> None:
    with pytest.raises(ValueError, match="capacity"):
        quotas(10, {"fin-gent": 0, "fin-namur": 0})


Case = tuple[npt.NDArray[np.int64], npt.NDArray[np.str_], npt.NDArray[np.bool_], SelectionPlan]


@st.composite
def cases(draw: st.DrawFn) -> Case:
    n = draw(st.integers(1, 60))
    ranks = np.array(draw(st.permutations(range(1, n + 1))), dtype=np.int64)
    offices = np.array(draw(st.lists(st.sampled_from(OFFICES[:3]), min_size=n, max_size=n)))
    eligible = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=np.bool_)
    capacity = None
    if draw(st.booleans()):
        values = st.floats(min_value=0.5, max_value=10, allow_nan=False)
        capacity = {office: draw(values) for office in OFFICES[:3]}
    plan = SelectionPlan(
        size=draw(st.integers(0, n + 5)),
        random_share=draw(st.sampled_from([0.0, 0.1, 0.25, 0.5])),
        seed=draw(st.integers(0, 2**32 - 1)),
        capacity=capacity,
    )
    return ranks, offices, eligible, plan


def pools(offices: npt.NDArray[np.str_], plan: SelectionPlan) -> dict[str, npt.NDArray[np.intp]]:
    if plan.capacity is None:
        return {"": np.arange(len(offices))}
    return {office: np.flatnonzero(offices == office) for office in plan.capacity}


def pool_sizes(offices: npt.NDArray[np.str_], plan: SelectionPlan) -> dict[str, int]:
    if plan.capacity is None:
        return {"": min(plan.size, len(offices))}
    return quotas(plan.size, plan.capacity)


@settings(max_examples=200)
@given(case=cases())
def test_selection_keeps_to_size_share_and_eligibility(case: Case) -> None:
    ranks, offices, eligible, plan = case
    choice = select(ranks, offices, eligible, plan)
    assert set(np.unique(choice).tolist()) <= {0, 1, 2}
    assert (choice > 0).sum() <= plan.size
    # Never selected for risk without a ratio markedly below the peers.
    assert not (choice == 1)[~eligible].any()
    sizes = pool_sizes(offices, plan)
    all_pools = pools(offices, plan)
    filled = {key: min(sizes[key], len(pool)) for key, pool in all_pools.items()}
    # The random sample is counted over the whole selection, then shared like the quotas.
    assert (choice == 2).sum() == round(sum(filled.values()) * plan.random_share)
    draws = quotas(int((choice == 2).sum()), filled) if sum(filled.values()) else {}
    for key, pool in all_pools.items():
        size = filled[key]
        drawn = draws.get(key, 0)
        assert (choice[pool] == 2).sum() == drawn
        assert (choice[pool] > 0).sum() <= size
        # Risk places go down the ranking: no eligible dossier left out ranks above one taken.
        taken = ranks[pool][choice[pool] == 1]
        left = ranks[pool][(choice[pool] == 0) & eligible[pool]]
        if len(taken) and len(left):
            assert left.min() > taken.max()
        if len(left):
            assert (choice[pool] == 1).sum() == size - drawn


@settings(max_examples=100)
@given(case=cases(), order=st.randoms(use_true_random=False))
def test_selection_does_not_depend_on_row_order(case: Case, order: Random) -> None:
    ranks, offices, eligible, plan = case
    shuffled = np.arange(len(ranks))
    order.shuffle(shuffled)  # type: ignore[arg-type]
    before = select(ranks, offices, eligible, plan)
    after = select(ranks[shuffled], offices[shuffled], eligible[shuffled], plan)
    assert dict(zip(ranks.tolist(), before.tolist(), strict=True)) == dict(
        zip(ranks[shuffled].tolist(), after.tolist(), strict=True)
    )


def big_case(seed: int) -> npt.NDArray[np.int8]:
    n = 1000
    ranks = np.arange(1, n + 1, dtype=np.int64)
    offices = np.array(["fin-gent"] * n)
    eligible = np.ones(n, dtype=np.bool_)
    return select(ranks, offices, eligible, SelectionPlan(100, 0.5, seed))


def test_same_seed_same_selection_other_seed_other_random_sample() -> None:
    assert np.array_equal(big_case(7), big_case(7))
    first, other = big_case(7), big_case(8)
    assert set(np.flatnonzero(first == 2)) != set(np.flatnonzero(other == 2))
    assert (first == 2).sum() == (other == 2).sum() == 50


def test_without_eligible_dossiers_risk_places_stay_empty() -> None:
    ranks = np.arange(1, 11, dtype=np.int64)
    offices = np.array(["fin-gent"] * 10)
    choice = select(ranks, offices, np.zeros(10, dtype=np.bool_), SelectionPlan(4, 0.25, 1))
    assert (choice == 1).sum() == 0
    assert (choice == 2).sum() == 1


def test_an_office_without_capacity_is_named() -> None:
    ranks = np.arange(1, 4, dtype=np.int64)
    offices = np.array(["fin-gent", "fin-namur", "fin-zz"])
    plan = SelectionPlan(2, 0.0, 1, capacity={"fin-gent": 1})
    with pytest.raises(ValueError, match="no capacity given for office.*fin-namur, fin-zz"):
        select(ranks, offices, np.ones(3, dtype=np.bool_), plan)


@settings(max_examples=50)
@given(case=cases(), data=st.data())
def test_the_random_sample_only_draws_dossiers_that_could_be_scored(
    case: Case, data: st.DataObject
) -> None:
    ranks, offices, eligible, plan = case
    drawable = np.array(
        data.draw(st.lists(st.booleans(), min_size=len(ranks), max_size=len(ranks))),
        dtype=np.bool_,
    )
    choice = select(ranks, offices, eligible & drawable, plan, drawable)
    assert not (choice > 0)[~drawable].any()
