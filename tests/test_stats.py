"""§12 statistics across activities and years: figures computed by hand on three small activities of two
years (one on a revised rubric), the year of an activity, and bad input."""

from __future__ import annotations

import json
import sqlite3

import pytest
from alembic import command

from pingcha.store import open_store
from pingcha.store.engine import make_engine
from pingcha.store.migrate import alembic_config
from tests.conftest import MINI_TOML
from tests.helpers import Cli, write_csv

ROSTER = "姓名,单位,角色\n张三,丙单位,评查员\n王五,区司法局,组长\n"
# v2 renames A1 and moves a point from B1 to A1 (the items still add up to 20).
MINI_V2 = (MINI_TOML.replace('version = "1.0"', 'version = "2.0"\nreplaces = "1.0"')
           .replace('title = "执法人员资格"\npoints = 4', 'title = "执法人员资格与人数"\npoints = 5')
           .replace('title = "听证"\npoints = 6', 'title = "听证"\npoints = 5')
           .replace('text = "未告知听证权利", points = 6', 'text = "未告知听证权利", points = 5'))


def activity(cli: Cli, tmp_path, name: str, year: str, rubric, rows: list[tuple[str, str]],
             sheets: dict[str, dict]) -> None:
    """An activity of one evaluator a file, every file of the register drawn; ``sheets`` by 案号 are submitted."""
    cli.ok("activity", "create", name, "--rubric", rubric, "--per-file", "1", "--year", year)
    register = "案号,执法部门,案由,当事人\n" + "".join(f"{c},{a},案由{c},某公司\n" for c, a in rows)
    cli.ok("cases", "import", name, write_csv(tmp_path / f"{name}.csv", register))
    cli.ok("evaluators", "import", name, write_csv(tmp_path / f"{name}-roster.csv", ROSTER))
    cli.ok("sample", name, "--seed", "1", "--per-agency", "9")
    cli.ok("assign", name, "--seed", "1")
    who = {f["case_no"]: f["evaluators"][0] for f in cli.json("results", name, "--json")["files"]}
    batch = [{"case_no": c, "evaluator": who[c], **sheet} for c, sheet in sheets.items()]
    if batch:
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(batch, ensure_ascii=False), encoding="utf-8")
        cli.ok("sheets", "import", name, path, "--submit", "--allow-undecided")


@pytest.fixture
def three(tmp_path, capsys) -> Cli:
    cli = Cli(tmp_path / "stats.db", capsys)
    v1 = write_csv(tmp_path / "mini.toml", MINI_TOML)
    v2 = write_csv(tmp_path / "mini2.toml", MINI_V2)
    activity(cli, tmp_path, "二〇二三年评查", "2023", v1, [("甲1号", "甲局"), ("甲2号", "甲局"), ("乙1号", "乙局")], {
        "甲1号": {"deductions": {"A1a": 2}},                 # 18 优秀
        "甲2号": {"deductions": {"B2a": 1, "B2b": 1}},       # 12.5 合格
        "乙1号": {"deductions": {"A1b": 1}, "veto": ["V1"]},  # 0 不合格
    })
    activity(cli, tmp_path, "二〇二四年上半年", "2024", v1, [("甲3号", "甲局"), ("乙2号", "乙　局")], {
        "甲3号": {"deductions": {"B2c": 2}},                 # 19 优秀; 乙2号 still being scored
    })
    activity(cli, tmp_path, "二〇二四年下半年", "2024", v2, [("乙3号", "乙局")], {
        "乙3号": {"na": ["B1"], "deductions": {"B2a": 1}},   # (5 + 5) × 20 / 15 = 13.3 合格
    })
    return cli


