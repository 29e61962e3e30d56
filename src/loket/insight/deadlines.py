"""The legal terms of each case type and the due date they give a dossier.

A dossier awaiting a decision (requested or in review) is due on the day it was opened plus the
decision term of its case type; once decided it has no decision due date any more.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from loket.cases.choices import DossierStatus

# The statuses in which a dossier still waits for its decision.
AWAITING_DECISION = (DossierStatus.REQUESTED.value, DossierStatus.IN_REVIEW.value)

LIVING_WAGE_LAW = "Wet van 26 mei 2002 betreffende het recht op maatschappelijke integratie"
DAVO_LAW = (
    "Wet van 21 februari 2003 tot oprichting van een Dienst voor alimentatievorderingen "
    "bij de FOD Financiën"
)


@dataclass(frozen=True)
class Term:
    """One legal term: how many calendar days, counted from when, and where the law says so."""

    days: int
    counted_from: str
    reference: str


@dataclass(frozen=True)
class CaseTerms:
    """The terms of a case type; None where the law sets no term for that step."""

    case_type: str
    decision: Term | None = None
    notification: Term | None = None
    forwarding: Term | None = None
    note: str = ""

    def decision_due_on(self, opened_on: date) -> date | None:
        return None if self.decision is None else opened_on + timedelta(days=self.decision.days)


CASE_TERMS: dict[str, CaseTerms] = {
    terms.case_type: terms
    for terms in (
        CaseTerms(
            "leefloon",
            decision=Term(30, "receipt of the request", f"{LIVING_WAGE_LAW}, art. 21, § 1"),
            notification=Term(8, "the decision", f"{LIVING_WAGE_LAW}, art. 21, § 3"),
            forwarding=Term(
                5, "receipt of the request", f"{LIVING_WAGE_LAW}, art. 18, § 4 (not competent)"
            ),
        ),
        CaseTerms(
            "situation-change",
            decision=Term(30, "receipt of the report", f"{LIVING_WAGE_LAW}, art. 21, § 1"),
            notification=Term(8, "the decision", f"{LIVING_WAGE_LAW}, art. 21, § 3"),
            note="A change in situation is decided like a new living-wage request.",
        ),
        CaseTerms(
            "debt-mediation",
            note="No statutory decision term; the office sets its own service level.",
        ),
        CaseTerms(
            "maintenance-claim",
            decision=Term(30, "the complete request", f"{DAVO_LAW} (article to confirm)"),
            note="The debtor first has 15 days to answer the notice DAVO sends on receipt.",
        ),
        CaseTerms("tax-collection", note="Collection runs on the tax debt's own time limits."),
        CaseTerms("tax-question", note="No statutory term; answered as a service question."),
    )
}


def terms_of(case_type: str) -> CaseTerms:
    """The terms of `case_type`; an unknown type has none (and is never overdue)."""
    return CASE_TERMS.get(case_type) or CaseTerms(case_type)


def decision_due_on(case_type: str, opened_on: date, status: str) -> date | None:
    """The day the decision is due, while the dossier still awaits one."""
    if status not in AWAITING_DECISION:
        return None
    return terms_of(case_type).decision_due_on(opened_on)


def decided_in_term(case_type: str, opened_on: date, decided_on: date) -> bool:
    """Whether a decision came within the legal term (always, where there is no term)."""
    due = terms_of(case_type).decision_due_on(opened_on)
    return due is None or decided_on <= due


def is_overdue(due_on: date | None, today: date) -> bool:
    """Overdue from the day after the due date: the last day of the term still counts."""
    return due_on is not None and due_on < today
