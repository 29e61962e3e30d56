"""The summary computed in DuckDB: the events of the periods to recompute are streamed out of
the database once, and every month, quarter and year, with and without service and channel, is
counted in one pass per table (GROUPING SETS and exact distinct counts of people)."""

import tempfile
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

import duckdb
import pyarrow as pa
from sqlalchemy import delete, insert
from sqlalchemy.orm import Session

from loket.insight.channels_model import ChannelEvent, DivideStep, DivideSummary

ALL = "*"
# The smallest number of people a figure may count (see loket.insight.divide). Smaller cells of
# one channel or one municipality's step are not even stored; totals are, to be suppressed.
MIN_PEOPLE = 10
FETCH_ROWS = 100_000
E = ChannelEvent
COLUMNS = ("occurred_on", "municipality", "service", "contact", "channel", "outcome", "step")
SCHEMA = pa.schema(
    [("occurred_on", pa.date32())]
    + [(name, pa.string()) for name in COLUMNS[1:]]
    + [("person_key", pa.string())]
)

# The period key of each kind, from the day; the counting runs once per kind.
PERIOD_KEYS = (
    "strftime(occurred_on, '%Y-%m')",
    "strftime(occurred_on, '%Y') || '-Q' || CAST(quarter(occurred_on) AS VARCHAR)",
    "strftime(occurred_on, '%Y')",
)
# Events as DuckDB holds them: the person as a 64-bit hash of the key (8 bytes, not 16
# characters; a collision among millions of people is about one in ten million).
EVENTS_SQL = """
CREATE TEMP TABLE events AS
SELECT occurred_on, coalesce(municipality, '') AS place, service, contact, channel, outcome,
       step, hash(person_key) AS person_key,
       contact <> 'request' OR outcome IN ('submitted', 'abandoned') AS is_contact
FROM incoming
"""
PERIODIC_SQL = """
CREATE OR REPLACE TEMP VIEW periodic AS
SELECT {key} AS period, * EXCLUDE (occurred_on) FROM events
WHERE {key} IN (SELECT period FROM wanted)
"""
# DuckDB spills to disk beyond this, so that a refresh of millions of events stays modest.
MEMORY_LIMIT = "2GB"

SUMMARY_SQL = """
WITH counted AS (
  SELECT period, place,
         CASE WHEN grouping(service) = 1 THEN '*' ELSE service END AS service,
         CASE WHEN grouping(channel) = 1 THEN '*' ELSE channel END AS channel,
         count(*) AS contacts, count(DISTINCT person_key) AS people
  FROM periodic WHERE is_contact
  GROUP BY GROUPING SETS ((period, place, service, channel), (period, place, service),
                          (period, place, channel), (period, place))
), people AS (
  SELECT period, place, CASE WHEN grouping(service) = 1 THEN '*' ELSE service END AS service,
         person_key,
         max(channel = 'online' AND outcome = 'submitted') AS digital,
         max(channel = 'online' AND outcome = 'abandoned') AS dropped
  FROM periodic WHERE is_contact
  GROUP BY GROUPING SETS ((period, place, service, person_key), (period, place, person_key))
), reachable AS (
  SELECT period, place, service, count(*) AS reachable FROM people
  WHERE NOT digital OR dropped GROUP BY period, place, service
)
SELECT c.period, c.service, c.place, c.channel, c.contacts, c.people,
       CASE WHEN c.channel = '*' THEN coalesce(r.reachable, 0) ELSE 0 END AS reachable
FROM counted AS c LEFT JOIN reachable AS r
  ON r.period = c.period AND r.place = c.place AND r.service = c.service
WHERE c.channel = '*' OR c.people >= $min_people
"""

STEP_SQL = """
SELECT period,
       CASE WHEN grouping(service) = 1 THEN '*' ELSE service END AS service,
       CASE WHEN grouping(place) = 1 THEN '*' ELSE place END AS place,
       step,
       count(DISTINCT person_key) FILTER (WHERE outcome IN ('started', 'step')) AS reached,
       count(DISTINCT person_key) FILTER (WHERE outcome = 'abandoned') AS abandoned
FROM periodic
WHERE contact = 'request' AND channel = 'online' AND step IS NOT NULL
GROUP BY GROUPING SETS ((period, step, service, place), (period, step, service),
                        (period, step, place), (period, step))
HAVING grouping(place) = 1 OR abandoned >= $min_people
"""


def _batches(session: Session, first: date, last: date) -> Iterator[pa.RecordBatch]:
    """The events from `first` to `last`, streamed in Arrow batches straight from the driver
    (SQLAlchemy's row processing would take longer than all the counting)."""
    names = ", ".join((*COLUMNS, "person_key"))
    cursor = session.connection().connection.cursor()
    try:
        marker = "?" if session.get_bind().dialect.paramstyle == "qmark" else "%s"
        cursor.execute(
            f"SELECT {names} FROM channel_event WHERE occurred_on BETWEEN {marker} AND {marker}",
            (first.isoformat(), last.isoformat()),
        )
        while rows := cursor.fetchmany(FETCH_ROWS):
            columns = list(zip(*rows, strict=True))
            days = pa.array(columns[0])
            arrays = [days if days.type == pa.date32() else days.cast(pa.date32())]
            arrays += [pa.array(values, type=pa.string()) for values in columns[1:]]
            yield pa.RecordBatch.from_arrays(arrays, schema=SCHEMA)
    finally:
        cursor.close()


def recompute_periods(session: Session, periods: Sequence[tuple[str, date, date]]) -> int:
    """Replace the summary and funnel rows of `periods` ((key, first day, last day)) with
    fresh counts; the number of summary rows written."""
    if not periods:
        return 0
    keys = [key for key, _first, _last in periods]
    first = min(p[1] for p in periods)
    last = max(p[2] for p in periods)
    reader = pa.RecordBatchReader.from_batches(SCHEMA, _batches(session, first, last))
    summary: list[Any] = []
    steps: list[Any] = []
    with tempfile.TemporaryDirectory(prefix="loket-divide-") as spill, duckdb.connect() as db:
        db.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        db.execute(f"SET temp_directory = '{spill}'")
        db.execute("SET preserve_insertion_order = false")
        db.register("incoming", reader)
        db.execute(EVENTS_SQL)
        db.unregister("incoming")
        db.execute("CREATE TEMP TABLE wanted (period VARCHAR)")
        db.executemany("INSERT INTO wanted VALUES (?)", [(k,) for k in keys])
        for key in PERIOD_KEYS:
            db.execute(PERIODIC_SQL.format(key=key))
            summary += db.execute(SUMMARY_SQL, {"min_people": MIN_PEOPLE}).fetchall()
            steps += db.execute(STEP_SQL, {"min_people": MIN_PEOPLE}).fetchall()
    session.execute(delete(DivideSummary).where(DivideSummary.period.in_(keys)))
    session.execute(delete(DivideStep).where(DivideStep.period.in_(keys)))
    summary_columns = (
        "period",
        "service",
        "municipality",
        "channel",
        "contacts",
        "people",
        "reachable",
    )
    _insert(session, DivideSummary.__table__, summary_columns, summary)
    step_columns = ("period", "service", "municipality", "step", "reached", "abandoned")
    _insert(session, DivideStep.__table__, step_columns, steps)
    return len(summary)


def _insert(session: Session, table: Any, names: Sequence[str], rows: list[Any]) -> None:
    # Core, not the ORM: a plain executemany, in slices that keep memory flat.
    for start in range(0, len(rows), 20_000):
        chunk = [dict(zip(names, row, strict=True)) for row in rows[start : start + 20_000]]
        session.execute(insert(table), chunk)
