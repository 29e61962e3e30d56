"""The OpenFisca tax-benefit system of loket: entities, variables and dated YAML parameters.

OpenFisca is untyped; this module and the `variables_*` modules are the only ones that touch it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from openfisca_core.entities import build_entity
from openfisca_core.taxbenefitsystems import TaxBenefitSystem

from loket.rules.errors import DateOutOfRange, RulesError
from loket.rules.model import LegalReference

PARAMETERS_DIR = Path(__file__).parent / "parameters"

Person = build_entity(
    key="person",
    plural="persons",
    label="A person applying for a benefit or advance",
    is_person=True,
)
Household = build_entity(
    key="household",
    plural="households",
    label="The people living under one roof",
    roles=[
        {"key": "applicant", "plural": "applicants", "label": "Applicant", "max": 1},
        {"key": "member", "plural": "members", "label": "Member"},
    ],
)


class LoketTaxBenefitSystem(TaxBenefitSystem):  # type: ignore[misc]
    """Person and household, monthly variables, parameters from `parameters/`."""

    def __init__(self) -> None:
        super().__init__([Person, Household])
        self.load_parameters(str(PARAMETERS_DIR))
        from loket.rules.variables_living_wage import VARIABLES

        self.add_variables(*VARIABLES)


@functools.cache
def tax_benefit_system() -> Any:
    """The one tax-benefit system of the process, built at first use."""
    return LoketTaxBenefitSystem()


@dataclass(frozen=True)
class ParameterValue:
    """A parameter's value on a day, with the reference of that value."""

    name: str
    description: str
    unit: str
    value: float | bool | None
    valid_from: date | None
    reference: LegalReference | None
    note: str | None


def _as_date(raw: object) -> date | None:
    if raw is None:
        return None
    if isinstance(raw, date):
        return raw
    return date.fromisoformat(str(raw))


def _node(name: str) -> Any:
    node = tax_benefit_system().parameters
    for part in name.split("."):
        node = getattr(node, part)
    return node


def parameter_names() -> list[str]:
    """Every parameter, as a dotted name (`living_wage.amounts.single`)."""
    names: list[str] = []

    def walk(node: Any) -> None:
        children = getattr(node, "children", None)
        if children is None:
            names.append(node.name)
            return
        for child in children.values():
            walk(child)

    walk(tax_benefit_system().parameters)
    return sorted(names)


def first_date(name: str) -> date:
    """The day from which the parameter has a value."""
    values = _node(name).values_list  # newest first
    return date.fromisoformat(values[-1].instant_str)


def require_known(name: str, on: date, what: str) -> None:
    """Refuse `on` when `name` has no value yet on that day."""
    start = first_date(name)
    if on < start:
        raise DateOutOfRange(
            f"no {what} is known before {start.isoformat()} (asked for {on.isoformat()})",
            field="on",
        )


def parameter_at(name: str, on: date) -> ParameterValue:
    """The value of `name` on `on` with its reference; `value` is None before the first date."""
    node = _node(name)
    unit = str(node.metadata.get("unit", ""))
    description = str(node.description or "")
    for at_instant in node.values_list:  # newest first
        valid_from = date.fromisoformat(at_instant.instant_str)
        if valid_from <= on:
            meta = at_instant.metadata
            raw = meta.get("reference") or {}
            reference = LegalReference(
                title=str(raw.get("title", "")),
                article=str(raw.get("article", "")),
                gazette_date=_as_date(raw.get("gazette_date")),
                uncertain=bool(meta.get("uncertain", False)),
            )
            return ParameterValue(
                name=name,
                description=description,
                unit=unit,
                value=at_instant.value,
                valid_from=valid_from,
                reference=reference,
                note=meta.get("note"),
            )
    return ParameterValue(name, description, unit, None, None, None, None)


def value_on(name: str, on: date) -> float:
    """The number `name` has on `on`; a date before its first value is refused."""
    found = parameter_at(name, on)
    if found.value is None:
        raise DateOutOfRange(
            f"no value of {name} is known before {first_date(name).isoformat()}", field="on"
        )
    if isinstance(found.value, bool):
        raise RulesError(f"{name} is a yes/no parameter, not a number")
    return float(found.value)


def reference_of(name: str, on: date) -> LegalReference | None:
    return parameter_at(name, on).reference
