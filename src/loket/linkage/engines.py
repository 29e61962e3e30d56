"""Where Splink runs: DuckDB in this process, or Spark when the claims outgrow one machine.

The linkage pipeline talks to a `LinkageEngine` only, so one Splink model runs unchanged on
either backend. pyspark is imported only when the Spark engine is opened.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from abc import ABC, abstractmethod
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

import duckdb
import pyarrow as pa
from pydantic_settings import BaseSettings, SettingsConfigDict
from splink.internals.database_api import DatabaseAPI
from splink.internals.splink_dataframe import SplinkDataFrame

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

ENGINE_NAMES = ("duckdb", "spark")

# Quiet Spark's own chatter (log4j2): only errors reach stderr.
LOG4J2_PROPERTIES = """\
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n
"""


class EngineUnavailableError(RuntimeError):
    """The engine asked for cannot run here (a missing package or runtime)."""


class EngineSettings(BaseSettings):
    """LOKET_* settings of the linkage engines; unset means the engine's own default."""

    model_config = SettingsConfigDict(env_prefix="LOKET_")

    # DuckDB: spills to disk beyond this; 1 GB keeps a million claims under 2 GB in all and
    # did not slow them down (benchmarks/RESULTS.md). None: 80% of the machine's memory.
    duckdb_memory_limit: str | None = "1GB"
    # DuckDB: worker threads; DuckDB's default is one per core.
    duckdb_threads: int | None = None
    # Spark master URL: local[2] runs Spark in a JVM started by loket; spark://host:7077,
    # yarn or k8s://... run on a cluster.
    spark_master: str = "local[2]"
    spark_driver_memory: str | None = None
    spark_executor_memory: str | None = None
    # Shuffle partitions: few for a local run, Spark's 200 (or spark-defaults.conf) on a cluster.
    spark_shuffle_partitions: int | None = None
    # Where Splink writes intermediate tables; on a cluster it must be shared storage
    # (hdfs://, s3a://). Unset: a temporary directory, removed on close.
    spark_checkpoint_dir: str | None = None


