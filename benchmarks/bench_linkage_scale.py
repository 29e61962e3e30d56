"""How long concurrent-claim detection takes and how much memory it needs as the claims grow:
loket's pipeline against a plain Splink model, on generated Belgian claims.

Each case runs in a fresh process; its wall time is measured around the detection (reading
the claims file included), its peak memory is the child's maximum resident set size
(`getrusage(RUSAGE_CHILDREN)` in a measuring process that starts only that child). Median of
`--runs` runs.

    .venv/bin/python benchmarks/bench_linkage_scale.py [--sizes 10000,100000,1000000]
        [--runs 3] [--methods loket,splink] [--seed 1] [--json]
"""

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from child_runs import measure, measured  # benchmarks/ is on sys.path when a script runs
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

AS_OF = date(2026, 1, 1)

HERE = Path(__file__).resolve()


def run_case(method: str, claims_path: Path) -> dict[str, Any]:
    """Detect conflicts in this process; what was found and how long it took."""
    started = time.perf_counter()
    if method == "loket":
        from loket.linkage.detect import DetectOptions, detect_conflicts

        options = DetectOptions(as_of=AS_OF, save_model=False)
        out = claims_path.with_name(claims_path.stem + ".conflicts.csv")
        _summary, conflicts = detect_conflicts(claims_path, out, options)
        found = len(conflicts)
    elif method == "splink":
        import pyarrow as pa
        import pyarrow.csv as pacsv
        from bench_linkage_accuracy import _conflict_pairs, plain_splink_pairs

        from loket.demo.claims import CLAIM_COLUMNS

        types = {column: pa.string() for column in CLAIM_COLUMNS}
        claims = pacsv.read_csv(
            claims_path,
            convert_options=pacsv.ConvertOptions(column_types=types, strings_can_be_null=True),
        )
        pairs = plain_splink_pairs(claims, identifier=True)
        columns = claims.select(["claim_id", "ocmw_refnis", "start_date", "end_date"])
        found = len(_conflict_pairs(columns.to_pylist(), pairs))
    else:
        raise SystemExit(f"unknown method {method!r}")
    return {"seconds": time.perf_counter() - started, "conflicts": found}


def write_claims(size: int, seed: int, path: Path) -> None:
    """Generate the claims file in a child process (not measured)."""
    code = (
        "import sys; from pathlib import Path; from loket.demo.claims import write_claims_csv; "
        "write_claims_csv(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))"
    )
    subprocess.run([sys.executable, "-c", code, str(path), str(size), str(seed)], check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--methods", default="loket,splink")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--run-case", help=argparse.SUPPRESS)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--claims-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run_case:
        print(json.dumps(run_case(args.run_case, args.claims_file)))
        return 0
    if args.measure:
        print(json.dumps(measure(HERE, args.measure, "--claims-file", args.claims_file)))
        return 0

    sizes = [int(size) for size in args.sizes.split(",")]
    methods = args.methods.split(",")
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as work, Progress(console=Console(stderr=True)) as bar:
        task = bar.add_task("linkage scale", total=len(sizes) * (1 + len(methods) * args.runs))
        for size in sizes:
            claims_path = Path(work) / f"claims-{size}.csv"
            bar.update(task, description=f"generating {size:,} claims")
            write_claims(size, args.seed, claims_path)
            bar.advance(task)
            for method in methods:
                runs = []
                for run in range(args.runs):
                    bar.update(task, description=f"{method}, {size:,} claims, run {run + 1}")
                    runs.append(measured(HERE, method, "--claims-file", claims_path))
                    bar.advance(task)
                results.append(
                    {
                        "claims": size,
                        "method": method,
                        "runs": args.runs,
                        "seconds_median": round(statistics.median(r["seconds"] for r in runs), 1),
                        "seconds_runs": [round(r["seconds"], 1) for r in runs],
                        "peak_rss_mb_median": round(
                            statistics.median(r["peak_rss_mb"] for r in runs)
                        ),
                        "conflicts": runs[0]["conflicts"],
                    }
                )
    result = {
        "benchmark": "linkage-scale",
        "seed": args.seed,
        "python": sys.version.split()[0],
        "results": results,
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        table = Table(title="Concurrent-claim detection: time and memory")
        for column in ("claims", "method", "seconds (median)", "peak RSS MB", "conflicts"):
            table.add_column(column, justify="left" if column == "method" else "right")
        for r in results:
            table.add_row(
                f"{r['claims']:,}",
                r["method"],
                str(r["seconds_median"]),
                str(r["peak_rss_mb_median"]),
                str(r["conflicts"]),
            )
        Console(width=120).print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
