"""Synthetic enterprise dossiers for tax-control selection, with known under-declarers: real
Belgian postal codes, sector profiles, regional price levels, young firms and noise.

Vectorised with numpy and deterministic for a seed (same seed, same bytes): a million dossiers
take seconds. The truth (which dossiers hide turnover) goes to `<out>.truth.csv`.
"""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from loket.cases.network import GERMAN_SPEAKING
from loket.control.dossiers import DOSSIER_COLUMNS, LABEL_COLUMNS
from loket.control.geography import BRUSSELS, FLANDERS, WALLONIA, postcode_areas
from loket.demo import enterprise_profiles as profile
from loket.demo.geography import CITY_WEIGHTS, COMMUNITY_WEIGHTS
from loket.demo.population import REFERENCE_DAY

TRUTH_COLUMNS: Final = ("dossier_id", "planted", "region_refnis")
# The fiscal year the dossiers describe: the last one closed before the demo's reference day,
# as `loket control score` assumes by default. A firm's age counts from it.
DOSSIER_YEAR: Final = REFERENCE_DAY.year - 1
EARLIEST_FOUNDING: Final = 1900
MEAN_AGE_YEARS: Final = 13.0
STAFF_SPREAD: Final = 0.8  # sd of log(employees) around the sector's median
MAX_PLANTED_SHARE: Final = 0.5
# Enterprise numbers: eight digits then a two-digit check; legal persons start at 0200.
FIRST_BASE: Final = 2_000_000
LAST_BASE: Final = 19_999_999
# How enterprise numbers are written: "0403.170.701", "BE0403170701", "0403170701".
NUMBER_STYLES: Final = (0.85, 0.10, 0.05)
COMPACT_NACE_SHARE: Final = 0.1  # "1071" instead of "10.71"

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class GeneratedDossiers:
    """The dossiers (contract columns, typed; labels when asked) and the truth per dossier."""

    table: pa.Table
    truth: pa.Table

    def summary(self) -> dict[str, object]:
        regions = self.truth["region_refnis"].to_numpy(zero_copy_only=False)
        planted = self.truth["planted"].to_numpy(zero_copy_only=False)
        per_region = {
            str(region): {
                "dossiers": int((regions == region).sum()),
                "planted": int(planted[regions == region].sum()),
            }
            for region in sorted(set(regions.tolist()))
        }
        result: dict[str, object] = {
            "dossiers": self.table.num_rows,
            "planted": int(planted.sum()),
            "per_region": per_region,
        }
        if "controlled" in self.table.column_names:
            controlled = self.table["controlled"].to_numpy(zero_copy_only=False)
            adjusted = self.table["adjustment_eur"].to_numpy(zero_copy_only=False) > 0
            result["controlled"] = int(controlled.sum())
            result["adjusted"] = int(adjusted.sum())
        return result


@dataclass(frozen=True)
class _Places:
    postcodes: pa.Array
    regions: pa.Array
    price: Floats
    cumulative: Floats


@lru_cache(maxsize=1)
def _places() -> _Places:
    """Every postal code, weighted like the demo population: enterprises are where people are."""
    areas = postcode_areas()
    postcodes = areas["postcode"].to_pylist()
    municipalities = areas["municipality_refnis"].to_pylist()
    regions = areas["region_refnis"].to_pylist()
    community = {FLANDERS: "nl", WALLONIA: "fr", BRUSSELS: "bru"}
    weights = [
        CITY_WEIGHTS.get(
            code, COMMUNITY_WEIGHTS["de" if ref in GERMAN_SPEAKING else community[reg]]
        )
        for code, ref, reg in zip(postcodes, municipalities, regions, strict=True)
    ]
    price = [
        profile.price_level(ref, reg) for ref, reg in zip(municipalities, regions, strict=True)
    ]
    return _Places(
        pa.array(postcodes, pa.string()),
        pa.array(regions, pa.string()),
        np.array(price, dtype=np.float64),
        np.cumsum(np.array(weights, dtype=np.float64)),
    )


def _draw(rng: np.random.Generator, cumulative: Floats, n: int) -> Ints:
    """Indices drawn with weights given as a cumulative sum."""
    points = rng.random(n) * cumulative[-1]
    index: Ints = np.minimum(np.searchsorted(cumulative, points, side="right"), len(cumulative) - 1)
    return index.astype(np.int64)


