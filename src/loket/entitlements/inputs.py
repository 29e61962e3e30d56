"""Reading the situation a case worker enters on the staff dossier page.

Each reader returns the situation, or the errors by form field (messages marked for translation)
so that the page can say which answer to correct. Nothing is guessed: an amount that cannot be
read is an error, never a zero.
"""

import dataclasses
from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from loket.applications.validation import parse_date, parse_money
from loket.rules import Child, LivingWageSituation, MaintenanceSituation
from loket.texts import N_

CATEGORIES = ("cohabitant", "single", "family")
CATEGORY_LABELS = {
    "cohabitant": N_("Cohabitant"),
    "single": N_("Single"),
    "family": N_("With a family in their care"),
}
MAX_AMOUNT = Decimal("100000")
MAX_CHILDREN = 4
_BAD_AMOUNT = N_("Enter an amount in euro, like 850,00.")


def read_money(text: str, *, required: bool = True) -> Decimal | None:
    """An amount typed with a comma or a point for the cents; None when it cannot be read."""
    if not text and not required:
        return Decimal(0)
    amount = parse_money(text)
    return amount if amount is not None and amount <= MAX_AMOUNT else None


def _amounts(
    form: Mapping[str, str], names: tuple[str, ...], errors: dict[str, str]
) -> dict[str, Decimal]:
    read: dict[str, Decimal] = {}
    for name in names:
        amount = read_money(form.get(name, "").strip(), required=False)
        if amount is None:
            errors[name] = _BAD_AMOUNT
        else:
            read[name] = amount
    return read


def read_living_wage_form(
    form: Mapping[str, str], previous: LivingWageSituation | None
) -> tuple[LivingWageSituation | None, dict[str, str]]:
    """The situation the recompute form describes. What the form does not ask (residence,
    registration, willingness to work …) is kept from the previous assessment."""
    errors: dict[str, str] = {}
    category = form.get("wage_category", "")
    if category not in CATEGORIES:
        errors["wage_category"] = N_("Choose the category: cohabitant, single or with a family.")
    age_text = form.get("age", "").strip()
    age = int(age_text) if age_text.isdigit() and len(age_text) <= 3 else None
    if age is None or not 0 < age < 130:
        errors["age"] = N_("Enter the age in years, like 30.")
    amounts = _amounts(
        form,
        (
            "monthly_net_resources_eur",
            "monthly_employment_income_eur",
            "partner_monthly_income_eur",
            "relatives_monthly_income_eur",
        ),
        errors,
    )
    if (
        not errors
        and amounts["monthly_employment_income_eur"] > amounts["monthly_net_resources_eur"]
    ):
        errors["monthly_employment_income_eur"] = N_(
            "The income from work is part of the net resources: it cannot be more."
        )
    if errors or age is None:
        return None, errors
    base = previous or LivingWageSituation(category="single")
    situation = dataclasses.replace(
        base,
        category=category,  # type: ignore[arg-type]
        age=age,
        monthly_net_resources_eur=amounts["monthly_net_resources_eur"],
        monthly_employment_income_eur=amounts["monthly_employment_income_eur"],
        partner_monthly_income_eur=amounts["partner_monthly_income_eur"],
        relatives_monthly_income_eur=amounts["relatives_monthly_income_eur"],
        socio_professional_exemption=form.get("socio_professional_exemption") == "yes",
        shortage_occupation_exemption=form.get("shortage_occupation_exemption") == "yes",
        count_relatives_income=form.get("count_relatives_income") == "yes",
    )
    return situation, {}


def _yes_no(form: Mapping[str, str], name: str, errors: dict[str, str], missing: str) -> bool:
    value = form.get(name, "")
    if value not in ("yes", "no"):
        errors[name] = missing
    return value == "yes"


def read_maintenance_form(
    form: Mapping[str, str],
) -> tuple[MaintenanceSituation | None, dict[str, str]]:
    """The creditor's situation from the advance form: up to four children, each with the
    monthly maintenance the title grants; an empty child line is no child."""
    errors: dict[str, str] = {}
    domiciled = _yes_no(form, "domiciled", errors, N_("Say whether the creditor lives in Belgium."))
    title = _yes_no(form, "title", errors, N_("Say whether there is an enforceable title."))
    missed_text = form.get("missed_payments", "").strip()
    missed = int(missed_text) if missed_text.isdigit() and len(missed_text) <= 2 else None
    if missed is None or missed > 12:
        errors["missed_payments"] = N_(
            "Enter how many of the last 12 months were not paid, 0 to 12."
        )
    income = read_money(form.get("creditor_income", "").strip())
    if income is None:
        errors["creditor_income"] = _BAD_AMOUNT
    requested_on = parse_date(form.get("requested_on", "").strip())
    if requested_on is None:
        errors["requested_on"] = N_("Enter the date of the request, like 15-01-2026.")
    children: list[Child] = []
    for number in range(1, MAX_CHILDREN + 1):
        text = form.get(f"child_{number}", "").strip()
        if not text:
            continue
        amount = read_money(text)
        if amount is None or amount <= 0:
            errors[f"child_{number}"] = _BAD_AMOUNT
            continue
        children.append(Child(amount, disabled=form.get(f"child_{number}_disabled") == "yes"))
    if not children and not any(name.startswith("child_") for name in errors):
        errors["child_1"] = N_("Enter the monthly maintenance of at least one child.")
    if errors or missed is None or income is None or requested_on is None:
        return None, errors
    situation = MaintenanceSituation(
        creditor_domiciled_in_belgium=domiciled,
        enforceable_title=title,
        missed_payments_last_12_months=missed,
        children=tuple(children),
        creditor_monthly_net_income_eur=income,
        requested_on=requested_on,
    )
    return situation, {}


def read_ledger_form(
    form: Mapping[str, str],
) -> tuple[tuple[str, Decimal, date] | None, dict[str, str]]:
    """(kind, amount, date) of a ledger entry from its form."""
    errors: dict[str, str] = {}
    kind = form.get("kind", "")
    if kind not in ("advance", "recovery"):
        errors["kind"] = N_("Choose an advance or a recovery.")
    amount = read_money(form.get("amount", "").strip())
    if amount is None or amount <= 0:
        errors["amount"] = N_("Enter an amount above 0 euro, like 175,00.")
    booked_on = parse_date(form.get("booked_on", "").strip())
    if booked_on is None:
        errors["booked_on"] = N_("Enter the date of the payment, like 15-01-2026.")
    if errors or amount is None or booked_on is None:
        return None, errors
    return (kind, amount, booked_on), {}
