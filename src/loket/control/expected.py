"""The expected-turnover model: how far a dossier's declared turnover lies below what its own
purchases, staff, wage bill, floor area and age predict for its sector in its area.

Per sector, a robust (Huber, by iteratively reweighted least squares) regression of log
turnover on log purchases, log(employees + 1), log wage bill, log floor area and the age bands
of a young firm (0, 1, 2, 3, 4 years; older is the reference). An input that is missing or zero
is not a reason to drop the dossier: its log is set to 0 and an indicator column for its
absence takes the level difference, so every dossier with a turnover is scored.

This regression is also how the model weighs its evidence. The four ratios of the `ratios`
model are each turnover against one input; Stouffer's z gives them equal weight, so a precise
ratio (turnover against purchases, where the margin is stable) is diluted by noisy ones. The
regression instead gives each input the weight that best predicts turnover in that sector
(least squares is the inverse-variance, GLS, combination of the inputs' evidence), and the
score is measured against the spread of what the inputs together cannot explain: an input that
predicts turnover poorly in a sector gets little weight there, without any labels.

Area effects: prices and local conditions move turnover for the same inputs. In the region,
then the province, then the arrondissement, each over what the wider area already explained,
the sector's median residual is shrunk by n / (n + SHRINK_K) towards the median residual of
all sectors in that area, which is itself shrunk the same way towards the wider area's effect:
an arrondissement with 3 dossiers keeps 3/23 of its own effect and otherwise takes its
province's, and a sector thinly spread over an area borrows the area's common price level. The
area only normalises prices; it never adds risk by itself.

The score is the standardised negative residual: (predicted - declared) log turnover over the
sector's robust spread (1.4826 x median absolute deviation). Rows are put in dossier-id order
before fitting, so the result does not depend on the order of the file.
"""

from dataclasses import dataclass

import duckdb
import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa

Floats = npt.NDArray[np.float64]

MODEL_VERSION = "expected-turnover-1"
# Huber's tuning constant: 95% efficiency under normal errors, bounded pull of the outliers.
HUBER_C = 1.345
IRLS_STEPS = 20
# Prior weight, in dossiers, of the wider area's effect on a narrower area's (n / (n + k)).
SHRINK_K = 20.0
MAD_TO_SD = 1.4826
MIN_SCALE = 0.02
# A little ridge keeps a column that is constant in a sector (nobody missing) from breaking
# the fit; it is far too small to move a real coefficient.
RIDGE = 1e-6
INPUTS = ("purchases", "staff", "wages", "floor_area")
_AREA_LEVELS = ("region", "province", "arrondissement")


# Dossiers missing the same inputs get their own fit (and spread) from this many on: with
# fewer inputs the others must carry more weight and the prediction is less precise.
MIN_PATTERN = 200
# The ratio indicators and the input each puts turnover against.
INPUT_OF = {
    "markup": "purchases",
    "turnover_per_worker": "staff",
    "turnover_per_wage": "wages",
    "turnover_per_m2": "floor_area",
}
# Columns of the design: the log of each input and its missing indicator; then the age bands.
_INPUT_COLUMNS = {"purchases": (1, 2), "staff": (3, 4), "wages": (5, 6), "floor_area": (7, 8)}
_FIRST_BAND = 9
# A missing input or an age band needs this many dossiers of the sector for its own column.
MIN_LEVEL = 20


@dataclass(frozen=True)
class ExpectedSettings:
    reference_year: int
    min_peers: int = 30
    inputs: tuple[str, ...] = INPUTS


def _log_or_missing(values: Floats) -> tuple[Floats, Floats]:
    """(log value or 0, 1 where missing or not positive)."""
    present = np.isfinite(values) & (values > 0)
    logs = np.zeros_like(values)
    logs[present] = np.log(values[present])
    return logs, (~present).astype(np.float64)


