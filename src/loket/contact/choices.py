"""Choice lists of the contact capability: channels, time windows, statuses and mandate scopes."""

from enum import StrEnum


class Channel(StrEnum):
    """How a request or an event reached loket; recorded on every request and dossier event."""

    ONLINE = "online"
    ASSISTED_ONLINE = "assisted-online"
    COUNTER = "counter"
    PHONE = "phone"
    PAPER = "paper"


class TimeWindow(StrEnum):
    """When a citizen would like to be called back."""

    MORNING = "morning"  # 09:00-12:00
    AFTERNOON = "afternoon"  # 13:00-17:00
    EVENING = "evening"  # 17:00-19:00


class ContactStatus(StrEnum):
    """A call-back or appointment from asking to done."""

    OPEN = "open"
    DONE = "done"
    MISSED = "missed"
    CANCELLED = "cancelled"


class MandateScope(StrEnum):
    """What a trusted person may do for the citizen who gave the mandate."""

    ALL = "all"
    REQUESTS = "requests"
    READ_ONLY = "read-only"


class MandateStatus(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    DECLINED = "declined"
    REVOKED = "revoked"
    EXPIRED = "expired"
