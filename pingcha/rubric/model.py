"""The rubric (评分标准) as immutable objects: one version of one standard."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property

VETO_ZERO = "zero"
VETO_CAP = "cap"


@dataclass(frozen=True)
class Grade:
    """等次: a score reaching ``min`` earns this grade (grades are ordered best first)."""

    name: str
    min: Decimal


@dataclass(frozen=True)
class Veto:
    """否决项: ``zero`` makes the score 0; ``cap`` bars any grade better than ``cap``."""

    code: str
    title: str
    effect: str
    cap: str | None = None


@dataclass(frozen=True)
class Deduction:
    """扣分情形: ``points`` per occurrence, found at most ``max_times`` times."""

    code: str
    text: str
    points: Decimal
    max_times: int = 1


@dataclass(frozen=True)
class Item:
    """评查项目 with its maximum points, evaluator's guide (评查要点) and deductions."""

    code: str
    title: str
    points: Decimal
    guide: str = ""
    na_allowed: bool = False
    deductions: tuple[Deduction, ...] = ()


@dataclass(frozen=True)
class Category:
    """类别 (执法主体, 事实与证据, …) grouping items."""

    code: str
    title: str
    items: tuple[Item, ...] = ()

    @property
    def points(self) -> Decimal:
        return sum((item.points for item in self.items), Decimal(0))


@dataclass(frozen=True)
class Check:
    """预检: a rule over a file's register row that suggests a deduction or veto (``suggests``).

    ``params`` are the rule's own keys in file order (columns as text or tuples, days and counts as
    int, yuan as Decimal, a regex as text); ``procedure`` limits the check to files of that 程序类型.
    """

    code: str
    rule: str
    suggests: str
    text: str
    params: tuple[tuple[str, object], ...] = ()
    procedure: str | None = None

    def param(self, key: str) -> object:
        return dict(self.params)[key]


@dataclass(frozen=True)
class Rubric:
    """One version of a scoring standard; (id, version) identifies it and it never changes."""

    id: str
    version: str
    title: str
    total: Decimal
    grades: tuple[Grade, ...]
    categories: tuple[Category, ...]
    vetoes: tuple[Veto, ...] = ()
    issued_by: str = ""
    effective: date | None = None
    replaces: str | None = None
    procedures: tuple[str, ...] = ("普通程序",)
    checks: tuple[Check, ...] = ()
    source: str = field(default="", compare=False)

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"

    @cached_property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for category in self.categories for item in category.items)

    @cached_property
    def item_by_code(self) -> dict[str, Item]:
        return {item.code: item for item in self.items}

    @cached_property
    def category_of_item(self) -> dict[str, Category]:
        return {item.code: category for category in self.categories for item in category.items}

    @cached_property
    def deduction_by_code(self) -> dict[str, Deduction]:
        return {d.code: d for item in self.items for d in item.deductions}

    @cached_property
    def item_of_deduction(self) -> dict[str, Item]:
        return {d.code: item for item in self.items for d in item.deductions}

    @cached_property
    def veto_by_code(self) -> dict[str, Veto]:
        return {veto.code: veto for veto in self.vetoes}

    @cached_property
    def check_by_code(self) -> dict[str, Check]:
        return {check.code: check for check in self.checks}

    @cached_property
    def known_codes(self) -> frozenset[str]:
        """Every code a sheet may name: deductions, items and vetoes."""
        return frozenset(self.deduction_by_code) | frozenset(self.item_by_code) | frozenset(self.veto_by_code)

    @cached_property
    def code_keys(self) -> dict[str, str]:
        """Every code as typed (case and width ignored, see ``code_key``) → the code as the rubric writes it."""
        from pingcha.text import code_key

        codes = [c.code for c in self.categories] + list(self.known_codes)
        return {code_key(code): code for code in codes}

    @cached_property
    def written_codes(self) -> frozenset[str]:
        """The codes ``code_keys`` gives back: a code typed exactly so needs no normalising."""
        return frozenset(self.code_keys.values())

    @cached_property
    def grade_rank(self) -> dict[str, int]:
        """0 for the best grade, rising towards the worst."""
        return {grade.name: rank for rank, grade in enumerate(self.grades)}

    def grade_for(self, score: Decimal) -> str:
        for grade in self.grades:
            if score >= grade.min:
                return grade.name
        return self.grades[-1].name

    def worse_grade(self, a: str, b: str) -> str:
        return a if self.grade_rank[a] >= self.grade_rank[b] else b
