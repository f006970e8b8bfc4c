"""近三年行政处罚案卷评查统计分析 (§12): a Word report with native charts, and a workbook with native Excel charts.

Both take a ``Statistics`` (pingcha.stats) and nothing else. Agencies and items are named as the statistics name
them; the caveats (different rubrics, re-pointed or renamed items, moved grade bands) are printed in full.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path


from pingcha.reports import docx_kit as kit
from pingcha.reports import gb_layout as gb
from pingcha.reports.settings import cn_date
from pingcha.reports.docx_chart import Series, add_chart, chart_xml
from pingcha.reports.engine import clean_text, write_output
from pingcha.stats import Statistics

TOP_ITEMS = 15  # items in the table and chart of deduction rates
CHART_ITEMS = 10


def _span(stats: Statistics) -> str:
    years = stats.years
    if not years:
        return ""
    return f"{years[0]}–{years[-1]}年" if len(years) > 1 else f"{years[0]}年"


def _mean(value) -> str:
    return "—" if value is None else f"{value}"


def _percent(rate) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def top_items(stats: Statistics, count: int = TOP_ITEMS):
    """The items most often deducted in the latest year (then over all years), those never deducted left out."""
    if not stats.years:
        return []
    latest = stats.years[-1]

    def weight(item):
        entry = item.year(latest)
        overall = sum(y.deducted for y in item.years) / max(1, sum(y.files for y in item.years))
        return (-(entry.rate or 0) if entry is not None and entry.files else 1, -overall, item.code)

    return sorted((i for i in stats.items if any(y.deducted for y in i.years)), key=weight)[:count]


def _table(doc, headings: list[tuple[str, float]], rows: list[list[object]], left: tuple[int, ...] = ()) -> None:
    table = kit.table(doc, [w for _, w in headings], rows=1 + len(rows))
    kit.fill_row(table.rows[0], [h for h, _ in headings], gb.TABLE_HEAD)
    kit.repeat_header(table.rows[0])
    for row, texts in zip(table.rows[1:], rows):
        kit.fill_row(row, [clean_text(str(t)) for t in texts], gb.TABLE_TEXT)
        kit.cant_split(row)
        for column in left:
            row.cells[column].paragraphs[0].alignment = kit.ALIGN["left"]
    gb.spacer(doc, 6)


def _paragraph(doc, text: str, style: str = gb.BODY):
    return kit.add_paragraph(doc, clean_text(text), style)


def _year_columns(stats: Statistics, total_mm: float) -> list[tuple[str, float]]:
    width = total_mm / max(1, len(stats.years))
    return [(f"{y}年", width) for y in stats.years]


def build_stats_report(stats: Statistics, today: date | None = None) -> bytes:
    title = f"{_span(stats)}行政处罚案卷评查统计分析"
    doc = gb.plain_document(clean_text(title), "统计分析")
    _paragraph(doc, title, gb.TITLE)
    years = stats.years
    grades = stats.grades

    _paragraph(doc, "一、基本情况", gb.HEADING_1)
    if not stats.activities:
        _paragraph(doc, "数据库中还没有评查活动，无可统计。")
    else:
        total = sum(a.files for a in stats.activities)
        final = sum(a.final for a in stats.activities)
        _paragraph(doc, f"本分析汇总 {_span(stats)} {len(stats.activities)} 次行政处罚案卷评查，共抽查案卷 {total} 件，"
                        f"其中评查完成 {final} 件。平均分、等次比例和扣分率只计评查完成的案卷；同一年度有多次评查的合并计算，"
                        "执法部门按名称对应，评查项目按编号对应。")
        _table(doc, [("年度", 16), ("评查活动", 62), ("评分标准", 34), ("抽查", 14), ("完成", 14), ("平均分", 16)],
               [[a.year, a.name, a.rubric, a.files, a.final, _mean(a.mean)] for a in stats.activities], left=(1,))
        by_year = []
        for year in years:
            scores = [(a.mean, a.final) for a in stats.activities if a.year == year and a.mean is not None]
            weight = sum(n for _, n in scores)
            by_year.append(round(float(sum(m * n for m, n in scores) / weight), 1) if weight else None)
        if len(years) > 1:
            add_chart(doc, chart_xml("line", "各年度案卷平均分", [f"{y}年" for y in years],
                                     [Series("平均分", by_year)], maximum=100, axis_title="分"), 150, 70)

    _paragraph(doc, "二、各执法部门评查结果", gb.HEADING_1)
    if stats.agencies:
        _paragraph(doc, "（一）平均分", gb.HEADING_2)
        _paragraph(doc, "各执法部门评查完成案卷的平均分如下（括号内为评查完成件数/抽查件数，“—”为该年度没有评查完成的案卷，"
                        "空白为该年度未抽查该部门）。")
        rows = []
        for agency in stats.agencies:
            cells = []
            for year in years:
                entry = agency.year(year)
                cells.append("" if entry is None else f"{_mean(entry.mean)}（{entry.final}/{entry.files}）")
            rows.append([agency.agency, *cells])
        _table(doc, [("执法部门", 56), *_year_columns(stats, 100)], rows, left=(0,))
        series = [Series(f"{y}年", [float(a.year(y).mean) if a.year(y) and a.year(y).mean is not None else None
                                    for a in stats.agencies]) for y in years]
        add_chart(doc, chart_xml("bar", "各执法部门平均分（按年度）", [a.agency for a in stats.agencies], series,
                                 horizontal=True, maximum=100, axis_title="平均分"),
                  156, min(225, 30 + 6 * len(stats.agencies) * max(1, len(years)) ** 0.6))
        _paragraph(doc, "（二）等次比例", gb.HEADING_2)
        _paragraph(doc, "各执法部门评查完成的案卷中各等次所占比例（各等次件数见 Excel 形式的统计分析）：")
        rows = []
        for agency in stats.agencies:
            for entry in agency.years:
                shares = [f"{entry.share(g)}%" if entry.final else "—" for g in grades]
                rows.append([agency.agency, f"{entry.year}年", entry.final, *shares])
        width = 72 / max(1, len(grades))
        _table(doc, [("执法部门", 52), ("年度", 18), ("完成", 14), *((g, width) for g in grades)], rows, left=(0,))
        if grades:
            pooled = []
            for year in years:
                counts = {g: sum(a.year(year).grades.get(g, 0) for a in stats.agencies if a.year(year)) for g in grades}
                done = sum(counts.values())
                pooled.append([round(100 * counts[g] / done, 1) if done else None for g in grades])
            add_chart(doc, chart_xml("bar", "各年度等次比例", list(grades),
                                     [Series(f"{y}年", row) for y, row in zip(years, pooled)], maximum=100,
                                     axis_title="%"), 150, 70)
    else:
        _paragraph(doc, "暂无数据。")

    _paragraph(doc, "三、各评查项目扣分率", gb.HEADING_1)
    chosen = top_items(stats)
    if chosen:
        _paragraph(doc, "扣分率为该年度评查完成的案卷中，最终评查表在该项目上有扣分的案卷所占比例。下表列出最近一年扣分率最高的"
                        f"{len(chosen)} 个项目（“—”为该年度的评分标准没有此项目）。")
        rows = [[i.code, i.title, *(_percent(i.year(y).rate) if i.year(y) else "—" for y in years)] for i in chosen]
        _table(doc, [("编号", 16), ("评查项目", 56), *_year_columns(stats, 84)], rows, left=(1,))
        shown = chosen[:CHART_ITEMS]
        series = [Series(f"{y}年", [round(float(i.year(y).rate) * 100, 1) if i.year(y) and i.year(y).rate is not None
                                    else None for i in shown]) for y in years]
        add_chart(doc, chart_xml("bar", "扣分率最高的评查项目（%）", [f"{i.code} {i.title}" for i in shown], series,
                                 horizontal=True, maximum=100, axis_title="扣分率（%）"),
                  156, 40 + 7 * len(shown) * max(1, len(years)) ** 0.6)
    else:
        _paragraph(doc, "评查完成的案卷中没有扣分。")

    _paragraph(doc, "四、连年出现的问题", gb.HEADING_1)
    recurring = stats.recurring()
    if recurring:
        _paragraph(doc, "以下项目在每个年度都有五分之一以上的案卷被扣分，是需要重点整改和培训的共性问题：")
        for n, item in enumerate(recurring, start=1):
            rates = "，".join(f"{y.year}年 {_percent(y.rate)}" for y in item.years if y.files)
            problems = "；".join(f"{text}（{count} 件）" for text, count in item.problems)
            _paragraph(doc, f"{n}. {item.code} {item.title}：{rates}。" + (f"最近一年主要是：{problems}。" if problems else ""))
    elif len(years) < 2:
        _paragraph(doc, "只有一个年度的数据，无法判断哪些问题连年出现。")
    else:
        _paragraph(doc, "没有在每个年度都有五分之一以上案卷被扣分的项目。")

    _paragraph(doc, "五、说明", gb.HEADING_1)
    for note in stats.caveats or ("各年度使用同一评分标准，数据可直接比较。",):
        _paragraph(doc, note)

    return gb.finish_plain_document(doc, f"生成日期：{cn_date(today or date.today())}")


def build_stats_workbook(stats: Statistics) -> bytes:
    """The figures as sheets, each with a native Excel chart beside it."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, LineChart, Reference
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    years = list(stats.years)
    head = Font(bold=True)

    def sheet(title: str, header: list[str], rows: list[list[object]], widths: list[int]):
        ws = book.create_sheet(title)
        ws.append(header)
        for cell in ws[1]:
            cell.font = head
            cell.alignment = Alignment(horizontal="center")
        for row in rows:
            ws.append(row)
        for n, width in enumerate(widths):
            ws.column_dimensions[chr(65 + n)].width = width
        ws.freeze_panes = "A2"
        return ws

    def bar(ws, title: str, rows: int, columns: int, anchor: str, horizontal: bool, y_title: str, height: float):
        chart = BarChart()
        chart.type = "bar" if horizontal else "col"
        chart.title = title
        chart.y_axis.title = y_title
        chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 100  # means out of 100, shares and rates in %
        chart.height, chart.width = height, 18
        chart.add_data(Reference(ws, min_col=2, max_col=1 + columns, min_row=1, max_row=1 + rows), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=1 + rows))
        if horizontal:
            chart.x_axis.scaling.orientation = "maxMin"
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        ws.add_chart(chart, anchor)

    overview = book.active
    overview.title = "评查活动"
    overview.append(["年度", "评查活动", "评分标准", "抽查", "完成", "平均分"])
    for cell in overview[1]:
        cell.font = head
    for a in stats.activities:
        overview.append([a.year, a.name, a.rubric, a.files, a.final, float(a.mean) if a.mean is not None else None])
    for column, width in zip("ABCDEF", (8, 40, 20, 8, 8, 10)):
        overview.column_dimensions[column].width = width
    if stats.activities:
        line = LineChart()
        line.title = "各评查活动平均分"
        line.y_axis.title = "平均分"
        line.y_axis.scaling.min, line.y_axis.scaling.max = 0, 100
        line.x_axis.delete = False
        line.y_axis.delete = False
        line.add_data(Reference(overview, min_col=6, min_row=1, max_row=1 + len(stats.activities)), titles_from_data=True)
        line.set_categories(Reference(overview, min_col=1, min_row=2, max_row=1 + len(stats.activities)))
        overview.add_chart(line, "H2")

    ws = sheet("各部门平均分", ["执法部门", *(f"{y}年" for y in years)],
               [[a.agency, *(float(a.year(y).mean) if a.year(y) and a.year(y).mean is not None else None for y in years)]
                for a in stats.agencies], [26] + [10] * len(years))
    if stats.agencies and years:
        bar(ws, "各执法部门平均分（按年度）", len(stats.agencies), len(years), f"{chr(66 + len(years) + 1)}2", True,
            "平均分", max(8, 0.9 * len(stats.agencies)))

    grades = list(stats.grades)
    rows = []
    for agency in stats.agencies:
        for entry in agency.years:
            rows.append([agency.agency, entry.year, entry.files, entry.final,
                         *(entry.grades.get(g, 0) for g in grades),
                         *(float(entry.share(g)) if entry.final else None for g in grades)])
    sheet("各部门等次", ["执法部门", "年度", "抽查", "完成", *(f"{g}（件）" for g in grades),
                       *(f"{g}（%）" for g in grades)], rows, [26, 8, 8, 8] + [10] * (2 * len(grades)))
    pooled = sheet("各年度等次比例", ["等次", *(f"{y}年" for y in years)], [
        [g, *(_pooled_share(stats, y, g) for y in years)] for g in grades], [10] + [10] * len(years))
    if grades and years:
        bar(pooled, "各年度等次比例（%）", len(grades), len(years), f"{chr(66 + len(years) + 1)}2", False, "%", 8)

    chosen = top_items(stats, len(stats.items))
    items = sheet("项目扣分率", ["评查项目", *(f"{y}年" for y in years), "编号"],
                  [[f"{i.code} {i.title}", *(float(i.year(y).rate) * 100 if i.year(y) and i.year(y).rate is not None
                                             else None for y in years), i.code] for i in chosen],
                  [30] + [10] * len(years) + [8])
    if chosen and years:
        bar(items, f"扣分率最高的 {min(CHART_ITEMS, len(chosen))} 个评查项目（%）", min(CHART_ITEMS, len(chosen)),
            len(years), f"{chr(66 + len(years) + 2)}2", True, "扣分率（%）", 12)

    recurring = stats.recurring()
    sheet("连年问题", ["编号", "评查项目", *(f"{y}年扣分率（%）" for y in years), "最近一年主要扣分情形"],
          [[i.code, i.title, *(float(i.year(y).rate) * 100 if i.year(y) and i.year(y).rate is not None else None
                               for y in years), "；".join(f"{t}（{n} 件）" for t, n in i.problems)] for i in recurring],
          [8, 26] + [14] * len(years) + [60])
    sheet("说明", ["说明"], [[note] for note in stats.caveats], [120])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _pooled_share(stats: Statistics, year: int, grade: str) -> float | None:
    entries = [a.year(year) for a in stats.agencies if a.year(year)]
    done = sum(e.final for e in entries)
    return round(100 * sum(e.grades.get(grade, 0) for e in entries) / done, 1) if done else None


def render_stats_report(stats: Statistics, out: str | Path, today: date | None = None) -> Path:
    """统计分析 as .docx (native Word charts) or .xlsx (native Excel charts), by the file's ending."""
    from pingcha.errors import UserError

    out = Path(out)
    suffix = out.suffix.lower()
    if suffix == ".docx":
        return write_output(out, build_stats_report(stats, today))
    if suffix == ".xlsx":
        return write_output(out, build_stats_workbook(stats))
    raise UserError(f"统计分析的输出文件须为 .docx（Word）或 .xlsx（Excel），实际为“{out.name}”")
