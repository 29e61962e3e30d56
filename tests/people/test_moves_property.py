"""Whatever order the register delivers address changes in, every open dossier ends up where
the citizen lives now, and its history tells each step exactly once."""

from dataclasses import dataclass
from datetime import date, timedelta

from factories import FOLLOWS_RESIDENCE, citizen_at, make_insz, move, open_dossiers
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from loket.cases.choices import DossierStatus, RoutingProblem
from loket.cases.dossiers import change_status
from loket.cases.model import Dossier, DossierEvent, RoutingQueueItem
from loket.cases.routing import AmbiguousPostcode, Router, RoutingError, UnknownPostcode
from loket.people.model import Address, AddressChange, Citizen
from loket.people.moves import apply_moves, change_address
from loket.store.outbox import OutboxMessage

SINCE = date(2020, 1, 1)
OPENED = date(2020, 6, 1)
HOMES = ["9000", "2000", "4000", "1000", "8000"]
# Destinations: two codes of Gent, other cities, the German-speaking east, two ambiguous
# codes, an unknown code and abroad.
DESTINATIONS = [
    ("9000", "BE"),
    ("9050", "BE"),
    ("2000", "BE"),
    ("4000", "BE"),
    ("4700", "BE"),
    ("1000", "BE"),
    ("1040", "BE"),
    ("1804", "BE"),
    ("9999", "BE"),
    ("10115", "DE"),
]
CASE_TYPES = ("leefloon", "tax-collection", "maintenance-claim", "debt-mediation")
SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@dataclass(frozen=True)
class Step:
    event_id: str
    citizen: int
    day: date
    postcode: str
    country: str


@dataclass(frozen=True)
class Scenario:
    homes: list[str]
    steps: list[Step]  # in the order they happen
    arrival: list[int]  # indexes into steps, in the order they reach loket
    cuts: list[int]  # where the arrival order is split into separate calls
    one_by_one: list[bool]  # per part: change_address per move, or one apply_moves call

    def parts(self) -> list[tuple[bool, list[Step]]]:
        bounds = [0, *self.cuts, len(self.arrival)]
        return [
            (self.one_by_one[i], [self.steps[k] for k in self.arrival[a:b]])
            for i, (a, b) in enumerate(zip(bounds, bounds[1:], strict=False))
        ]


@st.composite
def scenarios(draw) -> Scenario:
    homes = draw(st.lists(st.sampled_from(HOMES), min_size=1, max_size=3))
    n = draw(st.integers(1, 7))
    # Distinct days: two moves of one citizen on the same day would have no defined order.
    offsets = draw(st.lists(st.integers(1, 1500), min_size=n, max_size=n, unique=True))
    steps = []
    for i, offset in enumerate(sorted(offsets)):
        postcode, country = draw(st.sampled_from(DESTINATIONS))
        who = draw(st.integers(0, len(homes) - 1))
        # After the opening day: an address older than a dossier was known when it was opened.
        steps.append(Step(f"ev-{i:02d}", who, OPENED + timedelta(days=offset), postcode, country))
    arrival = draw(st.permutations(range(n)))
    cuts = sorted(draw(st.sets(st.integers(1, n - 1), max_size=3))) if n > 1 else []
    one_by_one = draw(st.lists(st.booleans(), min_size=len(cuts) + 1, max_size=len(cuts) + 1))
    return Scenario(homes, steps, list(arrival), cuts, one_by_one)


def _insz(citizen: int) -> str:
    return make_insz(date(1980, 1, 1) + timedelta(days=citizen), 2 * citizen + 1)


def _settle_in(sessions, router: Router, scenario: Scenario) -> dict[tuple[int, str], str]:
    """Register the citizens, each with one dossier of every type (debt mediation closed);
    returns each dossier's reference."""
    references = {}
    with sessions.begin() as session:
        for who, home in enumerate(scenario.homes):
            citizen = citizen_at(session, home, insz=_insz(who), since=SINCE)
            dossiers = open_dossiers(session, citizen, CASE_TYPES, on=OPENED, router=router)
            for case_type, dossier in dossiers.items():
                references[(who, case_type)] = dossier.reference
            closed = references[(who, "debt-mediation")]
            change_status(session, closed, DossierStatus.CLOSED, OPENED)
    return references


