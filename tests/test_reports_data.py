"""An activity built by hand for the report tests: the shipped 2024.1 rubric, real scored sheets.

Eight files from three agencies: two 优秀, two 合格 (one settled by 复核), two 不合格 (one by a
veto, one by deductions), one waiting for 复核 and one still being evaluated. Parties include
compound surnames, and one note carries an ID-card number and the party's name.
The other report test modules import ``build_results`` and the facts below from here.
"""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from pingcha.paths import scoring_rules_dir
from pingcha.results import (
    FINAL,
    NEEDS_REVIEW,
    PENDING,
    ActivityResults,
    AgencyResult,
    CaseFile,
    Evaluator,
    FileResult,
    SheetView,
)
from pingcha.outcome import file_outcome
from pingcha.rubric import load_rubric_file
from pingcha.scoring import Sheet, agency_mean, score_sheet

RUBRIC = load_rubric_file(scoring_rules_dir() / "xiqu-xzcf-2024.1.toml")

EVALUATORS = (
    Evaluator("皇甫婷", "区司法局", "组长"),
    Evaluator("梁志强", "区综合执法局"),
    Evaluator("董文", "区市场监管局"),
    Evaluator("罗敏", "区应急管理局"),
    Evaluator("周正衡", "四川攀西正衡律师事务所"),
)

ID_NUMBER = "510402199001011234"
PHONE = "13812345678"
# Individual parties whose full names must never appear in a circulated file.
PERSONS = ("张建华", "欧阳明辉", "司马强", "诸葛文军", "上官燕")

# Deductions that take a file below 60 (the 不合格 band) without a veto.
HEAVY = {"D12a": 1, "D12b": 1, "D5a": 3, "D5b": 2, "B2a": 4, "B2b": 2, "B3a": 2, "B3b": 1, "C2a": 2, "C4a": 1,
         "C4b": 1, "E1a": 1, "E1b": 1, "E2a": 1, "F3a": 4, "F3b": 1, "F3c": 1, "D9a": 1, "D9b": 1, "D3a": 1,
         "B6b": 2, "A2c": 3}


def case(case_no, agency, cause, party, party_type="个人", **extra) -> CaseFile:
    return CaseFile(case_no, agency, cause, party, party_type, decision="罚款3000元",
                    filed_on=date(2024, 2, 19), decided_on=date(2024, 3, 22), served_on=date(2024, 3, 25),
                    closed_on=date(2024, 4, 10), officers=("何志刚", "罗晓东"), **extra)


def sheet(evaluator, deductions=(), *, na=(), veto=(), notes=None, comment="", status="已提交") -> SheetView:
    data = Sheet(deductions=dict(deductions), na=frozenset(na), veto=frozenset(veto), notes=notes or {},
                 comment=comment, evaluator=evaluator)
    return SheetView(evaluator, status, data, score_sheet(RUBRIC, data), datetime(2024, 3, 18, 10, 0),
                     reconciled=status == "复核")


def file_result(case_file, sheets=(), review=None) -> FileResult:
    """Each file is given to two evaluators; the core's outcome rule decides it from their submitted
    sheets, or from the 复核 sheet that settles it."""
    evaluators = tuple(s.evaluator for s in sheets)
    submitted = [s.result for s in sheets if s.status == "已提交"]
    outcome = file_outcome(RUBRIC, 2, submitted, review.result if review is not None else None)
    return FileResult(case_file, outcome.status, outcome.score, outcome.grade, evaluators, tuple(sheets), review,
                      outcome.reasons)


