"""Call-backs land at the competent office; every bad field is named."""

from datetime import date, datetime, timedelta

import pytest

from loket.contact.callbacks import mark_callback, normalise_phone, open_callbacks, request_callback
from loket.contact.problems import InvalidRequest

TODAY = date(2026, 3, 2)


def ask(session, **changes):
    values = dict(
        postcode="9000",
        topic="leefloon",
        name="An Peeters",
        phone="0470 12 34 56",
        language="nl",
        preferred_day=TODAY + timedelta(days=1),
        time_window="morning",
        with_expert=False,
        note=None,
        channel="online",
        today=TODAY,
    )
    values.update(changes)
    return request_callback(session, **values)


def test_a_living_wage_call_back_goes_to_the_ocmw_of_the_postal_code(sessions):
    with sessions.begin() as session:
        first = ask(session)
        second = ask(session, topic="tax-question", time_window="afternoon")
        assert first.office_id == "ocmw-44021"
        assert second.office_id == "fin-gent"
        assert first.reference == "CB-2026-000001"
        assert second.reference == "CB-2026-000002"
        assert first.phone == "+32470123456"
        assert [c.reference for c in open_callbacks(session, "ocmw-44021")] == ["CB-2026-000001"]
        assert open_callbacks(session, "fin-gent")[0].time_window == "afternoon"


def test_a_handled_call_back_leaves_the_queue(sessions):
    with sessions.begin() as session:
        callback = ask(session)
        mark_callback(session, callback.id, "done", "clerk-1", datetime(2026, 3, 3, 10, 0))
        assert open_callbacks(session, "ocmw-44021") == []
        assert callback.handled_by == "clerk-1"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"phone": "12345"}, "phone"),
        ({"phone": "+33 1 23 45 67 89"}, "phone"),
        ({"name": "  "}, "name"),
        ({"preferred_day": TODAY - timedelta(days=1)}, "preferred_day"),
        ({"preferred_day": TODAY + timedelta(days=31)}, "preferred_day"),
        ({"preferred_day": None}, "preferred_day"),
        ({"time_window": "night"}, "time_window"),
        ({"language": "es"}, "language"),
        ({"topic": "weather"}, "topic"),
        ({"postcode": "99"}, "postcode"),
        ({"postcode": "0001"}, "postcode"),
    ],
)
def test_each_bad_field_is_named(sessions, changes, field):
    with sessions.begin() as session, pytest.raises(InvalidRequest) as error:
        ask(session, **changes)
    assert field in error.value.problems


def test_an_ambiguous_postal_code_names_the_municipalities(sessions):
    with sessions.begin() as session:
        with pytest.raises(InvalidRequest) as error:
            ask(session, postcode="1040")
        message = str(error.value)
        assert "Brussel" in message and "Etterbeek" in message
        assert ask(session, postcode="1040", municipality="21005").office_id == "ocmw-21005"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0470 12 34 56", "+32470123456"),
        ("+32 9 123 45 67", "+3291234567"),
        ("0032 2 555.12.12", "+3225551212"),
        ("09/123.45.67", "+3291234567"),
        ("0470-12-34-5", None),
        ("+31 6 12345678", None),
    ],
)
def test_belgian_phone_numbers(raw, expected):
    assert normalise_phone(raw) == expected
