"""`loket init`: schema, reference geography and the office network, in that order; idempotent."""

from dataclasses import asdict, dataclass

from sqlalchemy import Engine

from loket.cases.network import build_network
from loket.geo.load import GeographySummary, load_geography
from loket.store.engine import session_factory
from loket.store.schema import upgrade


@dataclass(frozen=True)
class InitSummary:
    geography: GeographySummary
    offices_created: int

    def as_json(self) -> dict[str, object]:
        return {"geography": asdict(self.geography), "offices_created": self.offices_created}


def initialise(engine: Engine) -> InitSummary:
    upgrade(engine)
    with session_factory(engine).begin() as session:
        geography = load_geography(session)
        offices = build_network(session)
    return InitSummary(geography, offices)
