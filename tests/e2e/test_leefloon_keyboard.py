"""A newcomer applies for the living wage with the keyboard only, in a browser without
JavaScript: Tab to move, typing, Space or arrows on radios, Enter on buttons. No mouse."""

import re
from typing import Any

from sqlalchemy import select

from loket.cases.model import Dossier
from loket.cases.routing import Router
from loket.people.model import Citizen
from tests.e2e.conftest import LiveServer, database, press_button, tab_to, type_into

CONTINUE = "main button[value=continue]"


def test_newcomer_applies_for_the_living_wage_with_the_keyboard_only(
    page: Any, live_server: LiveServer
) -> None:
    page.goto("/services/leefloon")
    press_button(page, "main form[action='/requests/leefloon/start'] button")
    assert page.url.endswith("/identity")

    type_into(page, "#insz", "93.05.18-223.61")
    type_into(page, "#family_name", "Öztürk")
    type_into(page, "#given_names", "Elif")
    type_into(page, "#birth_date", "18-05-1993")
    press_button(page, CONTINUE)
    assert page.url.endswith("/address"), page.locator("main").inner_text()

    type_into(page, "#street", "Korenmarkt")
    type_into(page, "#house_number", "7")
    type_into(page, "#postcode", "9000")
    press_button(page, CONTINUE)
    assert page.url.endswith("/household"), page.locator("main").inner_text()

    tab_to(page, "#household")
    page.keyboard.press("Space")
    type_into(page, "#children", "0")
    press_button(page, CONTINUE)
    assert page.url.endswith("/income"), page.locator("main").inner_text()

    tab_to(page, "#has_work")
    page.keyboard.press("ArrowDown")  # moves to, and chooses, "No"
    assert page.locator("#has_work-no").is_checked()
    type_into(page, "#monthly_income", "420,50")
    press_button(page, CONTINUE)
    assert page.url.endswith("/details"), page.locator("main").inner_text()

    type_into(page, "#situation", "My contract ended last month.")
    press_button(page, CONTINUE)
    assert page.url.endswith("/check"), page.locator("main").inner_text()
    summary = page.locator("main").inner_text()
    assert "Öztürk" in summary and "Korenmarkt" in summary

    press_button(page, "main form[action$='/submit'] button")
    assert page.url.endswith("/done")
    reference = page.locator("main .code").first.inner_text()
    assert re.fullmatch(r"[A-Z0-9-]+", reference)

    with database(live_server) as session:
        dossier = session.scalar(select(Dossier).where(Dossier.reference == reference))
        assert dossier is not None
        competent = Router.load(session).route("9000", "ocmw")
        assert (dossier.case_type, dossier.office_id) == ("leefloon", competent.id)
        citizen = session.get(Citizen, dossier.citizen_id)
        assert citizen is not None and citizen.family_name == "Öztürk"
