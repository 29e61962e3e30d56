"""Detect concurrent leefloon claims: claims file in, conflicts file out.

Steps: read and check the claims (rejects and warnings files), standardise names in DuckDB,
train the Splink model without labels (u by random sampling, m by EM; always in-process),
score the candidate pairs (two OCMWs, overlapping periods) on DuckDB or Spark, cluster pairs
at the threshold so that one person's claims at three OCMWs form one group, and write every
overlapping pair of a group as a conflict with its evidence. The model is saved next to the
output with each run.
"""

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from splink import Linker
from splink.internals.exceptions import EMTrainingException

from loket.linkage import splink_model
from loket.linkage.claims import ClaimsRead, read_claims
from loket.linkage.clustering import (
    Grouping,
    clear_text_grouping,
    clusters_table,
    group_claims_constrained,
    identities_of,
    keys_equal,
    strong_edges,
)
from loket.linkage.conflicts import Conflict, conflict_id_of, write_conflicts
from loket.linkage.engines import LinkageEngine, open_engine
from loket.linkage.evidence import clear_text_evidence
from loket.linkage.outcomes import (
    Namesakes,
    PairRules,
    clear_text_namesakes,
    conflicts_of_rows,
    hub_namesakes,
)
from loket.linkage.pseudonymise import encode_claims, read_encoded
from loket.linkage.pseudonymised_model import HUB_TABLE, hub_claims, score_encoded_pairs
from loket.linkage.standardise import standardise

# Pairs scored below this are dropped at once: they can neither form a group nor be shown.
SCORE_FLOOR = 0.01
DEFAULT_THRESHOLD = 0.9
U_SAMPLE_PAIRS = 2_000_000
# Below this, EM has too few pairs of one person to learn from; the shipped model is used.
MIN_TRAINING_CLAIMS = 2_000
EM_MAX_PAIRS = 1_000_000

Step = Callable[[str], None]


@dataclass
class DetectOptions:
    engine: str = "duckdb"
    threshold: float = DEFAULT_THRESHOLD
    min_overlap_days: int = 1
    as_of: date | None = None
    known_different: frozenset[tuple[str, str]] = frozenset()
    save_model: bool = True
    seed: int = 42
    model_file: Path | None = None


@dataclass
class DetectSummary:
    claims_read: int = 0
    claims_linked: int = 0
    rejected: int = 0
    warnings: int = 0
    encoding: str = "utf-8"
    rejects_file: str | None = None
    warnings_file: str | None = None
    warning_counts: dict[str, int] = field(default_factory=dict)
    engine: str = "duckdb"
    mode: str = "clear"
    threshold: float = DEFAULT_THRESHOLD
    candidate_pairs: int = 0
    pairs_above_threshold: int = 0
    groups: int = 0
    conflicts: int = 0
    needs_check: int = 0  # of `conflicts`, those with status needs-check
    refused_links: int = 0  # strong links not followed: they would join two valid INSZ
    suppressed: int = 0
    model_file: str | None = None
    model_source: str = ""
    out: str = ""

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def model_path(out: Path) -> Path:
    return out.with_name(out.stem + ".model.json")


def _with_pairs(standardised: pa.Table, keys: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """The training keys on which at least two claims agree (a file without INSZ numbers has
    no pairs on `insz`, and an EM session without pairs fails)."""
    kept = []
    with duckdb.connect() as connection:
        connection.register("claims", standardised)
        for columns in keys:
            present = " AND ".join(f"{c} IS NOT NULL" for c in columns)
            names = ", ".join(columns)
            pairs = connection.sql(
                f"SELECT count(*) FROM (SELECT {names} FROM claims WHERE {present}"
                f" GROUP BY {names} HAVING count(*) > 1)"
            ).fetchall()[0][0]
            if pairs:
                kept.append(columns)
    return kept


def train(linker: Linker, standardised: pa.Table, seed: int) -> None:
    """Parameters from the data alone: no labelled pairs exist for leefloon claims."""
    keys = _with_pairs(standardised, splink_model.TRAINING_KEYS)
    if not keys:
        raise EMTrainingException("no training session has pairs to learn from")
    training = linker.training
    training.estimate_probability_two_random_records_match(
        splink_model.deterministic_rules(), recall=0.7
    )
    training.estimate_u_using_random_sampling(max_pairs=U_SAMPLE_PAIRS, seed=seed)
    for rule in splink_model.training_rules(keys):
        training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True, max_pairs=EM_MAX_PAIRS
        )


