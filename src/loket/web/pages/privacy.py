"""The privacy officer's pages: the state of the access log's hash chain, authorisations,
searching the log, entries citizens flagged, and patterns worth a look."""

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import select

from loket.cases.access import may_oversee_privacy
from loket.cases.model import Agency, StaffUser
from loket.exchange.anomalies import AnomalyError, anomaly_report
from loket.exchange.authorisations import (
    AuthorisationError,
    AuthorisationState,
    grant,
    list_authorisations,
    revoke,
    state_on,
)
from loket.exchange.catalogue import DataCategory, Purpose
from loket.exchange.checkpoints import load_key
from loket.exchange.search import SearchError, search_log
from loket.exchange.transparency import open_flags
from loket.exchange.verify import verify_log
from loket.people.identifiers import InvalidInsz, validate_insz
from loket.settings import get_settings
from loket.texts import N_
from loket.web.db import SessionDep
from loket.web.pages.forms import FormDep, field
from loket.web.pages.rendering import gettext_for, language_of, redirect, render
from loket.web.pages.staff import forbidden, require_staff
from loket.web.pages.viewer import Viewer, ViewerDep

router = APIRouter(include_in_schema=False)

LOG_PAGE = 100

STATE_LABELS = {
    AuthorisationState.VALID: N_("Valid"),
    AuthorisationState.NOT_YET_VALID: N_("Not yet valid"),
    AuthorisationState.EXPIRED: N_("Ended"),
    AuthorisationState.REVOKED: N_("Withdrawn"),
}

# The field of the grant form each AuthorisationError names, and what to tell the officer.
GRANT_FIELDS = {
    "agency": ("agency", N_("Choose the agency that may consult.")),
    "category": ("category", N_("Choose the data.")),
    "purpose": ("purpose", N_("Choose the purpose.")),
    "legal-basis": ("legal_basis", N_("Enter the legal basis, in at most 2000 characters.")),
    "legal-reference": ("legal_reference", N_("Enter the reference in at most 200 characters.")),
    "to": ("valid_to", N_("The last day must not be before the first day.")),
    "embargo-days": ("embargo_days", N_("Enter a number of days from 0 to 3650.")),
}


def privacy_officer(viewer: Viewer) -> StaffUser | None:
    """The signed-in privacy officer, None for any other member of staff (who gets
    `forbidden`), 401 for anyone not signed in as staff."""
    staff = require_staff(viewer)
    return staff if may_oversee_privacy(staff) else None


def not_an_officer(request: Request) -> Response:
    """403: the page exists, but only privacy officers may see it."""
    _ = gettext_for(request)
    return forbidden(
        request,
        _("Only for privacy officers"),
        _("These pages show who consulted which data. Only the privacy officer may see them."),
    )


def _labels(language: str) -> dict[str, Any]:
    return {
        "categories": [(c.value, c.info.labels.get(language, c.value)) for c in DataCategory],
        "purposes": [(p.value, p.info.labels.get(language, p.value)) for p in Purpose],
    }


def _day(text: str) -> date | None:
    """A date typed as YYYY-MM-DD; None for anything else."""
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


@router.get("/privacy/")
def chain_status(request: Request, session: SessionDep, viewer: ViewerDep) -> Response:
    """Whether every entry of the access log still verifies, and what needs attention."""
    if privacy_officer(viewer) is None:
        return not_an_officer(request)
    key_file = Path(get_settings().audit_key_file)
    # Reading the status never creates a key: without one, checkpoints cannot be trusted.
    public_key = load_key(key_file).public_key() if key_file.exists() else None
    result = verify_log(session, public_key)
    today = date.today()
    context = {
        "result": result,
        "flags": len(open_flags(session)),
        "valid_authorisations": len(list_authorisations(session, valid_on=today)),
    }
    return render(request, "privacy/index.html", context)


def _authorisations_page(
    request: Request, session: SessionDep, context: dict[str, Any], status: int = 200
) -> Response:
    language = language_of(request)
    today = date.today()
    rows = [(a, STATE_LABELS[state_on(a, today)]) for a in list_authorisations(session)]
    agencies = [
        (a.code, getattr(a, f"name_{language}", a.name_en))
        for a in session.scalars(select(Agency).order_by(Agency.code))
    ]
    names = dict(_labels(language)["categories"]) | dict(_labels(language)["purposes"])
    base = {
        "authorisations": rows,
        "done": "",
        "agencies": agencies,
        "names": names,
        "form": {
            "valid_from": today.isoformat(),
            "requires_open_dossier": "1",
            "embargo_days": "0",
        },
        **_labels(language),
    }
    return render(request, "privacy/authorisations.html", {**base, **context}, status)


@router.get("/privacy/authorisations")
def authorisations(
    request: Request, session: SessionDep, viewer: ViewerDep, done: str = ""
) -> Response:
    if privacy_officer(viewer) is None:
        return not_an_officer(request)
    return _authorisations_page(request, session, {"done": done[:20]})


