"""评查质量分析 (``pingcha report quality``): the 组长's internal report on agreement, offsets and drift."""

from __future__ import annotations

import io
import json
from datetime import date, datetime, timedelta
from decimal import Decimal

from docx import Document

from pingcha.agreement import ActivityAgreement, RatedSheet, agreement
from pingcha.reports.quality import INTERNAL, build_quality_report, render_quality_report
from pingcha.rubric import load_rubric_file
from tests.helpers import RUBRIC, Cli, prepared


def document_text(path) -> tuple[str, list[list[list[str]]]]:
    doc = Document(path)
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in doc.tables]
    return "\n".join(p.text for p in doc.paragraphs), tables


def test_the_report_names_the_harsh_evaluator_and_the_items_in_dispute(tmp_path, capsys):
    cli = Cli(tmp_path / "p.db", capsys)
    activity = prepared(cli)
    teams = {f["case_no"]: f["evaluators"] for f in cli.json("results", activity, "--json")["files"]}
    harsh = max({n for t in teams.values() for n in t}, key=lambda n: (sum(n in t for t in teams.values()), n))
    sheets = [{"case_no": case_no, "evaluator": name, "deductions": {"A1a": 1, "D12a": 1} if name == harsh else {}}
              for case_no, team in teams.items() for name in team]
    (tmp_path / "s.json").write_text(json.dumps(sheets, ensure_ascii=False), encoding="utf-8")
    cli.ok("sheets", "import", activity, tmp_path / "s.json", "--submit", "--allow-undecided")

    out = tmp_path / "质量分析.docx"
    assert "已生成评查质量分析" in cli.ok("report", "quality", activity, "--out", out)
    text, tables = document_text(out)
    assert text.startswith(INTERNAL) and f"“{activity}”评查质量分析" in text
    assert f"{len(teams)} 件案卷" in text and "Krippendorff α，等距" in text
    items, offsets, drift = tables
    assert [row[1] for row in items[1:]] == ["A1", "D12"]  # only the two items anyone disagreed on
    harsh_files = sum(harsh in t for t in teams.values())
    assert offsets[1][:4] == [harsh, str(harsh_files), "−8.0", "−8.0 至 −8.0"] and offsets[1][6] == "偏严"
    assert offsets[1][4].startswith("█") and offsets[1][5] == ""
    assert f"{harsh}打分偏严" in text
    assert drift[0][0] == "评查人员" and harsh in [row[0] for row in drift[1:]]


def test_an_activity_without_double_scored_files_still_gets_a_report(tmp_path, capsys):
    cli = Cli(tmp_path / "p.db", capsys)
    activity = prepared(cli)
    out = tmp_path / "q.docx"
    cli.ok("report", "quality", activity, "--out", out)
    text, tables = document_text(out)
    assert "暂时无法分析评查尺度的一致性" in text and tables == []
    status, _, err = cli("report", "quality", activity, "--out", tmp_path)
    assert status == 1 and "是一个文件夹" in err


def test_drift_is_called_out_when_an_evaluator_grows_harsher(tmp_path):
    rubric = load_rubric_file(RUBRIC)
    start = datetime(2024, 9, 2, 9)
    files = []
    for day, gap in enumerate([0, 1, 0, 1, 7, 8, 7, 8]):
        at = start + timedelta(days=day)
        # Four steady partners a file: each of them moves by only a quarter of 严某's change.
        partners = ["张三", "李四", "王五", "赵六", "钱七"][day % 2:][:4]
        files.append([RatedSheet("严某", Decimal(90 - gap), submitted_at=at)]
                     + [RatedSheet(p, Decimal(90), submitted_at=at) for p in partners])
    view = ActivityAgreement("某活动", rubric, agreement(files, [i.code for i in rubric.items]))
    out = render_quality_report(view, tmp_path / "d.docx")
    text, tables = document_text(out)
    assert "\n严某的偏差前后变化达到 3.0 分以上且区间不含 0" in text
    halves = next(t for t in tables if t[0][1] == "前半张数")
    drift_rows = {row[0]: row for row in halves[1:]}
    assert drift_rows["严某"][1:6] == ["4", "−0.5", "4", "−7.5", "−7.0"]


def test_the_report_carries_the_given_day(tmp_path):
    rubric = load_rubric_file(RUBRIC)
    view = ActivityAgreement("某活动", rubric, agreement([], [i.code for i in rubric.items]))
    data = build_quality_report(view, date(2024, 9, 30))
    assert "生成日期：2024年9月30日" in "".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def test_offsets_are_shown_over_the_activitys_days(tmp_path):
    from pingcha.agreement import daily_offsets

    rubric = load_rubric_file(RUBRIC)
    start = datetime(2024, 9, 2, 9).astimezone()
    files = []
    for day, gap in enumerate([0, 2, 4, 6]):  # 严某 slides two points a day
        for k in range(2):
            at = start + timedelta(days=day, hours=k)
            files.append([RatedSheet("严某", Decimal(90 - gap), submitted_at=at),
                          RatedSheet("张三", Decimal(90), submitted_at=at)])
    figures = agreement(files, [i.code for i in rubric.items])
    harsh = [d for d in daily_offsets(files) if d.name == "严某"]
    assert [(d.day.day, d.figures.sheets, d.figures.offset) for d in harsh] == [
        (2, 2, 0), (3, 2, -2), (4, 2, -4), (5, 2, -6)]
    assert figures.to_json("某活动").keys() == {"activity", "files", "sheets", "alpha_score", "alpha_vetoes", "items",
                                        "evaluators"}  # §9's shape is left as it is
    text, tables = document_text(render_quality_report(ActivityAgreement("某活动", rubric, figures),
                                                       tmp_path / "d.docx"))
    assert "所交评查表的偏差（括号内为张数）" in text
    daily = tables[-1]
    assert daily[0] == ["评查人员", "9月2日", "9月3日", "9月4日", "9月5日"]
    assert {row[0]: row[1:] for row in daily[1:]}["严某"] == ["0.0 (2)", "−2.0 (2)", "−4.0 (2)", "−6.0 (2)"]


def test_many_days_are_grouped_into_runs(tmp_path):
    rubric = load_rubric_file(RUBRIC)
    start = datetime(2024, 9, 1, 9).astimezone()
    files = [[RatedSheet("甲", Decimal(80 + day % 3), submitted_at=start + timedelta(days=day)),
              RatedSheet("乙", Decimal(80), submitted_at=start + timedelta(days=day))] for day in range(12)]
    view = ActivityAgreement("某活动", rubric, agreement(files, [i.code for i in rubric.items]))
    text, tables = document_text(render_quality_report(view, tmp_path / "d.docx"))
    daily = tables[-1]
    assert daily[0] == ["评查人员", "9.1–9.2", "9.3–9.4", "9.5–9.6", "9.7–9.8", "9.9–9.10", "9.11–9.12"]
    assert "各时段" in text
    assert {row[0]: row[1:] for row in daily[1:]}["甲"] == ["+0.5 (2)", "+1.0 (2)", "+1.5 (2)", "+0.5 (2)",
                                                          "+1.0 (2)", "+1.5 (2)"]  # day % 3 points, two days a run
