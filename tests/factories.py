"""Test data: valid INSZ numbers, citizens at a postal code, dossiers and address moves.

The INSZ check digits are computed here from their definition (97 minus the number modulo 97,
with a `2` in front for people born from 2000 on) and then checked with
`loket.people.identifiers.validate_insz`, so a factory can never hand out a number the
application would refuse.
"""

import itertools
from datetime import date, timedelta

from sqlalchemy.orm import Session, sessionmaker

from loket.cases.dossiers import open_dossier
from loket.cases.model import Dossier
from loket.cases.routing import Router
from loket.cases.staff import add_user
from loket.people.identifiers import validate_insz
from loket.people.model import Citizen
from loket.people.moves import Move
from loket.people.service import NewAddress, add_citizen

# Which agency handles a case type (the codes of the external contract).
AGENCY_OF = {
    "leefloon": "ocmw",
    "debt-mediation": "ocmw",
    "tax-collection": "fin",
    "maintenance-claim": "davo",
}
FOLLOWS_RESIDENCE = {"leefloon", "debt-mediation", "tax-collection"}

_serials = itertools.count(1)


def make_insz(birth_date: date, serial: int, *, bis: bool = False) -> str:
    """A valid national register number (or BIS number) for a birth date and day counter.

    `serial` is the day counter, 1..997: odd for men, even for women.
    """
    if not 1 <= serial <= 997:
        raise ValueError(f"serial {serial} is not in 1..997")
    month = birth_date.month + (40 if bis else 0)
    body = f"{birth_date.year % 100:02d}{month:02d}{birth_date.day:02d}{serial:03d}"
    checked = int(("2" + body) if birth_date.year >= 2000 else body)
    number = f"{body}{97 - checked % 97:02d}"
    assert validate_insz(number) == (number, "bis" if bis else "nn"), number
    return number


def next_insz(*, bis: bool = False) -> str:
    """A valid INSZ never handed out before in this test run."""
    k = next(_serials)
    return make_insz(date(1950, 1, 1) + timedelta(days=k // 997), 1 + k % 997, bis=bis)


def address(postcode: str, street: str = "Kerkstraat", country: str = "BE") -> NewAddress:
    return NewAddress(street=street, house_number="1", postcode=postcode, country=country)


def citizen_at(
    session: Session,
    postcode: str,
    *,
    insz: str | None = None,
    since: date = date(2020, 1, 1),
    language: str = "nl",
    family_name: str = "Peeters",
) -> Citizen:
    """Register a citizen living at `postcode` since `since`."""
    return add_citizen(
        session,
        insz=insz or next_insz(),
        family_name=family_name,
        given_names="An",
        birth_date=None,
        address=address(postcode),
        language=language,
        since=since,
    )


def open_dossiers(
    session: Session,
    citizen: Citizen,
    case_types: tuple[str, ...] = ("leefloon", "tax-collection", "maintenance-claim"),
    *,
    on: date = date(2024, 1, 1),
    office_id: str | None = None,
    router: Router | None = None,
) -> dict[str, Dossier]:
    """Open one dossier per case type for `citizen`, routed to the competent office."""
    router = router or Router.load(session)
    return {
        case_type: open_dossier(
            session,
            insz=citizen.insz,
            agency=AGENCY_OF[case_type],
            case_type=case_type,
            on=on,
            office_id=office_id,
            router=router,
        )
        for case_type in case_types
    }


def move(
    event_id: str, insz: str, effective_date: date, postcode: str, country: str = "BE"
) -> Move:
    """An address change to `postcode` (or abroad when `country` is not BE)."""
    return Move(event_id, insz, effective_date, address(postcode, "Nieuwstraat", country))


class StaffTokens:
    """Staff users made when a test first names them, each with its API token (a token's hash
    is deliberately slow to compute, so only the staff a test uses are made).

    `staff` maps a short name to (role, agency, office); `tokens.<name>` is that user's token,
    the user being `<name>.user`."""

    def __init__(
        self, sessions: sessionmaker[Session], staff: dict[str, tuple[str, str, str | None]]
    ) -> None:
        self.sessions = sessions
        self.staff = staff
        self.tokens: dict[str, str] = {}

    def __getattr__(self, name: str) -> str:
        if name not in self.staff:
            raise AttributeError(name)
        if name not in self.tokens:
            with self.sessions.begin() as session:
                self.tokens[name] = add_user(session, f"{name}.user", *self.staff[name])[1]
        return self.tokens[name]
