"""What a typical enterprise of each sector declares, and how prices differ between areas: the
assumptions behind the synthetic control dossiers, kept apart so that they can be read."""

from dataclasses import dataclass
from typing import Final

from loket.control.geography import BRUSSELS, WALLONIA, arrondissement_of


@dataclass(frozen=True, slots=True)
class SectorProfile:
    """Ratios of an established one-person firm of the sector at national prices."""

    code: str  # NACE class, a key of loket.control.sectors.SECTORS
    weight: float  # relative number of enterprises
    markup: float  # turnover / purchases
    turnover_per_worker: float  # EUR a year, owner included
    wage_per_employee: float  # EUR a year
    turnover_per_m2: float  # EUR a year per m² of premises
    floor_share: float  # share of dossiers that declare a floor area
    without_staff: float  # share of one-person firms (no employees)
    staff_median: float  # median employees of the firms that have staff


# fmt: off
_PROFILES: Final = (
    # code, weight, markup, turnover/worker, wage/employee, turnover/m², floor, no staff, staff
    ("10.71", 3.0, 2.6, 95_000, 30_000, 2_200, 0.95, 0.25, 4),
    ("47.11", 4.0, 1.3, 240_000, 31_000, 5_000, 0.95, 0.35, 4),
    ("47.21", 1.0, 1.5, 170_000, 28_000, 3_500, 0.95, 0.50, 2),
    ("47.22", 2.0, 1.9, 160_000, 32_000, 3_200, 0.95, 0.35, 3),
    ("47.23", 0.5, 1.7, 180_000, 32_000, 3_800, 0.95, 0.40, 2),
    ("47.25", 0.8, 1.35, 260_000, 30_000, 1_500, 0.95, 0.45, 2),
    ("47.26", 1.0, 1.12, 420_000, 27_000, 9_000, 0.95, 0.50, 2),
    ("47.30", 0.8, 1.10, 600_000, 30_000, 4_000, 0.98, 0.20, 3),
    ("47.41", 0.8, 1.35, 280_000, 35_000, 3_000, 0.90, 0.50, 2),
    ("47.71", 3.0, 2.1, 170_000, 29_000, 2_300, 0.97, 0.45, 2),
    ("47.72", 1.0, 2.0, 180_000, 29_000, 2_400, 0.97, 0.40, 2),
    ("47.73", 2.0, 1.45, 320_000, 38_000, 9_000, 0.99, 0.05, 4),
    ("47.76", 1.0, 2.6, 90_000, 27_000, 1_800, 0.95, 0.50, 2),
    ("47.77", 0.6, 2.2, 200_000, 33_000, 6_000, 0.97, 0.45, 2),
    ("45.11", 1.5, 1.15, 650_000, 40_000, 2_500, 0.95, 0.25, 5),
    ("45.20", 3.0, 2.0, 150_000, 38_000, 900, 0.95, 0.40, 3),
    ("55.10", 1.0, 4.5, 95_000, 30_000, 450, 0.98, 0.15, 8),
    ("56.10", 7.0, 3.0, 75_000, 28_000, 1_400, 0.97, 0.30, 4),
    ("56.21", 1.0, 2.6, 90_000, 29_000, 1_100, 0.80, 0.40, 3),
    ("56.30", 4.0, 3.2, 60_000, 26_000, 1_000, 0.97, 0.55, 2),
    ("96.02", 5.0, 6.0, 48_000, 26_000, 1_300, 0.95, 0.60, 2),
    ("96.01", 0.5, 5.0, 60_000, 27_000, 500, 0.95, 0.45, 3),
    ("96.04", 0.4, 6.0, 80_000, 28_000, 250, 0.98, 0.30, 4),
    ("93.13", 0.6, 7.0, 70_000, 30_000, 150, 0.98, 0.35, 3),
    ("49.32", 2.0, 4.0, 60_000, 27_000, 1_500, 0.05, 0.55, 3),
    ("49.41", 2.0, 2.2, 160_000, 40_000, 1_500, 0.30, 0.25, 6),
    ("41.20", 5.0, 1.8, 190_000, 40_000, 1_500, 0.15, 0.40, 5),
    ("43.21", 4.0, 2.3, 120_000, 40_000, 1_500, 0.10, 0.50, 3),
    ("43.22", 4.0, 2.2, 135_000, 40_000, 1_500, 0.10, 0.50, 3),
    ("43.31", 1.5, 3.0, 80_000, 36_000, 1_500, 0.05, 0.60, 2),
    ("43.32", 3.0, 2.1, 125_000, 38_000, 1_200, 0.50, 0.45, 3),
    ("43.34", 3.0, 2.6, 85_000, 36_000, 1_500, 0.05, 0.60, 2),
    ("43.91", 2.0, 2.2, 130_000, 38_000, 1_500, 0.10, 0.50, 3),
    ("81.21", 2.0, 8.0, 45_000, 30_000, 1_500, 0.05, 0.30, 8),
    ("86.21", 3.0, 15.0, 150_000, 35_000, 1_500, 0.60, 0.70, 1),
    ("86.23", 2.0, 8.0, 170_000, 35_000, 2_800, 0.90, 0.55, 2),
    ("69.20", 3.0, 6.0, 115_000, 48_000, 1_500, 0.30, 0.45, 3),
    ("71.11", 2.0, 5.0, 110_000, 45_000, 1_500, 0.30, 0.60, 2),
    ("74.20", 0.8, 4.0, 70_000, 32_000, 600, 0.40, 0.70, 1),
    ("95.25", 0.3, 3.5, 70_000, 30_000, 1_500, 0.80, 0.70, 1),
)
# fmt: on
SECTOR_PROFILES: Final = tuple(SectorProfile(*row) for row in _PROFILES)

