"""请组长确认: an evaluator marks an item uncertain with a reason; the file goes to 复核 with that reason."""

from __future__ import annotations

import json

import pytest

from pingcha.errors import UserError
from pingcha.rubric import load_rubric_file
from pingcha.scoring import score_sheet, sheet_from_json
from pingcha.services.sheets import change_sheet, read_sheet, sheet_ref
from pingcha.store import open_store
from tests.helpers import RUBRIC, Cli, prepared


@pytest.fixture
def cli(tmp_path, capsys) -> Cli:
    return Cli(tmp_path / "p.db", capsys)


def first_file(cli: Cli, activity: str) -> tuple[str, list[str]]:
    file = cli.json("results", activity, "--json")["files"][0]
    return file["case_no"], file["evaluators"]


def test_an_uncertain_item_sends_agreeing_sheets_to_review_with_the_reason(cli, tmp_path):
    activity = prepared(cli)
    case_no, (first, second) = first_file(cli, activity)
    sheets = [
        {"case_no": case_no, "evaluator": first, "deductions": {"D12c": 1},
         "uncertain": {"D12": "送达回证日期无法辨认，是否属于超期送达？"}},
        {"case_no": case_no, "evaluator": second, "deductions": {"D12c": 1}},
    ]
    (tmp_path / "s.json").write_text(json.dumps(sheets, ensure_ascii=False), encoding="utf-8")
    cli.ok("sheets", "import", activity, tmp_path / "s.json", "--submit", "--allow-undecided")
    file = next(f for f in cli.json("results", activity, "--json")["files"] if f["case_no"] == case_no)
    assert (file["status"], file["score"]) == ("needs_review", None)
    assert file["reasons"] == [f"{first}请组长确认 D12“送达”：送达回证日期无法辨认，是否属于超期送达？"]
    assert "请组长确认 D12" in cli.ok("review", activity)
    out = tmp_path / "first.json"
    cli.ok("sheets", "export", activity, "--evaluator", first, "--out", out)
    mine = next(s for s in json.loads(out.read_text(encoding="utf-8")) if s["case_no"] == case_no)
    assert mine["uncertain"] == {"D12": "送达回证日期无法辨认，是否属于超期送达？"}

    settled = tmp_path / "settled.json"
    settled.write_text(json.dumps({"deductions": {"D12c": 1, "D12b": 1}, "comment": "经集体评议，认定超期送达"},
                                  ensure_ascii=False), encoding="utf-8")
    cli.ok("review", activity, case_no, "--sheet", settled, user="皇甫婷")
    file = next(f for f in cli.json("results", activity, "--json")["files"] if f["case_no"] == case_no)
    assert (file["status"], file["score"]) == ("final", 96.0)
    status, out_text, err = cli("check")
    assert status == 0, out_text + err


def test_marking_and_withdrawing_through_the_service_is_audited_and_replayed(cli, tmp_path):
    activity = prepared(cli)
    case_no, (first, second) = first_file(cli, activity)
    store = open_store(str(cli.db))
    ref = sheet_ref(store, activity, first, case_no)
    state = change_sheet(store, ref, first, code="B6", uncertain="  询问笔录未签名，是否扣分？ ")
    assert state.sheet.uncertain == {"B6": "询问笔录未签名，是否扣分？"}
    assert read_sheet(store, ref).sheet.uncertain == {"B6": "询问笔录未签名，是否扣分？"}
    change_sheet(store, ref, first, code="V13", uncertain="是否构成否决？")
    state = change_sheet(store, ref, first, code="B6", uncertain="")
    assert state.sheet.uncertain == {"V13": "是否构成否决？"} == read_sheet(store, ref).sheet.uncertain
    with pytest.raises(UserError):
        change_sheet(store, ref, first, code="ZZ9", uncertain="？")
    store.dispose()
    history = cli.ok("audit", activity, case_no)
    assert "请组长确认 否 → 是" in history and "理由 （空） → 询问笔录未签名，是否扣分？" in history
    assert "请组长确认 是 → 否" in history
    status, out, err = cli("check")
    assert status == 0, out + err


def test_bad_uncertain_entries_are_refused_naming_the_code():
    rubric = load_rubric_file(RUBRIC)
    with pytest.raises(UserError, match="没有写明理由"):
        sheet_from_json({"uncertain": {"D12": "  "}})
    with pytest.raises(UserError, match="应为对象"):
        sheet_from_json({"uncertain": ["D12"]})
    with pytest.raises(UserError, match="“D12x”不是评查项目或否决项的编号"):
        score_sheet(rubric, sheet_from_json({"uncertain": {"D12x": "？"}}))
    assert score_sheet(rubric, sheet_from_json({"uncertain": {"D12": "？"}})).score == 100