def design(frame: pd.DataFrame, reference_year: int) -> Floats:
    """The regression's columns: intercept, logs with their missing indicators, age bands."""
    purchases, no_purchases = _log_or_missing(frame["purchases_eur"].to_numpy(np.float64))
    wages, no_wages = _log_or_missing(frame["wage_bill_eur"].to_numpy(np.float64))
    area, no_area = _log_or_missing(frame["floor_area_m2"].to_numpy(np.float64))
    employees = frame["employees"].to_numpy(np.float64)
    no_staff = ~np.isfinite(employees)
    staff = np.log1p(np.where(no_staff, 0.0, np.maximum(employees, 0.0)))
    founded = frame["founded_year"].to_numpy(np.float64)
    age = np.where(np.isfinite(founded), reference_year - founded, 99.0)
    bands = [(np.maximum(age, 0) == year) | ((age < 0) & (year == 0)) for year in range(5)]
    columns = [np.ones(len(frame)), purchases, no_purchases, staff, no_staff.astype(float)]
    columns += [wages, no_wages, area, no_area] + [band.astype(np.float64) for band in bands]
    return np.column_stack(columns)


def _pattern(x: Floats, inputs: tuple[str, ...]) -> npt.NDArray[np.int64]:
    """Which of the used inputs each dossier lacks, as bits."""
    pattern = np.zeros(len(x), dtype=np.int64)
    for bit, name in enumerate(inputs):
        pattern |= (x[:, _INPUT_COLUMNS[name][1]] > 0).astype(np.int64) << bit
    return pattern


def _without_rare_levels(x: Floats) -> Floats:
    """A missing-input or age-band column that marks only a handful of dossiers would fit
    their turnover exactly and hide any shortfall. Below MIN_LEVEL dossiers, a missing input
    takes the median of the others instead, and a rare age band counts as older."""
    x = x.copy()
    for log_column, flag_column in _INPUT_COLUMNS.values():
        missing = x[:, flag_column] > 0
        if 0 < missing.sum() < MIN_LEVEL and (~missing).any():
            x[missing, log_column] = np.median(x[~missing, log_column])
            x[:, flag_column] = 0.0
    for band in range(_FIRST_BAND, x.shape[1]):
        if x[:, band].sum() < MIN_LEVEL:
            x[:, band] = 0.0
    return x


def _fit_sector(x: Floats, y: Floats, pattern: npt.NDArray[np.int64]) -> Floats:
    """Predictions for one sector: one fit for all, refined for every missing-input pattern
    with enough dossiers of its own."""
    whole = _without_rare_levels(x)
    predicted = whole @ huber_fit(whole, y)
    for value in np.unique(pattern):
        rows = np.flatnonzero(pattern == value)
        if len(rows) >= MIN_PATTERN and len(rows) < len(y):
            part = _without_rare_levels(x[rows])
            predicted[rows] = part @ huber_fit(part, y[rows])
    return predicted


def huber_fit(x: Floats, y: Floats) -> Floats:
    """Huber regression coefficients by iteratively reweighted least squares."""
    weights: Floats = np.ones(len(y))
    coefficients: Floats = np.zeros(x.shape[1])
    ridge = RIDGE * np.eye(x.shape[1])
    for _ in range(IRLS_STEPS):
        weighted = x * weights[:, None]
        solved = np.linalg.solve(weighted.T @ x + ridge, weighted.T @ y)
        coefficients = np.asarray(solved, dtype=np.float64)
        residuals = y - x @ coefficients
        scale = max(MAD_TO_SD * float(np.median(np.abs(residuals))), MIN_SCALE)
        absolute = np.abs(residuals)
        new = np.asarray(
            np.where(
                absolute <= HUBER_C * scale, 1.0, HUBER_C * scale / np.maximum(absolute, 1e-12)
            ),
            dtype=np.float64,
        )
        if np.max(np.abs(new - weights)) < 1e-6:
            break
        weights = new
    return coefficients


def _shrunk_median(left: Floats, keys: list[npt.NDArray[np.object_]], prior: Floats) -> Floats:
    """Each group's median of `left`, shrunk towards `prior` by n / (n + SHRINK_K)."""
    grouped = pd.Series(left).groupby(keys, sort=True, dropna=False)
    median = grouped.transform("median").to_numpy(np.float64)
    weight = grouped.transform("count").to_numpy(np.float64)
    weight = weight / (weight + SHRINK_K)
    return np.asarray(weight * median + (1.0 - weight) * prior, dtype=np.float64)


