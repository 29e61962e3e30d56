"""The hub's linkage model over encoded claims: keyed hashes compared exactly, CLKs by Dice.

It reads only the columns `loket.linkage.pseudonymise.encode_claims` writes; no name, INSZ or
birth date is needed or accepted. The scored pairs have the shape of the clear-text model's,
so the same clustering and conflict steps follow.
"""

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink import comparison_level_library as cll
from splink import comparison_library as cl
from splink.blocking_rule_library import CustomRule
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.comparison_level_creator import ComparisonLevelCreator

from loket.linkage.clustering import Grouping, clusters_table
from loket.linkage.pseudonymise import CLK_COLUMNS, ENCODED_COLUMNS

OPEN_END = "DATE '9999-12-31'"
HUB_TABLE = "encoded_claims"

# Dice thresholds on 1024-bit bigram CLKs: one changed letter in an 8-letter name keeps about
# 0.85, a dropped or changed syllable about 0.7; unrelated names stay below 0.4. For the INSZ
# CLK a one-digit typo or a transposition keeps 0.78-0.87, while two numbers sharing only the
# birth date part stay near 0.6.
NAME_CLOSE = 0.85
NAME_NEAR = 0.70
NAME_FAR = 0.55
INSZ_NEAR = 0.75
SAME_CLK = 0.999
U_SAMPLE_PAIRS = 2_000_000
BOTH_VALID_DIFFERENT_M = 0.001
EM_MAX_PAIRS = 1_000_000


def dice_sql(column: str) -> str:
    """Dice coefficient of the `_l` and `_r` BIT columns, with their precomputed popcounts."""
    return (
        f'(2.0 * bit_count("{column}_l" & "{column}_r") '
        f'/ ("{column}_count_l" + "{column}_count_r"))'
    )


def prepare_hub_table(
    connection: duckdb.DuckDBPyConnection, encoded: pa.Table, table_name: str = HUB_TABLE
) -> str:
    """Load the encoded claims into DuckDB with the CLKs as BIT strings and their popcounts.

    Any column beyond the encoded format is refused: the hub must not receive clear text.
    """
    extra = sorted(set(encoded.column_names) - set(ENCODED_COLUMNS))
    if extra:
        raise ValueError(
            f"the encoded claims carry columns the hub must not see: {', '.join(extra)}"
        )
    key_columns = [name for name in ENCODED_COLUMNS if name.endswith("_key")]
    clk_sql = ",\n    ".join(
        f"from_base64({name})::BIT AS {name}, bit_count(from_base64({name})::BIT) AS {name}_count"
        for name in CLK_COLUMNS
    )
    connection.register("encoded", encoded)
    try:
        connection.execute(
            f"""CREATE OR REPLACE TABLE {table_name} AS
            SELECT
                claim_id, ocmw_refnis, start_date, end_date, insz_valid,
                coalesce(end_date, {OPEN_END}) AS end_open,
                {", ".join(key_columns)},
                {clk_sql}
            FROM encoded"""
        )
    finally:
        connection.unregister("encoded")
    return table_name


@dataclass(frozen=True)
class Level:
    """One non-null level of a comparison: its SQL, its chart label and how it reads in a
    conflict's evidence ({dice} is replaced by the Dice value of `dice_column`)."""

    sql: str | None  # None: the else level
    label: str
    wording: str
    dice_column: str | None = None
    fixed_m: float | None = None


def _dice_levels(column: str, label: str) -> list[Level]:
    dice = f"{column.removesuffix('_clk')}_dice"
    similar = f"{label} Bloom-filter Dice {{dice:.2f}}"
    return [
        Level(f"{dice_sql(column)} >= {SAME_CLK}", f"{label} equal", f"{label} equal"),
        Level(f"{dice_sql(column)} >= {NAME_CLOSE}", f"{label} close", similar, dice),
        Level(f"{dice_sql(column)} >= {NAME_NEAR}", f"{label} near", similar, dice),
        Level(f"{dice_sql(column)} >= {NAME_FAR}", f"{label} partly alike", similar, dice),
    ]


