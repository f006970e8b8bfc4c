"""``pingcha calibration``: the calibration round (样卷试评) — 样卷, their reference sheets, everyone's gaps."""

from __future__ import annotations

import argparse
from decimal import Decimal

from pingcha.calibration import CalibrationGaps, ItemGap
from pingcha.cli.output import print_json, store_for, table
from pingcha.errors import UserError
from pingcha.services import calibration

YES, NO = ("是", "开", "true", "yes", "1"), ("否", "关", "false", "no", "0")


def signed(value: Decimal | None) -> str:
    if value is None:
        return "—"
    if value > 0:
        return f"+{value:.1f}"
    return f"−{-value:.1f}" if value < 0 else "0.0"


def obtained_text(value: Decimal | None) -> str:
    return "不适用" if value is None else f"{value:.1f}"


def item_gap_text(gap: ItemGap) -> str:
    return f"{gap.code}{signed(gap.gap) if gap.gap is not None else '(不适用不同)'}"


def veto_text(gaps: CalibrationGaps) -> str:
    parts = ([f"漏认定 {'、'.join(gaps.vetoes_missed)}"] if gaps.vetoes_missed else []) + \
            ([f"多认定 {'、'.join(gaps.vetoes_extra)}"] if gaps.vetoes_extra else [])
    return "；".join(parts)


def describe_overview(view: calibration.CalibrationOverview) -> str:
    lines = [f"评查活动“{view.activity}”样卷试评（得分差 = 评查人员 − 参考评分；正数偏宽，负数偏严）"]
    lines.append("正式案卷：" + ("样卷提交前即可评查" if view.live_first else "提交全部样卷后才能评查"))
    if not view.files:
        lines.append("还没有设定样卷（pingcha calibration 活动 --mark 案号）。")
        return "\n".join(lines) + "\n"
    for file in view.files:
        lines.append("")
        if file.reference is None:
            lines.append(f"样卷 {file.case_no}（{file.agency}）：尚未录入参考评分"
                         f"（pingcha calibration {view.activity} --reference {file.case_no} --sheet 文件.json）")
        else:
            from pingcha.scoring import score_sheet

            result = score_sheet(view.rubric, file.reference)
            lines.append(f"样卷 {file.case_no}（{file.agency}）：参考评分 {result.score:.1f} 分，{result.grade}"
                         f"（{file.reference_by}）")
        rows = []
        for e in file.evaluators:
            if e.gaps is None:
                rows.append([e.name, e.status, "—", "—", "", ""])
            else:
                rows.append([e.name, e.status, f"{e.gaps.score:.1f}", signed(e.gaps.score_gap),
                             "、".join(item_gap_text(g) for g in e.gaps.items) or "无", veto_text(e.gaps)])
        lines.append(table(["评查人员", "状态", "得分", "得分差", "差异项目（实得分差）", "否决项"], rows)
                     if rows else "名单中还没有评查员。")
    summary = view.to_json()["evaluators"]
    if summary:
        lines.append("")
        lines.append("各评查人员汇总：")
        lines.append(table(["评查人员", "已比较样卷", "平均得分差", "差异项目数"], [
            [e["name"], e["compared"], signed(Decimal(str(e["mean_gap"]))) if e["mean_gap"] is not None else "—",
             e["items_differing"]] for e in summary]))
    return "\n".join(lines) + "\n"


def describe_feedback(file: calibration.CalibrationFileView, gaps: CalibrationGaps | None, name: str) -> str:
    lines = [f"样卷 {file.case_no}（{file.agency}，{file.cause}）：{name}的评查表与参考评分的差异"]
    if gaps is None:
        lines.append("组长尚未录入这件样卷的参考评分。")
        return "\n".join(lines) + "\n"
    lines.append(f"你的得分 {gaps.score:.1f}（{gaps.grade}），参考评分 {gaps.reference_score:.1f}"
                 f"（{gaps.reference_grade}），相差 {signed(gaps.score_gap)} 分。")
    if gaps.agrees:
        lines.append("各评查项目与参考评分完全一致。")
    else:
        rows = []
        for g in gaps.items:
            found = "、".join(f"{c}×{n}" for c, n in g.deductions.items()) or "无"
            wanted = "、".join(f"{c}×{n}" for c, n in g.reference_deductions.items()) or "无"
            rows.append([g.code, g.title, obtained_text(g.obtained), obtained_text(g.reference), signed(g.gap),
                         found, wanted, "；".join(g.reference_notes)])
        if rows:
            lines.append(table(["编号", "评查项目", "你的实得", "参考实得", "差", "你的扣分", "参考扣分", "参考说明"],
                               rows))
        if veto_text(gaps):
            lines.append(f"否决项：{veto_text(gaps)}。")
    if gaps.reference_comment:
        lines.append(f"参考评分的总体说明：{gaps.reference_comment}")
    return "\n".join(lines) + "\n"


