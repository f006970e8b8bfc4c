"""样卷试评 through the command line and the services: 样卷 set aside with a reference, scored by every 评查员 first,
never counted; the setting that opens live files; feedback after submitting; the 组长's table of gaps."""

from __future__ import annotations

import csv
import json

import pytest

from pingcha.errors import Refused
from pingcha.services.queries import assigned_files, roster
from pingcha.services.results import activity_results
from pingcha.services.sheets import change_sheet, sheet_ref, submit_sheet
from pingcha.store import open_store
from tests.helpers import REGISTER, ROSTER, RUBRIC, Cli
from tests.test_postgres import SERVER, pg_url  # noqa: F401 (a fixture)

ACTIVITY = "样卷活动"
SAMPLE_1 = "川攀西综执罚〔2024〕3号"
SAMPLE_2 = "川攀西综执罚〔2024〕8号"  # 简易程序: a 样卷 need not be of a procedure the draw takes
EVALUATORS = [row["姓名"] for row in csv.DictReader(ROSTER.open(encoding="utf-8-sig")) if row["角色"] != "组长"]
REFERENCE = {"deductions": {"D12a": 1, "A1a": 1}, "veto": [],
             "notes": {"D12a": "第5页送达回证无签收日期", "A1": "询问笔录未记载执法证件号"}, "comment": "以本卷为准"}


@pytest.fixture
def cli(tmp_path, capsys, monkeypatch) -> Cli:
    monkeypatch.delenv("PINGCHA_PASSWORD", raising=False)
    monkeypatch.delenv("PINGCHA_USER", raising=False)
    return Cli(tmp_path / "p.db", capsys)


def write(path, data) -> str:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def refused(cli: Cli, *args, user: str | None = None) -> str:
    status, _, err = cli(*args, user=user)
    assert status == 1 and err.startswith("错误：") and "Traceback" not in err, (status, err)
    return err


def setup(cli: Cli, tmp_path, reference: bool = True, marks=(SAMPLE_1,)) -> None:
    cli.ok("activity", "create", ACTIVITY, "--rubric", RUBRIC)
    cli.ok("cases", "import", ACTIVITY, REGISTER)
    cli.ok("evaluators", "import", ACTIVITY, ROSTER)
    cli.ok("calibration", ACTIVITY, "--mark", *marks)
    if reference:
        cli.ok("calibration", ACTIVITY, "--reference", SAMPLE_1, "--sheet", write(tmp_path / "ref.json", REFERENCE))
    cli.ok("sample", ACTIVITY, "--seed", "7", "--per-agency", "3")
    cli.ok("assign", ACTIVITY, "--seed", "7")


def live_file(cli: Cli, evaluator: str) -> str:
    files = cli.json("results", ACTIVITY, "--json")["files"]
    return next(f["case_no"] for f in files if evaluator in f["evaluators"])


def sheet(tmp_path, name: str, case_no: str, evaluator: str, **found) -> str:
    return write(tmp_path / name, {"case_no": case_no, "evaluator": evaluator, **found})


def test_a_sample_goes_to_every_evaluator_and_never_into_the_draw_or_the_results(cli, tmp_path):
    setup(cli, tmp_path)
    store = open_store(str(tmp_path / "p.db"))
    try:
        for name in EVALUATORS:
            mine = assigned_files(store, ACTIVITY, name)
            assert mine[0].case.case_no == SAMPLE_1 and mine[0].calibration  # 样卷 first
            assert sum(f.calibration for f in mine) == 1
        assert not any(f.calibration for f in assigned_files(store, ACTIVITY, "皇甫婷"))  # the 组长 sets the standard
        results = activity_results(store, ACTIVITY)
        assert SAMPLE_1 not in {f.case.case_no for f in results.files}
        assert results.register_size == 74  # the register the draw was made from, 样卷 set aside
        loads = {e.name: e.assigned for e in roster(store, ACTIVITY)}
        assert sum(loads.values()) == 2 * len(results.files)  # the draw's load balancing only: no 样卷 in it
    finally:
        store.dispose()
    assert cli.json("precheck", ACTIVITY, "--json")["files"] == 74
    assert SAMPLE_1 not in {f["case_no"] for f in cli.json("precheck", ACTIVITY, "--json")["findings"]}


def test_a_drawn_file_cannot_be_a_sample_and_nothing_is_written(cli, tmp_path):
    setup(cli, tmp_path)
    drawn = live_file(cli, EVALUATORS[0])
    err = refused(cli, "calibration", ACTIVITY, "--mark", SAMPLE_2, drawn)
    assert f"案卷“{drawn}”已被抽中" in err and "未设定任何样卷" in err
    assert [f["case_no"] for f in cli.json("calibration", ACTIVITY, "--json")["files"]] == [SAMPLE_1]
    assert "没有案号为“不存在号”" in refused(cli, "calibration", ACTIVITY, "--mark", "不存在号")


