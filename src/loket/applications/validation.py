"""Server-side checks of one step's answers: a message per field, the typed values untouched.

Messages are English marked with N_ and translated when shown; a page re-shows what was typed
next to them, so nothing is cleared after an error.
"""

import re
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation

from loket.applications.forms import Field, Step
from loket.people.identifiers import InvalidInsz, validate_insz
from loket.texts import N_

_DATE = re.compile(r"^\s*(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{4})\s*$")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")
_MONEY = re.compile(r"^\d{1,9}([.,]\d{1,2})?$")


def parse_date(value: str) -> date | None:
    """A date typed as 30-07-1985, 30/07/1985, 30.07.1985 or 1985-07-30; None otherwise."""
    match = _DATE.match(value)
    try:
        if match:
            return date(int(match[3]), int(match[2]), int(match[1]))
        match = _ISO_DATE.match(value)
        if match:
            return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
    return None


def parse_money(value: str) -> Decimal | None:
    """An amount typed with a comma or a point for the cents (850,00 or 850.00)."""
    compact = value.replace(" ", "").replace("\u00a0", "").replace("€", "")
    if not _MONEY.match(compact):
        return None
    try:
        return Decimal(compact.replace(",", "."))
    except InvalidOperation:
        return None


def check_field(
    spec: Field,
    value: str,
    today: date,
    choices: tuple[tuple[str, str], ...] | None = None,
    known_postcode: Callable[[str], bool] | None = None,
) -> str | None:
    """The error message for one answer, or None when it is acceptable."""
    if not value.strip():
        return spec.missing if spec.required else None
    if len(value) > spec.limit:
        return N_("Your answer is too long. Shorten it.")
    if spec.type == "insz":
        try:
            validate_insz(value)
        except InvalidInsz:
            return N_("Enter a national register number of 11 digits, like 85.07.30-033.61.")
    elif spec.type == "date":
        day = parse_date(value)
        if day is None:
            return N_("Enter a real date, like 30-07-1985.")
        if day > today:
            return N_("The date must be today or in the past.")
        if day.year < 1900:
            return N_("The date must be after 1900.")
    elif spec.type in ("choice", "yesno"):
        allowed = choices if choices is not None else spec.choices
        codes = ("yes", "no") if spec.type == "yesno" else tuple(code for code, _l in allowed)
        if value not in codes:
            return spec.missing
    elif spec.type == "number":
        if not value.strip().isdigit():
            return N_("Enter a whole number, using digits only.")
        if not _within(Decimal(value.strip()), spec):
            return N_("This number is not possible. Check it.")
    elif spec.type == "money":
        amount = parse_money(value.strip())
        if amount is None:
            return N_("Enter an amount in euro, like 850,00.")
        if not _within(amount, spec):
            return N_("This amount is not possible. Check it.")
    elif spec.type == "postcode":
        code = value.strip()
        if not (len(code) == 4 and code.isdigit()):
            return N_("Enter a postal code of 4 digits, like 9000.")
        if known_postcode is not None and not known_postcode(code):
            return N_("This is not a Belgian postal code. Check it.")
    return None


def _within(amount: Decimal, spec: Field) -> bool:
    if spec.minimum is not None and amount < Decimal(str(spec.minimum)):
        return False
    return spec.maximum is None or amount <= Decimal(str(spec.maximum))


def check_step(
    step: Step,
    values: Mapping[str, str],
    today: date,
    choices: Mapping[str, tuple[tuple[str, str], ...]] | None = None,
    known_postcode: Callable[[str], bool] | None = None,
) -> dict[str, str]:
    """Errors of a step, field name → message, in the order of the fields on the page."""
    errors: dict[str, str] = {}
    for spec in step.fields:
        message = check_field(
            spec,
            values.get(spec.name, ""),
            today,
            (choices or {}).get(spec.name),
            known_postcode,
        )
        if message is not None:
            errors[spec.name] = message
    return errors
