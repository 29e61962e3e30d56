"""Where synthetic citizens live: the real Belgian postal codes, weighted towards the cities,
each with the language community that decides names, streets and preferred language."""

import random
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from itertools import accumulate

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket.cases.network import GERMAN_SPEAKING
from loket.geo.model import Municipality, PostalCode, PostalCodeMunicipality

FLANDERS, WALLONIA, BRUSSELS = "02000", "03000", "04000"
# Weight of an ordinary postal code per community, so that Flanders, Wallonia and Brussels get
# roughly their share of the population (Flemish postal codes each cover more people).
COMMUNITY_WEIGHTS = {"nl": 2.0, "fr": 1.0, "de": 1.0, "bru": 6.0}
# The postal codes of the largest cities weigh more still.
CITY_WEIGHTS: dict[str, float] = {
    "1000": 30, "2000": 30, "2018": 15, "2060": 10, "2100": 10, "2800": 12, "9000": 30,
    "4000": 25, "4020": 10, "6000": 25, "3000": 15, "8000": 15, "5000": 15, "7000": 12,
    "1030": 15, "1060": 8, "1070": 15, "1080": 12, "1180": 10, "1190": 8, "1200": 8, "1210": 8,
    "3500": 10, "8500": 10, "9300": 10, "8400": 8, "2300": 6, "3600": 8, "4700": 5, "7500": 6,
}  # fmt: skip
# Postal codes that cover several municipalities get only this share of the people, so that
# routing's "ambiguous" case shows up in the demo without dominating it.
AMBIGUOUS_SHARE = 0.003


@dataclass(frozen=True, slots=True)
class Place:
    postcode: str
    municipalities: tuple[str, ...]
    # "nl", "fr" or "de" for the language areas, "bru" for bilingual Brussels.
    community: str
    ambiguous: bool


def _community(refnis: str, region: str) -> str:
    if refnis in GERMAN_SPEAKING:
        return "de"
    return {FLANDERS: "nl", WALLONIA: "fr", BRUSSELS: "bru"}[region]


class Places:
    """Every postal code with a weight, for drawing where a household lives."""

    def __init__(self, places: list[Place], weights: list[float]) -> None:
        self.places = places
        self._cumulative = list(accumulate(weights))
        self._by_postcode = {p.postcode: p for p in places}
        by_municipality: dict[str, list[Place]] = defaultdict(list)
        for place in places:
            if not place.ambiguous:
                for refnis in place.municipalities:
                    by_municipality[refnis].append(place)
        self._by_municipality = dict(by_municipality)

    @classmethod
    def load(cls, session: Session) -> "Places":
        regions = dict(
            session.execute(select(Municipality.refnis, Municipality.region_refnis)).all()
        )
        links: dict[str, list[str]] = defaultdict(list)
        link = PostalCodeMunicipality
        rows = session.execute(
            select(link.postal_code, link.municipality_refnis).order_by(
                link.postal_code, link.municipality_refnis
            )
        )
        for code, refnis in rows:
            links[code].append(refnis)
        places: list[Place] = []
        for code in session.scalars(select(PostalCode.code).order_by(PostalCode.code)):
            refnis_list = tuple(links.get(code, ()))
            if not refnis_list:
                continue
            first = refnis_list[0]
            places.append(
                Place(code, refnis_list, _community(first, regions[first]), len(refnis_list) > 1)
            )
        if not places:
            raise LookupError("the reference geography is empty; run `loket init` first")
        weights = [CITY_WEIGHTS.get(p.postcode, COMMUNITY_WEIGHTS[p.community]) for p in places]
        ambiguous = sum(p.ambiguous for p in places)
        plain = sum(w for w, p in zip(weights, places, strict=True) if not p.ambiguous)
        each = plain * AMBIGUOUS_SHARE / (1 - AMBIGUOUS_SHARE) / max(1, ambiguous)
        weights = [each if p.ambiguous else w for w, p in zip(weights, places, strict=True)]
        return cls(places, weights)

    def pick(self, rng: random.Random) -> Place:
        """A postal code drawn with the weights (one random number, so draws stay cheap)."""
        point = rng.random() * self._cumulative[-1]
        return self.places[min(bisect_right(self._cumulative, point), len(self.places) - 1)]

    def get(self, postcode: str) -> Place | None:
        return self._by_postcode.get(postcode)

    def in_municipality(self, refnis: str) -> list[Place]:
        """The unambiguous postal codes of a municipality (it may have none)."""
        return self._by_municipality.get(refnis, [])