def test_stats_json_pools_years_matches_agencies_by_name_and_items_by_code(three):
    stats = three.json("stats", "--json")
    assert stats["activities"] == [
        {"name": "二〇二三年评查", "year": 2023, "rubric": "mini@1.0", "files": 3, "final": 3, "mean": 10.2},
        {"name": "二〇二四年上半年", "year": 2024, "rubric": "mini@1.0", "files": 2, "final": 1, "mean": 19.0},
        {"name": "二〇二四年下半年", "year": 2024, "rubric": "mini@2.0", "files": 1, "final": 1, "mean": 13.3},
    ]
    agencies = {a["agency"]: a["years"] for a in stats["agencies"]}
    assert set(agencies) == {"甲局", "乙局"}  # 乙　局 of one register is 乙局 of the others
    assert agencies["甲局"] == [
        {"year": 2023, "files": 2, "final": 2, "mean": 15.3, "grades": {"优秀": 1, "合格": 1, "不合格": 0}},
        {"year": 2024, "files": 1, "final": 1, "mean": 19.0, "grades": {"优秀": 1, "合格": 0, "不合格": 0}},
    ]
    assert agencies["乙局"] == [
        {"year": 2023, "files": 1, "final": 1, "mean": 0.0, "grades": {"优秀": 0, "合格": 0, "不合格": 1}},
        {"year": 2024, "files": 2, "final": 1, "mean": 13.3, "grades": {"优秀": 0, "合格": 1, "不合格": 0}},
    ]
    items = {i["code"]: i for i in stats["items"]}
    assert items["A1"]["title"] == "执法人员资格与人数"  # named as the newest rubric names it
    assert items["A1"]["years"] == [{"year": 2023, "files": 3, "rate": 0.667}, {"year": 2024, "files": 2, "rate": 0.0}]
    assert items["B1"]["years"] == [{"year": 2023, "files": 3, "rate": 0.0}, {"year": 2024, "files": 2, "rate": 0.0}]
    assert items["B2"]["years"] == [{"year": 2023, "files": 3, "rate": 0.333}, {"year": 2024, "files": 2, "rate": 1.0}]
    caveats = "\n".join(stats["caveats"])
    assert "mini@1.0（2023、2024年）；mini@2.0（2024年）" in caveats
    assert "A1 执法人员资格与人数（4分→5分）" in caveats and "B1 听证（6分→5分）" in caveats
    assert "A1（“执法人员资格”→“执法人员资格与人数”）" in caveats


def test_stats_of_named_activities_only(three):
    stats = three.json("stats", "二〇二三年评查", "3", "--json")
    assert [a["name"] for a in stats["activities"]] == ["二〇二三年评查", "二〇二四年下半年"]
    items = {i["code"]: i["years"] for i in stats["items"]}
    assert items["B2"] == [{"year": 2023, "files": 3, "rate": 0.333}, {"year": 2024, "files": 1, "rate": 1.0}]


def test_stats_plain_output_names_the_recurring_problem_and_the_caveat(three):
    out = three.ok("stats")
    assert "统计分析：3 个评查活动，2023–2024年" in out
    assert "甲局" in out and "15.3（2/2）" in out and "19.0（1/1）" in out
    assert "连年出现的问题" in out and "B2 送达：2023年 33.3%，2024年 100.0%" in out
    assert "各年度使用的评分标准不同" in out


def test_activity_year_is_listed_and_defaults_to_this_year(tmp_path, capsys):
    from datetime import date

    cli = Cli(tmp_path / "y.db", capsys)
    rubric = write_csv(tmp_path / "mini.toml", MINI_TOML)
    assert "（2022年度）" in cli.ok("activity", "create", "旧", "--rubric", rubric, "--year", "２０２２")
    cli.ok("activity", "create", "新", "--rubric", rubric)
    listing = cli.ok("activity", "list")
    assert "年度" in listing and "2022" in listing and str(date.today().year) in listing


@pytest.mark.parametrize("year", ["24", "二〇二四", "1800", "2024.5", ""])
def test_a_bad_year_is_refused_and_nothing_is_created(tmp_path, capsys, year):
    cli = Cli(tmp_path / "y.db", capsys)
    status, _, err = cli("activity", "create", "甲", "--rubric", write_csv(tmp_path / "m.toml", MINI_TOML),
                         "--year", year)
    assert status == 1 and "年度应为" in err and "Traceback" not in err
    assert "还没有评查活动" in cli.ok("activity", "list")


