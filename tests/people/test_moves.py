"""The dossier follows the citizen: address changes move open dossiers to the competent office."""

from datetime import date

import pytest
from factories import citizen_at, move, open_dossiers
from sqlalchemy import func, select

from loket.cases.choices import DossierStatus
from loket.cases.dossiers import change_status, get_dossier
from loket.cases.model import Dossier, DossierEvent, RoutingQueueItem
from loket.cases.routing import Router
from loket.geo.model import PostalCode, PostalCodeMunicipality
from loket.people.identifiers import InvalidInsz
from loket.people.model import Address, AddressChange
from loket.people.moves import apply_moves, change_address
from loket.people.service import NewAddress, UnknownCitizen, address_history, get_citizen
from loket.store.outbox import OutboxMessage

ALL_TYPES = ("leefloon", "debt-mediation", "tax-collection", "maintenance-claim")
OPENED = date(2024, 1, 1)


@pytest.fixture
def router(sessions) -> Router:
    with sessions() as session:
        return Router.load(session)


def _gent_citizen(sessions, types=ALL_TYPES, postcode="9000"):
    """A citizen of Gent with one open dossier of each type; (insz, {type: reference})."""
    with sessions.begin() as session:
        citizen = citizen_at(session, postcode)
        dossiers = open_dossiers(session, citizen, types, on=OPENED)
        return citizen.insz, {t: d.reference for t, d in dossiers.items()}


def _change(sessions, event_id, insz, postcode, day, country="BE"):
    with sessions.begin() as session:
        return change_address(
            session, event_id, insz, NewAddress("Nieuwstraat", "2", postcode, country=country),
            day, "register",
        )  # fmt: skip


def _offices(sessions, references: dict[str, str]) -> dict[str, str]:
    with sessions() as session:
        return {t: get_dossier(session, ref).office_id for t, ref in references.items()}


def _events(sessions, reference: str, kind: str) -> list[tuple]:
    with sessions() as session:
        dossier = get_dossier(session, reference)
        rows = session.scalars(
            select(DossierEvent)
            .where(DossierEvent.dossier_id == dossier.id, DossierEvent.kind == kind)
            .order_by(DossierEvent.id)
        )
        return [
            (e.effective_date.isoformat(), e.from_office_id, e.to_office_id, e.reason,
             e.address_event_id)
            for e in rows
        ]  # fmt: skip


def _waiting(sessions, reference: str) -> list[tuple]:
    with sessions() as session:
        dossier = get_dossier(session, reference)
        rows = session.scalars(
            select(RoutingQueueItem)
            .where(RoutingQueueItem.dossier_id == dossier.id)
            .order_by(RoutingQueueItem.id)
        )
        return [(q.office_id, q.reason, q.address_event_id, q.resolved_on) for q in rows]


def _row_counts(sessions) -> dict[str, int]:
    with sessions() as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in (Address, AddressChange, DossierEvent, RoutingQueueItem, OutboxMessage)
        }


def _history(sessions, insz: str) -> list[tuple]:
    with sessions() as session:
        citizen = get_citizen(session, insz)
        return [
            (a.postcode, a.country, a.valid_from.isoformat(),
             a.valid_to.isoformat() if a.valid_to else None)
            for a in address_history(session, citizen.id)
        ]  # fmt: skip


def test_a_move_to_another_municipality_takes_the_open_dossiers_along(sessions):
    insz, refs = _gent_citizen(sessions)
    outcome = _change(sessions, "ev-1", insz, "2000", date(2025, 3, 1))

    assert outcome.status == "applied"
    assert _offices(sessions, refs) == {
        "leefloon": "ocmw-11002",
        "debt-mediation": "ocmw-11002",
        "tax-collection": "fin-antwerpen",
        "maintenance-claim": "davo-gent",  # a maintenance claim does not follow residence
    }
    assert sorted((t.reference, t.from_office, t.to_office) for t in outcome.transfers) == sorted(
        [
            (refs["leefloon"], "ocmw-44021", "ocmw-11002"),
            (refs["debt-mediation"], "ocmw-44021", "ocmw-11002"),
            (refs["tax-collection"], "fin-gent", "fin-antwerpen"),
        ]
    )
    assert _events(sessions, refs["leefloon"], "transferred") == [
        ("2025-03-01", "ocmw-44021", "ocmw-11002", "address-change", "ev-1")
    ]
    assert _events(sessions, refs["maintenance-claim"], "transferred") == []
    assert _history(sessions, insz) == [
        ("9000", "BE", "2020-01-01", "2025-03-01"),
        ("2000", "BE", "2025-03-01", None),
    ]
    assert outcome.queued == []


