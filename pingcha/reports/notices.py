"""整改通知书: one per agency with failing files (or files below a chosen score)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from pingcha.reports import facts
from pingcha.reports import gb_layout as gb
from pingcha.reports.engine import find_template, render_docx, safe_filename
from pingcha.reports.masking import Masker, masker_for
from pingcha.reports.public_text import public_rule
from pingcha.reports.settings import as_context, for_results
from pingcha.reports.sheets import unique_path
from pingcha.results import FINAL, ActivityResults, FileResult
from pingcha.values import non_negative_decimal


def parse_threshold(threshold: Decimal | float | int | str | None) -> Decimal | None:
    if threshold is None or threshold == "":
        return None
    return non_negative_decimal(threshold, "分数线")


def files_needing_notice(results: ActivityResults, threshold: Decimal | None) -> dict[str, list[FileResult]]:
    """Final files of the worst grade (or scoring below ``threshold``), by agency in ranking order."""
    worst = results.rubric.grades[-1].name
    by_agency: dict[str, list[FileResult]] = {}
    for file in facts.ordered_files(results):
        if file.status != FINAL or file.score is None:
            continue
        if (file.grade == worst) if threshold is None else (file.score < threshold):
            by_agency.setdefault(file.case.agency, []).append(file)
    return by_agency


def file_problems(results: ActivityResults, file: FileResult, masker: Masker, coded: bool = False) -> list[dict]:
    """Vetoes and deductions on the file's counted sheets, each once, with the evaluators' notes; ``coded``: each
    led by its item's code and saying the points lost, so an agency's objection can name the item (反馈单)."""
    rubric = results.rubric
    views = file.counted_sheets
    problems = []

    def notes_of(code: str) -> str:
        notes = dict.fromkeys(masker.text(v.sheet.notes[code]) for v in views if v.sheet.notes.get(code))
        return f"说明：{'；'.join(notes)}。" if notes else ""

    for veto in rubric.vetoes:
        if any(veto.code in v.sheet.veto for v in views):
            lead = f"{veto.code} " if coded else ""
            problems.append(f"{lead}否决项：{public_rule(veto.title)}。{notes_of(veto.code)}")
    for code, deduction in rubric.deduction_by_code.items():
        count = max((v.sheet.deductions.get(code, 0) for v in views), default=0)
        if count:
            item = rubric.item_of_deduction[code]
            if coded:
                lost = facts.points_text(min(item.points, deduction.points * count))
                what = f"{item.code} {item.title}：{public_rule(deduction.text)}（{count}处，扣{lost}分）"
            else:
                what = f"{item.title}：{public_rule(deduction.text)}（{count}处）"
            problems.append(f"{what}。{notes_of(code)}")
    for view in views:
        comment = masker.text(view.sheet.comment.strip()).rstrip("。；;，, ")
        if comment:
            problems.append(f"评查意见：{comment}。")
    return [{"number": n, "text": text} for n, text in enumerate(problems, start=1)]


def _finish(tpl, sealed: bool) -> None:
    gb.align_signature(tpl.docx, sealed=sealed)
    gb.break_titles(tpl.docx)


def render_notices(
    results: ActivityResults,
    out_dir: Path | str,
    *,
    templates: Path | str | None = None,
    overrides: dict | None = None,
    threshold: Decimal | float | int | str | None = None,
    mask_companies: bool = False,
) -> list[Path]:
    """One 整改通知书 per agency that has 不合格 files (or files scoring below ``threshold``)."""
    limit = parse_threshold(threshold)
    settings = for_results(results, overrides)
    masker = masker_for(results, mask_companies=mask_companies, public=(settings.phone,))
    template = find_template("notice.docx", templates or settings.templates or None)
    worst = results.rubric.grades[-1].name
    criterion = f"评查结果为{worst}" if limit is None else f"评查得分低于{facts.points_text(limit)}分"
    drawn: dict[str, int] = {}
    unfinished: dict[str, list[FileResult]] = {}
    for file in facts.ordered_files(results):
        drawn[file.case.agency] = drawn.get(file.case.agency, 0) + 1
        if file.status != FINAL:
            unfinished.setdefault(file.case.agency, []).append(file)
    folder = Path(out_dir)
    taken: set[str] = set()
    written = []
    for agency, files in files_needing_notice(results, limit).items():
        context = {
            **as_context(settings),
            "activity": masker.text(results.activity),
            "agency": agency,
            "drawn": drawn[agency],
            "criterion": criterion,
            # The agency's files not yet settled: the notice says so rather than pass over them.
            "unfinished": [{"case_no": f.case.case_no, "status": facts.status_text(f)}
                           for f in unfinished.get(agency, [])],
            "unfinished_list": "、".join(f"{f.case.case_no}（{facts.status_text(f)}）" for f in unfinished.get(agency, [])),
            "listed": [
                {
                    "number": facts.cn_number(n),
                    "case_no": f.case.case_no,
                    "cause": masker.text(f.case.cause),
                    "party": masker.party(f.case) or "未注明",
                    "score": facts.score_text(f.score),
                    "grade": f.grade,
                    "problems": file_problems(results, f, masker),
                }
                for n, f in enumerate(files, start=1)
            ],
        }
        path = unique_path(folder, safe_filename(f"{agency}_整改通知书"), taken)
        written.append(render_docx(template, context, path, masker=masker, last_modified_by=settings.issuer,
                                   finish=lambda tpl: _finish(tpl, settings.sealed)))
    return written
