"""A second, independently designed generator of leefloon claims, for evaluating the detector
on data it was not tuned on: the same claims CSV contract, a different world and noise.

The world: people with Zipf-frequent Belgian names living where claimants live (real postal
codes, cities weighted), some in households (siblings, twins), some non-residents with a BIS
number, clusters of true namesakes born on one day in the large cities (often 1 January:
the register's date for a birth day unknown abroad). Their claims: one for
most, consecutive claims after a move, and two or three overlapping claims at different OCMWs
for the people who truly claim twice (the positives). Then the clerk: an INSZ left empty, a
mistyped digit, two digits swapped, a family member's number copied, names without accents,
particles written together or apart, a hyphenated spouse's name, given names in another order,
day and month swapped, a year mistyped. Noise is drawn per claim (`claims_independent_noise`).
"""

from dataclasses import dataclass
from datetime import date
from typing import Final

import numpy as np
import pyarrow as pa

from loket.demo.claims_independent_noise import (
    MISSING_DAY,
    ClaimRows,
    add_clerk_noise,
    format_insz,
)
from loket.demo.claims_independent_world import (
    FAMILY_RANKED,
    GIVEN_RANKED,
    GIVEN_ZIPF,
    STREETS,
    PostalPlaces,
    family_names,
    postal_places,
    zipf_weights,
)

CLAIM_COLUMNS: Final = (
    "claim_id", "ocmw_refnis", "insz", "family_name", "given_names", "birth_date", "sex",
    "street", "house_number", "postcode", "start_date", "end_date", "monthly_amount_eur",
    "category",
)  # fmt: skip
TRUTH_COLUMNS: Final = ("claim_id", "person_id", "kind", "variations")
TODAY: Final = date(2026, 1, 1)
_EPOCH: Final = date(1970, 1, 1).toordinal()
# Share of the claims per kind of person (the rest are single claims).
CLAIM_SHARES: Final = {
    "concurrent": 0.04,  # 2 or 3 overlapping claims at different OCMWs: the positives
    "move": 0.08,  # 2 or 3 consecutive claims after moves
    "twin": 0.008,
    "namesake": 0.01,  # 2-4 people, same name and birth day, large cities
    "sibling": 0.03,
}
BIS_SHARE: Final = 0.03
AMOUNTS: Final = {"cohabitant": 876.13, "single": 1314.20, "family": 1776.07}


Strs = np.ndarray


@dataclass
class People:
    kind: np.ndarray  # object
    claims: np.ndarray  # int: claims each
    language: np.ndarray  # object: name language (nl, fr, de, other)
    place: np.ndarray  # int: index into PostalPlaces
    male: np.ndarray
    family: np.ndarray  # object
    given: np.ndarray  # object, space-separated
    birth: np.ndarray  # int: days since 1970
    serial: np.ndarray  # int: INSZ serial (odd for men)
    bis: np.ndarray  # bool
    relative_insz: np.ndarray  # object: a household member's number
    spouse: np.ndarray  # object: usage name of a married woman, or ""


def _group_sizes(rng: np.random.Generator, claims: int) -> dict[str, np.ndarray]:
    """Per kind, the claims each person (or group) makes, so that the total is `claims`."""
    sizes: dict[str, np.ndarray] = {}
    used = 0
    for kind, share in CLAIM_SHARES.items():
        if kind in ("concurrent", "move"):
            n = int(claims * share / 2.15)
            sizes[kind] = np.where(rng.random(n) < 0.85, 2, 3)
        elif kind == "namesake":
            n = int(claims * share / 3)
            sizes[kind] = rng.integers(2, 5, n)  # people per cluster, one claim each
        else:
            sizes[kind] = np.full(int(claims * share / 2), 2)  # pairs, one claim each
        used += int(sizes[kind].sum())
    sizes["single"] = np.ones(max(claims - used, 0), dtype=np.int64)
    return sizes


