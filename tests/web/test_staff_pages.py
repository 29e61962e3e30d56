"""The staff pages: signing in with a password, the office queue, a dossier with its history,
and consulting another agency's data from it."""

from collections.abc import Callable
from datetime import date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from loket.cases.model import Dossier, DossierEvent, Office
from loket.cases.queue import transfer_dossier
from loket.cases.staff import add_user
from loket.exchange.authorisations import grant
from loket.exchange.model import AccessLogEntry
from loket.logins.service import set_password
from loket.people.model import Citizen
from loket.web.pages.rendering import CSRF_COOKIE, LANGUAGE_COOKIE
from loket.web.pages.viewer import SESSION_COOKIE
from tests.web.conftest import csrf_of, post_form

PASSWORD = "correct horse battery"
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(autouse=True)
def in_english(pages: TestClient) -> None:
    pages.cookies.set(LANGUAGE_COOKIE, "en")


@pytest.fixture
def staff_user(sessions: sessionmaker[Session]) -> str:
    with sessions.begin() as session:
        add_user(session, "clerk-gent", "counter-clerk", "ocmw", "ocmw-44021")
        set_password(session, "clerk-gent", PASSWORD)
    return "clerk-gent"


def log_in(client: TestClient, username: str, password: str) -> object:
    return post_form(client, "/staff/login", {"username": username, "password": password})


def access_log_size(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(AccessLogEntry)) or 0


# ---- signing in -------------------------------------------------------------------------------


def test_the_right_password_signs_in_with_a_safe_session_cookie(
    pages: TestClient, staff_user: str
) -> None:
    assert pages.get("/staff/login").status_code == 200
    before = csrf_of(pages)
    response = log_in(pages, staff_user, PASSWORD)
    assert response.status_code == 303  # type: ignore[attr-defined]
    assert response.headers["location"] == "/staff/"  # type: ignore[attr-defined]
    cookies = response.headers.get_list("set-cookie")  # type: ignore[attr-defined]
    session_cookie = next(c for c in cookies if c.startswith(f"{SESSION_COOKIE}="))
    assert "httponly" in session_cookie.lower()
    assert "samesite=lax" in session_cookie.lower()
    # A new CSRF token at sign-in: one planted before does not work after.
    assert pages.cookies[CSRF_COOKIE] != before
    queue = pages.get("/staff/")
    assert queue.status_code == 200
    assert "Office queue" in queue.text


@pytest.mark.parametrize("username", ["clerk-gent", "nobody-here"])
def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(
    pages: TestClient, staff_user: str, username: str
) -> None:
    response = log_in(pages, username, "not the password at all")
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "The username or password is wrong." in response.text  # type: ignore[attr-defined]
    assert SESSION_COOKIE not in pages.cookies
    assert pages.get("/staff/").status_code == 303


def test_the_sixth_attempt_is_refused_even_with_the_right_password(
    pages: TestClient, staff_user: str
) -> None:
    for _ in range(5):
        assert log_in(pages, staff_user, "wrong password!!").status_code == 400  # type: ignore[attr-defined]
    response = log_in(pages, staff_user, PASSWORD)
    assert response.status_code == 429  # type: ignore[attr-defined]
    assert "Too many attempts" in response.text  # type: ignore[attr-defined]
    assert SESSION_COOKIE not in pages.cookies


def test_a_forged_login_form_is_refused(pages: TestClient, staff_user: str) -> None:
    csrf_of(pages)
    response = pages.post(
        "/staff/login",
        data={"username": staff_user, "password": PASSWORD, "csrf_token": "forged" * 7 + "x"},
    )
    assert response.status_code == 403
    assert SESSION_COOKIE not in pages.cookies


def test_staff_pages_send_strangers_to_the_staff_sign_in(pages: TestClient) -> None:
    for url in ("/staff/", "/staff/counter", "/staff/dossiers/X", "/privacy/"):
        response = pages.get(url)
        assert response.status_code == 303, url
        assert response.headers["location"].startswith("/staff/login?next=")


def test_signing_out_ends_the_session(pages: TestClient, staff_user: str) -> None:
    log_in(pages, staff_user, PASSWORD)
    response = post_form(pages, "/staff/logout")
    assert response.status_code == 303
    pages.cookies.delete(SESSION_COOKIE)
    assert pages.get("/staff/").status_code == 303


def test_a_citizen_cannot_open_the_staff_pages(
    pages: TestClient, make_citizen: Callable[..., str], sign_in_citizen: Callable[..., None]
) -> None:
    sign_in_citizen(pages, make_citizen("9000"))
    assert pages.get("/staff/").status_code == 303


