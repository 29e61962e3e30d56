"""Create or upgrade the schema with Alembic; the only way tables come into being."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

import loket.applications.model
import loket.cases.model
import loket.contact.model
import loket.control.model
import loket.documents.attestation_model
import loket.documents.model
import loket.entitlements.model
import loket.exchange.model
import loket.geo.model
import loket.insight.caseload_model
import loket.insight.channels_model
import loket.insight.staffing_model
import loket.linkage.model
import loket.logins.model
import loket.people.model
import loket.store.outbox  # noqa: F401  (registers the tables on the metadata)
from loket.store.base import Base

metadata = Base.metadata
MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database at `engine` to `revision` (the newest by default)."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def make_revision(engine: Engine, message: str) -> None:
    """Developer tool: write a new migration from the difference between models and database."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)
