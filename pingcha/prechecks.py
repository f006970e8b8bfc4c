"""预检: what a machine can see in a file's register row (interfaces.md §8). Pure: no database, no I/O.

Each check of the rubric reads one row and gives at most one finding, a suggestion of one deduction or
veto for the evaluator to accept or dismiss. The same rows and checks always give the same findings.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from pingcha.results import CaseFile
from pingcha.rubric.model import Check

UNREADABLE_FINE = "金额无法识别"

_CN_DIGITS = "零〇一二两三四五六七八九壹贰贰叁肆伍陆柒捌玖"
_CN_UNITS = "十拾百佰千仟万萬亿億点點"
_NUMBER = rf"(?P<arabic>\d+(?:,\d{{3}})*(?:\.\d+)?)|(?P<chinese>[{_CN_DIGITS}{_CN_UNITS}]+)"
# 罚款, then what people write before the amount (人民币, ￥, 计, 共计…), the amount, and its unit.
_FINE = re.compile(
    rf"罚款\s*[（(]?\s*(?:(?:共计|合计|计|为|金额|数额)\s*)?[：:]?\s*(?:人民币|RMB|￥|¥)?\s*[）)]?\s*[：:]?\s*"
    rf"(?:{_NUMBER})\s*(?P<unit>万元|元|圆)"
)
_FINE_WORD = re.compile(r"罚款")
_NOT_FINED = re.compile(r"(?:不予|免予|免于|免除|不|无)(?:处以|处|给予)?$")


@dataclass(frozen=True)
class Fine:
    """The fine read from a 处罚决定: ``amount`` in yuan (None: no fine), or ``unreadable``."""

    amount: Decimal | None
    unreadable: bool = False


@lru_cache(maxsize=4096)
def _chinese_number(text: str) -> Decimal | None:
    import cn2an  # 0.1 s to import: only when a decision is written in Chinese numerals

    text = text.replace("點", "点").replace("萬", "万").replace("億", "亿").replace("〇", "零")
    try:
        value = cn2an.cn2an(text, "normal")
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


@lru_cache(maxsize=16384)  # registers repeat their decisions (罚款5000元) many times
def parse_fine(decision: str) -> Fine:
    """The sum of the amounts after 罚款 in a 处罚决定 (罚款5000元, 罚款人民币伍仟元, 罚款1.5万元).

    No 罚款, or only 不予罚款 and the like: no fine. A 罚款 whose amount cannot be read makes the whole
    fine unreadable rather than a wrong figure.
    """
    text = unicodedata.normalize("NFKC", decision or "").replace(" ", "")
    total = Decimal(0)
    read_at: set[int] = set()
    for match in _FINE.finditer(text):
        if match.group("arabic") is not None:
            number = Decimal(match.group("arabic").replace(",", ""))
        else:
            number = _chinese_number(match.group("chinese"))
            if number is None:
                return Fine(None, unreadable=True)
        if match.group("unit") == "万元":
            number *= 10000
        total += number
        read_at.add(match.start())
    fined = False
    for word in _FINE_WORD.finditer(text):
        if word.start() in read_at:
            fined = True
        elif not _NOT_FINED.search(text[max(0, word.start() - 4): word.start()]):
            return Fine(None, unreadable=True)
    return Fine(total if fined else None)


@dataclass(frozen=True)
class Finding:
    """One check's suggestion on one file."""

    case_no: str
    agency: str
    check: str
    suggests: str
    text: str
    detail: str

    def to_json(self) -> dict:
        return {"case_no": self.case_no, "agency": self.agency, "check": self.check, "suggests": self.suggests,
                "text": self.text, "detail": self.detail}


def _short(column: str) -> str:
    """立案日期 → 立案, as a detail reads."""
    return column.removesuffix("日期")


def _yuan(amount: Decimal) -> str:
    return format(amount.normalize(), "f") if amount != amount.to_integral_value() else str(int(amount))


_FIELDS = {
    "案号": "case_no", "执法部门": "agency", "案由": "cause", "当事人": "party", "当事人类型": "party_type",
    "程序类型": "procedure", "处罚决定": "decision", "立案日期": "filed_on", "决定日期": "decided_on",
    "送达日期": "served_on", "结案日期": "closed_on", "执法人员": "officers",
}


def column_value(case: CaseFile, column: str) -> object:
    """A register column's value in a row: text, a date (or None) or the officers' names."""
    return getattr(case, _FIELDS[column])


def _empty(value: object) -> bool:
    return value is None or value == "" or value == ()


class _Row:
    """One register row, with its fine read at most once for all the checks."""

    def __init__(self, case: CaseFile) -> None:
        self.case = case
        self._fine: Fine | None = None

    @property
    def fine(self) -> Fine:
        if self._fine is None:
            self._fine = parse_fine(self.case.decision)
        return self._fine


