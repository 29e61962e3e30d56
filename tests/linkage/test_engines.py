"""One Splink model gives the same pairs and probabilities on DuckDB and on Spark.

The model's m and u probabilities are fixed, so no training noise can hide a difference
between the backends: same candidate pairs, same comparison levels, same arithmetic.
"""

import datetime
import shutil
import subprocess
import sys
from collections.abc import Iterator

import pyarrow as pa
import pytest
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import Linker, SettingsCreator, block_on
from splink.internals.comparison_level_creator import ComparisonLevelCreator

from loket.linkage.engines import (
    DuckDBEngine,
    EngineSettings,
    EngineUnavailableError,
    LinkageEngine,
    open_engine,
)

FAMILY_NAMES = ["peeters", "janssens", "maes", "jacobs", "mertens", "willems", "claes", "goossens"]
MISSPELT = {"peeters": "peters", "janssens": "jansens", "maes": "maas", "jacobs": "jakobs"}
GIVEN_NAMES = ["jan", "marie", "luc", "an", "els", "tom", "sofie", "pieter", "lotte", "wim"]


def claims() -> pa.Table:
    """50 claims: 25 people at a first OCMW, 25 at a second with some names misspelt."""
    rows: list[dict[str, object]] = []
    for person in range(25):
        family = FAMILY_NAMES[person % len(FAMILY_NAMES)]
        born = datetime.date(1960 + person, 1 + person % 12, 1 + person % 28)
        rows.append(
            {
                "claim_id": f"A{person:02d}",
                "ocmw_refnis": "11002",
                "family_name": family,
                "given_first": GIVEN_NAMES[person % len(GIVEN_NAMES)],
                "birth_date": born,
                "start_date": datetime.date(2024, 1, 1),
                "end_date": None,
            }
        )
        second_birth: datetime.date | None = born if person % 3 else born.replace(day=28)
        rows.append(
            {
                "claim_id": f"B{person:02d}",
                "ocmw_refnis": "44021",
                "family_name": MISSPELT.get(family, family) if person % 2 else family,
                "given_first": None if person % 5 == 0 else GIVEN_NAMES[person % len(GIVEN_NAMES)],
                "birth_date": None if person % 7 == 0 else second_birth,
                "start_date": datetime.date(2024, 6, 1),
                "end_date": datetime.date(2025, 6, 30) if person % 4 else None,
            }
        )
    schema = pa.schema(
        [
            ("claim_id", pa.string()),
            ("ocmw_refnis", pa.string()),
            ("family_name", pa.string()),
            ("given_first", pa.string()),
            ("birth_date", pa.date32()),
            ("start_date", pa.date32()),
            ("end_date", pa.date32()),
        ]
    )
    return pa.Table.from_pylist(rows, schema=schema)


def fixed(level: ComparisonLevelCreator, m: float, u: float) -> ComparisonLevelCreator:
    return level.configure(m_probability=m, u_probability=u)


def fixed_settings() -> SettingsCreator:
    family = cl.CustomComparison(
        output_column_name="family_name",
        comparison_levels=[
            cll.NullLevel("family_name"),
            fixed(cll.ExactMatchLevel("family_name"), 0.8, 0.05),
            fixed(cll.JaroWinklerLevel("family_name", 0.9), 0.15, 0.02),
            fixed(cll.DamerauLevenshteinLevel("family_name", 2), 0.03, 0.03),
            fixed(cll.ElseLevel(), 0.02, 0.9),
        ],
    )
    given = cl.CustomComparison(
        output_column_name="given_first",
        comparison_levels=[
            cll.NullLevel("given_first"),
            fixed(cll.ExactMatchLevel("given_first"), 0.9, 0.1),
            fixed(cll.ElseLevel(), 0.1, 0.9),
        ],
    )
    birth = cl.CustomComparison(
        output_column_name="birth_date",
        comparison_levels=[
            cll.NullLevel("birth_date"),
            fixed(cll.ExactMatchLevel("birth_date"), 0.9, 0.001),
            fixed(cll.ElseLevel(), 0.1, 0.999),
        ],
    )
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="claim_id",
        comparisons=[family, given, birth],
        blocking_rules_to_generate_predictions=[
            # Every pair of claims at two OCMWs whose periods overlap (empty end = ongoing).
            "l.ocmw_refnis <> r.ocmw_refnis AND l.start_date <= coalesce(r.end_date, "
            "DATE '9999-12-31') AND r.start_date <= coalesce(l.end_date, DATE '9999-12-31')",
            block_on("family_name"),
        ],
        probability_two_random_records_match=0.01,
        retain_matching_columns=True,
    )


