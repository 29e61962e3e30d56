"""A conflict: two claims of one person at two welfare centres whose periods overlap.

Written to the conflicts CSV of the contract; its id is derived from the two claim ids, so the
same pair keeps the same id from one run to the next and a person's decision stays with it.
"""

import csv
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

CONFLICT_COLUMNS = [
    "conflict_id",
    "claim_id_a",
    "claim_id_b",
    "ocmw_a",
    "ocmw_b",
    "match_probability",
    "overlap_start",
    "overlap_end",
    "overlap_days",
    "evidence",
    "cluster_id",
    "status",
]


def conflict_id_of(claim_id_a: str, claim_id_b: str) -> str:
    """The stable id of the pair, whatever the order the two claims are given in."""
    first, second = sorted((claim_id_a, claim_id_b))
    digest = hashlib.sha256(f"{first}\x1f{second}".encode()).hexdigest()
    return f"LC-{digest[:16]}"


@dataclass(frozen=True)
class Conflict:
    """claim_id_a < claim_id_b; overlap_end None while both claims are ongoing, and then
    overlap_days counts up to the day of the run."""

    claim_id_a: str
    claim_id_b: str
    ocmw_a: str
    ocmw_b: str
    match_probability: float
    overlap_start: date
    overlap_end: date | None
    overlap_days: int
    evidence: str
    cluster_id: str
    status: str = "conflict"  # or "needs-check": see loket.linkage.outcomes

    @property
    def conflict_id(self) -> str:
        return conflict_id_of(self.claim_id_a, self.claim_id_b)

    def as_row(self) -> list[str]:
        return [
            self.conflict_id,
            self.claim_id_a,
            self.claim_id_b,
            self.ocmw_a,
            self.ocmw_b,
            f"{self.match_probability:.4f}",
            self.overlap_start.isoformat(),
            self.overlap_end.isoformat() if self.overlap_end else "",
            str(self.overlap_days),
            self.evidence,
            self.cluster_id,
            self.status,
        ]


def write_conflicts(path: Path, conflicts: Iterable[Conflict]) -> int:
    """Write the conflicts CSV (UTF-8, header row); returns the number of conflicts written."""
    count = 0
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(CONFLICT_COLUMNS)
        for conflict in conflicts:
            writer.writerow(conflict.as_row())
            count += 1
    return count
