"""Scoring a file of control dossiers: peer features, a glass-box score, a lawful selection and
an explanation for every dossier. Deterministic: the same file and options give the same
bytes, whatever the row order."""

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from loket.control.dossiers import DOSSIERS_SCHEMA, DossiersRead, read_dossiers
from loket.control.expected import INPUT_OF, ExpectedSettings, add_expected_scores
from loket.control.expected import MODEL_VERSION as EXPECTED_VERSION
from loket.control.explain import LANGUAGES, LOW, add_explanations
from loket.control.geography import postcode_areas
from loket.control.learned import (
    MIN_CONTROLLED,
    MIN_HITS,
    LearnedModel,
    learn_from_past_controls,
    learned_scores,
)
from loket.control.neighbours import add_neighbour_scores
from loket.control.peers import PeerSettings, build_peer_features
from loket.control.register import (
    EXPECTED_TURNOVER,
    INDICATOR_CODES,
    MODEL_VERSION,
    check_features,
    check_indicators,
)
from loket.control.selection import DEFAULT_SHARE, SelectionPlan, select
from loket.store.csvio import file_sha256

# expected: turnover against what its inputs predict (loket.control.expected); ratios: the
# four ratios' z-scores by Stouffer's z (`peer` is its old name); learned: the EBM from past
# controls; auto: expected, or with enough past controls whichever of the three finds
# held-out hits best.
MODELS = ("auto", "expected", "ratios", "peer", "learned")
SCORED_COLUMNS = [
    "dossier_id", "enterprise_number", "nace_code", "sector", "postcode",
    "municipality_refnis", "arrondissement_refnis", "province_refnis", "region_refnis",
    "office_id", "latitude", "longitude", "employees", "turnover_eur", "purchases_eur",
    "wage_bill_eur", "floor_area_m2", "founded_year", "controlled", "adjustment_eur",
]  # fmt: skip
RESULT_COLUMNS = [
    "peer_level", "peer_area", "peer_count", "knn_count", "peer_score", "expected_score",
    "expected_gap", "expected_turnover_eur", "score", "rank", "selected", "selection",
    "explanation",
]  # fmt: skip


class ScoringError(ValueError):
    """Options or input that cannot be scored; the message names the parameter."""


@dataclass(frozen=True)
class ScoreOptions:
    """`top`: how many dossiers to select (default 1% of those scored); `random_share`: the
    part of them drawn at random; `capacity`: control capacity per office for quotas."""

    top: int | None = None
    random_share: float = 0.1
    seed: int = 0
    min_peers: int = 30
    neighbours: int = 30
    capacity: Mapping[str, float] | None = None
    language: str = "en"
    indicators: tuple[str, ...] = INDICATOR_CODES
    reference_year: int | None = None
    model: str = "auto"

    def checked(self) -> "ScoreOptions":
        if self.top is not None and self.top < 0:
            raise ScoringError(f"--top: {self.top} is negative")
        if not 0 <= self.random_share <= 0.5:
            raise ScoringError(f"--random-share: {self.random_share} is not between 0 and 0.5")
        if self.min_peers < 5:
            raise ScoringError(f"--min-peers: {self.min_peers} is below 5")
        if self.neighbours < 5:
            raise ScoringError(f"--neighbours: {self.neighbours} is below 5")
        if self.language not in LANGUAGES:
            raise ScoringError(f"--language: '{self.language}' is not one of nl, fr, de, en")
        if self.model not in MODELS:
            raise ScoringError(f"--model: '{self.model}' is not one of {', '.join(MODELS)}")
        check_indicators(self.indicators)
        return self


@dataclass
class ScoredRun:
    table: pa.Table
    run_log: dict[str, object]
    read: DossiersRead | None = None


def _table_sha256(table: pa.Table) -> str:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return hashlib.sha256(sink.getvalue().to_pybytes()).hexdigest()


