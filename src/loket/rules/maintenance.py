"""DAVO advances on unpaid maintenance for children, and the recovery ledger of a claim.

Wet van 21 februari 2003 tot oprichting van een Dienst voor alimentatievorderingen.
"""

from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from loket.rules.errors import RulesError
from loket.rules.model import (
    AdvanceDecision,
    ComputationStep,
    LedgerEntry,
    LegalReference,
    MaintenanceSituation,
    RecoveryLedger,
)
from loket.rules.system import parameter_at, reference_of, require_known, value_on
from loket.texts import N_

CENT = Decimal("0.01")
DAVO = (
    "Wet van 21 februari 2003 tot oprichting van een Dienst voor alimentatievorderingen bij "
    "de FOD Financiën"
)


def _davo(article: str) -> LegalReference:
    return LegalReference(DAVO, article, date(2003, 3, 28))


def _money(value: float | Decimal) -> Decimal:
    return Decimal(repr(value) if isinstance(value, float) else value).quantize(
        CENT, rounding=ROUND_HALF_UP
    )


def income_ceiling(children: int, disabled_children: int, on: date) -> Decimal | None:
    """The creditor's monthly net income ceiling on `on`, or None when none applies."""
    require_known("maintenance.income_ceiling.applies", on, "maintenance-advance rule")
    if not parameter_at("maintenance.income_ceiling.applies", on).value:
        return None
    ceiling = (
        value_on("maintenance.income_ceiling.base", on)
        + (children - disabled_children) * value_on("maintenance.income_ceiling.per_child", on)
        + disabled_children * value_on("maintenance.income_ceiling.per_disabled_child", on)
    )
    return _money(ceiling)


def decide_advance(situation: MaintenanceSituation, on: date) -> AdvanceDecision:
    """Whether DAVO advances maintenance for the children, and how much per month.

    DAVO advances only current maintenance for children, when the creditor lives in Belgium,
    holds an enforceable title and the debtor missed at least two payments in the last twelve
    months (art. 3-4); until mid-2020 the creditor's income also had to stay under a ceiling.
    Each child's advance is the title's amount, at most 175 euro a month.
    """
    if situation.missed_payments_last_12_months < 0:
        raise RulesError(
            "missed_payments_last_12_months: must be 0 or more",
            field="missed_payments_last_12_months",
        )
    if situation.missed_payments_last_12_months > 12:
        raise RulesError(
            "missed_payments_last_12_months: at most 12 payments fall in 12 months",
            field="missed_payments_last_12_months",
        )
    for index, child in enumerate(situation.children):
        if child.monthly_title_amount_eur < 0:
            raise RulesError(
                f"children[{index}].monthly_title_amount_eur: must be 0 or more",
                field="children",
            )
    if situation.creditor_monthly_net_income_eur < 0:
        raise RulesError(
            "creditor_monthly_net_income_eur: must be 0 or more",
            field="creditor_monthly_net_income_eur",
        )
    children = situation.children
    disabled = sum(1 for child in children if child.disabled)
    ceiling = income_ceiling(len(children), disabled, on)
    steps: list[ComputationStep] = []
    unmet: list[str] = []

    def condition(ok: bool, text: str, reference: LegalReference | None) -> None:
        if not ok:
            unmet.append(text)
            steps.append(ComputationStep(text, {}, None, reference))

    condition(
        situation.creditor_domiciled_in_belgium,
        N_("The creditor does not live in Belgium"),
        _davo("art. 3 and art. 4, § 1"),
    )
    condition(
        situation.enforceable_title,
        N_("No enforceable title grants the maintenance"),
        _davo("art. 2 and art. 3"),
    )
    needed = int(value_on("maintenance.minimum_missed_payments", on))
    condition(
        situation.missed_payments_last_12_months >= needed,
        N_("Fewer than two payments were missed in the last 12 months"),
        reference_of("maintenance.minimum_missed_payments", on),
    )
    condition(bool(children), N_("No child is entitled to maintenance"), _davo("art. 4, § 1"))
    if ceiling is not None:
        steps.append(
            ComputationStep(
                N_("Income ceiling of the creditor per month"),
                {"children": str(len(children))},
                ceiling,
                reference_of("maintenance.income_ceiling.base", on),
            )
        )
        condition(
            situation.creditor_monthly_net_income_eur <= ceiling,
            N_("The creditor's income is above the ceiling"),
            reference_of("maintenance.income_ceiling.base", on),
        )
    cap = _money(value_on("maintenance.advance_cap_per_child", on))
    per_child: tuple[Decimal, ...] = ()
    if not unmet:
        per_child = tuple(min(_money(c.monthly_title_amount_eur), cap) for c in children)
        for number, amount in enumerate(per_child, start=1):
            steps.append(
                ComputationStep(
                    N_("Advance for child {number}: the title's amount, at most {cap} euro"),
                    {"number": str(number), "cap": str(cap)},
                    amount,
                    reference_of("maintenance.advance_cap_per_child", on),
                )
            )
    total = sum(per_child, Decimal("0.00"))
    rate = Decimal(repr(value_on("maintenance.surcharge.debtor_rate", situation.requested_on)))
    steps.append(
        ComputationStep(N_("Advance per month"), {}, total, _davo("art. 4, § 1")),
    )
    steps.append(
        ComputationStep(
            N_("Surcharge the debtor owes on the recovered amounts: {rate}%"),
            {"rate": str((rate * 100).normalize())},
            None,
            reference_of("maintenance.surcharge.debtor_rate", situation.requested_on),
        )
    )
    return AdvanceDecision(on, not unmet, tuple(unmet), total, per_child, rate, tuple(steps))


def recovery_ledger(entries: Sequence[LedgerEntry], requested_on: date) -> RecoveryLedger:
    """What the debtor owes DAVO on a claim: advances plus the surcharge, less recoveries.

    For requests from 1 January 2015 the debtor owes a 13% surcharge on the principal and
    arrears DAVO advances or collects (art. 12); before, a lower surcharge applied and the
    creditor paid 5% of what DAVO recovered. The balance owed never goes below zero.
    """
    require_known("maintenance.surcharge.debtor_rate", requested_on, "DAVO surcharge")
    rate = Decimal(repr(value_on("maintenance.surcharge.debtor_rate", requested_on)))
    creditor_rate = Decimal(repr(value_on("maintenance.surcharge.creditor_rate", requested_on)))
    advanced = surcharge = recovered = Decimal("0.00")
    rows: list[tuple[date, str, Decimal, Decimal]] = []
    for index, entry in enumerate(sorted(entries, key=lambda e: e.on)):
        amount = _money(entry.amount_eur)
        if amount < 0:
            raise RulesError(f"entries[{index}].amount_eur: must be 0 or more", field="entries")
        if entry.kind == "advance":
            advanced += amount
            surcharge += _money(amount * rate)
        elif entry.kind == "recovery":
            recovered += amount
        else:
            raise RulesError(
                f"entries[{index}].kind: {entry.kind!r} is not advance or recovery",
                field="entries",
            )
        rows.append(
            (entry.on, entry.kind, amount, max(advanced + surcharge - recovered, Decimal("0.00")))
        )
    owed = max(advanced + surcharge - recovered, Decimal("0.00"))
    creditor_fee = _money(min(recovered, advanced + surcharge) * creditor_rate)
    return RecoveryLedger(advanced, surcharge, recovered, owed, tuple(rows), creditor_fee)
