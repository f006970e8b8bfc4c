"""The only layer that speaks SQL: tables, engine, migrations and the audit log."""

from pingcha.store.engine import Store, open_store

__all__ = ["Store", "open_store"]
