"""Reading a claims file of the contract: every good row kept, every bad row explained.

A row that cannot be a claim (no id, unknown OCMW, impossible period, duplicate id) goes to
`<input>.rejects.csv`. A row whose evidence is doubtful (missing or mistyped INSZ, impossible
birth date) is kept and linked on what remains, and named in `<input>.warnings.csv`: a
mistyped INSZ is evidence, not a veto.
"""

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

import belgica
import duckdb
import pyarrow as pa
from stdnum.be import bis, nn

from loket.store.csvio import (
    LazyCsvFile,
    RawColumns,
    RejectsWriter,
    file_encoding,
    read_columns,
)
from loket.store.halves import in_two_halves

CLAIM_COLUMNS = [
    "claim_id",
    "ocmw_refnis",
    "insz",
    "family_name",
    "given_names",
    "birth_date",
    "sex",
    "street",
    "house_number",
    "postcode",
    "start_date",
    "end_date",
    "monthly_amount_eur",
    "category",
]
REQUIRED_COLUMNS = ["claim_id", "ocmw_refnis", "family_name", "start_date"]
MAX_TEXT = 200
EARLIEST_BIRTH = date(1890, 1, 1)
INSZ_MISSING = "missing: linked on name and birth date"

CLAIMS_SCHEMA = pa.schema(
    [
        ("line", pa.int64()),
        ("claim_id", pa.string()),
        ("ocmw_refnis", pa.string()),
        ("insz", pa.string()),
        ("insz_valid", pa.bool_()),
        ("family_name", pa.string()),
        ("given_names", pa.string()),
        ("birth_date", pa.date32()),
        ("sex", pa.string()),
        ("street", pa.string()),
        ("house_number", pa.string()),
        ("postcode", pa.string()),
        ("start_date", pa.date32()),
        ("end_date", pa.date32()),
        ("monthly_amount_eur", pa.float64()),
        ("category", pa.string()),
    ]
)


@cache
def known_ocmw_codes() -> frozenset[str]:
    """The REFNIS codes of Belgium's municipalities, each with its own OCMW/CPAS."""
    return frozenset(str(record["id"]) for record in belgica.municipalities())


@dataclass
class ClaimsRead:
    """The good rows as an Arrow table (CLAIMS_SCHEMA) and what happened to the others."""

    table: pa.Table
    rows: int = 0
    rejected: int = 0
    warnings: int = 0
    encoding: str = "utf-8"
    rejects_file: str | None = None
    warnings_file: str | None = None
    warning_counts: dict[str, int] = field(default_factory=dict)

    def summary(self) -> dict[str, object]:
        result = asdict(self)
        del result["table"]
        result["kept"] = self.table.num_rows
        return result


def warnings_path(path: Path) -> Path:
    return path.with_name(path.stem + ".warnings.csv")


class WarningsWriter(LazyCsvFile):
    """Writes `<input>.warnings.csv` (line, claim_id, field, message); created on first use."""

    def __init__(self, source: Path) -> None:
        super().__init__(warnings_path(source), ["line", "claim_id", "field", "message"])
        self.by_kind: dict[str, int] = {}

    def write(self, line: int, claim_id: str, field_name: str, kind: str, message: str) -> None:
        self.write_row([line, claim_id, field_name, message])
        self.by_kind[kind] = self.by_kind.get(kind, 0) + 1


