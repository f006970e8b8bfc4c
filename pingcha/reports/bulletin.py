"""通报: what the bulletin says, computed from an activity's results.

The wording lives in templates/bulletin.docx; this module supplies the numbers, lists and
tables it prints (the names are listed in templates/README.md).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from pingcha.reports import facts
from pingcha.reports import gb_layout as gb
from pingcha.reports.engine import find_template, render_docx
from pingcha.reports.masking import Masker
from pingcha.reports.settings import DocumentSettings, as_context, for_results
from pingcha.results import FINAL, NEEDS_REVIEW, PENDING, ActivityResults, FileResult

EXAMPLES_PER_PROBLEM = 2
EXAMPLE_LENGTH = 40


def _file_rows(files: list[FileResult], masker: Masker) -> list[dict]:
    ranked = sorted(files, key=lambda f: (-(f.score or 0), facts.case_key(f.case.case_no)))
    return [
        {
            "n": n,
            "agency": f.case.agency,
            "case_no": f.case.case_no,
            "cause": masker.text(f.case.cause),
            "score": facts.score_text(f.score),
        }
        for n, f in enumerate(ranked, start=1)
    ]


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


def _example(note: str, masker: Masker) -> str:
    text = masker.text(" ".join(note.split())).rstrip("。；;，, ")
    if len(text) > EXAMPLE_LENGTH:
        text = text[:EXAMPLE_LENGTH] + "……"
    return f"“{text}”"


def _veto_files(results: ActivityResults) -> Counter[str]:
    """Files per veto, over each file's counted sheets (as the deduction tallies count)."""
    counts: Counter[str] = Counter()
    for file in results.files:
        found = set()
        for view in file.counted_sheets:
            found.update(code for code in view.sheet.veto if code in results.rubric.veto_by_code)
        counts.update(found)
    return counts


def problem_groups(results: ActivityResults, masker: Masker, per_category: int) -> list[dict]:
    """三、存在的主要问题: vetoes first, then each category's most widespread deductions."""
    groups: list[tuple[str, list[dict]]] = []
    vetoes = _veto_files(results)
    if vetoes:
        problems = [
            {"text": facts.short_rule(veto.title), "files": vetoes[veto.code], "examples": ""}
            for veto in results.rubric.vetoes
            if vetoes[veto.code]
        ]
        problems.sort(key=lambda p: -p["files"])
        groups.append(("存在否决情形", problems[:per_category]))
    by_category: dict[str, list] = {}
    for tally in results.deduction_tallies():
        by_category.setdefault(tally.category_code, []).append(tally)
    for category in results.rubric.categories:
        tallies = by_category.get(category.code)
        if not tallies:
            continue
        # Most files first: with several evaluators per file, occurrences count a defect once per sheet.
        tallies = sorted(tallies, key=lambda t: (-t.files, -t.occurrences))[:per_category]
        problems = [
            {
                "text": facts.short_rule(t.text),
                "files": t.files,
                "examples": "、".join(_example(note, masker) for note in t.notes[:EXAMPLES_PER_PROBLEM]),
            }
            for t in tallies
        ]
        groups.append((f"{category.title}方面", problems))
    result = []
    for number, (heading, problems) in enumerate(groups, start=1):
        for index, problem in enumerate(problems, start=1):
            problem["number"] = index
        result.append({"number": facts.cn_number(number), "heading": heading, "problems": problems})
    return result


def attachment_rows(results: ActivityResults, masker: Masker) -> list[dict]:
    return [
        {
            "n": n,
            "agency": f.case.agency,
            "case_no": f.case.case_no,
            "cause": masker.text(f.case.cause),
            "score": facts.score_text(facts.final_score(f)),
            "grade": facts.grade_text(f),
        }
        for n, f in enumerate(facts.ordered_files(results), start=1)
    ]


def bulletin_context(results: ActivityResults, settings: DocumentSettings, masker: Masker) -> dict:
    rubric = results.rubric
    best, worst = rubric.grades[0].name, rubric.grades[-1].name
    counts, shares = results.grade_counts(), results.grade_shares()
    mean = facts.mean_score(results)
    partial = [a.agency for a in results.agencies if a.pending or a.needs_review]
    units = facts.evaluator_units(results)
    return {
        **as_context(settings),
        "activity": masker.text(results.activity),
        "rubric_title": rubric.title,
        "rubric_key": rubric.key,
        "register_size": results.register_size,
        "register_agencies": results.register_agencies,
        "file_count": len(results.files),
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
        "best_files": _file_rows(list(results.files_with_grade(best)), masker),
        "worst_files": _file_rows(list(results.files_with_grade(worst)), masker),
        "agencies": _agency_rows(results),
        "partial_agencies": "、".join(partial),
        "unranked_agencies": "、".join(a.agency for a in results.agencies if a.mean is None),
        "problem_groups": problem_groups(results, masker, settings.problems_per_category),
        "attachment": attachment_rows(results, masker),
    }


def render_bulletin(
    results: ActivityResults,
    out: Path | str,
    *,
    templates: Path | str | None = None,
    overrides: dict | None = None,
    mask_companies: bool = False,
) -> Path:
    """通报 as a .docx at ``out``, from templates/bulletin.docx (or the user's copy in ``templates``)."""
    settings = for_results(results, overrides)
    masker = Masker((f.case for f in results.files), mask_companies=mask_companies)
    template = find_template("bulletin.docx", templates or settings.templates or None)
    return render_docx(
        template,
        bulletin_context(results, settings, masker),
        Path(out),
        masker=masker,
        last_modified_by=settings.issuer,
        finish=lambda tpl: gb.align_signature(tpl.docx),
    )
