"""How evenly the control selection falls across regions, provinces and tax offices, and how
well it finds under-declaration in each, with 95% Wilson intervals so small groups read as such.
"""

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from fairlearn.metrics import (
    MetricFrame,
    demographic_parity_ratio,
    false_positive_rate,
    selection_rate,
)
from scipy.stats import binomtest
from sklearn.metrics import precision_score

from loket.cases.network import FIN_OFFICES
from loket.control.geography import area_name

# (level, column of the scored table) in the order the report shows them.
GROUP_LEVELS = (
    ("region", "region_refnis"),
    ("province", "province_refnis"),
    ("office", "office_id"),
)
CONFIDENCE = 0.95
UNKNOWN_GROUP = "unknown"
LABEL_COLUMNS = frozenset({"controlled", "adjustment_eur"})
OFFICE_NAMES = {f"fin-{spec.slug}": spec.name for spec in FIN_OFFICES}


class FairnessInputError(ValueError):
    """A scored table that lacks what the fairness report needs."""


@dataclass(frozen=True)
class Interval:
    low: float
    high: float


def wilson_interval(successes: int, trials: int, confidence: float = CONFIDENCE) -> Interval | None:
    """The Wilson score interval for a proportion (scipy's binomtest); None without trials.
    Unlike the normal approximation it stays inside [0, 1] and is honest about 0 of 3 or 3 of
    3."""
    if trials <= 0:
        return None
    if not 0 <= successes <= trials:
        raise ValueError(f"successes: {successes} is not between 0 and trials ({trials})")
    found = binomtest(successes, trials).proportion_ci(confidence, method="wilson")
    p = successes / trials
    # Rounding may leave the bound a hair past the observed rate at 0 or 1.
    return Interval(max(0.0, min(float(found.low), p)), min(1.0, max(float(found.high), p)))


@dataclass(frozen=True)
class GroupFairness:
    """One group (a region, a province or an office) and how the selection treats it.

    Hit rate: selected dossiers that a control found under-declared, among selected dossiers
    that were controlled. False-positive rate: controlled dossiers without an adjustment that
    were nevertheless selected, among all controlled dossiers without an adjustment."""

    level: str
    group: str
    name: str
    dossiers: int
    selected: int
    selection_rate: float
    selection_low: float
    selection_high: float
    population_share: float
    selected_share: float | None
    selected_controlled: int | None = None
    selected_hits: int | None = None
    hit_rate: float | None = None
    hit_low: float | None = None
    hit_high: float | None = None
    controlled_not_hit: int | None = None
    selected_not_hit: int | None = None
    false_positive_rate: float | None = None
    false_positive_low: float | None = None
    false_positive_high: float | None = None


@dataclass(frozen=True)
class FairnessReport:
    groups: tuple[GroupFairness, ...]
    labelled: bool
    dossiers: int
    selected: int
    # (min over regions of selected share ÷ dossier share) ÷ (max of the same); 1 is even.
    region_parity: float | None
    # fairlearn's demographic_parity_ratio of the selection across regions.
    demographic_parity_ratio: float | None

    def to_rows(self) -> list[dict[str, Any]]:
        """One flat dict per group, in report order, for CSV and JSON."""
        return [asdict(group) for group in self.groups]

    def at_level(self, level: str) -> list[GroupFairness]:
        return [group for group in self.groups if group.level == level]

    def summary(self) -> dict[str, Any]:
        regions = self.at_level("region")
        return {
            "dossiers": self.dossiers,
            "selected": self.selected,
            "labelled": self.labelled,
            "region_parity": self.region_parity,
            "demographic_parity_ratio": self.demographic_parity_ratio,
            "region_selection_rates": {r.name: r.selection_rate for r in regions},
        }


def group_name(level: str, code: str, language: str = "en") -> str:
    """The name a manager knows a group by; the code itself when it is not known."""
    if code == UNKNOWN_GROUP:
        return "unknown"
    if level == "office":
        return OFFICE_NAMES.get(code, code)
    return area_name(level, code, language)


