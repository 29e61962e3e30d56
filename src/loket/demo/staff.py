"""Demo staff users with known passwords, so that `loket demo` can be tried from the staff side:
a counter clerk and a case worker in Gent, a tax collector and a tax analyst in Gent, a DAVO case
worker in Gent and a privacy officer."""

from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from loket.cases.model import Office, StaffUser
from loket.cases.staff import add_user, issue_token
from loket.logins.service import set_password


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    agency: str
    office: str | None
    # Demo passwords are fixed and printed on purpose: the demo data is made up.
    password: str


DEMO_STAFF = (
    DemoLogin("demo-clerk-gent", "counter-clerk", "ocmw", "ocmw-44021", "counter-gent-demo"),
    DemoLogin("demo-worker-gent", "case-worker", "ocmw", "ocmw-44021", "welfare-gent-demo"),
    DemoLogin("demo-fin-gent", "case-worker", "fin", "fin-gent", "finance-gent-demo"),
    # Decides on maintenance advances and keeps the recovery ledgers of DAVO Gent.
    DemoLogin("demo-davo-gent", "case-worker", "davo", "davo-gent", "davo-gent-demo"),
    # An analyst reviews every control selection (the case worker only those of fin-gent).
    DemoLogin("demo-fin-analyst", "analyst", "fin", "fin-gent", "analyst-fin-demo"),
    # Managers see caseload and staffing at /staff/insight/: Gent's welfare centre, and every
    # FPS Finance office for its administrator.
    DemoLogin("demo-manager-gent", "manager", "ocmw", "ocmw-44021", "manager-gent-demo"),
    DemoLogin("demo-fin-admin", "admin", "fin", "fin-gent", "admin-fin-demo"),
    # The POD MI's analyst sees every double-claim conflict at /staff/conflicts/.
    DemoLogin("demo-podmi-analyst", "analyst", "podmi", "podmi-brussel", "analyst-podmi-demo"),
    DemoLogin("demo-privacy", "privacy-officer", "podmi", "podmi-brussel", "privacy-podmi-demo"),
)


def ensure_demo_staff(session: Session) -> list[DemoLogin]:
    """Create the demo staff users that are missing (with their passwords) and return the
    logins that work. A user that already exists keeps its password: it may have been changed
    with `loket user password`, and is then left out."""
    usable: list[DemoLogin] = []
    for demo in DEMO_STAFF:
        if demo.office is not None and session.get(Office, demo.office) is None:
            continue  # the office network is not loaded (or has no such office)
        user = session.get(StaffUser, demo.username)
        if user is None:
            add_user(session, demo.username, demo.role, demo.agency, demo.office)
            set_password(session, demo.username, demo.password)
        elif user.password_hash is None:
            set_password(session, demo.username, demo.password)
        elif not _still_demo_password(user.password_hash, demo.password):
            continue
        usable.append(demo)
    return usable


def demo_api_token(session: Session, login: DemoLogin) -> str:
    """A new API token for a demo user, replacing the one made when the user was created (never
    shown), so that the demo can print a working token for the JSON API at every start."""
    return issue_token(session, login.username)


def _still_demo_password(stored: str, password: str) -> bool:
    try:
        return PasswordHasher().verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def demo_login_rows(logins: list[DemoLogin]) -> list[tuple[str, str, str, str]]:
    """(username, role, office, password) for printing."""
    return [(d.username, d.role, d.office or d.agency, d.password) for d in logins]
