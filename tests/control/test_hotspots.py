"""Hot spots of low ratios: a planted cluster of neighbouring municipalities is found after the
false-discovery-rate correction, a random layout is not, and the result is reproducible."""

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loket.control.hotspots import (
    Cluster,
    HotSpotInputError,
    benjamini_hochberg,
    find_hotspots,
)
from loket.geo.coordinates import distance_km
from tests.control.scored_factory import municipalities, scored_row, scored_table

ANTWERPEN = "11002"


def _nearest(refnis: str, count: int) -> list[str]:
    places = municipalities()
    here = (places[refnis]["latitude"], places[refnis]["longitude"])
    return sorted(
        places, key=lambda c: distance_km(here, (places[c]["latitude"], places[c]["longitude"]))
    )[:count]


def _km_from(a: str, b: str) -> float:
    places = municipalities()
    return distance_km(
        (places[a]["latitude"], places[a]["longitude"]),
        (places[b]["latitude"], places[b]["longitude"]),
    )


def _layout(shares: dict[str, float], seed: int, per_municipality: int = 10):
    """`per_municipality` dossiers in each municipality, a `share` of them with a low markup."""
    rng = random.Random(seed)
    rows = []
    for refnis, share in sorted(shares.items()):
        postcode = municipalities()[refnis]["postcode"]
        for i in range(per_municipality):
            low = rng.random() < share
            rows.append(scored_row(postcode, f"{refnis}-{i}", z_markup=-2.5 if low else 0.4))
    return scored_table(rows)


def _background(seed: int, count: int) -> list[str]:
    return random.Random(seed).sample(sorted(municipalities()), count)


def test_a_planted_cluster_of_low_ratios_is_found_hot() -> None:
    cluster = set(_nearest(ANTWERPEN, 10))
    shares = {code: 0.1 for code in _background(7, 70)}
    shares.update({code: 0.8 for code in cluster})

    result = find_hotspots(_layout(shares, seed=1))
    hot = {m.municipality_refnis for m in result.named(Cluster.HOT)}

    assert ANTWERPEN in hot
    assert len(hot & cluster) >= 8
    # Hot spots are near the plant: none further than 40 km from Antwerpen.
    assert max(_km_from(ANTWERPEN, code) for code in hot) < 40
    antwerpen = next(m for m in result.municipalities if m.municipality_refnis == ANTWERPEN)
    assert antwerpen.name == "Antwerpen"
    assert antwerpen.gi_z is not None and antwerpen.gi_z > 0
    assert antwerpen.q_value is not None and antwerpen.q_value <= 0.05


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_a_random_layout_has_no_hot_spot(seed: int) -> None:
    rng = random.Random(seed)
    shares = {code: rng.choice([0.1, 0.2, 0.3]) for code in _background(seed, 80)}

    result = find_hotspots(_layout(shares, seed=seed))

    assert result.named(Cluster.HOT) == []
    assert len(result.municipalities) == 80


def test_the_same_seed_gives_the_same_result() -> None:
    shares = {code: 0.2 for code in _background(3, 30)}
    shares.update({code: 0.7 for code in _nearest("44021", 6)})
    table = _layout(shares, seed=4)

    assert find_hotspots(table, seed=5) == find_hotspots(table, seed=5)


def test_municipalities_with_fewer_than_ten_dossiers_are_left_out() -> None:
    codes = _background(5, 12)
    table = scored_table(
        [
            scored_row(municipalities()[c]["postcode"], f"{c}-{i}", z_markup=-2.0 if i < 3 else 0.0)
            for n, c in enumerate(codes)
            for i in range(9 if n == 0 else 10)
        ]
    )

    result = find_hotspots(table)

    assert codes[0] not in {m.municipality_refnis for m in result.municipalities}
    assert result.too_few == 1
    assert [(m.dossiers, m.low_ratio, m.low_share) for m in result.municipalities][:1] == [
        (10, 3, 0.3)
    ]


def test_the_mean_of_the_z_columns_can_define_a_low_ratio() -> None:
    code = _background(9, 1)[0]
    postcode = municipalities()[code]["postcode"]
    rows = [
        # The markup alone is low, but the mean of the four ratios is not.
        scored_row(postcode, f"a{i}", z_markup=-2.0, z_turnover_per_worker=1.0) for i in range(5)
    ] + [
        scored_row(postcode, f"b{i}", z_markup=-0.5, z_turnover_per_worker=-3.0,
                   z_turnover_per_wage=None, z_turnover_per_m2=-1.5)
        for i in range(5)
    ]  # fmt: skip
    table = scored_table(rows)

    by_markup = find_hotspots(table).municipalities[0]
    by_mean = find_hotspots(table, measure="mean_z").municipalities[0]

    assert (by_markup.low_ratio, by_mean.low_ratio) == (5, 5)
    assert by_mean.low_share == 0.5
    # A single municipality cannot be compared with neighbours.
    assert by_mean.cluster is Cluster.NOT_SIGNIFICANT and by_mean.gi_z is None


def test_an_unknown_measure_is_refused_by_name() -> None:
    with pytest.raises(HotSpotInputError, match="measure"):
        find_hotspots(_layout({ANTWERPEN: 0.5}, seed=0), measure="z_score")


def test_benjamini_hochberg_known_values() -> None:
    q = benjamini_hochberg([0.01, 0.04, 0.03, 0.20])
    # 0.03 alone would be 0.06, but the larger 0.04 at rank 3 gives 0.0533 and caps it.
    assert q == pytest.approx([0.04, 0.16 / 3, 0.16 / 3, 0.2])


@given(st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=1, max_size=60))
def test_benjamini_hochberg_never_lowers_a_p_value_and_keeps_the_order(p: list[float]) -> None:
    q = benjamini_hochberg(p)
    assert all(pi <= qi + 1e-12 and qi <= 1.0 for pi, qi in zip(p, q, strict=True))
    ranked = sorted(range(len(p)), key=p.__getitem__)
    assert all(q[a] <= q[b] + 1e-12 for a, b in zip(ranked, ranked[1:], strict=False))
