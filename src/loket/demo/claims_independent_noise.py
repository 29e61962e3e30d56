"""What a clerk types otherwise than the register says, for the independent claims generator:
INSZ left empty, mistyped or copied from a family member, name spellings, birth-date slips.

Every change is drawn per claim, so two claims of one person differ independently; each is
named in the truth file's `variations` column.
"""

import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Final

import numpy as np

if TYPE_CHECKING:
    from loket.demo.claims_independent import People

# Chances per claim (the missing-INSZ share is a parameter of the generator).
INSZ_DIGIT_TYPO: Final = 0.012  # one digit read or typed wrong (OCR, keyboard)
INSZ_ADJACENT_SWAP: Final = 0.008
INSZ_OF_RELATIVE: Final = 0.005  # a household member's valid number copied
SPOUSE_NAME: Final = 0.5  # of married women's claims: "Dupont-Lambert" (French usage)
PARTICLE_SPELLING: Final = 0.35  # "Van den Broeck" as "Vanden Broeck", "Vandenbroeck"...
ACCENTS_DROPPED: Final = 0.4
UPPER_CASE: Final = 0.05
NAME_TYPO: Final = 0.01
FIRST_GIVEN_ONLY: Final = 0.2
GIVEN_ORDER_SWAPPED: Final = 0.1
DAY_MONTH_SWAPPED: Final = 0.006
YEAR_TYPO: Final = 0.004
BIRTH_MISSING: Final = 0.002
SEX_MISSING: Final = 0.02
STREET_ABBREVIATED: Final = 0.15
MISSING_DAY: Final = -1_000_000_000  # birth_date marker for "left empty"
_EPOCH: Final = date(1970, 1, 1).toordinal()
# Keys next to each other on AZERTY and QWERTY keyboards.
NEIGHBOURS: Final = {
    "a": "zqs", "e": "zrd", "i": "uok", "o": "ipl", "u": "yij", "n": "bhm", "r": "etf",
    "s": "adz", "t": "ryg", "l": "kmo", "m": "nlj", "c": "xvd", "d": "sfe", "h": "gjn",
}  # fmt: skip


@dataclass
class ClaimRows:
    person: np.ndarray
    place: np.ndarray
    start: np.ndarray
    end: np.ndarray
    open_end: np.ndarray


def format_insz(
    birth: np.ndarray, serial: np.ndarray, male: np.ndarray, bis: np.ndarray
) -> np.ndarray:
    """INSZ numbers (BIS numbers where `bis`: month + 40) with their mod-97 check digits, as
    11-digit strings. `male` is kept for the reader: the serial already carries the sex."""
    del male
    days = birth.astype("datetime64[D]")
    year = days.astype("datetime64[Y]").astype(np.int64) + 1970
    month = (days.astype("datetime64[M]").astype(np.int64) % 12) + 1
    day = (days - days.astype("datetime64[M]")).astype(np.int64) + 1
    base = ((year % 100) * 100 + month + np.where(bis, 40, 0)) * 100 + day
    base = base * 1000 + serial
    check = 97 - (np.where(year >= 2000, base + 2_000_000_000, base) % 97)
    return np.char.zfill((base * 100 + check).astype(str), 11).astype(object)


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _particle_variant(rng: np.random.Generator, name: str) -> str:
    """How particles get written: together, apart, lower-case, without apostrophe."""
    words = name.replace("'", "' ").split()
    if len(words) < 2:
        return name
    particles, core = words[:-1], words[-1]
    choice = int(rng.integers(0, 4))
    if choice == 0:
        return "".join(p.rstrip() for p in particles).replace("' ", "'") + " " + core
    if choice == 1:
        joined = "".join(particles).replace("'", "")
        return joined[:1].upper() + joined[1:].lower() + core[:1].lower() + core[1:]
    if choice == 2:
        return " ".join(p.lower() for p in particles).replace("' ", "'") + " " + core
    return " ".join(words).replace("' ", "").replace("'", "")


def _typo(rng: np.random.Generator, text: str) -> str:
    if len(text) < 3:
        return text
    at = int(rng.integers(1, len(text)))
    kind = int(rng.integers(0, 3))
    if kind == 0:
        return text[:at] + text[at + 1 :]  # a letter left out
    if kind == 1:
        return text[:at] + text[at] + text[at:]  # a letter doubled
    near = NEIGHBOURS.get(text[at].lower())
    return (
        text[:at] + (near[int(rng.integers(0, len(near)))] if near else text[at]) + text[at + 1 :]
    )


def _digit_typo(rng: np.random.Generator, number: str) -> str:
    at = int(rng.integers(0, 11))
    digit = str((int(number[at]) + int(rng.integers(1, 10))) % 10)
    return number[:at] + digit + number[at + 1 :]


