"""Small scores CSV + run log pairs as `loket control score` writes them, for the review tests."""

import csv
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from stdnum.be import vat

HEADER = [
    "dossier_id", "score", "rank", "explanation", "selected", "selection", "office_id",
    "region_refnis", "province_refnis", "arrondissement_refnis", "sector", "peer_level",
    "peer_area", "peer_count", "enterprise_number",
]  # fmt: skip
EXPLANATION = "Turnover per worker 61% below 40 bakeries in arrondissement Gent."


def enterprise_number(serial: int) -> str:
    """A valid Belgian enterprise number (check digits 97 - first eight digits mod 97)."""
    body = 2_000_000 + serial
    number = f"0{body:07d}{97 - body % 97:02d}"
    assert vat.is_valid(number), number
    return number


@dataclass(frozen=True)
class Row:
    dossier_id: str
    rank: int
    selection: str | None  # None: scored but not selected
    office_id: str = "fin-gent"
    explanation: str = EXPLANATION

    def values(self) -> list[str]:
        selected = self.selection is not None
        return [
            self.dossier_id, f"{1 / self.rank:.6f}", str(self.rank), self.explanation,
            "true" if selected else "false", self.selection or "", self.office_id,
            "02000", "40000", "44000", "10.71", "arrondissement", "44000", "40",
            enterprise_number(self.rank),
        ]  # fmt: skip


# Three risk selections, one random-sample draw, two dossiers not selected. Dossier ids sort
# in another order than the ranks, so that a queue by dossier id does not reveal the ranks.
ROWS = [
    Row("D-300", 1, "risk"),
    Row("D-100", 2, "risk", office_id="fin-antwerpen"),
    Row("D-200", 3, "risk"),
    Row("D-400", 4, None),
    Row("D-500", 5, None),
    Row("D-050", 6, "random-sample"),
]


def write_scores(
    directory: Path,
    rows: list[Row] = ROWS,
    *,
    run_id: str = "run-2026-11-29",
    name: str = "scores.csv",
    header: list[str] = HEADER,
    raw_lines: list[str] | None = None,
) -> Path:
    """Write `name` and its run log beside it; `raw_lines` replace the rows, as written."""
    path = directory / name
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        if raw_lines is None:
            writer.writerows(row.values()[: len(header)] for row in rows)
        else:
            file.writelines(line + "\r\n" for line in raw_lines)
    selected = [row for row in rows if row.selection is not None]
    log = {
        "run_id": run_id,
        "started_at": "2026-11-29T02:00:00+00:00",
        "finished_at": "2026-11-29T02:00:07+00:00",
        "input_file": "dossiers.csv",
        "input_sha256": "a" * 64,
        "output_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "model_version": "peer-ratios-1",
        "parameters": {"top": 3, "random_sample": 1},
        "indicators": ["markup", "turnover_per_worker"],
        "counts": {
            "rows": len(rows),
            "scored": len(rows),
            "rejected": 0,
            "selected": len(selected),
            "random_sample": sum(1 for row in selected if row.selection == "random-sample"),
        },
    }
    path.with_name(path.stem + ".run.json").write_text(json.dumps(log), encoding="utf-8")
    return path
