"""The request pages as a citizen or a clerk uses them: start, steps, errors, save and resume,
check your answers, confirmation, and the counter channel."""

import re
from collections.abc import Callable, Iterator
from datetime import date

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from loket.applications.model import RequestDraft
from loket.cases.dossiers import dossier_history
from loket.cases.model import Dossier
from loket.logins.model import LoginSession
from loket.people.model import Citizen
from loket.web import app as web_app
from loket.web.pages import requests as request_pages
from loket.web.pages import services as service_pages
from tests.web.conftest import csrf_of, post_form

SCRIPT = "<script>alert(1)</script>"
SHORT_SCRIPT = "<b>1</b>\"'&"  # fits the short fields (house number, box)

IDENTITY = {
    "insz": "85.07.30-033.28",
    "family_name": "Janssens",
    "given_names": "Lies",
    "birth_date": "30-07-1985",
}
ADDRESS = {"street": "Veldstraat", "house_number": "12", "box": "", "postcode": "9000"}
HOUSEHOLD = {"household": "alone", "children": "0"}
INCOME = {"has_work": "no", "monthly_income": "350,00"}
DETAILS = {"phone": "", "situation": "I lost my job."}


@pytest.fixture
def app(pages: TestClient) -> FastAPI:
    """The demo app with the request pages (added here until app.py registers them)."""
    application = pages.app
    assert isinstance(application, FastAPI)
    if service_pages.router not in web_app.PAGE_ROUTERS:
        application.include_router(service_pages.router)
        application.include_router(request_pages.router)
    return application


@pytest.fixture
def browser(app: FastAPI, pages: TestClient) -> TestClient:
    return pages


@pytest.fixture
def other_browser(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False, headers={"Accept-Language": "en"}) as client:
        yield client


def start(client: TestClient, kind: str = "leefloon") -> str:
    """Start a request; returns the URL of its first step."""
    response = post_form(client, f"/requests/{kind}/start")
    assert response.status_code == 303
    return str(response.headers["location"])


def step(client: TestClient, url: str, data: dict[str, str]) -> str:
    response = post_form(client, url, data)
    assert response.status_code == 303, response.text
    return str(response.headers["location"])


def draft_id_of(url: str) -> int:
    match = re.match(r"/requests/(\d+)/", url)
    assert match is not None
    return int(match[1])


def test_start_page_lists_every_channel(browser: TestClient) -> None:
    html = browser.get("/services/leefloon").text
    for channel in ("Online", "At an office", "By phone", "On paper"):
        assert f"<h3>{channel}</h3>" in html
    assert "What to have ready" in html and "Your identity card" in html
    assert "About 10 minutes online." in html and "within 30 days" in html
    assert 'href="/resume"' in html and 'action="/requests/leefloon/start"' in html
    assert browser.get("/services/unknown").status_code == 404


def test_newcomer_applies_for_the_living_wage(
    browser: TestClient, sessions: sessionmaker[Session]
) -> None:
    url = start(browser)
    assert url.endswith("/identity") and "loket_draft" in browser.cookies
    assert 'name="family_name"' in browser.get(url).text
    url = step(browser, url, IDENTITY)
    assert url.endswith("/address")
    url = step(browser, url, ADDRESS)
    url = step(browser, url, HOUSEHOLD)
    url = step(browser, url, INCOME)
    url = step(browser, url, DETAILS)
    assert url.endswith("/check")
    check = browser.get(url).text
    assert "Janssens" in check and "I live alone" in check and "?change=true" in check
    sent = post_form(browser, url.replace("/check", "/submit"))
    assert sent.status_code == 303 and sent.headers["location"].endswith("/done")
    done = browser.get(sent.headers["location"]).text
    reference = re.search(r'class="code">([A-Z0-9-]+)<', done)
    assert reference is not None and reference[1].startswith("OCMW-44021-")
    assert "must be taken by" in done and "Opening hours" in done
    record = browser.get(sent.headers["location"].replace("/done", "/record"))
    assert record.status_code == 200 and reference[1] in record.text
    with sessions.begin() as session:
        dossier = session.scalar(select(Dossier).where(Dossier.reference == reference[1]))
        assert dossier is not None and dossier.office_id == "ocmw-44021"
        created = dossier_history(session, dossier.id)[0]
        assert (created.channel, created.actor) == ("online", "citizen")