def _lognormal(rng: np.random.Generator, sd: float, n: int) -> Floats:
    return np.exp(rng.normal(0.0, sd, n))


def _planted(rng: np.random.Generator, region: Ints, share: float) -> Bools:
    """Exactly the same share of under-declarers in every region (rounded per region), so that
    a method that selects more in one region cannot blame the data."""
    planted = np.zeros(len(region), dtype=np.bool_)
    for value in np.unique(region):
        members = np.flatnonzero(region == value)
        chosen = rng.choice(members, size=round(share * len(members)), replace=False)
        planted[chosen] = True
    return planted


def enterprise_numbers(rng: np.random.Generator, n: int) -> pa.Array:
    """n distinct enterprise numbers that pass stdnum.be.vat, written the ways people do."""
    span = LAST_BASE - FIRST_BASE
    if n > span:
        raise ValueError(f"count: at most {span:,} distinct enterprise numbers can be made")
    # Strictly increasing bases are distinct; shuffled afterwards so that order says nothing.
    widest = max(1, min(79, 2 * span // n - 1))
    bases = FIRST_BASE + np.cumsum(rng.integers(1, widest + 1, n, dtype=np.int64))
    bases = bases[rng.permutation(n)]
    numbers = bases * 100 + (97 - bases % 97)
    digits = pc.utf8_lpad(pa.array(numbers).cast(pa.string()), 10, "0")

    def part(start: int, stop: int) -> pa.Array:
        return pc.utf8_slice_codeunits(digits, start, stop)

    dotted = pc.binary_join_element_wise(part(0, 4), part(4, 7), part(7, 10), ".")
    prefixed = pc.binary_join_element_wise("BE", digits, "")
    style = _draw(rng, np.cumsum(NUMBER_STYLES), n)
    return pc.if_else(
        pa.array(style == 0), dotted, pc.if_else(pa.array(style == 1), prefixed, digits)
    )


def _nace_codes(rng: np.random.Generator, sector: Ints) -> pa.Array:
    codes = [p.code for p in profile.SECTOR_PROFILES]
    dotted = pa.array(codes, pa.string()).take(pa.array(sector))
    compact = pa.array([c.replace(".", "") for c in codes], pa.string()).take(pa.array(sector))
    return pc.if_else(pa.array(rng.random(len(sector)) < COMPACT_NACE_SHARE), compact, dotted)


def _column(values: Floats, present: Bools | None = None) -> pa.Array:
    """Amounts in euro cents, empty where not present."""
    mask = None if present is None else ~present
    return pa.array(np.round(values, 2), pa.float64(), mask=mask)


def generate_dossiers(
    count: int, seed: int = 1, *, labels: bool = True, planted_share: float = 0.03
) -> GeneratedDossiers:
    """`count` dossiers of one fiscal year, of which `planted_share` in every region hide
    20-45% of their turnover. With `labels`, about 8% were controlled in the past: a planted
    one then paid back tax on what it hid, a few honest ones a small adjustment."""
    if count < 1:
        raise ValueError(f"count: {count} dossiers asked; give at least 1")
    if not 0.0 <= planted_share <= MAX_PLANTED_SHARE:
        raise ValueError(f"planted_share: {planted_share} is not between 0 and {MAX_PLANTED_SHARE}")
    rng = np.random.default_rng(seed)
    n = count
    places = _places()
    sectors = profile.SECTOR_PROFILES

    def per_sector(field: str) -> Floats:
        return np.array([getattr(p, field) for p in sectors], dtype=np.float64)

    place = _draw(rng, places.cumulative, n)
    sector = _draw(rng, np.cumsum(per_sector("weight")), n)
    region_codes = pc.take(places.regions, pa.array(place))
    region = np.unique(region_codes.to_numpy(zero_copy_only=False), return_inverse=True)[1]

    staffed = rng.random(n) >= per_sector("without_staff")[sector]
    staff = np.rint(per_sector("staff_median")[sector] * _lognormal(rng, STAFF_SPREAD, n))
    employees = np.where(staffed, np.maximum(staff, 1), 0).astype(np.int64)
    age = np.minimum(np.floor(rng.exponential(MEAN_AGE_YEARS, n)), DOSSIER_YEAR - EARLIEST_FOUNDING)
    founded = (DOSSIER_YEAR - age).astype(np.int64)
    young = age < profile.YOUNG_YEARS
    ramp = np.where(young, rng.uniform(*profile.RAMP_UP, n), 1.0)
    price = places.price[place]

    # Volume is what an established firm sells at national prices. Purchases, wages and
    # premises scale with volume, each with its own noise, so that the noise on one ratio says
    # nothing about another; local prices and ramp-up move turnover alone.
    workers = employees + 1.0
    volume = per_sector("turnover_per_worker")[sector] * workers ** (1 + profile.SIZE_ELASTICITY)
    volume = volume * _lognormal(rng, profile.NOISE_TURNOVER, n)
    turnover = volume * price * ramp
    markup = per_sector("markup")[sector] * price
    purchases = turnover / markup * _lognormal(rng, profile.NOISE_PURCHASES, n)
    wage_level = volume / workers ** (1 + profile.SIZE_ELASTICITY)
    wage_level = wage_level / per_sector("turnover_per_worker")[sector]
    wages = employees * per_sector("wage_per_employee")[sector] * wage_level
    wages = wages * _lognormal(rng, profile.NOISE_WAGES, n)
    wages_given = staffed | (rng.random(n) < 0.5)  # one-person firms: empty or 0
    floor = volume / per_sector("turnover_per_m2")[sector]
    floor = floor * _lognormal(rng, profile.NOISE_FLOOR, n)
    floor_given = rng.random(n) < per_sector("floor_share")[sector]

    planted = _planted(rng, region, planted_share)
    hidden_share = np.where(planted, rng.uniform(*profile.HIDDEN_SHARE, n), 0.0)
    inflated = planted & (rng.random(n) < profile.INFLATED_PURCHASES_SHARE)
    purchases = purchases * np.where(inflated, rng.uniform(*profile.INFLATED_PURCHASES, n), 1.0)
    declared = turnover * (1.0 - hidden_share)

    # Drawn whether or not labels are asked, so that both files agree on every other column.
    controlled = rng.random(n) < profile.CONTROLLED_SHARE
    honest_adjusted = ~planted & (rng.random(n) < profile.HONEST_ADJUSTED_SHARE)
    adjustment = np.where(
        planted,
        turnover * hidden_share * profile.TAX_RATE,
        np.where(honest_adjusted, rng.uniform(*profile.HONEST_ADJUSTMENT_EUR, n), 0.0),
    )
    numbers = enterprise_numbers(rng, n)
    nace = _nace_codes(rng, sector)

    width = max(7, len(str(n)))
    ids = pc.binary_join_element_wise(
        "D", pc.utf8_lpad(pa.array(np.arange(1, n + 1)).cast(pa.string()), width, "0"), ""
    )
    columns: dict[str, pa.Array] = {
        "dossier_id": ids,
        "enterprise_number": numbers,
        "nace_code": nace,
        "postcode": pc.take(places.postcodes, pa.array(place)),
        "employees": pa.array(employees, pa.int64()),
        "turnover_eur": _column(declared),
        "purchases_eur": _column(purchases),
        "wage_bill_eur": _column(wages, wages_given),
        "floor_area_m2": pa.array(
            np.maximum(np.rint(floor), 10).astype(np.int64), pa.int64(), mask=~floor_given
        ),
        "founded_year": pa.array(founded, pa.int64()),
    }
    if labels:
        columns["controlled"] = pa.array(controlled, pa.bool_())
        columns["adjustment_eur"] = _column(np.where(controlled, adjustment, 0.0), controlled)
    names = list(DOSSIER_COLUMNS) + (list(LABEL_COLUMNS) if labels else [])
    table = pa.table([columns[name] for name in names], names=names)
    truth = pa.table([ids, pa.array(planted, pa.bool_()), region_codes], names=list(TRUTH_COLUMNS))
    return GeneratedDossiers(table, truth)


def truth_path(out: Path) -> Path:
    """Where the truth of a dossiers file goes: `dossiers.csv` → `dossiers.truth.csv`."""
    return out.with_name(out.stem + ".truth.csv")


def write_dossiers_csv(out: Path, generated: GeneratedDossiers) -> Path:
    """Write the dossiers to `out` and the truth beside it; returns the truth's path."""
    pacsv.write_csv(generated.table, out)
    truth = truth_path(out)
    pacsv.write_csv(generated.truth, truth)
    return truth