def test_live_files_stay_closed_until_the_samples_are_submitted(cli, tmp_path):
    setup(cli, tmp_path)
    who = EVALUATORS[0]
    live = live_file(cli, who)
    err = refused(cli, "sheets", "import", ACTIVITY, sheet(tmp_path, "l.json", live, who, deductions={"A1a": 1}),
                  user=who)
    assert "请先完成样卷试评" in err and SAMPLE_1 in err
    assert "拒绝" in cli.ok("audit", ACTIVITY)
    exported = tmp_path / "out.json"
    out = cli.ok("sheets", "export", ACTIVITY, "--evaluator", who, "--out", exported, user=who)
    assert [s["case_no"] for s in json.loads(exported.read_text(encoding="utf-8"))] == [SAMPLE_1]
    assert "只导出了样卷" in out
    store = open_store(str(tmp_path / "p.db"))
    try:
        ref = sheet_ref(store, ACTIVITY, who, live)
        with pytest.raises(Refused, match="请先完成样卷试评"):
            change_sheet(store, ref, who, code="A1a", count=1)
        with pytest.raises(Refused, match="请先完成样卷试评"):
            submit_sheet(store, ref, who)
        sample = sheet_ref(store, ACTIVITY, who, SAMPLE_1)
        change_sheet(store, sample, who, code="A1a", count=1)
        submit_sheet(store, sample, who)
        assert change_sheet(store, ref, who, code="A1a", count=1).sheet.deductions == {"A1a": 1}
    finally:
        store.dispose()
    cli.ok("sheets", "export", ACTIVITY, "--evaluator", who, "--out", exported, user=who)
    assert len(json.loads(exported.read_text(encoding="utf-8"))) > 1


def test_the_setting_opens_live_files_before_the_samples(cli, tmp_path):
    setup(cli, tmp_path)
    who = EVALUATORS[1]
    live = live_file(cli, who)
    assert "提交全部样卷后才能评查" in cli.ok("calibration", ACTIVITY)
    assert "样卷提交前即可评查" in cli.ok("calibration", ACTIVITY, "--live-first", "是")
    cli.ok("sheets", "import", ACTIVITY, sheet(tmp_path, "l.json", live, who, deductions={"A1a": 1}), user=who)
    assert cli.json("calibration", ACTIVITY, "--json")["live_first"] is True
    assert "修改样卷试评设置" in cli.ok("audit", ACTIVITY)
    assert "应为“是”或“否”" in refused(cli, "calibration", ACTIVITY, "--live-first", "也许")


def test_after_submitting_an_evaluator_sees_where_they_differ_and_why(cli, tmp_path):
    setup(cli, tmp_path)
    who = EVALUATORS[2]
    err = refused(cli, "calibration", ACTIVITY, "--feedback", SAMPLE_1, user=who)
    assert "提交样卷“川攀西综执罚〔2024〕3号”的评查表之后，才能看到参考评分" in err
    cli.ok("sheets", "import", ACTIVITY, sheet(tmp_path, "c.json", SAMPLE_1, who, deductions={"A1a": 1, "B1b": 1},
                                                veto=["V9"]), "--submit", "--allow-undecided", user=who)
    shown = cli.ok("calibration", ACTIVITY, "--feedback", SAMPLE_1, user=who)
    assert "第5页送达回证无签收日期" in shown and "参考评分的总体说明：以本卷为准" in shown
    assert "多认定 V9" in shown
    data = json.loads(cli.ok("calibration", ACTIVITY, "--feedback", SAMPLE_1, "--json", user=who))
    items = {i["code"]: i for i in data["items"]}
    assert set(items) == {"B1", "D12"}  # A1 agrees with the reference: not listed
    assert items["D12"]["gap"] == 5.0 and items["D12"]["notes"] == ["第5页送达回证无签收日期"]
    assert items["B1"]["gap"] == -1.0 and items["B1"]["reference_deductions"] == {}
    assert data["vetoes_extra"] == ["V9"] and data["reference"] == 92.0
    other = EVALUATORS[3]
    assert "只能查看自己的评查表" in refused(cli, "calibration", ACTIVITY, "--feedback", SAMPLE_1, "--evaluator",
                                              who, user=other)