# The comparisons, strongest level first; the null level (a value missing on either side)
# comes before them and the else level closes each list.
COMPARISONS: Mapping[str, tuple[str, Sequence[Level]]] = {
    "insz": (
        "insz_key",
        [
            Level('"insz_key_l" = "insz_key_r"', "INSZ key equal", "INSZ key equal"),
            # Fixed, not learned: EM counts twins (same name and birth date) as one person
            # and would soften this level. The checksum catches every one-digit typo, so one
            # person with two valid, different numbers is rare (a BIS number later replaced
            # by an INSZ is the known case).
            Level(
                '"insz_valid_l" AND "insz_valid_r"',
                "both INSZ valid and different",
                "INSZ both valid and different",
                fixed_m=BOTH_VALID_DIFFERENT_M,
            ),
            Level(
                f"{dice_sql('insz_clk')} >= {INSZ_NEAR}",
                "INSZ near (typo)",
                "INSZ near: Bloom-filter Dice {dice:.2f}",
                "insz_dice",
            ),
            Level(
                None, "INSZ different", "INSZ different: Bloom-filter Dice {dice:.2f}", "insz_dice"
            ),  # fmt: skip
        ],
    ),
    "family_name": (
        "family_name_clk",
        [
            *_dice_levels("family_name_clk", "family name"),
            # Family and given names written the other way round: the combined-name CLK
            # agrees while the family-name CLK does not.
            Level(
                f"{dice_sql('names_clk')} >= {NAME_CLOSE}",
                "family and given names swapped",
                "family and given names swapped: Dice {dice:.2f}",
                "names_dice",
            ),
            Level(
                None,
                "family name different",
                "family name different: Dice {dice:.2f}",
                "family_name_dice",
            ),  # fmt: skip
        ],
    ),
    "given_names": (
        "given_names_clk",
        [
            *_dice_levels("given_names_clk", "given names"),
            Level(
                None,
                "given names different",
                "given names different: Dice {dice:.2f}",
                "given_names_dice",
            ),  # fmt: skip
        ],
    ),
    "birth_date": (
        "birth_key",
        [
            Level('"birth_key_l" = "birth_key_r"', "birth date equal", "birth date key equal"),
            Level(
                '"birth_swapped_key_l" = "birth_key_r" OR "birth_key_l" = "birth_swapped_key_r"',
                "birth date with day and month swapped",
                "birth date equal with day and month swapped",
            ),
            Level(
                '"birth_month_key_l" = "birth_month_key_r"',
                "birth month equal",
                "birth year and month equal, day different",
            ),
            Level(None, "birth date different", "birth date different"),
        ],
    ),
    "sex": (
        "sex_key",
        [
            Level('"sex_key_l" = "sex_key_r"', "sex equal", "sex equal"),
            Level(None, "sex different", "sex different"),
        ],
    ),
    "postcode": (
        "postcode_key",
        [
            Level('"postcode_key_l" = "postcode_key_r"', "postcode equal", "postcode equal"),
            Level(None, "postcode different", "postcode different"),
        ],
    ),
}


def _comparison(name: str, null_column: str, levels: Sequence[Level]) -> ComparisonCreator:
    creators: list[ComparisonLevelCreator | dict[str, Any]] = [cll.NullLevel(null_column)]
    for level in levels:
        creator: ComparisonLevelCreator = (
            cll.ElseLevel() if level.sql is None else cll.CustomLevel(level.sql, level.label)
        )
        if level.fixed_m is not None:
            creator = creator.configure(m_probability=level.fixed_m, fix_m_probability=True)
        creators.append(creator)
    return cl.CustomComparison(
        output_column_name=name, comparison_description=name, comparison_levels=creators
    )


def pseudonymised_comparisons() -> list[ComparisonCreator | dict[str, Any]]:
    return [_comparison(name, null, levels) for name, (null, levels) in COMPARISONS.items()]


def conflict_condition() -> str:
    """Two claims at two different welfare centres whose periods overlap."""
    return (
        "l.ocmw_refnis <> r.ocmw_refnis "
        "AND l.start_date <= r.end_open AND r.start_date <= l.end_open"
    )


