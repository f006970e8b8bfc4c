"""通报: what the bulletin says, computed from an activity's results.

The wording lives in templates/bulletin.docx; this module supplies the numbers, lists and
tables it prints (the names are listed in templates/README.md).
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from pingcha.reports import facts
from pingcha.reports import gb_layout as gb
from pingcha.errors import UserError
from pingcha.reports.engine import find_template, render_docx
from pingcha.reports.long_tables import fill_markers
from pingcha.reports.public_text import public_rule
from pingcha.reports.masking import Masker, masker_for
from pingcha.reports.settings import DocumentSettings, as_context, for_results
from pingcha.prechecks import PrecheckSummary
from pingcha.results import FINAL, NEEDS_REVIEW, PENDING, ActivityResults, FileResult
from pingcha.scoring import round1

EXAMPLES_PER_PROBLEM = 2
EXAMPLE_LENGTH = 30
STRENGTHS = 3  # items with the highest full-mark rates named under 二、主要成效
BEST_AGENCIES = 3

# Which stage of a file a rubric category belongs to, read from its title (rubrics of other
# districts name their categories differently; anything not recognised counts as 实体).
STAGES = (
    ("程序", ("程序", "送达", "告知", "听证", "时限", "期限", "调查", "取证程序")),
    ("文书和立卷归档", ("立卷", "归档", "卷宗", "文书", "装订", "案卷管理")),
)
SUBSTANCE = "实体"
STAGE_ORDER = (SUBSTANCE, "程序", "文书和立卷归档")

# The annexes of the 通报 (GB/T 9704 附件): key, title, columns as (heading, width in mm).
FILE_COLUMNS = [("序号", 11), ("执法部门", 37), ("案号", 52), ("案由", 42), ("得分", 14)]
SUMMARY_COLUMNS = [("序号", 11), ("执法部门", 37), ("案号", 52), ("案由", 29), ("得分", 13), ("等次", 14)]


def unfinished_counts(results: ActivityResults) -> tuple[int, int]:
    """(待复核, 评查中) file counts: what stands between an activity and its 通报."""
    review = sum(1 for f in results.files if f.status == NEEDS_REVIEW)
    pending = sum(1 for f in results.files if f.status == PENDING)
    return review, pending


def pending_message(results: ActivityResults) -> str:
    """Why a 通报 is not issued yet, in the words the CLI and the UI both show; empty when it may be."""
    review, pending = unfinished_counts(results)
    if not review and not pending:
        return ""
    final = len(results.files) - review - pending
    return (f"抽取的{len(results.files)}件案卷中尚有{review + pending}件未完成评查（{facts.unfinished_text(results)}），"
            f"已完成{final}件。通报只统计已完成的案卷，未完成的案卷不计入统计、不点名。")


def check_issuable(results: ActivityResults, allow_pending: bool) -> None:
    message = pending_message(results)
    if message and not allow_pending:
        raise UserError(f"{message}如确需现在印发，请加 --allow-pending（界面中确认后生成）。")


class Graded(NamedTuple):
    """The files the 通报 names and lists, each list sorted once for both."""

    best: list[FileResult]  # final files of the best grade, highest score first, then by 案号
    worst: list[FileResult]  # of the worst grade, lowest score first, then by 案号
    places: dict[str, int]  # each 案号's place in the natural order (facts.case_places)


def graded_files(results: ActivityResults) -> Graded:
    rubric = results.rubric
    places = facts.case_places(results.files)
    best = sorted(results.files_with_grade(rubric.grades[0].name),
                  key=lambda f: (-(f.score or 0), places[f.case.case_no]))
    worst = sorted(results.files_with_grade(rubric.grades[-1].name),
                   key=lambda f: (f.score or 0, places[f.case.case_no]))
    return Graded(best, worst, places)


def _named(ranked: list[FileResult], limit: int) -> list[dict]:
    """The first ``limit`` of the ranked files, for the body to name."""
    return [{"agency": f.case.agency, "case_no": f.case.case_no, "score": facts.score_text(f.score)}
            for f in ranked[:limit]]


class _ScoreTexts(dict):
    """``facts.score_text`` by score, each distinct score written once (tens of thousands of rows share a few
    hundred scores)."""

    def __missing__(self, score: Decimal | None) -> str:
        text = self[score] = facts.score_text(score)
        return text


def _file_rows(ranked: list[FileResult], masker: Masker):
    scores = _ScoreTexts()
    for n, f in enumerate(ranked, start=1):
        yield (n, f.case.agency, f.case.case_no, masker.text(f.case.cause), scores[f.score])


def _agency_rows(results: ActivityResults) -> list[dict]:
    return [
        {
            "rank": facts.DASH if a.rank is None else a.rank,
            "agency": a.agency,
            "files": a.files,
            "final": a.final,
            "mean": facts.score_text(a.mean),
            "grade": a.grade or "暂无",
        }
        for a in results.agencies
    ]


def _example(agency: str, case_no: str, note: str, masker: Masker) -> str:
    """A typical case as the public text cites it: agency, 案号 and, where noted, the page."""
    text = masker.text(" ".join(note.split())).rstrip("。；;，, ")
    if len(text) > EXAMPLE_LENGTH:
        text = text[:EXAMPLE_LENGTH] + "……"
    return f"{agency}{case_no}案卷" + (f"（{text}）" if text else "")


def _veto_files(results: ActivityResults) -> dict[str, list[FileResult]]:
    """Final files per veto, over each file's final sheets (as the deduction tallies count)."""
    found: dict[str, list[FileResult]] = {}
    for file in results.final_files():
        codes = set()
        for view in file.counted_sheets:
            codes.update(code for code in view.sheet.veto if code in results.rubric.veto_by_code)
        for code in codes:
            found.setdefault(code, []).append(file)
    return found


