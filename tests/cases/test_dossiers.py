"""Opening dossiers at the competent office, their references, status history and listing."""

from datetime import date

import pytest
from factories import citizen_at, open_dossiers
from sqlalchemy import select

from loket.cases.choices import DossierStatus
from loket.cases.dossiers import (
    DossierError,
    UnknownDossier,
    change_status,
    dossier_history,
    get_dossier,
    list_dossiers,
    open_dossier,
)
from loket.cases.model import DossierEvent
from loket.cases.routing import AmbiguousPostcode
from loket.people.service import NewAddress, add_citizen

DAY = date(2026, 3, 2)


def _open(session, insz, case_type="leefloon", agency="ocmw", on=DAY, **extra):
    return open_dossier(session, insz=insz, agency=agency, case_type=case_type, on=on, **extra)


def test_a_dossier_opens_at_the_office_competent_for_the_citizens_address(sessions):
    with sessions.begin() as session:
        citizen = citizen_at(session, "9000")
        opened = open_dossiers(session, citizen, on=DAY)
    assert {t: d.office_id for t, d in opened.items()} == {
        "leefloon": "ocmw-44021",
        "tax-collection": "fin-gent",
        "maintenance-claim": "davo-gent",
    }
    assert {d.status for d in opened.values()} == {"requested"}
    assert {d.opened_on for d in opened.values()} == {DAY}


def test_references_count_per_office_and_per_year(sessions):
    with sessions.begin() as session:
        gent = [citizen_at(session, "9000").insz for _ in range(3)]
        antwerpen = citizen_at(session, "2000").insz
        references = [
            _open(session, gent[0]).reference,
            _open(session, gent[1]).reference,
            _open(session, antwerpen).reference,
            _open(session, gent[2], "debt-mediation").reference,
            _open(session, gent[0], "tax-collection", "fin").reference,
            _open(session, gent[1], on=date(2027, 1, 4)).reference,
        ]
    assert references == [
        "OCMW-44021-2026-000001",
        "OCMW-44021-2026-000002",
        "OCMW-11002-2026-000001",
        "OCMW-44021-2026-000003",
        "FIN-GENT-2026-000001",
        "OCMW-44021-2027-000001",
    ]


def test_numbering_carries_on_across_transactions(sessions):
    with sessions.begin() as session:
        insz = citizen_at(session, "9000").insz
        first = _open(session, insz).reference
    with sessions.begin() as session:
        second = _open(session, insz, "debt-mediation").reference
    assert (first, second) == ("OCMW-44021-2026-000001", "OCMW-44021-2026-000002")


@pytest.mark.parametrize(
    ("case_type", "agency", "field", "says"),
    [
        ("pension", "ocmw", "type:", "known types: debt-mediation, leefloon"),
        ("tax-collection", "ocmw", "type:", "belongs to agency fin"),
        ("leefloon", "fin", "type:", "belongs to agency ocmw"),
    ],
)
def test_a_wrong_type_or_agency_is_refused_naming_the_field(
    sessions, case_type, agency, field, says
):
    with sessions.begin() as session:
        insz = citizen_at(session, "9000").insz
        with pytest.raises(DossierError) as raised:
            _open(session, insz, case_type, agency)
    assert str(raised.value).startswith(field)
    assert says in str(raised.value)


def test_an_office_of_another_agency_is_refused_naming_the_office(sessions):
    with sessions.begin() as session:
        insz = citizen_at(session, "9000").insz
        with pytest.raises(DossierError, match="^office: 'fin-gent' is not an office of ocmw"):
            _open(session, insz, office_id="fin-gent")
        with pytest.raises(DossierError, match="^office: 'ocmw-99999'"):
            _open(session, insz, office_id="ocmw-99999")


def test_an_ambiguous_postal_code_needs_the_office_to_be_named(sessions):
    with sessions.begin() as session:
        insz = citizen_at(session, "1040").insz
        with pytest.raises(AmbiguousPostcode, match="Brussel and Etterbeek"):
            _open(session, insz)
        dossier = _open(session, insz, office_id="ocmw-21005")
        # FPS Finance routes 1040 by its postal code and needs no help.
        tax = _open(session, insz, "tax-collection", "fin")
    assert (dossier.reference, dossier.office_id) == ("OCMW-21005-2026-000001", "ocmw-21005")
    assert tax.office_id == "fin-brussel"


