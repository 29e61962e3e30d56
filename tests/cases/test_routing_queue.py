"""A clerk settles the dossiers that could not follow their citizen."""

from datetime import date

from sqlalchemy import select

from loket.cases.dossiers import get_dossier, open_dossier
from loket.cases.model import DossierEvent
from loket.cases.queue import transfer_dossier, waiting_dossiers
from loket.people.moves import change_address
from loket.people.service import NewAddress, add_citizen
from loket.store.outbox import OutboxMessage

INSZ = "85073003328"


def test_a_dossier_waiting_on_an_ambiguous_postcode_is_settled_by_hand(sessions):
    with sessions.begin() as session:
        add_citizen(session, insz=INSZ, family_name="Peeters", given_names="Jan",
                    birth_date=date(1985, 7, 30), address=NewAddress("Kouter", "1", "9000"),
                    since=date(2020, 1, 1))  # fmt: skip
        reference = open_dossier(
            session, insz=INSZ, agency="ocmw", case_type="leefloon", on=date(2024, 1, 1)
        ).reference
        change_address(session, "m1", INSZ, NewAddress("Oudergemlaan", "3", "1040"),
                       date(2025, 3, 1), "test")  # fmt: skip
    with sessions() as session:
        waiting = waiting_dossiers(session, "ocmw-44021")
    assert [(w.reference, w.reason) for w in waiting] == [(reference, "ambiguous-postcode")]
    assert "Etterbeek" in waiting[0].detail

    with sessions.begin() as session:
        transfer_dossier(session, reference, "ocmw-21005", "lives in Etterbeek (street known)")
    with sessions() as session:
        assert get_dossier(session, reference).office_id == "ocmw-21005"
        assert waiting_dossiers(session) == []
        last = session.scalars(select(DossierEvent).order_by(DossierEvent.id.desc())).first()
        assert last is not None
        assert (last.kind, last.from_office_id, last.to_office_id) == (
            "transferred", "ocmw-44021", "ocmw-21005",
        )  # fmt: skip
        recipients = {m.recipient_id for m in session.scalars(select(OutboxMessage))}
        assert {"ocmw-44021", "ocmw-21005", INSZ} <= recipients


def test_a_dossier_cannot_be_handed_to_another_agency(sessions):
    with sessions.begin() as session:
        add_citizen(session, insz=INSZ, family_name="Peeters", given_names="Jan",
                    birth_date=date(1985, 7, 30),
                    address=NewAddress("Kouter", "1", "9000"))  # fmt: skip
        reference = open_dossier(session, insz=INSZ, agency="ocmw", case_type="leefloon").reference
    with sessions.begin() as session:
        try:
            transfer_dossier(session, reference, "fin-gent", "wrong")
        except ValueError as error:
            assert str(error).startswith("office:")
        else:
            raise AssertionError("a leefloon dossier was handed to FPS Finance")
