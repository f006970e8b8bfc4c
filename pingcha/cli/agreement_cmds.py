"""``pingcha agreement``: how far the evaluators agree (§9), as JSON or a table in Chinese."""

from __future__ import annotations

import argparse

from pingcha.agreement import ActivityAgreement, rounded
from pingcha.cli.output import print_json, store_for, table
from pingcha.services.access import agreement_for

SHOWN_ITEMS = 10


def points(value) -> str:
    """A rounded point figure with its sign, e.g. +4.2 or −6.1 (— where there is none)."""
    figure = rounded(value, 1)
    if figure is None:
        return "—"
    return f"+{figure:.1f}" if figure > 0 else (f"−{-figure:.1f}" if figure < 0 else "0.0")


def alpha_text(value: float | None, why_not: str) -> str:
    figure = rounded(value, 3)
    if figure is None:
        return f"无法计算（{why_not}）"
    if figure >= 0.8:
        verdict = "一致性好"
    elif figure >= 0.667:
        verdict = "一致性尚可，结论宜谨慎"
    else:
        verdict = "尺度不一，需要统一标准"
    return f"{figure:.3f}（{verdict}）"


def why_no_alpha(view: ActivityAgreement, what: str) -> str:
    if view.agreement.files < 2:
        return "至少需要 2 件由两名以上评查人员提交了评查表的案卷"
    return f"所有评查表的{what}都相同，没有可比较的差异"


def describe(view: ActivityAgreement) -> str:
    figures = view.agreement
    lines = [f"评查活动“{view.activity}”评查尺度一致性"]
    if figures.files == 0:
        lines.append("还没有由两名以上评查人员都提交了评查表的案卷，暂时无法分析一致性。")
        return "\n".join(lines) + "\n"
    lines.append(f"参与分析：{figures.files} 件案卷（每件有两张以上已提交的评查表），共 {figures.sheets} 张评查表"
                 "；复核表不计入。")
    lines.append(f"得分一致性 α（Krippendorff，等距）：{alpha_text(figures.alpha_score, why_no_alpha(view, '得分'))}")
    lines.append(f"否决项一致性 α（Krippendorff，名义）：{alpha_text(figures.alpha_vetoes, why_no_alpha(view, '否决项认定'))}")
    lines.append("")
    differing = [i for i in figures.items if i.disagreeing]
    if differing:
        lines.append("评查意见分歧最多的项目（各评查表实得分不一致的案卷占比）：")
        rows = [[i.code, view.item_title(i.code), f"{i.disagreeing}/{i.files}", f"{rounded(i.disagreement, 3):.3f}"]
                for i in differing[:SHOWN_ITEMS]]
        lines.append(table(["编号", "评查项目", "分歧案卷", "分歧率"], rows))
        if len(differing) > SHOWN_ITEMS:
            lines.append(f"另有 {len(differing) - SHOWN_ITEMS} 个项目存在分歧（--json 列出全部）。")
    else:
        lines.append("各评查项目上，同一案卷的评查表实得分全部一致。")
    lines.append("")
    lines.append(f"评查人员偏差（本人得分 − 同卷其他评查人员的平均分；95% 置信区间；偏差达 {figures.flag_at} 分"
                 "且区间不含 0 时标记）：")
    rows = []
    for e in figures.evaluators:
        interval = f"[{points(e.low)}, {points(e.high)}]" if e.low is not None else "—（仅 1 张）"
        rows.append([e.name, e.sheets, points(e.offset), interval, e.flag or ""])
    lines.append(table(["评查人员", "评查表", "偏差", "95% 区间", "标记"], rows))
    return "\n".join(lines) + "\n"


def cmd_agreement(args: argparse.Namespace) -> int:
    view = agreement_for(store_for(args), args.activity, args.acting, args.flag_at)
    if args.json:
        print_json(view.to_json())
    else:
        print(describe(view), end="")
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("agreement", help="评查人员之间的尺度一致性：α 系数、分歧项目、各人偏差")
    parser.add_argument("activity", metavar="活动")
    parser.add_argument("--json", action="store_true", help="以 JSON 输出")
    parser.add_argument("--flag-at", default="3.0", metavar="分数",
                        help="偏差达到此分数（且置信区间不含 0）时标记偏严或偏宽，默认 3.0")
    parser.set_defaults(handler=cmd_agreement)