def test_the_leaders_table_shows_everyones_gaps(cli, tmp_path):
    setup(cli, tmp_path)
    first, second = EVALUATORS[:2]
    cli.ok("sheets", "import", ACTIVITY, sheet(tmp_path, "a.json", SAMPLE_1, first, deductions={"D12a": 1, "A1a": 1}),
           "--submit", "--allow-undecided", user=first)
    cli.ok("sheets", "import", ACTIVITY, sheet(tmp_path, "b.json", SAMPLE_1, second, deductions={"A1a": 1}),
           "--submit", "--allow-undecided", user=second)
    data = cli.json("calibration", ACTIVITY, "--json")
    file = data["files"][0]
    assert file["reference"]["score"] == 92.0 and file["reference"]["grade"] == "优秀"
    rows = {e["name"]: e for e in file["evaluators"]}
    assert set(rows) == set(EVALUATORS)
    assert (rows[first]["gap"], rows[first]["items"]) == (0.0, [])
    assert rows[second]["gap"] == 5.0 and rows[second]["items"] == [
        {"code": "D12", "obtained": 5.0, "reference": 0.0, "gap": 5.0}]
    assert rows[EVALUATORS[2]]["status"] == "未开始" and rows[EVALUATORS[2]]["gap"] is None
    summary = {e["name"]: e for e in data["evaluators"]}
    assert summary[second] == {"name": second, "compared": 1, "mean_gap": 5.0, "items_differing": 1}
    table = cli.ok("calibration", ACTIVITY)
    assert "参考评分 92.0 分，优秀" in table and "D12+5.0" in table


def test_calibration_sheets_count_nowhere(cli, tmp_path):
    setup(cli, tmp_path)
    before = cli.json("agreement", ACTIVITY, "--json")
    results = cli.json("results", ACTIVITY, "--json")
    for name in EVALUATORS[:4]:
        cli.ok("sheets", "import", ACTIVITY, sheet(tmp_path, f"{name}.json", SAMPLE_1, name,
                                                    deductions={"A1a": 1} if len(name) % 2 else {}),
               "--submit", "--allow-undecided", user=name)
    assert cli.json("agreement", ACTIVITY, "--json") == before
    assert cli.json("results", ACTIVITY, "--json") == results
    store = open_store(str(tmp_path / "p.db"))
    try:
        assert all(e.submitted == 0 for e in roster(store, ACTIVITY))  # the 组长's counts are of live sheets
    finally:
        store.dispose()


def test_a_forced_reassignment_keeps_the_calibration_round_and_check_stays_clean(cli, tmp_path):
    setup(cli, tmp_path)
    who = EVALUATORS[0]
    cli.ok("sheets", "import", ACTIVITY, sheet(tmp_path, "c.json", SAMPLE_1, who, deductions={"A1a": 1}),
           "--submit", "--allow-undecided", user=who)
    cli.ok("assign", ACTIVITY, "--seed", "8")  # calibration sheets are no scoring of the draw: no --force needed
    cli.ok("sample", ACTIVITY, "--seed", "9", "--per-agency", "2")
    rows = {e["name"]: e for e in cli.json("calibration", ACTIVITY, "--json")["files"][0]["evaluators"]}
    assert rows[who]["status"] == "已提交" and rows[who]["gap"] == 5.0
    assert "未发现问题" in cli.ok("check")


def test_only_a_leader_sets_samples_and_references_on_a_protected_activity(cli, tmp_path, monkeypatch):
    setup(cli, tmp_path, reference=False)
    slips = tmp_path / "slips.csv"
    cli.ok("people", "credentials", ACTIVITY, EVALUATORS[0], "皇甫婷", "--out", slips)
    with open(slips, encoding="utf-8-sig", newline="") as handle:
        passes = {row["姓名"]: row["口令"] for row in csv.DictReader(handle)}
    monkeypatch.setenv("PINGCHA_PASSWORD", passes[EVALUATORS[0]])
    ref = write(tmp_path / "ref.json", REFERENCE)
    assert "只有组长可以设定样卷和参考评分" in refused(cli, "calibration", ACTIVITY, "--reference", SAMPLE_1, "--sheet",
                                                  ref, user=EVALUATORS[0])
    assert "只有组长可以设定样卷和参考评分" in refused(cli, "calibration", ACTIVITY, "--mark", SAMPLE_2,
                                                  user=EVALUATORS[0])
    assert "只有组长可以查看全体样卷试评差异" in refused(cli, "calibration", ACTIVITY, user=EVALUATORS[0])
    assert "只有组长可以出具报告" in refused(cli, "report", "quality", ACTIVITY, "--out", tmp_path / "q.docx",
                                          user=EVALUATORS[0])  # it names evaluators as 偏严 or 偏宽
    assert not (tmp_path / "q.docx").exists()
    monkeypatch.setenv("PINGCHA_PASSWORD", passes["皇甫婷"])
    cli.ok("calibration", ACTIVITY, "--reference", SAMPLE_1, "--sheet", ref, user="皇甫婷")
    history = cli.ok("audit", ACTIVITY, user="皇甫婷")
    assert history.count("拒绝") == 4 and "录入样卷参考评分" in history and "设定样卷" in history


