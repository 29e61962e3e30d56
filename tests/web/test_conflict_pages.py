"""The double-claim pages: who sees which conflict (as the API), the filters, both claims side by
side with the evidence, and a case worker's resolution recorded with who, when and a note that
the page shows as text."""

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from loket.linkage.conflicts import Conflict
from loket.linkage.model import LinkageConflict, LinkageDecision, LinkageMode
from loket.linkage.service import RunMeta, record_run
from tests.web.conftest import post_form

ANTWERPEN, GENT, BRUSSEL = "11002", "44021", "21004"
SCRIPT = '</textarea><script>alert("owned")</script>'
EVIDENCE = "INSZ equal; birth date equal; family name equal"


def conflict(claim_a: str, claim_b: str, ocmw_a: str, ocmw_b: str, p: float) -> Conflict:
    return Conflict(
        claim_a, claim_b, ocmw_a, ocmw_b, p, date(2025, 3, 1), None, 120, EVIDENCE, "c1"
    )


AG = conflict("ANT-001", "GNT-001", ANTWERPEN, GENT, 0.99)
GB = replace(conflict("BXL-001", "GNT-002", BRUSSEL, GENT, 0.93), status="needs-check")
AB = conflict("ANT-002", "BXL-002", ANTWERPEN, BRUSSEL, 0.97)


