"""A third set of control dossiers for bench_control_accuracy.py (`--generator described`),
built from the reviewers' words in issue 14 and nothing else: under-reporting shows mainly in
turnover against purchases, the other ratios are noisy. A sanity check, not a set to tune on.

Every firm sells a volume at national prices (sector profile of loket.demo.enterprises, size
effect); its turnover is that volume at its area's price level. Purchases follow the volume
closely (noise PURCHASES_NOISE); turnover per worker, per euro of wages and per m² carry large
noise of their own, so they say little. Under-declarers, the same share in every region, leave
HIDDEN_SHARE of their sales out and touch nothing else. No young firms ramping up, no
mechanisms that disguise the markup. Past controls: 8% at random, as in loket.demo.enterprises.
"""

from typing import Final

import numpy as np
import pyarrow as pa

from loket.control.dossiers import DOSSIER_COLUMNS, LABEL_COLUMNS
from loket.control.geography import postcode_areas
from loket.demo import enterprise_profiles as profile
from loket.demo.enterprises import (
    DOSSIER_YEAR,
    MEAN_AGE_YEARS,
    STAFF_SPREAD,
    GeneratedDossiers,
    enterprise_numbers,
)

PURCHASES_NOISE: Final = 0.06  # sd of log purchases around the sector's share of the volume
VOLUME_NOISE: Final = 0.35  # sd of log sales per worker: makes turnover per worker noisy
WAGES_NOISE: Final = 0.40  # sd of log wage per employee, independent of sales
FLOOR_NOISE: Final = 0.50  # sd of log floor area per worker, independent of sales
HIDDEN_SHARE: Final = (0.15, 0.40)
YOUNG_YEARS: Final = 0  # nobody ramps up here


def generate_described_dossiers(
    size: int, seed: int, *, labels: bool = True, planted_share: float = 0.03
) -> GeneratedDossiers:
    """`size` dossiers; `planted_share` of them in every region hide part of their sales."""
    rng = np.random.default_rng([seed, 1414])
    areas = postcode_areas()
    regions = np.asarray(areas["region_refnis"].to_pylist())
    municipalities = areas["municipality_refnis"].to_pylist()
    price_of = np.array(
        [profile.price_level(m, r) for m, r in zip(municipalities, regions, strict=True)]
    )
    place = rng.integers(0, len(regions), size)
    price = price_of[place]
    sectors = profile.SECTOR_PROFILES

    def per_sector(field: str) -> np.ndarray:
        return np.array([getattr(p, field) for p in sectors], dtype=np.float64)

    weight = per_sector("weight")
    sector = rng.choice(len(sectors), size, p=weight / weight.sum())
    staffed = rng.random(size) >= per_sector("without_staff")[sector]
    staff = np.rint(per_sector("staff_median")[sector] * np.exp(rng.normal(0, STAFF_SPREAD, size)))
    employees = np.where(staffed, np.maximum(staff, 1), 0).astype(np.int64)
    workers = employees + 1.0
    age = np.minimum(np.floor(rng.exponential(MEAN_AGE_YEARS, size)), 100)

    volume = per_sector("turnover_per_worker")[sector] * workers ** (1 + profile.SIZE_ELASTICITY)
    volume *= np.exp(rng.normal(0.0, VOLUME_NOISE, size))
    turnover = volume * price
    purchases = volume / per_sector("markup")[sector]
    purchases *= np.exp(rng.normal(0.0, PURCHASES_NOISE, size))
    wages = employees * per_sector("wage_per_employee")[sector]
    wages *= np.exp(rng.normal(0.0, WAGES_NOISE, size))
    m2_per_worker = per_sector("turnover_per_worker") / per_sector("turnover_per_m2")
    floor = workers * m2_per_worker[sector] * np.exp(rng.normal(0.0, FLOOR_NOISE, size))
    floor_given = rng.random(size) < per_sector("floor_share")[sector]

    planted = np.zeros(size, dtype=bool)
    region = regions[place]
    for code in np.unique(region):
        members = np.flatnonzero(region == code)
        planted[rng.choice(members, round(planted_share * len(members)), replace=False)] = True
    hidden = np.where(planted, rng.uniform(*HIDDEN_SHARE, size), 0.0)
    declared = turnover * (1.0 - hidden)

    ids = pa.array([f"R{i:07d}" for i in range(1, size + 1)], pa.string())
    codes = np.array([p.code for p in sectors])[sector]
    columns: dict[str, pa.Array] = {
        "dossier_id": ids,
        "enterprise_number": enterprise_numbers(rng, size),
        "nace_code": pa.array(codes, pa.string()),
        "postcode": areas["postcode"].combine_chunks().take(pa.array(place)),
        "employees": pa.array(employees, pa.int64()),
        "turnover_eur": pa.array(np.round(declared, 2)),
        "purchases_eur": pa.array(np.round(purchases, 2)),
        "wage_bill_eur": pa.array(np.round(wages, 2), mask=employees == 0),
        "floor_area_m2": pa.array(
            np.maximum(np.rint(floor), 10).astype(np.int64), mask=~floor_given
        ),
        "founded_year": pa.array((DOSSIER_YEAR - age).astype(np.int64)),
    }
    if labels:
        controlled = rng.random(size) < profile.CONTROLLED_SHARE
        honest = ~planted & (rng.random(size) < profile.HONEST_ADJUSTED_SHARE)
        adjustment = np.where(
            planted,
            turnover * hidden * profile.TAX_RATE,
            np.where(honest, rng.uniform(*profile.HONEST_ADJUSTMENT_EUR, size), 0.0),
        )
        columns["controlled"] = pa.array(controlled)
        columns["adjustment_eur"] = pa.array(
            np.round(np.where(controlled, adjustment, 0.0), 2), mask=~controlled
        )
    names = list(DOSSIER_COLUMNS) + (list(LABEL_COLUMNS) if labels else [])
    table = pa.table([columns[name] for name in names], names=names)
    truth = pa.table(
        [ids, pa.array(planted), pa.array(region, pa.string())],
        names=["dossier_id", "planted", "region_refnis"],
    )
    return GeneratedDossiers(table, truth)
