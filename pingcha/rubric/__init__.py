"""The scoring standard: model, loader, checks, spreadsheet form and version diff."""

from pingcha.rubric.errors import RubricError, RubricIssue
from pingcha.rubric.loader import load_rubric_file, parse_rubric_text
from pingcha.rubric.model import Category, Check, Deduction, Grade, Item, Rubric, Veto

__all__ = [
    "Category",
    "Check",
    "Deduction",
    "Grade",
    "Item",
    "Rubric",
    "RubricError",
    "RubricIssue",
    "Veto",
    "load_rubric_file",
    "parse_rubric_text",
]
