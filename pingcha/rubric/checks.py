"""预检 checks in a rubric (interfaces.md §8): their vocabulary, and how a ``[[check]]`` table is validated.

A check reads one register row (§5) and suggests a deduction or a veto of the same rubric. What a rule
means (when it gives a finding) lives in ``pingcha.prechecks``; here is only what a valid check looks like,
so ``rubric check`` reports a bad one as ``FILE:LINE`` like any other breach.
"""

from __future__ import annotations

import difflib
import re
from decimal import Decimal
from typing import Any

# The register's columns (interfaces.md §5) a check may read.
REGISTER_COLUMNS = (
    "案号", "执法部门", "案由", "当事人", "当事人类型", "程序类型", "处罚决定",
    "立案日期", "决定日期", "送达日期", "结案日期", "执法人员",
)
DATE_COLUMNS = ("立案日期", "决定日期", "送达日期", "结案日期")
PROCEDURES = ("普通程序", "简易程序")

COMMON_KEYS = ("code", "rule", "suggests", "text", "procedure")
# rule → its own keys (all required)
RULE_KEYS: dict[str, tuple[str, ...]] = {
    "days_between": ("from", "to", "max_days"),
    "date_order": ("columns",),
    "required": ("columns",),
    "min_count": ("column", "min"),
    "pattern": ("column", "regex"),
    "fine_at_least": ("person", "unit"),
    "fine_above": ("person", "unit"),
}
RULE_NAMES = {
    "days_between": "两个日期相隔不超过规定日数",
    "date_order": "日期先后顺序",
    "required": "必填栏目",
    "min_count": "人数下限",
    "pattern": "格式（正则表达式）",
    "fine_at_least": "罚款达到数额",
    "fine_above": "罚款超过数额",
}
# Keys whose values are kept as Decimal yuan, as whole numbers of days/names, as lists or as text.
_MONEY_KEYS = ("person", "unit")
_COUNT_KEYS = {"max_days": 0, "min": 1}  # the least value allowed
_LIST_KEYS = ("columns",)


def check_keys(rule: str | None) -> tuple[str, ...]:
    """Every key a check of ``rule`` may have, in the order files write them."""
    return COMMON_KEYS[:2] + RULE_KEYS.get(rule or "", ()) + COMMON_KEYS[2:]


def _fmt(value: Decimal) -> str:
    return format(value.normalize(), "f")


class CheckReader:
    """Validates the ``[[check]]`` tables with the loader's readers, so breaches read like the rest."""

    def __init__(self, checker: Any) -> None:
        self.c = checker

    def column(self, value: Any, path: tuple, key: str, dates: bool) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.c.error(path, f"“{key}”应为案卷目录的列名（字符串），实际是{_type(value)}")
            return None
        name = value.strip()
        allowed = DATE_COLUMNS if dates else REGISTER_COLUMNS
        if name not in allowed:
            if dates and name in REGISTER_COLUMNS:
                self.c.error(path, f"“{key}”的“{name}”不是日期列（日期列：{'、'.join(DATE_COLUMNS)}）")
            else:
                self.c.error(path, f"“{key}”的“{name}”不是案卷目录的列（可用的列：{'、'.join(allowed)}）")
            return None
        return name

    def value(self, table: dict, key: str, path: tuple, rule: str) -> Any:
        """One rule key's value as the Check keeps it, or None (reported)."""
        raw, at = table[key], path + (key,)
        if key in ("from", "to", "column"):
            return self.column(raw, at, key, dates=rule == "days_between")
        if key in _LIST_KEYS:
            if not isinstance(raw, list) or not raw:
                self.c.error(at, f"“{key}”应为非空的列名数组，如 [\"立案日期\", \"决定日期\"]，实际是{_type(raw)}")
                return None
            names = [self.column(v, at + (i,), key, dates=rule == "date_order") for i, v in enumerate(raw)]
            if None in names:
                return None
            if len(set(names)) != len(names):
                self.c.error(at, f"“{key}”中有重复的列")
                return None
            if rule == "date_order" and len(names) < 2:
                self.c.error(at, "日期顺序至少要列出两个日期列")
                return None
            return tuple(names)
        if key in _COUNT_KEYS:
            if isinstance(raw, bool) or not isinstance(raw, int):
                self.c.error(at, f"“{key}”应为整数，实际是{_type(raw)}")
                return None
            if raw < _COUNT_KEYS[key]:
                self.c.error(at, f"“{key}”至少为 {_COUNT_KEYS[key]}，实际为 {raw}")
                return None
            return raw
        if key in _MONEY_KEYS:
            amount = self.c.number(table, key, path)
            if amount is not None and amount < 0:
                self.c.error(at, f"“{key}”（元）不能为负数，实际为 {_fmt(amount)}")
                return None
            return amount
        # regex
        if not isinstance(raw, str) or not raw:
            self.c.error(at, f"“regex”应为非空的字符串（正则表达式），实际是{_type(raw)}")
            return None
        try:
            re.compile(raw)
        except re.error as exc:
            place = f"（第 {exc.pos + 1} 个字符处有误）" if exc.pos is not None else ""
            self.c.error(at, f"正则表达式“{raw}”无法编译{place}，请检查括号、方括号和转义")
            return None
        return raw

    def read(self, data: dict, codes: frozenset[str]) -> tuple:
        """The checks of ``data`` (tomllib-shaped), each suggesting one of ``codes``."""
        from pingcha.rubric.model import Check

        checks = []
        for path, table in self.c.table_list(data, "check", ()):
            rule = table.get("rule")
            if "rule" not in table:
                self.c.error(path, f"缺少必填的键“rule”（可用的规则：{'、'.join(RULE_KEYS)}）")
                rule = None
            elif rule not in RULE_KEYS:
                self.c.error(path + ("rule",), f"未知的预检规则“{rule}”（可用的规则：{'、'.join(RULE_KEYS)}）")
                rule = None
            code = self.c.text(table, "code", path)
            self.c.claim_code(code, path, "预检")
            text = self.c.text(table, "text", path)
            suggests = self.c.text(table, "suggests", path)
            if suggests is not None and codes and suggests not in codes:
                self.c.error(path + ("suggests",), f"预检{code or ''}的 suggests“{suggests}”不是本标准的扣分情形或否决项编号")
                suggests = None
            procedure = self.c.text(table, "procedure", path, required=False)
            if procedure is not None and procedure not in PROCEDURES:
                self.c.error(path + ("procedure",), f"“procedure”应为 {' 或 '.join(PROCEDURES)}，实际为“{procedure}”")
                procedure = None
            if rule is None:
                continue
            self.c.known_keys_of(table, check_keys(rule), f"[[check]]（{rule}）", path)
            params = []
            for key in RULE_KEYS[rule]:
                if key not in table:
                    # A misspelt key is reported once, as unknown with the key it should be.
                    allowed = check_keys(rule)
                    if not any(difflib.get_close_matches(k, allowed, n=1) == [key] for k in table if k not in allowed):
                        self.c.error(path, f"预检{code or ''}（{rule}）缺少必填的键“{key}”")
                    params.append((key, None))
                else:
                    params.append((key, self.value(table, key, path, rule)))
            if None in (code, text, suggests) or any(value is None for _, value in params):
                continue
            checks.append(Check(code, rule, suggests, text, tuple(params), procedure))
        return tuple(checks)


def _type(value: Any) -> str:
    from pingcha.rubric.loader import _type_name

    return _type_name(value)
