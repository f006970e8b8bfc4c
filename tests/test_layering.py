"""store/ is the only place that speaks SQL: no service, face or report imports a query construct."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "pingcha"
LAYERS = ("services", "cli", "tui", "reports")
# What builds or runs SQL. Exception classes (sqlalchemy.exc) are fine: a face may say "the database is busy".
QUERY_CONSTRUCTS = {
    "select", "delete", "update", "insert", "func", "text", "Session", "and_", "or_", "not_", "case", "join",
    "outerjoin", "exists", "literal", "literal_column", "column", "table", "bindparam", "create_engine",
    "Table", "MetaData", "Column", "col", "SQLModel", "Field", "Engine", "Connection", "sessionmaker",
}
SQL_PACKAGES = ("sqlalchemy", "sqlmodel", "psycopg", "sqlite3", "alembic")


def offences(source: str) -> list[str]:
    """Every import in ``source`` that brings SQL into the module."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in SQL_PACKAGES and not alias.name.endswith(".exc"):
                    found.append(f"line {node.lineno}: import {alias.name}")
                if alias.name == "pingcha.store.models":
                    found.append(f"line {node.lineno}: import {alias.name}")
        elif isinstance(node, ast.ImportFrom) and node.module:
            root = node.module.split(".")[0]
            if root in SQL_PACKAGES and node.module != "sqlalchemy.exc":
                names = [a.name for a in node.names]
                wrong = [n for n in names if n in QUERY_CONSTRUCTS or n == "*"] or (
                    names if node.module not in ("sqlalchemy", "sqlmodel") else [])
                if wrong:
                    found.append(f"line {node.lineno}: from {node.module} import {', '.join(wrong)}")
            if node.module == "pingcha.store.models":  # the tables themselves
                found.append(f"line {node.lineno}: from {node.module} import …")
    return found


def layer_modules() -> list[Path]:
    return sorted(path for layer in LAYERS for path in (PACKAGE / layer).rglob("*.py"))


@pytest.mark.parametrize("path", layer_modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_speaks_no_sql(path):
    assert offences(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("source", [
    "from sqlmodel import select",
    "from sqlalchemy import func, update",
    "from sqlmodel import Session",
    "import sqlalchemy",
    "from sqlalchemy.orm import Session",
    "from pingcha.store.models import ScoreSheet",
    "def f():\n    from sqlalchemy import text\n",
])
def test_the_check_catches_query_constructs(source):
    assert offences(source)


def test_exception_classes_may_be_imported():
    assert offences("from sqlalchemy.exc import SQLAlchemyError\nimport sqlalchemy.exc") == []


def test_services_import_no_private_helpers_of_each_other():
    for path in sorted((PACKAGE / "services").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("pingcha."):
                private = [a.name for a in node.names if a.name.startswith("_")]
                assert not private, f"{path.name}: from {node.module} import {', '.join(private)}"
