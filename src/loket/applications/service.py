"""Citizens' requests: start a draft, save its steps, resume it with a code, and who may open it.

Submitting a draft (identity check, routing, the dossier) lives in `submission.py`.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from loket.applications.forms import (
    MUNICIPALITY,
    NEWCOMER_STEPS,
    SERVICES,
    Service,
    Step,
    all_steps,
)
from loket.applications.model import RequestDraft
from loket.applications.validation import check_step
from loket.cases.routing import AmbiguousPostcode, Router, RoutingError
from loket.contact.choices import Channel
from loket.geo.model import Municipality, PostalCode, PostalCodeMunicipality
from loket.geo.names import official_name
from loket.insight import channels as channel_events
from loket.logins.ratelimit import check_rate, forget_attempts
from loket.people.service import current_address
from loket.settings import get_settings
from loket.texts import N_

# Letters and digits that cannot be mistaken for one another when read out at a counter.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12
RESUME_LIMIT = 10
RESUME_WINDOW = timedelta(minutes=15)


class RequestError(ValueError):
    """A request operation that cannot be done; `message` is marked for translation."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnknownKind(RequestError):
    def __init__(self, kind: str) -> None:
        super().__init__(N_("This service does not exist."))
        self.kind = kind


class UnknownResumeCode(RequestError):
    def __init__(self) -> None:
        super().__init__(N_("This resume code is not right. Check it and try again."))


class ResumeCodeExpired(RequestError):
    def __init__(self) -> None:
        super().__init__(
            N_("This resume code has expired. Saved requests are kept for a limited time.")
        )


def service_of(kind: str) -> Service:
    try:
        return SERVICES[kind]
    except KeyError:
        raise UnknownKind(kind) from None


def new_resume_code() -> str:
    """A code like K7PM-2QXA-9TRE: about 59 bits, easy to read out and type."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(code: str) -> str:
    """What the citizen typed, without spaces or dashes and in capitals, formatted again."""
    raw = "".join(c for c in code.upper() if c.isalnum())[: CODE_LENGTH + 4]
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def code_hash(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def start_request(
    session: Session,
    kind: str,
    language: str,
    channel: str,
    citizen_id: int | None = None,
    staff_username: str | None = None,
    mandate_id: int | None = None,
    today: date | None = None,
) -> tuple[RequestDraft, str]:
    """A new draft and its resume code (shown once; only its hash is kept)."""
    service_of(kind)  # refuse an unknown kind before anything is stored
    Channel(channel)  # refuse a channel that is not on the list
    day = today or date.today()
    code = new_resume_code()
    draft = RequestDraft(
        kind=kind,
        resume_code_hash=code_hash(code),
        answers={},
        step="",
        language=language,
        channel=channel,
        citizen_id=citizen_id,
        staff_username=staff_username,
        mandate_id=mandate_id,
        expires_on=day + timedelta(days=get_settings().resume_days),
    )
    session.add(draft)
    session.flush()
    draft.step = steps_for(session, draft)[0].name
    channel_events.request_started(session, draft, day)
    session.flush()
    return draft, code


def may_open(
    draft: RequestDraft,
    subject_id: int | None,
    staff_username: str | None,
    resume_code: str | None,
) -> bool:
    """Who may see and change a draft.

    A draft for a known citizen belongs to that citizen (signed in, or served by a clerk at the
    counter) and to the clerk who started it. A newcomer's draft belongs to whoever holds its
    resume code. Knowing a draft's number alone never opens it.
    """
    if draft.citizen_id is not None:
        if subject_id is not None and subject_id == draft.citizen_id:
            return True
        return staff_username is not None and staff_username == draft.staff_username
    if not resume_code or draft.resume_code_hash is None:
        return False
    return secrets.compare_digest(code_hash(resume_code), draft.resume_code_hash)


def _municipality_candidates(
    session: Session, draft: RequestDraft, router: Router | None = None
) -> list[tuple[str, str]]:
    """(REFNIS, name) to choose from when the postal code the request is routed by is ambiguous
    for the service's agency; [] when routing needs no choice."""
    postcode = _routing_postcode(session, draft)
    if not postcode:
        return []
    shared = session.scalar(
        select(func.count()).where(PostalCodeMunicipality.postal_code == postcode)
    )
    if (shared or 0) < 2:
        return []
    try:
        (router or Router.load(session)).route(
            postcode, service_of(draft.kind).agency, date.today()
        )
    except AmbiguousPostcode as ambiguous:
        return [
            (c.municipality, official_name(m) if m is not None else c.municipality_name)
            for c in ambiguous.candidates
            for m in [session.get(Municipality, c.municipality)]
        ]
    except RoutingError:
        return []
    return []


def _routing_postcode(session: Session, draft: RequestDraft) -> str:
    if draft.citizen_id is not None:
        address = current_address(session, draft.citizen_id)
        return address.postcode if address is not None and address.country == "BE" else ""
    return str(draft.answers.get("postcode", "")).strip()


