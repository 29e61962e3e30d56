"""Rules as code on openfisca-core: the living wage and DAVO advances, from dated parameters.

Every amount traces back to an article and a dated parameter in `parameters/`; see docs/rules.md.
"""

from loket.rules.cases import load_case, read_case
from loket.rules.errors import DateOutOfRange, RulesError
from loket.rules.living_wage import (
    estimate_living_wage,
    living_wage_amounts,
    living_wage_category_amounts,
)
from loket.rules.maintenance import decide_advance, income_ceiling, recovery_ledger
from loket.rules.model import (
    LIVING_WAGE_CATEGORIES,
    AdvanceDecision,
    Child,
    ComputationStep,
    LedgerEntry,
    LegalReference,
    LivingWageCategory,
    LivingWageComputation,
    LivingWageSituation,
    MaintenanceSituation,
    ProcedureTerms,
    RecoveryLedger,
)
from loket.rules.procedure import federal_refund_rate, living_wage_terms

__all__ = [
    "LIVING_WAGE_CATEGORIES",
    "AdvanceDecision",
    "Child",
    "ComputationStep",
    "DateOutOfRange",
    "LedgerEntry",
    "LegalReference",
    "LivingWageCategory",
    "LivingWageComputation",
    "LivingWageSituation",
    "MaintenanceSituation",
    "ProcedureTerms",
    "RecoveryLedger",
    "RulesError",
    "decide_advance",
    "estimate_living_wage",
    "federal_refund_rate",
    "income_ceiling",
    "living_wage_amounts",
    "living_wage_category_amounts",
    "living_wage_terms",
    "load_case",
    "read_case",
    "recovery_ledger",
]
