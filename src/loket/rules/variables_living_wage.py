"""OpenFisca variables of the living wage (leefloon): inputs, conditions and the means test.

Wet 26 mei 2002 (art. 3, 14, 16) and KB 11 juli 2002 (art. 22, 34, 35). Money is float64 euro
per month unless the name says annual.
"""

# mypy: ignore-errors
import numpy
from openfisca_core.indexed_enums import Enum
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from loket.rules.system import Person

MONTH = DateUnit.MONTH


class Money(Variable):
    """Euro amounts in float64: OpenFisca's default float32 loses cents above 10,000 euro."""

    def __init__(self, baseline_variable=None) -> None:
        super().__init__(baseline_variable)
        self.dtype = numpy.float64


class LivingWageCategoryCode(Enum):
    cohabitant = "Cohabitant (category 1)"
    single = "Single (category 2)"
    family = "Living with a dependent family (category 3)"


class living_wage_category(Variable):
    value_type = Enum
    possible_values = LivingWageCategoryCode
    default_value = LivingWageCategoryCode.single
    entity = Person
    definition_period = MONTH
    label = "Living-wage category"
    reference = "Wet 26 mei 2002, art. 14, § 1"


def by_category(category, node):
    """The value of parameter `node` (with one child per category) for each person."""
    return numpy.select(
        [
            category == LivingWageCategoryCode.cohabitant,
            category == LivingWageCategoryCode.single,
        ],
        [node.cohabitant, node.single],
        node.family,
    )


def _flag(name, label, default, reference):
    return type(
        name,
        (Variable,),
        {
            "value_type": bool,
            "default_value": default,
            "entity": Person,
            "definition_period": MONTH,
            "label": label,
            "reference": reference,
        },
    )


def _money(name, label, reference):
    return type(
        name,
        (Money,),
        {
            "value_type": float,
            "entity": Person,
            "definition_period": MONTH,
            "label": label,
            "reference": reference,
        },
    )


class age(Variable):
    value_type = int
    default_value = 30
    entity = Person
    definition_period = MONTH
    label = "Age in years"


resident_in_belgium = _flag("resident_in_belgium", "Resides in Belgium", True, "art. 3, 1°")
registered = _flag("registered", "In the population or foreigners register", True, "art. 3, 3°")
willing_to_work = _flag("willing_to_work", "Willing to work or exempted", True, "art. 3, 5°")
other_benefits_claimed = _flag(
    "other_benefits_claimed", "Has claimed other benefits first", True, "art. 3, 6°"
)
minor_exception = _flag("minor_exception", "Minor treated as adult", False, "art. 7")
socio_professional_exemption = _flag(
    "socio_professional_exemption", "In the socio-professional window", False, "KB art. 35"
)
shortage_occupation_exemption = _flag(
    "shortage_occupation_exemption", "First months in a shortage occupation", False, "KB art. 35/1"
)
count_relatives_income = _flag(
    "count_relatives_income", "OCMW counts ascendants/descendants", False, "KB art. 34, § 2"
)
net_resources = _money("net_resources", "Own net resources per month", "Wet art. 16")
employment_income = _money("employment_income", "Part of them earned from work", "KB art. 35")
partner_income = _money("partner_income", "Cohabiting partner's income", "KB art. 34, § 1")
relatives_income = _money("relatives_income", "First-degree relatives' income", "KB art. 34, § 2")


class living_wage_category_amount(Money):
    value_type = float
    entity = Person
    definition_period = MONTH
    label = "Monthly amount of the category"
    reference = "Wet 26 mei 2002, art. 14, § 1"

    def formula(person, period, parameters):
        amounts = parameters(period).living_wage.amounts
        return by_category(person("living_wage_category", period), amounts)


