"""A second, independently designed generator of control dossiers, for evaluating selection on
data the scorer was not built on: a latent productivity shared by every amount, price levels
per municipality, heavy-tailed noise of a different size per input and sector family, a
regional sector mix, young firms ramping up, and four ways of under-reporting.

Same CSV contract as loket.demo.enterprises (and its writer); the truth adds the mechanism and
the hidden share of the true turnover. Vectorised and deterministic for a seed.

Mechanisms, each with the same prevalence in every region:
- hidden-sales: cash sales left out in trades with precise purchases (shops, food, fuel and
  cars); shows against purchases, while staff and floor area are noisy there;
- inflated-purchases: sales left out and purchases booked up to match, so the markup looks
  normal; shows against staff, wage bill and floor area;
- unreported-staff: workers off the books with the sales they make; per worker the figures
  look normal, against purchases and floor area they do not;
- skimming: a smaller share of all sales left out, nothing else touched.
"""

from typing import Final

import numpy as np
import pandas as pd
import pyarrow as pa

from loket.control.dossiers import DOSSIER_COLUMNS, LABEL_COLUMNS
from loket.demo.enterprises import DOSSIER_YEAR, GeneratedDossiers
from loket.demo.enterprises_independent_world import (
    Bools,
    Floats,
    Ints,
    build_world,
    family_table,
)

TRUTH_COLUMNS: Final = ("dossier_id", "planted", "region_refnis", "mechanism", "hidden_share")
MECHANISMS: Final = ("hidden-sales", "inflated-purchases", "unreported-staff", "skimming")
MAX_PLANTED_SHARE: Final = 0.5
YOUNG_YEARS: Final = 3  # a firm this young is still ramping up its sales
PRODUCTIVITY_SD: Final = 0.30  # the latent productivity, shared by all amounts
# How strongly it shows in each amount besides turnover (and purchases, which follow sales):
# productive firms pay better and need more room, less than in proportion.
WAGE_LOADING: Final = 0.7
FLOOR_LOADING: Final = 0.6
TAIL_DF: Final = 3  # Student-t degrees of freedom of the measurement noise
CONTROLLED_RANDOM: Final = 0.04  # past controls drawn at random
CONTROLLED_BY_RISK: Final = 0.04  # past controls picked by the previous risk rule
FOUND: Final = 0.85  # a control finds the hidden sales of an under-reporter this often
HONEST_ADJUSTED: Final = 0.08  # an honest controlled firm still gets a small adjustment
# Mechanism mix: where purchases are precise (cash trades) and where they are not.
MIX_PRECISE: Final = (0.45, 0.20, 0.15, 0.20)
MIX_OTHER: Final = (0.0, 0.35, 0.30, 0.35)


def _t_noise(rng: np.random.Generator, sd: Floats | float, n: int) -> Floats:
    """Heavy-tailed noise with standard deviation `sd`, clipped at five of them."""
    draw = rng.standard_t(TAIL_DF, n) / np.sqrt(TAIL_DF / (TAIL_DF - 2))
    return np.asarray(np.clip(draw, -5, 5) * sd)


def _draw(rng: np.random.Generator, weights: Floats, n: int) -> Ints:
    cumulative = np.cumsum(weights)
    picked = np.searchsorted(cumulative, rng.random(n) * cumulative[-1], side="right")
    drawn: Ints = np.minimum(picked, len(weights) - 1).astype(np.int64)
    return drawn


def _enterprise_numbers(rng: np.random.Generator, n: int) -> pa.Array:
    """Unique valid enterprise numbers: eight digits from 0200… and a check of 97 − (mod 97);
    a fifth written with dots (0403.170.701)."""
    base = rng.choice(18_000_000, n, replace=False).astype(np.int64) + 2_000_000
    full = base * 100 + (97 - base % 97)
    digits = pd.Series(full).astype(str).str.zfill(10)
    dotted = digits.str[:4] + "." + digits.str[4:7] + "." + digits.str[7:]
    return pa.array(np.where(rng.random(n) < 0.2, dotted, digits), pa.string())


def _ages(rng: np.random.Generator, brussels: Bools, urban_price: Floats) -> Ints:
    """Years since founding: more young firms in Brussels and the dearer cities."""
    mean = np.where(brussels, 8.0, 12.0) - 6.0 * urban_price
    return np.minimum(np.floor(rng.exponential(np.maximum(mean, 4.0))), DOSSIER_YEAR - 1900)


