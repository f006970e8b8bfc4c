"""Errors found in a rubric file, each tied to where it is."""

from __future__ import annotations

from dataclasses import dataclass

from pingcha.errors import UserError


@dataclass(frozen=True)
class RubricIssue:
    """One breach of the rubric rules, at ``where`` (a line number, or a sheet and row)."""

    file: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.where}: {self.message}"


class RubricError(UserError):
    """A rubric file that cannot be used; ``issues`` lists every breach found."""

    def __init__(self, issues: list[RubricIssue]) -> None:
        super().__init__("\n".join(str(issue) for issue in issues))
        self.issues = issues
