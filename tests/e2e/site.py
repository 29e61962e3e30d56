"""The pages of the site as each kind of user reaches them, for the page-by-page browser tests:
who the user is (a role, with what it prepared: drafts, references) and how to reach each page,
including the error state of forms posted empty."""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from tests.e2e.conftest import (
    ADDRESS,
    LiveServer,
    database,
    demo_insz,
    fill_leefloon,
    post_form,
    sign_in_citizen,
    sign_in_staff,
    start_request,
)


@dataclass
class Role:
    """One signed-in (or anonymous) browser with what it prepared: draft paths, references."""

    context: Any
    tab: Any
    paths: dict[str, str] = field(default_factory=dict)


def _anonymous(role: Role, live_server: LiveServer) -> None:
    first = start_request(role.context)
    check = fill_leefloon(role.context, first)
    role.paths["draft"] = check.rsplit("/", 1)[0]


def _newcomer(role: Role, live_server: LiveServer) -> None:
    """A newcomer whose postal code (1040) covers several municipalities."""
    draft = start_request(role.context).rsplit("/", 1)[0]
    fill_leefloon(role.context, f"{draft}/identity", until="address")
    post_form(role.context, f"{draft}/address", ADDRESS | {"postcode": "1040"})
    role.paths["draft"] = draft


def _citizen(role: Role, live_server: LiveServer) -> None:
    sign_in_citizen(role.context, demo_insz(live_server, "9000"))
    sent = start_request(role.context)
    check = fill_leefloon(role.context, sent)
    done = post_form(role.context, check.replace("/check", "/submit"))
    assert done.url.endswith("/done")
    reference = re.search(r'class="code">([A-Z0-9-]+)<', done.text())
    assert reference is not None
    role.paths |= {"sent": check.rsplit("/", 1)[0], "reference": reference[1]}
    role.paths["draft"] = start_request(role.context).rsplit("/", 1)[0]


def _staff(username: str) -> Callable[[Role, LiveServer], None]:
    def prepare(role: Role, live_server: LiveServer) -> None:
        sign_in_staff(role.context, username)

    return prepare


def _davo(role: Role, live_server: LiveServer) -> None:
    """A DAVO case worker with a maintenance claim of their own, decided, with one advance."""
    from loket.cases.dossiers import open_dossier

    sign_in_staff(role.context, "demo-davo-gent")
    with database(live_server) as session:
        insz = demo_insz(live_server, "9000", index=1)
        claim = open_dossier(session, insz=insz, agency="davo", case_type="maintenance-claim")
        reference = claim.reference
    role.tab.goto(f"/staff/dossiers/{reference}")
    decision = {
        "domiciled": "yes",
        "title": "yes",
        "missed_payments": "4",
        "creditor_income": "1400",
        "requested_on": date.today().strftime("%d-%m-%Y"),
        "child_1": "210,00",
    }
    post_form(role.context, f"/staff/dossiers/{reference}/advance", decision)
    entry = {"kind": "advance", "amount": "175", "booked_on": date.today().strftime("%d-%m-%Y")}
    post_form(role.context, f"/staff/dossiers/{reference}/ledger", entry)
    role.paths["claim"] = reference


def _counter(role: Role, live_server: LiveServer) -> None:
    sign_in_staff(role.context, "demo-clerk-gent")
    role.tab.goto("/staff/counter")
    response = post_form(
        role.context, "/staff/counter", {"insz": demo_insz(live_server), "channel": "phone"}
    )
    assert response.url.endswith("/staff/counter"), response.url
    role.paths["draft"] = start_request(role.context, "tax-question").rsplit("/", 1)[0]


PREPARE: dict[str, Callable[[Role, LiveServer], None]] = {
    "anonymous": _anonymous,
    "newcomer": _newcomer,
    "citizen": _citizen,
    "clerk": _staff("demo-clerk-gent"),
    "worker": _staff("demo-worker-gent"),
    "privacy": _staff("demo-privacy"),
    "davo": _davo,
    "counter": _counter,
}