def _staff(rng: np.random.Generator, families: tuple[str, ...], sector: Ints) -> Ints:
    self_employed = family_table(families, "self_employed")[sector]
    median = family_table(families, "median_staff")[sector]
    n = len(sector)
    staff = np.maximum(1, np.rint(median * np.exp(rng.normal(0.0, 0.9, n))))
    staff = np.minimum(staff, 400).astype(np.int64)
    return np.where(rng.random(n) < self_employed, 0, staff)


def _plant(rng: np.random.Generator, regions: pa.Array, share: float, n: int) -> Bools:
    """Exactly the share (rounded) of the dossiers in every region."""
    planted = np.zeros(n, dtype=bool)
    codes = np.asarray(regions.to_pylist())
    for region in np.unique(codes):
        where = np.flatnonzero(codes == region)
        planted[rng.choice(where, int(round(share * len(where))), replace=False)] = True
    return planted


def _mechanisms(rng: np.random.Generator, planted: Bools, precise: Bools, staff: Ints) -> Ints:
    """0..3 per MECHANISMS for the planted dossiers, -1 for the others. Unreported staff
    needs at least two employees; where there are fewer it becomes skimming."""
    mix = np.where(precise[:, None], np.array(MIX_PRECISE), np.array(MIX_OTHER))
    cumulative = np.cumsum(mix, axis=1)
    picked = (rng.random(len(planted))[:, None] > cumulative).sum(axis=1).astype(np.int64)
    picked = np.where((picked == 2) & (staff < 2), 3, np.minimum(picked, 3))
    return np.where(planted, picked, -1)