@router.post("/privacy/authorisations")
def grant_authorisation(
    request: Request, session: SessionDep, viewer: ViewerDep, form: FormDep
) -> Response:
    staff = privacy_officer(viewer)
    if staff is None:
        return not_an_officer(request)
    _ = gettext_for(request)
    values = {
        name: field(form, name, limit)
        for name, limit in (
            ("agency", 16),
            ("category", 40),
            ("purpose", 40),
            ("legal_basis", 4000),
            ("legal_reference", 400),
            ("valid_from", 10),
            ("valid_to", 10),
            ("embargo_days", 6),
            ("requires_open_dossier", 1),
        )
    }
    errors: dict[str, str] = {}
    valid_from = _day(values["valid_from"])
    if valid_from is None:
        errors["valid_from"] = _("Enter the first day as a date, like 2026-01-31.")
    valid_to = _day(values["valid_to"]) if values["valid_to"] else None
    if values["valid_to"] and valid_to is None:
        errors["valid_to"] = _("Enter the last day as a date, like 2026-12-31, or leave it empty.")
    embargo = int(values["embargo_days"]) if values["embargo_days"].isdigit() else -1
    if embargo < 0:
        errors["embargo_days"] = _("Enter a number of days from 0 to 3650.")
    if not errors:
        assert valid_from is not None
        try:
            made = grant(
                session,
                values["agency"],
                values["category"],
                values["purpose"],
                values["legal_basis"],
                valid_from,
                valid_to,
                requires_open_dossier=values["requires_open_dossier"] == "1",
                embargo_days=embargo,
                legal_reference=values["legal_reference"] or None,
                granted_by=staff.username,
            )
        except AuthorisationError as error:
            name = str(error).split(":", 1)[0]
            target, text = GRANT_FIELDS.get(name, ("agency", N_("Check the form.")))
            errors[target] = _(text)
        else:
            return redirect(request, f"/privacy/authorisations?done=granted-{made.id}")
    context = {"errors": errors, "form": values}
    return _authorisations_page(request, session, context, 400)


@router.post("/privacy/authorisations/{authorisation_id}/revoke")
def revoke_authorisation(
    request: Request,
    authorisation_id: int,
    session: SessionDep,
    viewer: ViewerDep,
    form: FormDep,
) -> Response:
    """Withdraw an authorisation from today; consultations before today stay lawful."""
    staff = privacy_officer(viewer)
    if staff is None:
        return not_an_officer(request)
    _ = gettext_for(request)
    reason = field(form, "reason", 2000)
    if not reason:
        errors = {f"reason-{authorisation_id}": _("Say why the authorisation is withdrawn.")}
        return _authorisations_page(request, session, {"errors": errors}, 400)
    try:
        revoke(session, authorisation_id, date.today(), staff.username, reason)
    except AuthorisationError:
        raise HTTPException(status_code=404) from None
    return redirect(request, f"/privacy/authorisations?done=revoked-{authorisation_id}")


@router.get("/privacy/log")
def log_search(request: Request, session: SessionDep, viewer: ViewerDep) -> Response:
    """Search the access log by citizen, staff member, agency, outcome, data, purpose and days."""
    if privacy_officer(viewer) is None:
        return not_an_officer(request)
    _ = gettext_for(request)
    asked = {
        name: request.query_params.get(name, "").strip()[:64]
        for name in (
            "citizen",
            "actor",
            "agency",
            "outcome",
            "category",
            "purpose",
            "since",
            "until",
        )
    }
    errors: dict[str, str] = {}
    citizen = None
    if asked["citizen"]:
        try:
            citizen = validate_insz(asked["citizen"])[0]
        except InvalidInsz:
            errors["citizen"] = _("Enter a national register number of 11 digits.")
    since = _day(asked["since"]) if asked["since"] else None
    if asked["since"] and since is None:
        errors["since"] = _("Enter a date like 2026-01-31.")
    until = _day(asked["until"]) if asked["until"] else None
    if asked["until"] and until is None:
        errors["until"] = _("Enter a date like 2026-01-31.")
    entries = []
    if not errors:
        try:
            entries = search_log(
                session,
                citizen=citizen,
                actor=asked["actor"] or None,
                agency=asked["agency"] or None,
                outcome=asked["outcome"] if asked["outcome"] in ("granted", "denied") else None,
                category=asked["category"] or None,
                purpose=asked["purpose"] or None,
                since=since,
                until=until,
                limit=LOG_PAGE,
            )
        except SearchError:
            errors["until"] = _("The last day must not be before the first day.")
    context = {"asked": asked, "entries": entries, "errors": errors, "limit": LOG_PAGE}
    context.update(_labels(language_of(request)))
    return render(request, "privacy/log.html", context, 400 if errors else 200)


@router.get("/privacy/flags")
def flags(request: Request, session: SessionDep, viewer: ViewerDep) -> Response:
    """Log entries a citizen did not recognise, with the whole entry to investigate."""
    if privacy_officer(viewer) is None:
        return not_an_officer(request)
    return render(request, "privacy/flags.html", {"flags": open_flags(session)})


@router.get("/privacy/anomalies")
def anomalies(
    request: Request, session: SessionDep, viewer: ViewerDep, since: str = "", until: str = ""
) -> Response:
    if privacy_officer(viewer) is None:
        return not_an_officer(request)
    _ = gettext_for(request)
    today = date.today()
    first = _day(since[:10]) if since else today - timedelta(days=30)
    last = _day(until[:10]) if until else today
    errors: dict[str, str] = {}
    if first is None:
        errors["since"] = _("Enter a date like 2026-01-31.")
    if last is None:
        errors["until"] = _("Enter a date like 2026-01-31.")
    found = []
    if first is not None and last is not None:
        try:
            found = anomaly_report(session, first, last)
        except AnomalyError:
            errors["until"] = _("The last day must not be before the first day.")
    context = {
        "anomalies": found,
        "since": since[:10] if since else (first.isoformat() if first else ""),
        "until": until[:10] if until else (last.isoformat() if last else ""),
        "errors": errors,
    }
    return render(request, "privacy/anomalies.html", context, 400 if errors else 200)