def test_each_transfer_notifies_the_old_office_the_new_office_and_the_citizen(sessions):
    insz, refs = _gent_citizen(sessions, ("leefloon",))
    _change(sessions, "ev-1", insz, "4000", date(2025, 3, 1))
    with sessions() as session:
        messages = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [(m.topic, m.recipient_kind, m.recipient_id) for m in messages] == [
        ("dossier-transferred-out", "office", "ocmw-44021"),
        ("dossier-transferred-in", "office", "ocmw-62063"),
        ("dossier-transferred", "citizen", insz),
    ]
    for message in messages:
        assert message.payload["reference"] == refs["leefloon"]
        assert message.payload["from_office"] == "ocmw-44021"
        assert message.payload["to_office"] == "ocmw-62063"
        assert message.payload["effective_date"] == "2025-03-01"
        assert message.sent_at is None


def _two_codes_of_one_municipality(sessions, how_many: int) -> list[tuple[str, str, str]]:
    """(municipality, postal code, other postal code) for municipalities with two own codes."""
    with sessions() as session:
        rows = session.execute(
            select(PostalCodeMunicipality.municipality_refnis, PostalCode.code)
            .join(PostalCode, PostalCode.code == PostalCodeMunicipality.postal_code)
            .where(PostalCode.ambiguous.is_(False))
            .order_by(PostalCodeMunicipality.municipality_refnis, PostalCode.code)
        ).all()
    codes: dict[str, list[str]] = {}
    for refnis, code in rows:
        codes.setdefault(refnis, []).append(code)
    pairs = [(refnis, c[0], c[-1]) for refnis, c in codes.items() if len(c) >= 2]
    step = max(1, len(pairs) // how_many)
    return pairs[::step][:how_many]


def test_a_move_within_the_same_municipality_keeps_the_welfare_dossiers(sessions):
    pairs = _two_codes_of_one_municipality(sessions, 6)
    assert len(pairs) == 6
    for i, (refnis, first, second) in enumerate(pairs):
        insz, refs = _gent_citizen(sessions, ("leefloon", "debt-mediation"), postcode=first)
        outcome = _change(sessions, f"ev-{i}", insz, second, date(2025, 3, 1))
        assert outcome.transfers == [], (first, second)
        assert _offices(sessions, refs) == {
            "leefloon": f"ocmw-{refnis}",
            "debt-mediation": f"ocmw-{refnis}",
        }
        assert _events(sessions, refs["leefloon"], "transferred") == []
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


@pytest.mark.parametrize("status", [DossierStatus.CLOSED, DossierStatus.REFUSED])
def test_a_closed_or_refused_dossier_stays_where_it_was_decided(sessions, status):
    insz, refs = _gent_citizen(sessions, ("leefloon", "debt-mediation"))
    with sessions.begin() as session:
        change_status(session, refs["debt-mediation"], status, date(2024, 6, 1))
    _change(sessions, "ev-1", insz, "2000", date(2025, 3, 1))
    assert _offices(sessions, refs) == {
        "leefloon": "ocmw-11002",
        "debt-mediation": "ocmw-44021",
    }


@pytest.mark.parametrize("status", [DossierStatus.IN_REVIEW, DossierStatus.SUSPENDED])
def test_a_dossier_in_review_or_suspended_is_still_open_and_moves(sessions, status):
    insz, refs = _gent_citizen(sessions, ("leefloon",))
    with sessions.begin() as session:
        change_status(session, refs["leefloon"], status, date(2024, 6, 1))
    _change(sessions, "ev-1", insz, "2000", date(2025, 3, 1))
    assert _offices(sessions, refs) == {"leefloon": "ocmw-11002"}


def test_replaying_an_event_changes_nothing(sessions):
    insz, refs = _gent_citizen(sessions)
    first = _change(sessions, "ev-1", insz, "2000", date(2025, 3, 1))
    counts = _row_counts(sessions)
    offices = _offices(sessions, refs)

    again = _change(sessions, "ev-1", insz, "2000", date(2025, 3, 1))
    # Even a replay with other content is recognised by its event id.
    other = _change(sessions, "ev-1", insz, "4000", date(2025, 9, 1))

    assert first.status == "applied" and len(first.transfers) == 3
    assert (again.status, again.transfers, other.status, other.transfers) == (
        "duplicate", [], "duplicate", [],
    )  # fmt: skip
    assert _row_counts(sessions) == counts
    assert _offices(sessions, refs) == offices


def test_an_event_repeated_within_one_batch_is_applied_once(sessions, router):
    insz, refs = _gent_citizen(sessions, ("leefloon",))
    moves = [move("ev-1", insz, date(2025, 3, 1), "2000")] * 2
    with sessions.begin() as session:
        outcomes = apply_moves(session, moves, router)
    assert [o.status for o in outcomes] == ["applied", "duplicate"]
    assert len(_events(sessions, refs["leefloon"], "transferred")) == 1
    assert len(_history(sessions, insz)) == 2


def test_a_move_arriving_late_is_filed_into_the_history_and_moves_no_dossier(sessions):
    insz, refs = _gent_citizen(sessions)
    _change(sessions, "ev-2", insz, "2000", date(2025, 6, 1))
    late = _change(sessions, "ev-1", insz, "4000", date(2025, 1, 1))
    earliest = _change(sessions, "ev-0", insz, "8000", date(2019, 5, 1))

    assert (late.status, late.transfers, earliest.status) == ("history", [], "history")
    assert _history(sessions, insz) == [
        ("8000", "BE", "2019-05-01", "2020-01-01"),
        ("9000", "BE", "2020-01-01", "2025-01-01"),
        ("4000", "BE", "2025-01-01", "2025-06-01"),
        ("2000", "BE", "2025-06-01", None),
    ]
    assert _offices(sessions, refs)["leefloon"] == "ocmw-11002"
    assert [e[1:3] for e in _events(sessions, refs["leefloon"], "transferred")] == [
        ("ocmw-44021", "ocmw-11002")
    ]
    with sessions() as session:
        applied_as = dict(
            session.execute(select(AddressChange.event_id, AddressChange.applied_as)).all()
        )
    assert applied_as == {"ev-2": "current", "ev-1": "history", "ev-0": "history"}


@pytest.mark.parametrize(
    ("postcode", "country", "reason", "detail"),
    [
        ("75001", "FR", "moved-abroad", "FR"),
        ("9999", "BE", "unknown-postcode", "9999"),
        ("1040", "BE", "ambiguous-postcode", "Brussel and Etterbeek"),
    ],
)
def test_a_dossier_that_cannot_follow_waits_at_its_office_until_a_routable_move(
    sessions, postcode, country, reason, detail
):
    insz, refs = _gent_citizen(sessions, ("leefloon",))
    outcome = _change(sessions, "ev-1", insz, postcode, date(2025, 3, 1), country)

    assert outcome.transfers == []
    assert [(q.reference, q.office, q.reason.value) for q in outcome.queued] == [
        (refs["leefloon"], "ocmw-44021", reason)
    ]
    assert detail in outcome.queued[0].detail
    assert _offices(sessions, refs) == {"leefloon": "ocmw-44021"}
    assert _waiting(sessions, refs["leefloon"]) == [("ocmw-44021", reason, "ev-1", None)]
    assert _events(sessions, refs["leefloon"], "routing-needed") == [
        ("2025-03-01", None, None, reason, "ev-1")
    ]
    with sessions() as session:
        notified = session.execute(select(OutboxMessage.topic, OutboxMessage.recipient_id)).all()
    assert [tuple(n) for n in notified] == [("dossier-needs-routing", "ocmw-44021")]

    resolved = _change(sessions, "ev-2", insz, "2000", date(2025, 8, 1))
    assert [(t.from_office, t.to_office) for t in resolved.transfers] == [
        ("ocmw-44021", "ocmw-11002")
    ]
    assert _waiting(sessions, refs["leefloon"]) == [
        ("ocmw-44021", reason, "ev-1", date(2025, 8, 1))
    ]
    assert _offices(sessions, refs) == {"leefloon": "ocmw-11002"}


def test_a_move_back_into_the_same_municipality_settles_the_waiting_item_without_transfer(
    sessions,
):
    insz, refs = _gent_citizen(sessions, ("leefloon",))
    _change(sessions, "ev-1", insz, "9999", date(2025, 3, 1))
    outcome = _change(sessions, "ev-2", insz, "9050", date(2025, 4, 1))
    assert outcome.transfers == []
    assert _waiting(sessions, refs["leefloon"]) == [
        ("ocmw-44021", "unknown-postcode", "ev-1", date(2025, 4, 1))
    ]


def test_a_second_unroutable_move_replaces_the_waiting_item(sessions):
    insz, refs = _gent_citizen(sessions, ("leefloon",))
    _change(sessions, "ev-1", insz, "9999", date(2025, 3, 1))
    _change(sessions, "ev-2", insz, "75001", date(2025, 4, 1), "FR")
    assert _waiting(sessions, refs["leefloon"]) == [
        ("ocmw-44021", "unknown-postcode", "ev-1", date(2025, 4, 1)),
        ("ocmw-44021", "moved-abroad", "ev-2", None),
    ]


def test_a_move_to_1040_moves_the_tax_dossier_but_holds_the_welfare_dossier(sessions):
    insz, refs = _gent_citizen(sessions, ("leefloon", "tax-collection"))
    outcome = _change(sessions, "ev-1", insz, "1040", date(2025, 3, 1))
    assert _offices(sessions, refs) == {"leefloon": "ocmw-44021", "tax-collection": "fin-brussel"}
    assert [q.reference for q in outcome.queued] == [refs["leefloon"]]
    assert _waiting(sessions, refs["tax-collection"]) == []


def test_several_moves_of_one_citizen_in_one_batch_follow_each_other(sessions, router):
    insz, refs = _gent_citizen(sessions, ("leefloon", "maintenance-claim"))
    moves = [
        move("ev-1", insz, date(2025, 1, 1), "2000"),
        move("ev-2", insz, date(2025, 2, 1), "4000"),
        move("ev-3", insz, date(2025, 3, 1), "1040"),
        move("ev-4", insz, date(2025, 4, 1), "5000"),
    ]
    with sessions.begin() as session:
        outcomes = apply_moves(session, moves, router)

    assert [(o.event_id, o.status, len(o.transfers), len(o.queued)) for o in outcomes] == [
        ("ev-1", "applied", 1, 0),
        ("ev-2", "applied", 1, 0),
        ("ev-3", "applied", 0, 1),
        ("ev-4", "applied", 1, 0),
    ]
    assert [e[:3] for e in _events(sessions, refs["leefloon"], "transferred")] == [
        ("2025-01-01", "ocmw-44021", "ocmw-11002"),
        ("2025-02-01", "ocmw-11002", "ocmw-62063"),
        ("2025-04-01", "ocmw-62063", "ocmw-92094"),
    ]
    assert _waiting(sessions, refs["leefloon"]) == [
        ("ocmw-62063", "ambiguous-postcode", "ev-3", date(2025, 4, 1))
    ]
    assert _offices(sessions, refs) == {
        "leefloon": "ocmw-92094",
        "maintenance-claim": "davo-gent",
    }
    assert _history(sessions, insz) == [
        ("9000", "BE", "2020-01-01", "2025-01-01"),
        ("2000", "BE", "2025-01-01", "2025-02-01"),
        ("4000", "BE", "2025-02-01", "2025-03-01"),
        ("1040", "BE", "2025-03-01", "2025-04-01"),
        ("5000", "BE", "2025-04-01", None),
    ]
    with sessions() as session:
        outbox = session.scalar(select(func.count()).select_from(OutboxMessage))
    assert outbox == 3 * 3 + 1  # three transfers and one routing request


def test_a_batch_applies_the_moves_of_known_citizens_and_rejects_the_others(sessions, router):
    insz, refs = _gent_citizen(sessions, ("leefloon",))
    moves = [
        move("ev-1", "85073003328", date(2025, 1, 1), "2000"),
        move("ev-2", insz, date(2025, 1, 1), "2000"),
    ]
    with sessions.begin() as session:
        outcomes = apply_moves(session, moves, router)
    assert [(o.event_id, o.status) for o in outcomes] == [("ev-1", "rejected"), ("ev-2", "applied")]
    assert "85073003328" in outcomes[0].reason
    assert _offices(sessions, refs) == {"leefloon": "ocmw-11002"}


def test_a_single_move_for_an_unknown_or_invalid_number_is_refused(sessions):
    with pytest.raises(UnknownCitizen, match="85073003328"):
        _change(sessions, "ev-1", "85.07.30-033.28", "2000", date(2025, 1, 1))
    with pytest.raises(InvalidInsz):
        _change(sessions, "ev-1", "85073003329", "2000", date(2025, 1, 1))
    assert _row_counts(sessions)["address_change"] == 0


def test_the_dossier_row_is_the_one_that_moved(sessions):
    """The dossier table, not only its history, says where the dossier is."""
    insz, refs = _gent_citizen(sessions, ("leefloon",))
    _change(sessions, "ev-1", insz, "2000", date(2025, 3, 1))
    with sessions() as session:
        offices = session.execute(select(Dossier.reference, Dossier.office_id)).all()
    assert [tuple(o) for o in offices] == [(refs["leefloon"], "ocmw-11002")]


def test_moving_on_abroad_leaves_the_dossier_waiting_at_the_last_belgian_office(sessions):
    insz, refs = _gent_citizen(sessions, ("leefloon",))
    _change(sessions, "ev-1", insz, "2000", date(2025, 1, 1))
    _change(sessions, "ev-2", insz, "75001", date(2025, 6, 1), "FR")
    assert _offices(sessions, refs) == {"leefloon": "ocmw-11002"}
    assert _waiting(sessions, refs["leefloon"]) == [("ocmw-11002", "moved-abroad", "ev-2", None)]


def test_the_same_moves_arriving_in_reverse_leave_the_dossier_at_the_same_office(sessions):
    insz, refs = _gent_citizen(sessions, ("leefloon",))
    _change(sessions, "ev-2", insz, "75001", date(2025, 6, 1), "FR")
    _change(sessions, "ev-1", insz, "2000", date(2025, 1, 1))
    assert _offices(sessions, refs) == {"leefloon": "ocmw-11002"}
    assert [(w[0], w[1]) for w in _waiting(sessions, refs["leefloon"]) if w[3] is None] == [
        ("ocmw-11002", "moved-abroad")
    ]


def test_a_second_move_on_the_same_day_is_where_the_citizen_lives(sessions):
    # Two moves with one effective date have no order of their own: the one applied last wins
    # (a file of moves is applied in date order, then by event id).
    insz, refs = _gent_citizen(sessions, ("leefloon",))
    _change(sessions, "ev-1", insz, "2000", date(2025, 3, 1))
    _change(sessions, "ev-2", insz, "4000", date(2025, 3, 1))
    lived = [h for h in _history(sessions, insz) if h[2] != h[3]]  # leave out empty periods
    assert lived == [
        ("9000", "BE", "2020-01-01", "2025-03-01"),
        ("4000", "BE", "2025-03-01", None),
    ]
    assert _offices(sessions, refs) == {"leefloon": "ocmw-62063"}
    assert [e[1:3] for e in _events(sessions, refs["leefloon"], "transferred")] == [
        ("ocmw-44021", "ocmw-11002"),
        ("ocmw-11002", "ocmw-62063"),
    ]


def test_a_lower_case_country_code_is_belgium_too(sessions):
    insz, refs = _gent_citizen(sessions, ("leefloon",))
    outcome = _change(sessions, "ev-1", insz, "8000", date(2025, 3, 1), country="be")
    assert outcome.queued == []
    assert _offices(sessions, refs) == {"leefloon": "ocmw-31005"}


def test_a_late_move_that_places_a_waiting_dossier_counts_its_transfer(sessions):
    insz, refs = _gent_citizen(sessions, ("leefloon",))
    _change(sessions, "ev-2", insz, "75001", date(2025, 6, 1), "FR")
    _change(sessions, "ev-1", insz, "2000", date(2025, 1, 1))
    with sessions() as session:
        late = session.get(AddressChange, "ev-1")
        assert late is not None
        assert (late.applied_as, late.dossiers_transferred) == ("history", 1)
