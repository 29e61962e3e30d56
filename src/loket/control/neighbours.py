"""Each dossier against its k nearest dossiers of the same sector, wherever the area borders
run: the baker at the edge of an arrondissement is compared with the bakers around it.

Dossiers are placed at their postal code's coordinates (Belgian Lambert 2008), so the nearest
peers are gathered postal code by postal code, nearest first, until there are at least k; in
SQL, so that a million dossiers take seconds."""

from functools import cache

import duckdb
import numpy as np
import pyarrow as pa
from scipy.spatial import cKDTree

from loket.control.geography import postcode_areas
from loket.control.peers import MAD_TO_SD, MIN_MAD, MIN_VALUES

# How many nearby postal codes to look at before settling for fewer than k peers.
NEAREST_POSTCODES = 150


@cache
def postcode_neighbours() -> pa.Table:
    """(postcode, neighbour, distance_m): each postal code's nearest postal codes, itself first."""
    areas = postcode_areas()
    codes = np.asarray(areas.column("postcode").to_pylist())
    points = np.column_stack([areas.column("x").to_numpy(), areas.column("y").to_numpy()])
    nearest = min(NEAREST_POSTCODES, len(codes))
    distances, found = cKDTree(points).query(points, k=nearest)
    return pa.table(
        {
            "postcode": np.repeat(codes, nearest),
            "neighbour": codes[np.asarray(found).ravel()],
            "distance_m": np.round(np.asarray(distances).ravel(), 1),
        }
    )


def add_neighbour_scores(
    connection: duckdb.DuckDBPyConnection, indicators: tuple[str, ...], k: int
) -> None:
    """Add to table `features` the robust z-score `z_knn_<indicator>` of each ratio against the
    sector's nearest dossiers, and `knn_count`, how many peers that took. Each ratio is taken
    as its distance from its own area's peer median (`d_<indicator>`), so that a neighbour
    across a border with dearer or cheaper prices is compared on the same footing."""
    connection.register("postcode_neighbours", postcode_neighbours())
    stats = ",\n".join(
        f"median(f.d_{c}) AS kmed_{c}, mad(f.d_{c}) AS kmad_{c}, count(f.d_{c}) AS kn_{c}"
        for c in indicators
    )
    scores = ",\n".join(
        f"CASE WHEN kn_{c} >= {MIN_VALUES} THEN (d_{c} - kmed_{c}) "
        f"/ ({MAD_TO_SD} * greatest(kmad_{c}, {MIN_MAD})) END AS z_knn_{c}"
        for c in indicators
    )
    connection.execute(
        f"""CREATE OR REPLACE TEMP TABLE knn_stats AS
            WITH cells AS (SELECT sector, postcode, count(*) AS n FROM features GROUP BY ALL),
            reached AS (
                SELECT c.sector, c.postcode, nb.neighbour,
                       sum(o.n) OVER (PARTITION BY c.sector, c.postcode
                                      ORDER BY nb.distance_m, nb.neighbour
                                      ROWS UNBOUNDED PRECEDING) - o.n AS before
                FROM cells c
                JOIN postcode_neighbours nb ON nb.postcode = c.postcode
                JOIN cells o ON o.sector = c.sector AND o.postcode = nb.neighbour
            )
            SELECT r.sector, r.postcode, count(*) - 1 AS knn_count, {stats}
            FROM reached r
            JOIN features f ON f.sector = r.sector AND f.postcode = r.neighbour
            WHERE r.before < {k + 1}
            GROUP BY r.sector, r.postcode"""
    )
    connection.execute(
        f"""CREATE OR REPLACE TEMP TABLE with_knn AS
            SELECT features.*, knn_stats.knn_count, {scores}
            FROM features JOIN knn_stats USING (sector, postcode)"""
    )
    connection.execute("DROP TABLE features")
    connection.execute("DROP TABLE knn_stats")
    connection.execute("ALTER TABLE with_knn RENAME TO features")
