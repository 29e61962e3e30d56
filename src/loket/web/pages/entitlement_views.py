"""What the staff dossier page shows of a dossier's entitlements: the living-wage computation step
by step with its articles, the amount history and the legal terms; or the maintenance-advance
decision and the recovery ledger with its running balance."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session

from loket.cases.model import Dossier
from loket.entitlements.advances import (
    MAINTENANCE_CASE_TYPE,
    latest_decision,
    ledger_of,
)
from loket.entitlements.assessments import (
    LIVING_WAGE_CASE_TYPE,
    assessment_history,
    decision_day,
    decision_terms,
    latest_assessment,
)
from loket.entitlements.inputs import CATEGORY_LABELS, MAX_CHILDREN
from loket.entitlements.situations import maintenance_situation, situation_json
from loket.rules import ComputationStep, decide_advance
from loket.texts import N_
from loket.web.pages.rendering import gettext_for

REASON_LABELS = {
    "request": N_("From the citizen's request"),
    "recomputed": N_("Recomputed by a case worker"),
    "reindex": N_("Recomputed after an index change"),
}
LEDGER_LABELS = {"advance": N_("Advance paid"), "recovery": N_("Recovered from the debtor")}


@dataclass(frozen=True)
class StepLine:
    label: str
    amount: Decimal | None
    law: str
    gazette: date | None
    uncertain: bool


def _label(gettext: Any, step: ComputationStep) -> str:
    """The step's label in the reader's language, its values filled in ({category} …)."""
    text = str(gettext(step.label))
    if not step.label_args:
        return text
    args = {name: str(gettext(value)) for name, value in step.label_args.items()}
    try:
        return text.format(**args)
    except (KeyError, IndexError, ValueError):
        # A translation that lost a placeholder still shows the step.
        return text


def step_lines(request: Request, steps: tuple[ComputationStep, ...]) -> list[StepLine]:
    """Each step in the reader's language, with the article it applies."""
    _ = gettext_for(request)
    lines = []
    for step in steps:
        reference = step.reference
        law = f"{reference.article}, {reference.title}" if reference else ""
        lines.append(
            StepLine(
                _label(_, step),
                step.amount_eur,
                law,
                reference.gazette_date if reference else None,
                bool(reference and reference.uncertain),
            )
        )
    return lines


def _terms(session: Session, dossier: Dossier, today: date) -> dict[str, Any]:
    decided = decision_day(session, dossier.id)
    terms = decision_terms(dossier.opened_on, decided)
    return {
        "terms": terms,
        "decided_on": decided,
        "decision_overdue_days": (today - terms.decision_due).days
        if decided is None and today > terms.decision_due
        else 0,
        "decided_late": decided is not None and decided > terms.decision_due,
    }


def living_wage_context(
    request: Request, session: Session, dossier: Dossier, today: date
) -> dict[str, Any]:
    assessed = latest_assessment(session, dossier.id)
    situation = assessed.assessment.situation if assessed else {}
    return {
        "living_wage": {
            "assessed": assessed,
            "steps": step_lines(request, assessed.computation.steps) if assessed else [],
            "unmet": list(assessed.computation.unmet_conditions) if assessed else [],
            "history": assessment_history(session, dossier.id),
            "situation": situation,
            "categories": list(CATEGORY_LABELS.items()),
            "reasons": REASON_LABELS,
            **_terms(session, dossier, today),
        }
    }


def maintenance_context(request: Request, session: Session, dossier: Dossier) -> dict[str, Any]:
    row = latest_decision(session, dossier.id)
    steps: list[StepLine] = []
    form: dict[str, Any] = {}
    if row is not None:
        situation = maintenance_situation(row.situation)
        steps = step_lines(request, decide_advance(situation, row.decided_on).steps)
        form = situation_json(situation)
    children = list(form.get("children", []))
    children += [{}] * (MAX_CHILDREN - len(children))
    return {
        "maintenance": {
            "decision": row,
            "steps": steps,
            "situation": form,
            "children": children[:MAX_CHILDREN],
            "ledger": ledger_of(session, dossier.id),
            "ledger_labels": LEDGER_LABELS,
        }
    }


def entitlement_context(
    request: Request, session: Session, dossier: Dossier, today: date
) -> dict[str, Any]:
    """The context the dossier template needs for the entitlements of this dossier's type."""
    if dossier.case_type == LIVING_WAGE_CASE_TYPE:
        return living_wage_context(request, session, dossier, today)
    if dossier.case_type == MAINTENANCE_CASE_TYPE:
        return maintenance_context(request, session, dossier)
    return {}