def trained_model(standardised: pa.Table, seed: int = 42) -> dict[str, Any]:
    """The clear-text model with its parameters estimated on these claims, in this process
    (DuckDB): training is a few hundred small queries, which a cluster only slows down."""
    with open_engine("duckdb") as local:
        claims = local.register(standardised, "claims")
        linker = Linker(claims, splink_model.settings(), log_level=logging.ERROR)
        train(linker, standardised, seed)
        model = linker.misc.save_model_to_json()
        model[splink_model.TRAINING_CLAIMS_KEY] = standardised.num_rows
        return model


def model_for(
    standardised: pa.Table, seed: int = 42, given: Path | None = None
) -> tuple[dict[str, Any], str]:
    """(model, where it came from): a model file given by the user, the claims' own
    training, or the shipped default when there are too few claims to train on."""
    if given is not None:
        return dict(json.loads(given.read_text(encoding="utf-8"))), str(given)
    if standardised.num_rows < MIN_TRAINING_CLAIMS:
        return splink_model.default_model(), "default: too few claims to train on"
    try:
        return trained_model(standardised, seed), "trained on these claims"
    except EMTrainingException:
        return splink_model.default_model(), "default: these claims gave too few pairs to train on"


def score_pairs(
    standardised: pa.Table,
    engine: LinkageEngine,
    options: DetectOptions,
    step: Step | None = None,
) -> tuple[pa.Table, Grouping, dict[str, Any], str]:
    """Train the clear-text model on the claims (or take the one given), score every
    candidate pair (>= floor) on the chosen engine, group the claims under the cannot-link
    rule and score the pairs of a group that were not candidates;
    (pairs, grouping, model, where it came from)."""
    step = step or (lambda _name: None)
    step("training")
    model, source = model_for(standardised, options.seed, options.model_file)
    step("scoring")
    claims = engine.register(standardised, "claims")
    dialect = engine.db_api.sql_dialect.sql_dialect_str
    scoring = splink_model.for_engine(model, dialect, standardised.num_rows)
    linker = Linker(claims, scoring, log_level=logging.ERROR)
    predictions = linker.inference.predict(threshold_match_probability=SCORE_FLOOR)
    scored = engine.to_arrow(predictions)
    step("grouping")
    grouping = clear_text_grouping(standardised, scored, options.threshold)
    if grouping.cluster_of:
        clusters = engine.register(clusters_table(grouping), "clusters")
        missing = linker.inference._score_missing_cluster_edges(clusters, predictions)
        scored = pa.concat_tables(
            [scored, engine.to_arrow(missing).select(scored.column_names)],
            promote_options="permissive",
        )
    return scored, grouping, model, source


GROUP_PAIRS_SQL = """
WITH members AS (
    SELECT groups.cluster_id, claims.*
    FROM groups JOIN claims ON claims.claim_id = groups.claim_id
),
pairs AS (
    SELECT
        least(claim_id_l, claim_id_r) AS a,
        greatest(claim_id_l, claim_id_r) AS b,
        *
    FROM scored
)
SELECT
    one.cluster_id,
    one.claim_id AS claim_id_a,
    two.claim_id AS claim_id_b,
    one.ocmw_refnis AS ocmw_a,
    two.ocmw_refnis AS ocmw_b,
    greatest(one.start_date, two.start_date) AS overlap_start,
    least(one.end_date, two.end_date) AS overlap_end,
    pairs.* EXCLUDE (a, b, ocmw_refnis_l, ocmw_refnis_r, start_date_l, start_date_r,
                     end_date_l, end_date_r)
FROM members AS one
JOIN members AS two
    ON one.cluster_id = two.cluster_id AND one.claim_id < two.claim_id
LEFT JOIN pairs ON pairs.a = one.claim_id AND pairs.b = two.claim_id
WHERE one.ocmw_refnis <> two.ocmw_refnis
  AND one.start_date <= two.end_open AND two.start_date <= one.end_open
ORDER BY one.cluster_id, claim_id_a, claim_id_b
"""