def submit(action: str) -> Callable[[Any], None]:
    """Post the form with this action as it is (empty), with its first submit button."""

    def post(tab: Any) -> None:
        with tab.expect_navigation():
            form = tab.locator(f"main form[action='{action}']").last
            form.locator("button[type=submit]").first.click()

    return post


def _choose_slot(tab: Any) -> None:
    tab.locator("main input[name=slot]").first.check()
    submit("/help/appointment")(tab)


def _post_empty(tab: Any, action: str) -> None:
    """Empty the text fields of the form (they may show saved answers) and post it."""
    fields = tab.locator(f"main form[action='{action}']").last.locator(
        "input[type=text], input[type=tel], input[type=date], textarea"
    )
    for index in range(fields.count()):
        fields.nth(index).fill("")
    submit(action)(tab)


def _ask_for_a_call(tab: Any) -> None:
    day = date.today() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    for group in ("topic", "language", "time_window"):
        tab.locator(f"main input[name={group}]").first.check()
    tab.locator("#name").fill("An Peeters")
    tab.locator("#phone").fill("0470 12 34 56")
    tab.locator("#postcode").fill("9000")
    tab.locator("#preferred_day").fill(day.isoformat())
    submit("/help/callback")(tab)


def _send_feedback(tab: Any) -> None:
    tab.locator("#message").fill("The map is too small for me.")
    submit("/accessibility/feedback")(tab)


def _book(tab: Any) -> None:
    _choose_slot(tab)
    tab.locator("#name").fill("An Peeters")
    tab.locator("#phone").fill("0470 12 34 56")
    tab.locator("main input[name=language]").first.check()
    submit("/help/appointment")(tab)


@dataclass(frozen=True)
class Case:
    role: str
    path: str
    then: Callable[[Any], None] | None = None
    # The action of a form on the page to post as it is (empty), to see its errors.
    posting: str = ""
    status: int = 200


