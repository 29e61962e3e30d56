"""The analysts' pages in a real browser, in all four languages: the control review queue, a
dossier before and after the blind assessment (and decided), the refused decision with its error
summary, the summary; the double-claim list and a conflict with its resolution form. Zero WCAG
2.0/2.1/2.2 A and AA violations found by axe, `<html lang>` set, one h1."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from tests.e2e.conftest import (
    LANGUAGES,
    LiveServer,
    axe_violations,
    database,
    post_form,
    sign_in_staff,
)


@dataclass(frozen=True)
class Scene:
    selections: dict[str, int]
    # Two of the demo's conflicts involving Gent, whose demo case worker may decide on them.
    gent: str
    needs_check: str


@pytest.fixture(scope="module")
def scene(live_server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> Scene:
    """A control run loaded for review and the demo's conflicts, on the live server's data."""
    from loket.control.model import ControlSelection
    from loket.control.review import load_selection
    from loket.demo.conflicts import GENT, seed_demo_conflicts
    from loket.linkage.model import LinkageConflict
    from tests.control.review_files import write_scores

    scores = write_scores(tmp_path_factory.mktemp("control"), run_id="run-e2e-analysts")
    with database(live_server) as session:
        load_selection(session, scores)
        seed_demo_conflicts(session)
        rows = session.execute(select(ControlSelection.dossier_id, ControlSelection.id))
        selections = {dossier: selection for dossier, selection in rows}
        of_gent = select(LinkageConflict.conflict_id).where(
            (LinkageConflict.ocmw_a == GENT) | (LinkageConflict.ocmw_b == GENT)
        )
        gent = session.scalar(of_gent.where(LinkageConflict.finding == "conflict"))
        needs_check = session.scalar(of_gent.where(LinkageConflict.finding == "needs-check"))
    assert gent is not None and needs_check is not None
    return Scene(selections, gent, needs_check)


@pytest.fixture(scope="module")
def signed_in(
    browser: Any, live_server: LiveServer, scene: Scene
) -> Iterator[Callable[[str], Any]]:
    """One script-enabled context per demo user (axe needs script; the pages never do)."""
    contexts: dict[str, Any] = {}

    def context_of(username: str) -> Any:
        if username not in contexts:
            context = browser.new_context(base_url=live_server.url, bypass_csp=True)
            sign_in_staff(context, username)
            contexts[username] = context
            if username == "demo-fin-analyst":
                _prepare_reviews(context, scene)
        return contexts[username]

    yield context_of
    for context in contexts.values():
        context.close()


def _prepare_reviews(context: Any, scene: Scene) -> None:
    """D-300 assessed (awaiting a decision), D-050 assessed and decided; D-200 stays blind."""
    tab = context.new_page()
    tab.goto("/staff/control/")
    for dossier in ("D-300", "D-050"):
        url = f"/staff/control/selections/{scene.selections[dossier]}/assessment"
        assert post_form(context, url, {"assessment": "medium", "note": "Looks thin."}).ok
    url = f"/staff/control/selections/{scene.selections['D-050']}/decision"
    decided = post_form(context, url, {"decision": "control", "reason": "random-sample"})
    assert decided.ok
    tab.close()


@dataclass(frozen=True)
class Page:
    user: str
    path: str
    # The action of a form on the page to post empty, to see its error summary.
    posting: str = ""


def _pages(scene: Scene) -> dict[str, Page]:
    ids = scene.selections
    analyst, podmi, worker = "demo-fin-analyst", "demo-podmi-analyst", "demo-worker-gent"
    review = "/staff/control/selections/{}"
    gent = scene.gent
    return {
        "control queue": Page(analyst, "/staff/control/"),
        "control queue filtered": Page(analyst, "/staff/control/?status=awaiting-decision"),
        "review blind": Page(analyst, review.format(ids["D-200"])),
        "review blind errors": Page(
            analyst, review.format(ids["D-200"]), review.format(ids["D-200"]) + "/assessment"
        ),
        "review assessed": Page(analyst, review.format(ids["D-300"])),
        "review decision errors": Page(
            analyst, review.format(ids["D-300"]), review.format(ids["D-300"]) + "/decision"
        ),
        "review decided": Page(analyst, review.format(ids["D-050"])),
        "control summary": Page(analyst, "/staff/control/summary"),
        "conflicts": Page(podmi, "/staff/conflicts/"),
        "conflicts needs-check": Page(podmi, "/staff/conflicts/?finding=needs-check"),
        "conflict for an analyst": Page(podmi, f"/staff/conflicts/{scene.needs_check}"),
        "conflicts of a centre": Page(worker, "/staff/conflicts/"),
        "conflict": Page(worker, f"/staff/conflicts/{scene.needs_check}"),
        "conflict errors": Page(
            worker, f"/staff/conflicts/{gent}", f"/staff/conflicts/{gent}/decision"
        ),
    }


NAMES = [
    "control queue",
    "control queue filtered",
    "review blind",
    "review blind errors",
    "review assessed",
    "review decision errors",
    "review decided",
    "control summary",
    "conflicts",
    "conflicts needs-check",
    "conflict for an analyst",
    "conflicts of a centre",
    "conflict",
    "conflict errors",
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", NAMES)
def test_analyst_page_has_no_wcag_violations(
    signed_in: Callable[[str], Any], scene: Scene, name: str, language: str
) -> None:
    page = _pages(scene)[name]
    tab = signed_in(page.user).new_page()
    try:
        tab.goto(f"/language/{language}?next=/staff/")
        response = tab.goto(page.path)
        assert response is not None and response.status == 200, page.path
        if page.posting:
            with tab.expect_navigation():
                form = tab.locator(f"main form[action='{page.posting}']")
                form.locator("button[type=submit]").first.click()
            assert tab.locator("main .error-summary[role=alert]").count() == 1, "error summary"
        else:
            assert tab.locator(".error-summary").count() == 0, tab.locator("main").inner_text()
        assert tab.locator("html").get_attribute("lang") == language
        assert tab.locator("main h1").count() == 1, "one h1 in main"
        assert axe_violations(tab) == []
    finally:
        tab.close()


def test_the_blind_page_hides_the_score_in_the_browser(
    signed_in: Callable[[str], Any], scene: Scene
) -> None:
    from tests.control.review_files import EXPLANATION

    tab = signed_in("demo-fin-analyst").new_page()
    try:
        tab.goto(f"/staff/control/selections/{scene.selections['D-200']}")
        assert EXPLANATION not in tab.content()
        tab.goto(f"/staff/control/selections/{scene.selections['D-300']}")
        assert EXPLANATION in tab.content()
    finally:
        tab.close()