def all_files() -> list[FileResult]:
    zonghe, shijian, yingji = "区综合执法局", "区市场监管局", "区应急管理局"
    return [
        file_result(case("川攀西综执罚〔2024〕3号", zonghe, "擅自占用城市道路堆放建筑材料", "攀枝花市西区恒基建筑劳务有限公司", "单位"),
                    [sheet("董文", {"G3a": 1}, na={"D7", "D4"}), sheet("周正衡", {"G3a": 1, "F4a": 1})]),
        file_result(case("川攀西综执罚〔2024〕10号", zonghe, "随意倾倒建筑垃圾", "张建华"),
                    [sheet("董文", {"D12c": 3, "C2a": 2, "F3a": 4, "E5a": 1}, notes={"D12c": "第15页送达回证未写送达地点"}),
                     sheet("罗敏", {"D12c": 3, "C2a": 2, "F3a": 4, "E5a": 1, "B3d": 1})]),
        file_result(case("川攀西综执罚〔2024〕31号", zonghe, "欧阳明辉未经批准擅自搭建建筑物", "欧阳明辉"),
                    [sheet("董文", {"D5a": 1}, veto={"V9"},
                           notes={"V9": f"未告知欧阳明辉陈述申辩权利，身份证号{ID_NUMBER}，电话{PHONE}"}),
                     sheet("罗敏", veto={"V9"}, comment="当事人欧阳明辉未被告知陈述、申辩权利")]),
        file_result(case("川攀西市监罚〔2024〕8号", shijian, "销售过期食品", "司马强"),
                    [sheet("梁志强", {"B3d": 1}), sheet("罗敏", {"B3d": 1, "G4b": 1})]),
        file_result(case("川攀西市监罚〔2024〕12号", shijian, "虚假宣传 & <广告> 违法", "攀枝花市西区鸿运商贸有限公司", "单位"),
                    [sheet("梁志强", HEAVY, notes={"D12a": "第20页送达回证受送达人未签字"}),
                     sheet("周正衡", HEAVY, notes={"D12a": "送达回证无签字"})]),
        file_result(case("川攀西市监罚〔2024〕15号", shijian, "未按规定公示信息", "诸葛文军"),
                    [sheet("梁志强", {"D12a": 1, "D12b": 1, "E2a": 1}), sheet("罗敏", {"G3a": 1})]),
        file_result(case("川攀西应急罚〔2024〕6号", yingji, "未按规定开展安全培训", "上官燕"),
                    [sheet("梁志强", {"D10a": 1, "F3a": 4, "G6a": 3}), sheet("董文", {"F3a": 1})],
                    review=sheet("皇甫婷", {"F3a": 4, "D10a": 1, "G6a": 3, "E2a": 1, "C2a": 1}, status="复核",
                                 comment="经集体评议确定")),
        file_result(case("川攀西应急罚〔2024〕9号", yingji, "未落实安全生产主体责任", "攀枝花市西区宏达五金机电有限公司", "单位"),
                    [sheet("梁志强", {"F4a": 1}, status="草稿")]),
    ]


def build_results(files: list[FileResult] | None = None, **settings) -> ActivityResults:
    files = all_files() if files is None else files
    agencies = []
    for name in dict.fromkeys(f.case.agency for f in files):
        mine = [f for f in files if f.case.agency == name]
        mean, grade = agency_mean(RUBRIC, [f.score for f in mine if f.status == FINAL])
        agencies.append(AgencyResult(name, len(mine), sum(f.status == FINAL for f in mine),
                                     sum(f.status == PENDING for f in mine),
                                     sum(f.status == NEEDS_REVIEW for f in mine), mean, grade))
    return ActivityResults(
        activity="2024年度行政处罚案卷评查", activity_id=1, rubric=RUBRIC, created_at=datetime(2024, 3, 5, 9, 0),
        per_file=2, spread=Decimal("5.0"), evaluators=EVALUATORS, files=tuple(files), agencies=tuple(agencies),
        settings={"issue_date": "2024-03-21", "doc_serial": "12", **settings}, register_size=75, register_agencies=12,
    )


def package_parts(path: Path) -> dict[str, str]:
    """Every XML part of a .docx/.xlsx (body, headers, footers, properties), as text."""
    with zipfile.ZipFile(path) as package:
        return {name: package.read(name).decode("utf-8") for name in package.namelist()
                if name.endswith((".xml", ".rels"))}


def document_text(path: Path) -> str:
    """The visible text of a .docx: paragraphs and table cells in order."""
    doc = Document(path)
    body = doc.element.body
    return "\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p")))


@pytest.fixture
def results() -> ActivityResults:
    return build_results()


def test_the_fixture_has_every_kind_of_file(results):
    statuses = {f.case.case_no: (f.status, f.grade) for f in results.files}
    assert statuses["川攀西综执罚〔2024〕3号"] == (FINAL, "优秀")
    assert statuses["川攀西综执罚〔2024〕10号"] == (FINAL, "合格")
    assert statuses["川攀西综执罚〔2024〕31号"] == (FINAL, "不合格")
    assert statuses["川攀西市监罚〔2024〕8号"] == (FINAL, "优秀")
    assert statuses["川攀西市监罚〔2024〕12号"] == (FINAL, "不合格")
    assert statuses["川攀西市监罚〔2024〕15号"] == (NEEDS_REVIEW, None)
    assert statuses["川攀西应急罚〔2024〕6号"] == (FINAL, "合格")
    assert statuses["川攀西应急罚〔2024〕9号"] == (PENDING, None)


def test_results_are_named_in_a_line_however_many_files():
    # Textual describes a worker by the repr of its arguments, on the event loop: results written out in full
    # (seconds for a province) would freeze the screen while the 进度 page loads.
    many = build_results(all_files() * 400)
    shown = repr(many)
    assert shown == (f"ActivityResults(activity='2024年度行政处罚案卷评查', activity_id=1, files={len(many.files)}, "
                     f"agencies={len(many.agencies)})")
