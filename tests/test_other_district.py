"""Another district's standard and registers: stages instead of categories, four grades, GBK files.

Nothing here comes from sample_cases/ or scoring_rules/: the tool must work to the contract alone.
"""

from __future__ import annotations

import json
import zipfile

from openpyxl import Workbook

from tests.helpers import Cli

STAGE_RUBRIC = """\
[rubric]
id = "dongqu-stage"
version = "v3"
title = "某市东区行政处罚案卷评查细则（按办案环节）"
issued_by = "某市东区司法局"
effective = 2025-01-01
total = 50
procedures = ["普通程序", "简易程序"]

[[grades]]
name = "优秀"
min = 45
[[grades]]
name = "良好"
min = 40
[[grades]]
name = "合格"
min = 30
[[grades]]
name = "不合格"
min = 0

[[veto]]
code = "X1"
title = "超过追诉时效"
effect = "zero"
[[veto]]
code = "X2"
title = "决定书未盖章"
effect = "cap"
cap = "良好"

[[category]]
code = "1"
title = "立案"
[[category.item]]
code = "1.1"
title = "立案审批"
points = 10
deductions = [{ code = "1.1.1", text = "未经批准立案", points = 10 }, { code = "1.1.2", text = "其他不规范", points = 0.5, max_times = 10 }]

[[category]]
code = "2"
title = "调查取证与告知"
[[category.item]]
code = "2.1"
title = "调查取证"
points = 25.5
deductions = [{ code = "2.1.1", text = "证据不足", points = 5, max_times = 3 }]
[[category.item]]
code = "2.2"
title = "听证"
points = 4.5
na_allowed = true
deductions = [{ code = "2.2.1", text = "未告知听证权利", points = 4.5 }]

[[category]]
code = "3"
title = "决定与送达"
[[category.item]]
code = "3.1"
title = "送达"
points = 10
deductions = [{ code = "3.1.1", text = "超期送达", points = 3 }]
"""

REGISTER = (
    "执法人员,案由,备注,当事人,执法部门,案号,程序类型,决定日期\n"
    "甲、乙,无照经营,,司马相如,东区城管局,东城罚〔2025〕1号,普通程序,2025年2月3日\n"
    "甲、乙,噪声扰民,夜间施工,欧阳修,东区城管局,东城罚〔2025〕2号,简易程序,2025-02-04\n"
    "丙、丁,销售假药,,东区某某大药房有限公司,东区市场局,东市罚〔2025〕1号,,2025-03-01\n"
    "丙、丁,价格欺诈,,诸葛亮,东区市场局,东市罚〔2025〕2号,,\n"
)


def test_a_stage_rubric_with_four_grades_runs_end_to_end(tmp_path, capsys):
    cli = Cli(tmp_path / "east.db", capsys)
    (tmp_path / "stage.toml").write_text(STAGE_RUBRIC, encoding="utf-8")
    cli.ok("rubric", "check", tmp_path / "stage.toml")
    cli.ok("rubric", "load", tmp_path / "stage.toml")
    cli.ok("activity", "create", "东区2025", "--rubric", "dongqu-stage@v3", "--per-file", "3", "--spread", "2")
    (tmp_path / "register.csv").write_bytes(REGISTER.encode("gbk"))
    assert "已导入 4 件案卷" in cli.ok("cases", "import", "东区2025", tmp_path / "register.csv")
    book = Workbook()
    book.active.append(["角色", "姓名", "单位"])
    for row in (["组长", "上官婉儿", "东区司法局"], ["", "公孙胜", "东区检察院"], ["评查员", "张三", "东区城管局"],
                ["评查员", "李四", "东区市场局"], ["评查员", "王五", "某律师事务所"]):
        book.active.append(row)
    book.save(tmp_path / "roster.xlsx")
    cli.ok("evaluators", "import", "东区2025", tmp_path / "roster.xlsx")
    cli.ok("sample", "东区2025", "--seed", "x", "--total", "4")  # this rubric covers 简易程序 too
    cli.ok("assign", "东区2025", "--seed", "x")
    files = cli.json("results", "东区2025", "--json")["files"]
    assert len(files) == 4 and all(len(f["evaluators"]) == 3 for f in files)

    sheets = []
    for f in files:
        for name in f["evaluators"]:
            found = {"1.1.2": 2} if f["agency"] == "东区城管局" else {"2.1.1": 3, "3.1.1": 1}
            sheets.append({"case_no": f["case_no"], "evaluator": name, "deductions": found, "na": ["2.2"],
                           "veto": ["X2"] if f["agency"] == "东区城管局" else []})
    (tmp_path / "all.json").write_text(json.dumps(sheets, ensure_ascii=False), encoding="utf-8")
    cli.ok("sheets", "import", "东区2025", tmp_path / "all.json", "--submit", "--allow-undecided")
    result = cli.json("results", "东区2025", "--json")
    by_agency = {f["case_no"]: (f["status"], f["score"], f["grade"]) for f in result["files"]}
    # 城管局: raw 44.5 of applicable 45.5 → 44.5 × 50 / 45.5 = 48.9, capped at 良好 by X2
    assert by_agency["东城罚〔2025〕1号"] == ("final", 48.9, "良好")
    # 市场局: 15 + 3 lost → 27.5 of 45.5 → 30.2, 合格
    assert by_agency["东市罚〔2025〕1号"] == ("final", 30.2, "合格")
    assert {a["agency"]: a["grade"] for a in result["agencies"]} == {"东区城管局": "优秀", "东区市场局": "合格"}

    out = tmp_path / "bulletin.docx"
    cli.ok("report", "bulletin", "东区2025", "--out", out)
    with zipfile.ZipFile(out) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    for name in ("司马相如", "欧阳修", "诸葛亮"):
        assert name not in xml
    assert "东区某某大药房有限公司" in xml or "东市罚〔2025〕1号" in xml
    notices = tmp_path / "notices"
    assert "没有需要整改" in cli.ok("report", "notices", "东区2025", "--out", notices)
    cli.ok("report", "notices", "东区2025", "--out", notices, "--threshold", "40")
    assert [p.name for p in notices.glob("*.docx")] == ["东区市场局_整改通知书.docx"]
    cli.ok("report", "summary", "东区2025", "--out", tmp_path / "s.xlsx")
    cli.ok("report", "sheets", "东区2025", "--out", tmp_path / "sheets")
    assert len(list((tmp_path / "sheets").glob("*.docx"))) == 4
