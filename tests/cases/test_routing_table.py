"""The routing table: which office of each agency is competent for each Belgian postal code."""

from collections import defaultdict
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import delete, select, update

from loket.cases.model import Jurisdiction, Office
from loket.cases.routing import (
    AmbiguousPostcode,
    NoJurisdiction,
    Router,
    UnknownAgency,
    UnknownPostcode,
    route,
)
from loket.geo.model import Municipality, PostalCode, PostalCodeMunicipality

AGENCIES = ("ocmw", "fin", "davo", "podmi")
# A fixed day, so that jurisdiction changes planned for later years do not matter here.
DAY = date(2026, 6, 1)

#  postal code  agency   competent office    what a clerk knows
ROUTING_TABLE = [
    ("9000", "ocmw", "ocmw-44021"),  # Gent
    ("9050", "ocmw", "ocmw-44021"),  # Gentbrugge, part of Gent
    ("2000", "ocmw", "ocmw-11002"),  # Antwerpen
    ("2100", "ocmw", "ocmw-11002"),  # Deurne, district of Antwerpen
    ("1000", "ocmw", "ocmw-21004"),  # Brussel
    ("1030", "ocmw", "ocmw-21015"),  # Schaarbeek
    ("1200", "ocmw", "ocmw-21018"),  # Sint-Lambrechts-Woluwe
    ("4000", "ocmw", "ocmw-62063"),  # Liège
    ("4020", "ocmw", "ocmw-62063"),  # Liège (Outremeuse)
    ("5000", "ocmw", "ocmw-92094"),  # Namur
    ("7000", "ocmw", "ocmw-53053"),  # Mons
    ("3000", "ocmw", "ocmw-24062"),  # Leuven
    ("8000", "ocmw", "ocmw-31005"),  # Brugge
    ("4700", "ocmw", "ocmw-63023"),  # Eupen, German-speaking
    ("9090", "ocmw", "ocmw-44088"),  # Melle, merged into Merelbeke-Melle in 2025
    ("2070", "ocmw", "ocmw-46030"),  # Zwijndrecht, merged into Beveren-Kruibeke-Zwijndrecht
    ("9000", "fin", "fin-gent"),
    ("2000", "fin", "fin-antwerpen"),
    ("1000", "fin", "fin-brussel"),
    ("4000", "fin", "fin-liege"),
    ("4700", "fin", "fin-eupen"),
    ("6700", "fin", "fin-arlon"),
    ("1040", "fin", "fin-brussel"),  # ambiguous for municipalities, not for FPS Finance
    ("1000", "davo", "davo-brussel"),
    ("9000", "davo", "davo-gent"),
    ("2000", "davo", "davo-antwerpen"),
    ("4000", "davo", "davo-liege"),
    ("5000", "davo", "davo-namur"),
    ("9000", "podmi", "podmi-brussel"),
    ("4700", "podmi", "podmi-brussel"),
]

OFFICE_NAMES = {
    "ocmw-44021": "OCMW Gent",
    "ocmw-62063": "CPAS Liège",
    "ocmw-21004": "OCMW Brussel / CPAS Bruxelles",
    "ocmw-63023": "ÖSHZ Eupen",
}


@pytest.fixture
def router(sessions) -> Router:
    with sessions() as session:
        return Router.load(session)


@pytest.fixture
def geography(sessions) -> dict[str, set[str]]:
    """Postal code → the REFNIS codes of the municipalities it covers, straight from the table."""
    links: dict[str, set[str]] = defaultdict(set)
    with sessions() as session:
        for code in session.scalars(select(PostalCode.code)):
            links[code]
        for code, refnis in session.execute(
            select(PostalCodeMunicipality.postal_code, PostalCodeMunicipality.municipality_refnis)
        ):
            links[code].add(refnis)
    return dict(links)


@pytest.mark.parametrize(("postcode", "agency", "office"), ROUTING_TABLE)
def test_routing_table_for_well_known_postal_codes(router, postcode, agency, office):
    assert router.route(postcode, agency, DAY).id == office


def test_offices_carry_the_name_citizens_see_on_the_door(router):
    assert {office: router.office(office).name for office in OFFICE_NAMES} == OFFICE_NAMES
    assert router.route("9000", "ocmw", DAY).municipality == "44021"


