"""The 统计分析 report (.docx with native Word charts, .xlsx with native Excel charts) and the 典型案例:
what each says, on the small activities of test_stats, pins, masking and bad input."""

from __future__ import annotations

import json
import re
import zipfile
from decimal import Decimal

from docx import Document
from openpyxl import load_workbook

from pingcha.cases import propose
from pingcha.results import FINAL, ActivityResults, CaseFile, FileResult, SheetView
from pingcha.rubric import parse_rubric_text
from pingcha.scoring import Sheet
from tests.conftest import MINI_TOML
from tests.helpers import Cli, write_csv
from tests.test_stats import ROSTER, activity, three  # noqa: F401 - the fixture

CHART = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"


def _text(path) -> str:
    doc = Document(str(path))
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_stats_report_docx_has_the_figures_the_caveat_and_native_charts(three, tmp_path):
    out = tmp_path / "统计分析.docx"
    assert "3 个评查活动" in three.ok("report", "stats", "--out", out)
    text = _text(out)
    assert "2023–2024年行政处罚案卷评查统计分析" in text
    assert "15.3（2/2）" in text and "13.3（1/2）" in text  # 乙局 2024: 乙　局 and 乙局 pooled
    assert "B2 送达：2023年 33.3%，2024年 100.0%" in text  # the recurring problem
    assert "A1（“执法人员资格”→“执法人员资格与人数”）" in text
    with zipfile.ZipFile(out) as package:
        types = package.read("[Content_Types].xml").decode()
        charts = sorted(n for n in package.namelist() if n.startswith("word/charts/"))
        agency_chart = package.read(charts[1]).decode()
    assert types.count(CHART) == len(charts) >= 4
    assert "各执法部门平均分（按年度）" in agency_chart and "<c:v>甲局</c:v>" in agency_chart
    assert "<c:v>15.3</c:v>" in agency_chart and "<c:v>2024年</c:v>" in agency_chart


