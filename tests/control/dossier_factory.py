"""Typed control dossiers (DOSSIERS_SCHEMA) at real Belgian postal codes for the scoring tests:
honest peer groups with independent noise on every amount, and single dossiers built to order."""

from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

import numpy as np
import pyarrow as pa

from loket.control.dossiers import DOSSIERS_SCHEMA
from loket.control.geography import postcode_areas
from loket.control.score import ScoreOptions, score_table

# The fiscal year the test dossiers describe; a firm founded in it or the year before is young.
REFERENCE_YEAR = 2025
ESTABLISHED = 2005
# A typical small bakery at national prices: what an honest dossier scatters around.
TURNOVER_PER_WORKER = 100_000.0
MARKUP = 2.5
WAGE_PER_EMPLOYEE = 40_000.0
TURNOVER_PER_M2 = 3_000.0
NACE_OF = {"10.71": "10.711", "47.41": "47.410", "47.77": "47.770", "96.02": "96.021"}
LEVELS = ("arrondissement", "province", "region")


@cache
def areas() -> dict[str, dict[str, Any]]:
    """The geography row of every postal code."""
    return {row["postcode"]: row for row in postcode_areas().to_pylist()}


def postcodes_in(level: str, refnis: str) -> list[str]:
    """The postal codes of an arrondissement, province or region, sorted."""
    return sorted(code for code, row in areas().items() if row[f"{level}_refnis"] == refnis)


def enterprise_number(index: int) -> str:
    """A valid enterprise number, different for every index: the check is 97 - base mod 97."""
    base = 2_000_000 + index
    return f"{base:08d}{97 - base % 97:02d}"


def dossier(
    dossier_id: str,
    postcode: str,
    *,
    sector: str = "10.71",
    employees: int = 3,
    founded_year: int = ESTABLISHED,
    turnover_eur: float | None = None,
    purchases_eur: float | None = None,
    wage_bill_eur: float | None = None,
    floor_area_m2: float | None = None,
    index: int = 0,
    **fields: Any,
) -> dict[str, Any]:
    """A dossier whose ratios all sit at the typical value unless amounts are given."""
    if postcode not in areas():
        raise ValueError(f"postcode: {postcode} is not a Belgian postal code")
    turnover = TURNOVER_PER_WORKER * (employees + 1)
    row: dict[str, Any] = {name: None for name in DOSSIERS_SCHEMA.names}
    row.update(
        dossier_id=dossier_id,
        enterprise_number=enterprise_number(index),
        nace_code=NACE_OF.get(sector, sector),
        sector=sector,
        postcode=postcode,
        employees=employees,
        turnover_eur=turnover if turnover_eur is None else turnover_eur,
        purchases_eur=turnover / MARKUP if purchases_eur is None else purchases_eur,
        wage_bill_eur=(employees * WAGE_PER_EMPLOYEE or None)
        if wage_bill_eur is None
        else wage_bill_eur,
        floor_area_m2=turnover / TURNOVER_PER_M2 if floor_area_m2 is None else floor_area_m2,
        founded_year=founded_year,
    )
    row.update(fields)
    return row


def honest_group(
    prefix: str,
    postcodes: Sequence[str],
    count: int,
    seed: int,
    *,
    noise: float = 0.1,
    **fields: Any,
) -> list[dict[str, Any]]:
    """`count` honest dossiers spread over `postcodes` in turn: every amount scattered by its
    own log-normal noise, so no ratio is identical between two dossiers."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(count):
        typical = dossier(f"{prefix}{i:04d}", postcodes[i % len(postcodes)], **fields)
        scatter = np.exp(rng.normal(0.0, noise, 4))
        wage = typical["wage_bill_eur"]
        rows.append(
            typical
            | {
                "enterprise_number": enterprise_number(seed * 10_000 + i),
                "turnover_eur": round(typical["turnover_eur"] * scatter[0], 2),
                "purchases_eur": round(typical["purchases_eur"] * scatter[1], 2),
                "wage_bill_eur": None if wage is None else round(wage * scatter[2], 2),
                "floor_area_m2": round(typical["floor_area_m2"] * scatter[3], 1),
            }
        )
    return rows


def dossiers_table(rows: Iterable[dict[str, Any]]) -> pa.Table:
    """The rows typed as read_dossiers would give them, numbered as file lines from 2."""
    listed = [dict(row) for row in rows]
    for line, row in enumerate(listed, start=2):
        row["line"] = line
    return pa.Table.from_pylist(listed, schema=DOSSIERS_SCHEMA)


def score_rows(rows: Iterable[dict[str, Any]], **options: Any) -> dict[str, dict[str, Any]]:
    """Score the rows (reference year fixed, no random sample unless asked) and return the
    scored rows by dossier id."""
    settings: dict[str, Any] = {
        "reference_year": REFERENCE_YEAR,
        "random_share": 0.0,
        "min_peers": 30,
        "neighbours": 10,
    }
    settings.update(options)
    table = score_table(dossiers_table(rows), ScoreOptions(**settings))
    return {row["dossier_id"]: row for row in table.to_pylist()}