CASES: dict[str, Case] = {
    "home": Case("anonymous", "/"),
    "leefloon": Case("anonymous", "/services/leefloon"),
    "tax-question": Case("anonymous", "/services/tax-question"),
    "situation-change": Case("anonymous", "/services/situation-change"),
    "step identity": Case("anonymous", "{draft}/identity"),
    "step address": Case("anonymous", "{draft}/address"),
    "step household": Case("anonymous", "{draft}/household"),
    "step income": Case("anonymous", "{draft}/income"),
    "step details": Case("anonymous", "{draft}/details"),
    "check": Case("anonymous", "{draft}/check"),
    "saved": Case("anonymous", "{draft}/saved"),
    "step municipality": Case("newcomer", "{draft}/municipality"),
    "identity errors": Case("newcomer", "{draft}/identity", posting="{draft}/identity", status=400),
    "resume": Case("anonymous", "/resume"),
    "resume errors": Case("anonymous", "/resume", posting="/resume", status=400),
    "help": Case("anonymous", "/help/"),
    "callback": Case("anonymous", "/help/callback"),
    "callback sent": Case("anonymous", "/help/callback", _ask_for_a_call),
    "callback errors": Case("anonymous", "/help/callback", posting="/help/callback", status=400),
    "appointment": Case("anonymous", "/help/appointment"),
    "appointment offices": Case("anonymous", "/help/appointment?postcode=9000"),
    "appointment errors": Case(
        "anonymous", "/help/appointment?postcode=9000", posting="/help/appointment", status=400
    ),
    "appointment details": Case("anonymous", "/help/appointment?postcode=9000", _choose_slot),
    "appointment booked": Case("anonymous", "/help/appointment?postcode=9000", _book),
    "walk-in": Case("anonymous", "/help/walk-in?postcode=1000"),
    "expert": Case("anonymous", "/help/expert"),
    "accessibility": Case("anonymous", "/accessibility"),
    "accessibility thanks": Case("anonymous", "/accessibility", _send_feedback),
    "accessibility errors": Case(
        "anonymous", "/accessibility", posting="/accessibility/feedback", status=400
    ),
    "login": Case("anonymous", "/login"),
    "login errors": Case("anonymous", "/login", posting="/login/demo", status=400),
    "login failed": Case("anonymous", "/login/failed"),
    "privacy notice": Case("anonymous", "/privacy-notice"),
    "not found": Case("anonymous", "/no/such/page", status=404),
    "my dossiers": Case("citizen", "/my/"),
    "my dossier": Case("citizen", "/my/dossiers/{reference}"),
    "my access log": Case("citizen", "/my/access-log"),
    "my mandates": Case("citizen", "/my/mandates"),
    "my mandates errors": Case("citizen", "/my/mandates", posting="/my/mandates", status=400),
    "citizen service": Case("citizen", "/services/leefloon"),
    "citizen step": Case("citizen", "{draft}/household"),
    "citizen step errors": Case(
        "citizen", "{draft}/household", posting="{draft}/household", status=400
    ),
    "citizen saved": Case("citizen", "{draft}/saved"),
    "done": Case("citizen", "{sent}/done"),
    "record": Case("citizen", "{sent}/record"),
    "staff login": Case("anonymous", "/staff/login"),
    "staff login errors": Case("anonymous", "/staff/login", posting="/staff/login", status=400),
    "clerk queue": Case("clerk", "/staff/"),
    "clerk counter": Case("clerk", "/staff/counter"),
    "clerk counter errors": Case("clerk", "/staff/counter", posting="/staff/counter", status=400),
    "clerk forbidden": Case("clerk", "/privacy/", status=403),
    "counter visit": Case("counter", "/staff/counter"),
    "counter step": Case("counter", "{draft}/question"),
    "worker queue": Case("worker", "/staff/"),
    "staff dossier": Case("worker", "/staff/dossiers/{reference}"),
    "staff not found": Case("worker", "/staff/dossiers/NO-SUCH-REF", status=404),
    "staff dossier recompute errors": Case(
        "worker",
        "/staff/dossiers/{reference}",
        posting="/staff/dossiers/{reference}/living-wage",
        status=400,
    ),
    "davo dossier": Case("davo", "/staff/dossiers/{claim}"),
    "davo advance errors": Case(
        "davo", "/staff/dossiers/{claim}", posting="/staff/dossiers/{claim}/advance", status=400
    ),
    "davo ledger errors": Case(
        "davo", "/staff/dossiers/{claim}", posting="/staff/dossiers/{claim}/ledger", status=400
    ),
    "privacy home": Case("privacy", "/privacy/"),
    "privacy authorisations": Case("privacy", "/privacy/authorisations"),
    "privacy authorisations errors": Case(
        "privacy", "/privacy/authorisations", posting="/privacy/authorisations", status=400
    ),
    "privacy log": Case("privacy", "/privacy/log"),
    "privacy flags": Case("privacy", "/privacy/flags"),
    "privacy anomalies": Case("privacy", "/privacy/anomalies"),
}


CITIZEN_ROLES = ("anonymous", "newcomer", "citizen")
STAFF_PATHS = ("/staff/",)


def open_case(roles: Callable[[str], Role], name: str, language: str) -> Any:
    """Open page `name` in `language` as its role; returns the tab showing it."""
    case = CASES[name]
    role = roles(case.role)
    paths = dict(role.paths)
    if "{reference}" in case.path and "reference" not in paths:
        paths["reference"] = roles("citizen").paths["reference"]
    path = case.path.format(**paths)
    tab = role.tab
    tab.goto(f"/language/{language}?next=/")
    response = tab.goto(path)
    assert response is not None
    if case.posting:
        _post_empty(tab, case.posting.format(**paths))
    elif case.then is not None:
        case.then(tab)
    else:
        assert response.status == case.status, f"{path} answered {response.status}"
    return tab
