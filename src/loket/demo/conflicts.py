"""Demo double-claim conflicts, so that /staff/conflicts/ has pairs to review as soon as `loket
demo` is up: a few made-up claims at Gent's welfare centre and others, one of which only needs a
check. Stored as a detector run would store them; no claims file is read.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from loket.linkage.conflicts import Conflict
from loket.linkage.model import LinkageConflict, LinkageMode
from loket.linkage.service import RunMeta, record_run

GENT, ANTWERPEN, BRUSSEL, LEUVEN, CHARLEROI = "44021", "11002", "21004", "24062", "52011"
_EQUAL = "INSZ equal; birth date equal; family name equal; given names equal; sex equal"


@dataclass(frozen=True)
class _Pair:
    claim_a: str
    claim_b: str
    ocmw_a: str
    ocmw_b: str
    probability: float
    start: date
    end: date | None
    evidence: str
    finding: str = "conflict"


DEMO_PAIRS = (
    _Pair(
        "ANT-2026-0141", "GNT-2026-0093", ANTWERPEN, GENT, 0.998,
        date(2026, 3, 1), None, f"{_EQUAL}; different address (weak evidence)",
    ),
    _Pair(
        "GNT-2026-0118", "LEU-2026-0027", GENT, LEUVEN, 0.962,
        date(2026, 5, 1), date(2026, 7, 31),
        "INSZ one digit off or two digits swapped (85073003328 ~ 85073003382); birth date "
        "equal; family name equal without particles (Van den Broeck ~ VANDENBROECK); given "
        "names equal; sex equal; same postcode",
    ),
    _Pair(
        "BXL-2026-0311", "GNT-2026-0150", BRUSSEL, GENT, 0.71,
        date(2026, 6, 1), None,
        "INSZ missing on one claim; birth date equal; family name equal; first given name "
        "equal; sex equal; different address (weak evidence)",
        finding="needs-check",
    ),
    _Pair(
        "ANT-2026-0188", "CHA-2026-0042", ANTWERPEN, CHARLEROI, 0.991,
        date(2026, 2, 1), date(2026, 9, 30), f"{_EQUAL}; different address (weak evidence)",
    ),
)  # fmt: skip


def seed_demo_conflicts(session: Session, *, now: datetime | None = None) -> int:
    """Store the demo pairs as one detector run, unless conflicts are stored already; returns
    how many were stored now (0 when the database had conflicts)."""
    if session.scalar(select(func.count()).select_from(LinkageConflict)):
        return 0
    moment = now or datetime.now()
    conflicts = [
        Conflict(
            claim_id_a=pair.claim_a,
            claim_id_b=pair.claim_b,
            ocmw_a=pair.ocmw_a,
            ocmw_b=pair.ocmw_b,
            match_probability=pair.probability,
            overlap_start=pair.start,
            overlap_end=pair.end,
            overlap_days=((pair.end or moment.date()) - pair.start).days + 1,
            evidence=pair.evidence,
            cluster_id=f"demo-{index}",
            status=pair.finding,
        )
        for index, pair in enumerate(DEMO_PAIRS, start=1)
    ]
    meta = RunMeta(moment, moment, "demo", LinkageMode.CLEAR, 2 * len(conflicts), 0, 0.5)
    return record_run(session, meta, conflicts).new