def test_a_citizen_living_abroad_needs_the_office_to_be_named(sessions):
    with sessions.begin() as session:
        citizen = add_citizen(
            session,
            insz="85073003328",
            family_name="Dupont",
            given_names="Marie",
            birth_date=date(1985, 7, 30),
            address=NewAddress("Rue de Rivoli", "1", "75001", country="FR"),
            since=date(2020, 1, 1),
        )
        with pytest.raises(DossierError, match="^insz: .*no address in Belgium"):
            _open(session, citizen.insz)
        assert _open(session, citizen.insz, office_id="ocmw-21004").office_id == "ocmw-21004"


def test_a_dossier_of_an_unknown_citizen_is_refused(sessions):
    with sessions.begin() as session, pytest.raises(ValueError, match="^insz: "):
        _open(session, "85073003328")


def test_a_status_change_is_written_into_the_history(sessions):
    with sessions.begin() as session:
        insz = citizen_at(session, "9000").insz
        reference = _open(session, insz).reference
    with sessions.begin() as session:
        change_status(session, reference, DossierStatus.IN_REVIEW, date(2026, 3, 9))
        change_status(session, reference, DossierStatus.ACTIVE, date(2026, 4, 1), "approved")
    with sessions.begin() as session:
        closed = change_status(session, reference, DossierStatus.CLOSED, date(2026, 12, 31))
    assert (closed.status, closed.closed_on) == ("closed", date(2026, 12, 31))
    with sessions() as session:
        dossier = get_dossier(session, reference)
        history = [
            (e.kind, e.effective_date.isoformat(), e.from_status, e.to_status, e.to_office_id)
            for e in dossier_history(session, dossier.id)
        ]
    assert history == [
        ("created", "2026-03-02", None, "requested", "ocmw-44021"),
        ("status-changed", "2026-03-09", "requested", "in-review", None),
        ("status-changed", "2026-04-01", "in-review", "active", None),
        ("status-changed", "2026-12-31", "active", "closed", None),
    ]
    assert dossier.status == "closed"


def test_reopening_a_closed_dossier_clears_its_closing_day(sessions):
    with sessions.begin() as session:
        reference = _open(session, citizen_at(session, "9000").insz).reference
        change_status(session, reference, DossierStatus.CLOSED, date(2026, 5, 1))
        reopened = change_status(session, reference, DossierStatus.ACTIVE, date(2026, 6, 1))
    assert (reopened.status, reopened.closed_on) == ("active", None)


def test_a_status_change_notes_the_reason_given(sessions):
    with sessions.begin() as session:
        reference = _open(session, citizen_at(session, "9000").insz).reference
        dossier = change_status(session, reference, DossierStatus.REFUSED, DAY, "no residence")
        notes = list(
            session.scalars(
                select(DossierEvent.note).where(
                    DossierEvent.dossier_id == dossier.id, DossierEvent.kind == "status-changed"
                )
            )
        )
    assert notes == ["no residence"]
    assert dossier.closed_on == DAY


def test_an_unknown_reference_is_named_in_the_error(sessions):
    with sessions() as session, pytest.raises(UnknownDossier, match="OCMW-44021-2026-999999"):
        get_dossier(session, "OCMW-44021-2026-999999")


def test_the_dossier_list_shows_each_dossier_with_its_office(sessions):
    with sessions.begin() as session:
        citizen = citizen_at(session, "9000")
        neighbour = citizen_at(session, "9000")
        open_dossiers(session, citizen, on=DAY)
        open_dossiers(session, neighbour, ("leefloon",), on=DAY)
        change_status(session, "OCMW-44021-2026-000001", DossierStatus.ACTIVE, DAY)
    with sessions() as session:
        rows = [row.as_json() for row in list_dossiers(session, citizen.insz)]
    assert rows == [
        {
            "reference": "DAVO-GENT-2026-000001",
            "agency": "davo",
            "type": "maintenance-claim",
            "status": "requested",
            "office": {"id": "davo-gent", "name": "DAVO Gent", "municipality": "44021"},
        },
        {
            "reference": "FIN-GENT-2026-000001",
            "agency": "fin",
            "type": "tax-collection",
            "status": "requested",
            "office": {"id": "fin-gent", "name": "FOD Financiën Gent", "municipality": "44021"},
        },
        {
            "reference": "OCMW-44021-2026-000001",
            "agency": "ocmw",
            "type": "leefloon",
            "status": "active",
            "office": {"id": "ocmw-44021", "name": "OCMW Gent", "municipality": "44021"},
        },
    ]


def test_the_dossier_list_of_a_citizen_without_dossiers_is_empty(sessions):
    with sessions.begin() as session:
        insz = citizen_at(session, "2000").insz
    with sessions() as session:
        assert list_dossiers(session, insz) == []
