"""The privacy officer's pages: only for privacy officers; authorisations listed, granted and
withdrawn; the chain status, before and after someone tampers with the access log; search,
flags and patterns."""

from collections.abc import Callable
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from loket.exchange.authorisations import grant
from loket.exchange.guards import install_guards, remove_guards
from loket.exchange.log import append_entry
from loket.exchange.model import Authorisation
from loket.exchange.transparency import flag_entry
from loket.web.pages.rendering import LANGUAGE_COOKIE
from tests.web.conftest import post_form

SCRIPT = "<script>alert(1)</script>"
PRIVACY_PAGES = ("/privacy/", "/privacy/authorisations", "/privacy/log", "/privacy/flags",
                 "/privacy/anomalies")  # fmt: skip


@pytest.fixture(autouse=True)
def in_english(pages: TestClient) -> None:
    pages.cookies.set(LANGUAGE_COOKIE, "en")


@pytest.fixture
def officer(pages: TestClient, sign_in_staff: Callable[..., str]) -> str:
    return str(sign_in_staff(pages, role="privacy-officer", agency="podmi", office="podmi-brussel"))


def entries(sessions: sessionmaker[Session], how_many: int, citizen: str | None = None) -> None:
    with sessions.begin() as session:
        for _ in range(how_many):
            append_entry(
                session,
                {
                    "kind": "consultation",
                    "outcome": "granted",
                    "actor": "worker-1",
                    "agency": "ocmw",
                    "citizen": citizen,
                    "category": "identity",
                    "purpose": "leefloon-eligibility",
                    "visible_from": "2024-01-01",
                },
            )


def test_a_case_worker_may_not_see_the_privacy_pages(
    pages: TestClient, sign_in_staff: Callable[..., str]
) -> None:
    sign_in_staff(pages, role="case-worker")
    for url in PRIVACY_PAGES:
        response = pages.get(url)
        assert response.status_code == 403, url
        assert "Only for privacy officers" in response.text
    refused = post_form(pages, "/privacy/authorisations", {"agency": "ocmw", "legal_basis": "x"})
    assert refused.status_code == 403


def test_every_privacy_page_opens_for_the_officer(pages: TestClient, officer: str) -> None:
    for url in PRIVACY_PAGES:
        response = pages.get(url)
        assert response.status_code == 200, url
        assert 'href="/privacy/"' in response.text  # the staff menu names the privacy pages


def test_the_officer_lists_grants_and_withdraws_authorisations(
    pages: TestClient, sessions: sessionmaker[Session], officer: str
) -> None:
    with sessions.begin() as session:
        grant(session, "fin", "income-tax", "tax-collection", "Law of 1992 " + SCRIPT,
              date(2020, 1, 1))  # fmt: skip
    listed = pages.get("/privacy/authorisations")
    assert "Law of 1992" in listed.text
    assert SCRIPT not in listed.text and "&lt;script&gt;" in listed.text

    response = post_form(
        pages,
        "/privacy/authorisations",
        {
            "agency": "ocmw",
            "category": "address",
            "purpose": "leefloon-eligibility",
            "legal_basis": "Organic law OCMW, art. 60 " + SCRIPT,
            "valid_from": "2026-01-01",
            "valid_to": "",
            "embargo_days": "0",
            "requires_open_dossier": "1",
        },
    )
    assert response.status_code == 303
    page = pages.get(response.headers["location"])
    assert "The authorisation is granted." in page.text
    assert SCRIPT not in page.text
    with sessions() as session:
        made = session.scalar(select(Authorisation).where(Authorisation.grantee_agency == "ocmw"))
        assert made is not None
        assert (made.category, made.purpose, made.granted_by) == (
            "address",
            "leefloon-eligibility",
            officer,
        )
        assert made.requires_open_dossier and made.valid_to is None

    withdrawn = post_form(
        pages, f"/privacy/authorisations/{made.id}/revoke", {"reason": "no longer needed"}
    )
    assert withdrawn.status_code == 303
    with sessions() as session:
        again = session.get(Authorisation, made.id)
        assert again is not None and again.revoked_on == date.today()
        assert again.revoked_by == officer
    assert "Withdrawn" in pages.get("/privacy/authorisations").text


