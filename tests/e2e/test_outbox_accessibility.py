"""The staff outbox page in a real browser, in all four languages, with a message waiting to go
out and a dead letter with its retry button: zero WCAG 2.0/2.1/2.2 A and AA violations found by
axe, `<html lang>` set, one h1."""

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest

from tests.e2e.conftest import LANGUAGES, LiveServer, axe_violations, database, sign_in_staff

GENT = "ocmw-44021"


@pytest.fixture(scope="module")
def outbox(live_server: LiveServer) -> None:
    """One waiting message to the Gent office and one dead letter about it."""
    from loket.notify.channels import DeadReason
    from loket.store.outbox import OutboxMessage

    payload = {"reference": "E2E-OUTBOX-1", "effective_date": "2026-03-01"}
    with database(live_server) as session:
        session.add(
            OutboxMessage(
                topic="dossier-transferred-in",
                recipient_kind="office",
                recipient_id=GENT,
                payload=payload | {"from_office": "ocmw-11002", "to_office": GENT},
            )
        )
        session.add(
            OutboxMessage(
                topic="dossier-needs-routing",
                recipient_kind="office",
                recipient_id=GENT,
                payload=payload,
                channel="email",
                attempts=1,
                dead_at=datetime(2026, 3, 1, 9, 0),
                dead_reason=DeadReason.OFFICE_WITHOUT_EMAIL.value,
                last_error="no e-mail address",
            )
        )


@pytest.fixture(scope="module")
def worker(browser: Any, live_server: LiveServer, outbox: None) -> Iterator[Any]:
    """A script-enabled context (axe needs script; the page never does) of a Gent case worker."""
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    sign_in_staff(context, "demo-worker-gent")
    yield context
    context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_outbox_page_has_no_wcag_violations(worker: Any, language: str) -> None:
    tab = worker.new_page()
    try:
        tab.goto(f"/language/{language}?next=/staff/")
        response = tab.goto("/staff/outbox/")
        assert response is not None and response.status == 200
        assert "E2E-OUTBOX-1" in tab.locator("main").inner_text()
        assert tab.locator("main form button[type=submit]").count() >= 1, "a retry button"
        assert tab.locator("html").get_attribute("lang") == language
        assert tab.locator("main h1").count() == 1, "one h1 in main"
        assert axe_violations(tab) == []
    finally:
        tab.close()
