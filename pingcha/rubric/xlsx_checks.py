"""The 预检 sheet of a rubric workbook: one row a check, the ``[[check]]`` keys as column headers.

Read into the same plain data as a TOML ``[[check]]`` table, so the loader holds both to the same rules
and names the row of each breach (``FILE:预检!5``).
"""

from __future__ import annotations

import re
from typing import Any

from pingcha.rubric.checks import COMMON_KEYS, RULE_KEYS

CHECK_SHEET = "预检"
# Every key of any rule, in the order a person fills a row in.
CHECK_COLUMNS = tuple(dict.fromkeys(COMMON_KEYS[:2] + sum(RULE_KEYS.values(), ()) + COMMON_KEYS[2:]))
_LIST_SEPARATORS = re.compile(r"[、,，;；\n]")
_NUMBER_KEYS = ("max_days", "min", "person", "unit")


def read_checks(reader: Any, sheet: Any, number: Any, text: Any, blank: Any) -> list[dict]:
    """The rows of the 预检 sheet as ``[[check]]`` tables; bad cells are reported through ``reader``."""
    checks: list[dict] = []
    if not sheet.rows_after(0):
        return checks
    header = sheet.first_row()
    reader.places[("check",)] = sheet.place(header)
    columns: dict[str, int] = {}
    for column, value in enumerate(sheet.rows[header - 1], 1):
        name = re.sub(r"\s+", "", value) if isinstance(value, str) else ""
        if not name:
            continue
        if name not in CHECK_COLUMNS:
            reader.error(sheet.place(header), f"“{sheet.name}”表的表头“{name}”不是预检的键（允许的键：{'、'.join(CHECK_COLUMNS)}）")
        elif name in columns:
            reader.error(sheet.place(header), f"“{sheet.name}”表的表头“{name}”出现了两次")
        else:
            columns[name] = column
    for index, row in enumerate(sheet.rows_after(header)):
        where, path = sheet.place(row), ("check", index)
        reader.places[path] = where
        entry: dict[str, Any] = {}
        for key, column in columns.items():
            value = sheet.value(row, column)
            if blank(value):
                continue
            reader.places[path + (key,)] = where
            if key in _NUMBER_KEYS:
                parsed = number(value)
                if parsed is None:
                    reader.error(where, f"“{key}”应为数字，实际为“{text(value)}”")
                    reader.dropped.add((where, f"预检{text(sheet.value(row, columns.get('code', 0)) or '')}（{text(sheet.value(row, columns.get('rule', 0)) or '')}）缺少必填的键“{key}”"))
                    continue
                entry[key] = parsed
            elif key == "columns":
                entry[key] = [part.strip() for part in _LIST_SEPARATORS.split(text(value)) if part.strip()]
            elif key == "regex":
                entry[key] = value if isinstance(value, str) else text(value)
            else:
                entry[key] = text(value)
        checks.append(entry)
    return checks


def check_rows(checks: tuple) -> list[tuple]:
    """The rubric's checks as rows under CHECK_COLUMNS."""
    rows = []
    for check in checks:
        values: dict[str, Any] = {"code": check.code, "rule": check.rule, "suggests": check.suggests,
                                  "text": check.text, "procedure": check.procedure or ""}
        for key, value in check.params:
            values[key] = "、".join(value) if isinstance(value, tuple) else value
        rows.append(tuple(values.get(key, "") for key in CHECK_COLUMNS))
    return rows
