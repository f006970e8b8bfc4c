"""Scoring a sheet (评查表) against a rubric, exactly as interfaces.md §2 says.

Pure Python with ``Decimal`` throughout: no database, no screen, no files.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import repeat
from typing import NamedTuple
from decimal import ROUND_HALF_UP, Decimal

from pingcha.errors import UserError
from pingcha.records import record
from pingcha.rubric.model import VETO_CAP, VETO_ZERO, Rubric
from pingcha.vocabulary import FileStatus
from pingcha.text import code_key

ZERO = Decimal(0)
TENTH = Decimal("0.1")
DEFAULT_SPREAD = Decimal("5.0")

SHEET_KEYS = ("case_no", "evaluator", "deductions", "na", "veto", "notes", "comment", "decided", "revision",
              "uncertain")


def round1(value: Decimal) -> Decimal:
    """Round half up to one decimal (四舍五入保留一位小数)."""
    return value.quantize(TENTH, rounding=ROUND_HALF_UP)


class SheetError(UserError):
    """A sheet that cannot be scored; ``problems`` names every offending code in Chinese."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("；".join(problems))
        self.problems = problems


@record
class Sheet:
    """What one evaluator found on one file: deduction counts, 不适用 items, vetoes, notes."""

    deductions: Mapping[str, int] = field(default_factory=dict)
    na: frozenset[str] = frozenset()
    veto: frozenset[str] = frozenset()
    notes: Mapping[str, str] = field(default_factory=dict)
    comment: str = ""
    case_no: str | None = None
    evaluator: str | None = None
    decided: frozenset[str] = frozenset()  # items confirmed as having nothing to deduct

    def is_decided(self, item) -> bool:
        """An item is decided when it has a deduction, is 不适用, or was confirmed as nothing to deduct."""
        return (item.code in self.decided or item.code in self.na
                or any(self.deductions.get(d.code) for d in item.deductions))
    # 请组长确认: items (or vetoes) the evaluator is unsure of, each with the reason; the file then goes to 复核.
    uncertain: Mapping[str, str] = field(default_factory=dict)

    def to_json(self) -> dict:
        data: dict = {}
        if self.case_no is not None:
            data["case_no"] = self.case_no
        if self.evaluator is not None:
            data["evaluator"] = self.evaluator
        data["deductions"] = {code: count for code, count in self.deductions.items() if count}
        data["na"] = sorted(self.na)
        data["veto"] = sorted(self.veto)
        data["notes"] = {code: note for code, note in self.notes.items() if note}
        data["comment"] = self.comment
        data["decided"] = sorted(self.decided)
        if self.uncertain:
            data["uncertain"] = dict(self.uncertain)
        return data


def sheet_from_json(data: object) -> Sheet:
    """Read a §3 sheet from parsed JSON, checking its shape (codes are checked by ``check_sheet``)."""
    if not isinstance(data, dict):
        raise SheetError(["评查表应为 JSON 对象（{...}）"])
    problems = []
    for key in data:
        if key not in SHEET_KEYS:
            problems.append(f"评查表中有未知的字段“{key}”（允许：{'、'.join(SHEET_KEYS)}）")
    deductions = data.get("deductions", {})
    counts: dict[str, int] = {}
    if not isinstance(deductions, dict):
        problems.append("“deductions”应为对象，如 {\"A1a\": 2}")
    else:
        for code, count in deductions.items():
            if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                problems.append(f"扣分情形“{code}”的次数应为非负整数，实际为 {count!r}")
            else:
                counts[str(code)] = count
    lists = {}
    for key, what in (("na", "不适用项目"), ("veto", "否决项"), ("decided", "确认无扣分的项目")):
        value = data.get(key, [])
        if not isinstance(value, list) or not all(map(isinstance, value, repeat(str))):
            problems.append(f"“{key}”（{what}）应为编号字符串的数组，如 [\"E4\"]")
            value = []
        lists[key] = frozenset(value)
    notes = data.get("notes", {})
    if not isinstance(notes, dict) or not all(map(isinstance, notes.values(), repeat(str))):
        problems.append("“notes”应为对象，值为说明文字，如 {\"A1a\": \"第12页\"}")
        notes = {}
    uncertain = data.get("uncertain", {})
    if not isinstance(uncertain, dict) or not all(isinstance(v, str) for v in uncertain.values()):
        problems.append("“uncertain”（请组长确认）应为对象，值为理由，如 {\"D12\": \"送达回证日期无法辨认\"}")
        uncertain = {}
    for code, reason in uncertain.items():
        if isinstance(reason, str) and not reason.strip():
            problems.append(f"请组长确认的“{code}”没有写明理由")
    texts = {}
    for key in ("case_no", "evaluator", "comment", "revision"):
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            problems.append(f"“{key}”应为字符串")
            value = None
        texts[key] = value
    if problems:
        raise SheetError(problems)
    return Sheet(
        deductions=counts,
        na=lists["na"],
        veto=lists["veto"],
        notes=dict(notes),
        comment=texts["comment"] or "",
        case_no=texts["case_no"],
        evaluator=texts["evaluator"],
        decided=lists["decided"],
        uncertain={str(code): reason.strip() for code, reason in uncertain.items()},
    )