def feedback_json(file: calibration.CalibrationFileView, gaps: CalibrationGaps | None, name: str) -> dict:
    def number(value):
        return float(value) if value is not None else None

    if gaps is None:
        return {"case_no": file.case_no, "evaluator": name, "reference": None, "items": []}
    return {
        "case_no": file.case_no, "evaluator": name, "score": number(gaps.score),
        "reference": number(gaps.reference_score), "gap": number(gaps.score_gap),
        "items": [{"code": g.code, "title": g.title, "obtained": number(g.obtained),
                   "reference": number(g.reference), "gap": number(g.gap), "deductions": g.deductions,
                   "reference_deductions": g.reference_deductions, "notes": list(g.reference_notes)}
                  for g in gaps.items],
        "vetoes_missed": list(gaps.vetoes_missed), "vetoes_extra": list(gaps.vetoes_extra),
        "comment": gaps.reference_comment,
    }


def _flag(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in YES:
        return True
    if lowered in NO:
        return False
    raise UserError(f"--live-first 应为“是”或“否”，实际为“{text}”")


def cmd_calibration(args: argparse.Namespace) -> int:
    store = store_for(args)
    chosen = [name for name in ("mark", "reference", "live_first", "feedback") if getattr(args, name)]
    if len(chosen) > 1:
        raise UserError("--mark、--reference、--live-first、--feedback 一次只能用一个")
    if args.sheet and not args.reference:
        raise UserError("--sheet 要与 --reference 案号 一起使用")
    if args.mark:
        new, added = calibration.mark_files(store, args.activity, args.mark, args.acting)
        if new:
            print(f"已设定 {len(new)} 件样卷：{'、'.join(new)}；已分配给全部评查员（新增 {added} 项任务）。")
        else:
            print("这些案卷已经是样卷，未作改动。")
    elif args.reference:
        if not args.sheet:
            raise UserError("请用 --sheet 文件.json 给出参考评分表（§3 格式，notes 写明参考理由）")
        calibration.record_reference(store, args.activity, args.reference, args.sheet, args.acting)
        print(f"已录入样卷“{args.reference}”的参考评分。")
    elif args.live_first:
        value = calibration.set_live_first(store, args.activity, _flag(args.live_first), args.acting)
        print("已设定：" + ("样卷提交前即可评查正式案卷。" if value else "提交全部样卷后才能评查正式案卷。"))
    elif args.feedback:
        name = args.evaluator or args.acting
        file, gaps = calibration.feedback(store, args.activity, args.feedback, name, args.acting)
        if args.json:
            print_json(feedback_json(file, gaps, name))
        else:
            print(describe_feedback(file, gaps, name), end="")
    else:
        view = calibration.overview(store, args.activity, args.acting)
        if args.json:
            print_json(view.to_json())
        else:
            print(describe_overview(view), end="")
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("calibration", help="样卷试评：设定样卷、录入参考评分、查看各人与参考评分的差异")
    parser.add_argument("activity", metavar="活动")
    parser.add_argument("--mark", nargs="+", metavar="案号", help="把这些（未抽中的）案卷设为样卷，分配给全部评查员")
    parser.add_argument("--reference", metavar="案号", help="录入这件样卷的参考评分（与 --sheet 一起）")
    parser.add_argument("--sheet", metavar="文件.json", help="参考评分表（§3 评查表 JSON，notes 写明理由）")
    parser.add_argument("--live-first", metavar="是/否", help="样卷提交前是否可以评查正式案卷（默认：否）")
    parser.add_argument("--feedback", metavar="案号", help="提交样卷后，查看本人与参考评分的逐项差异")
    parser.add_argument("--evaluator", metavar="姓名", help="与 --feedback 一起：看谁的差异（默认：--as）")
    parser.add_argument("--json", action="store_true", help="以 JSON 输出")
    parser.set_defaults(handler=cmd_calibration)
