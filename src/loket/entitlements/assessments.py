"""Living-wage assessments of leefloon dossiers: the first from the citizen's request, then each
recomputation by a case worker or after an index jump, all kept.

Rule: the current amount of a dossier is that of its newest assessment. An assessment is never
changed; recomputing adds one, so the history shows every amount the dossier had and why.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from loket.cases.choices import DossierStatus, EventKind
from loket.cases.model import Dossier, DossierEvent
from loket.entitlements.errors import require_case_type
from loket.entitlements.model import LivingWageAssessment, to_cents
from loket.entitlements.situations import (
    living_wage_situation,
    request_situation,
    situation_json,
)
from loket.rules import (
    LivingWageComputation,
    LivingWageSituation,
    ProcedureTerms,
    RulesError,
    estimate_living_wage,
    living_wage_terms,
)

LIVING_WAGE_CASE_TYPE = "leefloon"


@dataclass(frozen=True)
class Assessed:
    """A stored assessment with the computation behind it (steps and articles)."""

    assessment: LivingWageAssessment
    computation: LivingWageComputation


def assess_living_wage(
    session: Session,
    dossier: Dossier,
    situation: LivingWageSituation,
    on: date,
    *,
    computed_by: str,
    reason: str = "recomputed",
    now: datetime | None = None,
) -> Assessed:
    """Compute the living wage of `situation` with the amounts in force `on` and keep it as the
    dossier's newest assessment."""
    require_case_type(dossier, LIVING_WAGE_CASE_TYPE)
    computation = estimate_living_wage(situation, on)
    assessment = LivingWageAssessment(
        dossier_id=dossier.id,
        situation=situation_json(situation),
        category=computation.category,
        eligible=computation.eligible,
        monthly_amount_cents=to_cents(computation.monthly_amount_eur),
        parameters_on=on,
        reason=reason,
        computed_by=computed_by,
        computed_at=now or datetime.now(),
    )
    session.add(assessment)
    session.flush()
    return Assessed(assessment, computation)


def assess_request(
    session: Session, dossier: Dossier, answers: dict[str, object], on: date
) -> Assessed | None:
    """The first assessment of a leefloon dossier, from what the citizen answered in the
    request; None when the answers do not describe a household or no amounts are known for the
    day (the request is sent all the same: the rules never stop a citizen from applying)."""
    situation = request_situation(answers)
    if situation is None:
        return None
    try:
        return assess_living_wage(
            session, dossier, situation, on, computed_by="citizen", reason="request"
        )
    except RulesError:
        return None


def assessment_history(session: Session, dossier_id: int) -> list[LivingWageAssessment]:
    """Every assessment of the dossier, newest first."""
    return list(
        session.scalars(
            select(LivingWageAssessment)
            .where(LivingWageAssessment.dossier_id == dossier_id)
            .order_by(LivingWageAssessment.id.desc())
        )
    )


def latest_assessment(session: Session, dossier_id: int) -> Assessed | None:
    """The dossier's current assessment with its computation redone on the stored date (the
    steps are not stored: the rules give the same steps for the same situation and date)."""
    newest = session.scalar(
        select(LivingWageAssessment)
        .where(LivingWageAssessment.dossier_id == dossier_id)
        .order_by(LivingWageAssessment.id.desc())
        .limit(1)
    )
    if newest is None:
        return None
    situation = living_wage_situation(newest.situation)
    return Assessed(newest, estimate_living_wage(situation, newest.parameters_on))


def estimate_for_request(answers: dict[str, object], on: date) -> Decimal | None:
    """What the citizen might receive per month according to their answers: the amount, 0 when
    the answers alone already rule the living wage out, None when the household is not known."""
    situation = request_situation(answers)
    if situation is None:
        return None
    try:
        return estimate_living_wage(situation, on).monthly_amount_eur
    except RulesError:
        # No amounts known for that day: better no estimate than a wrong one.
        return None


def decision_terms(submitted_on: date, decided_on: date | None = None) -> ProcedureTerms:
    """The 30-day decision and 8-day notification terms of a leefloon request."""
    return living_wage_terms(submitted_on, decided_on)


DECIDED_STATUSES = (DossierStatus.ACTIVE.value, DossierStatus.REFUSED.value)


def decision_day(session: Session, dossier_id: int) -> date | None:
    """The day the welfare centre decided: the first time the dossier became active (granted)
    or refused; None while it has not decided."""
    return session.scalar(
        select(func.min(DossierEvent.effective_date)).where(
            DossierEvent.dossier_id == dossier_id,
            DossierEvent.kind == EventKind.STATUS_CHANGED.value,
            DossierEvent.to_status.in_(DECIDED_STATUSES),
        )
    )
