"""Completing missing INSZ numbers of claims from loket's citizen register before linking.

A claim without a usable INSZ gets the number of the one registered citizen whose family name,
given names and birth date agree with it once standardised as the linker does (accents, case,
particles and given-name order do not count). Two or more such citizens, or none, leave the
claim as it was: a namesake must never lend a claim their number.

The look-up is a consultation of identity data for the purpose fraud-control: it needs a
member of staff whose agency holds a valid authorisation for it, and every number released is
a consultation entry in the tamper-evident access log, made through `loket.exchange.consult`.
"""

import csv
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from sqlalchemy import select
from sqlalchemy.orm import Session

from loket.cases.model import StaffUser
from loket.exchange.authorisations import AuthorisationState, state_on
from loket.exchange.catalogue import DataCategory, Purpose, role_may_consult
from loket.exchange.consult import consult
from loket.exchange.model import Authorisation
from loket.linkage.claims import CLAIM_COLUMNS, CLAIMS_SCHEMA, read_claims
from loket.linkage.standardise import standardise
from loket.people.model import Citizen

CATEGORY = DataCategory.IDENTITY
PURPOSE = Purpose.FRAUD_CONTROL
# Birth dates asked of the register per query (a claims file can hold many thousands).
BIRTH_DATES_PER_QUERY = 500

Key = tuple[str, str, str]


class CompletionRefused(Exception):
    """The register may not be consulted for this run; the message names the option to fix."""


@dataclass
class CompletionSummary:
    """What completing missing INSZ numbers did, for the run's JSON summary."""

    claims_without_insz: int = 0
    completed: int = 0
    ambiguous: int = 0
    not_found: int = 0
    unmatchable: int = 0  # no name or no birth date to look up
    denied: int = 0  # a unique match the consultation refused (e.g. no open dossier)
    denial_reasons: dict[str, int] = field(default_factory=dict)
    log_entries: list[int] = field(default_factory=list)
    completed_file: str | None = None
    user: str = ""
    # Bad rows of the original file: they are not in the completed file the linker reads.
    rejected: int = 0
    rejects_file: str | None = None

    def as_json(self) -> dict[str, Any]:
        summary = asdict(self)
        entries = summary.pop("log_entries")
        summary["log_entries"] = len(entries)
        summary["first_log_seq"] = entries[0] if entries else None
        summary["last_log_seq"] = entries[-1] if entries else None
        return summary


def lawful_actor(session: Session, username: str, on: date) -> StaffUser:
    """The member of staff the consultations are made as, when they may make them.

    The register may be consulted to complete claims only by a member of staff whose role may
    consult identity data, of an agency that holds an authorisation for identity data with the
    purpose fraud-control, valid on the day of the run.
    """
    actor = session.get(StaffUser, username)
    if actor is None:
        raise CompletionRefused(f"--complete-user: no member of staff is called {username!r}")
    if not role_may_consult(actor.role, CATEGORY):
        raise CompletionRefused(
            f"--complete-user: {username} is a {actor.role}, a role that may not consult "
            f"{CATEGORY.value} data; name a case worker"
        )
    authorisations = session.scalars(
        select(Authorisation).where(
            Authorisation.grantee_agency == actor.agency_code,
            Authorisation.category == CATEGORY.value,
            Authorisation.purpose == PURPOSE.value,
        )
    )
    if not any(state_on(a, on) is AuthorisationState.VALID for a in authorisations):
        raise CompletionRefused(
            f"--complete-insz: {actor.agency_code} holds no authorisation valid on {on} to "
            f"consult {CATEGORY.value} data for {PURPOSE.value}; a privacy officer grants one "
            f"with `loket exchange grant --agency {actor.agency_code} --category "
            f"{CATEGORY.value} --purpose {PURPOSE.value} ...`"
        )
    return actor


def _key_columns(connection: duckdb.DuckDBPyConnection, table: pa.Table) -> list[Key | None]:
    """Family name, sorted given names and birth date, standardised as the linker does."""
    keys = standardise(connection, table).select(["family_name", "given_sorted", "birth_ymd"])
    return [
        (family, given, born) if family and given and born else None
        for family, given, born in zip(
            *(keys[c].to_pylist() for c in keys.column_names), strict=True
        )
    ]


def _as_claims(rows: list[tuple[int, str, str, str, date | None]]) -> pa.Table:
    """Register rows in the claims layout, so that `standardise` treats them as claims."""
    n = len(rows)
    columns: dict[str, list[Any]] = {name: [None] * n for name in CLAIMS_SCHEMA.names}
    columns["line"] = [r[0] for r in rows]
    columns["claim_id"] = [str(r[0]) for r in rows]
    columns["insz"] = [r[1] for r in rows]
    columns["family_name"] = [r[2] for r in rows]
    columns["given_names"] = [r[3] for r in rows]
    columns["birth_date"] = [r[4] for r in rows]
    return pa.table(columns, schema=CLAIMS_SCHEMA)


