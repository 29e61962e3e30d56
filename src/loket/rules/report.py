"""Results as JSON-ready mappings, the same for `loket rules explain` and the API."""

from datetime import date

from loket.rules.model import AdvanceDecision, LivingWageComputation
from loket.rules.system import parameter_at, parameter_names


def living_wage_json(result: LivingWageComputation) -> dict[str, object]:
    return {
        "kind": "living-wage",
        "on": result.on.isoformat(),
        "category": result.category,
        "eligible": result.eligible,
        "unmet_conditions": list(result.unmet_conditions),
        "category_amount_eur": str(result.category_amount_eur),
        "monthly_amount_eur": str(result.monthly_amount_eur),
        "steps": [step.as_json() for step in result.steps],
    }


def advance_json(decision: AdvanceDecision) -> dict[str, object]:
    return {
        "kind": "maintenance-advance",
        "on": decision.on.isoformat(),
        "eligible": decision.eligible,
        "unmet_conditions": list(decision.unmet_conditions),
        "monthly_advance_eur": str(decision.monthly_advance_eur),
        "per_child_eur": [str(amount) for amount in decision.per_child_eur],
        "surcharge_rate": str(decision.surcharge_rate),
        "steps": [step.as_json() for step in decision.steps],
    }


def parameters_json(on: date) -> list[dict[str, object]]:
    """Every parameter's value on `on` with its reference and whether it is uncertain."""
    rows: list[dict[str, object]] = []
    for name in parameter_names():
        found = parameter_at(name, on)
        rows.append(
            {
                "name": name,
                "description": found.description,
                "unit": found.unit,
                "value": found.value,
                "valid_from": found.valid_from.isoformat() if found.valid_from else None,
                "reference": found.reference.as_json() if found.reference else None,
                "uncertain": found.reference.uncertain if found.reference else False,
                "note": found.note,
            }
        )
    return rows
