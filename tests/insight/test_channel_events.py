"""Channel events are written by the request, call-back and counter services in their own
transaction: the step a form reached, never an answer, and people only as a keyed hash."""

from datetime import date, datetime, timedelta

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session, sessionmaker

from loket.applications.service import save_step, start_request, steps_for
from loket.applications.submission import submit
from loket.contact.callbacks import request_callback
from loket.insight.channels_model import ChannelEvent
from loket.insight.divide_refresh import refresh
from tests.applications.test_requests import LEEFLOON, NEWCOMER

NOW = datetime(2026, 3, 2, 10, 0)
EVENT_COLUMNS = {
    "id",
    "occurred_on",
    "municipality",
    "service",
    "contact",
    "channel",
    "outcome",
    "step",
    "person_key",
}


def events(session: Session) -> list[tuple[object, ...]]:
    rows = session.scalars(select(ChannelEvent).order_by(ChannelEvent.id))
    return [(e.contact, e.channel, e.outcome, e.step, e.municipality) for e in rows]


def test_the_event_table_has_no_column_for_answers_or_identity(engine) -> None:
    columns = {c["name"] for c in inspect(engine).get_columns("channel_event")}
    assert columns == EVENT_COLUMNS


def test_an_abandoned_draft_is_counted_at_its_step_never_with_its_answers(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        draft, _code = start_request(session, "leefloon", "nl", "online", today=NOW.date())
        identity, address, household = steps_for(session, draft)[:3]
        for step in (identity, address, household):
            assert save_step(session, draft, step, NEWCOMER | LEEFLOON, NOW) == {}
        assert draft.step == "income"
    later = NOW.date() + timedelta(days=31)  # the draft expired unsent
    with sessions.begin() as session:
        assert refresh(session, later).abandoned == 1
        assert refresh(session, later).abandoned == 0  # counted once
        assert events(session) == [
            ("request", "online", "started", "identity", None),
            ("request", "online", "step", "address", None),
            # Once the postal code is given the municipality is known (Gent), not the code.
            ("request", "online", "step", "household", "44021"),
            ("request", "online", "step", "income", "44021"),
            ("request", "online", "abandoned", "income", "44021"),
        ]
        every_value = " ".join(
            str(getattr(event, column))
            for event in session.scalars(select(ChannelEvent))
            for column in EVENT_COLUMNS
        )
    for answer in ("Janssens", "Lies", "85.07.30", "Veldstraat", "9000", "350,00", "alone"):
        assert answer not in every_value


def test_a_sent_request_and_a_call_back_are_recorded_with_their_channel(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        draft, _code = start_request(session, "leefloon", "nl", "online", today=NOW.date())
        for step in steps_for(session, draft):
            assert save_step(session, draft, step, NEWCOMER | LEEFLOON, NOW) == {}
        submit(session, draft, NOW)
        request_callback(
            session,
            postcode="4000",
            topic="tax-question",
            name="Marie Dubois",
            phone="0470 12 34 56",
            language="fr",
            preferred_day=date(2026, 3, 3),
            time_window="morning",
            with_expert=False,
            note=None,
            channel="phone",
            today=date(2026, 3, 2),
        )
        recorded = events(session)
        keys = {e.person_key for e in session.scalars(select(ChannelEvent))}
    assert recorded[-2:] == [
        ("request", "online", "submitted", None, "44021"),
        ("callback", "phone", "submitted", None, "62063"),  # Liège
    ]
    # One person for the request's events, another for the call-back; keys are 16 hex digits.
    assert len(keys) == 2 and all(len(k) == 16 and int(k, 16) >= 0 for k in keys)
