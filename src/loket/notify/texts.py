"""What each outbox topic says, in the recipient's language: one entry per topic below.

Texts are English msgids marked with `N_` and translated through the same gettext catalogues
as the web pages (`make messages`). The catalogues are read here from their `.po` files
rather than through `loket.web.i18n`, because capability packages never import `web`.
A topic without an entry whose payload carries its own `subject` and `text` (written in the
reader's language by the code that wrote the message) is sent with those. Any other topic, or a
payload that lacks a field its entry names, gets the generic text, which lists the payload: a
new topic is never lost for want of words.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency
from babel.support import Translations

from loket.notify.recipients import OfficeCard
from loket.texts import N_

LOCALES = {"nl": "nl_BE", "fr": "fr_BE", "de": "de_BE", "en": "en_BE"}
LOCALE_DIR = Path(__file__).resolve().parent.parent / "web" / "locales"


@dataclass(frozen=True)
class TopicText:
    subject: str
    body: str


# Placeholders are payload fields, formatted for the reader: `*office*` fields become the
# office's name, `*date*`, `*_on` and `*_day` a date, `*_at` a date and time, `*amount*` euros,
# and a field given in every language ({"nl": …, "fr": …}) the reader's.
TOPICS: dict[str, TopicText] = {
    "dossier-transferred": TopicText(
        N_("Your dossier %(reference)s is now handled by %(to_office)s"),
        N_(
            "Because your address changed, your dossier %(reference)s moved from "
            "%(from_office)s to %(to_office)s on %(effective_date)s. You do not need to do "
            "anything. For questions, contact %(to_office)s."
        ),
    ),
    "dossier-transferred-in": TopicText(
        N_("Dossier %(reference)s now belongs to your office"),
        N_(
            "Dossier %(reference)s came to your office from %(from_office)s on "
            "%(effective_date)s, after the citizen moved."
        ),
    ),
    "dossier-transferred-out": TopicText(
        N_("Dossier %(reference)s left your office"),
        N_("Dossier %(reference)s moved from your office to %(to_office)s on %(effective_date)s."),
    ),
    "dossier-needs-routing": TopicText(
        N_("Dossier %(reference)s needs an office"),
        N_(
            "After an address change on %(effective_date)s, dossier %(reference)s could not "
            "be moved automatically. Choose its office in the routing queue."
        ),
    ),
    "appointment-reminder": TopicText(
        N_("Reminder: your appointment on %(starts_at)s"),
        N_(
            "We expect you on %(starts_at)s at %(office_id)s, %(office_address)s. Bring your "
            "identity card. If you cannot come, let us know so that someone else can have "
            "your place."
        ),
    ),
    "appointment-booked": TopicText(
        N_("Your appointment on %(starts_at)s is booked"),
        N_(
            "We expect you on %(starts_at)s at %(office_id)s, %(office_address)s. Bring your "
            "identity card. We will remind you the day before. If you cannot come, let us know "
            "so that someone else can have your place."
        ),
    ),
    "callback-requested": TopicText(
        N_("We will call you back on %(preferred_day)s"),
        N_(
            "%(office_id)s will call you on %(preferred_day)s between %(call_from)s and "
            "%(call_until)s. Your request number is %(reference)s. If we cannot reach you, "
            "we will try again."
        ),
    ),
    "dossier-decided": TopicText(
        N_("Decision on your dossier %(reference)s"),
        N_(
            "%(office_id)s has decided on your dossier %(reference)s (%(case_type_name)s). "
            "The decision: %(decision)s, from %(effective_date)s. You will receive the "
            "decision with its reasons and how to appeal. For questions, contact "
            "%(office_id)s."
        ),
    ),
}
GENERIC = TopicText(
    N_("News about your file"),
    N_("There is news about your file (%(topic)s). The details:"),
)
GREETING = N_("Dear %(name)s,")
CLOSING = N_("Kind regards,")


@cache
def translations(language: str) -> Translations:
    """The language's catalogue; untranslated and fuzzy messages fall back to English."""
    path = LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
    buffer = BytesIO()
    if path.exists():
        with path.open("rb") as handle:
            write_mo(buffer, read_po(handle, locale=LOCALES[language]), use_fuzzy=False)
    else:
        return Translations()
    buffer.seek(0)
    return Translations(fp=buffer)


def gettext(language: str) -> Callable[[str], str]:
    return translations(language if language in LOCALES else "nl").gettext


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


def _format(key: str, value: Any, language: str, offices: Mapping[str, OfficeCard]) -> str:
    locale = LOCALES[language]
    if isinstance(value, dict) and language in value:
        return str(value[language])
    if isinstance(value, str) and "office" in key and value in offices:
        return offices[value].name
    if isinstance(value, str) and (key.endswith("_at") or key == "at"):
        try:
            return format_datetime(datetime.fromisoformat(value), "medium", locale=locale)
        except ValueError:
            return value
    if isinstance(value, str) and ("date" in key or key.endswith(("_on", "_day"))):
        try:
            return format_date(date.fromisoformat(value), "long", locale=locale)
        except ValueError:
            return value
    if "amount" in key and isinstance(value, (int, float, str)) and not isinstance(value, bool):
        try:
            return format_currency(Decimal(str(value)), "EUR", locale=locale)
        except (InvalidOperation, ValueError):
            return str(value)
    return "" if value is None else str(value)


def _written(payload: Mapping[str, Any]) -> bool:
    return isinstance(payload.get("subject"), str) and isinstance(payload.get("text"), str)


def render(
    topic: str,
    payload: Mapping[str, Any],
    language: str,
    offices: Mapping[str, OfficeCard],
    name: str = "",
) -> Rendered:
    """Subject and body of a message about `topic` in `language`, greeting `name` if given."""
    _ = gettext(language)
    language = language if language in LOCALES else "nl"
    fields = {k: _format(k, v, language, offices) for k, v in payload.items()}
    text = TOPICS.get(topic)
    try:
        if text is not None:
            subject, body = _(text.subject) % fields, _(text.body) % fields
        elif _written(payload):
            # The writer composed the message in the reader's language (living-wage notices).
            subject, body = str(payload["subject"]), str(payload["text"])
        else:
            raise KeyError(topic)
    except (KeyError, TypeError, ValueError):
        fields["topic"] = topic
        subject = _(GENERIC.subject) % fields
        details = "\n".join(f"- {k}: {v}" for k, v in sorted(fields.items()) if k != "topic")
        body = f"{_(GENERIC.body) % fields}\n{details}"
    lines = [_(GREETING) % {"name": name}, ""] if name else []
    return Rendered(subject, "\n".join([*lines, body, "", _(CLOSING), "loket"]))
