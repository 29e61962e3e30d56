"""Choice lists with meaning: each value has a code, a label per language and a description."""

from enum import StrEnum


class DossierStatus(StrEnum):
    REQUESTED = "requested"
    IN_REVIEW = "in-review"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    CLOSED = "closed"
    REFUSED = "refused"

    @property
    def is_open(self) -> bool:
        """A dossier is open until it is closed or refused; only open dossiers move."""
        return self not in (DossierStatus.CLOSED, DossierStatus.REFUSED)

    @property
    def labels(self) -> dict[str, str]:
        return _STATUS_LABELS[self]


OPEN_STATUSES = tuple(s.value for s in DossierStatus if s.is_open)

_STATUS_LABELS: dict[DossierStatus, dict[str, str]] = {
    DossierStatus.REQUESTED: {
        "nl": "Aangevraagd",
        "fr": "Demandé",
        "de": "Beantragt",
        "en": "Requested",
    },
    DossierStatus.IN_REVIEW: {
        "nl": "In behandeling",
        "fr": "En traitement",
        "de": "In Bearbeitung",
        "en": "In review",
    },
    DossierStatus.ACTIVE: {"nl": "Lopend", "fr": "En cours", "de": "Laufend", "en": "Active"},
    DossierStatus.SUSPENDED: {
        "nl": "Geschorst",
        "fr": "Suspendu",
        "de": "Ausgesetzt",
        "en": "Suspended",
    },
    DossierStatus.CLOSED: {
        "nl": "Afgesloten",
        "fr": "Clôturé",
        "de": "Abgeschlossen",
        "en": "Closed",
    },
    DossierStatus.REFUSED: {"nl": "Geweigerd", "fr": "Refusé", "de": "Abgelehnt", "en": "Refused"},
}


class EventKind(StrEnum):
    """What can happen to a dossier; every event is one line of its history."""

    CREATED = "created"
    STATUS_CHANGED = "status-changed"
    TRANSFERRED = "transferred"
    ROUTING_NEEDED = "routing-needed"
    NOTE = "note"
    # Given to a worker (or back to the office, unassigned); the reason holds the username.
    ASSIGNED = "assigned"


class RoutingProblem(StrEnum):
    """Why a dossier could not follow its citizen and waits in its office's routing queue."""

    MOVED_ABROAD = "moved-abroad"
    UNKNOWN_POSTCODE = "unknown-postcode"
    AMBIGUOUS_POSTCODE = "ambiguous-postcode"
    NO_JURISDICTION = "no-jurisdiction"


class Role(StrEnum):
    CASE_WORKER = "case-worker"
    COUNTER_CLERK = "counter-clerk"
    PRIVACY_OFFICER = "privacy-officer"
    ANALYST = "analyst"
    MANAGER = "manager"
    ADMIN = "admin"


class Confidentiality(StrEnum):
    """How widely a dossier of a case type may be shown inside its agency."""

    NORMAL = "normal"
    SENSITIVE = "sensitive"
    SECRET = "secret"