def stage_of(category_title: str) -> str:
    for stage, words in STAGES:
        if any(word in category_title for word in words):
            return stage
    return SUBSTANCE


def _typical_problem(tally, wordings: tuple[str, ...] | None, masker: Masker) -> dict:
    """One 典型问题: where the 组长 has curated a 规范表述 for the deduction, the 通报 states the problem in it
    and cites the files alone, instead of quoting whichever evaluator's note came first."""
    if wordings:
        cited = list(tally.cases[:EXAMPLES_PER_PROBLEM])
        return {"text": masker.text(wordings[0]), "files": tally.files,
                "examples": "、".join(_example(agency, case_no, "", masker) for agency, case_no, _ in cited)}
    cited = [c for c in tally.cases if c[2]][:EXAMPLES_PER_PROBLEM] or list(tally.cases[:1])
    return {"text": public_rule(tally.text), "files": tally.files,
            "examples": "；".join(_example(agency, case_no, note, masker) for agency, case_no, note in cited)}


def problem_groups(results: ActivityResults, masker: Masker, per_group: int) -> list[dict]:
    """三、存在的主要问题: vetoes first, then the most widespread problems of each stage
    (实体, 程序, 文书和立卷归档), each with the number of files and typical cases named."""
    groups: list[tuple[str, list[dict]]] = []
    vetoes = _veto_files(results)
    if vetoes:
        problems = []
        for veto in results.rubric.vetoes:
            files = vetoes.get(veto.code)
            if not files:
                continue
            notes = [next((v.sheet.notes.get(veto.code, "") for v in f.counted_sheets if v.sheet.notes.get(veto.code)), "")
                     for f in files]
            examples = [_example(f.case.agency, f.case.case_no, note, masker)
                        for f, note in list(zip(files, notes))[:EXAMPLES_PER_PROBLEM]]
            problems.append({"text": public_rule(veto.title), "files": len(files), "examples": "；".join(examples)})
        problems.sort(key=lambda p: -p["files"])
        groups.append(("存在否决情形的问题", problems[:per_group]))
    by_stage: dict[str, list] = {}
    for tally in results.deduction_tallies():
        by_stage.setdefault(stage_of(tally.category_title), []).append(tally)
    for stage in STAGE_ORDER:
        tallies = by_stage.get(stage)
        if not tallies:
            continue
        # Most files first: with several evaluators per file, occurrences count a defect once per sheet.
        tallies = sorted(tallies, key=lambda t: (-t.files, -t.occurrences))[:per_group]
        problems = []
        for t in tallies:
            problems.append(_typical_problem(t, results.wordings.get(t.code), masker))
        groups.append((f"{stage}方面", problems))
    result = []
    for number, (heading, problems) in enumerate(groups, start=1):
        for index, problem in enumerate(problems, start=1):
            problem["number"] = index
        result.append({"number": facts.cn_number(number), "heading": heading, "problems": problems})
    return result