def _deliver(sessions, router: Router, parts: list[tuple[bool, list[Step]]]) -> None:
    for one_by_one, steps in parts:
        moves = [move(s.event_id, _insz(s.citizen), s.day, s.postcode, s.country) for s in steps]
        if one_by_one:
            for m in moves:
                with sessions.begin() as session:
                    change_address(
                        session, m.event_id, m.insz, m.address, m.effective_date, "register", router
                    )
        else:
            with sessions.begin() as session:
                apply_moves(session, moves, router)


@dataclass(frozen=True)
class Final:
    office: str
    waiting: list[tuple[str, str]]  # unresolved routing-queue items: (office, reason)
    created_at: str
    transfers: list[tuple[str, str]]  # (from office, to office) in the order written
    transfer_events: list[str]  # the address event behind each transfer


def _final(sessions, references: dict[tuple[int, str], str]) -> dict[tuple[int, str], Final]:
    result = {}
    with sessions() as session:
        for key, reference in references.items():
            dossier = session.scalar(select(Dossier).where(Dossier.reference == reference))
            events = session.scalars(
                select(DossierEvent)
                .where(DossierEvent.dossier_id == dossier.id)
                .order_by(DossierEvent.id)
            ).all()
            waiting = session.execute(
                select(RoutingQueueItem.office_id, RoutingQueueItem.reason).where(
                    RoutingQueueItem.dossier_id == dossier.id,
                    RoutingQueueItem.resolved_on.is_(None),
                )
            ).all()
            result[key] = Final(
                office=dossier.office_id,
                waiting=[tuple(w) for w in waiting],
                created_at=next(e.to_office_id for e in events if e.kind == "created"),
                transfers=[
                    (e.from_office_id, e.to_office_id) for e in events if e.kind == "transferred"
                ],
                transfer_events=[e.address_event_id for e in events if e.kind == "transferred"],
            )
    return result


def _where_now(scenario: Scenario, who: int) -> tuple[date, str, str]:
    """The citizen's current address: the one with the latest effective date."""
    theirs = [s for s in scenario.steps if s.citizen == who]
    if not theirs:
        return SINCE, scenario.homes[who], "BE"
    last = max(theirs, key=lambda s: s.day)
    return last.day, last.postcode, last.country


def _competent(router: Router, postcode: str, country: str, agency: str, day: date):
    """The competent office id, or the reason none can be named."""
    if country != "BE":
        return RoutingProblem.MOVED_ABROAD
    try:
        return router.route(postcode, agency, day).id
    except UnknownPostcode:
        return RoutingProblem.UNKNOWN_POSTCODE
    except AmbiguousPostcode:
        return RoutingProblem.AMBIGUOUS_POSTCODE
    except RoutingError:
        return RoutingProblem.NO_JURISDICTION


def _expected_transfers(router, scenario, arrival_steps, who, agency, opened_at):
    """The rule, replayed: a move dated after the current address becomes the current address;
    an earlier one only enters the history. A routable current address takes the dossier to
    its office when that office is another one."""
    current, office, transfers = SINCE, opened_at, []
    for step in arrival_steps:
        if step.citizen != who or step.day < current:
            continue
        current = step.day
        target = _competent(router, step.postcode, step.country, agency, step.day)
        if not isinstance(target, RoutingProblem) and target != office:
            transfers.append((office, target))
            office = target
    return transfers