def find_conflicts(
    standardised: pa.Table,
    scored: pa.Table,
    options: DetectOptions,
    evidence: Callable[[Mapping[str, Any]], str] = clear_text_evidence,
    *,
    grouping: Grouping | None = None,
    namesakes: Namesakes | None = None,
) -> tuple[list[Conflict], dict[str, int]]:
    """Turn each group's overlapping pairs into conflicts or needs-check rows, each with its
    own probability (a pair of a group never scored is left out)."""
    if grouping is None:
        grouping = group_claims_constrained(strong_edges(scored, options.threshold), {})
    groups = clusters_table(grouping)
    connection = duckdb.connect()
    try:
        scored = _with_similarities(connection, scored)
        connection.register("groups", groups)
        connection.register("claims", standardised)
        connection.register("scored", scored)
        rows = connection.sql(GROUP_PAIRS_SQL).to_arrow_table().to_pylist()
    finally:
        connection.close()
    rules = PairRules(
        threshold=options.threshold,
        floor=0.0,  # every overlapping pair of a group is shown (see outcomes)
        min_overlap_days=options.min_overlap_days,
        as_of=options.as_of or date.today(),
        known_different=options.known_different,
        bridges=grouping.bridges,
        namesakes=namesakes or Namesakes(),
    )
    conflicts, suppressed = conflicts_of_rows(rows, rules, evidence)
    counts = {
        "candidate_pairs": scored.num_rows,
        "pairs_above_threshold": sum(
            1 for p in scored["match_probability"].to_pylist() if p >= options.threshold
        ),
        "groups": len(set(grouping.cluster_of.values())),
        "suppressed": suppressed,
        "needs_check": sum(1 for c in conflicts if c.status == "needs-check"),
        "refused_links": grouping.refused_links,
    }
    return conflicts, counts


def _with_similarities(connection: duckdb.DuckDBPyConnection, scored: pa.Table) -> pa.Table:
    """Add the Jaro-Winkler similarities the evidence quotes, where the names are compared."""
    if "family_name_l" not in scored.column_names:
        return scored
    connection.register("raw_scored", scored)
    try:
        return connection.sql(
            """SELECT *,
                   jaro_winkler_similarity(family_name_l, family_name_r) AS family_name_jw,
                   jaro_winkler_similarity(given_first_l, given_first_r) AS given_first_jw
               FROM raw_scored"""
        ).to_arrow_table()
    finally:
        connection.unregister("raw_scored")


def detect_conflicts(
    claims_path: Path,
    out_path: Path,
    options: DetectOptions | None = None,
    *,
    step: Step | None = None,
    on_rows: Callable[[int], None] | None = None,
) -> tuple[DetectSummary, list[Conflict]]:
    """The whole run of `loket linkage detect`; the conflicts are also written to out_path."""
    options = options or DetectOptions()
    step = step or (lambda _name: None)
    summary = DetectSummary(engine=options.engine, threshold=options.threshold, out=str(out_path))
    step("reading")
    read = read_claims(claims_path, today=options.as_of, on_rows=on_rows)
    _count_read(summary, read)
    step("standardising")
    with duckdb.connect() as connection:
        standardised = standardise(connection, read.table)
    engine = open_engine(options.engine)
    try:
        scored, grouping, model, summary.model_source = score_pairs(
            standardised, engine, options, step
        )
    finally:
        engine.close()
    conflicts, counts = find_conflicts(
        standardised,
        scored,
        options,
        grouping=grouping,
        namesakes=clear_text_namesakes(standardised),
    )
    _finish_summary(summary, counts)
    step("writing")
    summary.conflicts = write_conflicts(out_path, conflicts)
    if options.save_model:
        summary.model_file = _save_model(out_path, model)
    return summary, conflicts


