"""预检 through the CLI and the services: the register's findings, at import, accepted or dismissed, audited."""

from __future__ import annotations

import json

import pytest

from pingcha.errors import UserError
from pingcha.services.prechecks import accept_finding, dismiss_finding, file_findings, precheck_activity
from pingcha.services.sheets import read_sheet, sheet_ref, submit_sheet
from pingcha.store import open_store
from tests.helpers import REGISTER, REPO, ROSTER, Cli, write_csv

RUBRIC_2024_2 = REPO / "scoring_rules" / "xiqu-xzcf-2024.2.toml"
PLANTED = {  # sample_cases/README.md: the defects put there for 预检
    "川攀西综执罚(2024)31号": {"P9"}, "川攀西市监罚[2024]8号": {"P9"}, "川攀西应急罚〔2024〕007号": {"P10"},
    "川攀西农交罚〔2024〕第5号": {"P10", "P11"}, "格镇罚〔2024〕03号": {"P10"},
    "川攀西综执罚〔2024〕24号": {"P1"}, "川攀西应急罚〔2024〕6号": {"P1"}, "格镇罚〔2024〕8号": {"P1"},
    "川攀西农交罚〔2024〕15号": {"P2"}, "大街罚〔2024〕7号": {"P2"},
    "川攀西文旅罚〔2024〕11号": {"P3"}, "格镇罚〔2024〕7号": {"P3"},
    "川攀西农交罚〔2024〕24号": {"P8"}, "清街罚〔2024〕9号": {"P7", "P8"},
}
# Fines of 10,000 yuan or more on individuals: the hearing check (Art. 63) asks the evaluator to verify.
HEARING = {"川攀西综执罚〔2024〕38号", "川攀西文旅罚〔2024〕9号", "川攀西应急罚〔2024〕11号", "川攀西农交罚〔2024〕第5号"}


@pytest.fixture
def cli(tmp_path, capsys) -> Cli:
    return Cli(tmp_path / "pc.db", capsys)


def activity(cli: Cli, name: str = "预检活动") -> str:
    cli.ok("activity", "create", name, "--rubric", RUBRIC_2024_2)
    return name


def test_import_says_how_many_findings_and_where_to_see_them(cli):
    name = activity(cli)
    out = cli.ok("cases", "import", name, REGISTER)
    assert out.splitlines()[-1] == f"预检：17 件案卷有 19 处提示，评查时在相应项目上显示；查看：pingcha precheck {name}"


def test_every_planted_defect_is_found_and_no_other_row_is_flagged(cli):
    name = activity(cli)
    cli.ok("cases", "import", name, REGISTER)
    data = cli.json("precheck", name, "--json")
    assert list(data) == ["activity", "files", "findings", "agencies"]
    assert data["activity"] == name and data["files"] == 75
    found: dict[str, set[str]] = {}
    for finding in data["findings"]:
        assert list(finding) == ["case_no", "agency", "check", "suggests", "text", "detail"]
        found.setdefault(finding["case_no"], set()).add(finding["check"])
    hearing = {case for case, checks in found.items() if "P11" in checks}
    assert hearing == HEARING
    assert {case: checks - {"P11"} for case, checks in found.items() if checks - {"P11"}} == {
        case: checks - {"P11"} for case, checks in PLANTED.items()}
    assert len(data["agencies"]) == 12 and sum(a["files"] for a in data["agencies"]) == 75
    assert {"agency": "陶家渡街道办事处", "files": 2, "files_with_findings": 0, "findings": 0} in data["agencies"]
    late = next(f for f in data["findings"] if f["case_no"] == "川攀西综执罚〔2024〕24号")
    assert late == {"case_no": "川攀西综执罚〔2024〕24号", "agency": "区综合执法局", "check": "P1", "suggests": "D10a",
                    "text": late["text"], "detail": "立案 2024-02-26，决定 2024-07-05，相隔 130 日"}


def test_findings_follow_register_rows_then_check_codes(cli, tmp_path):
    name = activity(cli)
    register = write_csv(tmp_path / "r.csv", "案号,执法部门,案由,当事人,执法人员,立案日期,决定日期,送达日期,结案日期\n"
                         "乙罚〔2024〕02号,乙局,甲事,张三,王强,2024-01-01,2024-06-01,2024-06-30,2024-07-01\n"
                         "甲罚〔2024〕1号,甲局,乙事,李四,王强、李明,2024-01-01,2024-01-05,2024-01-06,2024-01-07\n"
                         "甲罚〔2024〕3号,甲局,丙事,王五,,2024-01-01,2024-01-05,2024-01-06,\n")
    cli.ok("cases", "import", name, register)
    data = cli.json("precheck", name, "--json")
    assert [(f["case_no"], f["check"]) for f in data["findings"]] == [
        ("乙罚〔2024〕02号", "P1"), ("乙罚〔2024〕02号", "P10"), ("乙罚〔2024〕02号", "P2"), ("乙罚〔2024〕02号", "P3"),
        ("甲罚〔2024〕3号", "P3"), ("甲罚〔2024〕3号", "P8")]
    assert data["agencies"] == [{"agency": "乙局", "files": 1, "files_with_findings": 1, "findings": 4},
                                {"agency": "甲局", "files": 2, "files_with_findings": 1, "findings": 2}]
    table = cli.ok("precheck", name)
    assert "乙局" in table and "执法人员 0 人，少于 2 人" in table and "合计" in table


