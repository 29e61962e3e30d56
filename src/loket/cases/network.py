"""The standard office network: agencies, case types, offices and who is competent where.

Built once by `loket init` from the reference geography; jurisdiction rows are data and can be
replaced from a CSV later without touching code.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from loket.cases.choices import Confidentiality
from loket.cases.model import Agency, CaseType, Jurisdiction, Office
from loket.geo.coordinates import distance_km
from loket.geo.model import Municipality, PostalCode, PostalCodeMunicipality

# The reference geography is the one after the 2025 mergers; the network applies it to earlier
# days too, so that older dossiers and moves can be routed.
NETWORK_VALID_FROM = date(2000, 1, 1)

AGENCIES = [
    (
        "ocmw",
        "Openbaar Centrum voor Maatschappelijk Welzijn",
        "Centre public d'action sociale",
        "Öffentliches Sozialhilfezentrum",
        "Public Centre for Social Welfare",
    ),
    ("fin", "FOD Financiën", "SPF Finances", "FÖD Finanzen", "FPS Finance"),
    (
        "davo",
        "Dienst voor Alimentatievorderingen",
        "Service des créances alimentaires",
        "Dienst für Unterhaltsforderungen",
        "Maintenance Claims Service",
    ),
    (
        "podmi",
        "POD Maatschappelijke Integratie",
        "SPP Intégration sociale",
        "ÖPD Sozialeingliederung",
        "PPS Social Integration",
    ),
]

# code, agency, nl, fr, de, en, follows residence, confidentiality
CASE_TYPES = [
    ("leefloon", "ocmw", "Leefloon", "Revenu d'intégration", "Eingliederungseinkommen",
     "Living wage", True, Confidentiality.SENSITIVE),
    ("debt-mediation", "ocmw", "Schuldbemiddeling", "Médiation de dettes", "Schuldnerberatung",
     "Debt mediation", True, Confidentiality.SENSITIVE),
    ("tax-collection", "fin", "Invordering belastingen", "Recouvrement de l'impôt",
     "Steuereintreibung", "Tax collection", True, Confidentiality.NORMAL),
    ("maintenance-claim", "davo", "Alimentatievordering", "Créance alimentaire",
     "Unterhaltsforderung", "Maintenance claim recovery", False, Confidentiality.SENSITIVE),
    ("tax-question", "fin", "Vraag over een belastinginvordering",
     "Question sur un recouvrement d'impôt", "Frage zu einer Steuereintreibung",
     "Question about a tax collection", True, Confidentiality.NORMAL),
    ("situation-change", "ocmw", "Melding van een gewijzigde situatie",
     "Signalement d'un changement de situation", "Meldung einer geänderten Situation",
     "Report of a change in situation", True, Confidentiality.SENSITIVE),
]  # fmt: skip


@dataclass(frozen=True)
class RegionalOffice:
    slug: str
    name: str
    postcode: str
    languages: tuple[str, ...]


FIN_OFFICES = [
    RegionalOffice("antwerpen", "FOD Financiën Antwerpen", "2000", ("nl",)),
    RegionalOffice("gent", "FOD Financiën Gent", "9000", ("nl",)),
    RegionalOffice("brugge", "FOD Financiën Brugge", "8000", ("nl",)),
    RegionalOffice("leuven", "FOD Financiën Leuven", "3000", ("nl",)),
    RegionalOffice("hasselt", "FOD Financiën Hasselt", "3500", ("nl",)),
    RegionalOffice("brussel", "FOD Financiën / SPF Finances Brussel", "1000", ("nl", "fr")),
    RegionalOffice("liege", "SPF Finances Liège", "4000", ("fr",)),
    RegionalOffice("namur", "SPF Finances Namur", "5000", ("fr",)),
    RegionalOffice("charleroi", "SPF Finances Charleroi", "6000", ("fr",)),
    RegionalOffice("mons", "SPF Finances Mons", "7000", ("fr",)),
    RegionalOffice("arlon", "SPF Finances Arlon", "6700", ("fr", "de")),
    RegionalOffice("eupen", "FÖD Finanzen Eupen", "4700", ("de", "fr")),
]
DAVO_OFFICES = [
    RegionalOffice("brussel", "DAVO / SECAL Brussel", "1000", ("nl", "fr")),
    RegionalOffice("antwerpen", "DAVO Antwerpen", "2000", ("nl",)),
    RegionalOffice("gent", "DAVO Gent", "9000", ("nl",)),
    RegionalOffice("liege", "SECAL Liège", "4000", ("fr", "de")),
    RegionalOffice("namur", "SECAL Namur", "5000", ("fr",)),
]
PODMI_OFFICE = RegionalOffice("brussel", "POD MI / SPP IS", "1000", ("nl", "fr", "de", "en"))

WEEKDAY_HOURS = {
    "mon": "09:00-12:00",
    "tue": "09:00-12:00,13:30-16:00",
    "wed": "09:00-12:00",
    "thu": "09:00-12:00,13:30-19:00",
    "fri": "09:00-12:00",
}

GERMAN_SPEAKING = {"63001", "63012", "63013", "63023", "63040", "63048", "63061", "63067", "63087"}


def _languages(municipality: Municipality) -> list[str]:
    if municipality.refnis in GERMAN_SPEAKING:
        return ["de", "fr"]
    return {"02000": ["nl"], "03000": ["fr"], "04000": ["nl", "fr"]}[municipality.region_refnis]


def _ocmw_name(municipality: Municipality) -> str:
    if municipality.refnis in GERMAN_SPEAKING:
        return f"ÖSHZ {municipality.name_fr}"
    if municipality.region_refnis == "02000":
        return f"OCMW {municipality.name_nl}"
    if municipality.region_refnis == "03000":
        return f"CPAS {municipality.name_fr}"
    return f"OCMW {municipality.name_nl} / CPAS {municipality.name_fr}"


def _first_postcodes(session: Session) -> dict[str, str]:
    link = PostalCodeMunicipality
    rows = session.execute(
        select(link.municipality_refnis, func.min(link.postal_code)).group_by(
            link.municipality_refnis
        )
    )
    return dict(rows.all())


def _regional_office(session: Session, agency: str, spec: RegionalOffice) -> Office:
    postcode = session.get(PostalCode, spec.postcode)
    refnis = session.scalar(
        select(PostalCodeMunicipality.municipality_refnis).where(
            PostalCodeMunicipality.postal_code == spec.postcode
        )
    )
    assert postcode is not None and refnis is not None, spec
    return Office(
        id=f"{agency}-{spec.slug}",
        agency_code=agency,
        name=spec.name,
        street="Administratief Centrum",
        house_number="1",
        postcode=spec.postcode,
        municipality_refnis=refnis,
        latitude=postcode.latitude,
        longitude=postcode.longitude,
        languages=list(spec.languages),
        opening_hours=WEEKDAY_HOURS,
        staff_fte=40.0,
        phone=_demo_phone(spec.postcode),
        step_free_access=True,
        appointment_desks=_desks(40.0),
    )


def _demo_phone(code: str) -> str:
    """A made-up number in the national-rate 078 range, stable per office."""
    digits = f"{int(code) % 1_000_000:06d}"
    return f"078 {digits[:2]} {digits[2:4]} {digits[4:]}"


def _desks(staff_fte: float) -> int:
    """Appointment desks an office can staff at once: one per three full-time staff."""
    return max(1, int(staff_fte // 3))


def _nearest(point: tuple[float, float], offices: list[Office]) -> Office:
    return min(offices, key=lambda o: distance_km(point, (o.latitude, o.longitude)))


def build_network(session: Session) -> int:
    """Create agencies, case types, offices and jurisdiction where they are missing.

    Returns the number of offices created. Existing offices and jurisdiction rows are left as
    they are, so running it again changes nothing.
    """
    for code, nl, fr, de, en in AGENCIES:
        session.merge(Agency(code=code, name_nl=nl, name_fr=fr, name_de=de, name_en=en))
    for code, agency, nl, fr, de, en, follows, level in CASE_TYPES:
        session.merge(
            CaseType(
                code=code,
                agency_code=agency,
                name_nl=nl,
                name_fr=fr,
                name_de=de,
                name_en=en,
                follows_residence=follows,
                confidentiality=level.value,
            )
        )
    session.flush()
    if session.scalar(select(func.count()).select_from(Office)):
        return 0

    created: list[Office] = []
    first_postcode = _first_postcodes(session)
    municipalities = list(session.scalars(select(Municipality).order_by(Municipality.refnis)))
    for m in municipalities:
        pc = first_postcode[m.refnis]
        office = Office(
            id=f"ocmw-{m.refnis}",
            agency_code="ocmw",
            name=_ocmw_name(m),
            street="Sociaal Huis" if m.region_refnis == "02000" else "Maison sociale",
            house_number="1",
            postcode=pc,
            municipality_refnis=m.refnis,
            latitude=m.latitude or 0.0,
            longitude=m.longitude or 0.0,
            languages=_languages(m),
            opening_hours=WEEKDAY_HOURS,
            staff_fte=6.0,
            phone=_demo_phone(m.refnis),
            # Older town halls without a lift: about one office in seven, spread evenly.
            step_free_access=int(m.refnis) % 7 != 3,
            appointment_desks=_desks(6.0),
        )
        created.append(office)
        session.add(office)
    session.flush()
    for m in municipalities:
        session.add(
            Jurisdiction(
                agency_code="ocmw",
                municipality_refnis=m.refnis,
                office_id=f"ocmw-{m.refnis}",
                valid_from=NETWORK_VALID_FROM,
            )
        )

    session.flush()
    fin = [_regional_office(session, "fin", spec) for spec in FIN_OFFICES]
    davo = [_regional_office(session, "davo", spec) for spec in DAVO_OFFICES]
    podmi = _regional_office(session, "podmi", PODMI_OFFICE)
    session.add_all([*fin, *davo, podmi])
    created.extend([*fin, *davo, podmi])
    session.flush()

    # FPS Finance is competent by postal code: each code goes to its nearest tax office.
    for postal_code in session.scalars(select(PostalCode)):
        office = _nearest((postal_code.latitude, postal_code.longitude), fin)
        session.add(
            Jurisdiction(
                agency_code="fin",
                postal_code=postal_code.code,
                office_id=office.id,
                valid_from=NETWORK_VALID_FROM,
            )
        )
    # DAVO is competent by municipality: each goes to its nearest DAVO office.
    for m in municipalities:
        office = _nearest((m.latitude or 0.0, m.longitude or 0.0), davo)
        session.add(
            Jurisdiction(
                agency_code="davo",
                municipality_refnis=m.refnis,
                office_id=office.id,
                valid_from=NETWORK_VALID_FROM,
            )
        )
    # POD MI has one national office.
    session.add(
        Jurisdiction(agency_code="podmi", office_id=podmi.id, valid_from=NETWORK_VALID_FROM)
    )
    session.flush()
    return len(created)