def canonical_codes(rubric: Rubric, sheet: Sheet) -> Sheet:
    """``sheet`` with every code written as the rubric writes it (``d12c`` or ``Ｄ１２ｃ`` → ``D12c``); a code the
    rubric does not know is kept as typed, for ``check_sheet`` to name."""
    known, written = rubric.code_keys, rubric.written_codes
    if (written.issuperset(sheet.deductions) and written.issuperset(sheet.na) and written.issuperset(sheet.veto)
            and written.issuperset(sheet.notes) and written.issuperset(sheet.decided)
            and written.issuperset(sheet.uncertain)):
        return sheet  # every code already as the rubric writes it (what an exported sheet holds): nothing to change

    def one(code: str) -> str:
        return code if code in written else known.get(code_key(code), code)

    deductions: dict[str, int] = {}
    for code, count in sheet.deductions.items():
        deductions[one(code)] = deductions.get(one(code), 0) + count
    return replace(
        sheet,
        deductions=deductions,
        na=frozenset(map(one, sheet.na)),
        veto=frozenset(map(one, sheet.veto)),
        notes={one(code): note for code, note in sheet.notes.items()},
        decided=frozenset(map(one, sheet.decided)),
        uncertain={one(code): reason for code, reason in sheet.uncertain.items()},
    )


def _plainly_valid(rubric: Rubric, sheet: Sheet) -> bool:
    """True only where ``sheet_problems`` finds nothing, decided with set operations: re-scoring 100,000 stored
    sheets asks this of every one, and almost all of them are fine."""
    deductions, items, vetoes = rubric.deduction_by_code, rubric.item_by_code, rubric.veto_by_code
    for code, count in sheet.deductions.items():
        deduction = deductions.get(code)
        if deduction is None or count > deduction.max_times:
            return False
    if sheet.na:
        if len(sheet.na) >= len(items):
            return False  # perhaps every item 不适用: let the full check say so
        for code in sheet.na:
            item = items.get(code)
            if item is None or not item.na_allowed:
                return False
        item_of = rubric.item_of_deduction
        if any(count and item_of[code].code in sheet.na for code, count in sheet.deductions.items()):
            return False
    # frozenset() of a frozenset is the same object: no copy, and any iterable a caller passed works too;
    # dict keys >= a set looks each member up, without building a set of the rubric's codes.
    if sheet.veto and not vetoes.keys() >= frozenset(sheet.veto):
        return False
    if sheet.decided and not items.keys() >= frozenset(sheet.decided):
        return False
    if sheet.notes and not rubric.known_codes.issuperset(sheet.notes):
        return False
    return all(code in items or code in vetoes for code in sheet.uncertain)


def check_sheet(rubric: Rubric, sheet: Sheet) -> list[str]:
    """Every reason the sheet cannot be scored against ``rubric`` (empty when it can)."""
    if _plainly_valid(rubric, sheet):
        return []
    return sheet_problems(rubric, sheet)


