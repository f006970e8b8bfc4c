"""评查质量分析: the 组长's internal report on how far the evaluators agree (§9), with drift.

Built directly with python-docx in the GB/T 9704 styles, not from a user template: it is never circulated, and
it is the one document that names evaluators as 偏严 or 偏宽, so it says so at its head and the 通报 never
draws on it.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from pathlib import Path

from docx.enum.text import WD_ALIGN_PARAGRAPH

from pingcha.agreement import LENIENT, STRICT, ActivityAgreement, Offset, rounded
from pingcha.reports import docx_kit as kit
from pingcha.reports import gb_layout as gb
from pingcha.reports.settings import cn_date
from pingcha.reports.engine import clean_text, write_output

TOP_ITEMS = 10
MAX_PERIODS = 6  # columns of the table of offsets by day; more days are grouped into runs
BAR_CELLS = 6  # blocks in the longest offset bar
INTERNAL = "内部资料  仅供评查组长掌握评查尺度，不得印发、公开或用于通报"


def _points(value) -> str:
    figure = rounded(value, 1)
    if figure is None:
        return "—"
    return f"+{figure:.1f}" if figure > 0 else (f"−{-figure:.1f}" if figure < 0 else "0.0")


def _interval(figures: Offset) -> str:
    if figures.low is None:
        return "—（仅 1 张）"
    return f"{_points(figures.low)} 至 {_points(figures.high)}"


def _alpha(value: float | None) -> str:
    figure = rounded(value, 3)
    return "无法计算" if figure is None else f"{figure:.3f}"


def _verdict(value: float | None) -> str:
    figure = rounded(value, 3)
    if figure is None:
        return ""
    if figure >= 0.8:
        return "，达到 0.800 以上，评查尺度总体一致"
    if figure >= 0.667:
        return "，在 0.667 至 0.800 之间，尺度基本一致，个别结论宜谨慎"
    return "，低于 0.667，评查尺度不一，需要重新统一标准"


def _bars(offsets: list[float], floor: float) -> list[tuple[str, str]]:
    """Each offset as a bar of blocks to the left (lower) or right (higher) of zero, scaled to the largest
    (or to ``floor``, so that small offsets do not fill the column)."""
    largest = max([abs(o) for o in offsets] + [floor]) or 1
    bars = []
    for offset in offsets:
        blocks = "█" * max(1 if abs(offset) >= 0.05 else 0, round(abs(offset) / largest * BAR_CELLS))
        bars.append((blocks, "") if offset < 0 else ("", blocks))
    return bars


def _table(doc, headings: list[tuple[str, float]], rows: list[list[str]], aligns: dict[int, str] | None = None):
    table = kit.table(doc, [w for _, w in headings], rows=1 + len(rows))
    kit.fill_row(table.rows[0], [h for h, _ in headings], gb.TABLE_HEAD)
    kit.repeat_header(table.rows[0])
    for row, texts in zip(table.rows[1:], rows):
        kit.fill_row(row, [clean_text(str(t)) for t in texts], gb.TABLE_TEXT)
        kit.cant_split(row)
        for column, align in (aligns or {}).items():
            row.cells[column].paragraphs[0].alignment = kit.ALIGN[align]
    gb.spacer(doc, 6)
    return table


def _paragraph(doc, text: str, style: str = gb.BODY):
    return kit.add_paragraph(doc, clean_text(text), style)


def _periods(days: tuple[date, ...]) -> list[tuple[date, ...]]:
    """The activity's days as at most MAX_PERIODS consecutive runs of (nearly) equal length."""
    count = min(len(days), MAX_PERIODS)
    return [days[len(days) * k // count: len(days) * (k + 1) // count] for k in range(count)]


def _period_label(period: tuple[date, ...]) -> str:
    first, last = period[0], period[-1]
    if first == last:
        return f"{first.month}月{first.day}日"
    return f"{first.month}.{first.day}–{last.month}.{last.day}"


def _daily_table(doc, figures, order: dict[str, int]) -> None:
    """Each evaluator's offset over the activity's days (by submission date), a column per day or run of days."""
    days = figures.days
    if len(days) < 2:
        return
    periods = _periods(days)
    _paragraph(doc, "按提交日期，下表列出每位评查人员" + ("各日" if len(periods) == len(days) else "各时段")
                    + "所交评查表的偏差（括号内为张数）。逐日走低或走高的，提示疲劳或对标准的把握在变化。")
    cells: dict[str, dict[date, object]] = {}
    for entry in figures.daily:
        cells.setdefault(entry.name, {})[entry.day] = entry.figures
    rows = []
    for name in sorted(cells, key=lambda n: (order.get(n, len(order)), n)):
        row = [name]
        for period in periods:
            found = [cells[name][day] for day in period if day in cells[name]]
            sheets = sum(f.sheets for f in found)
            row.append(f"{_points(sum((f.offset * f.sheets for f in found), Fraction(0)) / sheets)} ({sheets})"
                       if sheets else "")
        rows.append(row)
    width = (156 - 22) / len(periods)
    _table(doc, [("评查人员", 22)] + [(_period_label(p), width) for p in periods], rows)


def _calibration_section(doc, calibration) -> None:
    """五、样卷试评: how far each 评查员's 样卷 sheets were from the references, and the items most often read
    otherwise. ``calibration`` is the services' overview of the round (its files, each with every evaluator's gaps)."""
    compared: dict[str, list] = {}
    for file in calibration.files:
        for entry in file.evaluators:
            compared.setdefault(entry.name, [])
            if entry.gaps is not None:
                compared[entry.name].append(entry.gaps)
    done = {name: gaps for name, gaps in compared.items() if gaps}
    _paragraph(doc, "五、样卷试评", gb.HEADING_1)
    with_reference = sum(1 for f in calibration.files if f.reference is not None)
    _paragraph(doc, f"本次评查设样卷 {len(calibration.files)} 件（已录入参考评分 {with_reference} 件），"
                    f"{len(compared)} 名评查员中已有 {len(done)} 人提交样卷评查表并可与参考评分比较。"
                    "样卷不计入以上各项分析和评查结果。得分差为评查员得分减参考评分，负数表示比参考评分严。")
    if not done:
        return
    rows = []
    for name, gaps in sorted(done.items(), key=lambda kv: (sum(g.score_gap for g in kv[1]) / len(kv[1]), kv[0])):
        mean = sum((Fraction(g.score_gap) for g in gaps), Fraction(0)) / len(gaps)
        codes = sorted({i.code for g in gaps for i in g.items})
        vetoes = sum(len(g.vetoes_missed) + len(g.vetoes_extra) for g in gaps)
        rows.append([name, len(gaps), _points(mean), "、".join(codes) or "无", vetoes or ""])
    _table(doc, [("评查员", 22), ("样卷", 14), ("平均得分差", 24), ("与参考评分不同的项目", 68), ("否决项差异", 28)], rows,
           {3: "left"})
    counts: dict[str, int] = {}
    for gaps in done.values():
        for g in gaps:
            for item in g.items:
                counts[item.code] = counts.get(item.code, 0) + 1
    sheets = sum(len(g) for g in done.values())
    common = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_ITEMS]
    if common:
        titles = {i.code: i.title for i in calibration.rubric.items}
        _paragraph(doc, "与参考评分不同最多的项目如下，宜在正式评查前对照参考评分的理由统一认识：")
        _table(doc, [("编号", 16), ("评查项目", 80), ("不同的样卷评查表", 60)],
               [[code, titles.get(code, ""), f"{n}/{sheets}"] for code, n in common], {1: "left"})


def build_quality_report(view: ActivityAgreement, today: date | None = None, calibration=None) -> bytes:
    figures = view.agreement
    title = f"“{view.activity}”评查质量分析"
    doc = gb.plain_document(clean_text(title), "评查质量分析（内部资料）")

    mark = _paragraph(doc, INTERNAL, gb.TABLE_NOTE)
    mark.alignment = WD_ALIGN_PARAGRAPH.LEFT
    for run in mark.runs:
        run.bold = True
        run.font.color.rgb = kit.RED
    _paragraph(doc, title, gb.TITLE)

    _paragraph(doc, "一、总体一致性", gb.HEADING_1)
    if figures.files == 0:
        _paragraph(doc, "本次评查还没有由两名以上评查人员都提交了评查表的案卷，暂时无法分析评查尺度的一致性。"
                        "待交叉评查的评查表提交后再生成本分析。")
    else:
        _paragraph(doc, f"本分析以由两名以上评查人员都提交了评查表的 {figures.files} 件案卷为对象，共 {figures.sheets} 张"
                        "评查表（组长复核表不计入，各评查人员以本人提交的评查表计）。")
        if figures.files < 2:
            _paragraph(doc, "一致性系数至少需要 2 件这样的案卷，目前无法计算；以下分歧项目和偏差仅供参考。")
        else:
            _paragraph(doc, f"得分一致性系数（Krippendorff α，等距）为 {_alpha(figures.alpha_score)}"
                            f"{_verdict(figures.alpha_score)}。"
                            + ("" if figures.alpha_score is not None else "各评查表得分全部相同，没有可比较的差异。"))
            _paragraph(doc, f"否决项认定一致性系数（Krippendorff α，名义）为 {_alpha(figures.alpha_vetoes)}"
                            f"{_verdict(figures.alpha_vetoes)}。"
                            + ("" if figures.alpha_vetoes is not None else "各评查表认定的否决项全部相同（多为均未认定），"
                                                                            "没有可比较的差异。"))

    _paragraph(doc, "二、意见分歧较多的评查项目", gb.HEADING_1)
    differing = [i for i in figures.items if i.disagreeing][:TOP_ITEMS]
    if not differing:
        _paragraph(doc, "各评查项目上，同一案卷各评查表的实得分全部一致。" if figures.files else "暂无数据。")
    else:
        _paragraph(doc, "下表列出同一案卷各评查表实得分不一致（含一张标记不适用、另一张未标记）的案卷占比最高的项目。"
                        "这些项目的评查要点或扣分情形的表述可能不够明确，建议在下一轮评查前修订表述或组织专项培训。")
        _table(doc, [("序号", 12), ("编号", 16), ("评查项目", 70), ("分歧案卷", 28), ("分歧率", 26)], [
            [n, i.code, view.item_title(i.code), f"{i.disagreeing}/{i.files}", f"{rounded(i.disagreement, 3):.3f}"]
            for n, i in enumerate(differing, start=1)
        ], {2: "left"})

    _paragraph(doc, "三、评查人员的评分偏差", gb.HEADING_1)
    if not figures.evaluators:
        _paragraph(doc, "暂无数据。")
    else:
        _paragraph(doc, "偏差为评查人员本人得分与同一案卷其他评查人员平均分之差的平均值，负数表示打分偏低。"
                        f"偏差达到 {figures.flag_at} 分且 95% 置信区间不含 0 的，标记为偏严或偏宽。")
        bars = _bars([float(e.offset) for e in figures.evaluators], 2 * float(figures.flag_at))
        _table(doc, [("评查人员", 22), ("评查表", 16), ("偏差", 16), ("95% 置信区间", 34), ("偏低", 27), ("偏高", 27),
                     ("判断", 14)], [
            [e.name, e.sheets, _points(e.offset), _interval(e.figures), low, high, e.flag or ""]
            for e, (low, high) in zip(figures.evaluators, bars)
        ], {4: "right", 5: "left"})
        flagged = [e for e in figures.evaluators if e.flag]
        if flagged:
            strict = "、".join(e.name for e in flagged if e.flag == STRICT)
            lenient = "、".join(e.name for e in flagged if e.flag == LENIENT)
            parts = ([f"{strict}打分偏严"] if strict else []) + ([f"{lenient}打分偏宽"] if lenient else [])
            _paragraph(doc, f"{'；'.join(parts)}。建议组长与其逐项核对分歧较大的案卷，必要时复核。")
        else:
            _paragraph(doc, "没有评查人员的偏差达到标记条件。")

    _paragraph(doc, "四、评分尺度的前后变化", gb.HEADING_1)
    if not figures.drift:
        _paragraph(doc, "评查表数量不足（每人至少 2 张），暂无法比较前后变化。")
    else:
        _paragraph(doc, "按提交时间，将每位评查人员的评查表分为前后两半（张数为奇数时中间一张不计），分别计算偏差。"
                        "变化明显的，可能是评查后期疲劳或对标准的把握发生了变化；只有两人评同一卷时，"
                        "双方的偏差互为相反数，需结合其他评查人员判断是哪一方发生了变化。")
        order = {e.name: n for n, e in enumerate(figures.evaluators)}
        rows = []
        for d in sorted(figures.drift, key=lambda d: order.get(d.name, len(order))):
            interval = d.interval
            shown = "—（张数不足）" if interval is None else f"{_points(interval[0])} 至 {_points(interval[1])}"
            rows.append([d.name, d.early.sheets, _points(d.early.offset), d.late.sheets, _points(d.late.offset),
                         _points(d.change), shown])
        _table(doc, [("评查人员", 22), ("前半张数", 20), ("前半偏差", 20), ("后半张数", 20), ("后半偏差", 20),
                     ("变化", 16), ("变化的 95% 区间", 38)], rows)
        drifting = [d for d in figures.drift if d.notable(figures.flag_at)]
        if drifting:
            _paragraph(doc, "、".join(d.name for d in drifting) + f"的偏差前后变化达到 {figures.flag_at} 分以上且区间不含 0，"
                            "评分尺度可能发生了变化，建议关注其后期的评查表。")
        else:
            _paragraph(doc, f"没有评查人员的偏差前后变化达到 {figures.flag_at} 分且区间不含 0（前后各需至少 2 张评查表）。")
        _daily_table(doc, figures, order)

    if calibration is not None and calibration.files:
        _calibration_section(doc, calibration)

    return gb.finish_plain_document(doc, f"生成日期：{cn_date(today or date.today())}")


def render_quality_report(view: ActivityAgreement, out: str | Path, today: date | None = None,
                          calibration=None) -> Path:
    return write_output(Path(out), build_quality_report(view, today, calibration))