def _names(rng: np.random.Generator, language: np.ndarray, male: np.ndarray) -> tuple[Strs, Strs]:
    n = len(language)
    family = np.empty(n, dtype=object)
    given = np.empty(n, dtype=object)
    tokens = rng.choice([1, 2, 3], size=n, p=[0.45, 0.4, 0.15])
    for lang in np.unique(language):
        names, weights = family_names(lang)
        rows = np.flatnonzero(language == lang)
        family[rows] = np.array(names, dtype=object)[rng.choice(len(names), len(rows), p=weights)]
        for sex, is_male in (("M", True), ("F", False)):
            pool = np.array(GIVEN_RANKED[(lang, sex)], dtype=object)
            chosen = rows[male[rows] == is_male]
            p = zipf_weights(len(pool), GIVEN_ZIPF)
            draws = pool[rng.choice(len(pool), (len(chosen), 3), p=p)]
            given[chosen] = [
                " ".join(dict.fromkeys(row[:k]))
                for row, k in zip(draws.tolist(), tokens[chosen].tolist(), strict=True)
            ]
    return family, given


def _birth_days(rng: np.random.Generator, n: int) -> np.ndarray:
    """Adults 18-64 on TODAY, many young: leefloon is drawn most by people under 30."""
    young = rng.random(n) < 0.45
    age_days = np.where(
        young, rng.integers(18 * 365, 30 * 365, n), rng.integers(18 * 365, 65 * 365, n)
    )
    return (TODAY.toordinal() - _EPOCH) - age_days


def _people(rng: np.random.Generator, sizes: dict[str, np.ndarray], places: PostalPlaces) -> People:
    kinds: list[str] = []
    claims_each: list[int] = []
    group: list[int] = []  # people of one cluster/pair share a group number
    next_group = 0
    for kind_name, counts in sizes.items():
        for count in counts.tolist():
            members = count if kind_name in ("namesake", "twin", "sibling") else 1
            kinds.extend([kind_name] * members)
            claims_each.extend([1] * members if members > 1 else [count])
            group.extend([next_group] * members)
            next_group += 1
    n = len(kinds)
    kind = np.array(kinds, dtype=object)
    groups = np.array(group)
    first = np.r_[True, groups[1:] != groups[:-1]]
    leader = np.maximum.accumulate(np.where(first, np.arange(n), 0))
    city_rows = np.flatnonzero(places.city)
    city_p = places.weight[city_rows] / places.weight[city_rows].sum()
    place = rng.choice(len(places.weight), n, p=places.weight)
    namesake = kind == "namesake"
    place[namesake] = city_rows[rng.choice(len(city_rows), int(namesake.sum()), p=city_p)]
    household = (kind == "twin") | (kind == "sibling")
    place[household] = place[leader[household]]
    community = places.language[place]
    language = community.copy()
    bru = community == "bru"
    language[bru] = np.where(rng.random(int(bru.sum())) < 0.5, "fr", "nl")
    other = rng.random(n) < np.where(bru, 0.35, 0.08)
    language[other] = "other"
    language[namesake] = language[leader[namesake]]
    male = rng.random(n) < 0.5
    male[namesake] = male[leader[namesake]]
    family, given = _names(rng, language, male)
    family[household | namesake] = family[leader[household | namesake]]
    # Namesakes share the first given name; second names are their own.
    given[namesake] = [
        " ".join(dict.fromkeys([lead.split()[0], *own.split()[1:]]))
        for lead, own in zip(
            given[leader[namesake]].tolist(), given[namesake].tolist(), strict=True
        )
    ]
    birth = _birth_days(rng, n)
    # People born abroad whose day of birth is unknown are registered on 1 January: in the
    # cities this makes clusters of namesakes with one birth date.
    unknown_day = namesake & (language == "other") & (rng.random(n) < 0.6)
    born = birth[unknown_day].astype("datetime64[D]")
    birth[unknown_day] = born.astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)
    birth[namesake | (kind == "twin")] = birth[leader[namesake | (kind == "twin")]]
    sibling_follower = (kind == "sibling") & ~first
    birth[sibling_follower] = birth[leader[sibling_follower]] + rng.choice(
        np.r_[-3650:-365, 365:3650], int(sibling_follower.sum())
    )
    serial = 2 * rng.integers(1, 498, n) - male.astype(np.int64)  # odd for men, even women
    twin_follower = (kind == "twin") & ~first
    # Twins get the next serial numbers of their birth day.
    serial[twin_follower] = serial[leader[twin_follower]] + np.where(
        male[twin_follower] == male[leader[twin_follower]], 2, 1
    )
    bis = (rng.random(n) < BIS_SHARE) & ~household
    insz = format_insz(birth, serial, male, bis)
    parent_birth = birth - rng.integers(20 * 365, 36 * 365, n)
    relative = format_insz(parent_birth, 2 * rng.integers(1, 498, n) - 1, np.ones(n, bool), bis)
    pair_member = household.copy()
    partner = np.where(first, np.r_[np.arange(1, n + 1)[:-1], n - 1], leader)
    relative[pair_member] = insz[np.minimum(partner[pair_member], n - 1)]
    married = (~male) & np.isin(community, ("fr", "bru")) & (rng.random(n) < 0.2)
    spouse = np.full(n, "", dtype=object)
    pool = np.array(FAMILY_RANKED["fr"], dtype=object)
    spouse[married] = pool[rng.choice(len(pool), int(married.sum()))]
    return People(
        kind, np.array(claims_each), language, place, male, family, given, birth, serial, bis,
        relative, spouse,
    )  # fmt: skip


