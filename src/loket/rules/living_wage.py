"""The living wage (leefloon): estimates with their legal steps, and amounts for many people.

Wet 26 mei 2002 betreffende het recht op maatschappelijke integratie and its KB of 11 juli 2002.
"""

from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import numpy
from numpy.typing import NDArray

from loket.rules.errors import RulesError
from loket.rules.model import (
    LIVING_WAGE_CATEGORIES,
    ComputationStep,
    LegalReference,
    LivingWageCategory,
    LivingWageComputation,
    LivingWageSituation,
)
from loket.rules.simulate import build_simulation, calculate
from loket.rules.system import reference_of, require_known, value_on
from loket.texts import N_

CENT = Decimal("0.01")
WET = "Wet van 26 mei 2002 betreffende het recht op maatschappelijke integratie"
KB = (
    "Koninklijk besluit van 11 juli 2002 houdende algemeen reglement betreffende het recht op "
    "maatschappelijke integratie"
)
_GAZETTE = date(2002, 7, 31)


def _wet(article: str) -> LegalReference:
    return LegalReference(WET, article, _GAZETTE)


def _kb(article: str) -> LegalReference:
    return LegalReference(KB, article, _GAZETTE)


# Each condition of art. 3 with the text shown when it is not met.
CONDITIONS: tuple[tuple[str, str, LegalReference], ...] = (
    (
        "living_wage_age_condition",
        N_("Under 18, and none of the exceptions for minors applies"),
        _wet("art. 3, 2°, and art. 7"),
    ),
    ("resident_in_belgium", N_("Does not actually live in Belgium"), _wet("art. 3, 1°")),
    (
        "registered",
        N_("Not registered in the population or foreigners register"),
        _wet("art. 3, 3°"),
    ),
    (
        "willing_to_work",
        N_("Not willing to work, and not exempted for health or equity reasons"),
        _wet("art. 3, 5°"),
    ),
    (
        "other_benefits_claimed",
        N_("Has not first claimed the other benefits they are entitled to"),
        _wet("art. 3, 6°"),
    ),
)


MONTHLY_LABELS: dict[LivingWageCategory, str] = {
    "cohabitant": N_("Monthly amount for a person living with others"),
    "single": N_("Monthly amount for a person living alone"),
    "family": N_("Monthly amount for a person with a dependent family"),
}
YEARLY_LABELS: dict[LivingWageCategory, str] = {
    "cohabitant": N_("Yearly amount for a person living with others"),
    "single": N_("Yearly amount for a person living alone"),
    "family": N_("Yearly amount for a person with a dependent family"),
}


def to_cents(value: float) -> Decimal:
    return Decimal(repr(float(value))).quantize(CENT, rounding=ROUND_HALF_UP)


def living_wage_category_amounts(on: date) -> dict[LivingWageCategory, Decimal]:
    """The monthly amount of each category on `on`."""
    require_known("living_wage.amounts.single", on, "living-wage amount")
    return {
        category: to_cents(value_on(f"living_wage.amounts.{category}", on))
        for category in LIVING_WAGE_CATEGORIES
    }


def living_wage_amounts(
    situations: Sequence[LivingWageSituation], on: date
) -> NDArray[numpy.float64]:
    """The monthly living wage of every situation on `on`, in euro, in one simulation."""
    if not situations:
        require_known("living_wage.amounts.single", on, "living-wage amount")
        return numpy.zeros(0, dtype=numpy.float64)
    simulation = build_simulation(situations, on)
    amounts = calculate(simulation, "living_wage_monthly_amount", on)
    rounded = numpy.asarray(numpy.round(amounts, 2), dtype=numpy.float64)
    return rounded


def estimate_living_wage(situation: LivingWageSituation, on: date) -> LivingWageComputation:
    """Estimate the living wage of one situation on `on`, with every step and its article.

    The OCMW pays the category amount less the resources counted above the exemptions
    (art. 14, § 2): (yearly category amount − (yearly resources − general exemption)) / 12,
    never less than nothing, and only when every condition of art. 3 is met.
    """
    if situation.category not in LIVING_WAGE_CATEGORIES:
        raise RulesError(
            f"category: {situation.category!r} is not one of {', '.join(LIVING_WAGE_CATEGORIES)}",
            field="category",
        )
    simulation = build_simulation([situation], on)

    def value(variable: str) -> float:
        return float(calculate(simulation, variable, on)[0])

    category = situation.category
    amount_name = f"living_wage.amounts.{category}"
    category_amount = to_cents(value("living_wage_category_amount"))
    steps: list[ComputationStep] = [
        ComputationStep(
            MONTHLY_LABELS[category],
            {"category": category},
            category_amount,
            reference_of(amount_name, on),
        )
    ]
    unmet = tuple(text for variable, text, _ in CONDITIONS if not value(variable))
    for variable, text, reference in CONDITIONS:
        if not value(variable):
            steps.append(ComputationStep(text, {}, None, reference))
    if unmet:
        steps.append(
            ComputationStep(
                N_("A condition is not met: no living wage"), {}, Decimal("0.00"), _wet("art. 3")
            )
        )
        return LivingWageComputation(
            on, category, False, unmet, category_amount, Decimal("0.00"), tuple(steps)
        )
    steps.append(
        ComputationStep(
            N_("Own net resources per month"),
            {},
            to_cents(float(situation.monthly_net_resources_eur)),
            _wet("art. 16, § 1"),
        )
    )
    exempted = value("living_wage_employment_exemption")
    if situation.socio_professional_exemption or situation.shortage_occupation_exemption:
        exemption_name = (
            "living_wage.shortage_occupation_exemption"
            if situation.shortage_occupation_exemption
            and value_on("living_wage.shortage_occupation_exemption", on)
            >= value_on("living_wage.socio_professional_exemption", on)
            else "living_wage.socio_professional_exemption"
        )
        steps.append(
            ComputationStep(
                N_("Income from work exempted per month"),
                {},
                to_cents(-exempted),
                reference_of(exemption_name, on),
            )
        )
    if situation.partner_monthly_income_eur:
        steps.append(
            ComputationStep(
                N_("Partner's income above the cohabitant amount, per month"),
                {},
                to_cents(value("living_wage_partner_resources")),
                _kb("art. 34, § 1"),
            )
        )
    if situation.relatives_monthly_income_eur:
        steps.append(
            ComputationStep(
                N_("Income of parents or adult children above the cohabitant amount, per month"),
                {},
                to_cents(value("living_wage_relatives_resources")),
                reference_of("living_wage.relatives_income_mandatory", on),
            )
        )
    resources = value("living_wage_annual_resources")
    exemption = value("living_wage_general_exemption")
    steps += [
        ComputationStep(
            N_("Resources counted per year"), {}, to_cents(resources), _wet("art. 16, § 1")
        ),
        ComputationStep(
            N_("General exemption per year"),
            {"category": category},
            to_cents(-exemption),
            reference_of(f"living_wage.general_exemption.{category}", on),
        ),
        ComputationStep(
            YEARLY_LABELS[category],
            {"category": category},
            to_cents(12 * float(category_amount)),
            reference_of(amount_name, on),
        ),
    ]
    monthly = to_cents(value("living_wage_monthly_amount"))
    steps.append(
        ComputationStep(
            N_("Living wage per month: (yearly amount − (resources − exemption)) ÷ 12"),
            {},
            monthly,
            _wet("art. 14, § 2"),
        )
    )
    return LivingWageComputation(on, category, True, (), category_amount, monthly, tuple(steps))
