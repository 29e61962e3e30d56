"""Group linked claims into persons without ever joining two people the register tells apart.

Greedy constrained merging: the pairs at or above the threshold are taken by probability,
strongest first (ties by claim ids, so a run is deterministic), and two groups are merged
(union-find) only if no *cannot-link* pair spans them. Each group keeps the set of valid
identifiers of its claims; two groups may merge only if every identifier of one is equal to,
or a plausible typo of, every identifier of the other. A claim without a valid identifier that
links strongly to two groups it may not join (a *bridge*) is remembered: its pairs are
ambiguous and are shown as `needs-check`, never as `conflict`.

An identifier is an INSZ/BIS number that passes its checksum and does not contradict the
claim's own birth date (clear text; a valid number of another birth date is most likely a
family member's, copied by mistake, and vetoes nothing), or the keyed hash of a valid number
(pseudonymised hub). A typo is one digit changed or two adjacent digits swapped
(Damerau-Levenshtein <= 1 on the 11 digits). The mod-97 checksum catches every such typo, so two
*valid* numbers are practically never a typo of each other; the hub, which sees only keyed
hashes, therefore treats two different valid keys as two people, and the clear-text test keeps
the explicit typo exception for the rare number valid under both the pre- and post-2000 rules.

In clear text a number that fails its checksum is a *mistyped* number. When it and a group's
identifier both carry their own claim's birth date, it may join that group only as one typo of
that identifier: further off, it is someone else's number, mistyped. Two mistyped numbers, or a
number without its claim's birth date in it, never keep claims apart on their own.
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


@dataclass
class Numbers:
    """Per claim: its identifier (`identities`); of those, the ones that also carry the
    claim's birth date (`dated`); and a dated number that failed its checksum (`mistyped`)."""

    identities: Mapping[str, str | None]
    dated: Mapping[str, str | None] = field(default_factory=dict)
    mistyped: Mapping[str, str | None] = field(default_factory=dict)


def _single(value: str | None) -> set[str]:
    return {value} if value else set()


class _Groups:
    def __init__(self, numbers: Numbers) -> None:
        self.parent: dict[str, str] = {}
        self.identities: dict[str, set[str]] = {}
        self.dated: dict[str, set[str]] = {}
        self.mistyped: dict[str, set[str]] = {}
        self.numbers = numbers

    def find(self, claim: str) -> str:
        if claim not in self.parent:
            self.parent[claim] = claim
            self.identities[claim] = _single(self.numbers.identities.get(claim))
            self.dated[claim] = _single(self.numbers.dated.get(claim))
            self.mistyped[claim] = _single(self.numbers.mistyped.get(claim))
        root = claim
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[claim] != root:  # path compression
            self.parent[claim], claim = root, self.parent[claim]
        return root

    def union(self, first: str, second: str) -> None:
        keep, drop = sorted((first, second))
        self.parent[drop] = keep
        for sets in (self.identities, self.dated, self.mistyped):
            sets[keep] |= sets.pop(drop)

    def may_merge(self, first: str, second: str, compatible: Compatible) -> bool:
        """Whether two groups (roots) may be one person: every identifier of one compatible
        with every identifier of the other, and every mistyped number with every dated one."""
        return (
            _all_compatible(self.identities[first], self.identities[second], compatible)
            and _all_compatible(self.dated[first], self.mistyped[second], compatible)
            and _all_compatible(self.mistyped[first], self.dated[second], compatible)
        )

    def claim_fits(self, claim: str, root: str, compatible: Compatible) -> bool:
        """Whether the claim's own mistyped number (if any) would let it join group `root`."""
        return _all_compatible(
            _single(self.numbers.mistyped.get(claim)), self.dated[root], compatible
        )


def _all_compatible(left: set[str], right: set[str], compatible: Compatible) -> bool:
    return all(compatible(a, b) for a in left for b in right)


def group_claims_constrained(
    edges: Iterable[tuple[str, str, float]],
    identities: Mapping[str, str | None],
    compatible: Compatible = insz_typo_or_equal,
    numbers: Numbers | None = None,
) -> Grouping:
    """Group the claims of the strong edges (claim_a, claim_b, probability); `identities`
    gives each claim's identifier or None (`numbers`, where given, also the dated and the
    mistyped ones). No group holds two incompatible identifiers, nor a mistyped number more
    than a typo away from one of its dated identifiers."""
    ordered = sorted(edges, key=lambda e: (-e[2], min(e[0], e[1]), max(e[0], e[1])))
    groups = _Groups(numbers or Numbers(identities))
    grouping = Grouping()
    for first, second, _probability in ordered:
        root_a, root_b = groups.find(first), groups.find(second)
        if root_a == root_b:
            continue
        if groups.may_merge(root_a, root_b, compatible):
            groups.union(root_a, root_b)
            continue
        grouping.refused_links += 1
        # A claim without identifier is a bridge when its own number would fit the other
        # group: which of the two people it belongs to is then open.
        for claim, other in ((first, root_b), (second, root_a)):
            if not identities.get(claim) and groups.claim_fits(claim, other, compatible):
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
    other never end in one group (unless one contradicts its claim's birth date), nor does a
    number failing its checksum join a valid INSZ it is not a typo of."""
    claims = standardised["claim_id"].to_pylist()
    insz = standardised["insz"].to_pylist()
    valid = standardised["insz_valid"].to_pylist()
    agrees = standardised["insz_birth_agrees"].to_pylist()
    pairs = list(zip(valid, agrees, strict=True))
    numbers = Numbers(
        identities=identities_of(claims, insz, [ok and date is not False for ok, date in pairs]),
        dated=identities_of(claims, insz, [ok and date is True for ok, date in pairs]),
        mistyped=identities_of(claims, insz, [not ok and date is True for ok, date in pairs]),
    )
    return group_claims_constrained(
        strong_edges(scored, threshold), numbers.identities, insz_typo_or_equal, numbers
    )


def clusters_table(grouping: Grouping) -> pa.Table:
    return pa.table(
        {
            "cluster_id": pa.array(list(grouping.cluster_of.values()), pa.string()),
            "claim_id": pa.array(list(grouping.cluster_of.keys()), pa.string()),
        }
    )
