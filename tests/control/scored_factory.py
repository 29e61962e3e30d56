"""Small synthetic scored tables for the control tests, placed at real Belgian postal codes
with the regions, provinces, arrondissements and tax offices that the geography gives them."""

from collections.abc import Iterable
from functools import cache
from typing import Any

import pyarrow as pa

from loket.control.geography import postcode_areas

SCHEMA = pa.schema(
    [
        ("dossier_id", pa.string()),
        ("enterprise_number", pa.string()),
        ("nace_code", pa.string()),
        ("sector", pa.string()),
        ("postcode", pa.string()),
        ("municipality_refnis", pa.string()),
        ("arrondissement_refnis", pa.string()),
        ("province_refnis", pa.string()),
        ("region_refnis", pa.string()),
        ("office_id", pa.string()),
        ("latitude", pa.float64()),
        ("longitude", pa.float64()),
        ("employees", pa.int64()),
        ("turnover_eur", pa.float64()),
        ("purchases_eur", pa.float64()),
        ("wage_bill_eur", pa.float64()),
        ("floor_area_m2", pa.float64()),
        ("founded_year", pa.int64()),
        ("controlled", pa.bool_()),
        ("adjustment_eur", pa.float64()),
        ("z_markup", pa.float64()),
        ("z_turnover_per_worker", pa.float64()),
        ("z_turnover_per_wage", pa.float64()),
        ("z_turnover_per_m2", pa.float64()),
        ("peer_level", pa.string()),
        ("peer_area", pa.string()),
        ("peer_count", pa.int64()),
        ("score", pa.float64()),
        ("rank", pa.int64()),
        ("selected", pa.bool_()),
        ("selection", pa.string()),
        ("explanation", pa.string()),
    ]
)
AREA_COLUMNS = (
    "municipality_refnis",
    "arrondissement_refnis",
    "province_refnis",
    "region_refnis",
    "office_id",
    "latitude",
    "longitude",
)


@cache
def areas() -> dict[str, dict[str, Any]]:
    """The geography row of every postal code."""
    return {row["postcode"]: row for row in postcode_areas().to_pylist()}


@cache
def municipalities() -> dict[str, dict[str, Any]]:
    """One postal code's geography row per municipality: the lowest code that lies in it."""
    first: dict[str, dict[str, Any]] = {}
    for code in sorted(areas()):
        first.setdefault(areas()[code]["municipality_refnis"], areas()[code])
    return first


def postcodes_in_region(region_refnis: str) -> list[str]:
    return [code for code, row in sorted(areas().items()) if row["region_refnis"] == region_refnis]


def scored_row(postcode: str, dossier_id: str, **fields: Any) -> dict[str, Any]:
    """A plausible scored dossier at `postcode`; any column can be given in `fields`."""
    row: dict[str, Any] = {name: None for name in SCHEMA.names}
    area = areas()[postcode]
    row.update({name: area[name] for name in AREA_COLUMNS})
    row.update(
        dossier_id=dossier_id,
        enterprise_number="0403170701",
        nace_code="10.711",
        sector="10.71",
        postcode=postcode,
        employees=3,
        turnover_eur=400_000.0,
        purchases_eur=150_000.0,
        wage_bill_eur=90_000.0,
        floor_area_m2=120.0,
        founded_year=2005,
        z_markup=0.0,
        z_turnover_per_worker=0.0,
        z_turnover_per_wage=0.0,
        z_turnover_per_m2=0.0,
        peer_level="arrondissement",
        peer_area=area["arrondissement_refnis"],
        peer_count=30,
        score=0.0,
        selected=False,
        explanation="in line with peers",
    )
    row.update(fields)
    if row["selected"] and row["selection"] is None:
        row["selection"] = "risk"
    return row


def scored_table(rows: Iterable[dict[str, Any]]) -> pa.Table:
    """The rows as a scored table, ranked by score (1 = highest)."""
    ordered = list(rows)
    by_score = sorted(range(len(ordered)), key=lambda i: (-ordered[i]["score"], i))
    for rank, index in enumerate(by_score, start=1):
        ordered[index]["rank"] = rank
    return pa.Table.from_pylist(ordered, schema=SCHEMA)
