"""Who the pages act for: a proxy acts for the grantor only while the mandate holds, and only
within its scope."""

from collections.abc import Callable
from datetime import date, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from loket.contact.mandates import accept, act_for, propose
from loket.contact.model import Mandate
from loket.logins.model import LoginSession
from loket.people.model import Citizen
from tests.web.conftest import post_form


def _acting(sessions: sessionmaker[Session], grantor: str, proxy: str, scope: str) -> int:
    """An accepted mandate of `scope`, and the proxy's newest session acting under it."""
    with sessions.begin() as session:
        ids = dict(session.execute(select(Citizen.insz, Citizen.id)).all())
        today = date.today()
        mandate = propose(session, ids[grantor], proxy, scope, today + timedelta(days=30), today)
        accept(session, mandate.id, ids[proxy], datetime.now())
        login = session.scalars(
            select(LoginSession).where(LoginSession.citizen_id == ids[proxy])
        ).one()
        act_for(session, login, mandate.id, today)
        return mandate.id


def test_an_expired_mandate_stops_the_proxy_acting_for_the_grantor(
    pages: TestClient,
    sessions: sessionmaker[Session],
    make_citizen: Callable[..., str],
    make_dossier: Callable[[str, str, str], str],
    sign_in_citizen: Callable[[TestClient, str], None],
) -> None:
    grantor, proxy = make_citizen("9000"), make_citizen("2000")
    reference = make_dossier(grantor, "ocmw", "leefloon")
    sign_in_citizen(pages, proxy)
    mandate_id = _acting(sessions, grantor, proxy, "all")
    page = pages.get("/my/").text
    assert reference in page and "under a mandate" in page
    with sessions.begin() as session:
        mandate = session.get(Mandate, mandate_id)
        assert mandate is not None
        mandate.valid_until = date.today() - timedelta(days=1)
    page = pages.get("/my/").text
    assert reference not in page and "under a mandate" not in page


def test_a_read_only_proxy_may_look_but_not_ask_or_flag(
    pages: TestClient,
    sessions: sessionmaker[Session],
    make_citizen: Callable[..., str],
    make_dossier: Callable[[str, str, str], str],
    sign_in_citizen: Callable[[TestClient, str], None],
) -> None:
    grantor, proxy = make_citizen("9000"), make_citizen("2000")
    reference = make_dossier(grantor, "ocmw", "leefloon")
    sign_in_citizen(pages, proxy)
    _acting(sessions, grantor, proxy, "read-only")
    assert reference in pages.get("/my/").text
    assert post_form(pages, "/requests/leefloon/start").status_code == 403
    assert post_form(pages, "/my/access-log/1/flag", {"comment": ""}).status_code == 403