def _other_place(rng: np.random.Generator, places: PostalPlaces, place: np.ndarray) -> np.ndarray:
    """A place in another municipality (another OCMW) for each place given."""
    moved = rng.choice(len(places.weight), len(place), p=places.weight)
    same = places.refnis[moved] == places.refnis[place]
    while same.any():
        moved[same] = rng.choice(len(places.weight), int(same.sum()), p=places.weight)
        same = places.refnis[moved] == places.refnis[place]
    return moved


def _claim_rows(rng: np.random.Generator, people: People, places: PostalPlaces) -> ClaimRows:
    today = TODAY.toordinal() - _EPOCH
    person = np.repeat(np.arange(len(people.kind)), people.claims)
    order = np.r_[0, np.cumsum(people.claims)[:-1]]
    nth = np.arange(len(person)) - order[person]
    kind = people.kind[person]
    window_start = date(2021, 1, 1).toordinal() - _EPOCH
    start = rng.integers(window_start, today - 30, len(person))
    length = rng.integers(60, 1100, len(person))
    group_like = np.isin(kind, ("twin", "namesake", "sibling"))
    # Household members and namesakes claim in the same years, so their periods overlap often.
    start[group_like] = rng.integers(today - 700, today - 60, int(group_like.sum()))
    place = people.place[person].copy()
    later = nth > 0
    concurrent = (kind == "concurrent") & later
    first_start = start[order[person]]
    first_length = length[order[person]]
    start[concurrent] = first_start[concurrent] + (
        rng.random(int(concurrent.sum()))
        * np.minimum(first_length[concurrent], today - 1 - first_start[concurrent])
    ).astype(np.int64)
    moving = kind == "move"
    move_rows = np.flatnonzero(moving)
    start[move_rows[nth[move_rows] == 0]] = rng.integers(
        window_start, today - 900, int((nth[move_rows] == 0).sum())
    )
    length[moving] = rng.integers(60, 300, int(moving.sum()))
    for step in (1, 2):
        rows = np.flatnonzero(moving & (nth == step))
        start[rows] = start[rows - 1] + length[rows - 1] + rng.integers(1, 90, len(rows))
        place[rows] = _other_place(rng, places, place[rows - 1])
    place[concurrent] = _other_place(rng, places, place[order[person[concurrent]]])
    end = start + length
    last_move = moving & (np.r_[nth[1:], 0] == 0)
    open_end = (end >= today) & (~moving | last_move)
    end = np.where(moving & ~last_move, np.minimum(end, today - 1), end)
    return ClaimRows(person=person, place=place, start=start, end=end, open_end=open_end)


