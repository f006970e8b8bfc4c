"""§3 compatibility of the 请组长确认 mark: ``uncertain`` is an optional key beyond §3. A plain §3 file imports as
before, an export writes ``uncertain`` only on a sheet that carries such a mark, and an unknown key stops only its
own file (named), never another file of the same import or a sheet already stored."""

from __future__ import annotations

import json

import pytest

from tests.helpers import Cli, prepared

SECTION_3 = {"case_no", "evaluator", "deductions", "na", "veto", "notes", "comment"}
OPTIONAL_3 = {"decided", "revision"}  # §3's two optional keys for offline scoring


@pytest.fixture
def cli(tmp_path, capsys, monkeypatch) -> Cli:
    monkeypatch.delenv("PINGCHA_USER", raising=False)
    return Cli(tmp_path / "p.db", capsys)


def teams(cli: Cli, activity: str) -> dict[str, list[str]]:
    return {f["case_no"]: f["evaluators"] for f in cli.json("results", activity, "--json")["files"]}


def test_plain_section_3_sheets_round_trip_without_the_uncertain_key(cli, tmp_path):
    activity = prepared(cli)
    case_no, (first, second) = next(iter(teams(cli, activity).items()))
    plain = {"case_no": case_no, "evaluator": first, "deductions": {"A1a": 1}, "na": [], "veto": [],
             "notes": {"A1a": "第12页"}, "comment": "总体规范"}
    (tmp_path / "plain.json").write_text(json.dumps(plain, ensure_ascii=False), encoding="utf-8")
    cli.ok("sheets", "import", activity, tmp_path / "plain.json")
    out = tmp_path / "out.json"
    cli.ok("sheets", "export", activity, "--evaluator", first, "--out", out)
    exported = next(s for s in json.loads(out.read_text(encoding="utf-8")) if s["case_no"] == case_no)
    assert set(exported) <= SECTION_3 | OPTIONAL_3 and "uncertain" not in exported
    assert {k: exported[k] for k in plain} == plain

    unsure = {**plain, "evaluator": second, "uncertain": {"D12": "送达回证日期无法辨认"}}
    (tmp_path / "unsure.json").write_text(json.dumps(unsure, ensure_ascii=False), encoding="utf-8")
    cli.ok("sheets", "import", activity, tmp_path / "unsure.json")
    cli.ok("sheets", "export", activity, "--evaluator", second, "--out", out)
    again = next(s for s in json.loads(out.read_text(encoding="utf-8")) if s["case_no"] == case_no)
    assert again["uncertain"] == {"D12": "送达回证日期无法辨认"}


def test_an_unknown_key_stops_only_its_own_file(cli, tmp_path):
    activity = prepared(cli)
    case_no, (first, second) = next(iter(teams(cli, activity).items()))
    good = {"case_no": case_no, "evaluator": first, "deductions": {"A1a": 1}}
    bad = {"case_no": case_no, "evaluator": second, "deductions": {"A1a": 1}, "flagged": True}
    (tmp_path / "a.json").write_text(json.dumps(good, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "b.json").write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    status, _, err = cli("sheets", "import", activity, tmp_path / "a.json", tmp_path / "b.json")
    assert status == 1 and "b.json" in err and "未知的字段“flagged”" in err and "Traceback" not in err
    out = tmp_path / "out.json"
    cli.ok("sheets", "export", activity, "--evaluator", first, "--out", out)
    assert next(s for s in json.loads(out.read_text(encoding="utf-8"))
                if s["case_no"] == case_no)["deductions"] == {"A1a": 1}  # the other file went in
    cli.ok("sheets", "export", activity, "--evaluator", second, "--out", out)
    assert next(s for s in json.loads(out.read_text(encoding="utf-8"))
                if s["case_no"] == case_no)["deductions"] == {}  # its own file: nothing written