CHECK_SQL = """
WITH typed AS (
    SELECT
        *,
        CASE WHEN regexp_full_match(start_date, '\\d{4}-\\d{2}-\\d{2}')
             THEN try_cast(start_date AS DATE) END AS start_day,
        CASE WHEN regexp_full_match(end_date, '\\d{4}-\\d{2}-\\d{2}')
             THEN try_cast(end_date AS DATE) END AS end_day,
        CASE WHEN regexp_full_match(birth_date, '\\d{4}-\\d{2}-\\d{2}')
             THEN try_cast(birth_date AS DATE) END AS birth_day,
        regexp_replace(insz, '[\\s./-]', '', 'g') AS insz_digits,
        try_cast(replace(monthly_amount_eur, ',', '.') AS DOUBLE) AS amount,
        CASE WHEN lower(sex) IN ('m', 'h', 'man', 'male', 'homme') THEN 'm'
             WHEN lower(sex) IN ('f', 'v', 'vrouw', 'female', 'femme') THEN 'f'
        END AS sex_code
    FROM raw
    WHERE @@NOT_BLANK@@ <> ''
),
checked AS (
    SELECT
        *,
        CASE
            WHEN claim_id = '' THEN 'claim_id: empty; every claim needs its own id'
            WHEN ocmw_refnis NOT IN (SELECT refnis FROM ocmw)
                THEN concat('ocmw_refnis: ''', ocmw_refnis,
                            ''' is not the REFNIS code of an OCMW')
            WHEN family_name = '' THEN 'family_name: empty'
            WHEN start_day IS NULL
                THEN concat('start_date: ''', start_date, ''' is not a date as YYYY-MM-DD')
            WHEN end_date <> '' AND end_day IS NULL
                THEN concat('end_date: ''', end_date, ''' is not a date as YYYY-MM-DD')
            WHEN end_day < start_day
                THEN concat('end_date: ', end_day, ' is before start_date ', start_day)
            @@LENGTHS@@
        END AS reason
    FROM typed
)
SELECT
    *,
    min(line) FILTER (WHERE reason IS NULL) OVER (PARTITION BY claim_id) AS first_line
FROM checked
"""

# The good rows, typed; an INSZ is kept when it has the shape of one (stdnum then decides
# whether its checksum holds), a birth date when it is possible.
GOOD_SQL = """
SELECT
    line,
    claim_id,
    ocmw_refnis,
    CASE WHEN insz_shaped THEN insz_digits END AS insz,
    family_name,
    given_names,
    CASE WHEN birth_possible THEN birth_day END AS birth_date,
    sex_code AS sex,
    street,
    house_number,
    postcode,
    start_day AS start_date,
    end_day AS end_date,
    CASE WHEN amount >= 0 AND NOT isnan(amount) THEN amount END AS monthly_amount_eur,
    category,
    insz_text,
    birth_text,
    sex_text,
    amount_text
FROM (
    SELECT
        *,
        insz AS insz_text,
        birth_date AS birth_text,
        sex AS sex_text,
        monthly_amount_eur AS amount_text,
        regexp_full_match(insz_digits, '\\d{11}') AND NOT regexp_matches(insz, '[A-Za-z]')
            AS insz_shaped,
        birth_day BETWEEN DATE '1890-01-01' AND $today AS birth_possible
    FROM checked
    WHERE reason IS NULL AND line = first_line
)
ORDER BY line
"""

# Doubtful evidence of kept rows, one warning per field: (line, claim_id, field, kind, message).
WARNINGS_SQL = """
SELECT line, claim_id, field, kind, message FROM (
    SELECT line, claim_id, 'insz' AS field, 'insz-missing' AS kind,
           'missing: linked on name and birth date' AS message
    FROM good WHERE insz_text = ''
    UNION ALL
    SELECT line, claim_id, 'insz', 'insz-invalid',
           concat('''', insz_text, ''' is not an 11-digit number: linked without it')
    FROM good WHERE insz_text <> '' AND insz IS NULL
    UNION ALL
    SELECT line, claim_id, 'insz', 'insz-invalid',
           concat('''', insz_text, ''' fails the INSZ/BIS checksum: compared with tolerance')
    FROM good WHERE insz IS NOT NULL AND NOT insz_valid
    UNION ALL
    SELECT line, claim_id, 'birth_date', 'birth-date-invalid',
           concat('''', birth_text, ''' is not a possible birth date: linked without it')
    FROM good WHERE birth_text <> '' AND birth_date IS NULL
    UNION ALL
    SELECT line, claim_id, 'sex', 'sex-unknown', concat('''', sex_text, ''' is not m or f: ignored')
    FROM good WHERE sex_text <> '' AND lower(sex_text) <> 'x' AND sex IS NULL
    UNION ALL
    SELECT line, claim_id, 'monthly_amount_eur', 'amount-invalid',
           concat('''', amount_text, ''' is not an amount: left empty')
    FROM good WHERE amount_text <> '' AND monthly_amount_eur IS NULL
)
ORDER BY line, field
"""

TEXT_COLUMNS = ["claim_id", "family_name", "given_names", "street", "house_number", "postcode"]
TEXT_COLUMNS += ["category"]


