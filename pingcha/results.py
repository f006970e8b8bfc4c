"""An activity's results as plain data: what services compute and reports, UI and JSON present.

No database rows and no widgets here, so a report can be rendered from data a test builds by hand.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from functools import cached_property
from datetime import date, datetime
from decimal import Decimal

from pingcha.outcome import ranked
from pingcha.records import record
from pingcha.rubric import Rubric
from pingcha.scoring import Sheet, SheetError, SheetResult, SheetScore, item_losses, round1, score_sheet
from pingcha.vocabulary import FILE_STATUS_LABELS, FileStatus, Role, SheetStatus

PENDING = FileStatus.PENDING
NEEDS_REVIEW = FileStatus.NEEDS_REVIEW
FINAL = FileStatus.FINAL

STATUS_LABELS = FILE_STATUS_LABELS


@dataclass(frozen=True)
class Evaluator:
    name: str
    unit: str
    role: str = Role.EVALUATOR  # or Role.LEADER


@record
class CaseFile:
    """案卷: one row of an agency's register."""

    case_no: str
    agency: str
    cause: str  # 案由
    party: str  # 当事人
    party_type: str  # 个人 or 单位
    procedure: str = "普通程序"
    decision: str = ""  # 处罚决定
    filed_on: date | None = None  # 立案日期
    decided_on: date | None = None  # 决定日期
    served_on: date | None = None  # 送达日期
    closed_on: date | None = None  # 结案日期
    officers: tuple[str, ...] = ()
    extra: dict[str, str] = field(default_factory=dict)


@record
class SheetView:
    """One evaluator's 评查表 on one file, or the 组长's reconciled sheet (``reconciled``). In an activity's
    results ``sheet.decided`` is left empty: which items were confirmed as nothing to deduct changes no score
    and no report, and is most of what a province's sheets hold (the scoring screen reads it, sheet by sheet).
    In an activity's results ``result`` is the score stored beside the sheet, and without contents
    (``activity_results(contents=False)``) ``sheet`` is None."""

    evaluator: str
    status: str  # 草稿 (draft), 已提交 (submitted) or 复核 (reconciled)
    sheet: Sheet | None
    result: SheetResult | SheetScore | None  # None where the sheet cannot be scored
    submitted_at: datetime | None = None
    reconciled: bool = False
    rubric: Rubric | None = field(default=None, repr=False, compare=False)  # what ``detail`` scores with

    @cached_property
    def detail(self) -> SheetResult | None:
        """The score item by item (a ``SheetResult``), scored from ``sheet`` when first asked for; None where the
        sheet cannot be scored."""
        if isinstance(self.result, SheetResult) or self.result is None:
            return self.result
        if self.sheet is None or self.rubric is None:
            raise ValueError("results without the sheets' contents have no per-item detail")
        try:
            return score_sheet(self.rubric, self.sheet)
        except SheetError:
            return None

    @property
    def losses(self) -> dict[str, Decimal]:
        """Item code → points lost, as ``detail.deducted`` says, without scoring the sheet item by item: what the
        agreement figures and the 通报 read of every counted sheet of a province (``scoring.item_losses``)."""
        if isinstance(self.result, SheetResult) or self.sheet is None or self.rubric is None:
            return dict(self.detail.deducted)
        return item_losses(self.rubric, self.sheet.deductions)

    @property
    def not_applicable(self) -> frozenset[str]:
        """The items marked 不适用, as ``detail.na`` says (read off the sheet where the results hold it)."""
        return self.sheet.na if self.sheet is not None else self.detail.na


@record
class FileResult:
    case: CaseFile
    status: str  # PENDING, NEEDS_REVIEW or FINAL
    score: Decimal | None
    grade: str | None
    evaluators: tuple[str, ...]
    sheets: tuple[SheetView, ...] = ()
    review: SheetView | None = None
    reasons: tuple[str, ...] = ()  # why 复核 is needed

    @property
    def counted_sheets(self) -> tuple[SheetView, ...]:
        """The sheets behind the final result: the reconciled one, else the submitted ones."""
        if self.review is not None:
            return (self.review,)
        return tuple(s for s in self.sheets if s.status != SheetStatus.DRAFT)

    def to_json(self) -> dict:
        return {
            "case_no": self.case.case_no,
            "agency": self.case.agency,
            "cause": self.case.cause,
            "score": float(self.score) if self.score is not None and self.status == FINAL else None,
            "grade": self.grade if self.status == FINAL else None,
            "status": self.status,
            "evaluators": list(self.evaluators),
            "reasons": list(self.reasons),
            "reconciled": self.review is not None,
            "extra": dict(self.case.extra),
        }


@dataclass(frozen=True)
class AgencyResult:
    agency: str
    files: int  # drawn files of this agency
    final: int
    pending: int
    needs_review: int
    mean: Decimal | None
    grade: str | None
    rank: int | None = None  # set by ActivityResults from the one ranking rule (pingcha.outcome)

    def to_json(self) -> dict:
        return {
            "agency": self.agency,
            "rank": self.rank,
            "files": self.files,
            "final": self.final,
            "pending": self.pending,
            "needs_review": self.needs_review,
            "mean": float(self.mean) if self.mean is not None else None,
            "grade": self.grade,
        }


@dataclass(frozen=True)
class DeductionTally:
    """How often one deduction rule was found across the counted sheets (for 存在的主要问题)."""

    code: str
    text: str
    item_code: str
    item_title: str
    category_code: str
    category_title: str
    occurrences: int  # Σ over files of the count on that file (the highest any counted sheet gives)
    files: int  # distinct files where found
    notes: tuple[str, ...]
    # (agency, 案号, note) of the files where found, in file order: typical cases a report may cite.
    cases: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class DrawFacts:
    """How the files were drawn, so an outsider can reproduce the draw: the seed, whether it was fixed in advance
    (and when), the mode and quota, and how many draws there were (every redraw is audited)."""

    seed: str
    mode: str  # per_agency or total
    quota: int
    drawn_at: datetime
    fixed_at: datetime | None = None
    draws: int = 1


