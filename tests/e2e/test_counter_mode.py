"""A counter clerk serves a citizen on the phone: the request is filled in for them and recorded
with the phone channel and the clerk's name."""

from typing import Any

from sqlalchemy import select

from loket.applications.model import RequestDraft
from loket.cases.dossiers import dossier_history
from loket.cases.model import Dossier
from loket.demo.staff import DEMO_STAFF
from tests.e2e.conftest import LiveServer, database, demo_insz

CLERK = next(d for d in DEMO_STAFF if d.role == "counter-clerk")


def test_clerks_phone_request_is_recorded_with_its_channel(
    page: Any, live_server: LiveServer
) -> None:
    page.goto("/staff/login")
    page.locator("#username").fill(CLERK.username)
    page.locator("#password").fill(CLERK.password)
    page.locator("main form button[type=submit]").click()
    assert "/staff/login" not in page.url

    page.goto("/staff/counter")
    page.locator("#insz").fill(demo_insz(live_server, index=1))
    page.locator("input[name=channel][value=phone]").check()
    page.locator("main form[action='/staff/counter'] button[type=submit]").click()
    assert page.locator(".banner[role=status]").count() == 1, "counter mode is shown"

    page.locator("main a[href='/services/situation-change']").click()
    page.locator("main form[action$='/start'] button").click()
    assert page.url.endswith("/change"), "the citizen is known: no identity questions"
    page.locator("input[name=change_kind]").first.check()
    page.locator("#change_date").fill("01-02-2026")
    page.locator("#description").fill("Started a new job")
    page.get_by_role("button", name="Continue").click()
    assert page.url.endswith("/check"), page.locator("main").inner_text()
    page.locator("main form[action$='/submit'] button").click()
    assert page.url.endswith("/done")
    reference = page.locator("main .code").first.inner_text().strip()

    with database(live_server) as session:
        dossier = session.scalar(select(Dossier).where(Dossier.reference == reference))
        assert dossier is not None
        created = dossier_history(session, dossier.id)[0]
        assert (created.channel, created.actor) == ("phone", CLERK.username)
        draft = session.scalar(select(RequestDraft).where(RequestDraft.dossier_id == dossier.id))
        assert draft is not None and draft.channel == "phone"
