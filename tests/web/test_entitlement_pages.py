"""The entitlement parts of the pages: the living-wage estimate a citizen sees before and after
sending a request, in four languages; and on the staff dossier page the computation step by step
with its articles, the legal terms, recomputing, the advance decision and the recovery ledger."""

import re
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from loket.cases.model import Dossier
from loket.entitlements.advances import ledger_of
from loket.entitlements.assessments import (
    assess_living_wage,
    assessment_history,
    estimate_for_request,
)
from loket.rules import LivingWageSituation
from loket.web.i18n import format_money
from loket.web.pages.rendering import LANGUAGE_COOKIE
from tests.web.conftest import post_form

ANSWERS = (
    {
        "insz": "85.07.30-033.28",
        "family_name": "Janssens",
        "given_names": "Lies",
        "birth_date": "30-07-1985",
    },
    {"street": "Veldstraat", "house_number": "12", "box": "", "postcode": "9000"},
    {"household": "alone", "children": "0"},
    {"has_work": "no", "monthly_income": "300,00"},
    {"phone": "", "situation": ""},
)
# "You might receive about … a month", and that the welfare centre decides, in each language.
ESTIMATE_TEXTS = {
    "en": ("You might receive about", "the welfare centre decides"),
    "nl": ("Misschien krijgt u ongeveer", "het OCMW beslist"),
    "fr": ("Vous pourriez recevoir environ", "le CPAS décide"),
    "de": ("Sie könnten ungefähr", "das ÖSHZ entscheidet"),
}


def _fill(client: TestClient, household: str = "alone") -> str:
    """A newcomer's leefloon request up to check your answers; returns its URL."""
    response = post_form(client, "/requests/leefloon/start")
    url = str(response.headers["location"])
    for answers in ANSWERS:
        if "household" in answers:
            answers = {**answers, "household": household}
        response = post_form(client, url, answers)
        assert response.status_code == 303, response.text
        url = str(response.headers["location"])
    assert url.endswith("/check")
    return url


@pytest.mark.parametrize("language", list(ESTIMATE_TEXTS))
def test_the_citizen_sees_an_estimate_before_and_after_sending(
    pages: TestClient, sessions: sessionmaker[Session], language: str
) -> None:
    pages.cookies.set(LANGUAGE_COOKIE, language)
    check_url = _fill(pages)
    check = pages.get(check_url).text
    might, decides = ESTIMATE_TEXTS[language]
    assert might in check and decides in check
    # The single person's amount of today, less the 300 a month above the yearly exemption.
    amount = estimate_for_request({"household": "alone", "monthly_income": "300"}, date.today())
    assert amount is not None and amount > 0
    assert format_money(amount, language) in check
    assert "<script" not in check
    sent = post_form(pages, check_url.replace("/check", "/submit"))
    done = pages.get(sent.headers["location"]).text
    assert might in done and decides in done
    reference = re.search(r'class="code">([A-Z0-9-]+)<', done)
    assert reference is not None
    with sessions() as session:
        dossier = session.scalar(select(Dossier).where(Dossier.reference == reference[1]))
        assert dossier is not None
        (first,) = assessment_history(session, dossier.id)
        assert (first.reason, first.category, first.computed_by) == ("request", "single", "citizen")


def test_an_applicant_with_too_much_income_may_still_apply(pages: TestClient) -> None:
    pages.cookies.set(LANGUAGE_COOKIE, "en")
    url = _fill(pages)
    post_form(
        pages, url.replace("/check", "/income"), {"has_work": "yes", "monthly_income": "4000"}
    )
    check = pages.get(url).text
    assert "You might receive" not in check
    assert "You can still apply" in check


# ---- the staff dossier page ------------------------------------------------------------------


