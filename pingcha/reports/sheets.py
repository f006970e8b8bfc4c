"""评查表: one document per file, with every evaluator's sheet item by item and the 复核 result."""

from __future__ import annotations

from pathlib import Path

from pingcha.reports import facts
from pingcha.reports.engine import find_template, render_docx, safe_filename
from pingcha.reports.masking import Masker, masker_for
from pingcha.reports.settings import as_context, for_results
from pingcha.prechecks import PrecheckSummary
from pingcha.results import STATUS_LABELS, ActivityResults, FileResult, SheetView
from pingcha.rubric import Rubric
from pingcha.rubric.model import VETO_ZERO
from pingcha.vocabulary import Role, SheetStatus

SHEET_STATUS = {SheetStatus.DRAFT: "草稿（未提交，不计入结果）", SheetStatus.SUBMITTED: "已提交",
                SheetStatus.RECONCILED: "复核确定"}


def _findings(view: SheetView, item, masker: Masker) -> str:
    """One line per deduction found on ``item``: code, rule, count, points and the evaluator's note."""
    lines = []
    for deduction in item.deductions:
        count = view.sheet.deductions.get(deduction.code, 0)
        if not count:
            continue
        line = f"{deduction.code} {deduction.text}（{count}次，扣{facts.points_text(deduction.points * count)}分）"
        note = view.sheet.notes.get(deduction.code)
        if note:
            line += f"：{masker.text(note)}"
        lines.append(line)
    note = view.sheet.notes.get(item.code)
    if note:
        lines.append(f"说明：{masker.text(note)}")
    return "\n".join(lines)


def sheet_rows(rubric: Rubric, view: SheetView, masker: Masker) -> list[dict]:
    """Every category (a shaded row) and item of the rubric, with this sheet's findings."""
    result = view.detail
    items = {i.code: i for i in result.items} if result else {}
    categories = {c.code: c for c in result.categories} if result else {}
    rows = []
    for number, category in enumerate(rubric.categories, start=1):
        scored = categories.get(category.code)
        rows.append({
            "category": True,
            "code": category.code,
            "title": f"{facts.cn_number(number)}、{category.title}",
            "points": facts.points_text(category.points),
            "deducted": facts.points_text(scored.points - scored.obtained) if scored else "",
            "obtained": facts.points_text(scored.obtained) if scored else "",
        })
        for item in category.items:
            scored_item = items.get(item.code)
            na = item.code in view.sheet.na
            if na:
                deducted, obtained = facts.DASH, "不适用"
            elif scored_item is None:
                deducted, obtained = "", ""
            else:
                deducted = facts.points_text(scored_item.deducted) if scored_item.deducted else ""
                obtained = facts.points_text(scored_item.obtained)
            rows.append({
                "category": False,
                "code": item.code,
                "title": item.title,
                "points": facts.points_text(item.points),
                "deducted": deducted,
                "obtained": obtained,
                "findings": _findings(view, item, masker),
            })
    return rows


def _vetoes(rubric: Rubric, view: SheetView, masker: Masker) -> str:
    found = [veto for veto in rubric.vetoes if veto.code in view.sheet.veto]
    if not found:
        return "无"
    parts = []
    for veto in found:
        note = view.sheet.notes.get(veto.code)
        parts.append(f"{veto.code} {veto.title}" + (f"（说明：{masker.text(note)}）" if note else ""))
    return "；".join(parts)


def _total_note(rubric: Rubric, view: SheetView) -> str:
    result = view.detail
    if result is None:
        return ""
    effects = [rubric.veto_by_code[code] for code in result.vetoes]
    if any(veto.effect == VETO_ZERO for veto in effects):
        return "否决项成立，总分计为0分"
    notes = []
    if result.applicable != rubric.total:
        notes.append(f"按适用项目折算，得分{facts.score_text(result.score)}分")
    caps = sorted({veto.cap for veto in effects if veto.cap})
    if caps:
        notes.append(f"否决项成立，等次不高于{'、'.join(caps)}")
    return "；".join(notes)


