"""Whatever the agency, category, purpose, day, dossier and authorisation: data is released if
and only if every condition of the rule holds, and every attempt leaves exactly one log entry.

The expectation is computed here from the scenario, from the rule as the law states it, without
calling the code under test.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from factories import citizen_at, next_insz
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from loket.cases.choices import DossierStatus
from loket.cases.dossiers import change_status, open_dossier
from loket.cases.model import StaffUser
from loket.exchange.authorisations import grant, revoke
from loket.exchange.consult import DenialReason, consult
from loket.exchange.model import AccessLogEntry

CATEGORIES = [
    "identity",
    "address",
    "leefloon-status",
    "income-tax",
    "maintenance-claims",
    "property",
    "employment",
]
PURPOSES = ["leefloon-eligibility", "tax-collection", "maintenance-recovery", "fraud-control"]
# agency -> (its case types, its office in Gent, its office in Antwerpen)
AGENCIES = {
    "ocmw": (("leefloon", "debt-mediation"), "ocmw-44021", "ocmw-11002"),
    "fin": (("tax-collection",), "fin-gent", "fin-antwerpen"),
    "davo": (("maintenance-claim",), "davo-gent", "davo-antwerpen"),
}
TERRITORIAL = {"ocmw", "fin"}
ROLES = ["case-worker", "counter-clerk", "privacy-officer", "analyst"]
DOSSIER_STATES = ["open", "closed", "absent", "other-citizen", "other-office"]
BASE = date(2025, 6, 1)
SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@dataclass(frozen=True)
class Grant:
    agency: str
    category: str
    purpose: str
    starts: int  # days from BASE
    ends: int | None
    revoked: int | None
    requires_dossier: bool
    allowed_type: str | None  # the one case type it names, or None for any


@dataclass(frozen=True)
class Scenario:
    agency: str
    role: str
    actor_has_office: bool
    category: str
    purpose: str
    day: int  # days from BASE
    dossier_state: str
    dossier_type: str
    name_dossier: bool
    citizen_known: bool
    grant: Grant | None


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    agency = draw(st.sampled_from(sorted(AGENCIES)))
    # Weighted towards the cases that get furthest through the rule.
    # (Hypothesis tries small numbers first, so 0 is made the usual case.)
    usual = st.integers(0, 9).map(lambda n: n < 9)
    category = draw(st.sampled_from(CATEGORIES)) if draw(usual) else "shoe-size"
    purpose = draw(st.sampled_from(PURPOSES)) if draw(usual) else "curiosity"
    dossier_type = draw(st.sampled_from(AGENCIES[agency][0]))
    authorisation = None
    if not (draw(st.booleans()) and draw(st.booleans())):
        # Mostly an authorisation for exactly what is asked, sometimes for something near it.
        exact = draw(st.integers(0, 3)) < 3
        starts = draw(st.integers(-30, 10))
        grantee = agency if exact else draw(st.sampled_from(sorted(AGENCIES)))
        requires = draw(st.integers(0, 3)) < 3
        named = draw(st.one_of(st.none(), st.sampled_from(AGENCIES[grantee][0])))
        authorisation = Grant(
            agency=grantee,
            category=category if exact and category in CATEGORIES else draw(
                st.sampled_from(CATEGORIES)),
            purpose=purpose if exact and purpose in PURPOSES else draw(
                st.sampled_from(PURPOSES)),
            starts=starts,
            ends=draw(st.one_of(st.none(), st.integers(starts, 20))),
            revoked=draw(st.one_of(st.none(), st.integers(-10, 10))),
            requires_dossier=requires,
            allowed_type=named if requires else None,
        )  # fmt: skip
    return Scenario(
        agency=agency,
        role="case-worker" if draw(st.integers(0, 2)) < 2 else draw(st.sampled_from(ROLES)),
        actor_has_office=draw(st.booleans()),
        category=category,
        purpose=purpose,
        day=draw(st.integers(-5, 5)),
        dossier_state=draw(st.sampled_from(DOSSIER_STATES)),
        dossier_type=dossier_type,
        name_dossier=draw(st.booleans()),
        citizen_known=draw(usual),
        grant=authorisation,
    )


def expected_release(s: Scenario) -> bool:
    """The rule, restated from the law for this scenario."""
    if s.category not in CATEGORIES or s.purpose not in PURPOSES:
        return False
    may_consult = s.role == "case-worker" or (
        s.role == "counter-clerk" and s.category in ("identity", "address")
    )
    if not may_consult:
        return False
    g = s.grant
    if g is None or (g.agency, g.category, g.purpose) != (s.agency, s.category, s.purpose):
        return False
    if not (g.starts <= s.day and (g.ends is None or s.day <= g.ends)):
        return False
    if g.revoked is not None and g.revoked <= s.day:
        return False
    if not s.citizen_known:
        return False
    if not g.requires_dossier:
        return True
    # The scenario's only dossier of the agency for the citizen, and the office it is at.
    if s.dossier_state in ("absent", "other-citizen", "closed"):
        return False
    if g.allowed_type is not None and g.allowed_type != s.dossier_type:
        return False
    elsewhere = s.dossier_state == "other-office"
    return not (elsewhere and s.agency in TERRITORIAL and s.actor_has_office)


def build(session, s: Scenario) -> tuple[StaffUser, str, str | None]:
    """The database of the scenario; returns the actor, the INSZ asked for and the dossier."""
    types, home_office, far_office = AGENCIES[s.agency]
    citizen = citizen_at(session, "9000")
    other = citizen_at(session, "9000")
    reference = None
    if s.dossier_state != "absent":
        owner = other if s.dossier_state == "other-citizen" else citizen
        dossier = open_dossier(
            session,
            insz=owner.insz,
            agency=s.agency,
            case_type=s.dossier_type,
            on=BASE - timedelta(days=60),
            office_id=home_office,
        )
        if s.dossier_state == "closed":
            change_status(session, dossier.reference, DossierStatus.CLOSED, BASE - timedelta(30))
        reference = dossier.reference
    office = None
    if s.actor_has_office:
        office = far_office if s.dossier_state == "other-office" else home_office
    actor = StaffUser(
        username="actor",
        role=s.role,
        agency_code=s.agency,
        office_id=office,
        token_id="actor",
        token_hash="not-a-token",
    )
    session.add(actor)
    g = s.grant
    if g is not None:
        made = grant(
            session,
            g.agency,
            g.category,
            g.purpose,
            "Art. 5 of a deliberation of the information security committee",
            BASE + timedelta(g.starts),
            None if g.ends is None else BASE + timedelta(g.ends),
            requires_open_dossier=g.requires_dossier,
            dossier_types=[g.allowed_type] if g.allowed_type else [],
        )
        if g.revoked is not None:
            revoke(session, made.id, BASE + timedelta(g.revoked), "privacy", "annulled")
    session.flush()
    insz = citizen.insz if s.citizen_known else next_insz()
    return actor, insz, reference if s.name_dossier else None


@SETTINGS
@given(scenario=scenarios())
def test_data_is_released_if_and_only_if_every_condition_holds(sessions, reset, scenario):
    reset()
    with sessions.begin() as session:
        actor, insz, reference = build(session, scenario)
        before = session.scalar(select(func.count()).select_from(AccessLogEntry))
        result = consult(
            session,
            actor,
            insz,
            scenario.category,
            scenario.purpose,
            reference,
            on=BASE + timedelta(scenario.day),
        )
        after = session.scalar(select(func.count()).select_from(AccessLogEntry))
        last = session.scalar(select(AccessLogEntry).order_by(AccessLogEntry.seq.desc()))
    event(f"outcome: {result.reason or 'granted'}")
    assert result.granted is expected_release(scenario), (result.reason, result.message)
    assert after == before + 1
    assert last is not None and last.seq == result.log_seq
    assert last.outcome == ("granted" if result.granted else "denied")
    if result.granted:
        assert result.reason is None and result.fields is not None
    else:
        assert isinstance(result.reason, DenialReason) and result.fields is None