def fairness_report(scored: pa.Table, language: str = "en") -> FairnessReport:
    """Selection rates per region, province and office; with control outcomes in the table,
    hit rates and false-positive rates per group as well."""
    frame = _frame(scored)
    labelled = bool(frame["controlled"].notna().any() and frame["adjustment_eur"].notna().any())
    groups: list[GroupFairness] = []
    region_parity: float | None = None
    parity_ratio: float | None = None
    for level, column in GROUP_LEVELS:
        groups.extend(_level_groups(frame, level, column, labelled, language))
    if len(frame) and frame["selected"].any():
        regions = _collapsed(
            frame["selected"].to_numpy(), frame["selected"].to_numpy(), frame["region_refnis"]
        )
        ratio = float(
            demographic_parity_ratio(
                regions["y_true"].to_numpy(),
                regions["y_pred"].to_numpy(),
                sensitive_features=regions["group"],
                sample_weight=regions["weight"].to_numpy(),
            )
        )
        parity_ratio = ratio if math.isfinite(ratio) else None
        shares = [
            g.selected_share / g.population_share
            for g in groups
            if g.level == "region" and g.selected_share is not None and g.population_share > 0
        ]
        region_parity = min(shares) / max(shares) if shares and max(shares) > 0 else None
    return FairnessReport(
        groups=tuple(groups),
        labelled=labelled,
        dossiers=len(frame),
        selected=int(frame["selected"].sum()),
        region_parity=region_parity,
        demographic_parity_ratio=parity_ratio,
    )


def _frame(scored: pa.Table) -> pd.DataFrame:
    needed = {"selected", *(column for _, column in GROUP_LEVELS)}
    missing = sorted(needed - set(scored.column_names))
    if missing:
        raise FairnessInputError("scored table: missing column(s) " + ", ".join(missing))
    frame = scored.select(
        [name for name in scored.column_names if name in needed | LABEL_COLUMNS]
    ).to_pandas()
    for name in LABEL_COLUMNS - set(frame.columns):
        frame[name] = None
    frame["selected"] = frame["selected"].fillna(False).astype(bool)
    for _, column in GROUP_LEVELS:
        frame[column] = frame[column].fillna(UNKNOWN_GROUP).astype(str)
    frame["controlled"] = frame["controlled"].astype("boolean")
    frame["adjustment_eur"] = pd.to_numeric(frame["adjustment_eur"], errors="coerce")
    return frame


# The counts take the weights of collapsed rows (see _collapsed), like fairlearn's metrics.
def _count_selected(y_true: Any, y_pred: Any, sample_weight: Any) -> int:
    return int(np.sum(np.asarray(sample_weight) * np.asarray(y_pred, dtype=bool)))


def _count_true(y_true: Any, y_pred: Any, sample_weight: Any) -> int:
    return int(np.sum(np.asarray(sample_weight) * np.asarray(y_true, dtype=bool)))


def _count_rows(y_true: Any, y_pred: Any, sample_weight: Any) -> int:
    return int(np.sum(sample_weight))


def _count_true_positives(y_true: Any, y_pred: Any, sample_weight: Any) -> int:
    both = np.asarray(y_true, dtype=bool) & np.asarray(y_pred, dtype=bool)
    return int(np.sum(np.asarray(sample_weight) * both))


def _count_false_positives(y_true: Any, y_pred: Any, sample_weight: Any) -> int:
    wrong = ~np.asarray(y_true, dtype=bool) & np.asarray(y_pred, dtype=bool)
    return int(np.sum(np.asarray(sample_weight) * wrong))


def _hit_rate(y_true: Any, y_pred: Any, sample_weight: Any) -> float:
    return float(precision_score(y_true, y_pred, sample_weight=sample_weight, zero_division=np.nan))


def _collapsed(
    y_true: np.ndarray[Any, Any], y_pred: np.ndarray[Any, Any], groups: pd.Series
) -> pd.DataFrame:
    """One row per (group, outcome, selection) with its count as weight: the metrics are the
    same, and fairlearn then works on a few dozen rows instead of a million."""
    frame = pd.DataFrame(
        {
            "group": groups.to_numpy(),
            "y_true": np.asarray(y_true, dtype=bool),
            "y_pred": np.asarray(y_pred, dtype=bool),
        }
    )
    return frame.groupby(["group", "y_true", "y_pred"]).size().rename("weight").reset_index()


