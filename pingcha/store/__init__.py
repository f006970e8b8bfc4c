"""The only layer that speaks SQL: tables, engine, migrations, the audit log, and one module per
aggregate (activities and people, rubrics, register and draw, sheets, audit) returning plain records."""

from sqlmodel import Session as Transaction

from pingcha.errors import DATABASE_ERRORS
from pingcha.store.engine import Store, open_store

__all__ = ["DATABASE_ERRORS", "Store", "Transaction", "open_store"]
