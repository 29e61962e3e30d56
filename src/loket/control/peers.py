"""Peer features: each dossier's ratios against the same sector in its own area, allowing for
size and age. The area normalises prices and local conditions; it never adds risk by itself.

A peer group is the sector in the dossier's administrative arrondissement; where that holds
fewer than `min_peers` dossiers, the province, then the region, then the country.
"""

from dataclasses import dataclass

import duckdb

from loket.control.geography import COUNTRY

RATIO_SQL = {
    "markup": "ln(turnover_eur / nullif(purchases_eur, 0))",
    "turnover_per_worker": "ln(turnover_eur / (employees + 1))",
    "turnover_per_wage": "ln(turnover_eur / nullif(wage_bill_eur, 0))",
    "turnover_per_m2": "ln(turnover_eur / nullif(floor_area_m2, 0))",
}
# A band needs this many dossiers nationally before its size/age effect is trusted.
MIN_BAND = 20
# Below this many values a spread is not estimated; the ratio then does not count.
MIN_VALUES = 10
# A median absolute deviation of zero (identical peers) would make every difference infinite.
MIN_MAD = 0.02
MAD_TO_SD = 1.4826
AREA_LEVELS = ("arrondissement", "province", "region")


@dataclass(frozen=True)
class PeerSettings:
    min_peers: int = 30
    reference_year: int = 2026


def _bands(year: int) -> str:
    """Age by year while a young firm ramps up, then in wider bands; size by head count."""
    return f"""
        CASE WHEN {year} - founded_year < 5 THEN greatest({year} - founded_year, 0)::VARCHAR
             WHEN {year} - founded_year < 10 THEN '5-9' ELSE '10+' END AS age_band,
        CASE WHEN employees = 0 THEN 'solo' WHEN employees < 5 THEN 'micro'
             WHEN employees < 20 THEN 'small' ELSE 'larger' END AS size_band"""


def build_peer_features(
    connection: duckdb.DuckDBPyConnection, indicators: tuple[str, ...], settings: PeerSettings
) -> None:
    """From table `dossiers` and `areas`, create table `features`: the dossier, its areas, its
    adjusted log ratios `a_<indicator>`, its peer group, `z_area_<indicator>` with the
    percentile `pct_<indicator>` (0-99) of its ratio among those peers, and `d_<indicator>`,
    its distance from the peer median, free of the area's price level."""
    ratios = ",\n".join(f"{RATIO_SQL[code]} AS r_{code}" for code in indicators)
    connection.execute(
        f"""CREATE OR REPLACE TEMP TABLE base AS
            SELECT d.*, a.municipality_refnis, a.arrondissement_refnis, a.province_refnis,
                   a.region_refnis, a.office_id, a.latitude, a.longitude, a.x, a.y,
                   {ratios}, {_bands(settings.reference_year)}
            FROM dossiers d JOIN areas a USING (postcode)"""
    )
    # Size and age move a ratio legitimately: take out the sector's national band effect.
    effects = ",\n".join(
        f"CASE WHEN count(r_{c}) >= {MIN_BAND} THEN median(r_{c}) END AS m_{c}" for c in indicators
    )
    sector_medians = ", ".join(f"median(r_{c}) AS s_{c}" for c in indicators)
    adjusted = ",\n".join(f"b.r_{c} - coalesce(e.m_{c} - s.s_{c}, 0) AS a_{c}" for c in indicators)
    connection.execute(
        f"""CREATE OR REPLACE TEMP TABLE adjusted AS
            WITH e AS (SELECT sector, age_band, size_band, {effects}
                       FROM base GROUP BY ALL),
                 s AS (SELECT sector, {sector_medians} FROM base GROUP BY sector)
            SELECT b.*, {adjusted}
            FROM base b JOIN s USING (sector) JOIN e USING (sector, age_band, size_band)"""
    )
    connection.execute("DROP TABLE base")
    _choose_peer_groups(connection, settings.min_peers)
    _peer_scores(connection, indicators)


def _choose_peer_groups(connection: duckdb.DuckDBPyConnection, min_peers: int) -> None:
    """The narrowest area whose sector holds at least `min_peers` dossiers."""
    counts = "\n".join(
        f"LEFT JOIN (SELECT sector, {level}_refnis, count(*) AS n_{level} FROM adjusted "
        f"GROUP BY ALL) USING (sector, {level}_refnis)"
        for level in AREA_LEVELS
    )
    connection.execute(
        f"""CREATE OR REPLACE TEMP TABLE grouped AS
            SELECT adjusted.*,
                   CASE WHEN n_arrondissement >= {min_peers} THEN 'arrondissement'
                        WHEN n_province >= {min_peers} THEN 'province'
                        WHEN n_region >= {min_peers} THEN 'region'
                        ELSE 'country' END AS peer_level,
                   CASE WHEN n_arrondissement >= {min_peers} THEN arrondissement_refnis
                        WHEN n_province >= {min_peers} THEN province_refnis
                        WHEN n_region >= {min_peers} THEN region_refnis
                        ELSE '{COUNTRY}' END AS peer_area,
                   n_arrondissement AS home_count
            FROM adjusted {counts}"""
    )
    connection.execute("DROP TABLE adjusted")


_QUANTILES = "[" + ", ".join(f"{q / 100:.2f}" for q in range(1, 100)) + "]"


def _peer_scores(connection: duckdb.DuckDBPyConnection, indicators: tuple[str, ...]) -> None:
    """Median, spread and percentiles of every sector in every area at every level, each over
    all the sector's dossiers in that area; then each dossier against its own peer group."""
    stats = ",\n".join(
        f"median(a_{c}) AS med_{c}, mad(a_{c}) AS mad_{c}, count(a_{c}) AS n_{c}, "
        f"quantile_cont(a_{c}, {_QUANTILES}) AS q_{c}"
        for c in indicators
    )
    levels = [(level, f"{level}_refnis") for level in AREA_LEVELS]
    levels.append(("country", f"'{COUNTRY}'"))
    per_level = "\nUNION ALL\n".join(
        f"""SELECT '{level}' AS peer_level, sector, {area} AS peer_area,
                   count(*) AS peer_count, {stats}
            FROM grouped GROUP BY sector, {area}"""
        for level, area in levels
    )
    scores = ",\n".join(
        f"""CASE WHEN n_{c} >= {MIN_VALUES} THEN (a_{c} - med_{c})
                 / ({MAD_TO_SD} * greatest(mad_{c}, {MIN_MAD})) END AS z_area_{c},
            a_{c} - med_{c} AS d_{c},
            CASE WHEN a_{c} IS NOT NULL AND n_{c} >= {MIN_VALUES}
                 THEN len(list_filter(q_{c}, lambda q: q < a_{c})) END AS pct_{c}"""
        for c in indicators
    )
    connection.execute(f"CREATE OR REPLACE TEMP TABLE peer_stats AS {per_level}")
    connection.execute(
        f"""CREATE OR REPLACE TEMP TABLE features AS
            SELECT grouped.*, s.peer_count, {scores}
            FROM grouped JOIN peer_stats s USING (sector, peer_level, peer_area)"""
    )
    connection.execute("DROP TABLE grouped")
    connection.execute("DROP TABLE peer_stats")
