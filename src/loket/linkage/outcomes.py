"""Whether a pair of one group is a `conflict` or `needs-check`, with its own probability.

Every pair keeps its own score (never its group's weakest link). A pair is `needs-check`
rather than `conflict` when:

- its own probability is below the threshold: it is in the group only through other claims.
  Such a pair is kept however low its own score (`PairRules.floor`, 0 in detect): the
  cannot-link rule already keeps register-proven different people apart, and a person
  reviewing a group should see all its overlapping pairs;
- one of its claims is a *bridge*: a claim without a valid INSZ that linked strongly to two
  persons the register tells apart (`loket.linkage.clustering`), so which one it belongs to is
  open;
- the INSZ is missing on one claim (or differs without being a typo, e.g. a family member's
  number) and the agreement rests on name and birth date, while namesakes are likely:
  * proven: the file itself holds >= 2 distinct valid INSZ, each matching its claim's birth
    date, with the same family name (core), first given name and birth date; or
  * expected: the expected number of *other* people in Belgium sharing that family name, first
    given name and birth date,

        expected = (POPULATION - 1) * f_family * f_given * f_birth,

    reaches NAMESAKES_EXPECTED_LIMIT. f_family and f_given are the names' frequencies among the
    file's claims, shrunk towards a prior for small files
    (f = (count + PRIOR_CLAIMS * prior) / (claims + PRIOR_CLAIMS)), and f_birth is one day of
    BIRTH_YEARS years, 1 / (365.25 * BIRTH_YEARS).

The evidence says why: "no INSZ on one claim; about 0.07 people in Belgium share this name and
birth date".
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb
import pyarrow as pa

from loket.linkage.conflicts import Conflict
from loket.linkage.model import Finding

POPULATION = 11_800_000
BIRTH_YEARS = 85
PRIOR_CLAIMS = 1_000
PRIOR_FAMILY_FREQUENCY = 1 / 2_000
PRIOR_GIVEN_FREQUENCY = 1 / 300
NAMESAKES_EXPECTED_LIMIT = 0.05
NamesakeKey = tuple[str, str, str]


@dataclass
class Namesakes:
    """Per claim: its name-and-birth-date key; per key: distinct valid INSZ in the file and
    the expected number of other people in Belgium sharing it (None where not known)."""

    key_of: dict[str, NamesakeKey] = field(default_factory=dict)
    proven: dict[NamesakeKey, int] = field(default_factory=dict)
    expected: dict[NamesakeKey, float] = field(default_factory=dict)


NAMESAKES_SQL = """
WITH keyed AS (
    SELECT claim_id, family_name_core AS family, given_first AS given, birth_ymd AS birth,
           CASE WHEN insz_valid AND insz_birth_agrees IS NOT false THEN insz END AS valid_insz
    FROM claims
    WHERE family_name_core IS NOT NULL AND given_first IS NOT NULL AND birth_ymd IS NOT NULL
),
total AS (SELECT count(*) AS n FROM claims),
families AS (SELECT family_name_core AS family, count(*) AS c FROM claims GROUP BY ALL),
givens AS (SELECT given_first AS given, count(*) AS c FROM claims GROUP BY ALL),
keys AS (
    SELECT family, given, birth, count(DISTINCT valid_insz) AS proven
    FROM keyed GROUP BY ALL
)
SELECT keys.family, keys.given, keys.birth, keys.proven,
       ({population} - 1)
       * (families.c + {prior_claims} * {prior_family}) / (total.n + {prior_claims})
       * (givens.c + {prior_claims} * {prior_given}) / (total.n + {prior_claims})
       / (365.25 * {birth_years}) AS expected
FROM keys
JOIN families USING (family)
JOIN givens USING (given)
CROSS JOIN total
"""


def clear_text_namesakes(claims: pa.Table) -> Namesakes:
    """The namesake figures of standardised clear-text claims."""
    result = Namesakes()
    with duckdb.connect() as connection:
        connection.register("claims", claims)
        sql = NAMESAKES_SQL.format(
            population=POPULATION,
            prior_claims=PRIOR_CLAIMS,
            prior_family=PRIOR_FAMILY_FREQUENCY,
            prior_given=PRIOR_GIVEN_FREQUENCY,
            birth_years=BIRTH_YEARS,
        )
        for family, given, birth, proven, expected in connection.sql(sql).fetchall():
            result.proven[(family, given, birth)] = int(proven)
            result.expected[(family, given, birth)] = float(expected)
        rows = connection.sql(
            "SELECT claim_id, family_name_core, given_first, birth_ymd FROM claims"
            " WHERE family_name_core IS NOT NULL AND given_first IS NOT NULL"
            " AND birth_ymd IS NOT NULL"
        ).fetchall()
    result.key_of = {str(c): (f, g, b) for c, f, g, b in rows}
    return result


def hub_namesakes(connection: duckdb.DuckDBPyConnection, table: str) -> Namesakes:
    """The hub's figures: only the proven test (keyed hashes carry no name frequencies)."""
    result = Namesakes()
    rows = connection.sql(
        f"SELECT claim_id, core_first_birth_key, CASE WHEN insz_valid THEN insz_key END"
        f" FROM {table} WHERE core_first_birth_key IS NOT NULL"
    ).fetchall()
    seen: dict[NamesakeKey, set[str]] = {}
    for claim, key, insz in rows:
        triple = (str(key), "", "")
        result.key_of[str(claim)] = triple
        numbers = seen.setdefault(triple, set())
        if insz:
            numbers.add(str(insz))
    result.proven = {key: len(numbers) for key, numbers in seen.items()}
    return result