def _combined(indicators: tuple[str, ...], min_peers: int) -> str:
    """Each ratio's z-score: the mean of its area and nearest-neighbour z-scores. A sector
    with fewer than `min_peers` dossiers even nationally has no peers to speak of: unscored."""
    return ",\n".join(
        f"CASE WHEN peer_count < {min_peers} THEN NULL "
        f"WHEN z_area_{c} IS NULL THEN z_knn_{c} WHEN z_knn_{c} IS NULL THEN z_area_{c} "
        f"ELSE (z_area_{c} + z_knn_{c}) / 2 END AS z_{c}"
        for c in indicators
    )


def _add_neighbours(
    connection: duckdb.DuckDBPyConnection, indicators: tuple[str, ...], options: ScoreOptions
) -> None:
    add_neighbour_scores(connection, indicators, options.neighbours)
    connection.execute(
        f"""CREATE OR REPLACE TEMP TABLE zscored AS
            SELECT *, {_combined(indicators, options.min_peers)} FROM features"""
    )
    connection.execute("DROP TABLE features")


def _peer_score(connection: duckdb.DuckDBPyConnection, indicators: tuple[str, ...]) -> None:
    """The peer score: the ratios' z-scores combined as Stouffer's z (their sum over the root
    of their number), so that a dossier with four low ratios outweighs one with two."""
    z_list = "[" + ", ".join(f"z_{c}" for c in indicators) + "]"
    present = f"list_filter({z_list}, lambda z: z IS NOT NULL)"
    connection.execute(
        f"""CREATE OR REPLACE TEMP TABLE peer_scored AS
            SELECT *, round(-list_sum({present}) / sqrt(len({present})), 4) AS peer_score,
                      coalesce(list_min({z_list}) < {LOW}, false) AS has_low_ratio
            FROM zscored"""
    )
    connection.execute("DROP TABLE zscored")


def _learn(
    connection: duckdb.DuckDBPyConnection, indicators: tuple[str, ...], options: ScoreOptions
) -> LearnedModel | None:
    """Where past controls teach enough (and the model is auto or learned), fit the learned
    model and measure all three models on held-out past controls; register its scores."""
    if options.model not in ("auto", "learned"):
        return None
    columns = ", ".join(
        ["line", "controlled", "adjustment_eur", "peer_score", "expected_score"]
        + [f"z_{c}" for c in indicators]
    )
    # By dossier id, not by line: the fit must not depend on the order of the file.
    table = connection.sql(
        f"SELECT {columns} FROM peer_scored LEFT JOIN expected USING (line) "
        "ORDER BY dossier_id, line"
    ).to_arrow_table()
    labelled = table.column("controlled").null_count < table.num_rows
    learned = learn_from_past_controls(table, indicators, options.seed) if labelled else None
    if learned is None:
        if options.model == "learned":
            raise ScoringError(
                f"--model learned: needs past controls (columns controlled, adjustment_eur) "
                f"with at least {MIN_CONTROLLED} controlled dossiers and {MIN_HITS} hits"
            )
        return None
    if chosen_model(learned, options) == "learned":
        probabilities = learned_scores(learned, table)
        connection.register(
            "learned",
            pa.table({"line": table.column("line"), "learned_score": np.round(probabilities, 6)}),
        )
    return learned


def chosen_model(learned: LearnedModel | None, options: ScoreOptions) -> str:
    """The model that scores: the one asked for, or under `auto` the new expected-turnover
    model unless past controls show another finds held-out hits better (ties: expected)."""
    if options.model == "peer":
        return "ratios"
    if options.model != "auto":
        return options.model
    if learned is None:
        return "expected"
    figures = learned.validation
    precision = {
        "expected": figures.get("expected_average_precision", -1.0),
        "ratios": figures["peer_average_precision"],
        "learned": figures["learned_average_precision"],
    }
    return max(precision, key=lambda name: (precision[name], name == "expected"))


