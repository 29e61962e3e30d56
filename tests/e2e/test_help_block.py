"""The "talk to a person" block is on every citizen page in the same place: one complementary
landmark named by its heading, after the main content and before the footer, with the same
links in the same order."""

from collections.abc import Callable

import pytest

from tests.e2e.site import CASES, CITIZEN_ROLES, STAFF_PATHS, Role, open_case

CITIZEN_PAGES = [
    name
    for name, case in CASES.items()
    if case.role in CITIZEN_ROLES and not case.path.startswith(STAFF_PATHS)
]
HELP_LINKS = ["/help/callback", "/help/appointment", "/help/walk-in", "/help/expert"]

PLACE = """() => {
  const aside = document.querySelector('aside[aria-labelledby="help-heading"]');
  const main = document.querySelector('main');
  const footer = document.querySelector('footer');
  const after = (a, b) => Boolean(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);
  return aside.parentElement === document.body && after(main, aside) && after(aside, footer)
    && !main.contains(aside);
}"""


@pytest.mark.parametrize("name", CITIZEN_PAGES)
def test_help_block_is_in_the_same_landmark_on_every_citizen_page(
    roles: Callable[[str], Role], name: str
) -> None:
    tab = open_case(roles, name, "en")
    landmark = tab.get_by_role("complementary", name="Talk to a person")
    assert landmark.count() == 1
    assert tab.locator("aside").count() == 1
    assert landmark.get_attribute("aria-labelledby") == "help-heading"
    assert tab.evaluate(PLACE), "the help block sits between main and the footer"
    links = landmark.locator("a")
    assert [links.nth(i).get_attribute("href") for i in range(links.count())] == HELP_LINKS
