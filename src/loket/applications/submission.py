"""Sending a request: who it is for, which office is competent, and the dossier it opens.

Rules:
- A signed-in citizen, the citizen served at the counter and the grantor of a mandate are known:
  their registered identity and address are used, never what was typed.
- A newcomer gives a national register number. An unknown number registers the citizen (source
  "request"); a known number must come with the same names and date of birth as the register,
  otherwise the request is refused without showing what the register holds.
- The dossier opens at the office competent for the address; its first history line records
  the channel, who acted (a clerk, the citizen or a proxy) and the mandate.
- The welfare centre must decide on a living wage within 30 days (law of 26 May 2002, art. 21).
  A living-wage request's answers give the dossier its first assessment (an estimate).
"""

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket.applications.model import RequestDraft
from loket.applications.service import (
    RequestError,
    first_incomplete,
    service_of,
    steps_for,
)
from loket.applications.validation import parse_date
from loket.cases.dossiers import dossier_history, open_dossier
from loket.cases.model import Dossier, Office
from loket.cases.routing import AmbiguousPostcode, RoutingError
from loket.contact.choices import Channel
from loket.entitlements.assessments import LIVING_WAGE_CASE_TYPE, assess_request
from loket.insight import channels as channel_events
from loket.people.identifiers import validate_insz
from loket.people.model import Citizen
from loket.people.service import NewAddress, add_citizen
from loket.texts import N_


class IncompleteRequest(RequestError):
    """A step still needs an answer; `step` names the page to send the citizen back to."""

    def __init__(self, step: str) -> None:
        super().__init__(N_("Some questions still need an answer."))
        self.step = step


class IdentityMismatch(RequestError):
    def __init__(self) -> None:
        super().__init__(
            N_(
                "The name or date of birth you gave does not match this national register "
                "number. Check what you typed. If it is right, contact your office or ask us "
                "to call you back: we cannot show the registered details here."
            )
        )


class AlreadySubmitted(RequestError):
    def __init__(self) -> None:
        super().__init__(N_("This request was already sent."))


class NotRoutable(RequestError):
    def __init__(self) -> None:
        super().__init__(
            N_("We could not find the office for your address. Call us and we will help you.")
        )


@dataclass(frozen=True)
class Submission:
    dossier_id: int
    reference: str
    office: Office
    submitted_on: date
    decide_by: date
    legal_term: bool


def _same(a: str, b: str) -> bool:
    """Names compared as a clerk would: case, accents and extra spaces do not count."""

    def plain(text: str) -> str:
        decomposed = unicodedata.normalize("NFKD", text)
        letters = "".join(c for c in decomposed if not unicodedata.combining(c))
        return " ".join(letters.casefold().split())

    return plain(a) == plain(b)


def _newcomer(session: Session, draft: RequestDraft, today: date) -> Citizen:
    answers = draft.answers
    number, _kind = validate_insz(str(answers["insz"]))
    birth_date = parse_date(str(answers["birth_date"]))
    family_name = str(answers["family_name"]).strip()
    given_names = str(answers["given_names"]).strip()
    known = session.scalar(select(Citizen).where(Citizen.insz == number))
    if known is not None:
        if not (
            _same(known.family_name, family_name)
            and _same(known.given_names, given_names)
            and known.birth_date == birth_date
        ):
            raise IdentityMismatch()
        return known
    box = str(answers.get("box", "")).strip() or None
    return add_citizen(
        session,
        insz=number,
        family_name=family_name,
        given_names=given_names,
        birth_date=birth_date,
        address=NewAddress(
            str(answers["street"]).strip(),
            str(answers["house_number"]).strip(),
            str(answers["postcode"]).strip(),
            box,
        ),
        language=draft.language,
        since=today,
        source="request",
    )


def _actor(draft: RequestDraft) -> str:
    if draft.staff_username:
        return draft.staff_username
    return "proxy" if draft.mandate_id is not None else "citizen"


def take_over(draft: RequestDraft, channel: str, staff_username: str | None) -> None:
    """A clerk continues a request a citizen started: from now on it is the clerk's channel, so
    the dossier records how it was really sent."""
    if draft.submitted_at is not None:
        raise AlreadySubmitted()
    draft.channel = Channel(channel).value
    draft.staff_username = staff_username


def submit(session: Session, draft: RequestDraft, now: datetime) -> Submission:
    """Send the draft: open its dossier at the competent office, in this transaction."""
    if draft.submitted_at is not None:
        raise AlreadySubmitted()
    missing = first_incomplete(session, draft, now.date())
    if missing is not None:
        raise IncompleteRequest(missing.name)
    service = service_of(draft.kind)
    today = now.date()
    if draft.citizen_id is not None:
        citizen = session.get(Citizen, draft.citizen_id)
        assert citizen is not None
    else:
        citizen = _newcomer(session, draft, today)
    municipality = str(draft.answers.get("municipality", "")) or None
    try:
        dossier = open_dossier(
            session,
            insz=citizen.insz,
            agency=service.agency,
            case_type=service.case_type,
            on=today,
            municipality=municipality,
        )
    except AmbiguousPostcode:
        # A known citizen's registered address may need the choice the typed one did not.
        raise IncompleteRequest("municipality") from None
    except (RoutingError, ValueError):
        raise NotRoutable() from None
    if service.case_type == LIVING_WAGE_CASE_TYPE:
        # The citizen's own answers give the dossier its first amount; staff recompute later.
        assess_request(session, dossier, draft.answers, today)
    created = dossier_history(session, dossier.id)[0]
    created.channel = draft.channel
    created.actor = _actor(draft)
    created.mandate_id = draft.mandate_id
    # A newcomer's draft keeps no citizen: it stays theirs through the resume code, and the
    # dossier, not the draft, now links them to the register.
    draft.submitted_at = now
    draft.dossier_id = dossier.id
    draft.step = "done"
    channel_events.request_submitted(session, draft, dossier.office_id, today)
    session.flush()
    return submission_of(session, draft)


def submission_of(session: Session, draft: RequestDraft) -> Submission:
    """What the confirmation page and the printable record show of a sent request."""
    if draft.dossier_id is None or draft.submitted_at is None:
        raise IncompleteRequest(draft.step or steps_for(session, draft)[0].name)
    dossier = session.get(Dossier, draft.dossier_id)
    assert dossier is not None
    office = session.get(Office, dossier.office_id)
    assert office is not None
    service = service_of(draft.kind)
    day = draft.submitted_at.date()
    return Submission(
        dossier.id,
        dossier.reference,
        office,
        day,
        day + timedelta(days=service.decision_days),
        service.legal_term,
    )