def _rests_on_names(pair: Mapping[str, Any]) -> str | None:
    """Why the INSZ does not settle the pair, or None when it does."""
    gamma = pair.get("gamma_insz")
    if not isinstance(gamma, int) or gamma < 0:
        return "no INSZ on one claim"
    if gamma == 0:
        return "INSZ different and not a typo"
    return None


def namesake_doubt(pair: Mapping[str, Any], namesakes: Namesakes) -> str | None:
    """The reason a pair linked on name and birth date could be two namesakes, or None."""
    why = _rests_on_names(pair)
    if why is None:
        return None
    keys = {
        namesakes.key_of[claim]
        for claim in (str(pair["claim_id_a"]), str(pair["claim_id_b"]))
        if claim in namesakes.key_of
    }
    for key in sorted(keys):
        if namesakes.proven.get(key, 0) >= 2:
            return (
                f"{why}; {namesakes.proven[key]} people with different valid INSZ in this file"
                " share this name and birth date"
            )
    for key in sorted(keys):
        expected = namesakes.expected.get(key)
        if expected is not None and expected >= NAMESAKES_EXPECTED_LIMIT:
            return f"{why}; about {expected:.2f} people in Belgium share this name and birth date"
    return None


@dataclass
class PairRules:
    threshold: float
    floor: float
    min_overlap_days: int
    as_of: date
    known_different: frozenset[tuple[str, str]]
    bridges: set[str]
    namesakes: Namesakes


def overlap_days(start: date, end: date | None, as_of: date) -> int:
    """Days both claims run; an ongoing overlap counts up to the run's day (at least one)."""
    last = end if end is not None else max(as_of, start)
    return (last - start).days + 1


def judge_pair(
    row: Mapping[str, Any], rules: PairRules, evidence: Callable[[Mapping[str, Any]], str]
) -> tuple[Finding, float, str] | None:
    """(finding, own probability, evidence) of one overlapping pair of a group, or None when
    it is not shown (scored under the floor)."""
    probability = row.get("match_probability")
    if probability is None or float(probability) < rules.floor:
        return None
    probability = float(probability)
    text = evidence(row)
    if probability < rules.threshold:
        return Finding.NEEDS_CHECK, probability, f"linked only through other claims; {text}"
    bridge = {str(row["claim_id_a"]), str(row["claim_id_b"])} & rules.bridges
    if bridge:
        return (
            Finding.NEEDS_CHECK,
            probability,
            f"claim {min(bridge)} without INSZ links to two people with different valid INSZ;"
            f" {text}",
        )
    doubt = namesake_doubt(row, rules.namesakes)
    if doubt is not None:
        return Finding.NEEDS_CHECK, probability, f"{doubt}; {text}"
    return Finding.CONFLICT, probability, text


def conflicts_of_rows(
    rows: list[dict[str, Any]],
    rules: PairRules,
    evidence: Callable[[Mapping[str, Any]], str],
) -> tuple[list[Conflict], int]:
    """The shown pairs of the groups; (conflicts and needs-check rows, suppressed)."""
    conflicts, suppressed = [], 0
    seen: set[tuple[str, str]] = set()
    for row in rows:
        pair = (str(row["claim_id_a"]), str(row["claim_id_b"]))
        if pair in seen:
            continue
        seen.add(pair)
        days = overlap_days(row["overlap_start"], row["overlap_end"], rules.as_of)
        if days < rules.min_overlap_days:
            continue
        if pair in rules.known_different:
            suppressed += 1
            continue
        judged = judge_pair(row, rules, evidence)
        if judged is None:
            continue
        finding, probability, text = judged
        conflicts.append(
            Conflict(
                claim_id_a=pair[0],
                claim_id_b=pair[1],
                ocmw_a=str(row["ocmw_a"]),
                ocmw_b=str(row["ocmw_b"]),
                match_probability=probability,
                overlap_start=row["overlap_start"],
                overlap_end=row["overlap_end"],
                overlap_days=days,
                evidence=text,
                cluster_id=f"LG-{row['cluster_id']}",
                status=finding.value,
            )
        )
    return conflicts, suppressed