def used(learned: LearnedModel, options: ScoreOptions) -> bool:
    """Whether the learned model scores: always when asked for, under `auto` only where it
    found held-out hits better than the other models."""
    return chosen_model(learned, options) == "learned"


def _rank(
    connection: duckdb.DuckDBPyConnection, learned: LearnedModel | None, options: ScoreOptions
) -> None:
    """Rank by score; a dossier is eligible for a risk selection only when at least one of
    its ratios is markedly below its peers and it lies below them overall."""
    model = chosen_model(learned, options)
    source = "peer_scored LEFT JOIN expected USING (line)"
    eligible = "peer_score > 0 AND has_low_ratio"
    if model == "ratios":
        score = "peer_score"
    elif model == "expected":
        # Too few peers nationally: unscored, as under the ratios. Eligible for a risk
        # selection only with turnover markedly below what its inputs predict.
        score = "CASE WHEN peer_score IS NOT NULL THEN expected_score END"
        eligible = f"expected_score > {-LOW}"
    else:
        # A dossier without peers has no ratios to learn from: it stays unscored.
        source += " JOIN learned USING (line)"
        score = "CASE WHEN peer_score IS NOT NULL THEN learned_score END"
    connection.execute(
        f"""CREATE OR REPLACE TEMP TABLE ranked AS
            SELECT *, row_number() OVER (ORDER BY score DESC NULLS LAST, dossier_id) AS rank,
                   {eligible} AS eligible
            FROM (SELECT *, {score} AS score FROM {source})"""
    )
    connection.execute("DROP TABLE expected")
    connection.execute("DROP TABLE peer_scored")


def _select(connection: duckdb.DuckDBPyConnection, options: ScoreOptions, scored: int) -> None:
    size = options.top if options.top is not None else max(1, round(scored * DEFAULT_SHARE))
    table = connection.sql(
        "SELECT line, rank, office_id, coalesce(eligible, false) AS eligible, "
        "score IS NOT NULL AS scored FROM ranked "
        "ORDER BY rank"
    ).to_arrow_table()
    plan = SelectionPlan(size, options.random_share, options.seed, options.capacity)
    try:
        choice = select(
            table.column("rank").to_numpy(),
            table.column("office_id").to_numpy(zero_copy_only=False).astype(str),
            table.column("eligible").to_numpy(zero_copy_only=False).astype(bool),
            plan,
            table.column("scored").to_numpy(zero_copy_only=False).astype(bool),
        )
    except ValueError as error:
        raise ScoringError(str(error)) from error
    labels = np.array([None, "risk", "random-sample"], dtype=object)[choice]
    connection.register(
        "chosen",
        pa.table({"line": table.column("line"), "selection": pa.array(labels, pa.string())}),
    )
    connection.execute(
        """CREATE OR REPLACE TEMP TABLE scored AS
           SELECT ranked.*, chosen.selection, chosen.selection IS NOT NULL AS selected
           FROM ranked JOIN chosen USING (line)"""
    )
    connection.execute("DROP TABLE ranked")


def score_table(
    dossiers: pa.Table, options: ScoreOptions, on_step: Callable[[str], None] | None = None
) -> pa.Table:
    """Score a table of checked dossiers (DOSSIERS_SCHEMA); rows ordered by rank."""
    return _score(dossiers, options, on_step)[0]


