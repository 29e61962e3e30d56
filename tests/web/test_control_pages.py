"""The analysts' control review pages: blind until the reviewer's own assessment, a decision only
after it and only with a reason, who sees which dossier (as the API), and notes shown as text."""

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from loket.control.model import ControlReview, ControlSelection
from loket.control.review import load_selection
from loket.web.pages.rendering import LANGUAGE_COOKIE
from tests.control.review_files import EXPLANATION, write_scores
from tests.web.conftest import post_form

RUN = "run-2026-11-29"
SCRIPT = '</textarea><script>alert("owned")</script>'


@pytest.fixture
def ids(sessions: sessionmaker[Session], tmp_path: Path) -> dict[str, int]:
    """A loaded run (three risk selections, one random draw); dossier id → selection id."""
    with sessions.begin() as session:
        load_selection(session, write_scores(tmp_path))
        rows = session.execute(select(ControlSelection.dossier_id, ControlSelection.id))
        return {dossier: selection for dossier, selection in rows}


@pytest.fixture
def analyst(pages: TestClient, sign_in_staff: Callable[..., str]) -> str:
    return sign_in_staff(pages, "analyst", "fin", "fin-gent")


def review(client: TestClient, selection: int) -> str:
    response = client.get(f"/staff/control/selections/{selection}")
    assert response.status_code == 200, response.text
    return response.text


def assess(client: TestClient, selection: int, assessment: str = "high", note: str = ""):
    url = f"/staff/control/selections/{selection}/assessment"
    return post_form(client, url, {"assessment": assessment, "note": note})


def decide(client: TestClient, selection: int, decision: str, reason: str, text: str = ""):
    url = f"/staff/control/selections/{selection}/decision"
    return post_form(client, url, {"decision": decision, "reason": reason, "text": text})


def test_the_queue_lists_by_dossier_and_never_shows_a_score(pages, ids, analyst):
    response = pages.get("/staff/control/")
    assert response.status_code == 200
    text = response.text
    positions = [text.index(dossier) for dossier in ("D-050", "D-100", "D-200", "D-300")]
    assert positions == sorted(positions)
    assert "D-400" not in text  # scored, not selected
    assert "10.71 (bakeries)" in text
    assert EXPLANATION not in text
    only_antwerpen = pages.get("/staff/control/", params={"office": "fin-antwerpen"}).text
    assert "D-100" in only_antwerpen and "D-300" not in only_antwerpen
    assess(pages, ids["D-300"])
    waiting = pages.get("/staff/control/", params={"status": "awaiting-decision"}).text
    assert "D-300" in waiting and "D-200" not in waiting
    assert EXPLANATION not in waiting


def test_the_score_stays_hidden_until_the_reviewer_has_assessed(pages, ids, analyst):
    selection = ids["D-300"]
    blind = review(pages, selection)
    assert EXPLANATION not in blind and "Risk score" not in blind
    assert 'name="assessment"' in blind and 'name="decision"' not in blind
    response = assess(pages, selection, "medium", "Turnover looks thin for a bakery.")
    assert response.status_code == 303
    seen = review(pages, selection)
    assert EXPLANATION in seen and "Risk score" in seen
    assert "Turnover looks thin for a bakery." in seen
    assert analyst in seen  # who assessed
    assert 'name="assessment"' not in seen and 'name="decision"' in seen


def test_an_assessment_without_a_judgement_names_the_field(pages, ids, analyst):
    response = assess(pages, ids["D-300"], "")
    assert response.status_code == 400
    assert 'href="#assessment"' in response.text
    assert "Choose your own assessment" in response.text
    assert EXPLANATION not in response.text


def test_a_decision_needs_an_assessment_first(pages, ids, analyst, sessions):
    response = decide(pages, ids["D-300"], "control", "indication-confirmed")
    assert response.status_code == 409
    assert "Give your own assessment first" in response.text
    assert 'href="#assessment"' in response.text
    assert EXPLANATION not in response.text  # still blind
    with sessions() as session:
        assert session.scalar(select(ControlReview)) is None


def test_a_decision_needs_a_reason_that_fits_it(pages, ids, analyst):
    selection = ids["D-300"]
    assess(pages, selection)
    empty = decide(pages, selection, "", "")
    assert empty.status_code == 400
    assert 'href="#decision"' in empty.text and 'href="#reason"' in empty.text
    mismatched = decide(pages, selection, "no-control", "indication-confirmed")
    assert mismatched.status_code == 400 and 'href="#reason"' in mismatched.text
    # A risk selection was not drawn at random: that reason is refused for it.
    drawn = decide(pages, selection, "control", "random-sample")
    assert drawn.status_code == 400 and 'href="#reason"' in drawn.text
    other = decide(pages, selection, "no-control", "other")
    assert other.status_code == 400 and 'href="#text"' in other.text


def test_a_decision_is_recorded_with_who_when_and_why_and_is_final(pages, ids, analyst, sessions):
    selection = ids["D-300"]
    assess(pages, selection, "low")
    response = decide(pages, selection, "no-control", "other", SCRIPT)
    assert response.status_code == 303
    page = review(pages, selection)
    assert "differs from the model" in page
    assert SCRIPT not in page
    assert "&lt;/textarea&gt;&lt;script&gt;alert(&#34;owned&#34;)&lt;/script&gt;" in page
    with sessions() as session:
        stored = session.scalars(select(ControlReview)).one()
        assert (stored.decided_by, stored.reason, stored.reason_text) == (analyst, "other", SCRIPT)
        assert stored.decided_at is not None
    again = decide(pages, selection, "control", "indication-confirmed")
    assert again.status_code == 409 and "the decision is final" in again.text


def test_the_summary_counts_decisions_and_agreement(pages, ids, analyst):
    assess(pages, ids["D-300"], "high")
    decide(pages, ids["D-300"], "control", "indication-confirmed")
    assess(pages, ids["D-200"], "low")
    response = pages.get("/staff/control/summary", params={"run": RUN})
    assert response.status_code == 200
    assert "agreed with the model (high or medium risk) 1 times and disagreed (low risk) 1" in (
        response.text
    )
    assert "Agreement: 50%." in response.text


@pytest.mark.parametrize(
    ("role", "agency", "office"),
    [("analyst", "ocmw", "ocmw-44021"), ("counter-clerk", "fin", "fin-gent")],
)
def test_staff_who_do_not_review_are_refused(pages, ids, sign_in_staff, role, agency, office):
    sign_in_staff(pages, role, agency, office)
    for path in ("/staff/control/", f"/staff/control/selections/{ids['D-300']}"):
        response = pages.get(path)
        assert response.status_code == 403
        assert "FPS Finance" in response.text
    assert assess(pages, ids["D-300"]).status_code == 403
    assert "Control review" not in pages.get("/staff/").text  # no link in the menu


def test_a_case_worker_sees_only_the_dossiers_of_their_tax_office(pages, ids, sign_in_staff):
    sign_in_staff(pages, "case-worker", "fin", "fin-gent")
    assert "D-100" not in pages.get("/staff/control/").text  # an Antwerpen dossier
    assert pages.get(f"/staff/control/selections/{ids['D-100']}").status_code == 404
    assert assess(pages, ids["D-100"]).status_code == 404
    assert "Control review" in pages.get("/staff/").text


def test_the_review_page_speaks_the_readers_language(pages, ids, analyst):
    pages.cookies.set(LANGUAGE_COOKIE, "fr")
    text = review(pages, ids["D-300"])
    assert 'lang="fr"' in text
    assert "Your own assessment" not in text