def _area_effects(frame: pd.DataFrame, residuals: Floats) -> Floats:
    """Region, then province, then arrondissement effects, each over what the wider area left
    unexplained: the sector's median there, shrunk towards the median of all sectors there,
    itself shrunk towards the wider area (no further effect). The sum for every dossier."""
    total = np.zeros(len(frame))
    left = residuals.copy()
    for level in _AREA_LEVELS:
        # Arrays, not columns: a column would be aligned on the frame's index.
        area = frame[f"{level}_refnis"].to_numpy(dtype=object)
        sector = frame["sector"].to_numpy(dtype=object)
        shared = _shrunk_median(left, [area], np.zeros(len(frame)))
        effect = np.nan_to_num(_shrunk_median(left, [sector, area], shared))
        total += effect
        left -= effect
    return total


def expected_scores(frame: pd.DataFrame, settings: ExpectedSettings) -> pd.DataFrame:
    """For dossiers in dossier-id order: `expected_score` (standardised shortfall, None where
    the sector has too few dossiers or no turnover), `expected_gap` (share of the predicted
    turnover not declared, negative where above) and `expected_turnover_eur`."""
    turnover = frame["turnover_eur"].to_numpy(np.float64)
    usable = np.isfinite(turnover) & (turnover > 0)
    x = design(frame, settings.reference_year)
    for name, columns in _INPUT_COLUMNS.items():
        if name not in settings.inputs:
            # An input whose indicator was not asked for does not weigh in.
            x[:, list(columns)] = 0.0
    pattern = _pattern(x, settings.inputs)
    y = np.where(usable, np.log(np.where(usable, turnover, 1.0)), np.nan)
    sector = frame["sector"].astype(str).to_numpy()
    predicted = np.full(len(frame), np.nan)
    for code in np.unique(sector):
        rows = np.flatnonzero((sector == code) & usable)
        if len(rows) >= settings.min_peers:
            predicted[rows] = _fit_sector(x[rows], y[rows], pattern[rows])
    residuals = y - predicted
    known = np.isfinite(residuals)
    effects = np.zeros(len(frame))
    effects[known] = _area_effects(frame[known], residuals[known])
    residuals = residuals - effects
    absolute = pd.Series(np.abs(residuals))
    spread = absolute.groupby(sector).transform("median").to_numpy()
    by_pattern = absolute.groupby([sector, pattern])
    own = by_pattern.transform("count").to_numpy() >= MIN_PATTERN
    spread = np.where(own, by_pattern.transform("median").to_numpy(), spread)
    scale = np.maximum(MAD_TO_SD * spread, MIN_SCALE)
    expected_log = predicted + effects
    return pd.DataFrame(
        {
            "line": frame["line"].to_numpy(),
            "expected_score": np.round(-residuals / scale, 4),
            "expected_gap": np.round(1.0 - np.exp(residuals), 4),
            "expected_turnover_eur": np.round(np.exp(expected_log), 0),
        }
    )


_COLUMNS = (
    "line", "dossier_id", "sector", "region_refnis", "province_refnis", "arrondissement_refnis",
    "turnover_eur", "purchases_eur", "employees", "wage_bill_eur", "floor_area_m2",
    "founded_year",
)  # fmt: skip


def add_expected_scores(
    connection: duckdb.DuckDBPyConnection, source: str, settings: ExpectedSettings
) -> None:
    """Register table `expected` (line, expected_score, expected_gap, expected_turnover_eur)
    for the dossiers of table `source`."""
    frame = connection.sql(
        f"SELECT {', '.join(_COLUMNS)} FROM {source} ORDER BY dossier_id, line"
    ).df()
    scores = expected_scores(frame, settings)
    table = pa.Table.from_pandas(scores, preserve_index=False)
    connection.register("expected_view", table)
    connection.execute("CREATE OR REPLACE TEMP TABLE expected AS SELECT * FROM expected_view")
    connection.unregister("expected_view")
