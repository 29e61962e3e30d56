"""The typed values the rules take and give: situations, results and their legal references.

Money is `Decimal` rounded to the cent in results; dates are `datetime.date`.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal, get_args

LivingWageCategory = Literal["cohabitant", "single", "family"]
LIVING_WAGE_CATEGORIES: tuple[LivingWageCategory, ...] = get_args(LivingWageCategory)


@dataclass(frozen=True)
class LegalReference:
    """Where a rule or an amount comes from: the act, its article and its gazette date."""

    title: str
    article: str
    gazette_date: date | None
    uncertain: bool = False

    def as_json(self) -> dict[str, object]:
        return {
            "title": self.title,
            "article": self.article,
            "gazette_date": self.gazette_date.isoformat() if self.gazette_date else None,
            "uncertain": self.uncertain,
        }


@dataclass(frozen=True)
class ComputationStep:
    """One line of an explanation: a translatable label, its amount and its article."""

    label: str
    label_args: dict[str, str]
    amount_eur: Decimal | None
    reference: LegalReference | None

    def as_json(self) -> dict[str, object]:
        return {
            "label": self.label,
            "text": self.label.format(**self.label_args),
            "label_args": dict(self.label_args),
            "amount_eur": str(self.amount_eur) if self.amount_eur is not None else None,
            "reference": self.reference.as_json() if self.reference else None,
        }


@dataclass(frozen=True)
class LivingWageSituation:
    """What an OCMW needs to know to estimate a living wage (leefloon)."""

    category: LivingWageCategory
    age: int = 30
    resident_in_belgium: bool = True
    registered: bool = True
    willing_to_work: bool = True
    other_benefits_claimed: bool = True
    minor_exception: bool = False
    monthly_net_resources_eur: Decimal = Decimal(0)
    monthly_employment_income_eur: Decimal = Decimal(0)
    socio_professional_exemption: bool = False
    shortage_occupation_exemption: bool = False
    partner_monthly_income_eur: Decimal = Decimal(0)
    relatives_monthly_income_eur: Decimal = Decimal(0)
    count_relatives_income: bool = False


@dataclass(frozen=True)
class LivingWageComputation:
    """The estimate: eligibility, the monthly amount and every step behind it."""

    on: date
    category: LivingWageCategory
    eligible: bool
    unmet_conditions: tuple[str, ...]
    category_amount_eur: Decimal
    monthly_amount_eur: Decimal
    steps: tuple[ComputationStep, ...]


@dataclass(frozen=True)
class ProcedureTerms:
    """The dates an OCMW must meet once a living-wage request is submitted."""

    decision_due: date
    notification_due: date
    piis_due: date | None


@dataclass(frozen=True)
class Child:
    """A child for whom an enforceable title grants maintenance."""

    monthly_title_amount_eur: Decimal
    disabled: bool = False


@dataclass(frozen=True)
class MaintenanceSituation:
    """A request to DAVO for advances on unpaid maintenance for children."""

    creditor_domiciled_in_belgium: bool
    enforceable_title: bool
    missed_payments_last_12_months: int
    children: tuple[Child, ...]
    creditor_monthly_net_income_eur: Decimal
    requested_on: date


@dataclass(frozen=True)
class AdvanceDecision:
    """What DAVO would advance per month, and the surcharge the debtor will owe."""

    on: date
    eligible: bool
    unmet_conditions: tuple[str, ...]
    monthly_advance_eur: Decimal
    per_child_eur: tuple[Decimal, ...]
    surcharge_rate: Decimal
    steps: tuple[ComputationStep, ...]


@dataclass(frozen=True)
class LedgerEntry:
    """One movement on a maintenance claim: an advance paid or an amount recovered."""

    on: date
    kind: Literal["advance", "recovery"]
    amount_eur: Decimal


@dataclass(frozen=True)
class RecoveryLedger:
    """What the debtor owes DAVO on one claim, with a running balance per movement."""

    advanced_eur: Decimal
    surcharge_eur: Decimal
    recovered_eur: Decimal
    owed_eur: Decimal
    rows: tuple[tuple[date, str, Decimal, Decimal], ...]
    creditor_fee_eur: Decimal = field(default=Decimal(0))
