"""Situations as stored JSON and back, and the situation a leefloon request describes.

Amounts are written as text ("850.00") so that JSON keeps them exact; booleans and counts as they
are. Reading back ignores keys a later version no longer knows and takes the rules' defaults for
keys an older row lacks, so stored history stays readable.
"""

import dataclasses
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from loket.applications.validation import parse_money
from loket.rules import (
    Child,
    LivingWageCategory,
    LivingWageSituation,
    MaintenanceSituation,
)

# How a leefloon request's household answer maps to a living-wage category. A person with a
# partner or other adults shares costs (cohabitant); with children in their care, family. A
# child in their care makes any household a family (Wet 26 mei 2002, art. 14, § 1, 3°: at least
# one unmarried minor child in their care), see `category_of`.
HOUSEHOLD_CATEGORIES: dict[str, LivingWageCategory] = {
    "alone": "single",
    "partner": "cohabitant",
    "others": "cohabitant",
    "family": "family",
}
_LIVING_WAGE_FIELDS = {f.name: f for f in dataclasses.fields(LivingWageSituation)}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return value


def situation_json(situation: LivingWageSituation | MaintenanceSituation) -> dict[str, Any]:
    """The situation as a JSON object; `living_wage_situation` / `maintenance_situation` read it."""
    plain: dict[str, Any] = _plain(situation)
    return plain


def _decimal(value: Any) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"not an amount: {value!r}") from None


def _converter(default: object) -> Callable[[Any], Any]:
    if isinstance(default, Decimal):
        return _decimal
    if isinstance(default, bool):
        return bool
    if isinstance(default, int):
        return int
    return lambda value: value


# How each stored value is read back: with the type of the field's default.
_READERS: dict[str, Callable[[Any], Any]] = {
    name: _converter(spec.default) for name, spec in _LIVING_WAGE_FIELDS.items()
}


def living_wage_situation(data: Mapping[str, Any]) -> LivingWageSituation:
    """The LivingWageSituation stored as `data`; each value takes the type of its default."""
    readers = _READERS
    values = {name: readers[name](raw) for name, raw in data.items() if name in readers}
    values["category"] = str(data["category"])
    return LivingWageSituation(**values)


def maintenance_situation(data: Mapping[str, Any]) -> MaintenanceSituation:
    """The MaintenanceSituation stored as `data`."""
    children = tuple(
        Child(
            monthly_title_amount_eur=_decimal(child["monthly_title_amount_eur"]),
            disabled=bool(child.get("disabled", False)),
        )
        for child in cast(list[dict[str, Any]], data.get("children", []))
    )
    return MaintenanceSituation(
        creditor_domiciled_in_belgium=bool(data["creditor_domiciled_in_belgium"]),
        enforceable_title=bool(data["enforceable_title"]),
        missed_payments_last_12_months=int(data["missed_payments_last_12_months"]),
        children=children,
        creditor_monthly_net_income_eur=_decimal(data["creditor_monthly_net_income_eur"]),
        requested_on=date.fromisoformat(str(data["requested_on"])),
    )


def _money(text: object) -> Decimal:
    """An amount as the request pages store it (850,00 or 850.00); 0 when missing."""
    amount = parse_money(str(text or "0").strip())
    return amount if amount is not None else Decimal(0)


def _children(answers: Mapping[str, Any]) -> int:
    try:
        return int(str(answers.get("children") or "0").strip())
    except ValueError:
        return 0


def category_of(answers: Mapping[str, Any]) -> LivingWageCategory | None:
    """The category a request's household answers point to: a couple or a shared house with a
    child in their care is a family, not cohabitants; None while the household is unanswered."""
    category = HOUSEHOLD_CATEGORIES.get(str(answers.get("household", "")))
    if category is not None and _children(answers) > 0:
        return "family"
    return category


def request_situation(answers: Mapping[str, Any]) -> LivingWageSituation | None:
    """The living-wage situation a leefloon request's answers describe, or None while the
    household question is unanswered. Everything the request does not ask (age, residence,
    willingness to work) takes the rules' defaults: the social worker checks it at the interview.
    """
    category = category_of(answers)
    if category is None:
        return None
    income = _money(answers.get("monthly_income"))
    works = str(answers.get("has_work", "")) == "yes"
    return LivingWageSituation(
        category=category,
        monthly_net_resources_eur=income,
        monthly_employment_income_eur=income if works else Decimal(0),
    )