def strengths(results: ActivityResults, limit: int = STRENGTHS) -> list[dict]:
    """Items most often given full marks on the final files (二、主要成效), with the share."""
    finals = results.final_files()
    if not finals:
        return []
    # Counted from what was found, so the cost follows the findings, not files × items.
    na_found: list[str] = []
    lost_found: list[str] = []
    scored = 0
    for file in finals:
        views = [v for v in file.counted_sheets if v.result is not None]
        if not views:
            continue
        scored += 1
        na = set().union(*(v.not_applicable for v in views))
        # Which items lost points, not the whole per-item score of 80,000 sheets (their detail).
        lost = {code for v in views for code, points in v.losses.items() if points}
        na_found.extend(na)
        lost_found.extend(lost - na)
    not_applicable, deducted = Counter(na_found), Counter(lost_found)
    applicable = {item.code: scored - not_applicable[item.code] for item in results.rubric.items}
    full = {code: n - deducted[code] for code, n in applicable.items()}
    rates = [(Decimal(100) * full[code] / applicable[code], code) for code in applicable if applicable[code]]
    order = {item.code: i for i, item in enumerate(results.rubric.items)}
    rates.sort(key=lambda rc: (-rc[0], order[rc[1]]))
    return [{"title": results.rubric.item_by_code[code].title, "rate": str(round1(rate))} for rate, code in rates[:limit]]


def annex_list(results: ActivityResults, graded: Graded, summary_title: str) -> list[dict]:
    """附件1 优秀案卷名单, 附件2 不合格案卷名单, 附件3 评查结果汇总表, as the body lists them."""
    best, worst = results.rubric.grades[0].name, results.rubric.grades[-1].name
    entries = [
        ("best", f"{best}案卷名单", "" if graded.best else f"本次评查未评出{best}案卷。"),
        ("worst", f"{worst}案卷名单", "" if graded.worst else f"本次评查未发现{worst}案卷。"),
        ("summary", summary_title, ""),
    ]
    return [{"number": n, "key": key, "title": title, "empty": empty}
            for n, (key, title, empty) in enumerate(entries, start=1)]


def annex_tables(results: ActivityResults, graded: Graded, masker: Masker) -> dict:
    """The annexes' tables by key: columns and rows (made as the document is written)."""
    return {
        "best": (FILE_COLUMNS, _file_rows(graded.best, masker)),
        "worst": (FILE_COLUMNS, _file_rows(graded.worst, masker)),
        "summary": (SUMMARY_COLUMNS, attachment_rows(results, masker, graded.places)),
    }


def attachment_rows(results: ActivityResults, masker: Masker, places: dict[str, int] | None = None):
    scores = _ScoreTexts()
    for n, f in enumerate(facts.ordered_files(results, places), start=1):
        yield (n, f.case.agency, f.case.case_no, masker.text(f.case.cause), scores[facts.final_score(f)],
               facts.grade_text(f))


def precheck_context(prechecks: PrecheckSummary | None) -> dict | None:
    """预检 figures over the whole register, by agency, for one paragraph of 一、基本情况."""
    if prechecks is None or not prechecks.checks:
        return None
    run = prechecks.run
    flagged = [a for a in run.agencies if a.findings]
    clean = [a.agency for a in run.agencies if not a.findings]
    current = {(f.case_no, f.check) for f in run.findings}
    decided = [d for d in prechecks.decisions if (d.case_no, d.check) in current]
    return {
        "checks": len(prechecks.checks),
        "files": run.files,
        "files_with_findings": run.files_with_findings,
        "findings": len(run.findings),
        "by_agency": "、".join(f"{a.agency}{a.files_with_findings}件（{a.findings}处）" for a in flagged),
        "clean_agencies": "、".join(clean),
        "accepted": sum(d.decision == "accepted" for d in decided),
        "dismissed": sum(d.decision == "dismissed" for d in decided),
        "decided": bool(decided),
        "unreadable": len(run.unreadable_fines),
    }


def objection_context(results: ActivityResults) -> dict | None:
    """异议 raised to the results sent to the agencies before the 通报, and what became of them (None if none)."""
    counts = results.objections
    received = sum(n for status, n in counts.items() if status != "reviewed")
    if not received:
        return None
    return {"received": received, "upheld": counts.get("已采纳", 0), "dismissed": counts.get("未采纳", 0),
            "open": counts.get("待答复", 0), "reviewed": counts.get("reviewed", 0)}


