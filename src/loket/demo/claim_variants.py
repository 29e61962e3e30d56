"""How clerks at two welfare centres write the same claimant differently.

Upper case, particles glued or split, accents dropped, a typing error, given names swapped or
cut to the first, an INSZ with one digit wrong or two digits swapped: the variations the
generated duplicate claims carry, so that the detector is tested on what it will meet.
"""

import unicodedata
from typing import Final

import numpy as np

# Names that are written as one word or as particles and a word.
SPLIT_FORMS: Final = {
    "Vandevelde": "Van de Velde", "Vanderlinden": "Van der Linden", "Desmet": "De Smet",
    "Declercq": "De Clercq", "Dupont": "Du Pont", "Vandenberghe": "Van den Berghe",
    "Leclercq": "Le Clercq", "Lecomte": "Le Comte",
}  # fmt: skip


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _typo(rng: np.random.Generator, text: str) -> str:
    """One letter dropped, doubled or replaced by its neighbour on the keyboard row."""
    at = int(rng.integers(1, len(text))) if len(text) > 1 else 0
    how = int(rng.integers(0, 3))
    if how == 0 and len(text) > 3:
        return text[:at] + text[at + 1 :]
    if how == 1:
        return text[:at] + text[at] + text[at:]
    neighbour = {"a": "s", "e": "r", "i": "o", "o": "i", "n": "m", "m": "n", "s": "a", "t": "r"}
    return text[:at] + neighbour.get(text[at], "e") + text[at + 1 :]


def family_variant(rng: np.random.Generator, name: str) -> tuple[str, str]:
    """The family name as another clerk typed it, and what was done to it."""
    draw = rng.random()
    if draw < 0.3:
        return name.upper(), "family-upper"
    if draw < 0.55:
        if name in SPLIT_FORMS:
            return SPLIT_FORMS[name], "family-split"
        if " " in name or "'" in name:
            glued = name.replace(" ", "").replace("'", "").capitalize()
            return (glued.upper() if draw < 0.4 else glued), "family-glued"
        return name.upper(), "family-upper"
    if draw < 0.7 and _strip_accents(name) != name:
        return _strip_accents(name), "family-accents"
    return _typo(rng, name), "family-typo"


def given_variant(rng: np.random.Generator, given: str) -> tuple[str, str]:
    """Double given names swapped or cut to the first; single ones mistyped."""
    tokens = given.replace("-", " ").split()
    if len(tokens) < 2:
        return _typo(rng, given), "given-typo"
    if rng.random() < 0.5:
        return " ".join(reversed(tokens)), "given-swapped"
    return tokens[0], "given-dropped"


def insz_variant(rng: np.random.Generator, insz: str) -> str:
    """One digit mistyped, or two neighbouring digits swapped."""
    at = int(rng.integers(0, 10))
    if insz[at] != insz[at + 1] and rng.random() < 0.5:
        return insz[:at] + insz[at + 1] + insz[at] + insz[at + 2 :]
    digit = str((int(insz[at]) + int(rng.integers(1, 10))) % 10)
    return insz[:at] + digit + insz[at + 1 :]