def _chunks(days: list[date], size: int) -> Iterator[list[date]]:
    for start in range(0, len(days), size):
        yield days[start : start + size]


def register_matches(
    session: Session, connection: duckdb.DuckDBPyConnection, births: Iterable[date]
) -> dict[Key, list[str]]:
    """The register's INSZ numbers per standardised key, for citizens born on those days."""
    found: dict[Key, list[str]] = defaultdict(list)
    for days in _chunks(sorted(set(births)), BIRTH_DATES_PER_QUERY):
        rows = session.execute(
            select(
                Citizen.id, Citizen.insz, Citizen.family_name, Citizen.given_names,
                Citizen.birth_date,
            ).where(Citizen.birth_date.in_(days))
        ).all()  # fmt: skip
        if not rows:
            continue
        citizens = _as_claims([(r[0], r[1], r[2], r[3], r[4]) for r in rows])
        for key, insz in zip(
            _key_columns(connection, citizens), citizens["insz"].to_pylist(), strict=True
        ):
            if key is not None:
                found[key].append(insz)
    return found


def complete_claims(
    session: Session,
    claims: pa.Table,
    actor: StaffUser,
    dossier_reference: str | None,
    on: date,
) -> tuple[pa.Table, CompletionSummary]:
    """`claims` (as `read_claims` gives them) with INSZ numbers filled in from the register
    where exactly one citizen matches and the consultation is granted; the counts of each
    outcome. Consultation entries are added to `session`'s transaction."""
    summary = CompletionSummary(user=actor.username)
    missing = [i for i, number in enumerate(claims["insz"].to_pylist()) if number is None]
    summary.claims_without_insz = len(missing)
    if not missing:
        return claims, summary
    with duckdb.connect() as connection:
        keys = _key_columns(connection, claims.take(missing))
        births = [date.fromisoformat(k[2]) for k in keys if k is not None]
        register = register_matches(session, connection, births)
    numbers = claims["insz"].to_pylist()
    valid = claims["insz_valid"].to_pylist()
    reasons: dict[str, int] = defaultdict(int)
    for index, key in zip(missing, keys, strict=True):
        if key is None:
            summary.unmatchable += 1
            continue
        candidates = register.get(key, [])
        if not candidates:
            summary.not_found += 1
            continue
        if len(candidates) > 1:
            summary.ambiguous += 1
            continue
        answer = consult(
            session, actor, candidates[0], CATEGORY.value, PURPOSE.value, dossier_reference, on
        )
        summary.log_entries.append(answer.log_seq)
        if not answer.granted:
            summary.denied += 1
            reasons[str(answer.reason)] += 1
            continue
        numbers[index] = candidates[0]
        valid[index] = True
        summary.completed += 1
    summary.denial_reasons = dict(reasons)
    completed = claims.set_column(
        claims.column_names.index("insz"), "insz", pa.array(numbers, pa.string())
    )
    completed = completed.set_column(
        completed.column_names.index("insz_valid"), "insz_valid", pa.array(valid, pa.bool_())
    )
    return completed, summary


def write_claims(path: Path, claims: pa.Table) -> None:
    """Claims (as `read_claims` gives them) back into a claims CSV of the contract."""

    def text(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, float):
            return f"{value:.2f}"
        return str(value)

    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(CLAIM_COLUMNS)
        columns = [claims[c].to_pylist() for c in CLAIM_COLUMNS]
        writer.writerows([text(v) for v in row] for row in zip(*columns, strict=True))


def completed_path(out: Path) -> Path:
    """Where the completed claims go: beside the conflicts file."""
    return out.with_name(out.stem + ".completed-claims.csv")


def complete_claims_file(
    session: Session,
    claims_path: Path,
    out: Path,
    username: str,
    dossier_reference: str | None = None,
    on: date | None = None,
) -> tuple[Path, CompletionSummary]:
    """Complete the claims file's missing INSZ numbers into `completed_path(out)`, which the
    linker then reads instead; refused (CompletionRefused) before anything is looked up when
    the consultation would not be lawful. Bad rows go to `<claims>.rejects.csv` as usual."""
    day = on or date.today()
    actor = lawful_actor(session, username, day)
    read = read_claims(claims_path, today=day)
    completed, summary = complete_claims(session, read.table, actor, dossier_reference, day)
    target = completed_path(out)
    write_claims(target, completed)
    summary.completed_file = str(target)
    summary.rejected = read.rejected
    summary.rejects_file = read.rejects_file
    return target, summary
