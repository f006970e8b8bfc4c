"""Offline scoring round trips (§3 decided and revision): export, fill in, import, never losing work or
submitting a blank sheet."""

from __future__ import annotations

import json

import pytest

from pingcha.rubric import load_rubric_file
from pingcha.services.sheets import change_sheet, read_sheet, sheet_ref
from pingcha.store import open_store
from tests.helpers import RUBRIC, Cli, prepared

ITEMS = [item.code for item in load_rubric_file(RUBRIC).items]


@pytest.fixture
def cli(tmp_path, capsys) -> Cli:
    return Cli(tmp_path / "p.db", capsys)


def exported(cli: Cli, activity: str, evaluator: str, path) -> list[dict]:
    cli.ok("sheets", "export", activity, "--evaluator", evaluator, "--out", path)
    return json.loads(path.read_text(encoding="utf-8"))


def write(path, data) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def someone(cli: Cli, activity: str) -> tuple[str, str]:
    files = cli.json("results", activity, "--json")["files"]
    return files[0]["case_no"], files[0]["evaluators"][0]


def test_importing_untouched_exports_with_submit_locks_nothing(cli, tmp_path):
    activity = prepared(cli)
    _, evaluator = someone(cli, activity)
    sheets = exported(cli, activity, evaluator, tmp_path / "mine.json")
    assert sheets and all(s["decided"] == [] and s["revision"] for s in sheets)

    status, _, err = cli("sheets", "import", activity, tmp_path / "mine.json", "--submit")
    assert status == 1
    assert f"尚有 {len(ITEMS)} 项未定" in err and sheets[0]["case_no"] in err and "--allow-undecided" in err
    assert all(f["status"] == "pending" for f in cli.json("results", activity, "--json")["files"])
    assert "已提交" not in cli.ok("audit", activity)


def test_a_fully_decided_sheet_submits_and_decided_round_trips(cli, tmp_path):
    activity = prepared(cli)
    case_no, evaluator = someone(cli, activity)
    sheets = exported(cli, activity, evaluator, tmp_path / "mine.json")
    sheet = next(s for s in sheets if s["case_no"] == case_no)
    sheet["deductions"] = {"a1a": 1}  # codes as people type them
    sheet["na"] = ["Ｄ７"]
    sheet["decided"] = [code for code in ITEMS if code not in ("A1", "D7")]
    write(tmp_path / "one.json", sheet)
    cli.ok("sheets", "import", activity, tmp_path / "one.json", "--submit")

    again = next(s for s in exported(cli, activity, evaluator, tmp_path / "again.json") if s["case_no"] == case_no)
    assert again["deductions"] == {"A1a": 1} and again["na"] == ["D7"]
    assert sorted(again["decided"]) == sorted(sheet["decided"])


def test_a_draft_changed_after_export_is_not_replaced(cli, tmp_path):
    activity = prepared(cli)
    case_no, evaluator = someone(cli, activity)
    old = next(s for s in exported(cli, activity, evaluator, tmp_path / "old.json") if s["case_no"] == case_no)
    store = open_store(str(cli.db))
    ref = sheet_ref(store, activity, evaluator, case_no)
    for code in ("B1a", "B2a", "C1a"):
        change_sheet(store, ref, evaluator, code=code, count=1)
    change_sheet(store, ref, evaluator, code="D7", marked=True)
    change_sheet(store, ref, evaluator, code="B1a", note="第3页")

    old["deductions"] = {"A1a": 1}
    write(tmp_path / "old.json", old)
    status, _, err = cli("sheets", "import", activity, tmp_path / "old.json")
    assert status == 1
    assert "导出之后又有修改" in err and case_no in err and evaluator in err and "最后修改于 20" in err
    kept = read_sheet(store, ref).sheet
    assert kept.deductions == {"B1a": 1, "B2a": 1, "C1a": 1} and kept.na == {"D7"} and kept.notes == {"B1a": "第3页"}

    cli.ok("sheets", "import", activity, tmp_path / "old.json", "--overwrite")
    assert read_sheet(store, ref).sheet.deductions == {"A1a": 1}
    assert "覆盖导入评查表" in cli.ok("audit", activity, case_no)


def test_a_sheet_without_revision_only_fills_an_empty_draft(cli, tmp_path):
    activity = prepared(cli)
    case_no, evaluator = someone(cli, activity)
    write(tmp_path / "plain.json", {"case_no": case_no, "evaluator": evaluator, "deductions": {"A1a": 1}})
    cli.ok("sheets", "import", activity, tmp_path / "plain.json")  # nothing stored yet: fine
    write(tmp_path / "plain.json", {"case_no": case_no, "evaluator": evaluator, "deductions": {"B1a": 1}})
    status, _, err = cli("sheets", "import", activity, tmp_path / "plain.json")
    assert status == 1 and "没有 revision" in err and "--overwrite" in err
    # exported just now, the revision matches: replacing is what the evaluator means
    fresh = next(s for s in exported(cli, activity, evaluator, tmp_path / "f.json") if s["case_no"] == case_no)
    fresh["deductions"] = {"B1a": 1}
    write(tmp_path / "f.json", fresh)
    cli.ok("sheets", "import", activity, tmp_path / "f.json")
    store = open_store(str(cli.db))
    assert read_sheet(store, sheet_ref(store, activity, evaluator, case_no)).sheet.deductions == {"B1a": 1}


def test_saving_an_empty_note_writes_nothing(cli, tmp_path):
    activity = prepared(cli)
    case_no, evaluator = someone(cli, activity)
    store = open_store(str(cli.db))
    ref = sheet_ref(store, activity, evaluator, case_no)
    change_sheet(store, ref, evaluator, code="A1a", note="")
    assert read_sheet(store, ref).status == "未开始"
    change_sheet(store, ref, evaluator, code="A1a", count=1)
    before = cli.ok("audit", activity, case_no)
    change_sheet(store, ref, evaluator, code="A1a", note="")
    change_sheet(store, ref, evaluator, code="A1", note="")
    assert cli.ok("audit", activity, case_no) == before


def test_the_readme_walk_through_imports_then_refuses_to_submit_blank_sheets(cli, tmp_path):
    activity = prepared(cli)
    _, evaluator = someone(cli, activity)
    exported(cli, activity, evaluator, tmp_path / "mine.json")
    assert "草稿" in cli.ok("sheets", "import", activity, tmp_path / "mine.json")
    status, _, err = cli("sheets", "import", activity, tmp_path / "mine.json", "--submit")  # the same file again
    assert status == 1 and "项未定" in err and "导出之后又有修改" not in err
    assert all(f["status"] == "pending" for f in cli.json("results", activity, "--json")["files"])


def test_rehearsing_a_change_changes_nothing(cli, tmp_path):
    from pingcha.services.sheets import rehearse_change

    activity = prepared(cli)
    case_no, evaluator = someone(cli, activity)
    store = open_store(str(cli.db))
    ref = sheet_ref(store, activity, evaluator, case_no)
    before = cli.ok("audit", activity)
    rehearse_change(store, ref, evaluator)
    assert read_sheet(store, ref).status == "未开始" and cli.ok("audit", activity) == before
    change_sheet(store, ref, evaluator, code="A1a", count=1)
    rehearse_change(store, ref, evaluator)
    assert read_sheet(store, ref).sheet.deductions == {"A1a": 1} and read_sheet(store, ref).sheet.decided == set()