def _by_group(
    metrics: dict[str, Callable[..., float | int]],
    y_true: np.ndarray[Any, Any],
    y_pred: np.ndarray[Any, Any],
    groups: pd.Series,
) -> pd.DataFrame:
    if len(groups) == 0:
        return pd.DataFrame(columns=list(metrics))
    rows = _collapsed(y_true, y_pred, groups)
    weights = rows["weight"].to_numpy()
    frame = MetricFrame(
        metrics=metrics,
        y_true=rows["y_true"].to_numpy(),
        y_pred=rows["y_pred"].to_numpy(),
        sensitive_features=rows["group"],
        sample_params={name: {"sample_weight": weights} for name in metrics},
    )
    by_group: pd.DataFrame = frame.by_group
    return by_group


def _level_groups(
    frame: pd.DataFrame, level: str, column: str, labelled: bool, language: str
) -> list[GroupFairness]:
    selected = frame["selected"].to_numpy()
    # selection_rate ignores y_true; the selection itself stands in for it.
    rates = _by_group(
        {"rate": selection_rate, "dossiers": _count_rows, "selected": _count_selected},
        selected,
        selected,
        frame[column],
    )
    outcomes = pd.DataFrame()
    if labelled:
        controlled = frame[frame["controlled"].fillna(False).astype(bool)]
        hit = (controlled["adjustment_eur"].fillna(0) > 0).to_numpy()
        outcomes = _by_group(
            {
                "hit_rate": _hit_rate,
                "false_positive_rate": false_positive_rate,
                "selected_controlled": _count_selected,
                "hits": _count_true,
                "selected_hits": _count_true_positives,
                "selected_not_hit": _count_false_positives,
                "controlled": _count_rows,
            },
            hit,
            controlled["selected"].to_numpy(),
            controlled[column],
        )
    total, total_selected = len(frame), int(selected.sum())
    groups = []
    for code in sorted(rates.index, key=str):
        dossiers, chosen = int(rates.loc[code, "dossiers"]), int(rates.loc[code, "selected"])
        interval = wilson_interval(chosen, dossiers)
        assert interval is not None  # a group present in the table has a dossier
        extra: dict[str, Any] = {}
        if labelled:
            extra = _outcome_fields(outcomes, code)
        groups.append(
            GroupFairness(
                level=level,
                group=str(code),
                name=group_name(level, str(code), language),
                dossiers=dossiers,
                selected=chosen,
                selection_rate=float(rates.loc[code, "rate"]),
                selection_low=interval.low,
                selection_high=interval.high,
                population_share=dossiers / total,
                selected_share=chosen / total_selected if total_selected else None,
                **extra,
            )
        )
    return groups


def _outcome_fields(outcomes: pd.DataFrame, code: Any) -> dict[str, Any]:
    if code not in outcomes.index:
        return {"selected_controlled": 0, "selected_hits": 0, "controlled_not_hit": 0}
    row = outcomes.loc[code]
    selected_controlled = int(row["selected_controlled"])
    hits_selected = int(row["selected_hits"])
    not_hit = int(row["controlled"]) - int(row["hits"])
    wrongly_selected = int(row["selected_not_hit"])
    hit_interval = wilson_interval(hits_selected, selected_controlled)
    fp_interval = wilson_interval(wrongly_selected, not_hit)
    return {
        "selected_controlled": selected_controlled,
        "selected_hits": hits_selected,
        # fairlearn gives 0 for a rate without a denominator; the report says "unknown".
        "hit_rate": float(row["hit_rate"]) if selected_controlled else None,
        "hit_low": hit_interval.low if hit_interval else None,
        "hit_high": hit_interval.high if hit_interval else None,
        "controlled_not_hit": not_hit,
        "selected_not_hit": wrongly_selected,
        "false_positive_rate": float(row["false_positive_rate"]) if not_hit else None,
        "false_positive_low": fp_interval.low if fp_interval else None,
        "false_positive_high": fp_interval.high if fp_interval else None,
    }
