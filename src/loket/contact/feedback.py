"""Accessibility feedback: a barrier someone met, sent from the accessibility statement and
read by the team that fixes pages."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket.contact.model import AccessibilityFeedback
from loket.contact.problems import InvalidRequest, Problem
from loket.texts import N_

MAX_MESSAGE = 4000
MAX_PAGE = 300
MAX_CONTACT = 200
LANGUAGES = ("nl", "fr", "de", "en")


def send_feedback(
    session: Session, page: str, message: str, contact: str, language: str
) -> AccessibilityFeedback:
    """Store feedback; the message is required, every field has a length limit."""
    problems: dict[str, Problem] = {}
    if not message.strip():
        problems["message"] = Problem(N_("Tell us what did not work for you."))
    elif len(message) > MAX_MESSAGE:
        problems["message"] = Problem(
            N_("Write at most %(count)s characters."), {"count": str(MAX_MESSAGE)}
        )
    if len(page) > MAX_PAGE:
        problems["page"] = Problem(
            N_("Write at most %(count)s characters."), {"count": str(MAX_PAGE)}
        )
    if len(contact) > MAX_CONTACT:
        problems["contact"] = Problem(
            N_("Write at most %(count)s characters."), {"count": str(MAX_CONTACT)}
        )
    if problems:
        raise InvalidRequest(problems)
    feedback = AccessibilityFeedback(
        page=page.strip(),
        message=message.strip(),
        contact=contact.strip() or None,
        language=language if language in LANGUAGES else "nl",
        status="open",
    )
    session.add(feedback)
    session.flush()
    return feedback


def open_feedback(session: Session) -> list[AccessibilityFeedback]:
    """Feedback not yet dealt with, oldest first."""
    return list(
        session.scalars(
            select(AccessibilityFeedback)
            .where(AccessibilityFeedback.status == "open")
            .order_by(AccessibilityFeedback.id)
        )
    )