@pytest.fixture
def leefloon(
    sessions: sessionmaker[Session],
    make_citizen: Callable[..., str],
    make_dossier: Callable[[str, str, str], str],
) -> str:
    reference = make_dossier(make_citizen("9000"), "ocmw", "leefloon")
    with sessions.begin() as session:
        dossier = session.scalar(select(Dossier).where(Dossier.reference == reference))
        assert dossier is not None
        situation = LivingWageSituation(category="single", monthly_net_resources_eur=Decimal(300))
        assess_living_wage(
            session, dossier, situation, date(2024, 1, 2), computed_by="citizen", reason="request"
        )
    return reference


def test_the_staff_page_shows_each_step_with_its_article_and_the_terms(
    pages: TestClient, sign_in_staff: Callable[..., str], leefloon: str
) -> None:
    sign_in_staff(pages)
    html = pages.get(f"/staff/dossiers/{leefloon}").text
    assert "How the amount is computed, step by step" in html
    assert "Monthly amount for a person living alone" in html
    assert "art. 16, § 1, Wet van 26 mei 2002" in html
    assert "Belgian Official Gazette of 31 July 2002" in html
    assert "To be confirmed by a jurist" in html
    # Opened on 2 January 2024 and never decided: due 1 February 2024, long overdue.
    assert "1 February 2024" in html and "9 February 2024" in html
    overdue = (date.today() - date(2024, 2, 1)).days
    assert f"Overdue by {overdue} days" in html
    assert "934,96\xa0€" in html  # amounts as written in Belgium


def test_a_case_worker_recomputes_and_the_history_keeps_both(
    pages: TestClient,
    sign_in_staff: Callable[..., str],
    leefloon: str,
    sessions: sessionmaker[Session],
) -> None:
    username = sign_in_staff(pages)
    form = {
        "wage_category": "cohabitant",
        "age": "30",
        "monthly_net_resources_eur": "100,00",
        "monthly_employment_income_eur": "0",
        "partner_monthly_income_eur": "",
        "relatives_monthly_income_eur": "",
    }
    response = post_form(pages, f"/staff/dossiers/{leefloon}/living-wage", form)
    assert response.status_code == 303, response.text
    html = pages.get(response.headers["location"]).text
    assert "Recomputed by a case worker" in html and "From the citizen's request" in html
    with sessions() as session:
        dossier = session.scalar(select(Dossier).where(Dossier.reference == leefloon))
        assert dossier is not None
        newest, oldest = assessment_history(session, dossier.id)
        assert (newest.category, newest.computed_by, newest.parameters_on) == (
            "cohabitant",
            username,
            date.today(),
        )
        assert oldest.computed_by == "citizen"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("wage_category", "rich", "Choose the category"),
        ("age", "old", "Enter the age in years"),
        ("monthly_net_resources_eur", "a lot", "Enter an amount in euro"),
    ],
)
def test_bad_input_names_the_field(
    pages: TestClient,
    sign_in_staff: Callable[..., str],
    leefloon: str,
    field: str,
    value: str,
    message: str,
) -> None:
    sign_in_staff(pages)
    form = {"wage_category": "single", "age": "40", "monthly_net_resources_eur": "0", field: value}
    response = post_form(pages, f"/staff/dossiers/{leefloon}/living-wage", form)
    assert response.status_code == 400
    assert f'<a href="#{field}">{message}' in response.text
    assert f'id="{field}-error"' in response.text
    assert f'value="{value}"' in response.text or f'value="{value}" selected' not in response.text


def test_staff_of_another_welfare_centre_see_nothing_and_change_nothing(
    pages: TestClient, sign_in_staff: Callable[..., str], leefloon: str
) -> None:
    sign_in_staff(pages, office="ocmw-11002")
    assert pages.get(f"/staff/dossiers/{leefloon}").status_code == 404
    form = {"wage_category": "single", "age": "40", "monthly_net_resources_eur": "0"}
    assert post_form(pages, f"/staff/dossiers/{leefloon}/living-wage", form).status_code == 404
    assert post_form(pages, f"/staff/dossiers/{leefloon}/advance", {}).status_code == 404


