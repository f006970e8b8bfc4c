"""Small presentation helpers shared by the screens: numbers and labels as people read them."""

from __future__ import annotations

from decimal import Decimal

from pingcha.results import STATUS_LABELS


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


GRADE_STYLES = {"优秀": "bold green", "不合格": "bold red"}


def grade_markup(grade: str | None) -> str:
    """A grade with 优秀 and 不合格 marked so they stand out in any table."""
    if not grade:
        return ""
    if grade == "优秀":
        return f"[bold green]★ {grade}[/]"
    if grade == "不合格":
        return f"[bold red]✗ {grade}[/]"
    return grade