def generate_independent_dossiers(
    size: int, seed: int, *, labels: bool = True, planted_share: float = 0.03
) -> GeneratedDossiers:
    """`size` dossiers for the fiscal year DOSSIER_YEAR; `planted_share` of them under-report,
    the same share in every region. Same seed, same dossiers."""
    if size < 1:
        raise ValueError(f"--dossiers: {size} is not a positive number")
    if not 0.0 <= planted_share <= MAX_PLANTED_SHARE:
        raise ValueError(
            f"--planted-share: {planted_share} is not between 0 and {MAX_PLANTED_SHARE}"
        )
    world = build_world()
    rng = np.random.default_rng([seed, 14])
    place = _draw(rng, world.postcode_weight, size)
    region = world.regions[place]
    log_price = world.log_price[place]
    sector = np.empty(size, dtype=np.int64)
    for code, weights in world.sector_weight.items():
        here = np.flatnonzero(region == code)
        sector[here] = _draw(rng, weights, len(here))
    families = world.family
    age = _ages(rng, region == "04000", log_price)
    staff = _staff(rng, families, sector)
    workers = staff + 1.0
    family_firm = (staff <= 3) & (rng.random(size) < 0.5)
    productivity = rng.normal(0.0, PRODUCTIVITY_SD, size)
    ramp = 1.0 - 0.45 * np.exp(-age / 1.2)
    turnover = np.exp(
        np.log(world.sales_per_worker[sector])
        + log_price
        + 0.92 * np.log(workers)
        + productivity
        + np.log(ramp)
        + _t_noise(rng, 0.08, size)
    )
    # Purchases follow sales volume at national wholesale prices, not local retail prices.
    purchases = turnover * np.exp(
        np.log(world.purchase_share[sector])
        - 0.6 * log_price
        + _t_noise(rng, family_table(families, "purchase_noise")[sector], size)
    )
    wage_noise = family_table(families, "wage_noise")[sector] * np.where(family_firm, 3.0, 1.0)
    wages = np.exp(
        np.log(np.maximum(staff, 1) * family_table(families, "wage_keur")[sector] * 1000)
        + 0.5 * log_price
        + WAGE_LOADING * productivity
        + _t_noise(rng, wage_noise, size)
    )
    floor = np.exp(
        np.log(family_table(families, "floor_per_worker")[sector])
        + 0.75 * np.log(workers)
        - 0.5 * log_price
        + FLOOR_LOADING * productivity
        + _t_noise(rng, family_table(families, "floor_noise")[sector], size)
    )
    floor_known = rng.random(size) >= family_table(families, "floor_missing")[sector]

    regions = pa.array(region, pa.string())
    planted = _plant(rng, regions, planted_share, size)
    precise = family_table(families, "precise_purchases")[sector] > 0
    mechanism = _mechanisms(rng, planted, precise, staff)
    true_turnover = turnover.copy()
    hidden = np.zeros(size)
    hidden = np.where(mechanism == 0, rng.uniform(0.15, 0.40, size), hidden)
    hidden = np.where(mechanism == 1, rng.uniform(0.15, 0.40, size), hidden)
    hidden = np.where(mechanism == 3, rng.uniform(0.08, 0.25, size), hidden)
    off_books = np.where(
        mechanism == 2, np.maximum(1, np.rint(staff * rng.uniform(0.3, 0.6, size))), 0
    ).astype(np.int64)
    hidden = np.where(mechanism == 2, off_books / workers * rng.uniform(0.8, 1.0, size), hidden)
    turnover = true_turnover * (1.0 - hidden)
    purchases = np.where(
        mechanism == 1, purchases * (1.0 - hidden) * rng.uniform(1.0, 1.15, size), purchases
    )
    declared_staff = staff - off_books
    wages = np.where(off_books > 0, wages * declared_staff / np.maximum(staff, 1), wages)

    ids = pa.array([f"X{i:07d}" for i in range(1, size + 1)], pa.string())
    sectors = np.asarray(world.sectors)[sector]
    compact = rng.random(size) < 0.1
    nace = np.where(compact, np.char.replace(sectors, ".", ""), sectors)
    columns: dict[str, pa.Array] = {
        "dossier_id": ids,
        "enterprise_number": _enterprise_numbers(rng, size),
        "nace_code": pa.array(nace, pa.string()),
        "postcode": world.postcodes.take(pa.array(place)),
        "employees": pa.array(declared_staff, pa.int64()),
        "turnover_eur": pa.array(np.rint(turnover)),
        "purchases_eur": pa.array(np.maximum(np.rint(purchases), 1.0)),
        "wage_bill_eur": pa.array(np.rint(wages), mask=declared_staff == 0),
        "floor_area_m2": pa.array(np.maximum(np.rint(floor), 5.0), mask=~floor_known),
        "founded_year": pa.array((DOSSIER_YEAR - age).astype(np.int64)),
    }
    if labels:
        controlled, adjustment = _past_controls(
            rng, sector, turnover, purchases, planted, true_turnover - turnover
        )
        columns["controlled"] = pa.array(controlled)
        columns["adjustment_eur"] = pa.array(adjustment, mask=~controlled)
    names = list(DOSSIER_COLUMNS) + (list(LABEL_COLUMNS) if labels else [])
    table = pa.table([columns[name] for name in names], names=names)
    labels_of = np.asarray(MECHANISMS + ("",))
    truth = pa.table(
        [
            ids,
            pa.array(planted),
            regions,
            pa.array(labels_of[mechanism], pa.string()),
            pa.array(np.round(hidden, 4)),
        ],
        names=list(TRUTH_COLUMNS),
    )
    return GeneratedDossiers(table, truth)


def _past_controls(
    rng: np.random.Generator,
    sector: Ints,
    turnover: Floats,
    purchases: Floats,
    planted: Bools,
    hidden_eur: Floats,
) -> tuple[Bools, Floats]:
    """Who was controlled before (some at random, some by the previous rule: a low markup
    for the sector, seen through noise) and what each control adjusted."""
    size = len(sector)
    markup = pd.Series(np.log(turnover / purchases))
    centred = markup - markup.groupby(sector).transform("median")
    risk = -centred.to_numpy() + rng.normal(0.0, 0.3, size)
    random_pick = rng.random(size) < CONTROLLED_RANDOM
    cut = np.quantile(risk, 1.0 - CONTROLLED_BY_RISK)
    controlled = random_pick | (risk >= cut)
    found = controlled & planted & (rng.random(size) < FOUND)
    honest = controlled & ~planted & (rng.random(size) < HONEST_ADJUSTED)
    adjustment = np.where(found, hidden_eur * rng.uniform(0.7, 1.0, size), 0.0)
    adjustment = np.where(honest, turnover * rng.uniform(0.005, 0.03, size), adjustment)
    return controlled, np.rint(adjustment)
