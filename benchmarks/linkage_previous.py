"""Helpers of bench_linkage_accuracy.py: the independent generator's data sets, loket's flagged
rows split by status, and the previous method (loket as of commit d83b7bb, before issue 14)
run from a temporary git worktree in a child process, so both can be compared on one data set.
"""

import json
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyarrow as pa

PREVIOUS_COMMIT = "d83b7bb"
REPO = Path(__file__).resolve().parent.parent
Pairs = set[tuple[str, str]]

# Runs in the child: the old detector through its public function, pairs out as JSON.
_CHILD = """
import json, sys, warnings
from datetime import date
from pathlib import Path
warnings.filterwarnings("ignore")
import loket
from loket.linkage.detect import DetectOptions, detect_conflicts
claims, out, threshold, as_of = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
options = DetectOptions(threshold=threshold, as_of=date.fromisoformat(as_of), save_model=False)
_summary, conflicts = detect_conflicts(Path(claims), Path(out), options)
print(json.dumps({
    "loket": loket.__file__,
    "rows": [[c.claim_id_a, c.claim_id_b, getattr(c, "status", "conflict")] for c in conflicts],
}))
"""


@contextmanager
def previous_worktree(commit: str = PREVIOUS_COMMIT) -> Iterator[Path]:
    """A detached worktree of `commit`, removed again afterwards (never committed)."""
    work = Path(tempfile.mkdtemp(prefix="loket-previous-"))
    tree = work / "tree"
    subprocess.run(
        ["git", "-C", str(REPO), "worktree", "add", "--detach", str(tree), commit],
        check=True,
        capture_output=True,
    )
    try:
        yield tree
    finally:
        subprocess.run(
            ["git", "-C", str(REPO), "worktree", "remove", "--force", str(tree)],
            check=False,
            capture_output=True,
        )
        subprocess.run(["git", "-C", str(REPO), "worktree", "prune"], check=False)


def previous_method_rows(
    tree: Path, claims: pa.Table, threshold: float, as_of: str
) -> list[tuple[str, str, str]]:
    """The old detector's (claim_id_a, claim_id_b, status) rows on `claims`."""
    from loket.demo.claims import write_table_csv

    with tempfile.TemporaryDirectory() as work:
        claims_path = Path(work) / "claims.csv"
        write_table_csv(claims_path, claims)
        done = subprocess.run(
            [
                sys.executable, "-c", _CHILD, str(claims_path), str(Path(work) / "out.csv"),
                str(threshold), as_of,
            ],
            env={"PYTHONPATH": str(tree / "src"), "PATH": "/usr/bin:/bin", "HOME": work},
            capture_output=True,
            text=True,
            check=False,
        )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr else "failed")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    if not str(result["loket"]).startswith(str(tree)):
        raise RuntimeError(f"the child imported loket from {result['loket']}, not the worktree")
    return [(a, b, s) for a, b, s in result["rows"]]


def status_scores(rows: list[tuple[str, str, str]], truth: Pairs) -> dict[str, Any]:
    """Precision among the `conflict` rows alone and the number of `needs-check` rows."""
    conflicts = {(a, b) for a, b, status in rows if status == "conflict"}
    needs_check = sum(1 for _a, _b, status in rows if status == "needs-check")
    hits = len(conflicts & truth)
    return {
        "conflict_rows": len(conflicts),
        "conflict_precision": round(hits / len(conflicts), 4) if conflicts else 0.0,
        "needs_check_rows": needs_check,
    }


def independent_sets(size: int, seed: int) -> list[tuple[str, pa.Table, pa.Table, bool]]:
    """(name, claims, truth, identifier) of the independent generator's three data sets: 5% of
    the claims without INSZ, 8% without, and none with one."""
    from loket.demo.claims_independent import generate_independent_claims

    made = []
    for label, missing in (("", 0.05), ("-8pct-missing", 0.08)):
        claims, truth = generate_independent_claims(size, seed, missing_insz=missing)
        made.append((f"independent-{size // 1000}k{label}", claims, truth, True))
    claims, truth = generate_independent_claims(size, seed, missing_insz=0.05)
    claims = claims.set_column(2, "insz", pa.nulls(claims.num_rows, pa.string()))
    made.append((f"independent-{size // 1000}k-no-insz", claims, truth, False))
    return made