def sheet_problems(rubric: Rubric, sheet: Sheet) -> list[str]:
    """``check_sheet`` the long way, rule by rule (what the quick test must agree with)."""
    problems = []
    for code, count in sheet.deductions.items():
        deduction = rubric.deduction_by_code.get(code)
        if deduction is None:
            problems.append(f"未知的扣分情形编号“{code}”")
        elif count > deduction.max_times:
            problems.append(f"扣分情形 {code} 最多计 {deduction.max_times} 次，填写了 {count} 次")
        elif count and rubric.item_of_deduction[code].code in sheet.na:
            item = rubric.item_of_deduction[code].code
            problems.append(f"评查项目 {item} 已标记为不适用，不能同时记录扣分情形 {code}")
    for code in sorted(sheet.na):
        item = rubric.item_by_code.get(code)
        if item is None:
            problems.append(f"未知的评查项目编号“{code}”（标记为不适用）")
        elif not item.na_allowed:
            problems.append(f"评查项目 {code}“{item.title}”不允许标记为不适用")
    for code in sorted(sheet.veto):
        if code not in rubric.veto_by_code:
            problems.append(f"未知的否决项编号“{code}”")
    for code in sheet.notes:
        if code not in rubric.known_codes:
            problems.append(f"说明 notes 中有未知的编号“{code}”")
    for code in sorted(frozenset(sheet.decided).difference(rubric.item_by_code)):  # most sheets list dozens, all known
        problems.append(f"未知的评查项目编号“{code}”（列入 decided）")
    for code in sheet.uncertain:
        if code not in rubric.item_by_code and code not in rubric.veto_by_code:
            problems.append(f"请组长确认 uncertain 中的“{code}”不是评查项目或否决项的编号")
    if len(sheet.na) >= len(rubric.items) and all(item.code in sheet.na for item in rubric.items):
        problems.append("所有评查项目都标记为不适用，无法计分")
    return problems


class ItemResult(NamedTuple):
    # NamedTuple rather than a frozen dataclass: dozens are built per sheet, and re-scoring
    # a large activity builds millions.
    code: str
    points: Decimal
    deducted: Decimal
    obtained: Decimal
    na: bool


class CategoryResult(NamedTuple):
    code: str
    points: Decimal
    obtained: Decimal


@record
class SheetResult:
    """The outcome of one sheet: score and grade, with the per-item detail derived on demand.

    Only items with a deduction or marked 不适用 are looked at to score, so re-scoring a large
    activity costs in proportion to what evaluators found, not to the size of the rubric.
    """

    score: Decimal
    grade: str
    raw: Decimal
    applicable: Decimal
    vetoes: tuple[str, ...]
    rubric: Rubric = field(repr=False, compare=False)
    deducted: Mapping[str, Decimal] = field(default_factory=dict)  # item code → points lost (capped)
    na: frozenset[str] = frozenset()

    @property
    def items(self) -> tuple[ItemResult, ...]:
        results = []
        for item in self.rubric.items:
            if item.code in self.na:
                results.append(ItemResult(item.code, item.points, ZERO, ZERO, True))
            else:
                lost = self.deducted.get(item.code, ZERO)
                results.append(ItemResult(item.code, item.points, lost, item.points - lost, False))
        return tuple(results)

    @property
    def categories(self) -> tuple[CategoryResult, ...]:
        results = []
        for category in self.rubric.categories:
            applicable = [i for i in category.items if i.code not in self.na]
            points = sum((i.points for i in applicable), ZERO)
            lost = sum((self.deducted.get(i.code, ZERO) for i in applicable), ZERO)
            results.append(CategoryResult(category.code, points, points - lost))
        return tuple(results)

    def to_json(self) -> dict:
        return {
            "score": float(round1(self.score)),
            "grade": self.grade,
            "raw": float(round1(self.raw)),
            "applicable": float(round1(self.applicable)),
            "vetoes": list(self.vetoes),
            "items": [
                {
                    "code": item.code,
                    "points": float(round1(item.points)),
                    "deducted": float(round1(item.deducted)),
                    "obtained": float(round1(item.obtained)),
                    "na": item.na,
                }
                for item in self.items
            ],
            "categories": [
                {"code": c.code, "points": float(round1(c.points)), "obtained": float(round1(c.obtained))}
                for c in self.categories
            ],
        }


def graded(rubric: Rubric, score: Decimal, vetoes: Iterable[str]) -> str:
    """The grade for ``score``, lowered to the most restrictive cap of the triggered vetoes."""
    grade = rubric.grade_for(score)
    for code in vetoes:
        veto = rubric.veto_by_code[code]
        if veto.effect == VETO_CAP and veto.cap is not None:
            grade = rubric.worse_grade(grade, veto.cap)
    return grade