def test_drawn_only_and_unknown_activity(cli):
    name = activity(cli)
    cli.ok("cases", "import", name, REGISTER)
    cli.ok("evaluators", "import", name, ROSTER)
    cli.ok("sample", name, "--seed", "7", "--per-agency", "2")
    drawn = cli.json("precheck", name, "--json", "--drawn")
    assert drawn["files"] == sum(a["files"] for a in drawn["agencies"]) < 75
    status, _, err = cli("precheck", "没有这个活动")
    assert status == 1 and "没有找到评查活动" in err


def _assigned_finding(cli, name):
    """A drawn file with a finding, and the evaluator it is assigned to."""
    cli.ok("cases", "import", name, REGISTER)
    cli.ok("evaluators", "import", name, ROSTER)
    cli.ok("sample", name, "--seed", "7", "--per-agency", "4")
    cli.ok("assign", name, "--seed", "7")
    store = open_store(str(cli.db))
    results = json.loads(cli.ok("results", name, "--json"))
    findings = cli.json("precheck", name, "--json", "--drawn")["findings"]
    finding = next(f for f in findings if f["suggests"].startswith("D"))
    evaluator = next(f for f in results["files"] if f["case_no"] == finding["case_no"])["evaluators"][0]
    return store, sheet_ref(store, name, evaluator, finding["case_no"]), finding


def test_accepting_records_the_deduction_with_the_detail_and_audits_it(cli):
    name = activity(cli)
    store, ref, finding = _assigned_finding(cli, name)
    views = file_findings(store, ref)
    assert finding["check"] in [v.check for v in views] and all(v.decision is None for v in views)
    assert read_sheet(store, ref).sheet.deductions == {}  # nothing recorded without the evaluator
    state = accept_finding(store, ref, finding["check"], ref.evaluator)
    assert state.sheet.deductions[finding["suggests"]] == 1
    assert state.sheet.notes[finding["suggests"]] == finding["detail"]
    assert next(v for v in file_findings(store, ref) if v.check == finding["check"]).decision.label == "采纳"
    log = cli.ok("audit", name, finding["case_no"])
    assert "采纳预检提示" in log and "修改评查表" in log and f"系统预检提示 {finding['check']}（建议 {finding['suggests']}" in log
    report = precheck_activity(store, name)
    uptake = {u.code: u for u in report.summary.uptake()}
    assert uptake[finding["check"]].accepted == 1 and uptake[finding["check"]].acceptance == 100


def test_dismissing_records_only_the_decision_and_its_reason(cli):
    name = activity(cli)
    store, ref, finding = _assigned_finding(cli, name)
    dismiss_finding(store, ref, finding["check"], ref.evaluator, "卷内有延期审批表")
    assert read_sheet(store, ref).sheet.deductions == {}
    decision = next(v for v in file_findings(store, ref) if v.check == finding["check"]).decision
    assert decision.label == "不采纳（卷内有延期审批表）"
    assert "不采纳预检提示" in cli.ok("audit", name, finding["case_no"])
    table = cli.ok("precheck", name)
    assert "多数不采纳的预检规则需要修订" in table and "0%" in table


def test_a_submitted_sheet_takes_no_decision(cli):
    name = activity(cli)
    store, ref, finding = _assigned_finding(cli, name)
    submit_sheet(store, ref, ref.evaluator)
    with pytest.raises(UserError, match="已提交"):
        accept_finding(store, ref, finding["check"], ref.evaluator)
    with pytest.raises(UserError, match="已提交"):
        dismiss_finding(store, ref, finding["check"], ref.evaluator)
    with pytest.raises(UserError, match="没有预检 P99 的提示"):
        dismiss_finding(store, ref, "P99", ref.evaluator)


def test_another_districts_rubric_and_gbk_register_through_the_json(cli, tmp_path):
    from tests.conftest import MINI_TOML

    rubric = tmp_path / "other.toml"
    rubric.write_text(MINI_TOML + '''
[[check]]
code = "YJ-2"
rule = "fine_at_least"
person = 5000
unit = 50000
suggests = "B1a"
text = "达到听证标准"

[[check]]
code = "YJ-1"
rule = "days_between"
from = "立案日期"
to = "结案日期"
max_days = 180
suggests = "B2b"
text = "超过六个月结案"
''', encoding="utf-8")
    cli.ok("activity", "create", "外区", "--rubric", rubric)
    register = write_csv(tmp_path / "gbk.csv", "案号,执法部门,案由,当事人,当事人类型,处罚决定,立案日期,结案日期,执法人员\n"
                         "某罚〔2024〕1号,某县市监局,虚假宣传,欧阳明辉,个人,罚款人民币伍仟元整,2024年1月2日,2024年9月1日,王强，李明\n"
                         "某罚〔2024〕2号,某县市监局,无证经营,某某有限公司,单位,罚款4.9万元,2024-01-02,2024-02-01,王强\n"
                         "某罚〔2024〕3号,某县应急局,违规经营,司马强,,罚款若干,2024-01-02,2024-02-01,王强\n",
                         encoding="gbk")
    out = cli.ok("cases", "import", "外区", register)
    assert "预检：1 件案卷有 2 处提示" in out
    data = cli.json("precheck", "外区", "--json")
    assert [(f["case_no"], f["check"], f["detail"]) for f in data["findings"]] == [
        ("某罚〔2024〕1号", "YJ-1", "立案 2024-01-02，结案 2024-09-01，相隔 243 日"),
        ("某罚〔2024〕1号", "YJ-2", "罚款 5000 元（个人），达到 5000 元"),
    ]
    assert data["agencies"] == [{"agency": "某县市监局", "files": 2, "files_with_findings": 1, "findings": 2},
                                {"agency": "某县应急局", "files": 1, "files_with_findings": 0, "findings": 0}]
    assert "金额无法识别：1 件（某罚〔2024〕3号）" in cli.ok("precheck", "外区")
