"""Small presentation helpers shared by the screens: numbers and labels as people read them."""

from __future__ import annotations

from decimal import Decimal

from pingcha.results import STATUS_LABELS
from pingcha.rubric import Rubric


def num(value: Decimal | int | float | None) -> str:
    """84, 87.5, 2.5 — no trailing zeros, no exponent; an empty string for None."""
    if value is None:
        return ""
    text = format(Decimal(str(value)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def score_text(value: Decimal | None) -> str:
    """A score or mean as results state it: always one decimal (87.0, not 87); empty for None."""
    if value is None:
        return ""
    return format(Decimal(str(value)).quantize(Decimal("0.1")), "f")


def date_text(value) -> str:
    return value.isoformat() if value is not None else "—"


def status_label(status: str) -> str:
    """评查中 / 待复核 / 已完成 for a file's status."""
    return STATUS_LABELS.get(status, status)


def grade_style(rubric: Rubric, grade: str | None, plain: str = "bold") -> str:
    """The rubric's best grade green, its worst red (whatever they are called), any other ``plain``."""
    rank = rubric.grade_rank.get(grade or "")
    if rank is None or len(rubric.grades) < 2:
        return plain
    if rank == 0:
        return "bold green"
    if rank == len(rubric.grades) - 1:
        return "bold red"
    return plain


def grade_marks(rubric: Rubric) -> str:
    """The legend of ``grade_markup``: （★ 优秀  ✗ 不合格） for the shipped bands."""
    return f"（★ {rubric.grades[0].name}  ✗ {rubric.grades[-1].name}）"


def grade_markup(rubric: Rubric, grade: str | None) -> str:
    """A grade with the rubric's best and worst bands marked so they stand out in any table."""
    if not grade:
        return ""
    style = grade_style(rubric, grade, plain="")
    if style == "bold green":
        return f"[bold green]★ {grade}[/]"
    if style == "bold red":
        return f"[bold red]✗ {grade}[/]"
    return grade
