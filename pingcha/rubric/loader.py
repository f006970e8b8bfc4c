"""Read a rubric (评分标准) from TOML and check every rule of interfaces.md §1.

All breaches are collected and reported together as ``FILE:LINE: 中文说明``, so a person fixing a
file sees every problem in one pass. The same checks serve rubrics read from a spreadsheet: the
spreadsheet reader builds the same plain data and says where each value came from.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from pingcha.rubric.checks import CheckReader
from pingcha.errors import os_error_text
from pingcha.rubric.errors import RubricError, RubricIssue
from pingcha.rubric.file_text import decode_rubric_bytes, toml_syntax_issue
from pingcha.rubric.model import VETO_CAP, VETO_ZERO, Category, Deduction, Grade, Item, Rubric, Veto
from pingcha.rubric.positions import key_lines, line_of
from pingcha.text import code_key

HALF = Decimal("0.5")
MAX_TIMES = 10**6  # a count is stored as a database integer
LARGEST = 10**9  # no score scale or count comes near; beyond it Decimal arithmetic would lose exactness
NO_GRADES = "缺少等次 [[grades]]（如 优秀/合格/不合格 及各自的最低分）"
NO_CATEGORIES = "没有任何类别 [[category]] 和评查项目 [[category.item]]"

KEYS = {
    "top": ("rubric", "grades", "veto", "category", "check"),
    "rubric": ("id", "version", "title", "issued_by", "effective", "replaces", "total", "procedures"),
    "grades": ("name", "min"),
    "veto": ("code", "title", "effect", "cap"),
    "category": ("code", "title", "item"),
    "item": ("code", "title", "points", "guide", "na_allowed", "deductions"),
    "deduction": ("code", "text", "points", "max_times"),
}

_KIND_NAMES = {
    "top": "文件顶层",
    "rubric": "[rubric]",
    "grades": "[[grades]]",
    "veto": "[[veto]]",
    "category": "[[category]]",
    "item": "[[category.item]]",
    "deduction": "扣分情形",
}

_TYPE_NAMES = {
    str: "字符串",
    int: "整数",
    float: "数字",
    bool: "布尔值（true/false）",
    list: "数组",
    dict: "表",
    date: "日期",
}


def _type_name(value: Any) -> str:
    return _TYPE_NAMES.get(type(value), type(value).__name__)


Locate = Callable[[tuple], str]


class _Checker:
    """Turns plain data into a Rubric, collecting every breach instead of stopping at the first."""

    def __init__(self, file: str, locate: Locate) -> None:
        self.file = file
        self.locate = locate
        self.issues: list[RubricIssue] = []
        self.codes: dict[str, tuple] = {}
        self.item_points = Decimal(0)
        self.item_points_complete = True

    def error(self, path: tuple, message: str) -> None:
        self.issues.append(RubricIssue(self.file, self.locate(path), message))

    # -- typed field readers -------------------------------------------------------------
    def known_keys(self, table: dict, kind: str, path: tuple) -> None:
        self.known_keys_of(table, KEYS[kind], _KIND_NAMES[kind], path)

    def known_keys_of(self, table: dict, allowed: tuple[str, ...], kind_name: str, path: tuple) -> None:
        for key in table:
            if key not in allowed:
                hint = difflib.get_close_matches(key, allowed, n=1)
                suggestion = f"，是否应为“{hint[0]}”？" if hint else ""
                self.error(
                    path + (key,),
                    f"{kind_name} 中有未知的键“{key}”{suggestion}"
                    f"（允许的键：{'、'.join(allowed)}）",
                )

    def text(self, table: dict, key: str, path: tuple, required: bool = True) -> str | None:
        if key not in table:
            if required:
                self.error(path, f"缺少必填的键“{key}”")
            return None
        value = table[key]
        if not isinstance(value, str):
            self.error(path + (key,), f"“{key}”应为字符串，实际是{_type_name(value)}（字符串须加引号）")
            return None
        if required and not value.strip():
            self.error(path + (key,), f"“{key}”不能为空")
            return None
        return value.strip()

    def number(self, table: dict, key: str, path: tuple, required: bool = True) -> Decimal | None:
        if key not in table:
            if required:
                self.error(path, f"缺少必填的键“{key}”")
            return None
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.error(path + (key,), f"“{key}”应为数字，实际是{_type_name(value)}")
            return None
        number = Decimal(value) if isinstance(value, int) else Decimal(repr(value))
        if not number.is_finite():
            self.error(path + (key,), f"“{key}”不是有效的数字")
            return None
        if abs(number) >= LARGEST:
            self.error(path + (key,), f"“{key}”的数值过大（应小于 {LARGEST:,}）")
            return None
        return number

    def points(self, table: dict, path: tuple, what: str) -> Decimal | None:
        points = self.number(table, "points", path)
        if points is None:
            return None
        if points <= 0:
            self.error(path + ("points",), f"{what}的分值必须大于 0，实际为 {_fmt(points)}")
            return None
        if points % HALF != 0:
            self.error(path + ("points",), f"{what}的分值 {_fmt(points)} 不是 0.5 的整数倍")
            return None
        return points

    def table_list(self, data: dict, key: str, path: tuple) -> list[tuple[tuple, dict]]:
        value = data.get(key, [])
        if not isinstance(value, list):
            self.error(path + (key,), f"“{key}”应为表的数组（[[{key}]]），实际是{_type_name(value)}")
            return []
        result = []
        for index, entry in enumerate(value):
            entry_path = path + (key, index)
            if not isinstance(entry, dict):
                self.error(entry_path, f"“{key}”的第 {index + 1} 项应为表，实际是{_type_name(entry)}")
                continue
            result.append((entry_path, entry))
        return result

    def claim_code(self, code: str | None, path: tuple, what: str) -> None:
        if code is None:
            return
        key = code_key(code)  # people type codes in either case and width: A1 and Ａ1 would be one code
        if key in self.codes:
            first_path, first_code = self.codes[key]
            first = _place(self.locate(first_path + ("code",)))
            same = f"“{code}”" if first_code == code else f"“{code}”与“{first_code}”（不分大小写和全角半角）"
            self.error(path + ("code",), f"{what}编号{same}重复（{first}已使用），编号在整个文件中必须唯一")
        else:
            self.codes[key] = (path, code)

    # -- sections ------------------------------------------------------------------------
    def header(self, data: dict) -> dict[str, Any]:
        if "rubric" not in data:
            self.error((), "缺少 [rubric] 表（标准的编号、版本、名称和总分）")
            return {}
        table = data["rubric"]
        path = ("rubric",)
        if not isinstance(table, dict):
            self.error(path, "“rubric”应为表 [rubric]")
            return {}
        self.known_keys(table, "rubric", path)
        header: dict[str, Any] = {
            "id": self.text(table, "id", path),
            "version": self.text(table, "version", path),
            "title": self.text(table, "title", path),
            "issued_by": self.text(table, "issued_by", path, required=False) or "",
            "replaces": self.text(table, "replaces", path, required=False) or None,
            "total": self.number(table, "total", path),
        }
        if header["total"] is not None and header["total"] <= 0:
            self.error(path + ("total",), f"总分 total 必须大于 0，实际为 {_fmt(header['total'])}")
            header["total"] = None
        effective = table.get("effective")
        if effective is not None and (not isinstance(effective, date) or hasattr(effective, "hour")):
            self.error(path + ("effective",), f"“effective”应为日期（如 2024-06-01，不加引号），实际是{_type_name(effective)}")
            effective = None
        header["effective"] = effective
        procedures = table.get("procedures", ["普通程序"])
        if not isinstance(procedures, list) or not procedures or not all(
            isinstance(p, str) and p.strip() for p in procedures
        ):
            self.error(path + ("procedures",), "“procedures”应为非空的字符串数组，如 [\"普通程序\"]")
            procedures = ["普通程序"]
        header["procedures"] = tuple(p.strip() for p in procedures)
        return header

    def grades(self, data: dict) -> tuple[Grade, ...]:
        grades: list[tuple[tuple, Grade]] = []
        entries = self.table_list(data, "grades", ())
        if not entries:
            self.error(("grades",) if "grades" in data else (), NO_GRADES)
        names: set[str] = set()
        for path, table in entries:
            self.known_keys(table, "grades", path)
            name = self.text(table, "name", path)
            minimum = self.number(table, "min", path)
            if name is not None and name in names:
                self.error(path + ("name",), f"等次名称“{name}”重复")
            if name is None or minimum is None:
                continue
            if minimum < 0:
                self.error(path + ("min",), f"等次“{name}”的最低分不能为负数")
            names.add(name)
            grades.append((path, Grade(name, minimum)))
        for (_, previous), (path, grade) in zip(grades, grades[1:]):
            if grade.min >= previous.min:
                self.error(
                    path + ("min",),
                    f"等次须按最低分从高到低严格递减排列：“{grade.name}”的最低分 {_fmt(grade.min)} "
                    f"不低于前一等次“{previous.name}”的 {_fmt(previous.min)}",
                )
        if grades and grades[-1][1].min != 0:
            path, last = grades[-1]
            self.error(path + ("min",), f"最后一个等次“{last.name}”的最低分应为 0（兜底等次），实际为 {_fmt(last.min)}")
        return tuple(grade for _, grade in grades)

    def vetoes(self, data: dict, grade_names: set[str]) -> tuple[Veto, ...]:
        vetoes = []
        for path, table in self.table_list(data, "veto", ()):
            self.known_keys(table, "veto", path)
            code = self.text(table, "code", path)
            title = self.text(table, "title", path)
            effect = self.text(table, "effect", path)
            self.claim_code(code, path, "否决项")
            cap = None
            if effect is not None and effect not in (VETO_ZERO, VETO_CAP):
                self.error(path + ("effect",), f"否决项效果“{effect}”无效，只能是 \"zero\"（总分归零）或 \"cap\"（等次封顶）")
                effect = None
            if effect == VETO_CAP:
                cap = self.text(table, "cap", path)
                # Without any grade the missing [[grades]] is reported already; a cap cannot be judged.
                if cap is not None and grade_names and cap not in grade_names:
                    self.error(
                        path + ("cap",),
                        f"否决项{code or ''}的封顶等次“{cap}”不是已定义的等次（{'、'.join(sorted(grade_names))}）",
                    )
                    cap = None
            elif effect == VETO_ZERO and "cap" in table:
                self.error(path + ("cap",), f"否决项{code or ''}的效果为 zero（归零），不应再写 cap")
            if None not in (code, title, effect) and (effect != VETO_CAP or cap is not None):
                vetoes.append(Veto(code, title, effect, cap))
        return tuple(vetoes)

    def deductions(self, table: dict, path: tuple, item_code: str | None, item_points: Decimal | None) -> tuple[Deduction, ...]:
        result = []
        for dpath, entry in self.table_list(table, "deductions", path):
            self.known_keys(entry, "deduction", dpath)
            code = self.text(entry, "code", dpath)
            text = self.text(entry, "text", dpath)
            self.claim_code(code, dpath, "扣分情形")
            points = self.points(entry, dpath, f"扣分情形{code or ''}")
            if points is not None and item_points is not None and points > item_points:
                self.error(
                    dpath + ("points",),
                    f"扣分情形{code or ''}的扣分 {_fmt(points)} 大于所属项目{item_code or ''}的分值 {_fmt(item_points)}",
                )
                points = None
            max_times = entry.get("max_times", 1)
            if isinstance(max_times, bool) or not isinstance(max_times, int):
                self.error(dpath + ("max_times",), f"扣分情形{code or ''}的最多次数 max_times 应为整数，实际是{_type_name(max_times)}")
                max_times = None
            elif max_times < 1:
                self.error(dpath + ("max_times",), f"扣分情形{code or ''}的最多次数 max_times 至少为 1，实际为 {max_times}")
                max_times = None
            elif max_times > MAX_TIMES:
                self.error(dpath + ("max_times",),
                           f"扣分情形{code or ''}的最多次数 max_times 过大（应不超过 {MAX_TIMES:,}）")
                max_times = None
            if None not in (code, text, points, max_times):
                result.append(Deduction(code, text, points, max_times))
        return tuple(result)

    def categories(self, data: dict) -> tuple[Category, ...]:
        entries = self.table_list(data, "category", ())
        if not entries:
            self.error(("category",) if "category" in data else (), NO_CATEGORIES)
        categories = []
        for path, table in entries:
            self.known_keys(table, "category", path)
            code = self.text(table, "code", path)
            title = self.text(table, "title", path)
            self.claim_code(code, path, "类别")
            items = []
            item_entries = self.table_list(table, "item", path)
            if not item_entries:
                self.error(path, f"类别{code or ''}{f'“{title}”' if title else ''}没有任何评查项目 [[category.item]]")
            for ipath, entry in item_entries:
                self.known_keys(entry, "item", ipath)
                icode = self.text(entry, "code", ipath)
                ititle = self.text(entry, "title", ipath)
                self.claim_code(icode, ipath, "评查项目")
                ipoints = self.points(entry, ipath, f"评查项目{icode or ''}")
                if ipoints is None:
                    self.item_points_complete = False
                else:
                    self.item_points += ipoints
                guide = self.text(entry, "guide", ipath, required=False) or ""
                na_allowed = entry.get("na_allowed", False)
                if not isinstance(na_allowed, bool):
                    self.error(ipath + ("na_allowed",), f"“na_allowed”应为 true 或 false，实际是{_type_name(na_allowed)}")
                    na_allowed = False
                deductions = self.deductions(entry, ipath, icode, ipoints)
                if None not in (icode, ititle, ipoints):
                    items.append(Item(icode, ititle, ipoints, guide, na_allowed, deductions))
            if code is not None and title is not None:
                categories.append(Category(code, title, tuple(items)))
        return tuple(categories)

    def build(self, data: dict, source: str) -> Rubric:
        self.known_keys(data, "top", ())
        header = self.header(data)
        grades = self.grades(data)
        vetoes = self.vetoes(data, {grade.name for grade in grades})
        categories = self.categories(data)
        # Codes as written (even on a deduction or veto with another breach), so one typo is one message.
        suggestible = frozenset(code for path, code in self.codes.values() if path[0] == "veto" or "deductions" in path)
        checks = CheckReader(self).read(data, suggestible)
        total = header.get("total")
        if total is not None and total % HALF != 0:
            self.error(("rubric", "total"), f"总分 {_fmt(total)} 不是 0.5 的整数倍")
        if total is not None and categories and self.item_points_complete:
            points = self.item_points
            if points != total:
                self.error(
                    ("rubric", "total"),
                    f"各评查项目分值合计 {_fmt(points)}，与总分 total = {_fmt(total)} 不符"
                    f"（{'多' if points > total else '少'} {_fmt(abs(points - total))} 分）",
                )
        if grades and total is not None and grades[0].min > total:
            self.error(("grades", 0, "min"), f"最高等次的最低分 {_fmt(grades[0].min)} 超过总分 {_fmt(total)}")
        if self.issues:
            raise RubricError(sorted(self.issues, key=_where_order))
        return Rubric(
            id=header["id"],
            version=header["version"],
            title=header["title"],
            total=total,
            grades=grades,
            categories=categories,
            vetoes=vetoes,
            issued_by=header["issued_by"],
            effective=header["effective"],
            replaces=header["replaces"],
            procedures=header["procedures"],
            checks=checks,
            source=source,
        )


def _fmt(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _where_order(issue: RubricIssue) -> tuple:
    """Line numbers in order; ``sheet!row`` places by sheet, then by row as a number."""
    if issue.where.isdigit():
        return (0, "", int(issue.where))
    sheet, _, row = issue.where.rpartition("!")
    return (1, sheet, int(row) if row.isdigit() else 0)


def _place(where: str) -> str:
    return f"第 {where} 行" if where.isdigit() else where


def rubric_from_data(data: dict, file: str, locate: Locate, source: str = "") -> Rubric:
    """Check plain rubric data (as tomllib gives it) and build the immutable Rubric."""
    return _Checker(file, locate).build(data, source)


def parse_rubric_text(text: str, file: str) -> Rubric:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RubricError([toml_syntax_issue(file, exc, text)]) from None
    lines = key_lines(text)
    return rubric_from_data(data, file, lambda path: str(line_of(lines, path)), source=text)


def load_rubric_file(path: str | Path) -> Rubric:
    """Read a rubric from a .toml file (or an .xlsx laid out as in interfaces.md §7)."""
    path = Path(path)
    file = str(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from pingcha.rubric.xlsx import read_rubric_xlsx

        return read_rubric_xlsx(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise RubricError([RubricIssue(file, "0", "文件不存在")]) from None
    except IsADirectoryError:
        raise RubricError([RubricIssue(file, "0", "这是一个文件夹，不是评分标准文件")]) from None
    except OSError as exc:
        raise RubricError([RubricIssue(file, "0", f"无法读取文件：{os_error_text(exc)}")]) from None
    return parse_rubric_text(decode_rubric_bytes(raw, file), file)
