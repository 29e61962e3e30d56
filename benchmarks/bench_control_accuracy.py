"""How well each method finds under-reporting enterprises, and whether it selects fairly across
regions: loket's current models, loket before issue 14, and baselines, on two generators.

Data: `--generator ours` (loket.demo.enterprises: regional price levels, young firms) and/or
`independent` (loket.demo.enterprises_independent, designed apart from the scorer: a latent
productivity shared by all amounts, price levels per municipality, heavy-tailed noise of a
different size per input, four under-reporting mechanisms), each with `--planted-share`
under-reporters in every region. `--generator described` (not part of `both`) is a third,
small check set built from the reviewers' description in issue 14 (benchmarks/
control_described.py: under-reporting shows mainly in turnover against purchases, the other
ratios are noisy). K = the number planted; each method selects its top K. Per
method: precision@K, recall@K, region parity = (min over regions of selected share ÷
population share) ÷ (max over regions of the same), recall per mechanism (independent data)
and seconds. Each run uses its own seed (`--seed`, `--seed` + 1, …); the figures are the median
over `--runs`. The files carry past controls, as a tax administration's would.

Methods:
- loket-<model>, one per value of `loket control score --model` (loket.control.score.MODELS,
  without the old alias `peer`): `score_dossiers(path, ScoreOptions(top=K, random_share=0.0,
  seed=0, reference_year=DOSSIER_YEAR, model=...))`, rank ≤ K (the year is fixed so that firm
  ages, and with them the figures, do not change with the calendar);
- previous: loket as of commit d83b7bb (before issue 14) with its default model, from a
  temporary git worktree (removed afterwards) in a child process;
- peer-regression: an outside yardstick written in this benchmark: per sector, least squares
  of log turnover on log purchases, log workers, log wage bill, log floor area and region
  dummies; the most negative standardised residuals;
- blind: location-blind sector z-score: per sector nationally, robust z (median/MAD) of
  log(turnover/purchases), log(turnover/(employees+1)), log(turnover/wage_bill) and
  log(turnover/floor_area) where present; score = −mean(z);
- iforest: scikit-learn IsolationForest(random_state=0) on the raw numeric columns and the
  sector as an ordinal; the K most anomalous.

    .venv/bin/python benchmarks/bench_control_accuracy.py
        [--generator both|ours|independent|described]
        [--dossiers 200000] [--runs 3] [--seed 1] [--planted-share 0.03]
        [--methods previous,loket-auto,...,blind,iforest] [--json]
"""

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import control_described  # benchmarks/ is on sys.path when a script runs
import pandas as pd
from control_described import generate_described_dossiers
from control_methods import (
    blind_score,
    iforest_score,
    peer_regression_score,
    previous_selection,
    top_k,
)
from linkage_previous import previous_worktree
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from loket.demo import enterprise_profiles, enterprises_independent
from loket.demo.enterprises import (
    DOSSIER_YEAR,
    GeneratedDossiers,
    generate_dossiers,
    write_dossiers_csv,
)
from loket.demo.enterprises_independent import MECHANISMS, generate_independent_dossiers

REGION_NAMES = {"02000": "Flanders", "03000": "Wallonia", "04000": "Brussels"}
ALIASES = {"peer": "ratios"}  # an old name of a model, not a model of its own
PREVIOUS_TREE: list[Path] = []  # the worktree of the previous method, while the run lasts


@dataclass(frozen=True)
class Generator:
    make: Callable[..., GeneratedDossiers]
    young_years: int


GENERATORS = {
    "ours": Generator(generate_dossiers, enterprise_profiles.YOUNG_YEARS),
    "independent": Generator(generate_independent_dossiers, enterprises_independent.YOUNG_YEARS),
    "described": Generator(generate_described_dossiers, control_described.YOUNG_YEARS),
}
BOTH = ("ours", "independent")


class MethodUnavailable(Exception):
    """The method cannot run in this checkout (loket's scoring not there yet)."""


def loket_models() -> tuple[str, ...]:
    try:
        from loket.control.score import MODELS
    except ImportError:
        return ("auto",)
    return tuple(m for m in MODELS if not (m in ALIASES and ALIASES[m] in MODELS))