def generate_independent_claims(
    claims: int, seed: int = 1, missing_insz: float = 0.05
) -> tuple[pa.Table, pa.Table]:
    """`claims` claims with the contract's columns (strings, None where empty) and their truth
    (claim_id, person_id, kind, variations); `missing_insz` of the claims carry no INSZ."""
    if not 0.0 <= missing_insz <= 1.0:
        raise ValueError(f"missing_insz: {missing_insz} is not a share between 0 and 1")
    rng = np.random.default_rng([seed, 0x1D])
    places = postal_places()
    people = _people(rng, _group_sizes(rng, claims), places)
    rows = _claim_rows(rng, people, places)
    shuffled = rng.permutation(len(rows.person))
    rows = ClaimRows(**{f: getattr(rows, f)[shuffled] for f in ClaimRows.__dataclass_fields__})
    p = rows.person
    insz = format_insz(people.birth[p], people.serial[p], people.male[p], people.bis[p])
    language = places.language[rows.place]
    language = np.where(language == "bru", np.where(rng.random(len(p)) < 0.5, "fr", "nl"), language)
    street = np.empty(len(p), dtype=object)
    for lang, pool in STREETS.items():
        here = np.flatnonzero(language == lang)
        street[here] = np.array(pool, dtype=object)[
            rng.choice(len(pool), len(here), p=zipf_weights(len(pool), 1.0))
        ]
    category = rng.choice(list(AMOUNTS), len(p), p=[0.3, 0.5, 0.2])
    amount = np.array([AMOUNTS[c] for c in category]) * np.where(
        rng.random(len(p)) < 0.25, rng.uniform(0.2, 0.95, len(p)), 1.0
    )
    width = max(7, len(str(len(p))))
    out = {
        "claim_id": [
            f"LF{r}-{i:0{width}d}" for i, r in enumerate(places.refnis[rows.place].tolist(), 1)
        ],
        "ocmw_refnis": places.refnis[rows.place],
        "insz": insz,
        "family_name": people.family[p].copy(),
        "given_names": people.given[p].copy(),
        "birth_date": people.birth[p].copy(),
        "sex": np.where(people.male[p], "M", "F").astype(object),
        "street": street,
        "house_number": rng.integers(1, 250, len(p)).astype(str).astype(object),
        "postcode": places.postcode[rows.place],
        "start_date": _iso(rows.start),
        "end_date": _iso(rows.end, rows.open_end),
        "monthly_amount_eur": np.char.mod("%.2f", amount).astype(object),
        "category": category.astype(object),
    }
    variations = add_clerk_noise(rng, out, people, p, missing_insz)
    born = out["birth_date"].astype(np.int64)
    missing = born == MISSING_DAY
    out["birth_date"] = _iso(np.where(missing, 0, born), missing)
    table = pa.table({c: pa.array(out[c], pa.string()) for c in CLAIM_COLUMNS})
    truth = pa.table(
        {
            "claim_id": table["claim_id"],
            "person_id": pa.array([f"Q{i:0{width}d}" for i in p.tolist()], pa.string()),
            "kind": pa.array(people.kind[p].tolist(), pa.string()),
            "variations": pa.array(variations.tolist(), pa.string()),
        }
    )
    return table, truth


def _iso(days: np.ndarray, empty: np.ndarray | None = None) -> np.ndarray:
    """Days since 1970 as YYYY-MM-DD strings, None where `empty`."""
    text: np.ndarray = np.datetime_as_string(days.astype("datetime64[D]")).astype(object)
    if empty is not None:
        text[empty] = None
    return text
