"""整改情况通报 (after the 通报) and each agency's 评查结果反馈单 (before it), in the 通报's official form.

The rectification figures come in as the services compute them (an object with ``issue``, ``today``, ``items``
and ``agencies()``, see services/rectification.py); the wording lives in templates/rectification.docx and
templates/feedback.docx.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from pingcha.reports import facts
from pingcha.reports import gb_layout as gb
from pingcha.reports.engine import find_template, render_docx, safe_filename
from pingcha.reports.masking import masker_for
from pingcha.reports.notices import file_problems
from pingcha.reports.settings import as_context, cn_date, for_results
from pingcha.reports.sheets import unique_path
from pingcha.results import FINAL, ActivityResults, FileResult

# The bulletin's own number and dates are not this document's: it is written later, under a number of its own.
_BULLETIN_ONLY = ("issue_date", "print_date", "deadline", "doc_serial", "doc_number", "doc_year", "title")
FEEDBACK_TITLE = "行政处罚案卷评查结果反馈单"


def _later_document(results: ActivityResults, as_of: date, overrides: dict | None):
    """The settings of a document written on ``as_of`` from the activity's: the bulletin's number, dates and
    title set aside (``--set`` may give this document's own)."""
    stored = {k: v for k, v in results.settings.items() if k not in _BULLETIN_ONLY}
    return for_results(replace(results, settings=stored), {"issue_date": as_of, **(overrides or {})})


def _finish(tpl, sealed: bool) -> None:
    gb.align_signature(tpl.docx, sealed=sealed)
    gb.break_titles(tpl.docx)


def rectification_title(activity: str) -> str:
    activity = activity.strip()
    return f"关于{activity}发现问题整改情况的通报"


def render_rectification(results: ActivityResults, view, out: Path | str, *, templates: Path | str | None = None,
                         overrides: dict | None = None, mask_companies: bool = False) -> Path:
    """整改情况通报 as of ``view.today``: by agency, done (已销号), awaiting review (已反馈), pending, overdue."""
    from pingcha.errors import UserError

    if view.issue is None:
        raise UserError(f"评查活动“{results.activity}”的通报尚未印发，还没有整改情况可以通报")
    overrides = dict(overrides or {})
    settings = _later_document(results, view.today, overrides)
    bulletin = for_results(results)
    masker = masker_for(results, mask_companies=mask_companies, public=(settings.phone,))
    causes = {f.case.case_no: masker.text(f.case.cause) for f in results.files}
    items = view.items
    tallies = view.agencies()
    overdue = [i for i in items if i.overdue]
    context = {
        **as_context(settings),
        "title": overrides.get("title") or rectification_title(results.activity),
        "activity": masker.text(results.activity),
        "bulletin_title": bulletin.title,
        "bulletin_date": cn_date(view.issue.issue_date),
        "deadline": cn_date(view.issue.deadline),
        "as_of": cn_date(view.today),
        "worst_grade": results.rubric.grades[-1].name,
        "total": len(items),
        "done": view.count("已销号"),
        "replied": view.count("已反馈"),
        "open": len(items) - view.count("已销号") - view.count("已反馈"),
        "overdue": len(overdue),
        "sent_back": sum(1 for i in items if i.last_reason),
        "pending": len(items) - view.count("已销号"),
        "agencies": [{"agency": t.agency, "count": t.items, "done": t.done, "replied": t.replied,
                      "pending": t.pending, "overdue": t.overdue} for t in tallies],
        "done_agencies": "、".join(t.agency for t in tallies if t.pending == 0),
        "overdue_agencies": "、".join(t.agency for t in tallies if t.overdue),
        "overdue_files": [{"number": n, "agency": i.agency, "case_no": i.case_no, "cause": causes.get(i.case_no, ""),
                           "deadline": cn_date(i.deadline), "days": (view.today - i.deadline).days,
                           "state": "已报送整改情况、正在审核" if i.status == "已反馈" else (
                               "整改情况被退回后尚未重新报送" if i.last_reason else "尚未报送整改情况")}
                          for n, i in enumerate(overdue, start=1)],
        "rows": [{"number": n, "agency": i.agency, "case_no": i.case_no, "deadline": i.deadline.isoformat(),
                   "status": i.status, "overdue": "是" if i.overdue else "",
                   "replied_on": i.replied_on.isoformat() if i.replied_on else facts.DASH}
                  for n, i in enumerate(sorted(items, key=lambda i: (i.agency, facts.case_key(i.case_no))), start=1)],
    }
    template = find_template("rectification.docx", templates or settings.templates or None)
    return render_docx(template, context, Path(out), masker=masker, last_modified_by=settings.issuer,
                       finish=lambda tpl: _finish(tpl, settings.sealed))


def render_feedback(results: ActivityResults, out_dir: Path | str, *, reply_by: date, as_of: date,
                    templates: Path | str | None = None, overrides: dict | None = None,
                    mask_companies: bool = False) -> list[Path]:
    """One 评查结果反馈单 per agency of the drawn files: each final file's score, grade and deductions, the
    unfinished files named, and the date to object by."""
    from pingcha.errors import UserError

    if reply_by < as_of:
        raise UserError(f"异议反馈截止日期 {reply_by.isoformat()} 早于反馈日期 {as_of.isoformat()}，"
                        "请修改文书设置 reply_by（异议反馈截止日期）")
    settings = _later_document(results, as_of, overrides)
    masker = masker_for(results, mask_companies=mask_companies, public=(settings.phone,))
    template = find_template("feedback.docx", templates or settings.templates or None)
    by_agency: dict[str, list[FileResult]] = {}
    for file in facts.ordered_files(results):
        by_agency.setdefault(file.case.agency, []).append(file)
    folder = Path(out_dir)
    taken: set[str] = set()
    written = []
    for agency, files in by_agency.items():
        final = [f for f in files if f.status == FINAL]
        unfinished = [f for f in files if f.status != FINAL]
        context = {
            **as_context(settings),
            "feedback_title": FEEDBACK_TITLE,
            "activity": masker.text(results.activity),
            "agency": agency,
            "drawn": len(files),
            "reply_by": cn_date(reply_by),
            "listed": [{"index": n, "number": facts.cn_number(n), "case_no": f.case.case_no,
                        "cause": masker.text(f.case.cause), "party": masker.party(f.case) or "未注明",
                        "score": facts.score_text(f.score), "grade": f.grade,
                        "problems": file_problems(results, f, masker, coded=True)}
                       for n, f in enumerate(final, start=1)],
            "unfinished": [{"case_no": f.case.case_no, "status": facts.status_text(f)} for f in unfinished],
            "unfinished_list": "、".join(f"{f.case.case_no}（{facts.status_text(f)}）" for f in unfinished),
        }
        path = unique_path(folder, safe_filename(f"{agency}_评查结果反馈单"), taken)
        written.append(render_docx(template, context, path, masker=masker, last_modified_by=settings.issuer,
                                   finish=lambda tpl: _finish(tpl, settings.sealed)))
    return written