def select_loket(path: Path, dossiers: pd.DataFrame, k: int, model: str = "auto") -> pd.Series:
    try:
        from loket.control.score import ScoreOptions, score_dossiers
    except ImportError as error:
        raise MethodUnavailable(f"loket.control.score cannot be imported: {error}") from error
    try:
        run = score_dossiers(
            path,
            ScoreOptions(top=k, random_share=0.0, seed=0, reference_year=DOSSIER_YEAR, model=model),
        )
    except Exception as error:  # noqa: BLE001 - the baselines still run; the error is reported
        raise MethodUnavailable(
            f"score_dossiers failed: {type(error).__name__}: {error}"
        ) from error
    scored = run.table.select(["dossier_id", "rank"]).to_pandas()
    chosen = set(scored.loc[scored["rank"] <= k, "dossier_id"])
    return dossiers["dossier_id"].isin(chosen)


def select_previous(path: Path, dossiers: pd.DataFrame, k: int) -> pd.Series:
    try:
        chosen = previous_selection(PREVIOUS_TREE[0], path, k, DOSSIER_YEAR)
    except RuntimeError as error:
        raise MethodUnavailable(f"previous: {error}") from error
    return dossiers["dossier_id"].isin(chosen)


def select_peer_regression(
    _path: Path, dossiers: pd.DataFrame, k: int, region: pd.Series
) -> pd.Series:
    return top_k(peer_regression_score(dossiers, region), k)


def select_blind(_path: Path, dossiers: pd.DataFrame, k: int) -> pd.Series:
    return top_k(blind_score(dossiers), k)


def select_iforest(_path: Path, dossiers: pd.DataFrame, k: int) -> pd.Series:
    return top_k(iforest_score(dossiers), k)


BASELINES = ("peer-regression", "blind", "iforest")


def all_methods() -> list[str]:
    return ["previous", *(f"loket-{m}" for m in loket_models()), *BASELINES]


def selector(method: str, region: pd.Series) -> Callable[[Path, pd.DataFrame, int], pd.Series]:
    if method.startswith("loket-"):
        return partial(select_loket, model=method.removeprefix("loket-"))
    fixed: dict[str, Callable[[Path, pd.DataFrame, int], pd.Series]] = {
        "previous": select_previous,
        "peer-regression": partial(select_peer_regression, region=region),
        "blind": select_blind,
        "iforest": select_iforest,
    }
    return fixed[method]


def evaluate(chosen: pd.Series, truth: pd.DataFrame, young: pd.Series) -> dict[str, Any]:
    """Precision and recall at K, how the selection spreads over the regions, and (where the
    truth names mechanisms) the recall per mechanism."""
    planted = truth["planted"]
    hits = int((chosen & planted).sum())
    selected = int(chosen.sum())
    regions = truth["region_refnis"]
    ratios: dict[str, float] = {}
    precision_by_region: dict[str, float | None] = {}
    for region in sorted(regions.unique()):
        here = regions == region
        population_share = here.mean()
        selected_share = (chosen & here).sum() / max(selected, 1)
        name = REGION_NAMES.get(region, region)
        ratios[name] = round(float(selected_share / population_share), 3)
        picked = int((chosen & here).sum())
        precision_by_region[name] = (
            round(int((chosen & here & planted).sum()) / picked, 3) if picked else None
        )
    highest = max(ratios.values())
    result = {
        "selected": selected,
        "precision": round(hits / max(selected, 1), 4),
        "recall": round(hits / max(int(planted.sum()), 1), 4),
        "parity": round(min(ratios.values()) / highest, 3) if highest > 0 else 0.0,
        "region_ratios": ratios,
        "precision_by_region": precision_by_region,
        "young_share_of_false_positives": round(
            float(young[chosen & ~planted].mean()) if (chosen & ~planted).any() else 0.0, 3
        ),
    }
    if "mechanism" in truth.columns:
        result["recall_by_mechanism"] = {
            m: round(float(chosen[truth["mechanism"] == m].mean()), 4)
            for m in MECHANISMS
            if (truth["mechanism"] == m).any()
        }
    return result


def one_run(
    work: Path,
    generator: str,
    options: argparse.Namespace,
    seed: int,
    methods: list[str],
    advance: Callable[[], None],
) -> dict[str, dict[str, Any]]:
    spec = GENERATORS[generator]
    generated = spec.make(options.dossiers, seed, labels=True, planted_share=options.planted_share)
    path = work / f"dossiers-{generator}-{seed}.csv"
    write_dossiers_csv(path, generated)
    dossiers = generated.table.to_pandas()
    truth = generated.truth.to_pandas()
    young = dossiers["founded_year"] > DOSSIER_YEAR - spec.young_years
    k = int(truth["planted"].sum())
    advance()
    results: dict[str, dict[str, Any]] = {}
    for method in methods:
        started = time.perf_counter()
        try:
            chosen = selector(method, truth["region_refnis"])(path, dossiers, k)
        except MethodUnavailable as error:
            results[method] = {"error": str(error)}
        else:
            results[method] = evaluate(chosen, truth, young) | {
                "k": k,
                "seconds": round(time.perf_counter() - started, 2),
            }
        advance()
    return results


