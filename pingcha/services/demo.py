"""`pingcha demo`: a complete activity built from sample_cases/ and the shipped rubric.

The folders are scanned (a register is any table with a 案号 column, a roster any with 姓名), and
the evaluators' work is simulated with a fixed seed, through the same services a person uses, so
every screen and document has real content: most sheets submitted, some files needing 复核, one
settled by a 组长, a few still being scored.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from pathlib import Path

from pingcha.errors import UserError
from pingcha.paths import sample_cases_dir, scoring_rules_dir
from pingcha.rubric import Rubric
from pingcha.scoring import Sheet
from pingcha.services import (activities, draw, prechecks, rectification_demo, registers, review, rubrics, sheets,
                              wordings)
from pingcha.services.demo_history import build_history, history_names
from pingcha.services.results import activity_results
from pingcha.services.tables import read_table
from pingcha.store import Store
from pingcha.vocabulary import FileStatus, Role

DEMO_ACTIVITY = "2024年度行政处罚案卷交叉评查（演示）"
SEED = "2024"
DEMO_YEAR = 2024  # the year of the sample register's files; the history holds the two years before it
DOCUMENTS = (
    "立案审批表", "询问笔录", "现场检查笔录", "调查终结报告", "行政处罚事先告知书", "陈述申辩笔录",
    "法制审核意见书", "行政处罚决定书", "送达回证", "缴款凭证", "卷内目录", "证据材料",
)


@dataclass(frozen=True)
class DemoSummary:
    activity: str
    files: int
    sheets_submitted: int
    needs_review: int
    final: int
    pending: int


def newest_rubric(candidates: list[Rubric]) -> Rubric:
    """The shipped version no other shipped version replaces (the current standard)."""
    if not candidates:
        raise UserError(f"{scoring_rules_dir()} 中没有可用的评分标准")
    replaced = {(r.id, r.replaces) for r in candidates if r.replaces}
    current = [r for r in candidates if (r.id, r.version) not in replaced]
    return max(current or candidates, key=lambda r: (r.effective is not None, r.effective, r.version))


def _tables(folder: Path, column: str) -> list[Path]:
    found = []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in (".csv", ".xlsx"):
            continue
        try:
            if column in read_table(path, ()).headers:
                found.append(path)
        except UserError:
            continue
    return found


def _file_defects(rubric: Rubric, rng: random.Random, quality: float) -> Sheet:
    """The defects a file really has (fewer on a good file) and the items that do not apply to it."""
    deductions: dict[str, int] = {}
    notes: dict[str, str] = {}
    na = set()
    for item in rubric.items:
        if item.na_allowed and rng.random() < 0.45:
            na.add(item.code)
            continue
        for deduction in item.deductions:
            if rng.random() < (1 - quality) * 0.25:
                deductions[deduction.code] = rng.randint(1, min(deduction.max_times, 2))
                pages = sorted(rng.sample(range(1, 60), deductions[deduction.code]))
                notes[deduction.code] = "、".join(f"第{p}页" for p in pages) + rng.choice(DOCUMENTS)
    if len(na) == len(rubric.items):
        na.clear()
    vetoes = frozenset({rng.choice(rubric.vetoes).code}) if rubric.vetoes and quality < 0.5 else frozenset()
    return Sheet(deductions=deductions, na=frozenset(na), veto=vetoes, notes=notes)


def _as_read(rubric: Rubric, rng: random.Random, defects: Sheet, strict: bool) -> Sheet:
    """What one evaluator records: most real defects; a strict reader also some the other did not."""
    found = {code: n for code, n in defects.deductions.items() if rng.random() < 0.85}
    notes = {code: defects.notes[code] for code in found}
    if strict:
        open_rules = [d for i in rubric.items if i.code not in defects.na for d in i.deductions if d.code not in found]
        for deduction in rng.sample(open_rules, min(len(open_rules), 6)):
            found[deduction.code] = 1
            notes[deduction.code] = f"第{rng.randint(1, 60)}页{rng.choice(DOCUMENTS)}"
    return Sheet(deductions=found, na=defects.na, veto=defects.veto, notes=notes)


def _enter(store: Store, ref: sheets.SheetRef, sheet: Sheet) -> None:
    """Type a sheet in change by change, as an evaluator would (each change audited)."""
    for code in sorted(sheet.na):
        sheets.change_sheet(store, ref, ref.evaluator, code=code, marked=True)
    for code, count in sheet.deductions.items():
        sheets.change_sheet(store, ref, ref.evaluator, code=code, count=count, note=sheet.notes.get(code, ""))
    for code in sorted(sheet.veto):
        sheets.change_sheet(store, ref, ref.evaluator, code=code, marked=True)


def _decide_findings(store: Store, ref: sheets.SheetRef) -> None:
    """The evaluator checks each 预检 finding against the file: a hearing reminder is found answered by the
    告知书 and dismissed; the defects the register shows are confirmed and accepted."""
    for view in prechecks.file_findings(store, ref):
        if view.finding.check == "P11" or "听证" in view.finding.text:
            prechecks.dismiss_finding(store, ref, view.check, ref.evaluator, "行政处罚事先告知书已告知听证权利")
        else:
            prechecks.accept_finding(store, ref, view.check, ref.evaluator)


def check_demo_database(store: Store) -> None:
    """Refuse to put the demo into a database that holds real work: only an empty database, or one holding
    the demo activity and nothing else, is a demo database."""
    others = [a.name for a in activities.list_activities(store)
              if a.name not in (DEMO_ACTIVITY, *history_names(DEMO_YEAR))]
    if others:
        shown = "、".join(f"“{name}”" for name in others[:3]) + ("等" if len(others) > 3 else "")
        raise UserError(f"这个数据库中有正式的评查活动（{shown}），不能在其中建立演示数据；请不加 --db 运行"
                        " pingcha demo（演示使用单独的数据库），或用 --db 指定一个新的文件")
    if not any(a.name == DEMO_ACTIVITY for a in activities.list_activities(store)) and rubrics.list_rubrics(store):
        raise UserError("这个数据库中已载入评分标准，是正式数据库，不能在其中建立演示数据；请不加 --db 运行"
                        " pingcha demo，或用 --db 指定一个新的文件")


# 规范表述 the demo's 组长 has agreed for a few common deductions (the 通报's 典型问题 uses them).
DEMO_WORDINGS = (
    ("D12c", "送达回证未完整载明送达文书名称、送达方式或者送达地点"),
    ("E5b", "处罚决定书的裁量说理照搬条文，未结合违法情节说明从轻或者从重的理由"),
    ("F2b", "案号序号编虚位或者加“第”字，不符合案件编号规则"),
    ("C3b", "违法行为跨越新旧规定施行期间，未按“从旧兼从轻”原则选择适用的法律规范"),
)


def build_demo(store: Store, actor: str = "区司法局") -> DemoSummary:
    shipped = rubrics.shipped_rubrics()
    for rubric in sorted(shipped, key=lambda r: (r.effective is not None, r.effective)):
        rubrics.store_rubric(store, rubric, actor)
    rubric = newest_rubric(shipped)
    activities.create_activity(store, DEMO_ACTIVITY, rubric.key, actor, year=DEMO_YEAR)
    folder = sample_cases_dir()
    for path in _tables(folder, "案号"):
        registers.import_register(store, DEMO_ACTIVITY, path, actor)
    for path in _tables(folder, "姓名"):
        registers.import_roster(store, DEMO_ACTIVITY, path, actor)
    draw.draw_files(store, DEMO_ACTIVITY, SEED, actor, per_agency=4)
    draw.assign(store, DEMO_ACTIVITY, SEED, actor)

    rng = random.Random(f"demo:{SEED}")
    results = activity_results(store, DEMO_ACTIVITY)
    leaders = [e.name for e in results.evaluators if e.role == Role.LEADER]
    for file in results.files:
        defects = _file_defects(rubric, rng, rng.betavariate(3, 1.3))
        disputed = rng.random() < 0.25
        for position, evaluator in enumerate(file.evaluators):
            ref = sheets.sheet_ref(store, DEMO_ACTIVITY, evaluator, file.case.case_no)
            roll = rng.random()
            if roll < 0.02:
                continue  # not opened yet
            _enter(store, ref, _as_read(rubric, rng, defects, strict=disputed and position == 1))
            _decide_findings(store, ref)
            if roll >= 0.06:
                sheets.submit_sheet(store, ref, evaluator)
    queue = [f for f in activity_results(store, DEMO_ACTIVITY).files if f.status == FileStatus.NEEDS_REVIEW]
    if queue and leaders:
        settled = queue[0]
        first = next(v for v in settled.sheets if v.result is not None)
        opinion = f"经集体评议，以{first.evaluator}的评查结果为准。"
        review.reconcile(store, DEMO_ACTIVITY, settled.case.case_no, replace(first.sheet, comment=opinion), leaders[0])
    for code, text in DEMO_WORDINGS:
        if code in rubric.deduction_by_code:
            wordings.add_wording(store, DEMO_ACTIVITY, code, text, leaders[0] if leaders else actor)
    rectification_demo.run_after_results(store, DEMO_ACTIVITY, leaders, actor)
    build_history(store, rubric, DEMO_YEAR, folder, actor)
    final = activity_results(store, DEMO_ACTIVITY)
    return DemoSummary(
        DEMO_ACTIVITY,
        len(final.files),
        sum(1 for f in final.files for v in f.sheets if v.status != sheets.DRAFT),
        sum(f.status == FileStatus.NEEDS_REVIEW for f in final.files),
        sum(f.status == FileStatus.FINAL for f in final.files),
        sum(f.status == FileStatus.PENDING for f in final.files),
    )