# ---- the office queue and the dossier page ----------------------------------------------------


def rename(sessions: sessionmaker[Session], insz: str, family_name: str) -> None:
    with sessions.begin() as session:
        citizen = session.scalar(select(Citizen).where(Citizen.insz == insz))
        assert citizen is not None
        citizen.family_name = family_name


def test_the_queue_shows_only_the_offices_own_dossiers(
    pages: TestClient,
    sessions: sessionmaker[Session],
    make_citizen: Callable[..., str],
    make_dossier: Callable[[str, str, str], str],
    sign_in_staff: Callable[..., str],
) -> None:
    gent = make_citizen("9000")
    rename(sessions, gent, SCRIPT)
    own = make_dossier(gent, "ocmw", "leefloon")
    other_office = make_dossier(make_citizen("2000"), "ocmw", "leefloon")
    other_agency = make_dossier(gent, "fin", "tax-collection")
    sign_in_staff(pages, role="case-worker", agency="ocmw", office="ocmw-44021")

    queue = pages.get("/staff/")
    assert queue.status_code == 200
    assert own in queue.text
    assert other_office not in queue.text
    assert other_agency not in queue.text
    assert "Living wage" in queue.text or "Leefloon" in queue.text
    assert SCRIPT not in queue.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in queue.text

    assert pages.get(f"/staff/dossiers/{other_agency}").status_code == 404
    # Another welfare centre is another body: its dossier page is as absent as a missing one.
    assert pages.get(f"/staff/dossiers/{other_office}").status_code == 404
    assert pages.get("/staff/dossiers/NO-SUCH-DOSSIER").status_code == 404
    page = pages.get(f"/staff/dossiers/{own}")
    assert page.status_code == 200
    assert SCRIPT not in page.text
    assert "Veldstraat 1, 9000" in page.text


def test_the_dossier_history_shows_a_transfer_between_named_offices(
    pages: TestClient,
    sessions: sessionmaker[Session],
    make_citizen: Callable[..., str],
    make_dossier: Callable[[str, str, str], str],
    sign_in_staff: Callable[..., str],
) -> None:
    reference = make_dossier(make_citizen("2000"), "ocmw", "leefloon")
    with sessions.begin() as session:
        transfer_dossier(session, reference, "ocmw-44021", "citizen moved", date(2024, 3, 1))
        antwerpen = session.get(Office, "ocmw-11002")
        gent = session.get(Office, "ocmw-44021")
        assert antwerpen is not None and gent is not None
        names = (antwerpen.name, gent.name)
    sign_in_staff(pages, office="ocmw-44021")
    page = pages.get(f"/staff/dossiers/{reference}")
    assert page.status_code == 200
    assert f"From {names[0]} to {names[1]}" in page.text
    assert "citizen moved" in page.text


def test_a_status_change_is_recorded_with_who_made_it(
    pages: TestClient,
    sessions: sessionmaker[Session],
    make_citizen: Callable[..., str],
    make_dossier: Callable[[str, str, str], str],
    sign_in_staff: Callable[..., str],
) -> None:
    reference = make_dossier(make_citizen("9000"), "ocmw", "leefloon")
    username = sign_in_staff(pages, office="ocmw-44021")
    response = post_form(
        pages, f"/staff/dossiers/{reference}/status", {"status": "in-review", "note": SCRIPT}
    )
    assert response.status_code == 303
    page = pages.get(response.headers["location"])
    assert "The dossier is changed." in page.text
    assert SCRIPT not in page.text
    with sessions() as session:
        dossier = session.scalar(select(Dossier).where(Dossier.reference == reference))
        assert dossier is not None and dossier.status == "in-review"
        event = session.scalar(
            select(DossierEvent)
            .where(DossierEvent.dossier_id == dossier.id)
            .order_by(DossierEvent.id.desc())
        )
        assert event is not None and event.actor == username
    bad = post_form(pages, f"/staff/dossiers/{reference}/status", {"status": "gone"})
    assert bad.status_code == 400
    assert "Choose the new status." in bad.text


def test_consulting_with_an_authorisation_shows_the_released_fields(
    pages: TestClient,
    sessions: sessionmaker[Session],
    make_citizen: Callable[..., str],
    make_dossier: Callable[[str, str, str], str],
    sign_in_staff: Callable[..., str],
) -> None:
    insz = make_citizen("9000")
    reference = make_dossier(insz, "ocmw", "leefloon")
    with sessions.begin() as session:
        grant(
            session, "ocmw", "identity", "leefloon-eligibility", "Wet " + SCRIPT, date(2020, 1, 1)
        )
    sign_in_staff(pages, office="ocmw-44021")
    before = access_log_size(sessions)
    response = post_form(
        pages,
        f"/staff/dossiers/{reference}/consult",
        {"category": "identity", "purpose": "leefloon-eligibility"},
    )
    assert response.status_code == 200
    assert "Released: Identity" in response.text
    assert "<dt>Family name</dt><dd>Peeters</dd>" in response.text
    assert insz in response.text and "Peeters" in response.text
    assert SCRIPT not in response.text
    assert access_log_size(sessions) == before + 1


