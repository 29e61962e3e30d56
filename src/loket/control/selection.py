"""Which dossiers are put forward for review: the highest risk scores, a fixed share drawn at
random (so that hit rates can be measured without bias), and, when asked, quotas per office
in proportion to its control capacity, so that the chance of control does not depend on the
office a dossier happens to fall under."""

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

DEFAULT_SHARE = 0.01


@dataclass(frozen=True)
class SelectionPlan:
    size: int
    random_share: float
    seed: int
    capacity: Mapping[str, float] | None = None


def quotas(size: int, capacity: Mapping[str, float]) -> dict[str, int]:
    """`size` places shared in proportion to capacity, by largest remainder (ties by office
    id, so the result is the same every time)."""
    total = sum(capacity.values())
    if total <= 0:
        raise ValueError("capacity: the offices' capacities add up to zero")
    exact = {office: size * value / total for office, value in capacity.items()}
    given = {office: math.floor(share) for office, share in exact.items()}
    left = size - sum(given.values())
    by_remainder = sorted(exact, key=lambda office: (-(exact[office] - given[office]), office))
    for office in by_remainder[:left]:
        given[office] += 1
    return given


def select(
    ranks: npt.NDArray[np.int64],
    offices: npt.NDArray[np.str_],
    eligible: npt.NDArray[np.bool_],
    plan: SelectionPlan,
    drawable: npt.NDArray[np.bool_] | None = None,
) -> npt.NDArray[np.int8]:
    """Per dossier: 0 not selected, 1 selected for risk, 2 selected by random sample. Within
    each quota, the random places are drawn first from the whole pool, then the risk places
    go to the highest-ranked dossiers not yet drawn. Only an `eligible` dossier (one with a
    ratio markedly below its peers) can be selected for risk: places without one stay empty
    rather than be filled on weaker grounds. The random sample is drawn among the `drawable`
    dossiers (those that could be scored; all when not given)."""
    rng = np.random.default_rng(plan.seed)
    choice = np.zeros(len(ranks), dtype=np.int8)
    if plan.capacity is None:
        pools = {"": np.arange(len(ranks))}
        sizes = {"": min(plan.size, len(ranks))}
    else:
        unknown = sorted(set(offices.tolist()) - set(plan.capacity))
        if unknown:
            raise ValueError("capacity: no capacity given for office(s) " + ", ".join(unknown[:5]))
        sizes = quotas(plan.size, plan.capacity)
        pools = {office: np.flatnonzero(offices == office) for office in sorted(sizes)}
    sizes = {key: min(sizes[key], len(pool)) for key, pool in pools.items()}
    # The random places are counted over the whole selection and then shared like the quotas,
    # so that small quotas do not each round their share of the sample away.
    total = sum(sizes.values())
    random_places = round(total * plan.random_share)
    draws = quotas(random_places, sizes) if total else dict.fromkeys(sizes, 0)
    for key, pool in pools.items():
        size = sizes[key]
        drawn = min(draws[key], size)
        by_rank = pool[np.argsort(ranks[pool], kind="stable")]
        # Sorted first, so that the draw depends on the seed and not on the input's row order.
        candidates = by_rank if drawable is None else by_rank[drawable[by_rank]]
        drawn = min(drawn, len(candidates))
        random_pick = rng.choice(candidates, size=drawn, replace=False) if drawn else by_rank[:0]
        choice[random_pick] = 2
        open_ = by_rank[(choice[by_rank] == 0) & eligible[by_rank]]
        choice[open_[: size - drawn]] = 1
    return choice
