"""The economy behind the independent enterprise generator: sector families with their own
cost structure and measurement noise, and a price level per municipality (urban gradient,
coast, Brussels) instead of per region.

Designed from the economics of small Belgian firms, separately from loket.demo.enterprises, so
that the control benchmark does not only test a model against the data it was built on.
"""

from dataclasses import dataclass
from functools import lru_cache
from typing import Final

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from loket.control.geography import BRUSSELS, FLANDERS, WALLONIA, postcode_areas
from loket.control.sectors import SECTORS

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Family:
    """How the firms of a family of sectors turn inputs into sales, and how well each input is
    measured (sd of the log, before the heavy tails of a Student-t with 3 degrees of freedom)."""

    purchase_share: float  # purchases ÷ turnover at the national price level
    purchase_noise: float  # retail invoices are precise, services' purchases are a mixed bag
    wage_keur: float  # yearly wage cost per employee, thousand euro
    wage_noise: float  # family firms pay relatives irregularly: three times this
    floor_per_worker: float  # m²
    floor_noise: float
    floor_missing: float  # share of dossiers without a floor area
    self_employed: float  # share of firms without employees
    median_staff: float  # employees, among firms that have some
    sales_per_worker_keur: float  # turnover per worker at the national price level
    precise_purchases: bool  # cash trade: hidden sales show against purchases


FAMILIES: Final[dict[str, Family]] = {
    "shop": Family(0.66, 0.06, 31, 0.15, 45, 0.45, 0.15, 0.30, 3, 210, True),
    "food": Family(0.36, 0.10, 29, 0.20, 30, 0.50, 0.20, 0.20, 4, 105, True),
    "fuel-and-cars": Family(0.84, 0.04, 36, 0.15, 120, 0.50, 0.20, 0.15, 5, 600, True),
    "building": Family(0.40, 0.30, 41, 0.18, 25, 0.70, 0.50, 0.35, 3, 150, False),
    "service": Family(0.18, 0.45, 38, 0.20, 35, 0.60, 0.35, 0.45, 2, 120, False),
    "transport": Family(0.34, 0.20, 38, 0.15, 60, 0.80, 0.50, 0.30, 4, 140, False),
}
FAMILY_OF_PREFIX: Final = {
    "10": "food", "55": "food", "56": "food", "47": "shop", "45": "service", "41": "building",
    "43": "building", "49": "transport",
}  # fmt: skip
FUEL_AND_CARS: Final = ("47.30", "45.11")
# How common each sector is (firms per sector, before the regional mix): many cafés and
# builders, few watch repairers.
COMMON: Final = {
    "56.10": 9, "56.30": 7, "41.20": 8, "43.22": 5, "43.21": 5, "43.34": 4, "43.32": 4,
    "96.02": 6, "47.11": 5, "47.71": 4, "86.21": 4, "69.20": 4, "45.20": 4, "10.71": 3,
    "49.41": 3, "81.21": 3, "71.11": 3, "86.23": 2, "47.73": 2, "49.32": 2, "55.10": 2,
}  # fmt: skip
# The regional mix: Brussels has more services and restaurants and few builders or hauliers;
# Wallonia more builders; Flanders more transport.
REGION_MIX: Final = {
    FLANDERS: {"transport": 1.4, "building": 1.0, "service": 1.0},
    WALLONIA: {"building": 1.3, "shop": 1.1, "transport": 0.9},
    BRUSSELS: {"service": 1.8, "food": 1.4, "building": 0.6, "transport": 0.5, "shop": 1.1},
}
REGION_SHARES: Final = {FLANDERS: 0.58, WALLONIA: 0.29, BRUSSELS: 0.13}
# (latitude, longitude, pull) of the cities whose prices and density spread to their
# surroundings.
CITIES: Final = (
    (50.846, 4.352, 1.0), (51.219, 4.402, 0.8), (51.054, 3.717, 0.7), (50.633, 5.567, 0.6),
    (50.411, 4.444, 0.45), (50.879, 4.700, 0.6), (51.209, 3.224, 0.5), (50.467, 4.867, 0.45),
    (50.454, 3.952, 0.35), (50.931, 5.338, 0.4), (51.026, 4.478, 0.45), (50.828, 3.265, 0.4),
)  # fmt: skip
CITY_REACH_KM: Final = 12.0
COAST: Final = ((51.09, 2.58), (51.37, 3.37))  # De Panne to Knokke, as a straight line
COAST_REACH_KM: Final = 6.0
SECTOR_ECONOMICS_SEED: Final = 14  # sectors differ within a family, the same way every run