@dataclass(frozen=True)
class ActivityResults:
    """Everything about one activity's outcome that a report or screen needs."""

    activity: str
    activity_id: int
    rubric: Rubric
    created_at: datetime
    per_file: int
    spread: Decimal
    evaluators: tuple[Evaluator, ...]
    files: tuple[FileResult, ...]
    agencies: tuple[AgencyResult, ...]  # ranked on construction: mean descending, agencies without a mean last
    settings: dict[str, str] = field(default_factory=dict)  # document settings (发文字号, 主送, …)
    register_size: int = 0  # files in the imported registers
    register_agencies: int = 0
    # (当事人, 当事人类型) of every file of the register, drawn or not, each once: every individual is masked
    # (empty in results without the sheets' contents, which no document is made from).
    register_parties: tuple[tuple[str, str], ...] = ()
    draw: DrawFacts | None = None
    # 异议 before the 通报, by status (待答复, 已采纳, 未采纳; ``reviewed``: upheld and settled by a 复核 since):
    # the 通报 says how many came in and how many were upheld.
    objections: dict[str, int] = field(default_factory=dict)
    # 规范表述 curated by the 组长 for the rubric, per deduction code (the first agreed first): what the 通报 says
    # of a common problem instead of one evaluator's note.
    wordings: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def __repr__(self) -> str:
        # Short: a province's results written out in full take seconds, and whatever names them in passing (a
        # worker's description, a log line) would stall the screen that long.
        return (f"ActivityResults(activity={self.activity!r}, activity_id={self.activity_id}, "
                f"files={len(self.files)}, agencies={len(self.agencies)})")

    def __post_init__(self) -> None:
        # Whoever builds the results, agencies come out ordered and ranked by the one rule of §2.
        agencies = ranked(self.agencies, lambda a: a.mean, lambda a: a.agency)
        object.__setattr__(self, "agencies", tuple(replace(a, rank=rank) for rank, a in agencies))

    def grade_counts(self) -> dict[str, int]:
        """Final files per grade, in the rubric's order (best first), zeros included."""
        return dict(self._grade_counts)

    @cached_property
    def _grade_counts(self) -> dict[str, int]:
        # Counted once: a page asks on the event loop, after its worker has asked first.
        counts = Counter(f.grade for f in self.files if f.status == FINAL)
        return {grade.name: counts.get(grade.name, 0) for grade in self.rubric.grades}

    def grade_shares(self) -> dict[str, Decimal]:
        """Percent of final files per grade, one decimal."""
        counts = self.grade_counts()
        total = sum(counts.values())
        return {name: round1(Decimal(100) * n / total) if total else Decimal(0) for name, n in counts.items()}

    def final_files(self) -> tuple[FileResult, ...]:
        return tuple(f for f in self.files if f.status == FINAL)

    def files_with_grade(self, grade: str) -> tuple[FileResult, ...]:
        return tuple(f for f in self.files if f.status == FINAL and f.grade == grade)

    def deduction_tallies(self) -> tuple[DeductionTally, ...]:
        """Deductions found on the final sheets of the final files, most frequent first.

        A file still 评查中 or 待复核 has no result yet, so its sheets count nowhere.
        """
        # One pass over a province's sheets with plain dicts and local names: this runs for every 通报 and 汇总表.
        known = self.rubric.deduction_by_code
        occurrences: dict[str, int] = {}
        files: dict[str, int] = {}
        notes: dict[str, dict[str, None]] = {}  # distinct notes per code, in the order first found
        cases: dict[str, list[tuple[str, str, str]]] = {}
        for file in self.files:
            if file.status != FINAL:
                continue
            # Two evaluators finding the same defect on one file is one defect, not two.
            per_file: dict[str, int] = {}
            per_file_note: dict[str, str] = {}
            for view in file.counted_sheets:
                sheet_notes = view.sheet.notes
                for code, count in view.sheet.deductions.items():
                    if not count or code not in known:
                        continue
                    before = per_file.get(code, 0)
                    per_file[code] = count if count > before else before
                    note = sheet_notes.get(code)
                    if note:
                        notes.setdefault(code, {})[note] = None
                        if code not in per_file_note:
                            per_file_note[code] = note
            if not per_file:
                continue
            agency, case_no = file.case.agency, file.case.case_no
            for code, count in per_file.items():
                occurrences[code] = occurrences.get(code, 0) + count
                files[code] = files.get(code, 0) + 1
                cases.setdefault(code, []).append((agency, case_no, per_file_note.get(code, "")))
        order = {d: i for i, d in enumerate(self.rubric.deduction_by_code)}
        tallies = []
        for code in sorted(occurrences, key=lambda c: (-occurrences[c], order[c])):
            item = self.rubric.item_of_deduction[code]
            category = self.rubric.category_of_item[item.code]
            tallies.append(
                DeductionTally(
                    code,
                    self.rubric.deduction_by_code[code].text,
                    item.code,
                    item.title,
                    category.code,
                    category.title,
                    occurrences[code],
                    files[code],
                    tuple(notes.get(code, ())),
                    tuple(cases.get(code, [])),
                )
            )
        return tuple(tallies)

    def to_json(self) -> dict:
        return {
            "activity": self.activity,
            "rubric": self.rubric.key,
            "files": [f.to_json() for f in self.files],
            "agencies": [a.to_json() for a in self.agencies],
        }