def test_errors_are_listed_and_typed_values_stay(browser: TestClient) -> None:
    url = start(browser)
    typed = {
        "insz": "12345",
        "family_name": "",
        "given_names": "Lies",
        "birth_date": "31-02-1985",
    }
    response = post_form(browser, url, typed)
    assert response.status_code == 400
    summary = response.text.split('class="error-summary"')[1].split("</div>")[0]
    assert 'href="#insz"' in summary and 'href="#family_name"' in summary
    assert 'href="#birth_date"' in summary and 'href="#given_names"' not in summary
    assert "Enter your family name" in summary and "Enter a real date" in summary
    assert 'value="12345"' in response.text and 'value="31-02-1985"' in response.text
    assert 'value="Lies"' in response.text
    assert "<title>Error:" in response.text


def test_script_payloads_come_back_escaped_and_are_stored_as_typed(
    browser: TestClient, sessions: sessionmaker[Session]
) -> None:
    url = start(browser)
    identity = IDENTITY | {"family_name": SCRIPT, "given_names": SCRIPT, "insz": SCRIPT[:20]}
    response = post_form(browser, url, identity)  # the INSZ is wrong: the page comes back
    assert response.status_code == 400
    assert SCRIPT not in response.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    url = step(browser, url, identity | {"insz": IDENTITY["insz"]})
    address = ADDRESS | {"street": SCRIPT, "house_number": SHORT_SCRIPT, "box": SHORT_SCRIPT}
    url = step(browser, url, address)
    url = step(browser, url, HOUSEHOLD)
    url = step(browser, url, INCOME)
    url = step(browser, url, DETAILS | {"phone": SHORT_SCRIPT, "situation": SCRIPT})
    check = browser.get(url).text
    assert SCRIPT not in check and SHORT_SCRIPT not in check
    assert "&lt;b&gt;1&lt;/b&gt;" in check
    with sessions.begin() as session:
        draft = session.get(RequestDraft, draft_id_of(url))
        assert draft is not None
        for name in ("family_name", "given_names", "street", "situation"):
            assert draft.answers[name] == SCRIPT
        for name in ("house_number", "box", "phone"):
            assert draft.answers[name] == SHORT_SCRIPT
    sent = post_form(browser, url.replace("/check", "/submit"))
    record = browser.get(sent.headers["location"].replace("/done", "/record")).text
    assert SCRIPT not in record and "&lt;script&gt;" in record


def test_save_and_resume_in_another_browser(browser: TestClient, other_browser: TestClient) -> None:
    url = start(browser)
    saved = post_form(browser, url, IDENTITY | {"family_name": "Half typed", "action": "save"})
    assert saved.status_code == 303 and saved.headers["location"].endswith("/saved")
    page = browser.get(saved.headers["location"]).text
    code = re.search(r'class="code">([A-Z0-9-]+)<', page)
    assert code is not None
    # The draft's number alone opens nothing.
    assert other_browser.get(url).status_code == 404
    assert post_form(other_browser, url, IDENTITY).status_code == 404
    resumed = post_form(other_browser, "/resume", {"code": code[1].lower()})
    assert resumed.status_code == 303 and resumed.headers["location"] == url
    again = other_browser.get(url).text
    assert 'value="Half typed"' in again and 'value="30-07-1985"' in again


def test_wrong_resume_codes_are_limited(browser: TestClient) -> None:
    for _ in range(10):
        wrong = post_form(browser, "/resume", {"code": "AAAA-BBBB-CCCC"})
        assert wrong.status_code == 400 and "This resume code is not right" in wrong.text
        assert 'value="AAAA-BBBB-CCCC"' in wrong.text
    assert post_form(browser, "/resume", {"code": "AAAA-BBBB-CCCC"}).status_code == 429


def test_expired_resume_code_is_refused(
    browser: TestClient, other_browser: TestClient, sessions: sessionmaker[Session]
) -> None:
    url = start(browser)
    saved = post_form(browser, url, IDENTITY | {"action": "save"})
    code = re.search(r'class="code">([A-Z0-9-]+)<', browser.get(saved.headers["location"]).text)
    assert code is not None
    with sessions.begin() as session:
        session.execute(
            update(RequestDraft)
            .where(RequestDraft.id == draft_id_of(url))
            .values(expires_on=date(2020, 1, 1))
        )
    refused = post_form(other_browser, "/resume", {"code": code[1]})
    assert refused.status_code == 400 and "has expired" in refused.text