# Kept with each scored pair for the conflict step (which periods overlap, at which centres).
RETAINED_COLUMNS = ("ocmw_refnis", "start_date", "end_date", "insz_valid")

BLOCKING_KEYS: Sequence[Sequence[str]] = (
    ("insz_key",),
    ("family_birth_key",),
    ("core_first_birth_key",),
    ("given_birth_key",),
    ("birth_key",),
)


def pseudonymised_blocking_sql(*, conflicts_only: bool = True) -> list[str]:
    """Candidate pairs: equal on one of the keys (or birth dates equal after a day/month swap).

    Any of the name keys is enough, so a claim with no or a mistyped INSZ still meets the
    other claims of the person; the birth-date key alone catches a changed family name with
    dropped given names. With `conflicts_only` the pairs must also be possible conflicts,
    which is what keeps the number of candidate pairs low.
    """
    rules = [" AND ".join(f"l.{key} = r.{key}" for key in keys) for keys in BLOCKING_KEYS]
    rules.append("l.birth_swapped_key = r.birth_key")
    if conflicts_only:
        rules = [f"({rule}) AND {conflict_condition()}" for rule in rules]
    return rules


def pseudonymised_blocking_rules(
    *, conflicts_only: bool = True
) -> list[BlockingRuleCreator | dict[str, Any]]:
    return [CustomRule(rule) for rule in pseudonymised_blocking_sql(conflicts_only=conflicts_only)]


def pseudonymised_settings(*, conflicts_only: bool = True) -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="claim_id",
        comparisons=pseudonymised_comparisons(),
        blocking_rules_to_generate_predictions=pseudonymised_blocking_rules(
            conflicts_only=conflicts_only
        ),
        # The gamma_* levels the evidence is worded from come only with the matching columns.
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=False,
        additional_columns_to_retain=list(RETAINED_COLUMNS),
    )


# EM sessions: one blocked on the INSZ key (learns the names and dates), one on the birth
# date key (learns the INSZ); each leaves out the comparison it is blocked on.
TRAINING_KEYS = ("insz_key", "birth_key")


def _has_pairs(connection: duckdb.DuckDBPyConnection, column: str) -> bool:
    """Whether two encoded claims agree on `column` (an EM session without pairs fails)."""
    rows = connection.sql(
        f"SELECT count(*) FROM (SELECT {column} FROM {HUB_TABLE} WHERE {column} IS NOT NULL"
        f" GROUP BY {column} HAVING count(*) > 1)"
    ).fetchall()
    return bool(rows[0][0])


def train(linker: Linker, connection: duckdb.DuckDBPyConnection, *, seed: int = 42) -> None:
    """Estimate the model without labels, as the clear-text model does: the prior from pairs
    that agree on the INSZ or on name and birth date, u by random sampling, m by EM — each
    session only where its key has pairs (claims without INSZ numbers have none on it)."""
    training = linker.training
    training.estimate_probability_two_random_records_match(
        [
            "l.insz_key = r.insz_key AND l.family_birth_key = r.family_birth_key",
            "l.family_birth_key = r.family_birth_key AND l.given_birth_key = r.given_birth_key",
        ],
        recall=0.7,
    )
    training.estimate_u_using_random_sampling(max_pairs=U_SAMPLE_PAIRS, seed=seed)
    for column in TRAINING_KEYS:
        if _has_pairs(connection, column):
            training.estimate_parameters_using_expectation_maximisation(
                block_on(column), max_pairs=EM_MAX_PAIRS
            )


def build_linker(connection: duckdb.DuckDBPyConnection, encoded: pa.Table) -> Linker:
    table = prepare_hub_table(connection, encoded)
    return Linker(
        DuckDBAPI(connection=connection).register(table),
        pseudonymised_settings(),
        log_level=logging.ERROR,
    )


DICE_COLUMNS = ("family_name_clk", "given_names_clk", "names_clk", "insz_clk")


