"""十大典型案例 (Word): the proposed exemplary files and the warnings, each with 案号, agency, 案由 and what was
done well or wrong, from the sheets' deductions, notes and 评语. A document for circulation: every individual's
name (parties, and evaluators named in a 评语) is masked, with ID and telephone numbers."""

from __future__ import annotations

from datetime import date
from pathlib import Path


from pingcha.cases import TypicalCase, TypicalCases
from pingcha.reports import docx_kit as kit
from pingcha.reports import gb_layout as gb
from pingcha.reports.settings import cn_date
from pingcha.reports.engine import clean_text, write_output
from pingcha.reports.masking import Masker
from pingcha.results import ActivityResults

NUMBERS = "一二三四五六七八九十"
SHOWN_DEFECTS = 8  # a file with dozens of defects is summed up, not listed in full


def _ordinal(n: int) -> str:
    if n <= 10:
        return NUMBERS[n - 1]
    tens, ones = divmod(n, 10)
    return (NUMBERS[tens - 1] if tens > 1 else "") + "十" + (NUMBERS[ones - 1] if ones else "")


def case_masker(results: ActivityResults, mask_companies: bool = False) -> Masker:
    """The parties of the whole register, and the evaluators, whose names a 评语 may carry."""
    people = [(e.name, "个人") for e in results.evaluators]
    return Masker((f.case for f in results.files), mask_companies=mask_companies,
                  register=[*results.register_parties, *people])


def _case(doc, masker: Masker, number: int, case: TypicalCase) -> None:
    file = case.file
    facts = file.case
    pin = "（组长选定）" if case.pinned else ""
    kit.add_paragraph(doc, clean_text(f"（{_ordinal(number)}）{facts.agency}“{masker.text(facts.cause)}”案{pin}"),
                      gb.HEADING_2)
    lines = [f"案号：{facts.case_no}；执法部门：{facts.agency}；案由：{masker.text(facts.cause)}。",
             f"当事人：{masker.party(facts)}" + (f"；处罚决定：{masker.text(facts.decision)}" if facts.decision else "")
             + "。",
             f"评查得分：{file.score} 分，等次：{file.grade}。"]
    if case.kind == "exemplary":
        if case.done_well:
            lines.append(f"可取之处：{'、'.join(case.done_well)}等方面各评查项目均无扣分。")
        if case.defects:
            lines.append("不足之处：" + "；".join(masker.text(d) for d in case.defects) + "。")
        else:
            lines.append("不足之处：各评查项目均无扣分。")
    else:
        if case.vetoes:
            lines.append("否决情形：" + "；".join(case.vetoes) + "。")
        if case.defects:
            more = len(case.defects) - SHOWN_DEFECTS
            lines.append("存在的问题：" + "；".join(masker.text(d) for d in case.defects[:SHOWN_DEFECTS])
                         + (f"；另有 {more} 处扣分情形（见评查表）" if more > 0 else "") + "。")
    for comment in case.comments:
        lines.append(f"评查意见：{masker.text(comment)}")
    for line in lines:
        kit.add_paragraph(doc, clean_text(line), gb.BODY)


def build_cases_report(results: ActivityResults, cases: TypicalCases, today: date | None = None,
                       mask_companies: bool = False) -> bytes:
    masker = case_masker(results, mask_companies)
    title = f"“{results.activity}”典型案例"
    doc = gb.plain_document(clean_text(title), "典型案例")
    kit.add_paragraph(doc, clean_text(title), gb.TITLE)
    pinned = sum(c.pinned for c in (*cases.exemplary, *cases.warnings))
    kit.add_paragraph(doc, clean_text(
        f"根据本次评查结果，从评查完成的案卷中选出得分高、无否决情形的典型案例 {len(cases.exemplary)} 件（兼顾不同执法部门和案由），"
        f"以及存在否决情形或评为{results.rubric.grades[-1].name}的警示案例 {len(cases.warnings)} 件"
        + (f"，其中 {pinned} 件由评查组长选定" if pinned else "") + "。当事人为个人的，隐去姓名。"), gb.BODY)
    if cases.unknown_pins:
        kit.add_paragraph(doc, clean_text(f"组长选定的 {'、'.join(cases.unknown_pins)} 尚未评查完成，未列入。"), gb.BODY)
    kit.add_paragraph(doc, "一、典型案例", gb.HEADING_1)
    if not cases.exemplary:
        kit.add_paragraph(doc, "暂无评查完成、可作为典型案例的案卷。", gb.BODY)
    for n, case in enumerate(cases.exemplary, start=1):
        _case(doc, masker, n, case)
    kit.add_paragraph(doc, "二、警示案例", gb.HEADING_1)
    if not cases.warnings:
        kit.add_paragraph(doc, "本次评查没有存在否决情形或评为最低等次的案卷。", gb.BODY)
    for n, case in enumerate(cases.warnings, start=1):
        _case(doc, masker, n, case)
    return gb.finish_plain_document(doc, cn_date(today or date.today()))


def render_cases_report(results: ActivityResults, cases: TypicalCases, out: str | Path, today: date | None = None,
                        mask_companies: bool = False) -> Path:
    from pingcha.errors import UserError

    out = Path(out)
    if out.suffix.lower() != ".docx":
        raise UserError(f"典型案例的输出文件须为 .docx，实际为“{out.name}”")
    return write_output(out, build_cases_report(results, cases, today, mask_companies))
