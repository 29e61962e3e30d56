"""Standardise claims the way Belgian names are written, before any comparison.

`Van den Broeck`, `VANDENBROECK` and `vanden Broeck` become `vandenbroeck` (and the core
`broeck`); `Lefèvre` becomes `lefevre`; `Jean-Pierre Marie` becomes the tokens
`jean pierre marie`, also sorted so that swapped given names still agree. Runs in DuckDB, so a
million claims take seconds; the result feeds the DuckDB or the Spark engine alike.
"""

import duckdb
import pyarrow as pa

# Particles that open Dutch and French family names, longest first: RE2 takes the first
# alternative that matches, and the same rule is applied to every spelling, so `De Smet`,
# `Desmet` and `DE SMET` all reduce to one core.
PARTICLES = "vander|vanden|vande|van|von|der|den|des|de|du|di|le|la|d"
OPEN_END = "9999-12-31"

STANDARDISE_SQL = f"""
WITH cleaned AS (
    SELECT
        *,
        family_name AS family_name_original,
        given_names AS given_names_original,
        replace(replace(strip_accents(lower(family_name)), 'ß', 'ss'), '’', '''')
            AS family_clean,
        replace(strip_accents(lower(coalesce(given_names, ''))), 'ß', 'ss') AS given_clean
    FROM claims
),
tokens AS (
    SELECT
        *,
        regexp_replace(family_clean, '[^a-z]', '', 'g') AS family_compact,
        list_filter(
            string_split_regex(regexp_replace(given_clean, '[^a-z\\s-]', '', 'g'), '[\\s-]+'),
            lambda token: token <> ''
        ) AS given_list
    FROM cleaned
)
SELECT
    claim_id,
    ocmw_refnis,
    start_date,
    end_date,
    coalesce(end_date, DATE '{OPEN_END}') AS end_open,
    insz,
    insz_valid,
    nullif(family_compact, '') AS family_name,
    CASE
        WHEN length(regexp_replace(family_compact, '^({PARTICLES})', '')) >= 3
        THEN regexp_replace(family_compact, '^({PARTICLES})', '')
        ELSE nullif(family_compact, '')
    END AS family_name_core,
    nullif(left(family_compact, 3), '') AS family_prefix,
    nullif(array_to_string(given_list, ' '), '') AS given_names,
    nullif(left(given_list[1], 3), '') AS given_prefix,
    CASE WHEN len(given_list) > 0 THEN given_list ELSE NULL END AS given_tokens,
    given_list[1] AS given_first,
    nullif(array_to_string(list_sort(given_list), ' '), '') AS given_sorted,
    family_name_original,
    given_names_original,
    birth_date,
    strftime(birth_date, '%Y-%m-%d') AS birth_ymd,
    strftime(birth_date, '%Y') AS birth_year,
    strftime(birth_date, '%m-%d') AS birth_month_day,
    CASE
        WHEN day(birth_date) <= 12 AND day(birth_date) <> month(birth_date)
        THEN printf('%04d-%02d-%02d', year(birth_date), day(birth_date), month(birth_date))
    END AS birth_swapped,
    sex,
    nullif(postcode, '') AS postcode,
    nullif(
        trim(regexp_replace(strip_accents(lower(coalesce(street, ''))), '[^a-z0-9]+', ' ', 'g')),
        ''
    ) AS street,
    nullif(lower(regexp_replace(coalesce(house_number, ''), '\\s', '', 'g')), '') AS house_number
FROM tokens
"""


def standardise(connection: duckdb.DuckDBPyConnection, claims: pa.Table) -> pa.Table:
    """One standardised row per claim (columns documented in docs/linkage.md)."""
    connection.register("claims", claims)
    try:
        return connection.sql(STANDARDISE_SQL).to_arrow_table()
    finally:
        connection.unregister("claims")
