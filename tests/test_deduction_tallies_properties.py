"""ActivityResults.deduction_tallies (the 通报's 存在的主要问题 and the 汇总表's 问题统计) gives, over random files
and sheets, exactly what the plain reading of its rule gives: the tuned loop changes the cost, not the result."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from pingcha.paths import scoring_rules_dir
from pingcha.results import (FINAL, NEEDS_REVIEW, PENDING, ActivityResults, CaseFile, DeductionTally, FileResult,
                             SheetView)
from pingcha.rubric import load_rubric_file
from pingcha.scoring import Sheet
from pingcha.vocabulary import SheetStatus

RUBRIC = load_rubric_file(scoring_rules_dir() / "xiqu-xzcf-2024.1.toml")
# A few codes of the rubric (so that sheets and files share them and ties in frequency happen), and one it does
# not know.
CODES = sorted(RUBRIC.deduction_by_code)[:3] + sorted(RUBRIC.deduction_by_code)[-2:] + ["Z9z"]
NOTES = st.sampled_from(["", "第3页未签名", "送达回证缺地址", "第3页未签名\n另见第5页"])


def plain_tallies(results: ActivityResults) -> tuple[DeductionTally, ...]:
    """The rule as written down: per final file the highest count any counted sheet gives for each code the
    rubric knows, summed over files; distinct files; every note once in the order found; the first note of a
    file for its case; most frequent first, then in the rubric's order."""
    occurrences, files = Counter(), Counter()
    notes: dict[str, list[str]] = {}
    cases: dict[str, list[tuple[str, str, str]]] = {}
    for file in results.files:
        if file.status != FINAL:
            continue
        highest: dict[str, int] = {}
        first_note: dict[str, str] = {}
        for view in file.counted_sheets:
            for code, count in view.sheet.deductions.items():
                if count and code in RUBRIC.deduction_by_code:
                    highest[code] = max(highest.get(code, 0), count)
                    if view.sheet.notes.get(code):
                        notes.setdefault(code, []).append(view.sheet.notes[code])
                        first_note.setdefault(code, view.sheet.notes[code])
        for code, count in highest.items():
            occurrences[code] += count
            files[code] += 1
            cases.setdefault(code, []).append((file.case.agency, file.case.case_no, first_note.get(code, "")))
    order = list(RUBRIC.deduction_by_code)
    tallies = []
    for code in sorted(occurrences, key=lambda c: (-occurrences[c], order.index(c))):
        item = RUBRIC.item_of_deduction[code]
        category = RUBRIC.category_of_item[item.code]
        tallies.append(DeductionTally(code, RUBRIC.deduction_by_code[code].text, item.code, item.title, category.code,
                                      category.title, occurrences[code], files[code],
                                      tuple(dict.fromkeys(notes.get(code, []))), tuple(cases[code])))
    return tuple(tallies)


@st.composite
def sheet_views(draw, status):
    codes = draw(st.lists(st.sampled_from(CODES), max_size=5, unique=True))
    deductions = {code: draw(st.integers(0, 4)) for code in codes}
    # Mostly notes on the codes found, sometimes one on a code with nothing found (it counts nowhere).
    noted = codes + draw(st.lists(st.sampled_from(CODES), max_size=1))
    notes = {code: draw(NOTES) for code in noted}
    evaluator = draw(st.sampled_from(["董文", "罗敏", "欧阳明辉"]))
    return SheetView(evaluator, status, Sheet(deductions=deductions, notes=notes, evaluator=evaluator), None)


@st.composite
def activities(draw):
    files = []
    for n in range(draw(st.integers(0, 12))):
        sheets = tuple(draw(sheet_views(draw(st.sampled_from([SheetStatus.SUBMITTED, SheetStatus.DRAFT]))))
                       for _ in range(draw(st.sampled_from([0, 1, 2, 2, 2, 3]))))
        review = draw(st.one_of(st.none(), sheet_views(SheetStatus.RECONCILED)))
        agency = draw(st.sampled_from(["区综合执法局", "区市场监管局", "区应急管理局"]))
        case = CaseFile(f"川攀西罚〔2024〕{n + 1}号", agency, "案由", "某某", "个人")
        status = draw(st.sampled_from([FINAL, FINAL, PENDING, NEEDS_REVIEW]))
        files.append(FileResult(case, status, Decimal("90") if status == FINAL else None, None,
                                tuple(s.evaluator for s in sheets), sheets, review))
    return ActivityResults("评查", 1, RUBRIC, datetime(2024, 3, 5), 2, Decimal("5.0"), (), tuple(files), ())


@settings(max_examples=300, deadline=None)
@given(activities())
def test_the_tallies_are_the_plain_rule(results):
    assert results.deduction_tallies() == plain_tallies(results)
