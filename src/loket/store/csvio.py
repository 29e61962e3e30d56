"""Reading the CSV files of the contract and writing their rejects.

Files from Belgian Excel arrive with a BOM, `;` separators or Latin-1 (Windows-1252) bytes; all
are accepted. A bad row never stops a file: it goes to `<input>.rejects.csv` with its line
number and reason.
"""

import codecs
import csv
import hashlib
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Self

import pyarrow as pa

CHUNK_ROWS = 50_000


class CsvFormatError(ValueError):
    """The file as a whole cannot be read (no header, missing columns)."""


def file_encoding(path: Path) -> str:
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


def _header(path: Path, names: Sequence[str] | None, required: list[str]) -> list[str]:
    """The column names as compared (trimmed, lower case); CsvFormatError when the file is
    empty or a required column is missing."""
    if not names:
        raise CsvFormatError(f"{path.name}: the file is empty; a header row is required")
    header = [name.strip().lower() for name in names]
    missing = [column for column in required if column not in header]
    if missing:
        raise CsvFormatError(f"{path.name}: missing column(s) {', '.join(missing)}")
    return header


def read_rows(path: Path, required: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for each data row, streamed from the file; CsvFormatError when a
    required column is missing."""
    with path.open(encoding=file_encoding(path), errors="replace", newline="") as file:
        first_line = file.readline()
        file.seek(0)
        reader = csv.DictReader(file, delimiter=_delimiter(first_line))
        reader.fieldnames = _header(path, reader.fieldnames, required)
        for row in reader:
            line = reader.line_num
            if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
                continue
            yield line, {k: (v or "").strip() if isinstance(v, str) else "" for k, v in row.items()}


@dataclass
class RawColumns:
    """A file read column by column into Arrow string arrays (values stripped), the line each
    row starts on, and the rows that do not have as many fields as the header."""

    columns: dict[str, pa.ChunkedArray]
    lines: pa.ChunkedArray
    malformed: list[tuple[int, str, dict[str, str]]] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.lines) + len(self.malformed)


def _delimiter(first_line: str) -> str:
    return ";" if first_line.count(";") > first_line.count(",") else ","


class _ColumnChunks:
    """Rows gathered as Python strings a chunk at a time and then frozen into Arrow arrays,
    so that a million rows never live as fifteen million Python objects at once."""

    def __init__(self, width: int) -> None:
        self.chunks: list[list[pa.Array]] = [[] for _ in range(width)]
        self.line_chunks: list[pa.Array] = []
        self._start()

    def _start(self) -> None:
        self.values: list[list[str]] = [[] for _ in self.chunks]
        self.append = [column.append for column in self.values]
        self.lines: list[int] = []

    def freeze(self) -> None:
        for chunks, values in zip(self.chunks, self.values, strict=True):
            chunks.append(pa.array(values, pa.string()))
        self.line_chunks.append(pa.array(self.lines, pa.int64()))
        self._start()


def read_columns(
    path: Path, required: list[str], on_rows: Callable[[int], None] | None = None
) -> RawColumns:
    """Read a whole file into string columns, for checks done a column at a time (a million
    rows in seconds); CsvFormatError when a required column is missing."""
    with path.open(encoding=file_encoding(path), errors="replace", newline="") as file:
        first_line = file.readline()
        file.seek(0)
        reader = csv.reader(file, delimiter=_delimiter(first_line))
        names = _header(path, next(reader, None), required)
        gathered = _ColumnChunks(len(names))
        malformed: list[tuple[int, str, dict[str, str]]] = []
        width, rows = len(names), 0
        line = reader.line_num + 1
        for row in reader:
            if len(row) == width:
                gathered.lines.append(line)
                for append, value in zip(gathered.append, row, strict=True):
                    append(value.strip())
                rows += 1
                if rows % CHUNK_ROWS == 0:
                    gathered.freeze()
                    if on_rows is not None:
                        on_rows(rows)
            elif any(value.strip() for value in row):
                reason = f"the row has {len(row)} fields, the header {width}"
                malformed.append((line, reason, dict(zip(names, row, strict=False))))
            line = reader.line_num + 1
        gathered.freeze()
    columns = {
        name: pa.chunked_array(chunks, pa.string())
        for name, chunks in zip(names, gathered.chunks, strict=True)
    }
    return RawColumns(columns, pa.chunked_array(gathered.line_chunks, pa.int64()), malformed)


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, read a block at a time: what a run log records of the
    files that went in and came out."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def rejects_path(path: Path) -> Path:
    return (
        path.with_name(path.name + ".rejects.csv")
        if path.suffix != ".csv"
        else path.with_suffix(".rejects.csv")
    )


class LazyCsvFile:
    """A CSV file with a header row, created on the first row written: a clean input leaves
    no empty rejects or warnings file behind. An old file of the same name is removed."""

    def __init__(self, path: Path, header: list[str]) -> None:
        self.path = path
        self._header = header
        self._file: io.TextIOWrapper | None = None
        self._write: Callable[[list[object]], object] | None = None
        self.count = 0
        if self.path.exists():
            self.path.unlink()

    def write_row(self, values: list[object]) -> None:
        if self._write is None:
            self._file = self.path.open("w", encoding="utf-8", newline="")
            self._write = csv.writer(self._file).writerow
            self._write(list(self._header))
        self._write(values)
        self.count += 1

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        if self._file is not None:
            self._file.close()


class RejectsWriter(LazyCsvFile):
    """Writes `<input>.rejects.csv` (line, reason, then the row); created on the first reject."""

    def __init__(self, source: Path, columns: list[str]) -> None:
        super().__init__(rejects_path(source), ["line", "reason", *columns])
        self._columns = columns

    def write(self, line: int, reason: str, row: dict[str, str]) -> None:
        self.write_row([line, reason, *(row.get(c, "") for c in self._columns)])