def _days_between(p: dict, row: _Row) -> str | None:
    start_col, end_col = p["from"], p["to"]
    start, end = column_value(row.case, start_col), column_value(row.case, end_col)
    if not isinstance(start, date) or not isinstance(end, date):
        return None
    days = (end - start).days
    if days <= p["max_days"]:
        return None
    return f"{_short(start_col)} {start.isoformat()}，{_short(end_col)} {end.isoformat()}，相隔 {days} 日"


def _date_order(p: dict, row: _Row) -> str | None:
    seen: list[tuple[str, date]] = []
    for column in p["columns"]:
        value = column_value(row.case, column)
        if not isinstance(value, date):
            continue
        for earlier_col, earlier in seen:
            if value < earlier:
                return f"{_short(column)} {value.isoformat()} 早于 {_short(earlier_col)} {earlier.isoformat()}"
        seen.append((column, value))
    return None


def _required(p: dict, row: _Row) -> str | None:
    missing = [column for column in p["columns"] if _empty(column_value(row.case, column))]
    return f"未填写{'、'.join(missing)}" if missing else None


def _min_count(p: dict, row: _Row) -> str | None:
    column, least = p["column"], p["min"]
    value = column_value(row.case, column)
    names = value if isinstance(value, tuple) else _split_names(str(value or ""))
    if len(names) >= least:
        return None
    shown = f"（{'、'.join(names)}）" if names else ""
    return f"{column} {len(names)} 人{shown}，少于 {least} 人"


def _split_names(text: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in re.split(r"[、,，;；/\s]+", text) if name.strip())


_COMPILED: dict[str, re.Pattern[str]] = {}


def _pattern(p: dict, row: _Row) -> str | None:
    column, regex = p["column"], p["regex"]
    value = column_value(row.case, column)
    if _empty(value):
        return None  # left to `required`
    text = "、".join(value) if isinstance(value, tuple) else str(value)
    compiled = _COMPILED.get(regex) or _COMPILED.setdefault(regex, re.compile(regex))
    if compiled.fullmatch(text):
        return None
    return f"{column}“{text}”不符合规定格式"


def _threshold(p: dict, row: _Row) -> tuple[Decimal, Decimal] | None:
    """The fine and the threshold for the party's type, when there is a fine to compare."""
    fine = row.fine
    if fine.amount is None:
        return None
    key = "unit" if row.case.party_type == "单位" else "person"
    return fine.amount, p[key]


def _fine_at_least(p: dict, row: _Row) -> str | None:
    pair = _threshold(p, row)
    if pair is None or pair[0] < pair[1]:
        return None
    return f"罚款 {_yuan(pair[0])} 元（{_party(row)}），达到 {_yuan(pair[1])} 元"


def _fine_above(p: dict, row: _Row) -> str | None:
    pair = _threshold(p, row)
    if pair is None or pair[0] <= pair[1]:
        return None
    return f"{row.case.procedure}罚款 {_yuan(pair[0])} 元（{_party(row)}），超过 {_yuan(pair[1])} 元"


def _party(row: _Row) -> str:
    return "单位" if row.case.party_type == "单位" else "个人"


RULES = {
    "days_between": _days_between,
    "date_order": _date_order,
    "required": _required,
    "min_count": _min_count,
    "pattern": _pattern,
    "fine_at_least": _fine_at_least,
    "fine_above": _fine_above,
}
FINE_RULES = ("fine_at_least", "fine_above")


def findings_for(checks: Sequence[Check], case: CaseFile) -> list[Finding]:
    """The findings of ``checks`` on one file, in check order (at most one per check)."""
    return _findings(_prepared(checks), _Row(case))


def _prepared(checks: Sequence[Check]) -> list[tuple[Check, object, dict]]:
    """Each check with its rule and its parameters looked up once, not once per row."""
    return [(check, RULES[check.rule], dict(check.params)) for check in checks]


def _findings(prepared: list[tuple[Check, object, dict]], row: _Row) -> list[Finding]:
    found = []
    for check, rule, params in prepared:
        if check.procedure is not None and row.case.procedure != check.procedure:
            continue
        detail = rule(params, row)
        if detail is not None:
            found.append(Finding(row.case.case_no, row.case.agency, check.code, check.suggests, check.text, detail))
    return found


def _code_order(code: str) -> tuple:
    """P2 before P10, for tables people read: codes compare by their letters, then their number."""
    match = re.fullmatch(r"(.*?)(\d+)(.*)", code)
    return (match.group(1), int(match.group(2)), match.group(3)) if match else (code, -1, "")