def test_mismatching_identity_is_refused_without_showing_the_register(
    browser: TestClient, make_citizen: Callable[..., str], sessions: sessionmaker[Session]
) -> None:
    insz = make_citizen("2000")  # An Peeters, Veldstraat 1, born 30 July 1985
    url = start(browser)
    url = step(browser, url, IDENTITY | {"insz": insz, "family_name": "Other"})
    for data in (ADDRESS | {"street": "Markt"}, HOUSEHOLD, INCOME, DETAILS):
        url = step(browser, url, data)
    refused = post_form(browser, url.replace("/check", "/submit"))
    assert refused.status_code == 400
    assert "does not match this national register number" in refused.text
    assert "Peeters" not in refused.text and "Veldstraat" not in refused.text
    with sessions.begin() as session:
        assert session.scalar(select(Dossier.id)) is None


def test_ambiguous_postcode_asks_for_the_municipality(browser: TestClient) -> None:
    url = start(browser)
    url = step(browser, url, IDENTITY)
    url = step(browser, url, ADDRESS | {"postcode": "1040"})
    assert url.endswith("/municipality")
    html = browser.get(url).text
    assert "Etterbeek" in html and 'type="radio"' in html
    # Brussels municipalities are named in both official languages, whatever the page's.
    assert "Brussel / Bruxelles" in html
    missing = post_form(browser, url, {})
    assert missing.status_code == 400 and "Choose your municipality" in missing.text
    url = step(browser, url, {"municipality": "21005"})
    for data in (HOUSEHOLD, INCOME, DETAILS):
        url = step(browser, url, data)
    done = browser.get(post_form(browser, url.replace("/check", "/submit")).headers["location"])
    assert "OCMW-21005-" in done.text


def test_clerk_counter_request_records_its_channel(
    browser: TestClient,
    other_browser: TestClient,
    make_citizen: Callable[..., str],
    sign_in_staff: Callable[..., str],
    sessions: sessionmaker[Session],
) -> None:
    insz = make_citizen("9000")
    username = sign_in_staff(browser, role="counter-clerk")
    with sessions.begin() as session:
        citizen_id = session.scalar(select(Citizen.id).where(Citizen.insz == insz))
        session.execute(
            update(LoginSession)
            .where(LoginSession.staff_username == username)
            .values(acting_for_id=citizen_id, counter_channel="phone")
        )
    url = start(browser, "situation-change")
    assert url.endswith("/change")  # the citizen is known: no identity questions
    assert other_browser.get(url).status_code == 404
    url = step(
        browser,
        url,
        {"change_kind": "work", "change_date": "01-02-2026", "description": "New job"},
    )
    sent = post_form(browser, url.replace("/check", "/submit"))
    assert sent.status_code == 303
    with sessions.begin() as session:
        draft = session.get(RequestDraft, draft_id_of(url))
        assert draft is not None and draft.channel == "phone" and draft.dossier_id is not None
        created = dossier_history(session, draft.dossier_id)[0]
        assert (created.channel, created.actor) == ("phone", username)


def test_signed_in_citizen_skips_identity_and_sees_unfinished_requests(
    browser: TestClient,
    make_citizen: Callable[..., str],
    sign_in_citizen: Callable[[TestClient, str], None],
) -> None:
    sign_in_citizen(browser, make_citizen("9000"))
    url = start(browser)
    assert url.endswith("/household")
    assert "loket_draft" not in browser.cookies
    start_page = browser.get("/services/leefloon").text
    assert f'href="{url}"' in start_page and "OCMW" in start_page


def test_forged_forms_are_refused(browser: TestClient) -> None:
    csrf_of(browser)
    assert (
        browser.post("/requests/leefloon/start", data={"csrf_token": "x" * 43}).status_code == 403
    )
    assert browser.post("/resume", data={"code": "AAAA"}).status_code == 403