def bulletin_context(results: ActivityResults, settings: DocumentSettings, masker: Masker,
                     prechecks: PrecheckSummary | None = None, graded: Graded | None = None) -> dict:
    rubric = results.rubric
    best, worst = rubric.grades[0].name, rubric.grades[-1].name
    counts, shares = results.grade_counts(), results.grade_shares()
    mean = facts.mean_score(results)
    partial = [a.agency for a in results.agencies if a.pending or a.needs_review]
    units = facts.evaluator_units(results)
    if graded is None:
        graded = graded_files(results)
    best_files, worst_files = graded.best, graded.worst
    limit = settings.listed_in_body
    listed = annex_list(results, graded, settings.attachment_title)
    number = {a["key"]: a["number"] for a in listed}
    # The top quarter by the one ranking, at most BEST_AGENCIES places, ties included.
    places = min(BEST_AGENCIES, max(1, sum(a.rank is not None for a in results.agencies) // 4))
    top = [a.agency for a in results.agencies if a.rank is not None and a.rank <= places]
    file_count = len(results.files)
    return {
        **as_context(settings),
        "activity": masker.text(results.activity),
        "rubric_title": rubric.title,
        "rubric_key": rubric.key,
        "register_size": results.register_size,
        "register_agencies": results.register_agencies,
        "drawn_share": str(round1(Decimal(100) * file_count / results.register_size)) if results.register_size else "",
        "draw_text": facts.draw_text(results),
        "file_count": file_count,
        "agency_count": len({f.case.agency for f in results.files}),
        "evaluator_count": len(results.evaluators),
        "evaluator_units": "、".join(units) if units else "各评查单位",
        "per_file": results.per_file,
        "final_count": sum(1 for f in results.files if f.status == FINAL),
        "review_count": sum(1 for f in results.files if f.status == NEEDS_REVIEW),
        "pending_count": sum(1 for f in results.files if f.status == PENDING),
        "unfinished": facts.unfinished_text(results),
        "mean_score": facts.score_text(mean),
        "grades": [{"name": name, "n": counts[name], "share": str(shares[name])} for name in counts],
        "best_grade": best,
        "worst_grade": worst,
        "best_count": len(best_files),
        "worst_count": len(worst_files),
        "best_files": _named(best_files, limit),
        "worst_files": _named(worst_files, limit),
        "best_more": len(best_files) > limit,
        "worst_more": len(worst_files) > limit,
        "best_annex": number["best"],
        "worst_annex": number["worst"],
        "best_agencies": "、".join(top),
        "strengths": strengths(results),
        "agencies": _agency_rows(results),
        "partial_agencies": "、".join(partial),
        "unranked_agencies": "、".join(a.agency for a in results.agencies if a.mean is None),
        "problem_groups": problem_groups(results, masker, settings.problems_per_category),
        "precheck": precheck_context(prechecks),
        "objections": objection_context(results),
        "annexes": listed,
    }


def render_bulletin(
    results: ActivityResults,
    out: Path | str,
    *,
    templates: Path | str | None = None,
    overrides: dict | None = None,
    mask_companies: bool = False,
    prechecks: PrecheckSummary | None = None,
    allow_pending: bool = False,
) -> Path:
    """通报 as a .docx at ``out``, from templates/bulletin.docx (or the user's copy in ``templates``); with
    ``prechecks``, a paragraph on the pre-check of the whole register.

    Refused while files are unfinished unless ``allow_pending``: a 通报 is final, its counts are not.
    """
    settings = for_results(results, overrides)
    check_issuable(results, allow_pending)
    masker = masker_for(results, mask_companies=mask_companies, public=(settings.phone,))
    template = find_template("bulletin.docx", templates or settings.templates or None)
    graded = graded_files(results)
    context = bulletin_context(results, settings, masker, prechecks, graded)

    def finish(tpl) -> None:
        gb.align_signature(tpl.docx, sealed=settings.sealed)
        gb.align_attachment_note(tpl.docx)
        gb.break_titles(tpl.docx)

    def tables(tpl, xml: str) -> str:
        return fill_markers(xml, tpl.docx, annex_tables(results, graded, masker), text_style=gb.LIST_TEXT,
                            head_style=gb.LIST_HEAD)

    return render_docx(template, context, Path(out), masker=masker, last_modified_by=settings.issuer, finish=finish,
                       rewrite_body=tables)