class living_wage_age_condition(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "Of age, or a minor in one of the exceptions"
    reference = "Wet 26 mei 2002, art. 3, 2°, and art. 7"

    def formula(person, period, parameters):
        minimum = parameters(period).living_wage.minimum_age
        return (person("age", period) >= minimum) + person("minor_exception", period)


class living_wage_eligible(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "Meets every condition of the living wage"
    reference = "Wet 26 mei 2002, art. 3"

    def formula(person, period):
        return (
            person("living_wage_age_condition", period)
            * person("resident_in_belgium", period)
            * person("registered", period)
            * person("willing_to_work", period)
            * person("other_benefits_claimed", period)
        )


class living_wage_employment_exemption(Money):
    value_type = float
    entity = Person
    definition_period = MONTH
    label = "Exempted income from work per month"
    reference = "KB 11 juli 2002, art. 35"

    def formula(person, period, parameters):
        p = parameters(period).living_wage
        spi = numpy.where(
            person("socio_professional_exemption", period), p.socio_professional_exemption, 0.0
        )
        shortage = numpy.where(
            person("shortage_occupation_exemption", period),
            p.shortage_occupation_exemption,
            0.0,
        )
        earned = numpy.maximum(person("employment_income", period), 0.0)
        return numpy.minimum(numpy.maximum(spi, shortage), earned)


class living_wage_partner_resources(Money):
    value_type = float
    entity = Person
    definition_period = MONTH
    label = "Partner's income above the cohabitant amount, per month"
    reference = "KB 11 juli 2002, art. 34, § 1"

    def formula(person, period, parameters):
        cohabitant = parameters(period).living_wage.amounts.cohabitant
        return numpy.maximum(person("partner_income", period) - cohabitant, 0.0)


class living_wage_relatives_resources(Money):
    value_type = float
    entity = Person
    definition_period = MONTH
    label = "Relatives' income above the cohabitant amount, when counted, per month"
    reference = "KB 11 juli 2002, art. 34, § 2"

    def formula(person, period, parameters):
        p = parameters(period).living_wage
        counted = person("count_relatives_income", period) + bool(p.relatives_income_mandatory)
        above = numpy.maximum(person("relatives_income", period) - p.amounts.cohabitant, 0.0)
        return numpy.where(counted, above, 0.0)


class living_wage_annual_resources(Money):
    value_type = float
    entity = Person
    definition_period = MONTH
    label = "Resources counted, per year"
    reference = "Wet 26 mei 2002, art. 16; KB 11 juli 2002, art. 34-35"

    def formula(person, period):
        own = numpy.maximum(
            person("net_resources", period) - person("living_wage_employment_exemption", period),
            0.0,
        )
        monthly = (
            own
            + person("living_wage_partner_resources", period)
            + person("living_wage_relatives_resources", period)
        )
        return 12 * monthly


class living_wage_general_exemption(Money):
    value_type = float
    entity = Person
    definition_period = MONTH
    label = "General exemption, per year"
    reference = "KB 11 juli 2002, art. 22, § 1"

    def formula(person, period, parameters):
        exemption = parameters(period).living_wage.general_exemption
        amount = by_category(person("living_wage_category", period), exemption)
        below = person("living_wage_annual_resources", period) < 12 * person(
            "living_wage_category_amount", period
        )
        return numpy.where(below, amount, 0.0)


class living_wage_monthly_amount(Money):
    value_type = float
    entity = Person
    definition_period = MONTH
    label = "Living wage the OCMW pays per month"
    reference = "Wet 26 mei 2002, art. 14, § 2"

    def formula(person, period):
        annual_amount = 12 * person("living_wage_category_amount", period)
        counted = numpy.maximum(
            person("living_wage_annual_resources", period)
            - person("living_wage_general_exemption", period),
            0.0,
        )
        monthly = numpy.maximum(annual_amount - counted, 0.0) / 12
        return numpy.where(person("living_wage_eligible", period), monthly, 0.0)


VARIABLES = [
    living_wage_category,
    age,
    resident_in_belgium,
    registered,
    willing_to_work,
    other_benefits_claimed,
    minor_exception,
    socio_professional_exemption,
    shortage_occupation_exemption,
    count_relatives_income,
    net_resources,
    employment_income,
    partner_income,
    relatives_income,
    living_wage_category_amount,
    living_wage_age_condition,
    living_wage_eligible,
    living_wage_employment_exemption,
    living_wage_partner_resources,
    living_wage_relatives_resources,
    living_wage_annual_resources,
    living_wage_general_exemption,
    living_wage_monthly_amount,
]
