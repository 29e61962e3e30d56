"""Reading the CSV files of the contract and writing their rejects.

Files from Belgian Excel arrive with a BOM, `;` separators or Latin-1 (Windows-1252) bytes; all
are accepted. A bad row never stops a file: it goes to `<input>.rejects.csv` with its line
number and reason.
"""

import codecs
import csv
import io
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType


class CsvFormatError(ValueError):
    """The file as a whole cannot be read (no header, missing columns)."""


def _encoding(path: Path) -> str:
    """utf-8-sig when the whole file is UTF-8, else cp1252; checked a block at a time, so that
    a file of a million rows is never held in memory as a whole."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    with path.open("rb") as file:
        try:
            for block in iter(lambda: file.read(1 << 20), b""):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8-sig"


def read_rows(path: Path, required: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for each data row, streamed from the file; CsvFormatError when a
    required column is missing."""
    with path.open(encoding=_encoding(path), errors="replace", newline="") as file:
        first_line = file.readline()
        file.seek(0)
        delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
        reader = csv.DictReader(file, delimiter=delimiter)
        if reader.fieldnames is None:
            raise CsvFormatError(f"{path.name}: the file is empty; a header row is required")
        header = [name.strip().lower() for name in reader.fieldnames]
        reader.fieldnames = header
        missing = [column for column in required if column not in header]
        if missing:
            raise CsvFormatError(f"{path.name}: missing column(s) {', '.join(missing)}")
        for row in reader:
            line = reader.line_num
            if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
                continue
            yield line, {k: (v or "").strip() if isinstance(v, str) else "" for k, v in row.items()}


def rejects_path(path: Path) -> Path:
    return (
        path.with_name(path.name + ".rejects.csv")
        if path.suffix != ".csv"
        else path.with_suffix(".rejects.csv")
    )


class RejectsWriter:
    """Writes `<input>.rejects.csv` (line, reason, then the row); created on the first reject."""

    def __init__(self, source: Path, columns: list[str]) -> None:
        self.path = rejects_path(source)
        self._columns = columns
        self._file: io.TextIOWrapper | None = None
        self._writer: csv.writer | None = None  # type: ignore[valid-type]
        self.count = 0
        if self.path.exists():
            self.path.unlink()

    def write(self, line: int, reason: str, row: dict[str, str]) -> None:
        if self._file is None:
            self._file = self.path.open("w", encoding="utf-8", newline="")
            self._writer = csv.writer(self._file)
            self._writer.writerow(["line", "reason", *self._columns])
        assert self._writer is not None
        self._writer.writerow([line, reason, *(row.get(c, "") for c in self._columns)])
        self.count += 1

    def __enter__(self) -> "RejectsWriter":
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        if self._file is not None:
            self._file.close()
