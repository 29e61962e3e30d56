"""How a message goes out and why one could not: the choice lists of the sender, and the
rule that picks a message's channel from what is known about its recipient."""

from dataclasses import dataclass
from enum import StrEnum

from loket.texts import N_


class Channel(StrEnum):
    """How an outbox message reaches its recipient."""

    EMAIL = "email"  # over SMTP, by `loket outbox run`
    LETTER = "letter"  # on paper, in the daily print batch
    NONE = "none"  # no way to reach the recipient: the message is a dead letter

    @property
    def label(self) -> str:
        return CHANNEL_LABELS[self]


CHANNEL_LABELS = {
    Channel.EMAIL: N_("E-mail"),
    Channel.LETTER: N_("Paper letter"),
    Channel.NONE: N_("No channel"),
}


class DeadReason(StrEnum):
    """Why the sender gave up on a message; staff read the label, and the server's words."""

    NO_ADDRESS = "no-address"
    OFFICE_WITHOUT_EMAIL = "office-without-email"
    REFUSED = "refused"
    TOO_MANY_ATTEMPTS = "too-many-attempts"

    @property
    def label(self) -> str:
        return DEAD_REASON_LABELS[self]


DEAD_REASON_LABELS = {
    DeadReason.NO_ADDRESS: N_(
        "We know neither an e-mail address nor a postal address for this person."
    ),
    DeadReason.OFFICE_WITHOUT_EMAIL: N_(
        "The office has no e-mail address; add one to the office to have these messages sent."
    ),
    DeadReason.REFUSED: N_("The mail server refused the message for good."),
    DeadReason.TOO_MANY_ATTEMPTS: N_("Sending failed too many times; the last error is shown."),
}


def dead_reason_label(code: str | None) -> str:
    """The label of a stored reason code; an unknown code is shown as it is."""
    try:
        return DeadReason(code or "").label
    except ValueError:
        return code or ""


@dataclass(frozen=True)
class Recipient:
    """Who a message is for, with what the sender needs to reach them."""

    kind: str  # "citizen" or "office"
    id: str  # INSZ or office id
    name: str
    language: str
    email: str | None
    # Postal address lines (street, postcode and place); empty when no address is known.
    address: tuple[str, ...] = ()


def choose_channel(recipient: Recipient | None) -> tuple[Channel, DeadReason | None]:
    """The rule: a recipient with an e-mail address gets e-mail. A citizen without one gets a
    paper letter at their address, in their language. An office is written to by e-mail only
    (its staff also see the message on the outbox page). Nobody to reach: a dead letter."""
    if recipient is None:
        return Channel.NONE, DeadReason.NO_ADDRESS
    if recipient.email:
        return Channel.EMAIL, None
    if recipient.kind == "office":
        return Channel.NONE, DeadReason.OFFICE_WITHOUT_EMAIL
    if recipient.address:
        return Channel.LETTER, None
    return Channel.NONE, DeadReason.NO_ADDRESS
