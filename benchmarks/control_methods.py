"""Helpers of bench_control_accuracy.py: the selection methods compared with loket's current
models — the previous method (loket as of commit d83b7bb, before issue 14, scored in a child
process from a temporary git worktree), a peer regression of expected turnover written here as
an outside yardstick, a location-blind sector z-score and an IsolationForest."""

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

MAD_SCALE = 1.4826  # makes the MAD of normal data equal its standard deviation
PREVIOUS_COMMIT = "d83b7bb"

# Runs in the child: the old scorer through its public function, the selected ids out as JSON.
_PREVIOUS_CHILD = """
import json, sys, warnings
from pathlib import Path
warnings.filterwarnings("ignore")
import loket
from loket.control.score import ScoreOptions, score_dossiers
path, k, year = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
options = ScoreOptions(top=k, random_share=0.0, seed=0, reference_year=year)
run = score_dossiers(path, options)
rows = run.table.select(["dossier_id", "rank"]).to_pylist()
chosen = [r["dossier_id"] for r in rows if r["rank"] is not None and r["rank"] <= k]
print(json.dumps({"loket": loket.__file__, "chosen": chosen}))
"""


def previous_selection(tree: Path, path: Path, k: int, year: int) -> set[str]:
    """The dossier ids the scorer of the worktree `tree` selects in its top `k` (default
    model, no random share)."""
    with tempfile.TemporaryDirectory() as home:
        done = subprocess.run(
            [sys.executable, "-c", _PREVIOUS_CHILD, str(path), str(k), str(year)],
            env={"PYTHONPATH": str(tree / "src"), "PATH": "/usr/bin:/bin", "HOME": home},
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr else "failed")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    if not str(result["loket"]).startswith(str(tree)):
        raise RuntimeError(f"the child imported loket from {result['loket']}, not the worktree")
    return set(result["chosen"])


def sector_of(dossiers: pd.DataFrame) -> pd.Series:
    return dossiers["nace_code"].str.replace(".", "", regex=False).str[:4]


def robust_z(values: pd.Series, groups: pd.Series) -> pd.Series:
    median = values.groupby(groups).transform("median")
    mad = (values - median).abs().groupby(groups).transform("median") * MAD_SCALE
    return (values - median) / mad.where(mad > 0)


def blind_score(dossiers: pd.DataFrame) -> pd.Series:
    """Per sector nationally, −mean of the robust z-scores of the log turnover ratios."""
    turnover = dossiers["turnover_eur"]
    wages = dossiers["wage_bill_eur"].where(dossiers["wage_bill_eur"] > 0)
    ratios = {
        "markup": turnover / dossiers["purchases_eur"],
        "per_worker": turnover / (dossiers["employees"] + 1),
        "per_wage": turnover / wages,
        "per_m2": turnover / dossiers["floor_area_m2"],
    }
    sector = sector_of(dossiers)
    z = pd.DataFrame({name: robust_z(np.log(r), sector) for name, r in ratios.items()})
    return -z.mean(axis=1, skipna=True)


def iforest_score(dossiers: pd.DataFrame) -> pd.Series:
    """IsolationForest(random_state=0) on the raw columns and the sector as an ordinal."""
    from sklearn.ensemble import IsolationForest

    features = pd.DataFrame(
        {
            "employees": dossiers["employees"],
            "turnover": dossiers["turnover_eur"],
            "purchases": dossiers["purchases_eur"],
            "wages": dossiers["wage_bill_eur"].fillna(0.0),
            "floor": dossiers["floor_area_m2"].fillna(0.0),
            "founded": dossiers["founded_year"],
            "sector": sector_of(dossiers).astype("category").cat.codes,
        }
    )
    forest = IsolationForest(random_state=0).fit(features)
    # score_samples: lower is more abnormal.
    return pd.Series(-forest.score_samples(features), index=dossiers.index)


def peer_regression_score(dossiers: pd.DataFrame, region: pd.Series) -> pd.Series:
    """Expected turnover by peers: per sector, least squares of log turnover on log
    purchases, log(employees + 1), log wage bill and log floor area (a missing one: 0 and a
    flag) and region dummies; score = −residual ÷ the sector's robust residual spread."""
    wages = dossiers["wage_bill_eur"].where(dossiers["wage_bill_eur"] > 0)
    floor = dossiers["floor_area_m2"].where(dossiers["floor_area_m2"] > 0)
    design = pd.DataFrame(
        {
            "one": 1.0,
            "purchases": np.log(dossiers["purchases_eur"]),
            "workers": np.log(dossiers["employees"] + 1.0),
            "wages": np.log(wages).fillna(0.0),
            "no_wages": wages.isna().astype(float),
            "floor": np.log(floor).fillna(0.0),
            "no_floor": floor.isna().astype(float),
        },
        index=dossiers.index,
    )
    for code in sorted(region.unique())[1:]:
        design[f"region_{code}"] = (region == code).astype(float).to_numpy()
    target = np.log(dossiers["turnover_eur"]).to_numpy()
    residual = np.full(len(dossiers), np.nan)
    sector = sector_of(dossiers).to_numpy()
    for code in np.unique(sector):
        rows = np.flatnonzero(sector == code)
        x = design.to_numpy()[rows]
        coefficients, *_ = np.linalg.lstsq(x, target[rows], rcond=None)
        residual[rows] = target[rows] - x @ coefficients
    scaled = robust_z(
        pd.Series(residual, index=dossiers.index), pd.Series(sector, index=dossiers.index)
    )
    return -scaled


def top_k(score: pd.Series, k: int) -> pd.Series:
    """The K highest scores (ties in file order); a missing score is never chosen first."""
    order = np.argsort(-score.fillna(-np.inf).to_numpy(), kind="stable")
    chosen = np.zeros(len(score), dtype=bool)
    chosen[order[:k]] = True
    return pd.Series(chosen, index=score.index)