def predicted_pairs(engine: LinkageEngine) -> dict[tuple[str, str], float]:
    """Every scored pair, ordered, with its match probability."""
    sdf = engine.register(claims(), "claims")
    linker = Linker(sdf, fixed_settings())
    scored = engine.to_arrow(linker.inference.predict())
    return {
        tuple(sorted((left, right))): probability
        for left, right, probability in zip(
            scored.column("claim_id_l").to_pylist(),
            scored.column("claim_id_r").to_pylist(),
            scored.column("match_probability").to_pylist(),
            strict=True,
        )
    }


@pytest.fixture(scope="module")
def spark_engine() -> Iterator[LinkageEngine]:
    if shutil.which("java") is None:
        pytest.skip("Spark needs a Java runtime")
    engine = open_engine("spark")
    yield engine
    engine.close()


@pytest.fixture
def duckdb_engine() -> Iterator[LinkageEngine]:
    engine = open_engine("duckdb")
    yield engine
    engine.close()


def test_spark_and_duckdb_score_the_same_pairs_alike(
    duckdb_engine: LinkageEngine, spark_engine: LinkageEngine
) -> None:
    on_duckdb = predicted_pairs(duckdb_engine)
    on_spark = predicted_pairs(spark_engine)

    assert set(on_spark) == set(on_duckdb)
    for pair, probability in on_duckdb.items():
        assert on_spark[pair] == pytest.approx(probability, abs=1e-6), pair
    # The model is not trivial: it separates same-person pairs from the rest.
    assert on_duckdb[("A01", "B01")] > 0.99
    assert on_duckdb[("A01", "B02")] < 0.5


def test_spark_round_trip_keeps_dates_nulls_and_plain_strings(spark_engine: LinkageEngine) -> None:
    table = claims()

    back = spark_engine.to_arrow(spark_engine.register(table, "round_trip"))

    assert back.schema == table.schema
    assert back.sort_by("claim_id").to_pylist() == table.sort_by("claim_id").to_pylist()


def test_duckdb_engine_exposes_its_connection_for_sql() -> None:
    with DuckDBEngine(memory_limit="1GB", threads=1) as engine:
        engine.register(claims(), "claims")
        ongoing = engine.connection.sql("SELECT count(*) FROM claims WHERE end_date IS NULL")
        threads = engine.connection.sql("SELECT current_setting('threads')")

        assert ongoing.fetchall() == [(25 + 7,)]
        assert threads.fetchall() == [(1,)]


def test_duckdb_users_do_not_load_spark() -> None:
    script = (
        "import sys\n"
        "from loket.linkage.engines import open_engine\n"
        "open_engine('duckdb').close()\n"
        "print('pyspark' in sys.modules)\n"
    )

    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )

    assert result.stdout.strip() == "False"


def test_engine_settings_come_from_loket_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOKET_SPARK_MASTER", "spark://cluster:7077")
    monkeypatch.setenv("LOKET_DUCKDB_THREADS", "3")

    settings = EngineSettings()

    assert settings.spark_master == "spark://cluster:7077"
    assert settings.duckdb_threads == 3


def test_spark_without_java_says_what_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    from pyspark.sql import SparkSession

    monkeypatch.setattr(SparkSession, "getActiveSession", staticmethod(lambda: None))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", "")

    with pytest.raises(EngineUnavailableError, match="needs Java 17 or newer"):
        open_engine("spark")


def test_unknown_engine_is_refused_with_the_choices() -> None:
    with pytest.raises(ValueError, match=r"engine must be one of duckdb, spark; got 'postgres'"):
        open_engine("postgres")