def test_request_under_a_mandate_is_recorded_as_such(
    browser: TestClient,
    make_citizen: Callable[..., str],
    sign_in_citizen: Callable[[TestClient, str], None],
    sessions: sessionmaker[Session],
) -> None:
    from loket.contact.model import Mandate

    grantor, proxy = make_citizen("9000"), make_citizen("2000")
    sign_in_citizen(browser, proxy)
    with sessions.begin() as session:
        ids = dict(
            session.execute(
                select(Citizen.insz, Citizen.id).where(Citizen.insz.in_([grantor, proxy]))
            ).all()
        )
        mandate = Mandate(
            grantor_id=ids[grantor],
            proxy_id=ids[proxy],
            scope="requests",
            valid_until=date(2099, 1, 1),
            status="active",
        )
        session.add(mandate)
        session.flush()
        session.execute(
            update(LoginSession)
            .where(LoginSession.citizen_id == ids[proxy])
            .values(acting_for_id=ids[grantor], mandate_id=mandate.id)
        )
        mandate_id = mandate.id
    url = start(browser, "tax-question")
    url = step(browser, url, {"tax_year": "2025", "question": "Can I pay in parts?"})
    post_form(browser, url.replace("/check", "/submit"))
    with sessions.begin() as session:
        draft = session.get(RequestDraft, draft_id_of(url))
        assert draft is not None and draft.dossier_id is not None
        dossier = session.get(Dossier, draft.dossier_id)
        assert dossier is not None and dossier.citizen_id == ids[grantor]
        assert dossier.office_id.startswith("fin-")
        created = dossier_history(session, dossier.id)[0]
        assert (created.channel, created.actor, created.mandate_id) == (
            "online",
            "proxy",
            mandate_id,
        )


def test_clerk_finishing_a_citizens_online_request_records_the_counter(
    browser: TestClient,
    other_browser: TestClient,
    make_citizen: Callable[..., str],
    sign_in_citizen: Callable[[TestClient, str], None],
    sign_in_staff: Callable[..., str],
    sessions: sessionmaker[Session],
) -> None:
    insz = make_citizen("9000")
    sign_in_citizen(other_browser, insz)
    url = start(other_browser, "situation-change")
    post_form(other_browser, url, {"change_kind": "income", "action": "save"})
    username = sign_in_staff(browser, role="counter-clerk")
    with sessions.begin() as session:
        citizen_id = session.scalar(select(Citizen.id).where(Citizen.insz == insz))
        session.execute(
            update(LoginSession)
            .where(LoginSession.staff_username == username)
            .values(acting_for_id=citizen_id, counter_channel="counter")
        )
    # The clerk finds the citizen's unfinished request on the start page.
    assert f'href="{url}"' in browser.get("/services/situation-change").text
    page = browser.get(url).text
    assert 'value="income" checked' in page
    url = step(
        browser, url, {"change_kind": "income", "change_date": "01-01-2026", "description": "x"}
    )
    assert post_form(browser, url.replace("/check", "/submit")).status_code == 303
    with sessions.begin() as session:
        draft = session.get(RequestDraft, draft_id_of(url))
        assert draft is not None and draft.dossier_id is not None
        created = dossier_history(session, draft.dossier_id)[0]
        assert (created.channel, created.actor) == ("counter", username)


def test_change_link_returns_to_check_your_answers(browser: TestClient) -> None:
    url = start(browser)
    for data in (IDENTITY, ADDRESS, HOUSEHOLD, INCOME, DETAILS):
        url = step(browser, url, data)
    check_url = url
    page = browser.get(check_url.replace("/check", "/income?change=true")).text
    assert f'href="{check_url}"' in page  # Back goes to check your answers
    changed = post_form(
        browser,
        check_url.replace("/check", "/income"),
        {"has_work": "yes", "monthly_income": "1200", "change": "1"},
    )
    assert changed.headers["location"] == check_url
    assert "1200" in browser.get(check_url).text


def test_request_pages_need_no_script_and_label_every_field(browser: TestClient) -> None:
    url = start(browser)
    html = browser.get(url).text
    assert "<script" not in html and "style=" not in html
    for name in ("insz", "family_name", "given_names", "birth_date"):
        assert f'<label for="{name}">' in html and f'id="{name}"' in html
    assert 'aria-describedby="insz-hint"' in html
    assert "Save and come back later" in html and 'href="/services/leefloon"' in html


def test_a_citizens_draft_is_not_opened_by_its_code_alone(
    browser: TestClient,
    sessions: sessionmaker[Session],
    make_citizen: Callable[..., str],
) -> None:
    from loket.applications.service import start_request

    insz = make_citizen("9000")
    with sessions.begin() as session:
        citizen_id = session.scalar(select(Citizen.id).where(Citizen.insz == insz))
        draft, code = start_request(session, "leefloon", "nl", "online", citizen_id=citizen_id)
        draft_id = draft.id
    response = post_form(browser, "/resume", {"code": code})
    assert response.status_code == 303
    assert response.headers["location"] == f"/login?next=/requests/{draft_id}/household"
    assert browser.get(f"/requests/{draft_id}/household").status_code == 404
