"""Turns living-wage situations into one vectorised OpenFisca simulation.

Kept apart so that the untyped OpenFisca calls stay in a few modules.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy
from numpy.typing import NDArray
from openfisca_core.indexed_enums import EnumArray
from openfisca_core.simulations import SimulationBuilder

from loket.rules.errors import RulesError
from loket.rules.model import LIVING_WAGE_CATEGORIES, LivingWageSituation
from loket.rules.system import require_known, tax_benefit_system
from loket.rules.variables_living_wage import LivingWageCategoryCode

_MONEY_INPUTS = {
    "net_resources": "monthly_net_resources_eur",
    "employment_income": "monthly_employment_income_eur",
    "partner_income": "partner_monthly_income_eur",
    "relatives_income": "relatives_monthly_income_eur",
}
_FLAG_INPUTS = {
    "resident_in_belgium": "resident_in_belgium",
    "registered": "registered",
    "willing_to_work": "willing_to_work",
    "other_benefits_claimed": "other_benefits_claimed",
    "minor_exception": "minor_exception",
    "socio_professional_exemption": "socio_professional_exemption",
    "shortage_occupation_exemption": "shortage_occupation_exemption",
    "count_relatives_income": "count_relatives_income",
}
_CATEGORY_INDEX = {code: index for index, code in enumerate(LIVING_WAGE_CATEGORIES)}
assert [m.name for m in LivingWageCategoryCode] == list(LIVING_WAGE_CATEGORIES)


def month_of(on: date) -> str:
    return f"{on.year:04d}-{on.month:02d}"


def _check(ok: NDArray[numpy.bool_], field: str, message: str) -> None:
    if not bool(ok.all()):
        index = int(numpy.argmin(ok))
        raise RulesError(f"{field}: {message} (situation {index + 1})", field=field)


def build_simulation(situations: Sequence[LivingWageSituation], on: date) -> Any:
    """One OpenFisca simulation of the month of `on` for all `situations`, in their order."""
    require_known("living_wage.amounts.single", on, "living-wage amount")
    count = len(situations)
    simulation = SimulationBuilder().build_default_simulation(tax_benefit_system(), count)
    period = month_of(on)
    try:
        categories = numpy.fromiter(
            (_CATEGORY_INDEX[s.category] for s in situations), dtype=numpy.int16, count=count
        )
    except KeyError as error:
        raise RulesError(
            f"category: {error.args[0]!r} is not one of {', '.join(LIVING_WAGE_CATEGORIES)}",
            field="category",
        ) from None
    simulation.set_input(
        "living_wage_category", period, EnumArray(categories, LivingWageCategoryCode)
    )
    ages = numpy.fromiter((s.age for s in situations), dtype=numpy.int32, count=count)
    _check((ages >= 0) & (ages <= 130), "age", "must be between 0 and 130")
    simulation.set_input("age", period, ages)
    money: dict[str, NDArray[numpy.float64]] = {}
    for variable, attribute in _MONEY_INPUTS.items():
        values = numpy.fromiter(
            (float(getattr(s, attribute)) for s in situations), dtype=numpy.float64, count=count
        )
        _check(numpy.isfinite(values) & (values >= 0), attribute, "must be 0 or more euro")
        money[variable] = values
        simulation.set_input(variable, period, values)
    _check(
        money["employment_income"] <= money["net_resources"],
        "monthly_employment_income_eur",
        "is part of monthly_net_resources_eur and cannot be larger",
    )
    for variable, attribute in _FLAG_INPUTS.items():
        flags = numpy.fromiter(
            (bool(getattr(s, attribute)) for s in situations), dtype=numpy.bool_, count=count
        )
        simulation.set_input(variable, period, flags)
    return simulation


def calculate(simulation: Any, variable: str, on: date) -> NDArray[Any]:
    result: NDArray[Any] = simulation.calculate(variable, month_of(on))
    return result