@pytest.fixture
def claim(make_citizen: Callable[..., str], make_dossier: Callable[[str, str, str], str]) -> str:
    return make_dossier(make_citizen("9000"), "davo", "maintenance-claim")


ADVANCE = {
    "domiciled": "yes",
    "title": "yes",
    "missed_payments": "3",
    "creditor_income": "1500",
    "requested_on": "02-01-2024",
    "child_1": "200,00",
    "child_2": "150",
}


def test_a_davo_worker_decides_and_keeps_the_ledger(
    pages: TestClient,
    sign_in_staff: Callable[..., str],
    claim: str,
    sessions: sessionmaker[Session],
) -> None:
    sign_in_staff(pages, agency="davo", office="davo-gent")
    page = pages.get(f"/staff/dossiers/{claim}").text
    assert "No decision on advances has been taken" in page
    assert "The ledger starts with the first decision" in page
    response = post_form(pages, f"/staff/dossiers/{claim}/advance", ADVANCE)
    assert response.status_code == 303, response.text
    page = pages.get(f"/staff/dossiers/{claim}").text
    assert "Advances granted: 325,00\xa0€ a month." in page
    assert "175,00\xa0€; 150,00\xa0€" in page and "13 %" in page
    for kind, amount, day in (("advance", "325", "01-02-2024"), ("recovery", "100", "01-03-2024")):
        booked = post_form(
            pages,
            f"/staff/dossiers/{claim}/ledger",
            {"kind": kind, "amount": amount, "booked_on": day},
        )
        assert booked.status_code == 303, booked.text
    page = pages.get(f"/staff/dossiers/{claim}").text
    assert "Recovered from the debtor" in page and "267,25\xa0€" in page
    with sessions() as session:
        dossier = session.scalar(select(Dossier).where(Dossier.reference == claim))
        assert dossier is not None
        ledger = ledger_of(session, dossier.id)
        assert ledger is not None and ledger.owed_eur == Decimal("267.25")


@pytest.mark.parametrize(
    ("url", "form", "field"),
    [
        ("advance", {**ADVANCE, "domiciled": ""}, "domiciled"),
        ("advance", {**ADVANCE, "requested_on": "yesterday"}, "requested_on"),
        ("advance", {**ADVANCE, "child_1": "", "child_2": ""}, "child_1"),
        ("ledger", {"kind": "advance", "amount": "-5", "booked_on": "01-02-2024"}, "amount"),
        ("ledger", {"kind": "advance", "amount": "5", "booked_on": "01-02-2024"}, "kind"),
    ],
)
def test_bad_davo_input_names_the_field(
    pages: TestClient,
    sign_in_staff: Callable[..., str],
    claim: str,
    url: str,
    form: dict[str, str],
    field: str,
) -> None:
    sign_in_staff(pages, agency="davo", office="davo-gent")
    response = post_form(pages, f"/staff/dossiers/{claim}/{url}", form)
    assert response.status_code == 400
    assert f'<a href="#{field}">' in response.text


def test_a_welfare_centre_worker_cannot_reach_a_davo_dossier(
    pages: TestClient, sign_in_staff: Callable[..., str], claim: str
) -> None:
    sign_in_staff(pages)
    assert post_form(pages, f"/staff/dossiers/{claim}/advance", ADVANCE).status_code == 404


def test_the_terms_show_the_decision_once_taken(
    pages: TestClient, sign_in_staff: Callable[..., str], leefloon: str
) -> None:
    sign_in_staff(pages)
    response = post_form(pages, f"/staff/dossiers/{leefloon}/status", {"status": "active"})
    assert response.status_code == 303
    html = pages.get(f"/staff/dossiers/{leefloon}").text
    assert "Overdue by" not in html
    notify_by = date.today() + timedelta(days=8)
    assert f"{notify_by.day} {notify_by:%B} {notify_by.year}" in html
    assert "(late)" in html
