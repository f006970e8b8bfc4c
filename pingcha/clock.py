"""Today's date, as the rules that count days see it (整改 deadlines, overdue items, reply-by dates).

``PINGCHA_TODAY`` (YYYY-MM-DD) sets it, so tests and rehearsals can stand on a chosen day; otherwise it is the
machine's date.
"""

from __future__ import annotations

import os
from datetime import date

from pingcha.errors import UserError

ENV = "PINGCHA_TODAY"


def today() -> date:
    given = os.environ.get(ENV, "").strip()
    if not given:
        return date.today()
    try:
        return date.fromisoformat(given)
    except ValueError:
        raise UserError(f"环境变量 {ENV} 应为日期（如 2025-01-31），实际为“{given}”") from None


def parse_day(text: str, what: str = "日期") -> date:
    """A date as people type it: 2025-01-31, 2025/1/31 or 2025年1月31日."""
    import re

    cleaned = text.strip().replace("/", "-")
    match = re.fullmatch(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日", cleaned) or \
        re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", cleaned)
    if match:
        try:
            return date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise UserError(f"{what}应为日期，如 2025-01-31 或 2025年1月31日，实际为“{text}”")
