"""近三年统计分析 (interfaces.md §12): activities of several years pooled by year. Pure Python.

A face or report never recomputes a file's outcome: the services reduce each activity's results (taken from
the one outcome rule, ``pingcha.outcome``) to ``ActivityFacts``, and everything here is counting and means.
Agencies are matched across activities by their name as ``text.name_key`` compares it, items by code.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from pingcha.rubric import Rubric
from pingcha.rubric.diff import diff_rubrics
from pingcha.scoring import ZERO, round1
from pingcha.text import name_key

THOUSANDTH = Decimal("0.001")
RECURRING_RATE = Decimal("0.2")  # a problem recurs when found on a fifth of the files or more, every year


def round3(value: Decimal) -> Decimal:
    return value.quantize(THOUSANDTH, rounding=ROUND_HALF_UP)


def mean_of(scores: Sequence[Decimal]) -> Decimal | None:
    """The mean of final scores as every other mean is rounded (§2: half up, one decimal)."""
    return round1(sum(scores, ZERO) / len(scores)) if scores else None


@dataclass(frozen=True)
class FileFacts:
    """One drawn file as statistics see it: final or not, and if final its score, grade and the deductions its
    final sheet(s) record (codes of deduction rules)."""

    agency: str
    final: bool
    score: Decimal | None = None
    grade: str | None = None
    deductions: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ActivityFacts:
    name: str
    year: int
    rubric: Rubric
    files: tuple[FileFacts, ...]
    order: int = 0  # the activity's number: ties between activities of one year

    def deducted_items(self, file: FileFacts) -> set[str]:
        of = self.rubric.item_of_deduction
        return {of[code].code for code in file.deductions if code in of}


@dataclass(frozen=True)
class ActivityLine:
    name: str
    year: int
    rubric: str
    files: int
    final: int
    mean: Decimal | None

    def to_json(self) -> dict:
        return {"name": self.name, "year": self.year, "rubric": self.rubric, "files": self.files,
                "final": self.final, "mean": _num(self.mean)}


@dataclass(frozen=True)
class AgencyYear:
    year: int
    files: int
    final: int
    mean: Decimal | None
    grades: dict[str, int]

    def share(self, grade: str) -> Decimal | None:
        """Percent of the final files in ``grade``, one decimal."""
        return round1(Decimal(100) * self.grades.get(grade, 0) / self.final) if self.final else None

    def to_json(self) -> dict:
        return {"year": self.year, "files": self.files, "final": self.final, "mean": _num(self.mean),
                "grades": dict(self.grades)}


@dataclass(frozen=True)
class AgencyLine:
    agency: str
    years: tuple[AgencyYear, ...]

    def year(self, year: int) -> AgencyYear | None:
        return next((y for y in self.years if y.year == year), None)

    def to_json(self) -> dict:
        return {"agency": self.agency, "years": [y.to_json() for y in self.years]}


@dataclass(frozen=True)
class ItemYear:
    year: int
    files: int  # final files of that year's activities whose rubric has the item
    deducted: int  # of those, how many have a deduction on the item on their final sheet(s)

    @property
    def rate(self) -> Decimal | None:
        return round3(Decimal(self.deducted) / self.files) if self.files else None

    def to_json(self) -> dict:
        return {"year": self.year, "files": self.files, "rate": _num(self.rate)}


@dataclass(frozen=True)
class ItemLine:
    code: str
    title: str
    category: str
    years: tuple[ItemYear, ...]
    # the deduction rules found most often on the item, newest year first: (text, files)
    problems: tuple[tuple[str, int], ...] = ()

    def year(self, year: int) -> ItemYear | None:
        return next((y for y in self.years if y.year == year), None)

    def to_json(self) -> dict:
        return {"code": self.code, "title": self.title, "years": [y.to_json() for y in self.years]}


@dataclass(frozen=True)
class Statistics:
    activities: tuple[ActivityLine, ...]
    agencies: tuple[AgencyLine, ...]
    items: tuple[ItemLine, ...]
    grades: tuple[str, ...]  # grade names in the order of the newest rubric (best first), then any others
    caveats: tuple[str, ...] = ()
    years: tuple[int, ...] = field(default=())

    def recurring(self, min_years: int = 2, min_rate: Decimal = RECURRING_RATE) -> tuple[ItemLine, ...]:
        """Problems that recur year after year: items deducted on at least ``min_rate`` of the final files in every
        one of at least ``min_years`` years they were scored in, the most persistent (highest lowest rate) first."""
        found = []
        for item in self.items:
            scored = [y for y in item.years if y.files]
            if len(scored) >= min_years and all(y.rate >= min_rate for y in scored):
                found.append(item)
        return tuple(sorted(found, key=lambda i: (-min(y.rate for y in i.years if y.files), i.code)))

    def to_json(self) -> dict:
        return {
            "activities": [a.to_json() for a in self.activities],
            "agencies": [a.to_json() for a in self.agencies],
            "items": [i.to_json() for i in self.items],
            "caveats": list(self.caveats),
        }


def _num(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def _grade_order(activities: Sequence[ActivityFacts]) -> tuple[str, ...]:
    names: list[str] = []
    for activity in sorted(activities, key=lambda a: (-a.year, -a.order)):
        for grade in activity.rubric.grades:
            if grade.name not in names:
                names.append(grade.name)
    return tuple(names)


def compute_statistics(activities: Sequence[ActivityFacts]) -> Statistics:
    """Activities pooled by year: per activity, per agency and year, per item and year (§12)."""
    ordered = sorted(activities, key=lambda a: (a.year, a.order))
    years = tuple(sorted({a.year for a in ordered}))
    grades = _grade_order(ordered)
    lines = []
    for activity in ordered:
        finals = [f.score for f in activity.files if f.final]
        lines.append(ActivityLine(activity.name, activity.year, activity.rubric.key, len(activity.files),
                                  len(finals), mean_of(finals)))

    # Agencies: one line per name as compared, shown as the newest activity spells it.
    shown: dict[str, str] = {}
    drawn: dict[tuple[str, int], int] = defaultdict(int)
    scores: dict[tuple[str, int], list[Decimal]] = defaultdict(list)
    graded: dict[tuple[str, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    # Items: by code; the newest rubric that has the item names it.
    titles: dict[str, tuple[str, str]] = {}
    scored: dict[tuple[str, int], int] = defaultdict(int)
    deducted: dict[tuple[str, int], int] = defaultdict(int)
    found: dict[tuple[str, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    texts: dict[str, str] = {}
    for activity in ordered:
        rubric = activity.rubric
        for item in rubric.items:
            titles[item.code] = (item.title, rubric.category_of_item[item.code].title)
        for deduction in rubric.deduction_by_code.values():
            texts[deduction.code] = deduction.text
        finals = 0
        for file in activity.files:
            key = name_key(file.agency)
            shown[key] = file.agency
            drawn[key, activity.year] += 1
            if not file.final:
                continue
            finals += 1
            scores[key, activity.year].append(file.score)
            graded[key, activity.year][file.grade] += 1
            for code in activity.deducted_items(file):
                deducted[code, activity.year] += 1
            for code in file.deductions:
                if code in rubric.item_of_deduction:
                    found[rubric.item_of_deduction[code].code, activity.year][code] += 1
        for item in rubric.items:
            scored[item.code, activity.year] += finals

    agencies = []
    for key in sorted(shown, key=lambda k: shown[k]):
        entries = tuple(
            AgencyYear(year, drawn[key, year], len(scores[key, year]), mean_of(scores[key, year]),
                       {g: graded[key, year].get(g, 0) for g in grades})
            for year in years if (key, year) in drawn
        )
        agencies.append(AgencyLine(shown[key], entries))

    # In the order of the newest rubric, then items only older rubrics have, in theirs.
    codes = list(dict.fromkeys(item.code for a in reversed(ordered) for item in a.rubric.items))
    items = []
    for code in codes:
        entries = tuple(ItemYear(year, scored[code, year], deducted[code, year])
                        for year in years if (code, year) in scored)
        latest = next((found[code, y] for y in reversed(years) if found.get((code, y))), {})
        problems = tuple((texts[c], n) for c, n in sorted(latest.items(), key=lambda kv: (-kv[1], kv[0])))
        items.append(ItemLine(code, titles[code][0], titles[code][1], entries, problems[:3]))
    return Statistics(tuple(lines), tuple(agencies), tuple(items), grades, tuple(caveats(ordered)), years)


def caveats(activities: Sequence[ActivityFacts]) -> list[str]:
    """What a reader must know before comparing the years: different rubrics (items matched by code; items
    re-pointed, renamed, added or removed between the versions used; grade bands moved), years without results."""
    notes: list[str] = []
    if not activities:
        return ["没有评查活动，无可统计。"]
    rubrics: list[Rubric] = []
    for activity in sorted(activities, key=lambda a: (a.year, a.order)):
        if all(r.key != activity.rubric.key for r in rubrics):
            rubrics.append(activity.rubric)
    if len(rubrics) > 1:
        used = "；".join(
            f"{r.key}（{'、'.join(str(y) for y in sorted({a.year for a in activities if a.rubric.key == r.key}))}年）"
            for r in rubrics)
        notes.append(f"各年度使用的评分标准不同：{used}。评查项目按编号对应，扣分率只在该项目存在的年度计算。")
    for old, new in zip(rubrics, rubrics[1:]):
        if old.id != new.id:
            notes.append(f"{old.key} 与 {new.key} 不是同一评分标准的版本，编号相同的项目含义可能不同，比较时请核对。")
        diff = diff_rubrics(old, new)
        pointed = [f"{c.code} {c.title}（{c.old}分→{c.new}分）" for c in diff.items_repointed]
        renamed = [f"{c.code}（“{c.old}”→“{c.new}”）" for c in diff.items_reworded if c.field == "评查项目"]
        if pointed:
            notes.append(f"{old.key}→{new.key} 调整了分值的项目：{'；'.join(pointed)}。")
        if renamed:
            notes.append(f"{old.key}→{new.key} 改了名称的项目：{'；'.join(renamed)}。")
        if diff.items_added:
            notes.append(f"{new.key} 新增项目 {'、'.join(i['code'] + ' ' + i['title'] for i in diff.items_added)}，"
                         f"此前年度无数据。")
        if diff.items_removed:
            notes.append(f"{new.key} 删除项目 {'、'.join(i['code'] + ' ' + i['title'] for i in diff.items_removed)}，"
                         f"此后年度无数据。")
        bands = [f"“{c.code}”最低分 {c.old}→{c.new}" for c in diff.grades_changed]
        if bands or diff.grades_added or diff.grades_removed:
            moved = "；".join(bands + [f"新增“{g['name']}”" for g in diff.grades_added]
                             + [f"取消“{g['name']}”" for g in diff.grades_removed])
            notes.append(f"{old.key}→{new.key} 等次划分有变化（{moved}），各年度等次比例不完全可比。")
    for year in sorted({a.year for a in activities}):
        if not any(f.final for a in activities if a.year == year for f in a.files):
            notes.append(f"{year}年尚无评查完成的案卷，该年度只有抽查件数。")
    return notes