def sheet_section(results: ActivityResults, view: SheetView, masker: Masker, units: dict[str, str]) -> dict:
    rubric = results.rubric
    result = view.detail
    unit = units.get(view.evaluator, "")
    who = f"{view.evaluator}（{unit}）" if unit else view.evaluator
    return {
        "heading": f"复核结果（复核人：{who}）" if view.reconciled else f"评查人员：{who}",
        "status": SHEET_STATUS.get(view.status, view.status),
        "score": facts.score_text(result.score) if result else facts.DASH,
        "grade": result.grade if result else "未评分",
        "rescaled": bool(result and result.applicable != rubric.total),
        "applicable": facts.points_text(result.applicable) if result else "",
        "raw": facts.points_text(result.raw) if result else "",
        "deducted": facts.points_text(result.applicable - result.raw) if result else "",
        "total_note": _total_note(rubric, view),
        "vetoes": _vetoes(rubric, view, masker),
        "comment": ("集体评议意见：" if view.reconciled else "") + (masker.text(view.sheet.comment) or "无"),
        "rows": sheet_rows(rubric, view, masker),
    }


def precheck_rows(file: FileResult, prechecks: PrecheckSummary | None, masker: Masker) -> list[dict]:
    """系统预检提示: each finding on the file and what each of its evaluators decided."""
    if prechecks is None:
        return []
    findings = prechecks.run.by_case().get(file.case.case_no, [])
    decided = prechecks.decisions_on(file.case.case_no)
    rows = []
    for finding in findings:
        decisions = []
        for evaluator in file.evaluators:
            decision = decided.get((evaluator, finding.check))
            decisions.append(f"{evaluator}：{masker.text(decision.label) if decision else '未处理'}")
        rows.append({"code": finding.check, "suggests": finding.suggests, "text": finding.text,
                     "detail": masker.text(finding.detail), "decisions": "；".join(decisions) or "未分配评查人员"})
    return rows


def sheet_context(results: ActivityResults, file: FileResult, masker: Masker, base: dict,
                  prechecks: PrecheckSummary | None = None) -> dict:
    case = file.case
    roster = {e.name: e for e in results.evaluators}
    units = {name: e.unit for name, e in roster.items()}
    views = list(file.sheets) + ([file.review] if file.review else [])
    signers = []
    for view in views:
        evaluator = roster.get(view.evaluator)
        role = "复核人" if view.reconciled else (evaluator.role if evaluator else Role.EVALUATOR)
        signers.append({"role": role, "name": view.evaluator, "unit": units.get(view.evaluator, "")})
    return {
        **base,
        "case_no": case.case_no,
        "agency": case.agency,
        "cause": masker.text(case.cause),
        "party": masker.party(case),
        "party_type": case.party_type or "未注明",
        "procedure": case.procedure,
        "decision": masker.text(case.decision),
        "filed_on": facts.date_text(case.filed_on),
        "decided_on": facts.date_text(case.decided_on),
        "served_on": facts.date_text(case.served_on),
        "closed_on": facts.date_text(case.closed_on),
        "officers": "、".join(case.officers),
        "status": STATUS_LABELS.get(file.status, file.status),
        "score": facts.score_text(facts.final_score(file)),
        "grade": facts.grade_text(file),
        "reasons": "；".join(file.reasons),
        "reviewer": file.review.evaluator if file.review else "",
        "sheets": [sheet_section(results, view, masker, units) for view in views],
        "prechecks": precheck_rows(file, prechecks, masker),
        "signers": signers,
    }


def unique_path(folder: Path, stem: str, taken: set[str]) -> Path:
    """``folder/stem.docx``, numbered (2), (3)… when two files would share a name."""
    name, number = f"{stem}.docx", 1
    while name.lower() in taken:
        number += 1
        name = f"{stem}({number}).docx"
    taken.add(name.lower())
    return folder / name


def render_sheets(
    results: ActivityResults,
    out_dir: Path | str,
    *,
    templates: Path | str | None = None,
    overrides: dict | None = None,
    mask_companies: bool = False,
    prechecks: PrecheckSummary | None = None,
) -> list[Path]:
    """One 评查表 .docx per file in ``out_dir``, named after the agency and the 案号 (with the 系统预检提示
    of ``prechecks``, when given)."""
    settings = for_results(results, overrides)
    masker = masker_for(results, mask_companies=mask_companies, public=(settings.phone,))
    template = find_template("sheet.docx", templates or settings.templates or None)
    base = {
        **as_context(settings),
        "activity": masker.text(results.activity),
        "rubric_title": results.rubric.title,
        "rubric_key": results.rubric.key,
        "total": facts.points_text(results.rubric.total),
    }
    folder = Path(out_dir)
    taken: set[str] = set()
    written = []
    for file in facts.ordered_files(results):
        stem = safe_filename(f"{file.case.agency}_{file.case.case_no}_评查表")
        path = unique_path(folder, stem, taken)
        context = sheet_context(results, file, masker, base, prechecks)
        written.append(render_docx(template, context, path, masker=masker, last_modified_by=settings.issuer))
    return written
