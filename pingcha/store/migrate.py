"""Create or upgrade the schema with Alembic, from the first version on."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The newest revision in migrations/versions; a test keeps the two in step. Knowing it here lets
# an up-to-date database open without Alembic reading its scripts (start-up time of the UI).
HEAD = "0001"


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url:
        config.set_main_option("sqlalchemy.url", url)
    return config


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> None:
    if current_revision(engine) == HEAD:
        return
    with engine.begin() as connection:
        # Re-read under the write lock: another process may have migrated meanwhile.
        if MigrationContext.configure(connection).get_current_revision() == HEAD:
            return
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