def score_encoded_pairs(
    connection: duckdb.DuckDBPyConnection,
    encoded: pa.Table,
    *,
    floor: float = 0.01,
    seed: int = 42,
    group: Callable[[pa.Table, pa.Table], Grouping] | None = None,
) -> tuple[pa.Table, Grouping | None, dict[str, Any]]:
    """Train on the encoded claims and score every candidate pair at or above `floor`.

    The pairs carry claim_id_l/_r, match_probability, the gamma_* levels, the retained
    columns (centre, period), the Dice values the evidence quotes and the evidence itself;
    the model (as Splink's JSON) goes with them. With `group` (hub claims, scored pairs ->
    grouping) the claims are grouped and the pairs of a group that were not candidates are
    scored too. The hub table stays in `connection`, as `hub_claims(connection)`.
    """
    linker = build_linker(connection, encoded)
    train(linker, connection, seed=seed)
    predictions = linker.inference.predict(threshold_match_probability=floor)
    pairs = _with_evidence(connection, predictions.physical_name)
    grouping = None
    if group is not None:
        hub = connection.sql(f"SELECT claim_id, insz_key, insz_valid FROM {HUB_TABLE}")
        grouping = group(hub.to_arrow_table(), pairs)
        if grouping.cluster_of:
            registered = DuckDBAPI(connection=connection).register(
                clusters_table(grouping), table_name="clusters"
            )
            missing = linker.inference._score_missing_cluster_edges(registered, predictions)
            more = _with_evidence(connection, missing.physical_name)
            pairs = pa.concat_tables(
                [pairs, more.select(pairs.column_names)], promote_options="permissive"
            )
            missing.drop_table_from_database_and_remove_from_cache()
    model = linker.misc.save_model_to_json()
    predictions.drop_table_from_database_and_remove_from_cache()
    return pairs, grouping, model


def _with_evidence(connection: duckdb.DuckDBPyConnection, table: str) -> pa.Table:
    dice_select = ", ".join(
        f"2.0 * bit_count(l.{name} & r.{name}) / nullif(l.{name}_count + r.{name}_count, 0) "
        f"AS {name.removesuffix('_clk')}_dice"
        for name in DICE_COLUMNS
    )
    pairs = connection.sql(
        f"""
        SELECT p.* EXCLUDE ({", ".join(_matching_columns())}), {dice_select}
        FROM {table} p
        JOIN {HUB_TABLE} l ON l.claim_id = p.claim_id_l
        JOIN {HUB_TABLE} r ON r.claim_id = p.claim_id_r
        """
    ).to_arrow_table()
    texts = [evidence_text(row) for row in pairs.to_pylist()]
    return pairs.append_column("evidence", pa.array(texts, pa.string()))


def _matching_columns() -> list[str]:
    """The encoded values Splink retains with each pair; the evidence needs only the levels."""
    names = [name for name in ENCODED_COLUMNS if name.endswith("_key") and name != "sex_key"]
    names += ["sex_key", *DICE_COLUMNS, *(f"{name}_count" for name in DICE_COLUMNS)]
    return [f"{name}_{side}" for name in names for side in ("l", "r")]


def hub_claims(connection: duckdb.DuckDBPyConnection) -> pa.Table:
    """The claims as the hub knows them: id, centre and period (with end_open)."""
    return connection.sql(
        f"SELECT claim_id, ocmw_refnis, start_date, end_date, end_open FROM {HUB_TABLE}"
    ).to_arrow_table()


def evidence_text(pair: Mapping[str, object]) -> str:
    """'INSZ key equal; family name Bloom-filter Dice 0.93; ...' for one scored pair; the
    comparisons with a missing value on either side are left out."""
    parts: list[str] = []
    for name, (_null, levels) in COMPARISONS.items():
        gamma = pair.get(f"gamma_{name}")
        if not isinstance(gamma, int) or gamma < 0:
            continue
        # Splink numbers the levels from the else level (0) upwards.
        level = levels[len(levels) - 1 - gamma]
        dice = pair.get(level.dice_column) if level.dice_column else None
        parts.append(level.wording.format(dice=dice if isinstance(dice, float) else 0.0))
    return "; ".join(parts)
