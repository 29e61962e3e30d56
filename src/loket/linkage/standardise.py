"""Standardise claims the way Belgian names are written, before any comparison.

`Van den Broeck`, `VANDENBROECK` and `vanden Broeck` become `vandenbroeck` (and the core
`broeck`); `Lefèvre` becomes `lefevre`; `Jean-Pierre Marie` becomes the tokens
`jean pierre marie`, also sorted so that swapped given names still agree, and compact
(`jeanpierremarie`) so that a hyphenated name written in the other field still compares. Runs
in DuckDB, so a million claims take seconds; the result feeds the DuckDB or the Spark engine
alike.

An INSZ or BIS number starts with its holder's birth date (YYMMDD; a BIS number adds 20 or 40
to the month, and 00 stands for an unknown month or day). `insz_birth_agrees` is true when a
number's date is the claim's birth date, allowing one slip (one digit, or day and month
swapped); false when it differs by more (the number is then most likely a family member's,
copied by mistake); null when either date is unknown.
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
    -- Without a birth date no birth-date key can find the claim's pair; this one, filled
    -- only then, is compared with the other claim's `family_prefix || ' ' || given_first`.
    CASE WHEN birth_date IS NULL THEN nullif(left(family_compact, 3), '') || ' ' || given_list[1]
    END AS name_key_without_birth,
    CASE WHEN len(given_list) > 0 THEN given_list ELSE NULL END AS given_tokens,
    given_list[1] AS given_first,
    nullif(array_to_string(given_list, ''), '') AS given_compact,
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

# The number's date (YYMMDD, a BIS month brought back to 1-12) against the claim's birth date.
WITH_INSZ_BIRTH_SQL = f"""
WITH standardised AS ({STANDARDISE_SQL}),
dated AS (
    SELECT
        *,
        substr(insz, 1, 2) AS insz_yy,
        printf('%02d', TRY_CAST(substr(insz, 3, 2) AS INTEGER) % 20) AS insz_mm,
        substr(insz, 5, 2) AS insz_dd
    FROM standardised
)
SELECT
    * EXCLUDE (insz_yy, insz_mm, insz_dd),
    CASE WHEN insz_mm <> '00' AND insz_dd <> '00' THEN
        damerau_levenshtein(insz_yy || insz_mm || insz_dd, strftime(birth_date, '%y%m%d')) <= 1
        OR insz_yy || insz_dd || insz_mm = strftime(birth_date, '%y%m%d')
    END AS insz_birth_agrees
FROM dated
"""


def standardise(connection: duckdb.DuckDBPyConnection, claims: pa.Table) -> pa.Table:
    """One standardised row per claim (columns documented in docs/linkage.md)."""
    connection.register("claims", claims)
    try:
        return connection.sql(WITH_INSZ_BIRTH_SQL).to_arrow_table()
    finally:
        connection.unregister("claims")