def _score(
    dossiers: pa.Table, options: ScoreOptions, on_step: Callable[[str], None] | None
) -> tuple[pa.Table, LearnedModel | None]:
    options = options.checked()
    indicators = check_indicators(options.indicators)
    # Dossiers describe the last closed fiscal year.
    year = options.reference_year or datetime.now(UTC).year - 1
    step = on_step or (lambda _: None)
    if "line" not in dossiers.column_names:
        dossiers = dossiers.append_column("line", pa.array(range(1, dossiers.num_rows + 1)))
    with duckdb.connect() as connection:
        connection.register("dossiers", dossiers)
        connection.register("areas", postcode_areas())
        step("peer groups")
        build_peer_features(connection, indicators, PeerSettings(options.min_peers, year))
        step("nearest neighbours")
        _add_neighbours(connection, indicators, options)
        step("score and selection")
        _peer_score(connection, indicators)
        inputs = tuple(INPUT_OF[code] for code in indicators)
        settings = ExpectedSettings(year, options.min_peers, inputs)
        add_expected_scores(connection, "peer_scored", settings)
        learned = _learn(connection, indicators, options)
        _rank(connection, learned, options)
        _select(connection, options, dossiers.num_rows)
        step("explanations")
        add_explanations(connection, options.language, indicators, chosen_model(learned, options))
        present = [
            f"z_{c}" if c in indicators else f"NULL::DOUBLE AS z_{c}" for c in INDICATOR_CODES
        ]
        result = connection.sql(
            f"""SELECT {", ".join(SCORED_COLUMNS)}, {", ".join(present)},
                       {", ".join(RESULT_COLUMNS)}
                FROM scored ORDER BY rank"""
        ).to_arrow_table()
    return result, learned


_KINDS = {
    "expected": "expected turnover (robust regression per sector on purchases, staff, wages, "
    "floor area and age, with shrunken area effects)",
    "ratios": "peer score (Stouffer's z of the ratios)",
}
_VERSIONS = {
    "expected": EXPECTED_VERSION,
    "ratios": MODEL_VERSION,
    "learned": MODEL_VERSION + "+ebm",
}


def _model_description(learned: LearnedModel | None, model: str) -> dict[str, object]:
    if learned is not None and model == "learned":
        return {"name": model, **learned.describe()}
    description: dict[str, object] = {"name": model, "kind": _KINDS[model]}
    if learned is not None:
        description["learned_model_not_used"] = learned.describe()
    return description


def score_dossiers(
    source: Path | pa.Table,
    options: ScoreOptions,
    on_step: Callable[[str], None] | None = None,
) -> ScoredRun:
    """Read (when given a file), score and select; the run log records what went in, with
    which parameters and model, and what came out (the output hash is added on writing)."""
    started = datetime.now(UTC)
    read = None
    if isinstance(source, Path):
        read = read_dossiers(source)
        dossiers, input_name, input_hash = read.table, source.name, file_sha256(source)
    else:
        dossiers = pa.table(
            {
                field.name: source.column(field.name)
                if field.name in source.column_names
                else pa.nulls(source.num_rows, field.type)
                for field in DOSSIERS_SCHEMA
                if field.name != "line" or field.name in source.column_names
            }
        )
        input_name, input_hash = "(table)", _table_sha256(source)
    table, learned = _score(dossiers, options, on_step)
    model = chosen_model(learned, options)
    features = list(check_indicators(options.indicators))
    if model == "expected":
        features.append(check_features((EXPECTED_TURNOVER.code,))[0])
    selection = table.column("selection").to_pylist()
    run_log: dict[str, object] = {
        "run_id": hashlib.sha256(f"{input_hash}|{started.isoformat()}".encode()).hexdigest()[:16],
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "input_file": input_name,
        "input_sha256": input_hash,
        "output_sha256": None,
        "model_version": _VERSIONS[model],
        "model": _model_description(learned, model),
        "parameters": {
            key: (dict(value) if isinstance(value, Mapping) else value)
            for key, value in asdict(options).items()
        },
        "indicators": features,
        "counts": {
            "rows": read.rows if read else dossiers.num_rows,
            "scored": table.num_rows - table.column("score").null_count,
            # Too few peers even nationally: ranked last, never selected for risk.
            "not_scored": table.column("score").null_count,
            "rejected": read.rejected if read else 0,
            "selected": sum(1 for s in selection if s),
            "random_sample": selection.count("random-sample"),
        },
    }
    return ScoredRun(table=table, run_log=run_log, read=read)
