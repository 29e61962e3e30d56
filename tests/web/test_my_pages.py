"""The citizen's own pages: dossiers in plain words, their history after a move, and who
consulted their data (with the "I do not recognise this" button)."""

from collections.abc import Callable
from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from loket.cases.model import StaffUser
from loket.cases.staff import add_user
from loket.exchange.authorisations import grant
from loket.exchange.consult import consult
from loket.exchange.transparency import open_flags
from loket.people.moves import change_address
from loket.people.service import NewAddress
from tests.web.conftest import post_form


def test_signed_out_visitors_are_sent_to_sign_in(pages: TestClient) -> None:
    for path in ["/my/", "/my/access-log", "/my/dossiers/OCMW-44021-2024-000001"]:
        response = pages.get(path)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?next=")


def test_my_dossiers_say_status_office_and_what_happens_next(
    pages: TestClient,
    make_citizen: Callable[..., str],
    make_dossier: Callable[[str, str, str], str],
    sign_in_citizen: Callable[[TestClient, str], None],
) -> None:
    insz = make_citizen("9000")
    reference = make_dossier(insz, "ocmw", "leefloon")
    sign_in_citizen(pages, insz)
    html = pages.get("/my/", headers={"Accept-Language": "en"}).text
    assert "Living wage" in html and reference in html
    assert "Requested" in html and "We have received your request." in html
    assert "OCMW Gent" in html
    dutch = pages.get("/my/", headers={"Accept-Language": "nl"}).text
    assert "Leefloon" in dutch and "Aangevraagd" in dutch


def test_someone_elses_dossier_looks_like_no_dossier(
    pages: TestClient,
    make_citizen: Callable[..., str],
    make_dossier: Callable[[str, str, str], str],
    sign_in_citizen: Callable[[TestClient, str], None],
) -> None:
    owner, other = make_citizen("9000"), make_citizen("2000")
    reference = make_dossier(owner, "ocmw", "leefloon")
    sign_in_citizen(pages, other)
    assert pages.get(f"/my/dossiers/{reference}").status_code == 404
    assert reference not in pages.get("/my/").text


def test_the_dossier_history_shows_the_move_to_the_new_office(
    pages: TestClient,
    sessions: sessionmaker[Session],
    make_citizen: Callable[..., str],
    make_dossier: Callable[[str, str, str], str],
    sign_in_citizen: Callable[[TestClient, str], None],
) -> None:
    insz = make_citizen("9000")
    reference = make_dossier(insz, "ocmw", "leefloon")
    with sessions.begin() as session:
        change_address(
            session, "move-1", insz, NewAddress("Meir", "1", "2000"), date(2025, 3, 1), "register"
        )
    sign_in_citizen(pages, insz)
    html = pages.get(f"/my/dossiers/{reference}", headers={"Accept-Language": "en"}).text
    assert "Moved to another office after your move" in html
    assert "OCMW Gent → OCMW Antwerpen" in html
    assert "OCMW Antwerpen" in pages.get("/my/").text


def _consulted(sessions: sessionmaker[Session], insz: str, reference: str) -> None:
    with sessions.begin() as session:
        grant(
            session,
            "ocmw",
            "income-tax",
            "leefloon-eligibility",
            "Law of 26 May 2002 on the right to social integration, art. 19",
            date(2020, 1, 1),
        )
        add_user(session, "worker-gent", "case-worker", "ocmw", "ocmw-44021")
        actor = session.scalar(select(StaffUser).where(StaffUser.username == "worker-gent"))
        assert actor is not None
        consult(session, actor, insz, "income-tax", "leefloon-eligibility", reference)
        consult(session, actor, insz, "property", "fraud-control", reference)


def test_the_citizen_sees_who_consulted_what_and_why(
    pages: TestClient,
    sessions: sessionmaker[Session],
    make_citizen: Callable[..., str],
    make_dossier: Callable[[str, str, str], str],
    sign_in_citizen: Callable[[TestClient, str], None],
) -> None:
    insz = make_citizen("9000")
    reference = make_dossier(insz, "ocmw", "leefloon")
    _consulted(sessions, insz, reference)
    sign_in_citizen(pages, insz)
    html = pages.get("/my/access-log", headers={"Accept-Language": "en"}).text
    assert "OCMW Gent" in html
    assert "Income tax" in html and "Living-wage eligibility" in html
    assert "Law of 26 May 2002" in html
    assert "Refused: no data was shown" in html  # the denied property consultation
    assert "worker-gent" not in html  # the service, never the civil servant


def test_i_do_not_recognise_this_reaches_the_privacy_officer(
    pages: TestClient,
    sessions: sessionmaker[Session],
    make_citizen: Callable[..., str],
    make_dossier: Callable[[str, str, str], str],
    sign_in_citizen: Callable[[TestClient, str], None],
) -> None:
    insz = make_citizen("9000")
    reference = make_dossier(insz, "ocmw", "leefloon")
    _consulted(sessions, insz, reference)
    sign_in_citizen(pages, insz)
    html = pages.get("/my/access-log").text
    seq = int(html.split('action="/my/access-log/')[1].split("/")[0])
    payload = "<script>alert('x')</script> never heard of them"
    response = post_form(pages, f"/my/access-log/{seq}/flag", {"comment": payload})
    assert response.status_code == 303
    assert "The privacy officer will look into it" in pages.get(response.headers["location"]).text
    with sessions.begin() as session:
        flags = open_flags(session)
    assert [(f.seq, f.comment) for f in flags] == [(seq, payload)]


def test_a_citizen_cannot_flag_someone_elses_consultation(
    pages: TestClient,
    sessions: sessionmaker[Session],
    make_citizen: Callable[..., str],
    make_dossier: Callable[[str, str, str], str],
    sign_in_citizen: Callable[[TestClient, str], None],
) -> None:
    owner, other = make_citizen("9000"), make_citizen("9000")
    _consulted(sessions, owner, make_dossier(owner, "ocmw", "leefloon"))
    sign_in_citizen(pages, owner)
    html = pages.get("/my/access-log").text
    seq = int(html.split('action="/my/access-log/')[1].split("/")[0])
    pages.cookies.clear()
    sign_in_citizen(pages, other)
    assert post_form(pages, f"/my/access-log/{seq}/flag", {"comment": ""}).status_code == 404