@dataclass(frozen=True)
class AgencyFigures:
    agency: str
    files: int
    files_with_findings: int
    findings: int
    unreadable_fines: int = 0

    def to_json(self) -> dict:
        return {"agency": self.agency, "files": self.files, "files_with_findings": self.files_with_findings,
                "findings": self.findings}


@dataclass(frozen=True)
class PrecheckRun:
    """Every check on every file given: findings by register row then check code, figures by agency."""

    files: int
    findings: tuple[Finding, ...]
    agencies: tuple[AgencyFigures, ...]
    unreadable_fines: tuple[str, ...] = ()  # case numbers whose fine could not be read

    @property
    def files_with_findings(self) -> int:
        return len({f.case_no for f in self.findings})

    def by_case(self) -> dict[str, list[Finding]]:
        grouped: dict[str, list[Finding]] = {}
        for finding in self.findings:
            grouped.setdefault(finding.case_no, []).append(finding)
        return grouped


def run_checks(checks: Sequence[Check], cases: Iterable[CaseFile]) -> PrecheckRun:
    """Run ``checks`` over ``cases`` given in register order; agencies are listed in order of first row."""
    # §8: by register row, then check code (as text: P10 sorts before P2, as any reader of the JSON would sort it).
    ordered = _prepared(sorted(checks, key=lambda c: c.code))
    reads_fines = any(c.rule in FINE_RULES for c in checks)
    findings: list[Finding] = []
    unreadable: list[str] = []
    files: dict[str, int] = {}
    flagged: dict[str, set[str]] = {}
    counts: dict[str, int] = {}
    unreadable_by: dict[str, int] = {}
    total = 0
    for case in cases:
        total += 1
        row = _Row(case)
        files[case.agency] = files.get(case.agency, 0) + 1
        found = _findings(ordered, row)
        findings += found
        if found:
            flagged.setdefault(case.agency, set()).add(case.case_no)
            counts[case.agency] = counts.get(case.agency, 0) + len(found)
        if reads_fines and row.fine.unreadable:
            unreadable.append(case.case_no)
            unreadable_by[case.agency] = unreadable_by.get(case.agency, 0) + 1
    agencies = tuple(
        AgencyFigures(name, count, len(flagged.get(name, ())), counts.get(name, 0), unreadable_by.get(name, 0))
        for name, count in files.items()
    )
    return PrecheckRun(total, tuple(findings), agencies, tuple(unreadable))


ACCEPTED = "accepted"
DISMISSED = "dismissed"
DECISION_LABELS = {ACCEPTED: "采纳", DISMISSED: "不采纳"}


@dataclass(frozen=True)
class Decision:
    """What one evaluator decided on one finding: accepted (the deduction recorded) or dismissed."""

    case_no: str
    evaluator: str
    check: str
    decision: str  # ACCEPTED or DISMISSED
    reason: str = ""

    @property
    def label(self) -> str:
        text = DECISION_LABELS[self.decision]
        return f"{text}（{self.reason}）" if self.reason else text


@dataclass(frozen=True)
class CheckUptake:
    """For the 组长: how a check's findings fared with evaluators; one mostly dismissed needs revising."""

    code: str
    text: str
    findings: int
    accepted: int
    dismissed: int

    @property
    def needs_revising(self) -> bool:
        """Mostly dismissed, on enough decisions to say so."""
        return self.accepted + self.dismissed >= 3 and self.dismissed > self.accepted

    @property
    def acceptance(self) -> Decimal | None:
        decided = self.accepted + self.dismissed
        return None if not decided else (Decimal(self.accepted) / decided * 100).quantize(Decimal(1))


@dataclass(frozen=True)
class PrecheckSummary:
    """A pre-check run over a register and the evaluators' decisions on its findings (plain data for reports)."""

    checks: tuple[Check, ...]
    run: PrecheckRun
    decisions: tuple[Decision, ...] = ()

    def decisions_on(self, case_no: str) -> dict[tuple[str, str], Decision]:
        """(evaluator, check) → decision, for one file."""
        return {(d.evaluator, d.check): d for d in self.decisions if d.case_no == case_no}

    def uptake(self) -> list[CheckUptake]:
        found: dict[str, int] = {}
        for finding in self.run.findings:
            found[finding.check] = found.get(finding.check, 0) + 1
        current = {(f.case_no, f.check) for f in self.run.findings}
        rows = []
        for check in sorted(self.checks, key=lambda c: _code_order(c.code)):
            mine = [d for d in self.decisions if d.check == check.code and (d.case_no, d.check) in current]
            rows.append(CheckUptake(check.code, check.text, found.get(check.code, 0),
                                    sum(d.decision == ACCEPTED for d in mine), sum(d.decision == DISMISSED for d in mine)))
        return rows