def test_a_bad_grant_form_keeps_what_was_typed_and_says_what_to_fix(
    pages: TestClient, sessions: sessionmaker[Session], officer: str
) -> None:
    response = post_form(
        pages,
        "/privacy/authorisations",
        {
            "agency": "ocmw",
            "category": "address",
            "purpose": "leefloon-eligibility",
            "legal_basis": "",
            "valid_from": "yesterday",
            "embargo_days": "0",
        },
    )
    assert response.status_code == 400
    assert "Enter the first day as a date" in response.text
    no_basis = post_form(
        pages,
        "/privacy/authorisations",
        {"agency": "ocmw", "category": "address", "purpose": "fraud-control",
         "legal_basis": "  ", "valid_from": "2026-01-01", "embargo_days": "0"},
    )  # fmt: skip
    assert no_basis.status_code == 400
    assert "Enter the legal basis" in no_basis.text
    assert 'value="fraud-control" selected' in no_basis.text
    with sessions() as session:
        assert session.scalar(select(Authorisation)) is None
    forged = pages.post(
        "/privacy/authorisations",
        data={"agency": "ocmw", "category": "address", "purpose": "fraud-control",
              "legal_basis": "x", "valid_from": "2026-01-01", "csrf_token": "z" * 43},
    )  # fmt: skip
    assert forged.status_code == 403


def test_the_chain_status_shows_ok_and_then_the_first_tampered_entry(
    pages: TestClient, sessions: sessionmaker[Session], engine: Engine, officer: str
) -> None:
    entries(sessions, 5)
    page = pages.get("/privacy/")
    assert "The access log is intact" in page.text
    assert "All 5 entries verify" in page.text

    with engine.begin() as connection:
        remove_guards(connection)
        connection.execute(
            text("UPDATE access_log SET body = :body WHERE seq = 3"),
            {"body": '{"kind":"consultation","outcome":"denied"}'},
        )
        install_guards(connection)
    page = pages.get("/privacy/")
    assert "The access log does not verify" in page.text
    assert "The first entry that does not verify is entry 3." in page.text


def test_the_log_search_finds_entries_by_citizen_and_rejects_bad_input(
    pages: TestClient,
    sessions: sessionmaker[Session],
    make_citizen: Callable[..., str],
    officer: str,
) -> None:
    someone, other = make_citizen(), make_citizen()
    entries(sessions, 2, someone)
    entries(sessions, 1, other)
    found = pages.get("/privacy/log", params={"citizen": someone})
    assert found.status_code == 200
    assert found.text.count(f'<td data-label="Citizen">{someone}</td>') == 2
    assert other not in found.text.split("Entries found")[1]
    bad = pages.get("/privacy/log", params={"citizen": SCRIPT, "since": "soon"})
    assert bad.status_code == 400
    assert SCRIPT not in bad.text
    assert "Enter a national register number of 11 digits." in bad.text


def test_flagged_entries_show_the_citizens_words_escaped(
    pages: TestClient,
    sessions: sessionmaker[Session],
    make_citizen: Callable[..., str],
    officer: str,
) -> None:
    someone = make_citizen()
    entries(sessions, 1, someone)
    with sessions.begin() as session:
        flag_entry(session, someone, 1, "I never asked " + SCRIPT, date.today())
    page = pages.get("/privacy/flags")
    assert "I never asked" in page.text
    assert SCRIPT not in page.text
    assert someone in page.text


def test_the_anomaly_report_takes_a_period(pages: TestClient, officer: str) -> None:
    page = pages.get("/privacy/anomalies", params={"since": "2026-02-01", "until": "2026-01-01"})
    assert page.status_code == 400
    assert "The last day must not be before the first day." in page.text
    assert pages.get("/privacy/anomalies", params={"since": "x"}).status_code == 400


def test_withdrawing_needs_a_reason(
    pages: TestClient, sessions: sessionmaker[Session], officer: str
) -> None:
    with sessions.begin() as session:
        made = grant(session, "fin", "address", "tax-collection", "Law", date(2020, 1, 1))
        made_id = made.id
    response = post_form(pages, f"/privacy/authorisations/{made_id}/revoke", {"reason": " "})
    assert response.status_code == 400
    assert "Say why the authorisation is withdrawn." in response.text
    assert f'href="#reason-{made_id}"' in response.text
    assert (
        post_form(pages, "/privacy/authorisations/9999/revoke", {"reason": "x"}).status_code == 404
    )
    with sessions() as session:
        again = session.get(Authorisation, made_id)
        assert again is not None and again.revoked_on is None


def test_the_anomaly_report_names_the_pattern_in_words(
    pages: TestClient,
    officer: str,
    sessions: sessionmaker[Session],
    make_citizen: Callable[..., str],
) -> None:
    from loket.cases.model import StaffUser
    from loket.cases.staff import add_user
    from loket.exchange.consult import consult

    insz = make_citizen("9000")
    with sessions.begin() as session:
        add_user(session, "curious-clerk", "counter-clerk", "ocmw", "ocmw-44021")
        clerk = session.get(StaffUser, "curious-clerk")
        assert clerk is not None
        for _ in range(5):  # a counter clerk may not read income tax: five refusals
            consult(session, clerk, insz, "income-tax", "leefloon-eligibility", None)
    today = date.today().isoformat()
    page = pages.get("/privacy/anomalies", params={"since": today, "until": today})
    assert page.status_code == 200
    assert "Refused again and again" in page.text and "curious-clerk" in page.text
    assert "repeated-denials" not in page.text