@pytest.fixture(autouse=True)
def stored(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        now = datetime(2026, 1, 5, 2, 0)
        record_run(
            session, RunMeta(now, now, "duckdb", LinkageMode.CLEAR, 100, 0, 0.9), [AG, GB, AB]
        )


def listed(client: TestClient, **params: str) -> list[str]:
    response = client.get("/staff/conflicts/", params=params)
    assert response.status_code == 200, response.text
    text = response.text
    shown = [c.conflict_id for c in (AG, GB, AB) if c.conflict_id in text]
    return sorted(shown, key=text.index)


def resolve(client: TestClient, conflict_id: str, outcome: str, note: str):
    url = f"/staff/conflicts/{conflict_id}/decision"
    return post_form(client, url, {"outcome": outcome, "note": note})


def test_pod_mi_sees_every_conflict_and_needs_check_pairs_apart(pages, sign_in_staff):
    sign_in_staff(pages, "analyst", "podmi", "podmi-brussel")
    # Conflicts first, most likely first; then the pairs that need a check, under their heading.
    assert listed(pages) == [AG.conflict_id, AB.conflict_id, GB.conflict_id]
    text = pages.get("/staff/conflicts/").text
    assert text.index("<h2>Needs a check") > text.index(AB.conflict_id)
    assert listed(pages, finding="needs-check") == [GB.conflict_id]
    assert listed(pages, finding="conflict") == [AG.conflict_id, AB.conflict_id]
    assert listed(pages, ocmw=BRUSSEL) == [AB.conflict_id, GB.conflict_id]
    assert "Double claims" in pages.get("/staff/").text  # in the menu


def test_a_welfare_centre_sees_only_conflicts_with_its_own_claims(pages, sign_in_staff):
    sign_in_staff(pages, "case-worker", "ocmw", f"ocmw-{ANTWERPEN}")
    assert listed(pages) == [AG.conflict_id, AB.conflict_id]
    assert listed(pages, ocmw=BRUSSEL) == [AB.conflict_id]
    assert pages.get(f"/staff/conflicts/{GB.conflict_id}").status_code == 404
    assert resolve(pages, GB.conflict_id, "same-person", "mine?").status_code == 404


def test_the_open_and_decided_filters(pages, sign_in_staff):
    sign_in_staff(pages, "case-worker", "podmi", "podmi-brussel")
    assert resolve(pages, AB.conflict_id, "legitimate", "Moved on 1 March.").status_code == 303
    assert listed(pages, status="resolved") == [AB.conflict_id]
    assert listed(pages, status="open") == [AG.conflict_id, GB.conflict_id]
    assert (
        "Decided: Legitimate" in pages.get("/staff/conflicts/", params={"status": "resolved"}).text
    )


def test_a_bad_welfare_centre_code_is_named(pages, sign_in_staff):
    sign_in_staff(pages, "analyst", "podmi", "podmi-brussel")
    response = pages.get("/staff/conflicts/", params={"ocmw": "Gent"})
    assert response.status_code == 400
    assert 'href="#ocmw"' in response.text and "REFNIS code of 5 digits" in response.text


def test_a_conflict_shows_both_claims_the_evidence_and_the_probability(pages, sign_in_staff):
    sign_in_staff(pages, "case-worker", "ocmw", f"ocmw-{GENT}")
    text = pages.get(f"/staff/conflicts/{AG.conflict_id}").text
    for shown in ("ANT-001", "GNT-001", ANTWERPEN, GENT, "99,0%", "INSZ equal", "birth date equal"):
        assert shown in text
    assert "Nobody has decided on this conflict yet." in text
    assert 'name="outcome"' in text


def test_a_resolution_is_recorded_with_who_when_and_the_note(pages, sign_in_staff, sessions):
    username = sign_in_staff(pages, "case-worker", "ocmw", f"ocmw-{GENT}")
    response = resolve(pages, AG.conflict_id, "same-person", SCRIPT)
    assert response.status_code == 303
    text = pages.get(response.headers["location"]).text
    assert "Your decision is recorded." in text
    assert SCRIPT not in text
    assert "&lt;/textarea&gt;&lt;script&gt;alert(&#34;owned&#34;)&lt;/script&gt;" in text
    assert username in text
    with sessions() as session:
        decision = session.scalars(select(LinkageDecision)).one()
        assert (decision.decided_by, decision.outcome, decision.note) == (
            username,
            "same-person",
            SCRIPT,
        )
        assert decision.decided_at.date() == date.today()
        assert session.get(LinkageConflict, AG.conflict_id).status == "resolved"  # type: ignore[union-attr]


def test_a_resolution_needs_an_outcome_and_a_note(pages, sign_in_staff, sessions):
    sign_in_staff(pages, "case-worker", "ocmw", f"ocmw-{GENT}")
    response = resolve(pages, AG.conflict_id, "", "   ")
    assert response.status_code == 400
    assert 'href="#outcome"' in response.text and 'href="#note"' in response.text
    with sessions() as session:
        assert session.scalar(select(LinkageDecision)) is None


def test_an_analyst_sees_but_does_not_decide(pages, sign_in_staff, sessions):
    sign_in_staff(pages, "analyst", "podmi", "podmi-brussel")
    text = pages.get(f"/staff/conflicts/{AG.conflict_id}").text
    assert 'name="outcome"' not in text
    assert resolve(pages, AG.conflict_id, "same-person", "I think so").status_code == 403
    with sessions() as session:
        assert session.scalar(select(LinkageDecision)) is None


@pytest.mark.parametrize(
    ("role", "agency", "office"),
    [("analyst", "fin", "fin-gent"), ("counter-clerk", "ocmw", f"ocmw-{GENT}")],
)
def test_staff_who_never_see_conflicts_are_refused(pages, sign_in_staff, role, agency, office):
    sign_in_staff(pages, role, agency, office)
    assert pages.get("/staff/conflicts/").status_code == 403
    assert pages.get(f"/staff/conflicts/{AG.conflict_id}").status_code == 403
    assert "Double claims" not in pages.get("/staff/").text


def test_an_unknown_or_malformed_conflict_is_not_found(pages, sign_in_staff: Callable[..., str]):
    sign_in_staff(pages, "analyst", "podmi", "podmi-brussel")
    assert pages.get("/staff/conflicts/LC-0000000000000000").status_code == 404
    assert pages.get("/staff/conflicts/not-an-id").status_code == 404


def test_the_list_is_paged_and_the_links_keep_the_filters(pages, sign_in_staff, monkeypatch):
    from loket.web.pages import staff_conflicts

    monkeypatch.setattr(staff_conflicts, "LIST_PAGE", 1)
    sign_in_staff(pages, "analyst", "podmi", "podmi-brussel")
    assert listed(pages, finding="conflict") == [AG.conflict_id]
    first = pages.get("/staff/conflicts/", params={"finding": "conflict"}).text
    assert "Page 1 of 2" in first
    assert 'href="/staff/conflicts/?finding=conflict&amp;page=2" rel="next"' in first
    assert listed(pages, finding="conflict", page="2") == [AB.conflict_id]
    assert listed(pages, finding="conflict", page="99") == [AB.conflict_id]  # the last page
