"""The staffing norms loket ships with: illustrative defaults, each with where its figure comes
from, for an office to replace with its own. `ensure_default_norms` loads them when an agency
has no norm yet."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket.cases.model import Agency, CaseType
from loket.insight.staffing import Service
from loket.insight.staffing_model import StaffingNorm

CIVIL_SERVANTS = (
    "Civil servants' account of the workload norms in use: '60 people for 600,000 citizens' "
    "(issue 16); illustrative."
)
CASELOAD_PRACTICE = (
    "Illustrative caseload per full-time social worker; no legal norm exists. "
    "Set your centre's own figure."
)


@dataclass(frozen=True)
class DefaultNorm:
    agency: str
    service: Service
    case_type: str | None
    dossiers_per_fte: float | None = None
    effort_weight: float = 1.0
    fte_per_10000_inhabitants: float | None = None
    source: str = CASELOAD_PRACTICE


# Effort weights follow Lino Welfare's newcomers module, which weighs each service area by how
# much of a worker's time a case of it takes; one living-wage dossier weighs 1.
DEFAULT_NORMS = (
    DefaultNorm("ocmw", Service.CRITICAL, "leefloon", dossiers_per_fte=60),
    DefaultNorm("ocmw", Service.CRITICAL, "debt-mediation", dossiers_per_fte=60, effort_weight=1.5),
    DefaultNorm(
        "ocmw", Service.CRITICAL, "situation-change", dossiers_per_fte=60, effort_weight=0.3
    ),
    DefaultNorm(
        "ocmw",
        Service.CONTACT_CENTRE,
        None,
        fte_per_10000_inhabitants=0.5,
        source="Illustrative: one front-desk FTE per 20,000 inhabitants.",
    ),
    DefaultNorm(
        "fin",
        Service.COLLECTION,
        "tax-collection",
        dossiers_per_fte=400,
        source="Illustrative caseload per collection FTE; set the administration's own figure.",
    ),
    DefaultNorm(
        "fin",
        Service.CONTACT_CENTRE,
        None,
        fte_per_10000_inhabitants=0.2,
        source="Illustrative: one contact-centre FTE per 50,000 inhabitants served.",
    ),
    DefaultNorm("fin", Service.CONTROL, None, fte_per_10000_inhabitants=1.0, source=CIVIL_SERVANTS),
    DefaultNorm(
        "davo",
        Service.COLLECTION,
        "maintenance-claim",
        dossiers_per_fte=150,
        source="Illustrative caseload per DAVO collection FTE; set the service's own figure.",
    ),
)


def ensure_default_norms(session: Session) -> int:
    """Load the default norm lines of every agency that has no norm yet; returns lines added.
    Lines naming a case type or agency that is not loaded are skipped."""
    agencies_with_norms = set(session.scalars(select(StaffingNorm.agency_code).distinct()))
    types = set(session.scalars(select(CaseType.code)))
    agencies = set(session.scalars(select(Agency.code)))
    added = 0
    for norm in DEFAULT_NORMS:
        if norm.agency in agencies_with_norms or norm.agency not in agencies:
            continue
        if norm.case_type is not None and norm.case_type not in types:
            continue
        session.add(
            StaffingNorm(
                agency_code=norm.agency,
                service=norm.service.value,
                case_type=norm.case_type,
                dossiers_per_fte=norm.dossiers_per_fte,
                effort_weight=norm.effort_weight,
                fte_per_10000_inhabitants=norm.fte_per_10000_inhabitants,
                source=norm.source,
                illustrative=True,
            )
        )
        added += 1
    session.flush()
    return added


class NormError(ValueError):
    """A norm line that cannot be set; the message names the option."""


def set_norm(
    session: Session,
    *,
    agency: str,
    service: str,
    source: str,
    case_type: str | None = None,
    dossiers_per_fte: float | None = None,
    effort_weight: float = 1.0,
    fte_per_10000_inhabitants: float | None = None,
) -> StaffingNorm:
    """Set an agency's own norm line for a service (and case type), replacing the line it had
    for them; the agency's remaining default lines stay until they are set too."""
    if session.get(Agency, agency) is None:
        raise NormError(f"agency: {agency!r} is unknown")
    if service not in {s.value for s in Service}:
        raise NormError(f"service: {service!r} is not one of {', '.join(Service)}")
    if not source.strip():
        raise NormError("source: say where the figure comes from")
    if case_type is not None:
        kind = session.get(CaseType, case_type)
        if kind is None or kind.agency_code != agency:
            raise NormError(f"case-type: {case_type!r} is not a case type of {agency}")
        if not dossiers_per_fte or dossiers_per_fte <= 0 or effort_weight <= 0:
            raise NormError("per-fte, weight: give dossiers per FTE and a weight above 0")
    elif not fte_per_10000_inhabitants or fte_per_10000_inhabitants <= 0:
        raise NormError("per-10000: give FTE per 10,000 inhabitants above 0, or a case type")
    for old in session.scalars(
        select(StaffingNorm).where(
            StaffingNorm.agency_code == agency,
            StaffingNorm.service == service,
            StaffingNorm.case_type.is_(None)
            if case_type is None
            else StaffingNorm.case_type == case_type,
        )
    ):
        session.delete(old)
    norm = StaffingNorm(
        agency_code=agency,
        service=service,
        case_type=case_type,
        dossiers_per_fte=dossiers_per_fte if case_type else None,
        effort_weight=effort_weight,
        fte_per_10000_inhabitants=None if case_type else fte_per_10000_inhabitants,
        source=source.strip(),
        illustrative=False,
    )
    session.add(norm)
    session.flush()
    return norm