def _check_outcome(sessions, router, scenario, arrival_steps, references) -> dict:
    """(a) and (b) for every dossier; with `arrival_steps`, also the exact transfers."""
    final = _final(sessions, references)
    agency = {"leefloon": "ocmw", "tax-collection": "fin"}
    for (who, case_type), dossier in final.items():
        # (b) the transfers form one chain from the opening office to the current one.
        chain = [dossier.created_at] + [to for _, to in dossier.transfers]
        assert [frm for frm, _ in dossier.transfers] == chain[:-1], dossier
        assert all(frm != to for frm, to in dossier.transfers), dossier
        assert chain[-1] == dossier.office, dossier
        assert len(set(dossier.transfer_events)) == len(dossier.transfer_events), dossier

        if case_type not in FOLLOWS_RESIDENCE or case_type == "debt-mediation":
            # A maintenance claim does not follow residence; a closed dossier never moves.
            assert (dossier.transfers, dossier.waiting) == ([], []), (case_type, dossier)
            continue
        # (a) an open dossier is at the office competent for the current address, or waits.
        day, postcode, country = _where_now(scenario, who)
        target = _competent(router, postcode, country, agency[case_type], day)
        if isinstance(target, RoutingProblem):
            assert dossier.waiting == [(dossier.office, target.value)], (case_type, dossier)
        else:
            assert (dossier.office, dossier.waiting) == (target, []), (case_type, dossier)
        if arrival_steps is not None:
            expected = _expected_transfers(
                router, scenario, arrival_steps, who, agency[case_type], dossier.created_at
            )
            assert dossier.transfers == expected, (case_type, dossier)
    return final


def _check_addresses(sessions, scenario: Scenario) -> None:
    with sessions() as session:
        for who, home in enumerate(scenario.homes):
            rows = session.execute(
                select(Address.postcode, Address.valid_from, Address.valid_to)
                .join(Citizen, Citizen.id == Address.citizen_id)
                .where(Citizen.insz == _insz(who))
                .order_by(Address.valid_from)
            ).all()
            steps = sorted((s for s in scenario.steps if s.citizen == who), key=lambda s: s.day)
            assert [r.postcode for r in rows] == [home] + [s.postcode for s in steps]
            assert [r.valid_from for r in rows] == [SINCE] + [s.day for s in steps]
            assert [r.valid_to for r in rows] == [r.valid_from for r in rows[1:]] + [None]


def _check_outbox(sessions, final) -> None:
    transfers = sum(len(d.transfers) for d in final.values())
    with sessions() as session:
        topics = session.execute(
            select(OutboxMessage.topic, func.count()).group_by(OutboxMessage.topic)
        ).all()
    counts = dict(tuple(t) for t in topics)
    for topic in ("dossier-transferred-out", "dossier-transferred-in", "dossier-transferred"):
        assert counts.get(topic, 0) == transfers


def _row_counts(sessions) -> dict[str, int]:
    with sessions() as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in (Address, AddressChange, DossierEvent, RoutingQueueItem, OutboxMessage)
        }


@SETTINGS
@given(scenario=scenarios())
def test_dossiers_end_where_the_citizen_lives_whatever_the_arrival_order(sessions, reset, scenario):
    with sessions() as session:
        router = Router.load(session)

    # The register delivers the moves in date order, in one call.
    reset()
    references = _settle_in(sessions, router, scenario)
    _deliver(sessions, router, [(False, scenario.steps)])
    in_order = _check_outcome(sessions, router, scenario, scenario.steps, references)

    # The same moves arrive in another order, spread over several calls.
    reset()
    references = _settle_in(sessions, router, scenario)
    _deliver(sessions, router, scenario.parts())
    # A late move may now also re-place a waiting dossier; (a), (b) and (c) still hold.
    shuffled = _check_outcome(sessions, router, scenario, None, references)
    _check_addresses(sessions, scenario)
    _check_outbox(sessions, shuffled)

    # (c) The order made no difference, also for a dossier that waits for routing.
    for key, dossier in shuffled.items():
        assert dossier.office == in_order[key].office, key
        assert [r for _, r in dossier.waiting] == [r for _, r in in_order[key].waiting], key

    # Delivering everything again changes nothing.
    before = _row_counts(sessions)
    _deliver(sessions, router, [(False, scenario.steps)])
    assert _row_counts(sessions) == before
    assert _final(sessions, references) == shuffled