# Prices, not volumes, differ between areas: the same bread costs more in Brussels. Purchases
# are bought at national wholesale prices and wages follow national agreements, so every
# turnover ratio of an honest firm in a cheap area is lower than its sector's national one.
PRICE_BRUSSELS: Final = 1.12
PRICE_RURAL_WALLONIA: Final = 0.85
PRICE_WALLONIA: Final = 0.93
PRICE_FLANDERS: Final = 1.0
# Rural Wallonia: the arrondissements without a large town (Statbel REFNIS, first two digits).
RURAL_WALLONIA: Final = frozenset(
    {"51", "56", "61", "64", "81", "82", "83", "84", "85", "91", "93"}
)

# Firms founded in the last two years sell less while they build up a clientele.
YOUNG_YEARS: Final = 2
RAMP_UP: Final = (0.65, 0.80)  # turnover factor of a young firm: 20-35% lower
# Turnover per worker grows slowly with size: (employees + 1) ** SIZE_ELASTICITY.
SIZE_ELASTICITY: Final = 0.06
# Log-normal noise (standard deviation of the log), independent per ratio: turnover per
# worker, turnover / purchases, turnover / wage bill, turnover per m².
NOISE_TURNOVER: Final = 0.13
NOISE_PURCHASES: Final = 0.14
NOISE_WAGES: Final = 0.15
NOISE_FLOOR: Final = 0.17
# Under-declarers hide this share of their turnover; some also book fictitious purchases.
HIDDEN_SHARE: Final = (0.20, 0.45)
INFLATED_PURCHASES_SHARE: Final = 0.2
INFLATED_PURCHASES: Final = (1.05, 1.25)
# Past controls: which dossiers were controlled, and what honest ones still had to pay.
CONTROLLED_SHARE: Final = 0.08
HONEST_ADJUSTED_SHARE: Final = 0.04
HONEST_ADJUSTMENT_EUR: Final = (150.0, 2_500.0)
TAX_RATE: Final = 0.30  # tax and VAT recovered per euro of hidden turnover


def price_level(municipality_refnis: str, region_refnis: str) -> float:
    """The price level of a municipality against the Flemish one."""
    if region_refnis == BRUSSELS:
        return PRICE_BRUSSELS
    if region_refnis == WALLONIA:
        rural = arrondissement_of(municipality_refnis)[:2] in RURAL_WALLONIA
        return PRICE_RURAL_WALLONIA if rural else PRICE_WALLONIA
    return PRICE_FLANDERS