def test_a_bad_reference_is_refused_with_the_code_named(cli, tmp_path):
    setup(cli, tmp_path, reference=False)
    bad = write(tmp_path / "bad.json", {"deductions": {"A1a": 9}})
    assert "A1a" in refused(cli, "calibration", ACTIVITY, "--reference", SAMPLE_1, "--sheet", bad)
    assert "不是样卷" in refused(cli, "calibration", ACTIVITY, "--reference", SAMPLE_2, "--sheet",
                                write(tmp_path / "ok.json", REFERENCE))
    assert cli.json("calibration", ACTIVITY, "--json")["files"][0]["reference"] is None
    assert "--sheet" in refused(cli, "calibration", ACTIVITY, "--reference", SAMPLE_1)


def test_a_database_of_revision_0004_is_upgraded_with_every_row_kept(cli, tmp_path):
    from alembic import command

    from pingcha.store.engine import make_engine
    from pingcha.store.migrate import HEAD, alembic_config, current_revision

    cli.ok("activity", "create", ACTIVITY, "--rubric", RUBRIC)
    cli.ok("cases", "import", ACTIVITY, REGISTER)
    cli.ok("evaluators", "import", ACTIVITY, ROSTER)
    cli.ok("sample", ACTIVITY, "--seed", "7", "--per-agency", "3")
    cli.ok("assign", ACTIVITY, "--seed", "7")
    results = cli.json("results", ACTIVITY, "--json")
    engine = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    with engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, "0004")  # as an older pingcha left it
    assert current_revision(engine) == "0004"
    engine.dispose()
    assert cli.json("results", ACTIVITY, "--json") == results  # opened: upgraded, every row kept
    store = open_store(str(tmp_path / "p.db"))
    try:
        assert current_revision(store.engine) == HEAD
    finally:
        store.dispose()
    cli.ok("calibration", ACTIVITY, "--mark", SAMPLE_1)
    assert cli.json("calibration", ACTIVITY, "--json")["live_first"] is False
    assert "未发现问题" in cli.ok("check")


@pytest.mark.skipif(not SERVER, reason="没有可用的 PostgreSQL（设置 PINGCHA_TEST_POSTGRES 后运行）")
def test_the_calibration_round_runs_on_postgres(pg_url, capsys, tmp_path):
    cli = Cli(pg_url, capsys)
    setup(cli, tmp_path)
    who = EVALUATORS[0]
    cli.ok("sheets", "import", ACTIVITY, sheet(tmp_path, "c.json", SAMPLE_1, who, deductions={"A1a": 1}),
           "--submit", "--allow-undecided", user=who)
    assert "第5页送达回证无签收日期" in cli.ok("calibration", ACTIVITY, "--feedback", SAMPLE_1, user=who)
    assert "请先完成样卷试评" in refused(cli, "sheets", "import", ACTIVITY,
                                        sheet(tmp_path, "l.json", live_file(cli, EVALUATORS[1]), EVALUATORS[1]),
                                        user=EVALUATORS[1])
    cli.ok("calibration", ACTIVITY, "--live-first", "是")
    cli.ok("calibration", ACTIVITY, "--live-first", "否")
    assert cli.json("calibration", ACTIVITY, "--json")["live_first"] is False
    assert "未发现问题" in cli.ok("check")


def test_the_quality_report_gives_the_calibration_round_its_own_section(cli, tmp_path):
    from docx import Document

    setup(cli, tmp_path)
    first, second = EVALUATORS[:2]
    cli.ok("sheets", "import", ACTIVITY, sheet(tmp_path, "a.json", SAMPLE_1, first, deductions={"D12a": 1, "A1a": 1}),
           "--submit", "--allow-undecided", user=first)
    cli.ok("sheets", "import", ACTIVITY, sheet(tmp_path, "b.json", SAMPLE_1, second, deductions={"A1a": 1},
                                                veto=["V9"]), "--submit", "--allow-undecided", user=second)
    out = tmp_path / "q.docx"
    cli.ok("report", "quality", ACTIVITY, "--out", out)
    doc = Document(out)
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "五、样卷试评" in text and "设样卷 1 件（已录入参考评分 1 件）" in text
    assert f"{len(EVALUATORS)} 名评查员中已有 2 人提交样卷评查表" in text
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in doc.tables[-2].rows[1:]}
    assert rows[first][1:] == ["1", "0.0", "无", ""]
    assert rows[second][1:] == ["1", "−92.0", "D12", "1"]  # V9 makes the score 0
    assert [c.text for c in doc.tables[-1].rows[1].cells] == ["D12", "送达", "1/2"]
