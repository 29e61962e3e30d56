"""Reading a scoring run's output for review: the selected rows of the scores CSV and the run log
(`<out>.run.json`) beside it, checked against each other before anything is stored."""

import json
import math
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

from stdnum.be import vat
from stdnum.exceptions import ValidationError

from loket.control.model import ModelSelection
from loket.store.csvio import CsvFormatError, file_sha256, read_rows

REQUIRED_COLUMNS = [
    "dossier_id",
    "score",
    "rank",
    "explanation",
    "selected",
    "selection",
    "office_id",
]
RUN_LOG_KEYS = (
    "run_id",
    "finished_at",
    "input_file",
    "input_sha256",
    "output_sha256",
    "model_version",
    "parameters",
    "counts",
)
RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")
SHA256 = re.compile(r"^[0-9a-f]{64}$")
_BOOLEANS = {"true": True, "false": False}


class SelectionFileError(ValueError):
    """The scores file or its run log cannot be loaded; the message names the file and line."""


@dataclass(frozen=True)
class RunLog:
    run_id: str
    finished_at: datetime
    input_file: str
    input_sha256: str
    output_sha256: str
    model_version: str
    parameters: dict[str, Any]
    counts: dict[str, Any]


@dataclass(frozen=True)
class SelectedRow:
    line: int
    dossier_id: str
    enterprise_number: str | None
    office_id: str
    sector: str | None
    rank: int
    score: float
    selection: ModelSelection
    explanation: str


def run_log_path(scores_csv: Path) -> Path:
    """`scores.run.json` beside `scores.csv`; `scores.csv.run.json` is accepted as well."""
    beside = scores_csv.with_name(scores_csv.stem + ".run.json")
    if beside.exists():
        return beside
    appended = scores_csv.with_name(scores_csv.name + ".run.json")
    return appended if appended.exists() else beside


def read_run_log(scores_csv: Path) -> RunLog:
    """The run log beside `scores_csv`, which must describe exactly this file: its
    `output_sha256` is compared with the file, so an edited selection is refused."""
    path = run_log_path(scores_csv)
    if not path.exists():
        raise SelectionFileError(f"{scores_csv.name}: no run log {path.name} beside it")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SelectionFileError(f"{path.name}: not a JSON run log ({error})") from None
    if not isinstance(data, dict):
        raise SelectionFileError(f"{path.name}: a run log is a JSON object")
    missing = [key for key in RUN_LOG_KEYS if key not in data]
    if missing:
        raise SelectionFileError(f"{path.name}: missing field(s) {', '.join(missing)}")
    run_id = str(data["run_id"])
    if not RUN_ID.match(run_id):
        raise SelectionFileError(
            f"{path.name}: run_id {run_id!r} must be 1-64 letters, digits or . _ : -"
        )
    for key in ("input_sha256", "output_sha256"):
        if not SHA256.match(str(data[key])):
            raise SelectionFileError(f"{path.name}: {key} is not a SHA-256 hex digest")
    for key in ("parameters", "counts"):
        if not isinstance(data[key], dict):
            raise SelectionFileError(f"{path.name}: {key} must be a JSON object")
    try:
        finished_at = datetime.fromisoformat(str(data["finished_at"]))
    except ValueError:
        raise SelectionFileError(f"{path.name}: finished_at is not an ISO date and time") from None
    if finished_at.tzinfo is not None:
        # Stored as local time without zone, like every other moment in the database.
        finished_at = finished_at.astimezone().replace(tzinfo=None)
    actual = file_sha256(scores_csv)
    if actual != data["output_sha256"]:
        raise SelectionFileError(
            f"{scores_csv.name}: its SHA-256 {actual} differs from output_sha256 in "
            f"{path.name}; the file was changed after the run, or belongs to another run"
        )
    return RunLog(
        run_id=run_id,
        finished_at=finished_at,
        input_file=Path(str(data["input_file"])).name,
        input_sha256=str(data["input_sha256"]),
        output_sha256=actual,
        model_version=str(data["model_version"]),
        parameters=data["parameters"],
        counts=data["counts"],
    )


def read_selected_rows(scores_csv: Path) -> list[SelectedRow]:
    """The rows with `selected` true, in file order.

    The file is the scoring's own output, checked by its digest, so a bad row stops the whole
    load: a selection stored without one of its dossiers would be a different selection."""
    rows: list[SelectedRow] = []
    seen: dict[str, int] = {}
    try:
        for line, row in read_rows(scores_csv, REQUIRED_COLUMNS):
            selected = _BOOLEANS.get(row["selected"].lower())
            if selected is None:
                _fail(scores_csv, line, f"selected {row['selected']!r} is not true or false")
            if not selected:
                continue
            parsed = _selected_row(scores_csv, line, row)
            if parsed.dossier_id in seen:
                _fail(
                    scores_csv,
                    line,
                    f"dossier_id {parsed.dossier_id!r} is selected twice "
                    f"(first on line {seen[parsed.dossier_id]})",
                )
            seen[parsed.dossier_id] = line
            rows.append(parsed)
    except CsvFormatError as error:
        raise SelectionFileError(str(error)) from None
    return rows


def _selected_row(path: Path, line: int, row: dict[str, str]) -> SelectedRow:
    dossier_id = row["dossier_id"]
    if not 1 <= len(dossier_id) <= 64:
        _fail(path, line, "dossier_id must be 1 to 64 characters")
    try:
        selection = ModelSelection(row["selection"])
    except ValueError:
        choices = ", ".join(s.value for s in ModelSelection)
        _fail(path, line, f"selection {row['selection']!r} is not one of {choices}")
    try:
        score = float(row["score"])
    except ValueError:
        score = math.nan
    if not math.isfinite(score):
        _fail(path, line, f"score {row['score']!r} is not a number")
    rank = int(row["rank"]) if row["rank"].isdigit() else 0
    if rank < 1:
        _fail(path, line, f"rank {row['rank']!r} is not a whole number from 1")
    office_id = row["office_id"]
    if not 1 <= len(office_id) <= 64:
        _fail(path, line, "office_id must be 1 to 64 characters")
    sector = row.get("sector") or None
    if sector is not None and len(sector) > 8:
        _fail(path, line, f"sector {sector!r} is not a NACE class like 10.71")
    return SelectedRow(
        line=line,
        dossier_id=dossier_id,
        enterprise_number=_enterprise_number(path, line, row.get("enterprise_number", "")),
        office_id=office_id,
        sector=sector,
        rank=rank,
        score=score,
        selection=selection,
        explanation=row["explanation"],
    )


def _enterprise_number(path: Path, line: int, value: str) -> str | None:
    if not value:
        return None
    try:
        return str(vat.validate(value))
    except ValidationError:
        _fail(path, line, f"enterprise_number {value!r} is not a valid Belgian enterprise number")


def _fail(path: Path, line: int, reason: str) -> NoReturn:
    raise SelectionFileError(f"{path.name} line {line}: {reason}")