def test_stats_report_xlsx_has_sheets_and_native_excel_charts(three, tmp_path):
    out = tmp_path / "统计分析.xlsx"
    three.ok("report", "stats", "--out", out)
    book = load_workbook(out)
    assert book.sheetnames == ["评查活动", "各部门平均分", "各部门等次", "各年度等次比例", "项目扣分率", "连年问题", "说明"]
    means = {row[0]: row[1:] for row in book["各部门平均分"].iter_rows(min_row=2, values_only=True)}
    assert means == {"甲局": (15.3, 19.0), "乙局": (0.0, 13.3)}
    with zipfile.ZipFile(out) as package:
        charts = [package.read(n).decode() for n in package.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 4
    assert any("各执法部门平均分（按年度）" in c for c in charts)


def test_stats_report_bad_output_and_access(three, tmp_path):
    status, _, err = three("report", "stats", "--out", tmp_path / "统计.pdf")
    assert status == 1 and ".docx（Word）或 .xlsx（Excel）" in err and "Traceback" not in err
    status, _, err = three("report", "stats", "没有的活动", "--out", tmp_path / "a.docx")
    assert status == 1 and "没有找到评查活动" in err
    assert not (tmp_path / "a.docx").exists()


# --- 典型案例 -----------------------------------------------------------------------------------------------------

def _file(case_no: str, agency: str, cause: str, score: str, grade: str, veto: frozenset = frozenset(),
          deductions: dict | None = None, comment: str = "") -> FileResult:
    sheet = Sheet(deductions=deductions or {}, veto=veto, notes={}, comment=comment)
    view = SheetView("甲", "已提交", sheet, None)
    case = CaseFile(case_no, agency, cause, "某公司", "单位")
    return FileResult(case, FINAL, Decimal(score), grade, ("甲",), (view,))


def _results(files) -> ActivityResults:
    from datetime import datetime

    rubric = parse_rubric_text(MINI_TOML, "mini.toml")
    return ActivityResults("活动", 1, rubric, datetime(2024, 1, 1), 1, Decimal(5), (), tuple(files), ())


def test_exemplary_cases_spread_across_agencies_and_causes_before_repeating():
    files = [
        _file("1号", "甲局", "占道", "20.0", "优秀"),
        _file("2号", "甲局", "噪声", "19.5", "优秀"),
        _file("3号", "乙局", "占道", "19.0", "优秀"),
        _file("4号", "乙局", "扬尘", "18.0", "优秀"),
        _file("5号", "丙局", "占道", "17.0", "合格", veto=frozenset({"V2"})),  # a veto: a warning, never exemplary
        _file("6号", "丙局", "噪声", "5.0", "不合格", deductions={"B2a": 1}),
    ]
    cases = propose(_results(files), top=2)
    assert [c.file.case.case_no for c in cases.exemplary] == ["1号", "4号"]  # not 2号 (same agency) nor 3号 (same cause)
    assert [c.file.case.case_no for c in cases.warnings] == ["6号"]
    wider = propose(_results(files), top=3, warnings=2)
    assert [c.file.case.case_no for c in wider.exemplary] == ["1号", "4号", "2号"]
    assert [c.file.case.case_no for c in wider.warnings] == ["6号", "5号"]
    pinned = propose(_results(files), top=2, pinned=["3号", "没有"])
    assert [(c.file.case.case_no, c.pinned) for c in pinned.exemplary] == [("3号", True), ("2号", False)]
    assert pinned.unknown_pins == ("没有",)
    warning = wider.warnings[0]
    assert warning.defects == ("送达：受送达人没有签字",) and warning.vetoes == ()
    assert wider.warnings[1].vetoes == ("主要执法文书未加盖印章",)


def test_report_cases_pins_masks_and_writes(tmp_path, capsys):
    cli = Cli(tmp_path / "c.db", capsys)
    rubric = write_csv(tmp_path / "mini.toml", MINI_TOML)
    cli.ok("activity", "create", "甲", "--rubric", rubric, "--per-file", "1")
    register = "案号,执法部门,案由,当事人,当事人类型\n1号,甲局,占道,欧阳明辉,个人\n2号,乙局,噪声,某公司,单位\n3号,乙局,扬尘,王小明,个人\n"
    cli.ok("cases", "import", "甲", write_csv(tmp_path / "r.csv", register))
    cli.ok("evaluators", "import", "甲", write_csv(tmp_path / "p.csv", ROSTER))
    cli.ok("sample", "甲", "--seed", "1", "--per-agency", "9")
    cli.ok("assign", "甲", "--seed", "1")
    who = {f["case_no"]: f["evaluators"][0] for f in cli.json("results", "甲", "--json")["files"]}
    batch = [
        {"case_no": "1号", "evaluator": who["1号"], "deductions": {"B2b": 1}, "notes": {"B2b": "第3页，欧阳明辉未签名"},
         "comment": "经张三核对，文书规范"},
        {"case_no": "2号", "evaluator": who["2号"], "deductions": {"A1a": 1}},
        {"case_no": "3号", "evaluator": who["3号"], "veto": ["V1"], "deductions": {"B2a": 1}},
    ]
    (tmp_path / "s.json").write_text(json.dumps(batch, ensure_ascii=False), encoding="utf-8")
    cli.ok("sheets", "import", "甲", tmp_path / "s.json", "--submit", "--allow-undecided")

    listing = cli.ok("report", "cases", "甲", "--top", "1")
    assert re.search(r"典型\s+2号", listing) and re.search(r"警示\s+3号", listing) and "1号" not in listing
    assert "已选定" in cli.ok("report", "cases", "甲", "--top", "1", "--pin", "1号")
    listing = cli.ok("report", "cases", "甲", "--top", "1")
    assert re.search(r"典型（选定）\s+1号", listing) and "2号" not in listing
    out = tmp_path / "典型案例.docx"
    cli.ok("report", "cases", "甲", "--top", "1", "--out", out)
    text = _text(out)
    assert "1号" in text and "欧阳某某" in text and "欧阳明辉" not in text
    assert "张某某" in text and "张三" not in text  # an evaluator named in a 评语
    assert "王小明" not in text and "王某某" in text and "执法主体不合法" in text
    assert "组长选定" in text
    assert "已取消选定" in cli.ok("report", "cases", "甲", "--unpin", "1号")
    assert re.search(r"典型\s+2号", cli.ok("report", "cases", "甲", "--top", "1"))
    history = cli.ok("audit", "甲", "1号")
    assert "选定典型案例" in history and "取消选定典型案例" in history


def test_report_cases_bad_input(tmp_path, capsys):
    cli = Cli(tmp_path / "c.db", capsys)
    cli.ok("activity", "create", "甲", "--rubric", write_csv(tmp_path / "mini.toml", MINI_TOML))
    for args, message in [
        (("--pin", "没有的案号"), "抽查案卷中没有“没有的案号”"),
        (("--top", "0"), "典型案例件数应在 1 到 100 之间"),
        (("--out", tmp_path / "x.xlsx"), "典型案例的输出文件须为 .docx"),
    ]:
        status, _, err = cli("report", "cases", "甲", *args)
        assert status == 1 and message in err and "Traceback" not in err, err
    assert "还没有评查完成的案卷" in cli.ok("report", "cases", "甲")