def _check_sql(columns: list[str]) -> str:
    """The SQL that types every row and names the first reason it cannot be a claim."""
    lengths = "\n".join(
        f"            WHEN length({name}) > {MAX_TEXT}"
        f" THEN '{name}: longer than {MAX_TEXT} characters'"
        for name in TEXT_COLUMNS
    )
    not_blank = " || ".join(columns)
    return CHECK_SQL.replace("@@LENGTHS@@", lengths).replace("@@NOT_BLANK@@", not_blank)


def _valid_numbers(numbers: list[str]) -> list[bool]:
    """stdnum's verdict (INSZ or BIS number) for each 11-digit number."""
    return [nn.is_valid(number) or bis.is_valid(number) for number in numbers]


@dataclass
class _Checked:
    good: pa.Table
    rejects: list[tuple[int, str, dict[str, str]]]
    warnings: list[tuple[int, str, str, str, str]]


def _check(raw: RawColumns, today: date) -> _Checked:
    """Reject what cannot be a claim, type the rest, and name its doubtful evidence."""
    empty = pa.chunked_array([pa.array([""] * len(raw.lines), pa.string())])
    columns = {name: raw.columns.get(name, empty) for name in CLAIM_COLUMNS}
    table = pa.table({"line": raw.lines} | columns)
    del columns
    with duckdb.connect() as connection:
        connection.register("raw", table)
        connection.register("ocmw", pa.table({"refnis": sorted(known_ocmw_codes())}))
        connection.execute(f"CREATE TEMP TABLE checked AS {_check_sql(CLAIM_COLUMNS)}")
        connection.unregister("raw")
        del table
        bad = connection.sql(
            f"""SELECT line, coalesce(reason, concat('claim_id: ''', claim_id,
                       ''' already used on line ', first_line)) AS reason,
                       {", ".join(CLAIM_COLUMNS)}
                FROM checked WHERE reason IS NOT NULL OR line > first_line
                ORDER BY line"""
        ).to_arrow_table()
        good_sql = GOOD_SQL.replace("$today", f"DATE '{today.isoformat()}'")
        connection.execute(f"CREATE TEMP TABLE shaped AS {good_sql}")
        connection.execute("DROP TABLE checked")
        numbers = [n for (n,) in connection.sql("SELECT DISTINCT insz FROM shaped").fetchall()]
        numbers = [n for n in numbers if n is not None]
        verdicts = pa.table(
            {
                "number": pa.array(numbers, pa.string()),
                "valid": in_two_halves(_valid_numbers, numbers),
            }
        )
        connection.register("verdicts", verdicts)
        good = connection.sql(
            """SELECT shaped.*, coalesce(verdicts.valid, false) AS insz_valid
               FROM shaped LEFT JOIN verdicts ON verdicts.number = shaped.insz
               ORDER BY line"""
        ).to_arrow_table()
        connection.register("good", good)
        warnings = connection.sql(WARNINGS_SQL).fetchall()
    rejects = [
        (row["line"], row["reason"], {c: row[c] for c in CLAIM_COLUMNS}) for row in bad.to_pylist()
    ]
    rejects = sorted([*raw.malformed, *rejects], key=lambda reject: reject[0])
    return _Checked(good.select(CLAIMS_SCHEMA.names).cast(CLAIMS_SCHEMA), rejects, warnings)


def read_claims(
    path: Path,
    *,
    today: date | None = None,
    on_rows: Callable[[int], None] | None = None,
) -> ClaimsRead:
    """Read and check a claims file: the good rows as a table, the bad ones in the rejects
    file, doubtful evidence in the warnings file. A duplicate claim id keeps its first good
    row. `on_rows(n)` reports progress while the file is read."""
    raw = read_columns(path, REQUIRED_COLUMNS, on_rows)
    checked = _check(raw, today or date.today())
    with RejectsWriter(path, CLAIM_COLUMNS) as rejects:
        for line, reason, row in checked.rejects:
            rejects.write(line, reason, row)
    with WarningsWriter(path) as warn:
        for line, claim_id, field_name, kind, message in checked.warnings:
            warn.write(line, claim_id, field_name, kind, message)
    return ClaimsRead(
        table=checked.good,
        rows=raw.rows,
        rejected=rejects.count,
        warnings=warn.count,
        encoding=file_encoding(path),
        rejects_file=str(rejects.path) if rejects.count else None,
        warnings_file=str(warn.path) if warn.count else None,
        warning_counts=dict(warn.by_kind),
    )
