"""Case files for `loket rules explain --case`: a YAML mapping describing one situation.

A living-wage case has a `category`; a maintenance-advance case has `children`. An optional
`on:` gives the day to compute for. Every error names the field to correct.
"""

from dataclasses import fields
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from loket.rules.errors import RulesError
from loket.rules.model import (
    LIVING_WAGE_CATEGORIES,
    Child,
    LivingWageSituation,
    MaintenanceSituation,
)

KINDS = ("living-wage", "maintenance-advance")


def _decimal(raw: object, field: str) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise RulesError(f"{field}: {raw!r} is not an amount in euro", field=field)
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        raise RulesError(f"{field}: {raw!r} is not an amount in euro", field=field) from None
    if not value.is_finite() or value < 0:
        raise RulesError(f"{field}: {raw!r} must be an amount of 0 euro or more", field=field)
    return value


def _bool(raw: object, field: str) -> bool:
    if not isinstance(raw, bool):
        raise RulesError(f"{field}: {raw!r} is not true or false", field=field)
    return raw


def _int(raw: object, field: str) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise RulesError(f"{field}: {raw!r} is not a whole number", field=field)
    return raw


def _date(raw: object, field: str) -> date:
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        raise RulesError(f"{field}: {raw!r} is not a date as YYYY-MM-DD", field=field) from None


def _convert(name: str, kind: type | str, raw: object) -> object:
    if "Decimal" in str(kind):
        return _decimal(raw, name)
    if "bool" in str(kind):
        return _bool(raw, name)
    if "int" in str(kind):
        return _int(raw, name)
    return raw


def living_wage_situation(data: dict[str, Any]) -> LivingWageSituation:
    """A living-wage situation from a mapping; unknown or badly typed fields are refused."""
    known = {f.name: f.type for f in fields(LivingWageSituation)}
    for name in data:
        if name not in known:
            raise RulesError(f"{name}: not a field of a living-wage case", field=name)
    if "category" not in data:
        raise RulesError("category: missing (cohabitant, single or family)", field="category")
    if data["category"] not in LIVING_WAGE_CATEGORIES:
        raise RulesError(
            f"category: {data['category']!r} is not one of {', '.join(LIVING_WAGE_CATEGORIES)}",
            field="category",
        )
    values = {
        name: _convert(name, known[name], raw) for name, raw in data.items() if name != "category"
    }
    situation = LivingWageSituation(category=data["category"], **values)  # type: ignore[arg-type]
    if not 0 <= situation.age <= 130:
        raise RulesError(f"age: {situation.age} is not between 0 and 130", field="age")
    if situation.monthly_employment_income_eur > situation.monthly_net_resources_eur:
        raise RulesError(
            "monthly_employment_income_eur: is part of monthly_net_resources_eur and cannot be "
            "larger",
            field="monthly_employment_income_eur",
        )
    return situation


def maintenance_situation(data: dict[str, Any]) -> MaintenanceSituation:
    """A DAVO advance request from a mapping; unknown or badly typed fields are refused."""
    required = {
        "creditor_domiciled_in_belgium": _bool,
        "enforceable_title": _bool,
        "missed_payments_last_12_months": _int,
        "creditor_monthly_net_income_eur": _decimal,
        "requested_on": _date,
    }
    for name in data:
        if name not in required and name != "children":
            raise RulesError(f"{name}: not a field of a maintenance-advance case", field=name)
    values: dict[str, Any] = {}
    for name, convert in required.items():
        if name not in data:
            raise RulesError(f"{name}: missing", field=name)
        values[name] = convert(data[name], name)
    raw_children = data.get("children")
    if not isinstance(raw_children, list):
        raise RulesError(
            "children: a list of children, each with monthly_title_amount_eur", field="children"
        )
    children = []
    for index, raw in enumerate(raw_children):
        where = f"children[{index}]"
        if not isinstance(raw, dict) or "monthly_title_amount_eur" not in raw:
            raise RulesError(f"{where}.monthly_title_amount_eur: missing", field="children")
        extra = set(raw) - {"monthly_title_amount_eur", "disabled"}
        if extra:
            raise RulesError(
                f"{where}.{sorted(extra)[0]}: not a field of a child", field="children"
            )
        children.append(
            Child(
                _decimal(raw["monthly_title_amount_eur"], f"{where}.monthly_title_amount_eur"),
                _bool(raw.get("disabled", False), f"{where}.disabled"),
            )
        )
    return MaintenanceSituation(children=tuple(children), **values)


def read_case(path: Path) -> tuple[LivingWageSituation | MaintenanceSituation, date | None]:
    """The situation in a case file and the day it names (`on:`), if any."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise RulesError(f"case: cannot read {path.name}: {error.strerror}", field="case") from None
    except yaml.YAMLError as error:
        raise RulesError(f"case: {path.name} is not valid YAML ({error})", field="case") from None
    if not isinstance(data, dict):
        raise RulesError(f"case: {path.name} must be a mapping of fields", field="case")
    # YAML 1.1 reads the key `on:` as the boolean true.
    data = {("on" if key is True else str(key)): value for key, value in data.items()}
    on = _date(data.pop("on"), "on") if "on" in data else None
    kind = data.pop("kind", None)
    if kind is None:
        kind = "maintenance-advance" if "children" in data else "living-wage"
    if kind not in KINDS:
        raise RulesError(f"kind: {kind!r} is not one of {', '.join(KINDS)}", field="kind")
    if kind == "living-wage":
        return living_wage_situation(data), on
    return maintenance_situation(data), on


def load_case(path: Path) -> LivingWageSituation | MaintenanceSituation:
    """The situation described by the YAML case file at `path`."""
    return read_case(path)[0]