def _adjacent_swap(rng: np.random.Generator, number: str) -> str:
    for _ in range(5):
        at = int(rng.integers(0, 10))
        if number[at] != number[at + 1]:
            return number[:at] + number[at + 1] + number[at] + number[at + 2 :]
    return number


def _birth_slip(rng: np.random.Generator, day: int, swap: bool) -> int:
    born = date.fromordinal(day + _EPOCH)
    try:
        if swap:
            changed = born.replace(month=born.day, day=born.month)
        else:
            digit = int(rng.integers(0, 10))
            changed = born.replace(year=born.year - born.year % 10 + digit)
    except ValueError:
        return day
    return changed.toordinal() - _EPOCH


def add_clerk_noise(
    rng: np.random.Generator,
    out: dict[str, Any],
    people: "People",
    p: np.ndarray,
    missing_insz: float,
) -> np.ndarray:
    """Change `out` (the claim columns, per claim) in place; the changes made, per claim."""
    n = len(p)
    notes: list[list[str]] = [[] for _ in range(n)]

    def pick(chance: float, where: np.ndarray | None = None) -> list[int]:
        chosen = rng.random(n) < chance
        if where is not None:
            chosen &= where
        return np.flatnonzero(chosen).tolist()

    insz = out["insz"]
    draw = rng.random(n)
    edges = np.cumsum([missing_insz, INSZ_DIGIT_TYPO, INSZ_ADJACENT_SWAP, INSZ_OF_RELATIVE])
    for i in np.flatnonzero(draw < edges[0]).tolist():
        insz[i] = None
        notes[i].append("insz-missing")
    for i in np.flatnonzero((draw >= edges[0]) & (draw < edges[1])).tolist():
        insz[i] = _digit_typo(rng, insz[i])
        notes[i].append("insz-digit")
    for i in np.flatnonzero((draw >= edges[1]) & (draw < edges[2])).tolist():
        insz[i] = _adjacent_swap(rng, insz[i])
        notes[i].append("insz-swap")
    for i in np.flatnonzero((draw >= edges[2]) & (draw < edges[3])).tolist():
        insz[i] = people.relative_insz[p[i]]
        notes[i].append("insz-of-relative")

    family = out["family_name"]
    spouse = people.spouse[p]
    for i in pick(SPOUSE_NAME, spouse != ""):
        family[i] = f"{family[i]}-{spouse[i]}"
        notes[i].append("spouse-name")
    with_particle = np.array([(" " in f or "'" in f) for f in family.tolist()])
    for i in pick(PARTICLE_SPELLING, with_particle):
        family[i] = _particle_variant(rng, family[i])
        notes[i].append("particles")
    given = out["given_names"]
    several = np.array([" " in g for g in given.tolist()])
    for i in pick(FIRST_GIVEN_ONLY, several):
        given[i] = given[i].split()[0]
        notes[i].append("first-given-only")
    several = np.array([" " in g for g in given.tolist()])
    for i in pick(GIVEN_ORDER_SWAPPED, several):
        tokens = given[i].split()
        given[i] = " ".join([tokens[1], tokens[0], *tokens[2:]])
        notes[i].append("given-order")
    for column, label in ((family, "family"), (given, "given")):
        accented = np.array([not t.isascii() for t in column.tolist()])
        for i in pick(ACCENTS_DROPPED, accented):
            column[i] = _strip_accents(column[i])
            notes[i].append(f"{label}-accents")
        for i in pick(NAME_TYPO):
            column[i] = _typo(rng, column[i])
            notes[i].append(f"{label}-typo")
    for i in pick(UPPER_CASE):
        family[i] = family[i].upper()
        notes[i].append("family-upper")

    birth = out["birth_date"]
    days = birth.astype("datetime64[D]")
    day_of_month = (days - days.astype("datetime64[M]")).astype(np.int64) + 1
    month = (days.astype("datetime64[M]").astype(np.int64) % 12) + 1
    swappable = (day_of_month <= 12) & (day_of_month != month)
    for i in pick(DAY_MONTH_SWAPPED, swappable):
        birth[i] = _birth_slip(rng, int(birth[i]), swap=True)
        notes[i].append("birth-day-month")
    for i in pick(YEAR_TYPO):
        birth[i] = _birth_slip(rng, int(birth[i]), swap=False)
        notes[i].append("birth-year")
    for i in pick(BIRTH_MISSING):
        birth[i] = MISSING_DAY
        notes[i].append("birth-missing")
    for i in pick(SEX_MISSING):
        out["sex"][i] = None
    street = out["street"]
    for i in pick(STREET_ABBREVIATED):
        street[i] = street[i].replace("straat", "str.").replace("Rue ", "R. ")
    return np.array([";".join(n) for n in notes], dtype=object)