def steps_for(session: Session, draft: RequestDraft) -> list[Step]:
    """The steps this draft asks, in order: newcomer steps when nobody is known, the
    municipality when the postal code needs it, then the service's own questions."""
    service = service_of(draft.kind)
    steps: list[Step] = []
    if draft.citizen_id is None:
        steps.extend(NEWCOMER_STEPS)
    if _municipality_candidates(session, draft):
        steps.append(MUNICIPALITY)
    steps.extend(service.steps)
    return steps


def step_choices(session: Session, draft: RequestDraft, step: Step) -> dict[str, Any]:
    """Choices computed for this draft (the municipalities of its postal code)."""
    if step.name == MUNICIPALITY.name:
        return {"municipality": tuple(_municipality_candidates(session, draft))}
    return {}


def find_step(session: Session, draft: RequestDraft, name: str) -> Step | None:
    return next((s for s in steps_for(session, draft) if s.name == name), None)


def _known_postcode(session: Session) -> Any:
    return lambda code: session.get(PostalCode, code) is not None


def save_step(
    session: Session,
    draft: RequestDraft,
    step: Step,
    values: dict[str, str],
    now: datetime,
    check: bool = True,
) -> dict[str, str]:
    """Keep the answers of one step exactly as typed; errors (field → message) when `check`
    finds any, and then nothing is stored. `check=False` is "save and come back later"."""
    wanted = {f.name: values.get(f.name, "")[: f.limit] for f in step.fields}
    if check:
        errors = check_step(
            step,
            wanted,
            now.date(),
            step_choices(session, draft, step),
            _known_postcode(session),
        )
        if errors:
            return errors
    draft.answers = {**draft.answers, **wanted}
    draft.updated_at = now
    draft.expires_on = now.date() + timedelta(days=get_settings().resume_days)
    following = next_step(session, draft, step.name)
    reached = following.name if following is not None else "check"
    if reached != draft.step:
        draft.step = reached
        channel_events.request_step_reached(session, draft, now.date())
    session.flush()
    return {}


def next_step(session: Session, draft: RequestDraft, current: str) -> Step | None:
    steps = steps_for(session, draft)
    names = [s.name for s in steps]
    if current not in names:
        return steps[0] if steps else None
    index = names.index(current)
    return steps[index + 1] if index + 1 < len(steps) else None


def previous_step(session: Session, draft: RequestDraft, current: str) -> Step | None:
    steps = steps_for(session, draft)
    names = [s.name for s in steps]
    if current not in names or names.index(current) == 0:
        return None
    return steps[names.index(current) - 1]


def first_incomplete(session: Session, draft: RequestDraft, today: date) -> Step | None:
    """The first step whose answers do not pass the checks (a saved-for-later step)."""
    for step in steps_for(session, draft):
        values = {f.name: str(draft.answers.get(f.name, "")) for f in step.fields}
        if check_step(step, values, today, step_choices(session, draft, step)):
            return step
    return None


def resume(session: Session, code: str, client_key: str, now: datetime) -> RequestDraft:
    """The draft saved under `code`: at most RESUME_LIMIT tries per client per quarter hour
    (TooManyAttempts), and only until it expires."""
    key = f"resume:{client_key}"
    check_rate(session, key, RESUME_LIMIT, RESUME_WINDOW, now)
    draft = session.scalar(
        select(RequestDraft).where(RequestDraft.resume_code_hash == code_hash(code))
    )
    if draft is None:
        raise UnknownResumeCode()
    if draft.expires_on < now.date() and draft.submitted_at is None:
        raise ResumeCodeExpired()
    forget_attempts(session, key)
    return draft


def open_drafts(session: Session, citizen_id: int, today: date) -> list[RequestDraft]:
    """Requests a citizen started and has not sent yet, newest first."""
    return list(
        session.scalars(
            select(RequestDraft)
            .where(
                RequestDraft.citizen_id == citizen_id,
                RequestDraft.submitted_at.is_(None),
                RequestDraft.expires_on >= today,
            )
            .order_by(RequestDraft.id.desc())
        )
    )


@dataclass(frozen=True)
class SummaryRow:
    step: str
    name: str
    label: str
    # The answer as shown: typed text, or the label of the chosen option (to translate).
    value: str
    translate: bool


def summary_rows(session: Session, draft: RequestDraft) -> list[SummaryRow]:
    """The rows of "check your answers", one per question, in the order asked."""
    rows: list[SummaryRow] = []
    for step in steps_for(session, draft):
        computed = step_choices(session, draft, step)
        for spec in step.fields:
            value = str(draft.answers.get(spec.name, ""))
            translate = False
            if spec.type in ("choice", "yesno") and value:
                options = dict(
                    computed.get(spec.name)
                    or spec.choices
                    or (("yes", N_("Yes")), ("no", N_("No")))
                )
                translate = spec.name != "municipality"
                value = options.get(value, value)
            rows.append(SummaryRow(step.name, spec.name, spec.label, value, translate))
    return rows


def all_steps_of(kind: str) -> tuple[Step, ...]:
    return all_steps(service_of(kind))
