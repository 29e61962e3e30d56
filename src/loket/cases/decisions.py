"""The letter to the citizen when a dossier is decided, written to the outbox in the same
transaction as the status change.

Rule: a request is decided when its status goes from requested or in review to granted
(active) or refused; the citizen of the dossier then gets one message naming the decision, the
date it takes effect and the office that took it. Lifting a suspension is not a new decision.
"""

from datetime import date

from sqlalchemy.orm import Session

from loket.cases.choices import DossierStatus
from loket.cases.model import CaseType, Dossier
from loket.people.model import Citizen
from loket.store.outbox import OutboxMessage

TOPIC = "dossier-decided"
UNDECIDED = (DossierStatus.REQUESTED.value, DossierStatus.IN_REVIEW.value)
# What the decision is, in the citizen's words: an active dossier is a granted request.
DECISIONS: dict[DossierStatus, dict[str, str]] = {
    DossierStatus.ACTIVE: {"nl": "toegekend", "fr": "accordé", "de": "bewilligt", "en": "granted"},
    DossierStatus.REFUSED: {"nl": "geweigerd", "fr": "refusé", "de": "abgelehnt", "en": "refused"},
}


def notify_decision(
    session: Session, dossier: Dossier, from_status: str, to_status: DossierStatus, on: date
) -> None:
    """Write the decision message when `to_status` decides the dossier."""
    if to_status not in DECISIONS or from_status not in UNDECIDED:
        return
    citizen = session.get(Citizen, dossier.citizen_id)
    if citizen is None:
        return
    kind = session.get(CaseType, dossier.case_type)
    names = (
        {"nl": kind.name_nl, "fr": kind.name_fr, "de": kind.name_de, "en": kind.name_en}
        if kind is not None
        else dossier.case_type
    )
    session.add(
        OutboxMessage(
            topic=TOPIC,
            recipient_kind="citizen",
            recipient_id=citizen.insz,
            payload={
                "reference": dossier.reference,
                "case_type": dossier.case_type,
                "case_type_name": names,
                "status": to_status.value,
                "decision": DECISIONS[to_status],
                "effective_date": on.isoformat(),
                "office_id": dossier.office_id,
            },
        )
    )
