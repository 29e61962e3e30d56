"""What a dossier's status means for the citizen and what happens next, in plain words.

The texts are English source messages marked for translation; the pages translate them.
"""

from datetime import date, timedelta

from loket.cases.choices import DossierStatus, EventKind
from loket.texts import N_

STATUS_MEANING = {
    DossierStatus.REQUESTED: N_("We have received your request."),
    DossierStatus.IN_REVIEW: N_("A social worker or an official is looking at your request."),
    DossierStatus.ACTIVE: N_("Your dossier is running. You receive what was decided."),
    DossierStatus.SUSPENDED: N_("Your dossier is paused for now."),
    DossierStatus.CLOSED: N_("Your dossier is closed."),
    DossierStatus.REFUSED: N_("Your request was refused."),
}

NEXT_STEP = {
    DossierStatus.REQUESTED: N_(
        "Someone from the office will contact you to make an appointment. Keep your identity "
        "card and recent bank statements ready."
    ),
    DossierStatus.IN_REVIEW: N_(
        "You will receive a decision by letter. If we need something from you, we will ask."
    ),
    DossierStatus.ACTIVE: N_(
        "Tell the office when your situation changes: a job, a move, someone moving in or out."
    ),
    DossierStatus.SUSPENDED: N_("Contact the office to find out why and what you can do."),
    DossierStatus.CLOSED: N_("Nothing more happens. You can always make a new request."),
    DossierStatus.REFUSED: N_(
        "The letter with the decision says why and how you can appeal. You have three months "
        "to go to the labour court, free of charge. We can help you with it."
    ),
}

EVENT_TEXT = {
    EventKind.CREATED: N_("Dossier opened"),
    EventKind.STATUS_CHANGED: N_("Status changed"),
    EventKind.TRANSFERRED: N_("Moved to another office after your move"),
    EventKind.ROUTING_NEEDED: N_("Waiting for a clerk to choose the right office"),
    EventKind.NOTE: N_("Note"),
}

# Legal time limits for a decision, by case type: the OCMW decides on the living wage within
# 30 days of the request (law of 26 May 2002, art. 21).
DECISION_DAYS = {"leefloon": 30, "situation-change": 30, "tax-question": 30}


def status_meaning(status: str) -> str:
    return STATUS_MEANING.get(DossierStatus(status), "")


def next_step(status: str) -> str:
    return NEXT_STEP.get(DossierStatus(status), "")


def event_text(kind: str) -> str:
    return EVENT_TEXT.get(EventKind(kind), kind)


def decision_due(case_type: str, opened_on: date) -> date | None:
    """The day by which a decision is due, where the law sets a limit."""
    days = DECISION_DAYS.get(case_type)
    return opened_on + timedelta(days=days) if days else None