class LinkageEngine(ABC):
    """A Splink backend plus the two moves the pipeline needs: Arrow in, Arrow out."""

    name: str

    @property
    @abstractmethod
    def db_api(self) -> DatabaseAPI[Any]:
        """The Splink database API to build a `Linker` on."""

    def register(self, table: pa.Table, name: str) -> SplinkDataFrame:
        """Make an Arrow table a Splink input table called `name`."""
        return self.db_api.register(table, table_name=name)

    @abstractmethod
    def to_arrow(self, sdf: SplinkDataFrame) -> pa.Table:
        """Bring a Splink result back as an Arrow table with the engine-neutral types."""

    @abstractmethod
    def close(self) -> None:
        """Release what this engine started; the engine is unusable afterwards."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class DuckDBEngine(LinkageEngine):
    """Splink on an in-memory DuckDB that spills to a private temporary directory."""

    name = "duckdb"

    def __init__(self, *, memory_limit: str | None = None, threads: int | None = None) -> None:
        self._spill_dir = tempfile.mkdtemp(prefix="loket-duckdb-")
        config: dict[str, str | bool | int | float | list[str]] = {
            "temp_directory": self._spill_dir
        }
        if memory_limit is not None:
            config["memory_limit"] = memory_limit
        if threads is not None:
            config["threads"] = threads
        self.connection = duckdb.connect(":memory:", config=config)
        from splink.backends.duckdb import DuckDBAPI

        self._db_api = DuckDBAPI(connection=self.connection)

    @property
    def db_api(self) -> DatabaseAPI[Any]:
        return self._db_api

    def to_arrow(self, sdf: SplinkDataFrame) -> pa.Table:
        return self.connection.sql(f"SELECT * FROM {sdf.physical_name}").to_arrow_table()

    def close(self) -> None:
        self.connection.close()
        shutil.rmtree(self._spill_dir, ignore_errors=True)


class SparkEngine(LinkageEngine):
    """Splink on a Spark session: local by default, a cluster when a master URL is given.

    An active Spark session (a notebook, spark-submit) is reused and left running on close;
    a session this engine starts is stopped on close.
    """

    name = "spark"

    def __init__(self, settings: EngineSettings | None = None) -> None:
        try:
            from pyspark.sql import SparkSession
            from splink.backends.spark import SparkAPI
        except ImportError as error:
            raise EngineUnavailableError(
                "the spark engine needs pyspark; install loket with its 'spark' extra"
            ) from error

        settings = settings or EngineSettings()
        self._work_dir = tempfile.mkdtemp(prefix="loket-spark-")
        active = SparkSession.getActiveSession()
        self._owns_session = active is None
        try:
            self.session = active if active is not None else self._start_session(settings)
        except BaseException:
            shutil.rmtree(self._work_dir, ignore_errors=True)
            raise
        if settings.spark_checkpoint_dir is not None:
            self.session.sparkContext.setCheckpointDir(settings.spark_checkpoint_dir)
        elif self.session.sparkContext.getCheckpointDir() is None:
            self.session.sparkContext.setCheckpointDir(str(Path(self._work_dir) / "checkpoints"))
        # Splink materialises intermediate tables as parquet under the checkpoint directory.
        # SparkAPI's constructor carries no type hints.
        self._db_api = SparkAPI(  # type: ignore[no-untyped-call]
            spark_session=self.session, break_lineage_method="parquet"
        )

    def _start_session(self, settings: EngineSettings) -> SparkSession:
        from pyspark.sql import SparkSession
        from splink.backends.spark import similarity_jar_location

        if not os.environ.get("JAVA_HOME") and shutil.which("java") is None:
            raise EngineUnavailableError(
                "the spark engine needs Java 17 or newer; install it or set JAVA_HOME"
            )
        log_config = Path(self._work_dir) / "log4j2.properties"
        log_config.write_text(LOG4J2_PROPERTIES)
        local = settings.spark_master.startswith("local")
        conf: dict[str, str] = {
            # Splink's jaro_winkler, damerau_levenshtein, jaccard... are Scala UDFs in this jar;
            # Spark ships it to the executors, so nothing is downloaded at run time.
            "spark.jars": similarity_jar_location(),
            "spark.ui.enabled": "false",
            "spark.ui.showConsoleProgress": "false",
            "spark.sql.session.timeZone": "UTC",
            "spark.sql.execution.arrow.pyspark.enabled": "true",
            "spark.driver.extraJavaOptions": f"-Dlog4j2.configurationFile={log_config.as_uri()}",
        }
        if local:
            conf["spark.driver.host"] = "127.0.0.1"
            conf["spark.driver.bindAddress"] = "127.0.0.1"
            conf["spark.sql.shuffle.partitions"] = "4"
        if settings.spark_shuffle_partitions is not None:
            conf["spark.sql.shuffle.partitions"] = str(settings.spark_shuffle_partitions)
        if settings.spark_driver_memory is not None:
            conf["spark.driver.memory"] = settings.spark_driver_memory
        if settings.spark_executor_memory is not None:
            conf["spark.executor.memory"] = settings.spark_executor_memory
        builder = SparkSession.builder.master(settings.spark_master).appName("loket-linkage")
        for key, value in conf.items():
            builder = builder.config(key, value)
        session = builder.getOrCreate()
        session.sparkContext.setLogLevel("ERROR")
        return session

    @property
    def db_api(self) -> DatabaseAPI[Any]:
        return self._db_api

    def to_arrow(self, sdf: SplinkDataFrame) -> pa.Table:
        table = self.session.table(sdf.physical_name).toArrow()
        # Spark 4 hands out large_string; DuckDB and the CSV writers expect plain string.
        return table.cast(_without_large_types(table.schema))

    def close(self) -> None:
        if self._owns_session:
            self.session.stop()
        shutil.rmtree(self._work_dir, ignore_errors=True)


def _without_large_types(schema: pa.Schema) -> pa.Schema:
    return pa.schema(
        [field.with_type(_plain_type(field.type)) for field in schema], metadata=schema.metadata
    )


def _plain_type(arrow_type: pa.DataType) -> pa.DataType:
    if pa.types.is_large_string(arrow_type):
        return pa.string()
    if pa.types.is_large_binary(arrow_type):
        return pa.binary()
    if pa.types.is_large_list(arrow_type) or pa.types.is_list(arrow_type):
        return pa.list_(_plain_type(arrow_type.value_type))
    return arrow_type


def open_engine(name: str, settings: EngineSettings | None = None) -> LinkageEngine:
    """The engine called `name` ("duckdb" or "spark"), configured from LOKET_* settings."""
    settings = settings or EngineSettings()
    if name == "duckdb":
        return DuckDBEngine(
            memory_limit=settings.duckdb_memory_limit, threads=settings.duckdb_threads
        )
    if name == "spark":
        return SparkEngine(settings)
    raise ValueError(f"engine must be one of {', '.join(ENGINE_NAMES)}; got {name!r}")
