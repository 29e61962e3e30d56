"""The privacy officer searches the access log by citizen, agency, staff member, outcome, data
category, purpose and period, on the command line and over HTTP (privacy officers only)."""

import json
from datetime import date, datetime, timedelta

import pytest
from factories import next_insz
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from loket.cases.staff import add_user
from loket.cli.main import app
from loket.exchange.log import append_entry
from loket.exchange.search import SearchError, search_log
from loket.settings import get_settings

from .test_exchange_api import Scene, ask, bearer, client, scene  # noqa: F401 - fixtures

MARCH = datetime(2025, 3, 10, 9, 30)
CITIZEN = next_insz()


def entry(
    session: Session, at: datetime, actor: str, agency: str, category: str, purpose: str, **kw
) -> int:
    body = {
        "kind": "consultation",
        "actor": actor,
        "office": None,
        "agency": agency,
        "citizen": CITIZEN,
        "category": category,
        "purpose": purpose,
        "authorisation": 1,
        "legal_basis": "Art. 19 Wet 26 mei 2002",
        "dossier": None,
        "outcome": "granted",
        "reason": None,
        "visible_from": at.date().isoformat(),
        **kw,
    }
    return append_entry(session, body, recorded_at=at).seq


@pytest.fixture
def log(sessions: sessionmaker[Session]) -> dict[str, int]:
    """Five entries over four days; the last one written is dated earliest."""
    with sessions.begin() as session:
        return {
            "first": entry(session, MARCH, "an", "ocmw", "income-tax", "leefloon-eligibility"),
            "denied": entry(
                session, MARCH + timedelta(days=1), "an", "ocmw", "income-tax",
                "leefloon-eligibility", outcome="denied", reason="no-open-dossier",
            ),
            "property": entry(
                session, MARCH + timedelta(days=2), "an", "ocmw", "property", "fraud-control"
            ),
            "fin": entry(
                session, MARCH + timedelta(days=3), "jan", "fin", "address", "tax-collection",
                citizen=next_insz(),
                # A body quoting another field's text must not match a search on that field.
                legal_basis='"category":"income-tax"',
            ),
            "written_late": entry(
                session, MARCH - timedelta(hours=1), "an", "ocmw", "identity",
                "leefloon-eligibility",
            ),
        }  # fmt: skip


def seqs(sessions: sessionmaker[Session], **filters) -> list[int]:
    with sessions() as session:
        return [found.seq for found in search_log(session, **filters)]


def test_without_filters_everything_comes_newest_first(sessions, log):
    assert seqs(sessions) == [log[k] for k in ("fin", "property", "denied", "first")] + [
        log["written_late"]
    ]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"citizen": CITIZEN}, ["property", "denied", "first", "written_late"]),
        ({"agency": "fin"}, ["fin"]),
        ({"actor": "an", "outcome": "denied"}, ["denied"]),
        ({"outcome": "granted", "agency": "ocmw"}, ["property", "first", "written_late"]),
        ({"category": "income-tax"}, ["denied", "first"]),
        ({"category": "income_tax"}, []),  # LIKE wildcards are taken literally
        ({"purpose": "fraud-control"}, ["property"]),
        ({"since": date(2025, 3, 11), "until": date(2025, 3, 12)}, ["property", "denied"]),
        ({"since": MARCH + timedelta(days=1, seconds=1)}, ["fin", "property"]),
        ({"until": date(2025, 3, 10)}, ["first", "written_late"]),
        ({"limit": 2, "offset": 1}, ["property", "denied"]),
    ],
)
def test_each_filter_narrows_the_search(sessions, log, filters, expected):
    assert seqs(sessions, **filters) == [log[name] for name in expected]


def test_the_full_body_is_returned(sessions, log):
    with sessions() as session:
        [found] = search_log(session, outcome="denied")
    assert found.as_json()["reason"] == "no-open-dossier"
    assert found.as_json()["recorded_at"] == "2025-03-11T09:30:00"


@pytest.mark.parametrize(
    ("filters", "named"),
    [({"limit": 0}, "limit"), ({"offset": -1}, "offset"), ({"limit": 1001}, "limit")]
    + [({"since": date(2025, 3, 2), "until": date(2025, 3, 1)}, "until")],
)
def test_impossible_searches_are_refused_naming_the_parameter(sessions, filters, named):
    with sessions() as session, pytest.raises(SearchError, match=f"^{named}:"):
        search_log(session, **filters)


def loket(url: str, *args: str):
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(app, list(args), env={"LOKET_DATABASE_URL": url})
    finally:
        get_settings.cache_clear()


def test_cli_log_and_anomalies_print_json(database_url, sessions, log):
    result = loket(database_url, "exchange", "log", "--actor", "an", "--category", "income-tax",
                   "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert [line["seq"] for line in json.loads(result.stdout)] == [log["denied"], log["first"]]
    result = loket(database_url, "exchange", "anomalies", "--since", "2025-03-01",
                   "--until", "2025-03-31", "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    # Weekday consultations in working hours by a handful of staff: nothing to report.
    assert json.loads(result.stdout) == []
    bad = loket(database_url, "exchange", "log", "--limit", "0")
    assert bad.exit_code == 2 and "limit" in bad.output


def test_api_search_is_for_privacy_officers_and_administrators(client, scene, sessions):  # noqa: F811
    with sessions.begin() as session:
        admin = add_user(session, "root", "admin", "ocmw")[1]
    seq = ask(client, scene.worker, scene.insz).json()["log_seq"]
    ask(client, scene.worker, scene.without_dossier)
    for token in (scene.officer, admin):
        response = client.get(
            "/api/v1/privacy/access-log",
            params={"outcome": "granted", "category": "income-tax"},
            headers=bearer(token),
        )
        assert response.status_code == 200, response.text
        [line] = response.json()
        assert (line["seq"], line["actor"], line["dossier"]) == (seq, "an.worker", scene.dossier)
    assert len(client.get("/api/v1/privacy/access-log", headers=bearer(admin)).json()) == 2
    worker = client.get("/api/v1/privacy/access-log", headers=bearer(scene.worker))
    assert worker.status_code == 403
    assert worker.json()["detail"]["error"] == "role-not-allowed"
    assert client.get("/api/v1/privacy/access-log").status_code == 401
    bad = client.get("/api/v1/privacy/access-log?limit=0", headers=bearer(admin))
    assert bad.status_code == 422


def test_api_anomalies_are_for_privacy_officers_and_administrators(client, scene):  # noqa: F811
    ask(client, scene.worker, scene.insz)
    today = date.today()
    response = client.get(
        "/api/v1/privacy/anomalies",
        params={"since": str(today - timedelta(days=1)), "until": str(today)},
        headers=bearer(scene.officer),
    )
    assert response.status_code == 200, response.text
    assert all(a["kind"] == "outside-office-hours" for a in response.json())
    default = client.get("/api/v1/privacy/anomalies", headers=bearer(scene.officer))
    assert default.status_code == 200
    assert client.get("/api/v1/privacy/anomalies", headers=bearer(scene.worker)).status_code == 403
    assert client.get("/api/v1/privacy/anomalies").status_code == 401
    backwards = client.get(
        "/api/v1/privacy/anomalies",
        params={"since": "2025-03-02", "until": "2025-03-01"},
        headers=bearer(scene.officer),
    )
    assert backwards.status_code == 422