@dataclass(frozen=True)
class World:
    """Every postal code with its weight and price level, and every sector with its family,
    its own productivity and purchase share, and its weight per region."""

    postcodes: pa.Array
    regions: npt.NDArray[np.str_]
    postcode_weight: Floats
    log_price: Floats
    sectors: tuple[str, ...]
    family: tuple[str, ...]
    sales_per_worker: Floats  # euro
    purchase_share: Floats
    sector_weight: dict[str, Floats]  # region → weight per sector


def family_of(sector: str) -> str:
    if sector in FUEL_AND_CARS:
        return "fuel-and-cars"
    return FAMILY_OF_PREFIX.get(sector[:2], "service")


def _km(lat: Floats, lon: Floats, lat0: Floats | float, lon0: Floats | float) -> Floats:
    return np.asarray(
        np.hypot((lat - lat0) * 111.2, (lon - lon0) * 111.2 * np.cos(np.radians(50.6)))
    )


def _coast_km(lat: Floats, lon: Floats) -> Floats:
    """Distance to the coastline, taken as the straight line from De Panne to Knokke."""
    (lat_a, lon_a), (lat_b, lon_b) = COAST
    along = ((lat - lat_a) * (lat_b - lat_a) + (lon - lon_a) * (lon_b - lon_a)) / (
        (lat_b - lat_a) ** 2 + (lon_b - lon_a) ** 2
    )
    along = np.clip(along, 0.0, 1.0)
    return _km(lat, lon, lat_a + along * (lat_b - lat_a), lon_a + along * (lon_b - lon_a))


@lru_cache(maxsize=1)
def build_world() -> World:
    areas = postcode_areas()
    lat = areas["latitude"].to_numpy()
    lon = areas["longitude"].to_numpy()
    regions = np.asarray(areas["region_refnis"].to_pylist())
    urban = np.max(
        [pull * np.exp(-_km(lat, lon, a, b) / CITY_REACH_KM) for a, b, pull in CITIES], 0
    )
    coast = np.exp(-_coast_km(lat, lon) / COAST_REACH_KM)
    fixed = np.random.default_rng(SECTOR_ECONOMICS_SEED)
    # A municipality's own price level (rents, local wealth) around the gradient, fixed.
    municipalities = areas["municipality_refnis"].to_numpy(zero_copy_only=False)
    codes, index = np.unique(municipalities, return_inverse=True)
    local = fixed.normal(0.0, 0.04, len(codes))[index]
    log_price = 0.20 * urban + 0.10 * coast + 0.07 * (regions == BRUSSELS) + local
    weight = (1.0 + 10.0 * urban**2) * np.where(areas["ambiguous"].to_numpy(), 0.3, 1.0)
    for region, share in REGION_SHARES.items():
        here = regions == region
        weight[here] *= share / weight[here].sum()
    sectors = tuple(sorted(SECTORS))
    families = tuple(family_of(s) for s in sectors)
    spread = fixed.normal(0.0, 0.25, len(sectors))
    per_worker = np.array([FAMILIES[f].sales_per_worker_keur * 1000 for f in families])
    purchase_share = np.array([FAMILIES[f].purchase_share for f in families])
    common = np.array([COMMON.get(s, 1.5) for s in sectors], dtype=np.float64)
    sector_weight = {
        region: common * np.array([mix.get(f, 1.0) for f in families])
        for region, mix in REGION_MIX.items()
    }
    return World(
        postcodes=areas["postcode"].combine_chunks(),
        regions=regions,
        postcode_weight=weight / weight.sum(),
        log_price=log_price,
        sectors=sectors,
        family=families,
        sales_per_worker=per_worker * np.exp(spread),
        purchase_share=np.minimum(
            purchase_share * np.exp(fixed.normal(0.0, 0.1, len(sectors))), 0.92
        ),
        sector_weight={r: w / w.sum() for r, w in sector_weight.items()},
    )


def family_table(families: tuple[str, ...], field: str) -> Floats:
    """One Family field per sector, in the order of `families`."""
    return np.array([float(getattr(FAMILIES[f], field)) for f in families])