def _count_read(summary: DetectSummary, read: ClaimsRead) -> None:
    summary.claims_read += read.rows
    summary.rejected += read.rejected
    summary.warnings += read.warnings
    summary.encoding = read.encoding
    summary.rejects_file, summary.warnings_file = read.rejects_file, read.warnings_file
    for kind, count in read.warning_counts.items():
        summary.warning_counts[kind] = summary.warning_counts.get(kind, 0) + count
    summary.claims_linked += read.table.num_rows


def _finish_summary(summary: DetectSummary, counts: dict[str, int]) -> None:
    summary.candidate_pairs = counts["candidate_pairs"]
    summary.pairs_above_threshold = counts["pairs_above_threshold"]
    summary.groups = counts["groups"]
    summary.suppressed = counts["suppressed"]
    summary.needs_check = counts["needs_check"]
    summary.refused_links = counts["refused_links"]


def _save_model(out_path: Path, model: dict[str, Any]) -> str:
    path = model_path(out_path)
    path.write_text(json.dumps(model, indent=2, default=str), encoding="utf-8")
    return str(path)


def _pseudonymised_input(paths: list[Path], key: bytes | None) -> tuple[pa.Table, DetectSummary]:
    """The encoded claims the hub links: read from the OCMWs' encoded files, or encoded here
    from a clear claims file when the key is given (to compare both modes on one file)."""
    summary = DetectSummary(mode="pseudonymised")
    if key is not None:
        tables = []
        for path in paths:
            read = read_claims(path)
            _count_read(summary, read)
            with duckdb.connect() as connection:
                tables.append(encode_claims(standardise(connection, read.table), key))
        return pa.concat_tables(tables), summary
    encoded = pa.concat_tables([read_encoded(path) for path in paths])
    ids = encoded["claim_id"].to_pylist()
    if len(set(ids)) != len(ids):
        seen: set[str] = set()
        keep = []
        for claim_id in ids:
            keep.append(claim_id not in seen)
            seen.add(claim_id)
        summary.rejected = keep.count(False)
        encoded = encoded.filter(pa.array(keep))
    summary.claims_read = len(ids)
    summary.claims_linked = encoded.num_rows
    return encoded, summary


def detect_pseudonymised(
    paths: list[Path],
    out_path: Path,
    options: DetectOptions | None = None,
    *,
    key: bytes | None = None,
    step: Step | None = None,
) -> tuple[DetectSummary, list[Conflict]]:
    """The hub's run: link encoded claims (keyed hashes and Bloom filters only) and return
    claim ids; the same grouping and conflict rules as in clear text."""
    options = options or DetectOptions()
    step = step or (lambda _name: None)
    if options.engine != "duckdb":
        raise ValueError("--engine: the pseudonymised model runs on duckdb only")
    step("reading")
    encoded, summary = _pseudonymised_input(paths, key)
    summary.threshold, summary.out = options.threshold, str(out_path)
    step("training and scoring")
    with duckdb.connect() as hub:
        scored, grouping, model = score_encoded_pairs(
            hub, encoded, floor=SCORE_FLOOR, seed=options.seed, group=hub_grouping(options)
        )
        claims = hub_claims(hub)
        namesakes = hub_namesakes(hub, HUB_TABLE)
    step("grouping")
    conflicts, counts = find_conflicts(
        claims, scored, options, _given_evidence, grouping=grouping, namesakes=namesakes
    )
    _finish_summary(summary, counts)
    step("writing")
    summary.conflicts = write_conflicts(out_path, conflicts)
    if options.save_model:
        summary.model_file = _save_model(out_path, model)
    return summary, conflicts


def hub_grouping(options: DetectOptions) -> Callable[[pa.Table, pa.Table], Grouping]:
    """The hub's constrained grouping: two different valid INSZ keys never in one group."""

    def group(hub_table: pa.Table, scored: pa.Table) -> Grouping:
        identities = identities_of(
            hub_table["claim_id"].to_pylist(),
            hub_table["insz_key"].to_pylist(),
            hub_table["insz_valid"].to_pylist(),
        )
        edges = strong_edges(scored, options.threshold)
        return group_claims_constrained(edges, identities, keys_equal)

    return group


def _given_evidence(pair: Mapping[str, Any]) -> str:
    return str(pair["evidence"])


__all__ = ["DetectOptions", "DetectSummary", "conflict_id_of", "detect_conflicts"]
