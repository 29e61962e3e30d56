"""Reading a control-dossiers file of the contract: every good row kept and typed, every bad
row in `<input>.rejects.csv` with its line number and the field at fault."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
from stdnum import exceptions as stdnum_errors
from stdnum.be import vat

from loket.control.geography import postcode_areas
from loket.control.register import refuse_protected_columns
from loket.control.sectors import SECTORS, sector_of
from loket.store.csvio import RawColumns, RejectsWriter, file_encoding, read_columns
from loket.store.halves import in_two_halves

DOSSIER_COLUMNS = [
    "dossier_id",
    "enterprise_number",
    "nace_code",
    "postcode",
    "employees",
    "turnover_eur",
    "purchases_eur",
    "wage_bill_eur",
    "floor_area_m2",
    "founded_year",
]
LABEL_COLUMNS = ["controlled", "adjustment_eur"]
EARLIEST_FOUNDING = 1800
MAX_TEXT = 100

DOSSIERS_SCHEMA = pa.schema(
    [
        ("line", pa.int64()),
        ("dossier_id", pa.string()),
        ("enterprise_number", pa.string()),
        ("nace_code", pa.string()),
        ("sector", pa.string()),
        ("postcode", pa.string()),
        ("employees", pa.int64()),
        ("turnover_eur", pa.float64()),
        ("purchases_eur", pa.float64()),
        ("wage_bill_eur", pa.float64()),
        ("floor_area_m2", pa.float64()),
        ("founded_year", pa.int64()),
        ("controlled", pa.bool_()),
        ("adjustment_eur", pa.float64()),
    ]
)


@dataclass
class DossiersRead:
    """The good rows (DOSSIERS_SCHEMA) and what happened to the others."""

    table: pa.Table
    rows: int
    rejected: int
    encoding: str
    rejects_file: str | None
    labelled: bool

    def summary(self) -> dict[str, object]:
        return {
            "rows": self.rows,
            "kept": self.table.num_rows,
            "rejected": self.rejected,
            "encoding": self.encoding,
            "rejects_file": self.rejects_file,
            "labelled": self.labelled,
        }


def _amount(name: str) -> str:
    """A typed amount: Belgian decimal commas accepted, thousands separators not guessed."""
    return f"try_cast(replace({name}, ',', '.') AS DOUBLE)"


CHECK_SQL = f"""
WITH typed AS (
    SELECT *,
        CASE WHEN regexp_full_match(employees, '-?\\d{{1,7}}') THEN employees::BIGINT END
            AS employees_n,
        {_amount("turnover_eur")} AS turnover_n,
        {_amount("purchases_eur")} AS purchases_n,
        {_amount("wage_bill_eur")} AS wage_bill_n,
        {_amount("floor_area_m2")} AS floor_area_n,
        CASE WHEN regexp_full_match(founded_year, '\\d{{4}}') THEN founded_year::BIGINT END
            AS founded_n,
        {_amount("adjustment_eur")} AS adjustment_n,
        CASE WHEN lower(controlled) IN ('true', '1', 'yes', 'ja', 'oui', 'y') THEN true
             WHEN lower(controlled) IN ('false', '0', 'no', 'nee', 'non', 'n') THEN false
        END AS controlled_b
    FROM raw
),
checked AS (
    SELECT *,
        CASE
            WHEN dossier_id = '' THEN 'dossier_id: empty; every dossier needs its own id'
            WHEN length(dossier_id) > {MAX_TEXT}
                THEN 'dossier_id: longer than {MAX_TEXT} characters'
            WHEN enterprise_reason IS NOT NULL THEN enterprise_reason
            WHEN sector IS NULL
                THEN concat('nace_code: ''', nace_code, ''' is not a NACE-BEL class in the ',
                            'sector register')
            WHEN postcode NOT IN (SELECT postcode FROM areas)
                THEN concat('postcode: ''', postcode, ''' is not a Belgian postal code')
            WHEN employees_n IS NULL
                THEN concat('employees: ''', employees, ''' is not a whole number')
            WHEN employees_n < 0 THEN concat('employees: ', employees_n, ' is negative')
            WHEN turnover_n IS NULL OR isnan(turnover_n) OR isinf(turnover_n)
                THEN concat('turnover_eur: ''', turnover_eur, ''' is not a number')
            WHEN turnover_n <= 0
                THEN concat('turnover_eur: ', turnover_eur, ' must be more than zero')
            WHEN purchases_n IS NULL OR isnan(purchases_n) OR isinf(purchases_n)
                THEN concat('purchases_eur: ''', purchases_eur, ''' is not a number')
            WHEN purchases_n <= 0
                THEN concat('purchases_eur: ', purchases_eur, ' must be more than zero')
            WHEN wage_bill_eur <> ''
                 AND (wage_bill_n IS NULL OR isnan(wage_bill_n) OR isinf(wage_bill_n))
                THEN concat('wage_bill_eur: ''', wage_bill_eur, ''' is not a number')
            WHEN wage_bill_n < 0 THEN concat('wage_bill_eur: ', wage_bill_eur, ' is negative')
            WHEN employees_n > 0 AND coalesce(wage_bill_n, 0) = 0
                THEN concat('wage_bill_eur: must be more than zero for ', employees_n,
                            ' employees')
            WHEN floor_area_m2 <> ''
                 AND (floor_area_n IS NULL OR isnan(floor_area_n) OR isinf(floor_area_n))
                THEN concat('floor_area_m2: ''', floor_area_m2, ''' is not a number')
            WHEN floor_area_n <= 0
                THEN concat('floor_area_m2: ', floor_area_m2, ' must be more than zero or empty')
            WHEN founded_n IS NULL
                THEN concat('founded_year: ''', founded_year, ''' is not a year')
            WHEN founded_n < {EARLIEST_FOUNDING} OR founded_n > $this_year
                THEN concat('founded_year: ', founded_n, ' is not between {EARLIEST_FOUNDING}',
                            ' and ', $this_year)
            WHEN controlled <> '' AND controlled_b IS NULL
                THEN concat('controlled: ''', controlled, ''' is not true or false')
            WHEN adjustment_eur <> ''
                 AND (adjustment_n IS NULL OR isnan(adjustment_n) OR isinf(adjustment_n))
                THEN concat('adjustment_eur: ''', adjustment_eur, ''' is not a number')
            WHEN adjustment_n < 0
                THEN concat('adjustment_eur: ', adjustment_eur, ' is negative')
        END AS reason
    FROM typed
)
SELECT *, min(line) FILTER (WHERE reason IS NULL) OVER (PARTITION BY dossier_id) AS first_line
FROM checked
"""

GOOD_SQL = """
SELECT line, dossier_id, enterprise AS enterprise_number, nace_code, sector, postcode,
       employees_n AS employees, turnover_n AS turnover_eur, purchases_n AS purchases_eur,
       CASE WHEN wage_bill_n > 0 THEN wage_bill_n END AS wage_bill_eur,
       floor_area_n AS floor_area_m2, founded_n AS founded_year,
       CASE WHEN $labelled THEN coalesce(controlled_b, false) END AS controlled,
       CASE WHEN $labelled AND coalesce(controlled_b, false)
            THEN coalesce(adjustment_n, 0) END AS adjustment_eur
FROM checked WHERE reason IS NULL AND line = first_line ORDER BY line
"""


def _verdicts(values: list[str]) -> list[tuple[str | None, str | None]]:
    """stdnum's verdict on each enterprise number: (compact number, reason when invalid)."""
    verdicts: list[tuple[str | None, str | None]] = []
    for value in values:
        try:
            verdicts.append((vat.validate(value), None))
        except stdnum_errors.ValidationError as error:
            reason = str(error).lower().rstrip(".")
            shown = value if value else "(empty)"
            verdicts.append(
                (
                    None,
                    f"enterprise_number: '{shown}' is not a valid Belgian enterprise number "
                    f"({reason})",
                )
            )
    return verdicts


def _enterprise_numbers(values: pa.ChunkedArray) -> tuple[list[str | None], list[str | None]]:
    """(compact numbers, reasons), in two processes for a large file."""
    verdicts = in_two_halves(_verdicts, values.to_pylist())
    return [number for number, _ in verdicts], [reason for _, reason in verdicts]


def _sectors(codes: pa.ChunkedArray) -> list[str | None]:
    """The registered sector of each NACE code, looked up once per distinct code."""
    values = codes.to_pylist()
    known = {code: sector_of(code) for code in set(values)}
    return [known[code] for code in values]


def _check(raw: RawColumns, this_year: int) -> tuple[pa.Table, pa.Table, bool]:
    labelled = "controlled" in raw.columns
    empty = pa.chunked_array([pa.array([""] * len(raw.lines), pa.string())])
    names = DOSSIER_COLUMNS + LABEL_COLUMNS
    columns = {name: raw.columns.get(name, empty) for name in names}
    enterprise, enterprise_reason = _enterprise_numbers(columns["enterprise_number"])
    sectors = _sectors(columns["nace_code"])
    table = pa.table(
        {"line": raw.lines}
        | columns
        | {
            "enterprise": pa.array(enterprise, pa.string()),
            "enterprise_reason": pa.array(enterprise_reason, pa.string()),
            "sector": pa.array(sectors, pa.string()),
        }
    )
    with duckdb.connect() as connection:
        connection.register("raw", table)
        connection.register("areas", postcode_areas().select(["postcode"]))
        connection.execute(
            "CREATE TEMP TABLE checked AS " + CHECK_SQL.replace("$this_year", str(this_year))
        )
        bad = connection.sql(
            f"""SELECT line, coalesce(reason, concat('dossier_id: ''', dossier_id,
                       ''' already used on line ', first_line)) AS reason,
                       {", ".join(names)}
                FROM checked WHERE reason IS NOT NULL OR line > first_line ORDER BY line"""
        ).to_arrow_table()
        good = connection.sql(GOOD_SQL.replace("$labelled", str(labelled).lower()))
        good_table = good.to_arrow_table()
    return good_table.cast(DOSSIERS_SCHEMA), bad, labelled


def read_dossiers(
    path: Path,
    *,
    this_year: int | None = None,
    on_rows: Callable[[int], None] | None = None,
) -> DossiersRead:
    """Read and check a control-dossiers file: the good rows typed, each bad row in the
    rejects file with the first field at fault. A file carrying a protected attribute
    (nationality, sex, names …) is refused whole: such data must not reach scoring."""
    raw = read_columns(path, DOSSIER_COLUMNS, on_rows)
    refuse_protected_columns(raw.columns)
    good, bad, labelled = _check(raw, this_year or date.today().year)
    names = DOSSIER_COLUMNS + LABEL_COLUMNS if labelled else DOSSIER_COLUMNS
    rejects_list = [
        (row["line"], row["reason"], {c: row[c] for c in names}) for row in bad.to_pylist()
    ]
    with RejectsWriter(path, names) as rejects:
        for line, reason, row in sorted([*raw.malformed, *rejects_list], key=lambda r: r[0]):
            rejects.write(line, reason, row)
    return DossiersRead(
        table=good,
        rows=raw.rows,
        rejected=rejects.count,
        encoding=file_encoding(path),
        rejects_file=str(rejects.path) if rejects.count else None,
        labelled=labelled,
    )


def known_sectors() -> list[str]:
    return sorted(SECTORS)
