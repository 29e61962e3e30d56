"""`GET /api/v1/rules/…`: living-wage and DAVO-advance estimates and the dated parameters.

Public, without a token: they compute from public law, about no one in particular.
"""

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel

from loket.rules import (
    Child,
    LivingWageSituation,
    MaintenanceSituation,
    RulesError,
    decide_advance,
    estimate_living_wage,
)
from loket.rules.report import advance_json, living_wage_json, parameters_json
from loket.web.api.errors import api_error, responses

router = APIRouter(prefix="/rules", tags=["rules"])

MAX_EUR = 10_000_000
Euro = Annotated[float, Query(ge=0, le=MAX_EUR, allow_inf_nan=False)]
Day = Annotated[date | None, Query(description="The day, YYYY-MM-DD; today if absent.")]


class Reference(BaseModel):
    title: str
    article: str
    gazette_date: date | None
    uncertain: bool


class Step(BaseModel):
    label: str
    text: str
    label_args: dict[str, str]
    amount_eur: str | None
    reference: Reference | None


class LivingWageResult(BaseModel):
    kind: Literal["living-wage"]
    on: date
    category: Literal["cohabitant", "single", "family"]
    eligible: bool
    unmet_conditions: list[str]
    category_amount_eur: str
    monthly_amount_eur: str
    steps: list[Step]


class AdvanceResult(BaseModel):
    kind: Literal["maintenance-advance"]
    on: date
    eligible: bool
    unmet_conditions: list[str]
    monthly_advance_eur: str
    per_child_eur: list[str]
    surcharge_rate: str
    steps: list[Step]


class ParameterRow(BaseModel):
    name: str
    description: str
    unit: str
    value: bool | float | None
    valid_from: date | None
    reference: Reference | None
    uncertain: bool
    note: str | None


class ParametersResult(BaseModel):
    on: date
    parameters: list[ParameterRow]


def _refused(error: RulesError, default: str) -> Exception:
    return api_error(422, "rules-refused", str(error), error.field or default)


def _eur(value: float) -> Decimal:
    return Decimal(str(value))


@router.get("/living-wage", response_model=LivingWageResult, responses=responses(422))
def living_wage(
    category: Annotated[Literal["cohabitant", "single", "family"], Query()],
    on: Day = None,
    age: Annotated[int, Query(ge=0, le=130)] = 30,
    resident_in_belgium: bool = True,
    registered: bool = True,
    willing_to_work: bool = True,
    other_benefits_claimed: bool = True,
    minor_exception: bool = False,
    monthly_net_resources_eur: Euro = 0,
    monthly_employment_income_eur: Euro = 0,
    socio_professional_exemption: bool = False,
    shortage_occupation_exemption: bool = False,
    partner_monthly_income_eur: Euro = 0,
    relatives_monthly_income_eur: Euro = 0,
    count_relatives_income: bool = False,
) -> dict[str, object]:
    """Estimate the living wage (leefloon) of a situation on a day, step by step.

    An estimate from the law, not a decision: the OCMW's social inquiry decides.
    """
    situation = LivingWageSituation(
        category=category,
        age=age,
        resident_in_belgium=resident_in_belgium,
        registered=registered,
        willing_to_work=willing_to_work,
        other_benefits_claimed=other_benefits_claimed,
        minor_exception=minor_exception,
        monthly_net_resources_eur=_eur(monthly_net_resources_eur),
        monthly_employment_income_eur=_eur(monthly_employment_income_eur),
        socio_professional_exemption=socio_professional_exemption,
        shortage_occupation_exemption=shortage_occupation_exemption,
        partner_monthly_income_eur=_eur(partner_monthly_income_eur),
        relatives_monthly_income_eur=_eur(relatives_monthly_income_eur),
        count_relatives_income=count_relatives_income,
    )
    try:
        return living_wage_json(estimate_living_wage(situation, on or date.today()))
    except RulesError as error:
        raise _refused(error, "on") from None


@router.get("/maintenance-advance", response_model=AdvanceResult, responses=responses(422))
def maintenance_advance(
    creditor_domiciled_in_belgium: bool,
    enforceable_title: bool,
    missed_payments_last_12_months: Annotated[int, Query(ge=0, le=12)],
    child_amount_eur: Annotated[
        list[Annotated[float, Query(ge=0, le=MAX_EUR, allow_inf_nan=False)]],
        Query(
            max_length=20,
            description="The monthly maintenance the title grants, once per child.",
        ),
    ],
    child_disabled: Annotated[
        list[bool] | None,
        Query(max_length=20, description="Per child, in the same order: disabled or not."),
    ] = None,
    creditor_monthly_net_income_eur: Euro = 0,
    requested_on: Day = None,
    on: Day = None,
) -> dict[str, object]:
    """Whether DAVO would advance maintenance for the children, and how much per month."""
    disabled = child_disabled or []
    if len(disabled) > len(child_amount_eur):
        raise api_error(
            422, "rules-refused", "more values than children", "child_disabled"
        ) from None
    day = on or date.today()
    children = tuple(
        Child(_eur(amount), index < len(disabled) and disabled[index])
        for index, amount in enumerate(child_amount_eur)
    )
    situation = MaintenanceSituation(
        creditor_domiciled_in_belgium=creditor_domiciled_in_belgium,
        enforceable_title=enforceable_title,
        missed_payments_last_12_months=missed_payments_last_12_months,
        children=children,
        creditor_monthly_net_income_eur=_eur(creditor_monthly_net_income_eur),
        requested_on=requested_on or day,
    )
    try:
        return advance_json(decide_advance(situation, day))
    except RulesError as error:
        raise _refused(error, "on") from None


@router.get("/parameters", response_model=ParametersResult, responses=responses(422))
def parameters(on: Day = None) -> dict[str, object]:
    """Each parameter's value on a day, with its legal reference and whether it is uncertain.

    A parameter with no value yet on that day has `value` null.
    """
    day = on or date.today()
    return {"on": day, "parameters": parameters_json(day)}
