"""The living-wage procedure: the dates an OCMW must meet and the federal refund rate."""

import calendar
from datetime import date, timedelta
from decimal import Decimal

from loket.rules.errors import RulesError
from loket.rules.model import ProcedureTerms
from loket.rules.system import parameter_at, value_on


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has no such day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def living_wage_terms(submitted_on: date, decided_on: date | None = None) -> ProcedureTerms:
    """When the OCMW must decide, notify and conclude the integration project (PIIS).

    The OCMW decides within 30 days of the request (art. 21, § 1) and notifies the decision
    within 8 days of taking it (art. 21, § 3); a new beneficiary's PIIS is concluded within
    three months of the decision (art. 11 and 13, since 1 November 2016).
    """
    if decided_on is not None and decided_on < submitted_on:
        raise RulesError(
            f"decided_on: {decided_on.isoformat()} is before the request of "
            f"{submitted_on.isoformat()}",
            field="decided_on",
        )
    decision_due = submitted_on + timedelta(
        days=int(value_on("living_wage.procedure.decision_days", submitted_on))
    )
    decided = decided_on or decision_due
    notification_due = decided + timedelta(
        days=int(value_on("living_wage.procedure.notification_days", submitted_on))
    )
    piis = parameter_at("living_wage.procedure.piis_months", submitted_on).value
    piis_due = add_months(decided, int(piis)) if piis is not None else None
    return ProcedureTerms(decision_due, notification_due, piis_due)


def federal_refund_rate(beneficiaries: int, piis: bool, on: date | None = None) -> Decimal:
    """The share of the living wage the federal state refunds to an OCMW (art. 32).

    55% below the first threshold of beneficiaries, 65% up to the second, 70% from it; ten
    points more for a beneficiary with an integration project (PIIS).
    """
    if beneficiaries < 0:
        raise RulesError("beneficiaries: must be 0 or more", field="beneficiaries")
    day = on or date.today()
    prefix = "living_wage.refund."
    if beneficiaries >= value_on(prefix + "large_threshold", day):
        rate = value_on(prefix + "large_rate", day)
    elif beneficiaries >= value_on(prefix + "medium_threshold", day):
        rate = value_on(prefix + "medium_rate", day)
    else:
        rate = value_on(prefix + "small_rate", day)
    if piis:
        rate += value_on(prefix + "piis_supplement", day)
    return Decimal(repr(rate)).quantize(Decimal("0.01"))
