"""The indicator register: every feature the control score may use, with its purpose, legal
basis, source and rationale. Scoring refuses anything not registered here, and refuses
protected attributes outright, so the model can be read and contested (the SyRI lesson)."""

from collections.abc import Iterable
from dataclasses import dataclass

MODEL_VERSION = "peer-ratios-1"


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    numerator: str
    denominator: str
    purpose: str
    legal_basis: str
    source: str
    rationale: str


_BASIS = (
    "WIB 92/CIR 92 art. 315-322 and VAT Code art. 61-63 (investigative powers of the tax "
    "administration); Act of 3 August 2012 on the processing of personal data by the FPS "
    "Finance (data analysis for the selection of controls); GDPR art. 5(1)(c) (data "
    "minimisation). To be confirmed by the data protection officer before use"
)
INDICATORS = (
    Indicator(
        code="markup",
        label="turnover per euro of purchases",
        numerator="turnover_eur",
        denominator="purchases_eur",
        purpose="find turnover that is low for the goods bought, the classic sign of "
        "unrecorded sales",
        legal_basis=_BASIS,
        source="VAT returns (grids 00-03 and 81-82) as filed by the enterprise",
        rationale="within a sector the gross margin is stable; hidden sales lower it while "
        "the purchases stay on the books",
    ),
    Indicator(
        code="turnover_per_worker",
        label="turnover per worker (employees plus the self-employed owner)",
        numerator="turnover_eur",
        denominator="employees + 1",
        purpose="find turnover that is low for the work force that produces it",
        legal_basis=_BASIS,
        source="VAT returns; employee count from the DmfA quarterly declaration",
        rationale="labour productivity within a sector varies with size and age, which the "
        "model allows for; an unexplained low figure asks for an explanation",
    ),
    Indicator(
        code="turnover_per_wage",
        label="turnover per euro of wages",
        numerator="turnover_eur",
        denominator="wage_bill_eur",
        purpose="find turnover that is low for the wages paid",
        legal_basis=_BASIS,
        source="VAT returns; wage bill from the DmfA quarterly declaration",
        rationale="wages are hard to hide; turnover that does not cover them is unusual",
    ),
    Indicator(
        code="turnover_per_m2",
        label="turnover per square metre of premises",
        numerator="turnover_eur",
        denominator="floor_area_m2",
        purpose="find turnover that is low for the premises it is earned in",
        legal_basis=_BASIS,
        source="VAT returns; floor area from the cadastral register (AAPD)",
        rationale="sales per square metre are a standard retail and catering measure",
    ),
)
INDICATOR_CODES = tuple(indicator.code for indicator in INDICATORS)
# The expected-turnover model's score: one derived feature from the same declared inputs.
EXPECTED_TURNOVER = Indicator(
    code="expected_turnover",
    label="turnover against what its inputs predict",
    numerator="turnover_eur",
    denominator="turnover predicted from purchases_eur, employees, wage_bill_eur, "
    "floor_area_m2 and founded_year",
    purpose="find turnover that is low for the purchases, staff, wages, premises and age of "
    "the enterprise together, weighing each input by how well it predicts turnover in the "
    "sector",
    legal_basis=_BASIS,
    source="VAT returns; employees and wage bill from the DmfA quarterly declaration; floor "
    "area from the cadastral register (AAPD); founding year from the Crossroads Bank for "
    "Enterprises (KBO/BCE)",
    rationale="a single ratio is a noisy witness; a robust per-sector regression on all "
    "inputs gives the precise ones (purchases, where margins are stable) the weight they "
    "deserve, and area effects shrunk towards the wider area allow for local prices",
)
DERIVED_FEATURES = (EXPECTED_TURNOVER,)
FEATURE_CODES = INDICATOR_CODES + tuple(feature.code for feature in DERIVED_FEATURES)

# Attributes about a person or a place of origin that must never drive a selection: the
# Dutch childcare-benefits scandal selected on nationality.
PROTECTED_ATTRIBUTES = frozenset(
    {
        "nationality",
        "citizenship",
        "country_of_birth",
        "place_of_birth",
        "sex",
        "gender",
        "language",
        "mother_tongue",
        "religion",
        "ethnicity",
        "origin",
        "name",
        "family_name",
        "given_names",
        "first_name",
        "last_name",
        "owner_name",
        "manager_name",
        "birth_date",
        "age",
        "disability",
        "health",
        "marital_status",
        "income_of_owner",
        # The same in the languages Belgian files come in.
        "nationaliteit", "nationalite", "nationalité", "staatsangehörigkeit",
        "geslacht", "sexe", "geschlecht", "taal", "langue", "sprache", "moedertaal",
        "langue_maternelle", "muttersprache", "naam", "nom", "familienaam", "voornaam",
        "prénom", "prenom", "vorname", "nachname", "geboortedatum", "date_de_naissance",
        "geburtsdatum", "geboorteplaats", "lieu_de_naissance", "geburtsort", "leeftijd",
        "âge", "alter", "godsdienst", "religie", "religión", "herkomst", "origine",
        "herkunft", "etniciteit", "ethnie", "burgerlijke_staat", "etat_civil", "état_civil",
        "handicap", "gezondheid", "santé",
    }
)  # fmt: skip


class UnregisteredFeature(ValueError):
    """A feature asked for that the indicator register does not hold."""


class ProtectedFeature(ValueError):
    """A protected attribute offered as an input to scoring."""


def check_indicators(codes: Iterable[str]) -> tuple[str, ...]:
    """The indicators asked for, in register order. An unregistered code is refused: the
    register is the only list of what may weigh in a selection."""
    asked = list(codes)
    if not asked:
        raise UnregisteredFeature(
            "no indicator asked for; choose from " + ", ".join(INDICATOR_CODES)
        )
    for code in asked:
        if _is_protected(code):
            raise ProtectedFeature(f"indicator '{code}': a protected attribute is never a feature")
        if code not in INDICATOR_CODES:
            raise UnregisteredFeature(
                f"indicator '{code}' is not in the indicator register; registered: "
                + ", ".join(INDICATOR_CODES)
            )
    return tuple(code for code in INDICATOR_CODES if code in asked)


def check_features(codes: Iterable[str]) -> tuple[str, ...]:
    """Features a model derives (beside the ratios): refused unless registered."""
    asked = tuple(codes)
    for code in asked:
        if _is_protected(code):
            raise ProtectedFeature(f"feature '{code}': a protected attribute is never a feature")
        if code not in FEATURE_CODES:
            raise UnregisteredFeature(f"feature '{code}' is not in the indicator register")
    return asked


def _is_protected(column: str) -> bool:
    name = column.strip().lower().replace("-", "_").replace(" ", "_")
    return name in PROTECTED_ATTRIBUTES or name.startswith(
        ("nationalit", "sex_", "gender_", "geslacht_", "sexe_", "country_of_birth")
    )


def refuse_protected_columns(columns: Iterable[str]) -> None:
    """A dossiers file that carries a protected attribute is refused as a whole: the data must
    not reach the scoring step at all, not merely be left unused."""
    found = sorted(column for column in columns if _is_protected(column))
    if found:
        raise ProtectedFeature(
            "the dossiers file has protected attribute column(s) "
            + ", ".join(f"'{name}'" for name in found)
            + "; remove them: nationality, sex, language, names and the like are never inputs"
        )
