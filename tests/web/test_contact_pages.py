"""Talk to a person: call-back, appointment, walk-in, expert and accessibility pages."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from loket.contact.model import AccessibilityFeedback, Appointment, CallbackRequest
from tests.web.conftest import csrf_of, post_form

PAYLOAD = '<script>alert("x")</script>'


def tomorrow() -> str:
    return (date.today() + timedelta(days=1)).isoformat()


def callback_form(**changes: str) -> dict[str, str]:
    values = {
        "topic": "leefloon",
        "name": "An Peeters",
        "phone": "0470 12 34 56",
        "postcode": "9000",
        "language": "nl",
        "preferred_day": tomorrow(),
        "time_window": "morning",
        "note": "",
    }
    values.update(changes)
    return values


def test_the_help_index_names_the_four_ways(pages):
    page = pages.get("/help/", headers={"accept-language": "en"})
    assert page.status_code == 200
    for link in ("/help/callback", "/help/appointment", "/help/walk-in", "/help/expert"):
        assert f'href="{link}"' in page.text


def test_a_call_back_lands_at_the_ocmw_of_gent(pages, sessions):
    page = post_form(pages, "/help/callback", callback_form(with_expert="1"))
    assert page.status_code == 200, page.text
    assert "OCMW Gent" in page.text
    reference = re.search(r"CB-\d{4}-\d{6}", page.text).group(0)
    with sessions() as session:
        stored = session.scalar(select(CallbackRequest))
        assert (stored.reference, stored.office_id, stored.with_expert) == (
            reference,
            "ocmw-44021",
            True,
        )


def test_call_back_errors_are_shown_per_field(pages):
    page = post_form(
        pages,
        "/help/callback",
        callback_form(phone="12", preferred_day="2000-01-01", time_window="", name=""),
    )
    assert page.status_code == 400
    for name in ("phone", "preferred_day", "time_window", "name"):
        assert f'href="#{name}"' in page.text
        assert f'id="{name}-error"' in page.text


def test_an_ambiguous_postal_code_asks_for_the_municipality(pages):
    page = post_form(pages, "/help/callback", callback_form(postcode="1040"))
    assert page.status_code == 400
    assert "Etterbeek" in page.text and 'value="21005"' in page.text
    assert "Brussel / Bruxelles" in page.text
    page = post_form(pages, "/help/callback", callback_form(postcode="1040", municipality="21005"))
    assert page.status_code == 200


def test_a_signed_in_citizen_finds_the_form_filled_in(pages, make_citizen, sign_in_citizen):
    insz = make_citizen("8000")
    sign_in_citizen(pages, insz)
    page = pages.get("/help/callback")
    assert 'value="An Peeters"' in page.text and 'value="8000"' in page.text


def test_the_nearest_offices_are_ranked_with_a_map(pages):
    page = pages.get("/help/appointment?postcode=9000", headers={"accept-language": "nl"})
    assert page.status_code == 200
    rows = re.findall(r'<th scope="row" data-label="[^"]*">([^<]+)</th>', page.text)
    assert rows == ["OCMW Gent", "OCMW Destelbergen", "OCMW Sint-Martens-Latem"]
    assert "2,5 km" in page.text  # Dutch decimal comma
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page.text and "<title" in page.text
    assert 'name="slot"' in page.text
    assert "style=" not in page.text and "<script" not in page.text


def test_an_unknown_postal_code_is_an_error_on_the_field(pages):
    page = pages.get("/help/appointment?postcode=0001")
    assert page.status_code == 400 and 'id="postcode-error"' in page.text


def test_booking_an_appointment(pages, sessions):
    page = pages.get("/help/appointment?postcode=9000&topic=leefloon")
    slot = re.search(r'name="slot" value="(ocmw-44021\|[^"]+)"', page.text).group(1)
    details = post_form(pages, "/help/appointment", {"slot": slot, "postcode": "9000"})
    assert details.status_code == 200 and 'name="step" value="details"' in details.text
    done = post_form(
        pages,
        "/help/appointment",
        {
            "slot": slot,
            "postcode": "9000",
            "step": "details",
            "topic": "leefloon",
            "name": "An Peeters",
            "phone": "",
            "language": "fr",
            "needs_step_free": "1",
        },
    )
    assert done.status_code == 200, done.text
    assert re.search(r"AP-\d{4}-\d{6}", done.text)
    assert "OCMW Gent" in done.text and 'class="panel confirm"' in done.text
    with sessions() as session:
        stored = session.scalar(select(Appointment))
        assert stored.office_id == "ocmw-44021" and stored.needs_step_free
        assert stored.starts_at.isoformat() == slot.split("|")[1]


def test_a_forged_slot_is_refused(pages):
    page = post_form(pages, "/help/appointment", {"slot": "ocmw-44021|nonsense"})
    assert page.status_code == 400 and 'id="postcode-error"' in page.text
    page = post_form(pages, "/help/appointment", {"slot": "nowhere|x", "postcode": "9000"})
    assert page.status_code == 400 and 'id="slot-error"' in page.text


def test_walk_in_and_expert_pages(pages):
    page = pages.get("/help/walk-in?postcode=9000")
    assert page.status_code == 200 and "OCMW Gent" in page.text and "09:00" in page.text
    expert = pages.get("/help/expert")
    assert "/help/callback?expert=1" in expert.text
    assert 'name="with_expert" value="1" checked' in pages.get("/help/callback?expert=1").text


@pytest.mark.parametrize("name", ["name", "phone", "postcode", "note", "preferred_day"])
def test_script_payloads_in_call_back_fields_come_back_escaped(pages, name):
    page = post_form(pages, "/help/callback", callback_form(**{name: PAYLOAD, "phone": "x"}))
    assert page.status_code == 400
    assert PAYLOAD not in page.text


def test_script_payloads_in_appointment_fields_come_back_escaped(pages):
    page = pages.get("/help/appointment?postcode=9000")
    slot = re.search(r'name="slot" value="([^"]+)"', page.text).group(1)
    form = {"slot": slot, "postcode": "9000", "step": "details", "language": "xx"}
    form |= {"name": PAYLOAD, "phone": PAYLOAD, "note": PAYLOAD, "topic": PAYLOAD}
    page = post_form(pages, "/help/appointment", form)
    assert page.status_code == 400 and PAYLOAD not in page.text
    assert PAYLOAD not in pages.get(f"/help/walk-in?postcode={PAYLOAD}").text


def test_forged_csrf_is_refused(pages, sessions):
    csrf_of(pages)
    page = pages.post("/help/callback", data={**callback_form(), "csrf_token": "forged"})
    assert page.status_code == 403
    page = pages.post("/accessibility/feedback", data={"message": "hi", "csrf_token": "x"})
    assert page.status_code == 403
    with sessions() as session:
        assert session.scalar(select(CallbackRequest)) is None


def test_accessibility_statement_and_feedback(pages, sessions):
    page = pages.get("/accessibility", headers={"accept-language": "en"})
    assert page.status_code == 200 and "(WCAG) 2.2 at level AA" in page.text
    assert 'action="/accessibility/feedback"' in page.text
    empty = post_form(pages, "/accessibility/feedback", {"message": " "})
    assert empty.status_code == 400 and 'id="message-error"' in empty.text
    sent = post_form(
        pages,
        "/accessibility/feedback",
        {"page": PAYLOAD, "message": PAYLOAD, "contact": PAYLOAD},
    )
    assert sent.status_code == 200 and PAYLOAD not in sent.text
    too_long = post_form(pages, "/accessibility/feedback", {"message": "x", "contact": "y" * 300})
    assert too_long.status_code == 400 and PAYLOAD not in too_long.text
    with sessions() as session:
        assert session.scalar(select(AccessibilityFeedback.message)) == PAYLOAD
