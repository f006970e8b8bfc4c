"""The only layer that speaks SQL: tables, engine, migrations, the audit log, and one module per
aggregate (activities and people, rubrics, register and draw, sheets, audit) returning plain records."""

import sqlite3

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session as Transaction

from pingcha.store.engine import Store, open_store

# What a database failure raises, through SQLAlchemy or from SQLite directly (the online backup), for the faces
# to explain in words without importing a database driver themselves.
DATABASE_ERRORS = (SQLAlchemyError, sqlite3.Error)

__all__ = ["DATABASE_ERRORS", "Store", "Transaction", "open_store"]