def test_stats_bad_input(tmp_path, capsys):
    cli = Cli(tmp_path / "e.db", capsys)
    assert cli.json("stats", "--json") == {"activities": [], "agencies": [], "items": [],
                                           "caveats": ["没有评查活动，无可统计。"]}
    assert "还没有评查活动" in cli.ok("stats")
    status, _, err = cli("stats", "没有这个活动")
    assert status == 1 and "没有找到评查活动“没有这个活动”" in err


def test_a_0004_database_gives_its_activities_the_year_they_were_created(tmp_path):
    db = tmp_path / "old.db"
    engine = make_engine(f"sqlite:///{db}")
    with engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "0004")
    engine.dispose()
    with sqlite3.connect(db) as connection:
        connection.execute("INSERT INTO rubric_version (id, rubric_id, version, title, content, sha256, loaded_at, "
                           "loaded_by) VALUES (1, 'x', '1', 't', '', '', '2023-01-01 00:00:00', '某')")
        connection.execute("INSERT INTO activity (id, name, rubric_version_id, per_file, spread, settings, created_at,"
                           " created_by, band_review) VALUES (1, '旧活动', 1, 2, '5.0', '{}', '2023-05-01 08:00:00',"
                           " '某', 0)")
    connection.close()
    store = open_store(str(db))
    with store.read() as session:
        from pingcha.store.activities import activity_named

        old = activity_named(session, "旧活动")
    store.dispose()
    assert (old.name, old.year) == ("旧活动", 2023)


def test_the_demo_holds_three_years_and_the_older_standard_shows_its_caveat(tmp_path, capsys):
    from pingcha.services.demo import DEMO_ACTIVITY

    cli = Cli(tmp_path / "demo.db", capsys)
    out = cli.ok("demo", "--no-ui")
    # the demo activity itself is as it was: the same draw, sheets and outcomes
    assert "抽查 41 件，已提交评查表 72 张；已完成 26 件，待复核 6 件，评查中 9 件" in out
    assert cli.json("results", "1", "--json")["activity"] == DEMO_ACTIVITY
    stats = cli.json("stats", "--json")
    assert [(a["year"], a["rubric"]) for a in stats["activities"]] == [
        (2022, "xiqu-xzcf@2021.1"), (2023, "xiqu-xzcf@2021.1"), (2024, "xiqu-xzcf@2024.2")]
    assert all(a["final"] == a["files"] > 30 for a in stats["activities"][:2])  # the earlier years are finished
    caveats = "\n".join(stats["caveats"])
    assert "xiqu-xzcf@2021.1→xiqu-xzcf@2024.2 调整了分值的项目" in caveats and "“优秀”最低分 85→90" in caveats
    recurring = cli.ok("stats")
    assert "连年出现的问题" in recurring and "B6 询问（调查）笔录" in recurring
    assert "未发现问题" in cli.ok("check")
    assert "已有演示活动" in cli.ok("demo", "--no-ui")  # the history is the demo's own, not "real" activities


def test_a_protected_activity_is_counted_only_for_someone_signed_in(three, tmp_path, monkeypatch):
    import csv

    slips = tmp_path / "slips.csv"
    three.ok("people", "credentials", "二〇二三年评查", "--out", slips)
    with open(slips, encoding="utf-8-sig", newline="") as handle:
        passphrase = {row["姓名"]: row["口令"] for row in csv.DictReader(handle)}
    status, _, err = three("stats", "--json")
    assert status == 1 and "受口令保护" in err
    status, _, err = three("report", "stats", "--out", tmp_path / "s.docx", user="张三")
    assert status == 1 and not (tmp_path / "s.docx").exists()
    monkeypatch.setenv("PINGCHA_PASSWORD", passphrase["张三"])
    assert len(json.loads(three.ok("stats", "--json", user="张三"))["activities"]) == 3
    status, _, err = three("report", "stats", "--out", tmp_path / "s.docx", user="张三")
    assert status == 1 and "只有组长可以出具报告" in err  # an evaluator reads figures, a 组长 issues the report
    monkeypatch.setenv("PINGCHA_PASSWORD", passphrase["王五"])
    three.ok("report", "stats", "--out", tmp_path / "s.docx", user="王五")
    assert (tmp_path / "s.docx").exists()
