"""Numbers typed by a person (a spread, a score threshold), read exactly or refused in Chinese."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from pingcha.errors import UserError


def non_negative_decimal(value: object, label: str) -> Decimal:
    """``value`` as a Decimal ≥ 0; otherwise a UserError naming ``label`` (e.g. 分差上限, 分数线)."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise UserError(f"{label}“{value}”不是数字") from None
    if not number.is_finite() or number < 0:
        raise UserError(f"{label}应为不小于 0 的数字，实际为“{value}”")
    return number