def test_every_unambiguous_postal_code_has_one_office_of_every_agency(router, geography):
    wrong = []
    for postcode, municipalities in sorted(geography.items()):
        if len(municipalities) > 1:
            continue
        for agency in AGENCIES:
            office = router.route(postcode, agency, DAY)
            if not office.id.startswith(agency + "-"):
                wrong.append((postcode, agency, office.id))
            if agency == "ocmw" and office.municipality not in municipalities:
                wrong.append((postcode, agency, office.id, "outside", municipalities))
            if agency == "ocmw" and office.id != f"ocmw-{office.municipality}":
                wrong.append((postcode, agency, office.id, "not its own OCMW"))
    assert wrong == []
    assert sum(len(m) == 1 for m in geography.values()) > 1100


def test_every_welfare_centre_serves_exactly_its_own_municipality(router, geography, sessions):
    own = defaultdict(set)  # office → municipalities it gets through unambiguous postal codes
    as_candidate = set()  # offices offered to the clerk for an ambiguous postal code
    for postcode, municipalities in geography.items():
        if len(municipalities) == 1:
            own[router.route(postcode, "ocmw", DAY).id].update(municipalities)
            continue
        with pytest.raises(AmbiguousPostcode) as raised:
            router.route(postcode, "ocmw", DAY)
        as_candidate.update(c.office_id for c in raised.value.candidates)
    with sessions() as session:
        names = dict(session.execute(select(Municipality.refnis, Municipality.name_nl)).all())
    every_ocmw = {f"ocmw-{refnis}" for refnis in names}
    assert all(own[office] == {office.removeprefix("ocmw-")} for office in own)
    assert set(own) | as_candidate == every_ocmw
    # Etterbeek (1040) and Elsene (1050) have no postal code of their own: a citizen moving
    # there always waits for a clerk to confirm the municipality.
    only_as_candidate = every_ocmw - set(own)
    assert sorted(names[o.removeprefix("ocmw-")] for o in only_as_candidate) == [
        "Elsene",
        "Etterbeek",
    ]


def test_fps_finance_and_davo_have_their_regional_offices_in_use(router, geography):
    used = defaultdict(set)
    for postcode, municipalities in geography.items():
        used["fin"].add(router.route(postcode, "fin", DAY).id)
        if len(municipalities) == 1:
            used["davo"].add(router.route(postcode, "davo", DAY).id)
            used["podmi"].add(router.route(postcode, "podmi", DAY).id)
    assert len(used["fin"]) == 12
    assert used["davo"] == {
        "davo-brussel",
        "davo-antwerpen",
        "davo-gent",
        "davo-liege",
        "davo-namur",
    }
    assert used["podmi"] == {"podmi-brussel"}


@pytest.mark.parametrize("agency", ["ocmw", "davo"])
def test_an_ambiguous_postal_code_names_its_municipalities_instead_of_guessing(
    router, geography, sessions, agency
):
    with sessions() as session:
        names = dict(session.execute(select(Municipality.refnis, Municipality.name_nl)).all())
    ambiguous = {code: refnis for code, refnis in geography.items() if len(refnis) > 1}
    assert set(ambiguous) == {"1040", "1050", "1804"}
    for postcode, municipalities in ambiguous.items():
        with pytest.raises(AmbiguousPostcode) as raised:
            router.route(postcode, agency, DAY)
        candidates = raised.value.candidates
        assert len(candidates) >= 2
        assert {c.municipality for c in candidates} == municipalities
        assert {c.municipality_name for c in candidates} == {names[r] for r in municipalities}
        for candidate in candidates:
            assert candidate.municipality_name in str(raised.value)
            assert candidate.office_id is not None
            assert candidate.office_id.startswith(agency + "-")
            if agency == "ocmw":
                assert candidate.office_id == f"ocmw-{candidate.municipality}"
            # The clerk who knows the municipality gets that candidate's office.
            chosen = router.route(postcode, agency, DAY, municipality=candidate.municipality)
            assert chosen.id == candidate.office_id


def test_1040_is_brussel_or_etterbeek(router):
    with pytest.raises(AmbiguousPostcode) as raised:
        router.route("1040", "ocmw", DAY)
    assert [(c.municipality_name, c.office_id) for c in raised.value.candidates] == [
        ("Brussel", "ocmw-21004"),
        ("Etterbeek", "ocmw-21005"),
    ]
    assert "Brussel and Etterbeek" in str(raised.value)