def summarise(generator: str, method: str, runs: list[dict[str, Any]]) -> dict[str, Any]:
    if any("error" in run for run in runs):
        failed = next(run for run in runs if "error" in run)
        return {"generator": generator, "method": method, "error": failed["error"]}

    def median(key: str) -> float:
        return round(float(statistics.median(run[key] for run in runs)), 4)

    def medians(key: str) -> dict[str, float]:
        return {
            name: round(statistics.median(run[key][name] for run in runs), 3)
            for name in runs[0][key]
        }

    summary = {
        "generator": generator,
        "method": method,
        "k": runs[0]["k"],
        "precision_at_k": median("precision"),
        "recall_at_k": median("recall"),
        "parity": median("parity"),
        "region_ratios": medians("region_ratios"),
        "precision_by_region": runs[len(runs) // 2]["precision_by_region"],
        "young_share_of_false_positives": median("young_share_of_false_positives"),
        "seconds_median": median("seconds"),
        "runs": runs,
    }
    if "recall_by_mechanism" in runs[0]:
        summary["recall_by_mechanism"] = medians("recall_by_mechanism")
    return summary


def _seeds(args: argparse.Namespace) -> Iterator[int]:
    return iter(range(args.seed, args.seed + args.runs))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generator", default="both", choices=["both", *GENERATORS])
    parser.add_argument("--dossiers", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--planted-share", type=float, default=0.03)
    parser.add_argument("--methods", default=",".join(all_methods()))
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    methods = args.methods.split(",")
    unknown = [m for m in methods if m not in all_methods()]
    if unknown:
        parser.error(f"--methods: unknown {', '.join(unknown)}; known: {', '.join(all_methods())}")
    generators = list(BOTH) if args.generator == "both" else [args.generator]

    runs: dict[tuple[str, str], list[dict[str, Any]]] = {
        (g, m): [] for g in generators for m in methods
    }
    with ExitStack() as stack:
        if "previous" in methods:
            PREVIOUS_TREE.append(stack.enter_context(previous_worktree()))
        work = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        bar = stack.enter_context(Progress(console=Console(stderr=True)))
        task = bar.add_task(
            "control accuracy", total=len(generators) * args.runs * (1 + len(methods))
        )
        for generator in generators:
            for seed in _seeds(args):
                bar.update(task, description=f"{generator}, seed {seed}")
                results = one_run(work, generator, args, seed, methods, lambda: bar.advance(task))
                for method, result in results.items():
                    runs[(generator, method)].append(result)
                (work / f"dossiers-{generator}-{seed}.csv").unlink()
    result = {
        "benchmark": "control-accuracy",
        "dossiers": args.dossiers,
        "planted_share": args.planted_share,
        "seeds": list(_seeds(args)),
        "generators": generators,
        "python": sys.version.split()[0],
        "results": [summarise(g, m, r) for (g, m), r in runs.items()],
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        _print_table(result)
    return 0


def _print_table(result: dict[str, Any]) -> None:
    table = Table(title=f"Control selection on {result['dossiers']:,} generated dossiers")
    columns = ("generator", "method", "K", "precision@K", "parity", "selected ÷ population")
    for column in (*columns, "recall per mechanism", "s"):
        table.add_column(column, justify="left" if column in ("generator", "method") else "right")
    for r in result["results"]:
        if "error" in r:
            table.add_row(r["generator"], r["method"], "", "", "", r["error"][:60], "", "")
            continue
        ratios = " / ".join(f"{value}" for value in r["region_ratios"].values())
        mechanisms = " / ".join(
            f"{value:.2f}" for value in r.get("recall_by_mechanism", {}).values()
        )
        table.add_row(
            r["generator"],
            r["method"],
            f"{r['k']:,}",
            f"{r['precision_at_k']:.3f}",
            f"{r['parity']:.3f}",
            ratios,
            mechanisms,
            f"{r['seconds_median']:.1f}",
        )
    Console(width=160).print(table)
    print("selected ÷ population: " + " / ".join(REGION_NAMES.values()))
    print("recall per mechanism: " + " / ".join(MECHANISMS))


if __name__ == "__main__":
    raise SystemExit(main())
