"""Choice lists with meaning for data exchange: the data categories an agency may consult, the
purposes it may consult them for, and which staff roles may consult what."""

from dataclasses import dataclass
from enum import StrEnum

from loket.cases.choices import Confidentiality, Role


class DataCategory(StrEnum):
    IDENTITY = "identity"
    ADDRESS = "address"
    LEEFLOON_STATUS = "leefloon-status"
    INCOME_TAX = "income-tax"
    MAINTENANCE_CLAIMS = "maintenance-claims"
    PROPERTY = "property"
    EMPLOYMENT = "employment"

    @property
    def info(self) -> "CategoryInfo":
        return CATEGORIES[self]


class Purpose(StrEnum):
    LEEFLOON_ELIGIBILITY = "leefloon-eligibility"
    TAX_COLLECTION = "tax-collection"
    MAINTENANCE_RECOVERY = "maintenance-recovery"
    FRAUD_CONTROL = "fraud-control"

    @property
    def info(self) -> "PurposeInfo":
        return PURPOSES[self]


@dataclass(frozen=True)
class CategoryInfo:
    labels: dict[str, str]
    description: str
    # The fields a consultation releases, and nothing else.
    fields: tuple[str, ...]
    # The register that holds the data (a source, not necessarily an agency of the network).
    provider: str
    confidentiality: Confidentiality


@dataclass(frozen=True)
class PurposeInfo:
    labels: dict[str, str]
    description: str


CATEGORIES: dict[DataCategory, CategoryInfo] = {
    DataCategory.IDENTITY: CategoryInfo(
        {"nl": "Identiteit", "fr": "Identité", "de": "Identität", "en": "Identity"},
        "Name, birth date and language as the national register knows them.",
        ("insz", "family_name", "given_names", "birth_date", "language"),
        "national-register",
        Confidentiality.NORMAL,
    ),
    DataCategory.ADDRESS: CategoryInfo(
        {"nl": "Adres", "fr": "Adresse", "de": "Adresse", "en": "Address"},
        "The current main residence.",
        ("street", "house_number", "box", "postcode", "country", "municipality"),
        "national-register",
        Confidentiality.NORMAL,
    ),
    DataCategory.LEEFLOON_STATUS: CategoryInfo(
        {
            "nl": "Leefloonstatus",
            "fr": "Statut revenu d'intégration",
            "de": "Status Eingliederungseinkommen",
            "en": "Living-wage status",
        },
        "Whether the person draws the living wage now, at which welfare centre.",
        ("dossiers",),
        "ocmw",
        Confidentiality.SENSITIVE,
    ),
    DataCategory.INCOME_TAX: CategoryInfo(
        {
            "nl": "Personenbelasting",
            "fr": "Impôt des personnes physiques",
            "de": "Einkommensteuer",
            "en": "Income tax",
        },
        "The latest income-tax assessments: taxable income and tax due.",
        ("assessments",),
        "fin",
        Confidentiality.SENSITIVE,
    ),
    DataCategory.MAINTENANCE_CLAIMS: CategoryInfo(
        {
            "nl": "Alimentatievorderingen",
            "fr": "Créances alimentaires",
            "de": "Unterhaltsforderungen",
            "en": "Maintenance claims",
        },
        "Maintenance-claim dossiers at the maintenance claims service.",
        ("dossiers",),
        "davo",
        Confidentiality.SENSITIVE,
    ),
    DataCategory.PROPERTY: CategoryInfo(
        {"nl": "Onroerend goed", "fr": "Biens immobiliers", "de": "Immobilien", "en": "Property"},
        "Parcels the person owns, with their cadastral income.",
        ("parcels",),
        "cadastre",
        Confidentiality.NORMAL,
    ),
    DataCategory.EMPLOYMENT: CategoryInfo(
        {"nl": "Tewerkstelling", "fr": "Emploi", "de": "Beschäftigung", "en": "Employment"},
        "The current employment situation and employer.",
        ("status", "employer_enterprise_number", "since"),
        "employment-register",
        Confidentiality.NORMAL,
    ),
}

PURPOSES: dict[Purpose, PurposeInfo] = {
    Purpose.LEEFLOON_ELIGIBILITY: PurposeInfo(
        {
            "nl": "Recht op leefloon onderzoeken",
            "fr": "Examen du droit au revenu d'intégration",
            "de": "Prüfung des Anspruchs auf Eingliederungseinkommen",
            "en": "Living-wage eligibility",
        },
        "A welfare centre checks whether a person is entitled to the living wage.",
    ),
    Purpose.TAX_COLLECTION: PurposeInfo(
        {
            "nl": "Invordering van belastingen",
            "fr": "Recouvrement de l'impôt",
            "de": "Steuereintreibung",
            "en": "Tax collection",
        },
        "FPS Finance collects a tax debt.",
    ),
    Purpose.MAINTENANCE_RECOVERY: PurposeInfo(
        {
            "nl": "Invordering van onderhoudsgeld",
            "fr": "Recouvrement des pensions alimentaires",
            "de": "Eintreibung von Unterhalt",
            "en": "Maintenance recovery",
        },
        "The maintenance claims service recovers unpaid maintenance from a debtor.",
    ),
    Purpose.FRAUD_CONTROL: PurposeInfo(
        {
            "nl": "Fraudecontrole",
            "fr": "Contrôle de la fraude",
            "de": "Betrugskontrolle",
            "en": "Fraud control",
        },
        "An agency checks a specific suspicion of social or tax fraud in an open dossier.",
    ),
}

# Which roles may consult which categories. Privacy officers see the access log, never the
# data; analysts, managers and administrators work on aggregates and settings.
CONSULTING_ROLES: dict[Role, frozenset[DataCategory]] = {
    Role.CASE_WORKER: frozenset(DataCategory),
    Role.COUNTER_CLERK: frozenset({DataCategory.IDENTITY, DataCategory.ADDRESS}),
}

# Agencies competent by territory: their staff consult only for dossiers of their own office.
TERRITORIAL_AGENCIES = frozenset({"ocmw", "fin"})


def category_codes() -> list[str]:
    return [c.value for c in DataCategory]


def purpose_codes() -> list[str]:
    return [p.value for p in Purpose]


def role_may_consult(role: str, category: DataCategory) -> bool:
    """Whether a staff role may consult a data category at all (authorisations aside)."""
    allowed = CONSULTING_ROLES.get(Role(role)) if role in set(Role) else None
    return allowed is not None and category in allowed
