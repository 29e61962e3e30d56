"""Group linked claims into persons without ever joining two people the register tells apart.

Greedy constrained merging: the pairs at or above the threshold are taken by probability,
strongest first (ties by claim ids, so a run is deterministic), and two groups are merged
(union-find) only if no *cannot-link* pair spans them. Each group keeps the set of valid
identifiers of its claims; two groups may merge only if every identifier of one is equal to,
or a plausible typo of, every identifier of the other. A claim without a valid identifier that
links strongly to two groups it may not join (a *bridge*) is remembered: its pairs are
ambiguous and are shown as `needs-check`, never as `conflict`.

An identifier is an INSZ/BIS number that passes its checksum (clear text), or the keyed hash of
such a number (pseudonymised hub). A typo is one digit changed or two adjacent digits swapped
(Damerau-Levenshtein <= 1 on the 11 digits). The mod-97 checksum catches every such typo, so two
*valid* numbers are practically never a typo of each other; the hub, which sees only keyed
hashes, therefore treats two different valid keys as two people, and the clear-text test keeps
the explicit typo exception for the rare number valid under both the pre- and post-2000 rules.
"""

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

Compatible = Callable[[str, str], bool]


def damerau_levenshtein_at_most_one(first: str, second: str) -> bool:
    """Equal, one character changed, or two adjacent characters swapped (same length);
    one character inserted or dropped."""
    if first == second:
        return True
    if abs(len(first) - len(second)) > 1:
        return False
    if len(first) == len(second):
        differ = [i for i, (a, b) in enumerate(zip(first, second, strict=True)) if a != b]
        if len(differ) == 1:
            return True
        if len(differ) == 2 and differ[1] == differ[0] + 1:
            i = differ[0]
            return first[i] == second[i + 1] and first[i + 1] == second[i]
        return False
    shorter, longer = sorted((first, second), key=len)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


def insz_typo_or_equal(first: str, second: str) -> bool:
    """Whether two valid INSZ/BIS numbers may be one person's: equal or a plausible typo."""
    return damerau_levenshtein_at_most_one(first, second)


def keys_equal(first: str, second: str) -> bool:
    """The hub's test on keyed hashes: only equal keys are one number."""
    return first == second


@dataclass
class Grouping:
    """cluster of each linked claim (the smallest claim id of its group) and the bridges:
    claims without a valid identifier that linked strongly to groups they could not join."""

    cluster_of: dict[str, str] = field(default_factory=dict)
    bridges: set[str] = field(default_factory=set)
    refused_links: int = 0


class _Groups:
    def __init__(self, identities: Mapping[str, str | None]) -> None:
        self.parent: dict[str, str] = {}
        self.identities: dict[str, set[str]] = {}
        self.source = identities

    def find(self, claim: str) -> str:
        if claim not in self.parent:
            self.parent[claim] = claim
            known = self.source.get(claim)
            self.identities[claim] = {known} if known else set()
        root = claim
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[claim] != root:  # path compression
            self.parent[claim], claim = root, self.parent[claim]
        return root

    def union(self, first: str, second: str) -> None:
        keep, drop = sorted((first, second))
        self.parent[drop] = keep
        self.identities[keep] |= self.identities.pop(drop)


def _may_merge(left: set[str], right: set[str], compatible: Compatible) -> bool:
    return all(compatible(a, b) for a in left for b in right)


def group_claims_constrained(
    edges: Iterable[tuple[str, str, float]],
    identities: Mapping[str, str | None],
    compatible: Compatible = insz_typo_or_equal,
) -> Grouping:
    """Group the claims of the strong edges (claim_a, claim_b, probability); `identities`
    gives each claim's valid identifier or None. No group holds two incompatible ones."""
    ordered = sorted(edges, key=lambda e: (-e[2], min(e[0], e[1]), max(e[0], e[1])))
    groups = _Groups(identities)
    grouping = Grouping()
    for first, second, _probability in ordered:
        root_a, root_b = groups.find(first), groups.find(second)
        if root_a == root_b:
            continue
        if _may_merge(groups.identities[root_a], groups.identities[root_b], compatible):
            groups.union(root_a, root_b)
            continue
        grouping.refused_links += 1
        for claim in (first, second):
            if not identities.get(claim):
                grouping.bridges.add(claim)
    members: dict[str, list[str]] = {}
    for claim in groups.parent:
        members.setdefault(groups.find(claim), []).append(claim)
    for claims in members.values():
        if len(claims) < 2:
            continue
        cluster = min(claims)
        for claim in claims:
            grouping.cluster_of[claim] = cluster
    return grouping


def identities_of(
    claim_ids: Iterable[Hashable], values: Iterable[str | None], valid: Iterable[bool | None]
) -> dict[str, str | None]:
    """claim id -> its identifier when valid, else None."""
    return {
        str(claim): (value if value and ok else None)
        for claim, value, ok in zip(claim_ids, values, valid, strict=True)
    }


def strong_edges(scored: pa.Table, threshold: float) -> list[tuple[str, str, float]]:
    """(claim_l, claim_r, probability) of the pairs at or above the threshold."""
    strong = scored.filter(pc.greater_equal(scored["match_probability"], threshold))
    return list(
        zip(
            strong["claim_id_l"].to_pylist(),
            strong["claim_id_r"].to_pylist(),
            strong["match_probability"].to_pylist(),
            strict=True,
        )
    )


def clear_text_grouping(standardised: pa.Table, scored: pa.Table, threshold: float) -> Grouping:
    """Constrained groups of clear-text claims: two valid INSZ that are not a typo of each
    other never end in one group."""
    identities = identities_of(
        standardised["claim_id"].to_pylist(),
        standardised["insz"].to_pylist(),
        standardised["insz_valid"].to_pylist(),
    )
    return group_claims_constrained(strong_edges(scored, threshold), identities)


def clusters_table(grouping: Grouping) -> pa.Table:
    return pa.table(
        {
            "cluster_id": pa.array(list(grouping.cluster_of.values()), pa.string()),
            "claim_id": pa.array(list(grouping.cluster_of.keys()), pa.string()),
        }
    )