def test_a_refused_consultation_says_why_in_plain_words(
    pages: TestClient,
    sessions: sessionmaker[Session],
    make_citizen: Callable[..., str],
    make_dossier: Callable[[str, str, str], str],
    sign_in_staff: Callable[..., str],
) -> None:
    reference = make_dossier(make_citizen("9000"), "ocmw", "leefloon")
    sign_in_staff(pages, office="ocmw-44021")
    before = access_log_size(sessions)
    response = post_form(
        pages,
        f"/staff/dossiers/{reference}/consult",
        {"category": "income-tax", "purpose": "tax-collection"},
    )
    assert response.status_code == 200
    assert "Not released: Income tax" in response.text
    assert "Your agency has no authorisation to consult this data for this purpose." in (
        response.text
    )
    assert access_log_size(sessions) == before + 1


def test_a_consultation_needs_a_purpose_and_a_valid_form(
    pages: TestClient,
    sessions: sessionmaker[Session],
    make_citizen: Callable[..., str],
    make_dossier: Callable[[str, str, str], str],
    sign_in_staff: Callable[..., str],
) -> None:
    reference = make_dossier(make_citizen("9000"), "ocmw", "leefloon")
    sign_in_staff(pages, office="ocmw-44021")
    before = access_log_size(sessions)
    response = post_form(pages, f"/staff/dossiers/{reference}/consult", {"category": "identity"})
    assert response.status_code == 400
    assert "Choose why you need it." in response.text
    forged = pages.post(
        f"/staff/dossiers/{reference}/consult",
        data={"category": "identity", "purpose": "fraud-control", "csrf_token": "x" * 43},
    )
    assert forged.status_code == 403
    assert access_log_size(sessions) == before


def test_the_queue_lists_dossiers_waiting_for_routing(
    pages: TestClient,
    sessions: sessionmaker[Session],
    make_citizen: Callable[..., str],
    make_dossier: Callable[[str, str, str], str],
    sign_in_staff: Callable[..., str],
) -> None:
    from loket.cases.model import RoutingQueueItem

    reference = make_dossier(make_citizen("9000"), "ocmw", "leefloon")
    with sessions.begin() as session:
        dossier = session.scalar(select(Dossier).where(Dossier.reference == reference))
        assert dossier is not None
        session.add(
            RoutingQueueItem(
                dossier_id=dossier.id,
                office_id="ocmw-44021",
                reason="moved-abroad",
                detail="moved to " + SCRIPT,
                created_on=date(2024, 5, 1),
            )
        )
    username = sign_in_staff(pages, office="ocmw-44021")
    queue = pages.get("/staff/")
    assert "Dossiers waiting to be routed by hand" in queue.text
    assert "moved to &lt;script&gt;" in queue.text

    page = pages.get(f"/staff/dossiers/{reference}")
    assert "This dossier needs routing" in page.text
    url = f"/staff/dossiers/{reference}/transfer"
    no_reason = post_form(pages, url, {"office": "ocmw-11002", "reason": ""})
    assert no_reason.status_code == 400 and "Say why the dossier moves." in no_reason.text
    wrong = post_form(pages, url, {"office": "fin-gent", "reason": "try"})
    assert wrong.status_code == 400 and "Choose an office of the same agency." in wrong.text
    moved = post_form(pages, url, {"office": "ocmw-11002", "reason": "lives in Antwerpen now"})
    assert moved.status_code == 303
    with sessions() as session:
        dossier = session.scalar(select(Dossier).where(Dossier.reference == reference))
        assert dossier is not None and dossier.office_id == "ocmw-11002"
        item = session.scalar(select(RoutingQueueItem))
        assert item is not None and item.resolved_on == date.today()
        moves = session.scalars(
            select(DossierEvent).where(
                DossierEvent.dossier_id == dossier.id, DossierEvent.kind == "transferred"
            )
        ).all()
        assert [(e.to_office_id, e.actor) for e in moves] == [("ocmw-11002", username)]
    queue = pages.get("/staff/")
    assert reference not in queue.text