def item_losses(rubric: Rubric, deductions: Mapping[str, int]) -> dict[str, Decimal]:
    """The points each item loses for ``deductions`` (code → count): the sum over its deductions, capped at the
    item's points. What ``score_sheet`` deducts, and all a report needs of a stored sheet to know which items
    lost points (codes the rubric does not know lose nothing here; ``score_sheet`` refuses such a sheet first)."""
    lost_by_item: dict[str, Decimal] = {}
    known = rubric.deduction_by_code
    item_of = rubric.item_of_deduction
    for code, count in deductions.items():
        if count and code in known:
            item_code = item_of[code].code
            lost_by_item[item_code] = lost_by_item.get(item_code, ZERO) + known[code].points * count
    items = rubric.item_by_code
    deducted = {}
    for code, lost in lost_by_item.items():
        points = items[code].points
        deducted[code] = points if lost > points else lost
    return deducted


def score_sheet(rubric: Rubric, sheet: Sheet) -> SheetResult:
    """Score one sheet; raises SheetError naming every code that makes it unscorable."""
    if not _plainly_valid(rubric, sheet):
        problems = sheet_problems(rubric, sheet)
        if problems:
            raise SheetError(problems)
    deducted = item_losses(rubric, sheet.deductions)
    items = rubric.item_by_code
    # Most sheets mark nothing 不适用 and no veto: those steps are skipped for them, not done with empty sets.
    total = rubric.total
    applicable = total - sum((items[code].points for code in sheet.na), ZERO) if sheet.na else total
    raw = applicable - sum(deducted.values(), ZERO) if deducted else applicable
    score = round1(raw * total / applicable if sheet.na else raw)  # the same: raw × total / total is raw
    vetoes: tuple[str, ...] = ()
    if sheet.veto:
        vetoes = tuple(veto.code for veto in rubric.vetoes if veto.code in sheet.veto)
        if any(rubric.veto_by_code[code].effect == VETO_ZERO for code in vetoes):
            score = round1(ZERO)
    return SheetResult(score, graded(rubric, score, vetoes), raw, applicable, vetoes, rubric, deducted, sheet.na)


class SheetScore(NamedTuple):
    """What a file's outcome is decided from, of one sheet: its score, grade and vetoes (a ``SheetResult`` has
    them too, with the per-item detail). Stored beside each sheet by the write that changes it."""

    score: Decimal
    grade: str
    vetoes: tuple[str, ...]


def stored_score(rubric: Rubric, sheet: Sheet) -> tuple[Decimal | None, tuple[str, ...]]:
    """(score, vetoes) of ``sheet`` as stored beside its rows; (None, ()) where it cannot be scored."""
    try:
        result = score_sheet(rubric, sheet)
    except SheetError:
        return None, ()
    return result.score, result.vetoes


@dataclass(frozen=True)
class FileOutcome:
    """A file's combined result over its submitted sheets (§2): final, or needing 复核."""

    status: str  # FileStatus.FINAL or FileStatus.NEEDS_REVIEW
    score: Decimal | None
    grade: str | None
    reasons: tuple[str, ...] = ()


def combine(rubric: Rubric, results: Sequence[SheetResult | SheetScore], spread: Decimal = DEFAULT_SPREAD) -> FileOutcome:
    """Combine the submitted sheets of one file; disagreement means 复核 (needs_review)."""
    if not results:
        raise ValueError("combine needs at least one submitted sheet")
    reasons = []
    first = results[0].vetoes
    if any(r.vetoes != first for r in results):  # almost always the same (none): no sets built for them
        veto_sets = {frozenset(r.vetoes) for r in results}
        if len(veto_sets) > 1:
            shown = " / ".join("、".join(sorted(s)) or "无" for s in sorted(veto_sets, key=sorted))
            reasons.append(f"否决项认定不一致（{shown}）")
    scores = [r.score for r in results]
    difference = max(scores) - min(scores)
    if difference > spread:
        reasons.append(f"分差 {difference} 超过允许的 {spread}")
    if reasons:
        return FileOutcome(FileStatus.NEEDS_REVIEW, None, None, tuple(reasons))
    score = round1(sum(scores, ZERO) / len(scores))
    return FileOutcome(FileStatus.FINAL, score, graded(rubric, score, results[0].vetoes))


def agency_mean(rubric: Rubric, final_scores: Sequence[Decimal]) -> tuple[Decimal | None, str | None]:
    """An agency's mean over its final file scores and the grade of that mean (None if none)."""
    if not final_scores:
        return None, None
    mean = round1(sum(final_scores, ZERO) / len(final_scores))
    return mean, rubric.grade_for(mean)