def test_fps_finance_routes_ambiguous_postal_codes_by_the_code_itself(router, geography):
    for postcode in ("1040", "1050", "1804"):
        assert router.route(postcode, "fin", DAY).id.startswith("fin-")


@pytest.mark.parametrize("postcode", ["1040", "1050", "1804"])
def test_the_national_office_is_competent_for_ambiguous_postal_codes_too(router, postcode):
    assert router.route(postcode, "podmi", DAY).id == "podmi-brussel"


@pytest.mark.parametrize("agency", AGENCIES)
def test_an_unknown_postal_code_is_refused_with_its_code(router, agency):
    with pytest.raises(UnknownPostcode, match="9999"):
        router.route("9999", agency, DAY)


def test_an_unknown_agency_is_refused_with_the_known_ones(router):
    with pytest.raises(UnknownAgency, match="davo, fin, ocmw, podmi") as raised:
        router.route("9000", "cpas", DAY)
    assert raised.value.agency == "cpas"


def test_an_unknown_agency_is_refused_at_an_ambiguous_postal_code_too(router):
    with pytest.raises(UnknownAgency):
        router.route("1040", "cpas", DAY)


@pytest.mark.parametrize("agency", AGENCIES)
def test_no_office_is_competent_before_the_network_existed(router, agency):
    with pytest.raises(NoJurisdiction, match="1999-12-31"):
        router.route("9000", agency, date(1999, 12, 31))
    assert router.route("9000", agency, date(2000, 1, 1)).id.startswith(agency + "-")


def test_route_reads_the_database_when_asked_once(sessions):
    with sessions() as session:
        assert route(session, "9000", "ocmw", DAY).id == "ocmw-44021"


@pytest.fixture
def planned_changes(sessions) -> Iterator[None]:
    """Two planned changes of competence, undone afterwards (jurisdiction is reference data):

    - from 2030, Gentbrugge (9050) is served by the OCMW of Merelbeke-Melle by postal code;
    - from 2031, the whole of Liège is served by the OCMW of Seraing, and Liège's own row ends.
    """
    with sessions.begin() as session:
        session.add_all(
            [
                Jurisdiction(
                    agency_code="ocmw",
                    postal_code="9050",
                    office_id="ocmw-44088",
                    valid_from=date(2030, 1, 1),
                ),
                Jurisdiction(
                    agency_code="ocmw",
                    municipality_refnis="62063",
                    office_id="ocmw-62096",
                    valid_from=date(2031, 1, 1),
                ),
            ]
        )
        session.execute(
            update(Jurisdiction)
            .where(
                Jurisdiction.agency_code == "ocmw",
                Jurisdiction.municipality_refnis == "62063",
                Jurisdiction.office_id == "ocmw-62063",
            )
            .values(valid_to=date(2031, 1, 1))
        )
    try:
        yield
    finally:
        with sessions.begin() as session:
            session.execute(
                delete(Jurisdiction).where(
                    Jurisdiction.valid_from.in_([date(2030, 1, 1), date(2031, 1, 1)])
                )
            )
            session.execute(
                update(Jurisdiction)
                .where(Jurisdiction.office_id == "ocmw-62063")
                .values(valid_to=None)
            )


def test_a_change_of_competence_takes_effect_on_its_day_and_not_before(sessions, planned_changes):
    with sessions() as session:
        assert session.get(Office, "ocmw-62096").name == "CPAS Seraing"
        router = Router.load(session)
    table = [
        (postcode, day.isoformat(), router.route(postcode, "ocmw", day).id)
        for postcode, day in [
            ("9050", date(2029, 12, 31)),
            ("9050", date(2030, 1, 1)),
            ("9000", date(2030, 1, 1)),
            ("4000", date(2030, 12, 31)),
            ("4000", date(2031, 1, 1)),
            ("4020", date(2031, 1, 1)),
        ]
    ]
    assert table == [
        ("9050", "2029-12-31", "ocmw-44021"),  # Gent until the change
        ("9050", "2030-01-01", "ocmw-44088"),  # the postal-code row wins from its day
        ("9000", "2030-01-01", "ocmw-44021"),  # the rest of Gent is untouched
        ("4000", "2030-12-31", "ocmw-62063"),  # Liège until its row ends
        ("4000", "2031-01-01", "ocmw-62096"),  # Seraing from the next day
        ("4020", "2031-01-01", "ocmw-62096"),
    ]
