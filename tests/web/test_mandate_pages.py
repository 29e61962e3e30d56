"""My mandates: give, accept, act for the grantor (with the banner), stop, end."""

import re
from datetime import date, timedelta

from sqlalchemy import select

from loket.contact.model import Mandate
from loket.logins.model import LoginSession
from tests.web.conftest import csrf_of, post_form

PAYLOAD = '<script>alert("x")</script>'


def next_year() -> str:
    return (date.today() + timedelta(days=365)).isoformat()


def test_mandates_need_a_signed_in_citizen(pages):
    page = pages.get("/my/mandates")
    assert page.status_code in (303, 401)
    assert post_form(pages, "/my/mandates", {"proxy_insz": "1"}).status_code in (303, 401)


def test_the_whole_life_of_a_mandate(pages, make_citizen, sign_in_citizen, sessions):
    grantor, proxy = make_citizen("9000"), make_citizen("8000")
    sign_in_citizen(pages, grantor)
    given = post_form(
        pages,
        "/my/mandates",
        {"proxy_insz": proxy, "scope": "requests", "valid_until": next_year()},
    )
    assert given.status_code == 303
    page = pages.get("/my/mandates", headers={"accept-language": "en"})
    assert "Waiting for acceptance" in page.text

    sign_in_citizen(pages, proxy)
    page = pages.get("/my/mandates", headers={"accept-language": "en"})
    mandate_id = re.search(r'action="/my/mandates/(\d+)/accept"', page.text).group(1)
    assert "/act" not in page.text  # nothing to act under while pending
    assert post_form(pages, f"/my/mandates/{mandate_id}/accept").status_code == 303
    page = pages.get("/my/mandates", headers={"accept-language": "en"})
    assert "Active" in page.text and f"/my/mandates/{mandate_id}/act" in page.text

    assert post_form(pages, f"/my/mandates/{mandate_id}/act").status_code == 303
    banner = pages.get("/my/mandates", headers={"accept-language": "en"})
    assert "You are acting for An Peeters under a mandate" in banner.text
    assert post_form(pages, "/my/mandates/stop-acting").status_code == 303
    assert "under a mandate." not in pages.get("/my/mandates").text

    post_form(pages, f"/my/mandates/{mandate_id}/act")
    sign_in_citizen(pages, grantor)
    assert post_form(pages, f"/my/mandates/{mandate_id}/revoke").status_code == 303
    with sessions() as session:
        mandate = session.get(Mandate, int(mandate_id))
        assert mandate.status == "revoked"
        assert (
            session.scalar(select(LoginSession).where(LoginSession.mandate_id.is_not(None))) is None
        )


def test_the_proxy_may_decline(pages, make_citizen, sign_in_citizen, sessions):
    grantor, proxy = make_citizen("9000"), make_citizen("8000")
    sign_in_citizen(pages, grantor)
    post_form(
        pages, "/my/mandates", {"proxy_insz": proxy, "scope": "all", "valid_until": next_year()}
    )
    with sessions() as session:
        mandate_id = session.scalar(select(Mandate.id))
    # The grantor cannot accept their own mandate for the proxy.
    assert post_form(pages, f"/my/mandates/{mandate_id}/accept").status_code == 403
    sign_in_citizen(pages, proxy)
    assert post_form(pages, f"/my/mandates/{mandate_id}/decline").status_code == 303
    with sessions() as session:
        assert session.get(Mandate, mandate_id).status == "declined"


def test_a_stranger_cannot_touch_a_mandate(pages, make_citizen, sign_in_citizen, sessions):
    grantor, proxy, stranger = make_citizen(), make_citizen(), make_citizen()
    sign_in_citizen(pages, grantor)
    post_form(
        pages, "/my/mandates", {"proxy_insz": proxy, "scope": "all", "valid_until": next_year()}
    )
    with sessions() as session:
        mandate_id = session.scalar(select(Mandate.id))
    sign_in_citizen(pages, stranger)
    for action in ("accept", "decline", "revoke", "act"):
        assert post_form(pages, f"/my/mandates/{mandate_id}/{action}").status_code == 403


def test_bad_proposals_are_explained_and_escaped(pages, make_citizen, sign_in_citizen):
    me = make_citizen()
    sign_in_citizen(pages, me)
    page = post_form(
        pages,
        "/my/mandates",
        {"proxy_insz": PAYLOAD, "scope": PAYLOAD, "valid_until": PAYLOAD},
    )
    assert page.status_code == 400
    assert PAYLOAD not in page.text
    for name in ("proxy_insz", "scope", "valid_until"):
        assert f'id="{name}-error"' in page.text
    page = post_form(
        pages, "/my/mandates", {"proxy_insz": me, "scope": "all", "valid_until": next_year()}
    )
    assert page.status_code == 400 and 'id="proxy_insz-error"' in page.text


def test_forged_csrf_is_refused(pages, make_citizen, sign_in_citizen, sessions):
    grantor, proxy = make_citizen(), make_citizen()
    sign_in_citizen(pages, grantor)
    csrf_of(pages)
    page = pages.post(
        "/my/mandates",
        data={"proxy_insz": proxy, "scope": "all", "valid_until": next_year(), "csrf_token": "no"},
    )
    assert page.status_code == 403
    with sessions() as session:
        assert session.scalar(select(Mandate)) is None


def test_a_call_back_asked_under_a_mandate_says_so(pages, make_citizen, sign_in_citizen, sessions):
    from loket.contact.model import CallbackRequest

    grantor, proxy = make_citizen("9000"), make_citizen("8000")
    sign_in_citizen(pages, grantor)
    post_form(
        pages, "/my/mandates", {"proxy_insz": proxy, "scope": "all", "valid_until": next_year()}
    )
    with sessions() as session:
        mandate_id = session.scalar(select(Mandate.id))
    sign_in_citizen(pages, proxy)
    post_form(pages, f"/my/mandates/{mandate_id}/accept")
    post_form(pages, f"/my/mandates/{mandate_id}/act")
    form = pages.get("/help/callback")
    assert 'value="9000"' in form.text  # the grantor's postal code, not the proxy's
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    page = post_form(
        pages,
        "/help/callback",
        {
            "topic": "general",
            "name": "An Peeters",
            "phone": "0470123456",
            "postcode": "9000",
            "language": "nl",
            "preferred_day": tomorrow,
            "time_window": "evening",
        },
    )
    assert page.status_code == 200
    with sessions() as session:
        callback = session.scalar(select(CallbackRequest))
        assert callback.mandate_id == mandate_id
        grantor_id = session.get(Mandate, mandate_id).grantor_id
        assert callback.citizen_id == grantor_id
