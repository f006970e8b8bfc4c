"""Importing registers and rosters: encodings detected, every bad row named, nothing half-written."""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from tests.helpers import RUBRIC, Cli, write_csv

HEADER = "案号,执法部门,案由,当事人,当事人类型,程序类型,立案日期,决定日期,执法人员,备注\n"
GOOD_ROWS = (
    "川攀西市监罚〔2024〕1号,区市场监管局,销售过期食品,欧阳明辉,,普通程序,2024-03-01,2024年4月2日,王强、李明,首违\n"
    "川攀西市监罚〔2024〕2号,区市场监管局,虚假宣传,攀枝花市西区某某商贸有限公司,单位,,2024/03/05,2024-04-06,王强，李明,\n"
    "川攀西综执罚〔2024〕3号,区综合执法局,违法建设,张三,个人,简易程序,,,赵六,\n"
)


@pytest.fixture
def cli(tmp_path, capsys) -> Cli:
    cli = Cli(tmp_path / "p.db", capsys)
    cli.ok("activity", "create", "导入测试", "--rubric", RUBRIC)
    return cli


def case_count(cli: Cli) -> int:
    status, out, _ = cli("sample", "导入测试", "--seed", "1", "--total", "1")
    return -1 if status else int(out.split("已抽取 ")[1].split(" ")[0])


def test_good_register_in_utf8_bom_gbk_and_xlsx(cli, tmp_path):
    for name, encoding in (("bom.csv", "utf-8-sig"), ("gbk.csv", "gbk")):
        fresh = Cli(tmp_path / f"{name}.db", cli.capsys)
        fresh.ok("activity", "create", "导入测试", "--rubric", RUBRIC)
        out = fresh.ok("cases", "import", "导入测试", write_csv(tmp_path / name, HEADER + GOOD_ROWS, encoding))
        assert "已导入 3 件案卷（普通程序 2 件，简易程序 1 件），来自 2 个执法部门" in out
    book = Workbook()
    sheet = book.active
    for line in (HEADER + GOOD_ROWS).strip().split("\n"):
        sheet.append(line.split(","))
    book.save(tmp_path / "register.xlsx")
    assert "已导入 3 件案卷" in cli.ok("cases", "import", "导入测试", tmp_path / "register.xlsx")


@pytest.mark.parametrize(
    "text, phrases",
    [
        ("案号,执法部门,案由\nA1,区市场监管局,虚假宣传\n", ["缺少必需的列：当事人"]),
        (HEADER + GOOD_ROWS + "川攀西综执罚〔2024〕4号,区综合执法局,,李四,,,,,,\n", ["第 5 行", "“案由”为空"]),
        (HEADER + GOOD_ROWS + "川攀西市监罚〔2024〕1号,区市场监管局,虚假宣传,李四,,,,,,\n", ["第 5 行", "与第 2 行重复"]),
        (HEADER + GOOD_ROWS.replace("2024-03-01", "2024-02-30"), ["第 2 行", "“2024-02-30”不是有效日期"]),
        (HEADER + GOOD_ROWS.replace("简易程序", "一般程序"), ["第 4 行", "程序类型"]),
        (HEADER + GOOD_ROWS.replace(",个人,", ",自然人,"), ["当事人类型"]),
        ("", ["文件是空的"]),
        (HEADER, ["只有表头"]),
    ],
    ids=["missing column", "empty cell", "duplicate", "bad date", "bad procedure", "bad party type", "empty", "header only"],
)
def test_bad_register_is_rejected_whole_with_row_numbers(cli, tmp_path, text, phrases):
    status, _, err = cli("cases", "import", "导入测试", write_csv(tmp_path / "bad.csv", text))
    assert status == 1
    for phrase in phrases:
        assert phrase in err
    assert "Traceback" not in err
    assert case_count(cli) == -1  # nothing was imported


def test_every_bad_row_is_listed(cli, tmp_path):
    text = HEADER + ",区市场监管局,虚假宣传,甲,,,,,,\n" + "X1,区市场监管局,虚假宣传,乙,,,2024-13-01,,,\n"
    _, _, err = cli("cases", "import", "导入测试", write_csv(tmp_path / "bad.csv", text))
    assert "有 2 处问题" in err and "第 2 行" in err and "第 3 行" in err


def test_excel_unicode_text_export_is_read(cli, tmp_path):
    text = (HEADER + GOOD_ROWS).replace(",", "\t")
    path = tmp_path / "unicode.txt"
    path.write_bytes(text.encode("utf-16"))
    assert "已导入 3 件案卷" in cli.ok("cases", "import", "导入测试", path)


def test_not_a_spreadsheet(cli, tmp_path):
    junk = tmp_path / "photo.xlsx"
    junk.write_bytes(b"PK\x03\x04 this is not really a workbook")
    status, _, err = cli("cases", "import", "导入测试", junk)
    assert status == 1 and "不是有效的 Excel" in err
    binary = tmp_path / "data.csv"
    binary.write_bytes(bytes(range(256)) * 4)
    status, _, err = cli("cases", "import", "导入测试", binary)
    assert status == 1 and "不是表格文件" in err
    status, _, err = cli("cases", "import", "导入测试", tmp_path / "missing.csv")
    assert status == 1 and "文件不存在" in err


