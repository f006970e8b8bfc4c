"""十大典型案例: which files to propose as exemplary and which as warnings, and what each did well or wrong.
Pure Python, over an activity's results (pingcha.results): a file's outcome is never decided here.

Exemplary files are final, with no veto on their final sheet(s) and not in the lowest grade, the highest scores
first, spread across agencies and causes of action (案由): each round takes the best file of an agency and a cause
not yet chosen, before any agency or cause is chosen twice. Warnings are the final files in the lowest grade or
with a veto, lowest first, spread the same way. Files the 组长 pinned are always in, counted first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pingcha.results import FINAL, ActivityResults, FileResult

EXEMPLARY = "exemplary"
WARNING = "warning"


@dataclass(frozen=True)
class TypicalCase:
    file: FileResult
    kind: str  # EXEMPLARY or WARNING
    pinned: bool
    done_well: tuple[str, ...]  # categories without any deduction
    defects: tuple[str, ...]  # deductions found, with their notes
    vetoes: tuple[str, ...]  # triggered vetoes, by title
    comments: tuple[str, ...]  # the sheets' 评语 (the 复核 opinion first)


@dataclass(frozen=True)
class TypicalCases:
    activity: str
    exemplary: tuple[TypicalCase, ...]
    warnings: tuple[TypicalCase, ...]
    unknown_pins: tuple[str, ...] = ()  # pinned files that are not final (left out, and said so)


def _vetoes(file: FileResult) -> set[str]:
    return {code for view in file.counted_sheets for code in view.sheet.veto}


def _spread(candidates: Sequence[FileResult], wanted: int, chosen: list[FileResult]) -> list[FileResult]:
    """Up to ``wanted`` more files from ``candidates`` (best first), new agencies and causes before repeats."""
    picked = list(chosen)
    rest = [f for f in candidates if f not in picked]
    tests = (
        lambda f, agencies, causes: f.case.agency not in agencies and f.case.cause not in causes,
        lambda f, agencies, causes: f.case.agency not in agencies,
        lambda f, agencies, causes: f.case.cause not in causes,
        lambda f, agencies, causes: True,
    )
    for test in tests:
        progress = True
        while len(picked) - len(chosen) < wanted and progress:
            progress = False
            agencies = {f.case.agency for f in picked}
            causes = {f.case.cause for f in picked}
            for file in rest:
                if test(file, agencies, causes):
                    picked.append(file)
                    rest.remove(file)
                    progress = True
                    break
    return picked[len(chosen):]


def describe(results: ActivityResults, file: FileResult, kind: str, pinned: bool) -> TypicalCase:
    rubric = results.rubric
    sheets = file.counted_sheets
    deductions: dict[str, int] = {}
    notes: dict[str, list[str]] = {}
    for view in sheets:
        for code, count in view.sheet.deductions.items():
            if count and code in rubric.deduction_by_code:
                deductions[code] = max(deductions.get(code, 0), count)
                note = view.sheet.notes.get(code)
                if note and note not in notes.setdefault(code, []):
                    notes[code].append(note)
    order = {code: n for n, code in enumerate(rubric.deduction_by_code)}
    defects = []
    for code in sorted(deductions, key=order.__getitem__):
        rule = rubric.deduction_by_code[code]
        times = f"（{deductions[code]} 处）" if deductions[code] > 1 else ""
        where = f"：{'；'.join(notes[code])}" if notes.get(code) else ""
        defects.append(f"{rubric.item_of_deduction[code].title}：{rule.text}{times}{where}")
    touched = {rubric.item_of_deduction[code].code for code in deductions}
    na = set.intersection(*(set(v.sheet.na) for v in sheets)) if sheets else set()
    well = tuple(c.title for c in rubric.categories
                 if not any(i.code in touched for i in c.items) and not all(i.code in na for i in c.items))
    vetoes = tuple(rubric.veto_by_code[c].title for c in sorted(_vetoes(file)) if c in rubric.veto_by_code)
    ordered = sorted(sheets, key=lambda v: not v.reconciled)
    comments = tuple(dict.fromkeys(v.sheet.comment.strip() for v in ordered if v.sheet.comment.strip()))
    return TypicalCase(file, kind, pinned, well, tuple(defects), vetoes, comments)


def propose(results: ActivityResults, top: int = 10, pinned: Iterable[str] = (),
            warnings: int | None = None) -> TypicalCases:
    """``top`` exemplary files and ``warnings`` (default: half of ``top``, at least one) warnings."""
    warnings = max(1, top // 2) if warnings is None else warnings
    pinned = list(dict.fromkeys(pinned))
    finals = [f for f in results.files if f.status == FINAL]
    by_no = {f.case.case_no: f for f in finals}
    lowest = results.rubric.grades[-1].name

    def failing(file: FileResult) -> bool:
        return file.grade == lowest or bool(_vetoes(file))

    good = sorted((f for f in finals if not failing(f)), key=lambda f: (-f.score, f.case.case_no))
    bad = sorted((f for f in finals if failing(f)), key=lambda f: (f.score, f.case.case_no))
    pinned_good = [by_no[c] for c in pinned if c in by_no and not failing(by_no[c])]
    pinned_bad = [by_no[c] for c in pinned if c in by_no and failing(by_no[c])]
    exemplary = pinned_good + _spread(good, max(0, top - len(pinned_good)), pinned_good)
    warned = pinned_bad + _spread(bad, max(0, warnings - len(pinned_bad)), pinned_bad)
    marked = set(pinned)
    return TypicalCases(
        results.activity,
        tuple(describe(results, f, EXEMPLARY, f.case.case_no in marked) for f in exemplary),
        tuple(describe(results, f, WARNING, f.case.case_no in marked) for f in warned),
        tuple(c for c in pinned if c not in by_no),
    )
