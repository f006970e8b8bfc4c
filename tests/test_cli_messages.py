"""What the command line says when things go wrong or could: Chinese, exit 1, nothing written."""

from __future__ import annotations

import pytest

from pingcha.services.demo import DEMO_ACTIVITY
from tests.helpers import Cli, prepared


@pytest.fixture
def cli(tmp_path, capsys) -> Cli:
    return Cli(tmp_path / "p.db", capsys)


def test_demo_refuses_a_real_database_and_names_its_own_activity(cli, tmp_path, capsys):
    activity = prepared(cli)
    status, _, err = cli("demo", "--no-ui")
    assert status == 1 and "正式的评查活动" in err and activity in err
    assert DEMO_ACTIVITY not in cli.ok("activity", "list")

    fresh = Cli(tmp_path / "demo.db", capsys)
    out = fresh.ok("demo", "--no-ui")
    assert f"results 1（1 即演示活动“{DEMO_ACTIVITY}”的编号）" in out
    assert "直接使用" in fresh.ok("demo", "--no-ui")  # the demo database itself: fine again


def refused(cli: Cli, *args) -> str:
    status, _, err = cli(*args)
    assert status == 1, err
    assert "Traceback" not in err and err.startswith("错误：")
    return err


def test_a_rubric_with_absurd_numbers_is_refused(cli, tmp_path):
    from openpyxl import load_workbook

    from tests.helpers import REPO, RUBRIC

    text = RUBRIC.read_text(encoding="utf-8").replace("total = 100", "total = " + "9" * 401, 1)
    (tmp_path / "big.toml").write_text(text, encoding="utf-8")
    status, out, _ = cli("rubric", "check", tmp_path / "big.toml")
    assert status == 1 and "“total”的数值过大" in out
    for column, phrase in (("扣分", "数值过大"), ("最多次数", "max_times 过大")):
        book = load_workbook(REPO / "scoring_rules" / "xiqu-xzcf-2024.1.xlsx")
        sheet = book.worksheets[0]
        header = [cell.value for cell in sheet[1]]
        sheet.cell(row=2, column=header.index(column) + 1).value = 1e308
        book.save(tmp_path / "big.xlsx")
        status, out, _ = cli("rubric", "check", tmp_path / "big.xlsx")
        assert status == 1 and phrase in out, out


def test_files_that_are_not_what_they_claim_are_refused_in_chinese(cli, tmp_path):
    import json
    import zipfile

    from tests.helpers import RUBRIC

    activity = prepared(cli)
    with zipfile.ZipFile(tmp_path / "目录.csv", "w") as docx:
        docx.writestr("[Content_Types].xml", "<Types/>")
        docx.writestr("word/document.xml", "<w:document/>")
    assert "Word 文档" in refused(cli, "cases", "import", activity, tmp_path / "目录.csv")
    (tmp_path / "big.csv").write_text("案号,执法部门,案由,当事人\n1,甲,乙" + "字" * 1_000_000 + ",丙\n", encoding="utf-8")
    assert "超长的单元格" in refused(cli, "cases", "import", activity, tmp_path / "big.csv")
    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert "嵌套层次过深" in refused(cli, "rubric", "score", RUBRIC, tmp_path / "deep.json")
    (tmp_path / "count.json").write_text(json.dumps({"deductions": {"A2a": 2**64}}), encoding="utf-8")
    assert "最多计 3 次" in refused(cli, "rubric", "score", RUBRIC, tmp_path / "count.json")
    assert "过大" in refused(cli, "sample", activity, "--seed", "1", "--per-agency", str(2**64), "--force")
    assert "过大" in refused(cli, "activity", "create", "大", "--rubric", RUBRIC, "--per-file", str(2**64))
    assert "应为正整数" in refused(cli, "activity", "settings", activity, "--set", "deadline_days=²")
    assert "deadline_days          整改期限（天）                    30" in cli.ok("activity", "settings", activity)


def test_database_problems_are_said_in_chinese_with_the_original_as_detail(tmp_path, capsys):
    err = refused(Cli("mysql://someone@localhost/pingcha", capsys), "activity", "list")
    assert "没有安装 mysql 数据库的驱动" in err and "详细信息：No module named" in err
    locked_dir = tmp_path / "ro"
    locked_dir.mkdir()
    (locked_dir / "p.db").mkdir()  # a folder where the file should be
    err = refused(Cli(locked_dir / "p.db", capsys), "activity", "list")
    assert "文件夹" in err


def test_os_errors_are_translated():
    from pingcha.errors import os_error_text

    assert os_error_text(FileNotFoundError(2, "No such file or directory")) == "文件或文件夹不存在"
    assert os_error_text(PermissionError(13, "Permission denied")) == "没有访问权限"


def test_sqlite_and_server_errors_read_in_chinese():
    from sqlalchemy.exc import OperationalError

    from pingcha.cli import database_problem

    said = database_problem(OperationalError("connect", {}, Exception("unable to open database file")))
    assert said.startswith("无法打开数据库文件") and said.endswith("（数据库报告：unable to open database file）")
    said = database_problem(OperationalError("connect", {}, Exception("connection failed: timeout expired")))
    assert said.startswith("无法连接数据库")


def test_results_fit_the_terminal_and_a_pipe_gets_everything(cli, monkeypatch):
    from rich.cells import cell_len

    activity = prepared(cli)
    monkeypatch.setenv("COLUMNS", "80")
    fitted = cli.ok("results", activity)
    assert max(cell_len(line) for line in fitted.splitlines()) <= 80 and "…" in fitted
    monkeypatch.delenv("COLUMNS")
    full = cli.ok("results", activity)  # captured, not a terminal: nothing cut
    assert "…" not in full and max(cell_len(line) for line in full.splitlines()) > 80


def test_help_describes_every_argument_and_lines_chinese_up(capsys, monkeypatch):
    from rich.cells import cell_len

    from pingcha.cli import main

    monkeypatch.setenv("COLUMNS", "100")
    for command in (["sheets", "import"], ["sheets", "export"], ["cases", "import"], ["activity", "settings"],
                    ["review"], ["rubric", "score"]):
        with pytest.raises(SystemExit):
            main([*command, "--help"])
        out = capsys.readouterr().out
        body = out.split("位置参数:", 1)[1]
        entries = [line for line in body.splitlines() if line.startswith("  ") and not line.startswith("   ")]
        starts = set()
        for line in entries:
            name, _, described = line[2:].partition("  ")
            assert described.strip(), f"{command}: “{name}” has no description"
            starts.add(cell_len(line) - cell_len(described.lstrip()))  # the cell where the description begins
        assert len(starts) == 1, (command, out)
        assert all(cell_len(line) <= 100 for line in out.splitlines())