def test_importing_the_same_case_twice_is_refused(cli, tmp_path):
    path = write_csv(tmp_path / "r.csv", HEADER + GOOD_ROWS)
    cli.ok("cases", "import", "导入测试", path)
    status, _, err = cli("cases", "import", "导入测试", path)
    assert status == 1 and "已在本次评查活动中导入过" in err


def test_party_type_is_guessed_when_blank(tmp_path):
    from pingcha.services.registers import parse_register

    rows = parse_register(write_csv(tmp_path / "r.csv", HEADER + GOOD_ROWS.replace(",单位,", ",,")))
    types = {case.party: case.party_type for _, case in rows}
    assert types == {"欧阳明辉": "个人", "攀枝花市西区某某商贸有限公司": "单位", "张三": "个人"}
    officers = {case.case_no: case.officers for _, case in rows}
    assert officers["川攀西市监罚〔2024〕2号"] == ("王强", "李明")


@pytest.mark.parametrize(
    "text, phrase",
    [
        ("姓名,单位,角色\n张三,,评查员\n", "“单位”为空"),
        ("姓名,单位,角色\n张三,区司法局,专家\n", "“角色”应为 评查员 或 组长"),
        ("姓名,角色\n张三,组长\n", "缺少必需的列：单位"),
        ("姓名,单位\n张三,区司法局\n张三,区检察院\n", "与第 2 行重复"),
    ],
)
def test_bad_roster_is_rejected(cli, tmp_path, text, phrase):
    status, _, err = cli("evaluators", "import", "导入测试", write_csv(tmp_path / "e.csv", text))
    assert status == 1 and phrase in err


def test_roster_with_bodies_without_files_is_normal(cli, tmp_path):
    text = "姓名,单位,角色\n司马光,区司法局,组长\n诸葛亮,西区人民检察院,\n上官婉儿,四川某某律师事务所,评查员\n"
    out = cli.ok("evaluators", "import", "导入测试", write_csv(tmp_path / "e.csv", text, "gbk"))
    assert "已导入 3 名评查人员，其中组长：司马光" in out


@pytest.mark.parametrize("first, second", [
    ("川攀西市监罚〔２０２４〕１号", "川攀西市监罚〔2024〕1号"),
    ("川攀西市监罚[2024]1号", "川攀西市监罚〔2024〕1号"),
    ("川攀西市监罚〔2024〕1号\u200b", "川攀西市监罚〔2024〕1号"),
])
def test_case_numbers_equal_but_for_width_or_brackets_are_duplicates(cli, tmp_path, first, second):
    rows = f"{first},区市场监管局,虚假宣传,李四,,,,,,\n{second},区市场监管局,销售过期食品,王五,,,,,,\n"
    status, _, err = cli("cases", "import", "导入测试", write_csv(tmp_path / "r.csv", HEADER + rows))
    assert status == 1 and "第 3 行" in err and "与第 2 行重复" in err
    assert case_count(cli) == -1


def test_register_values_are_stored_without_escapes_and_shown_safely(cli, tmp_path, capsys):
    rows = "川攀西市监罚[２０２４]９号,区市场监管局\u200b,虚假宣传\x1b[2J\x07,李\u3000四,,,,,,\n"
    cli.ok("cases", "import", "导入测试", write_csv(tmp_path / "r.csv", HEADER + rows))
    cli.ok("evaluators", "import", "导入测试", write_csv(tmp_path / "p.csv", "姓名,单位,角色\n甲,区司法局,组长\n"))
    cli.ok("sample", "导入测试", "--seed", "1", "--total", "1")
    out = cli.ok("results", "导入测试")
    assert "\x1b" not in out and "\x07" not in out
    files = cli.json("results", "导入测试", "--json")["files"]
    assert files[0]["case_no"] == "川攀西市监罚[2024]9号" and files[0]["agency"] == "区市场监管局"


def test_names_equal_but_for_spaces_or_invisible_characters_are_duplicates(cli, tmp_path):
    roster = "姓名,单位,角色\n王小明,区司法局,评查员\n王\u3000小明,区财政局,评查员\n王小明\u200b,区财政局,评查员\n"
    status, _, err = cli("evaluators", "import", "导入测试", write_csv(tmp_path / "p.csv", roster))
    assert status == 1 and "第 3 行" in err and "第 4 行" in err and "与第 2 行重复" in err


def test_output_tables_drop_control_characters():
    from pingcha.cli.output import table

    shown = table(["案由"], [["清屏\x1b[2J\x1b]0;标题\x07文字\x00"]])
    assert "\x1b" not in shown and "\x00" not in shown and "清屏文字" in shown
