"""Alembic environment: runs on the connection pingcha hands it (see pingcha.store.migrate)."""

from alembic import context
from sqlmodel import SQLModel

import pingcha.store.models  # noqa: F401 - registers the tables on SQLModel.metadata
from pingcha.store.engine import make_engine

config = context.config
target_metadata = SQLModel.metadata

connection = config.attributes.get("connection")
if connection is None:
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.begin() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