def test_logins_are_not_kept_past_their_time(
    pages: TestClient, sessions: sessionmaker[Session], staff_user: str
) -> None:
    from loket.logins.model import LoginSession

    log_in(pages, staff_user, PASSWORD)
    with sessions.begin() as session:
        for login in session.scalars(select(LoginSession)):
            login.expires_at = datetime(2000, 1, 1)
    assert pages.get("/staff/").status_code == 303


def test_the_queue_shows_the_offices_call_backs_and_appointments(
    pages: TestClient, sessions: sessionmaker[Session], sign_in_staff: Callable[..., str]
) -> None:
    from datetime import timedelta

    from loket.contact.model import Appointment, CallbackRequest

    tomorrow = date.today() + timedelta(days=1)

    def callback(office: str, name: str) -> CallbackRequest:
        return CallbackRequest(
            reference=f"CB-{office}-{name[:5]}",
            office_id=office,
            name=name,
            phone="+3291234567",
            language="fr",
            preferred_day=tomorrow,
            time_window="morning",
            topic="leefloon",
            channel="online",
            status="open",
        )

    with sessions.begin() as session:
        own, other = callback("ocmw-44021", SCRIPT), callback("ocmw-11002", "Elsewhere")
        session.add_all([own, other])
        session.add(
            Appointment(
                reference="AP-1",
                office_id="ocmw-44021",
                desk=1,
                starts_at=datetime.combine(tomorrow, datetime.min.time()).replace(hour=9),
                minutes=30,
                name="Visitor Vanhove",
                language="nl",
                topic="situation-change",
                channel="phone",
                status="open",
            )
        )
        session.flush()
        own_id, other_id = own.id, other.id
    username = sign_in_staff(pages, office="ocmw-44021")
    queue = pages.get("/staff/")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in queue.text and SCRIPT not in queue.text
    assert "Elsewhere" not in queue.text
    assert "Visitor Vanhove" in queue.text
    assert "Français" in queue.text

    assert post_form(pages, f"/staff/callbacks/{other_id}/done").status_code == 404
    done = post_form(pages, f"/staff/callbacks/{own_id}/done")
    assert done.status_code == 303
    assert "The call-back is marked as done." in pages.get(done.headers["location"]).text
    with sessions() as session:
        marked = session.get(CallbackRequest, own_id)
        assert marked is not None and (marked.status, marked.handled_by) == ("done", username)
        untouched = session.get(CallbackRequest, other_id)
        assert untouched is not None and untouched.status == "open"


def test_a_clerk_records_what_became_of_an_appointment(
    pages: TestClient, sessions: sessionmaker[Session], sign_in_staff: Callable[..., str]
) -> None:
    from datetime import timedelta

    from loket.contact.appointments import book
    from loket.contact.model import Appointment

    starts = datetime.combine(date.today() + timedelta(days=7), datetime.min.time())
    while starts.weekday() > 4:  # a weekday, when the office is open
        starts += timedelta(days=1)
    starts = starts.replace(hour=9)

    def booking(office: str, name: str) -> int:
        with sessions.begin() as session:
            return book(
                session,
                office_id=office,
                starts_at=starts,
                name=name,
                phone=None,
                language="nl",
                topic="leefloon",
                with_expert=False,
                needs_step_free=False,
                citizen_id=None,
                channel="online",
                note=None,
                now=datetime.now(),
            ).id

    came, cancelled, elsewhere = (
        booking("ocmw-44021", "Came Along"),
        booking("ocmw-44021", "Called Off"),
        booking("ocmw-11002", "Other Office"),
    )
    sign_in_staff(pages, office="ocmw-44021")
    assert "Cancel the appointment" in pages.get("/staff/").text
    answer = post_form(pages, f"/staff/appointments/{came}/status", {"status": "done"})
    assert answer.status_code == 303
    assert "The appointment is updated." in pages.get(answer.headers["location"]).text
    post_form(pages, f"/staff/appointments/{cancelled}/status", {"status": "cancelled"})
    # Another office's appointment and an unknown outcome are refused; a settled one stays.
    assert (
        post_form(pages, f"/staff/appointments/{elsewhere}/status", {"status": "done"}).status_code
        == 404
    )
    assert (
        post_form(pages, f"/staff/appointments/{came}/status", {"status": "missed"}).status_code
        == 404
    )
    assert (
        post_form(pages, f"/staff/appointments/{cancelled}/status", {"status": "lost"}).status_code
        == 404
    )
    with sessions() as session:
        statuses = {a.name: (a.status, a.desk > 0) for a in session.query(Appointment).all()}
    # The cancelled appointment gave its desk back for someone else.
    assert statuses == {
        "Came Along": ("done", True),
        "Called Off": ("cancelled", False),
        "Other Office": ("open", True),
    }
