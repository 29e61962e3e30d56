"""How long loket's control scoring takes and how much memory it needs for a million dossiers,
generated with known under-declarers (`--generator ours`: loket.demo.enterprises, or
`independent`: loket.demo.enterprises_independent); generation is not measured.

Each run scores in a fresh process; its wall time is measured around
`score_dossiers(path, ScoreOptions(...))` (reading the dossiers file included) and, with
`--methods cli`, around the whole `loket control score` command (start-up and writing the
output CSV included). Peak memory is the child's maximum resident set size
(`getrusage(RUSAGE_CHILDREN)` in a measuring process that starts only that child). Median of
`--runs` runs.

    .venv/bin/python benchmarks/bench_control_scale.py [--dossiers 1000000] [--runs 3]
        [--methods score,cli] [--seed 1] [--generator ours|independent] [--json]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from child_runs import measure, measured  # benchmarks/ is on sys.path when a script runs
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

HERE = Path(__file__).resolve()
METHODS = ("score", "cli")


def run_case(method: str, dossiers_path: Path) -> dict[str, Any]:
    """Score the dossiers in this process; how many were selected and how long it took."""
    from loket.demo.enterprises import DOSSIER_YEAR

    out = dossiers_path.with_name(dossiers_path.stem + ".scores.csv")
    started = time.perf_counter()
    if method == "score":
        from loket.control.score import ScoreOptions, score_dossiers

        run = score_dossiers(dossiers_path, ScoreOptions(seed=0, reference_year=DOSSIER_YEAR))
        scored = run.table.num_rows
        selected = int(sum(run.table["selected"].to_pylist()))
    elif method == "cli":
        command = [
            sys.executable, "-m", "loket", "control", "score",
            "--dossiers", str(dossiers_path), "--out", str(out),
        ]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"loket control score failed:\n{done.stderr[-3000:]}")
        log = json.loads(out.with_name(out.stem + ".run.json").read_text(encoding="utf-8"))
        scored, selected = log["counts"]["scored"], log["counts"]["selected"]
    else:
        raise SystemExit(f"unknown method {method!r}")
    return {"seconds": time.perf_counter() - started, "scored": scored, "selected": selected}


GENERATORS = {
    "ours": "loket.demo.enterprises:generate_dossiers",
    "independent": "loket.demo.enterprises_independent:generate_independent_dossiers",
}


def write_dossiers(generator: str, size: int, seed: int, path: Path) -> None:
    """Generate the dossiers file, with past-control labels, in a child process (not
    measured)."""
    module, function = GENERATORS[generator].split(":")
    code = (
        "import sys; from pathlib import Path; "
        "from loket.demo.enterprises import write_dossiers_csv; "
        f"from {module} import {function}; "
        f"write_dossiers_csv(Path(sys.argv[1]), {function}(int(sys.argv[2]), int(sys.argv[3])))"
    )
    subprocess.run([sys.executable, "-c", code, str(path), str(size), str(seed)], check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--methods", default="score")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--generator", default="ours", choices=list(GENERATORS))
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--run-case", help=argparse.SUPPRESS)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--dossiers-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run_case:
        print(json.dumps(run_case(args.run_case, args.dossiers_file)))
        return 0
    if args.measure:
        print(json.dumps(measure(HERE, args.measure, "--dossiers-file", args.dossiers_file)))
        return 0
    methods = args.methods.split(",")
    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        parser.error(f"--methods: unknown {', '.join(unknown)}; known: {', '.join(METHODS)}")

    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as work, Progress(console=Console(stderr=True)) as bar:
        task = bar.add_task("control scale", total=1 + len(methods) * args.runs)
        path = Path(work) / f"dossiers-{args.dossiers}.csv"
        bar.update(task, description=f"generating {args.dossiers:,} dossiers")
        write_dossiers(args.generator, args.dossiers, args.seed, path)
        bar.advance(task)
        for method in methods:
            runs = []
            for run in range(args.runs):
                bar.update(task, description=f"{method}, run {run + 1} of {args.runs}")
                runs.append(measured(HERE, method, "--dossiers-file", path))
                bar.advance(task)
            results.append(
                {
                    "dossiers": args.dossiers,
                    "method": method,
                    "runs": args.runs,
                    "seconds_median": round(statistics.median(r["seconds"] for r in runs), 1),
                    "seconds_runs": [round(r["seconds"], 1) for r in runs],
                    "peak_rss_mb_median": round(statistics.median(r["peak_rss_mb"] for r in runs)),
                    "peak_rss_mb_runs": [round(r["peak_rss_mb"]) for r in runs],
                    "scored": runs[0]["scored"],
                    "selected": runs[0]["selected"],
                }
            )
    result = {
        "benchmark": "control-scale",
        "generator": args.generator,
        "seed": args.seed,
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "results": results,
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        table = Table(title="Control scoring: time and memory")
        for column in ("dossiers", "method", "seconds (median)", "peak RSS MB", "selected"):
            table.add_column(column, justify="left" if column == "method" else "right")
        for r in results:
            table.add_row(
                f"{r['dossiers']:,}",
                r["method"],
                str(r["seconds_median"]),
                str(r["peak_rss_mb_median"]),
                f"{r['selected']:,}",
            )
        Console(width=120).print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
