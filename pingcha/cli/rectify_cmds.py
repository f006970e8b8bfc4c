"""``pingcha rectify`` (整改, §11), ``pingcha objection`` (异议 before the 通报), and the two documents of that loop:
``report rectification`` (整改情况通报) and ``report feedback`` (each agency's 评查结果反馈单)."""

from __future__ import annotations

import argparse

from pingcha import clock
from pingcha.cli.output import print_json, store_for, table
from pingcha.vocabulary import RectificationAction


def _overdue_text(item, today) -> str:
    return f"逾期 {(today - item.deadline).days} 天" if item.overdue else ""


def describe(view) -> str:
    issue = view.issue
    lines = [f"整改情况：{view.activity}（通报成文日期 {issue.issue_date.isoformat()}，整改期限至 "
             f"{issue.deadline.isoformat()}；截至 {view.today.isoformat()}）"]
    if not view.items:
        lines.append("通报中没有评为不合格的案卷，没有整改事项。")
        return "\n".join(lines) + "\n"
    closed, replied = view.count("已销号"), view.count("已反馈")
    lines.append(f"整改事项 {len(view.items)} 件：已销号 {closed} 件，已反馈待审核 {replied} 件，"
                 f"待整改 {len(view.items) - closed - replied} 件" + (f"，其中逾期 {view.overdue} 件（列在最前，标“逾期”）"
                                                                  if view.overdue else "，没有逾期事项") + "。")
    lines.append("")
    rows = []
    for item in view.items:
        latest = item.history[-1] if item.history else None
        note = f"{latest.action}：{latest.text}" if latest is not None and latest.text else (latest.action if latest else "")
        rows.append(["⚠ " + _overdue_text(item, view.today) if item.overdue else "", item.case_no, item.agency,
                     item.status, item.deadline.isoformat(), item.replied_on.isoformat() if item.replied_on else "—",
                     note])
    lines.append(table(["逾期", "案号", "执法部门", "状态", "整改期限", "反馈日期", "最近情况"], rows))
    lines.append("")
    lines.append("按执法部门：" + "；".join(f"{t.agency} {t.items} 件（已销号 {t.done}，未完成 {t.pending}"
                                          + (f"，逾期 {t.overdue}" if t.overdue else "") + "）" for t in view.agencies()))
    return "\n".join(lines) + "\n"


def cmd_rectify(args: argparse.Namespace) -> int:
    from pingcha.services import rectification as service

    store = store_for(args)
    action = (RectificationAction.REPLY if args.reply is not None else RectificationAction.ACCEPT if args.accept
              else RectificationAction.REJECT if args.reject is not None else None)
    if action is not None and args.case_no is None:
        args.parser.error("--reply、--accept、--reject 须跟在案号之后：pingcha rectify 活动 案号 --reply 内容")
    if args.case_no is not None and action is None:
        args.parser.error(f"请说明对“{args.case_no}”做什么：--reply 反馈内容、--accept（销号）或 --reject 退回理由")
    if action is not None:
        on = clock.parse_day(args.on, "--on") if args.on else None
        item = service.decide(store, args.activity, args.case_no, args.acting, action,
                              args.reply if args.reply is not None else (args.reject or ""), on)
        if not args.json:
            print(f"已录入：{item.case_no}（{item.agency}）{action.value}，现为“{item.status}”"
                  + ("，已逾期" if item.overdue else "") + "。")
            return 0
    view = service.require_issued(service.rectification(store, args.activity))
    if args.json:
        print_json(view.to_json())
    else:
        print(describe(view), end="")
    return 0


def describe_objections(activity: str, objections) -> str:
    if not objections:
        return f"评查活动“{activity}”还没有录入异议。\n"
    upheld = sum(o.status == "已采纳" for o in objections)
    dismissed = sum(o.status == "未采纳" for o in objections)
    lines = [f"异议：{activity}，共 {len(objections)} 条（采纳 {upheld}，未采纳 {dismissed}，"
             f"待答复 {len(objections) - upheld - dismissed}）", ""]
    rows = [[o.number, o.case_no, o.agency, f"{o.item_code} {o.item_title}".strip(), o.text, o.state, o.answer or "—"]
            for o in objections]
    lines.append(table(["编号", "案号", "执法部门", "评查项目", "异议内容", "状态", "答复理由"], rows))
    return "\n".join(lines) + "\n"


def cmd_objection(args: argparse.Namespace) -> int:
    from pingcha.services import objections as service

    store = store_for(args)
    answering = args.uphold is not None or args.dismiss is not None
    if args.case_no is not None:
        if answering:
            args.parser.error("录入异议（案号 --item --text）与答复异议（--uphold/--dismiss 编号）请分开执行")
        if not args.item or args.text is None:
            args.parser.error("录入异议须给出 --item 评查项目编号 和 --text 异议内容")
        found = service.record_objection(store, args.activity, args.case_no, args.item, args.text, args.acting)
        if not args.json:
            print(f"已录入第 {found.number} 号异议：{found.case_no}（{found.agency}）{found.item_code} {found.item_title}。"
                  f"答复：pingcha objection {args.activity} --uphold {found.number} 或 --dismiss {found.number} --reason 理由")
            return 0
    elif answering:
        if args.item or args.text is not None:
            args.parser.error("--item、--text 用于录入异议，须跟在案号之后")
        number = args.uphold if args.uphold is not None else args.dismiss
        found = service.answer(store, args.activity, number, args.acting, uphold=args.uphold is not None,
                               reason=args.reason or "")
        if not args.json:
            if args.uphold is not None:
                print(f"已采纳第 {number} 号异议：案卷 {found.case_no} 已送组长复核，复核原因为该异议"
                      f"（pingcha review {args.activity} 查看）。")
            else:
                print(f"已答复第 {number} 号异议：不采纳，理由：{found.answer}")
            return 0
    elif args.reason is not None:
        args.parser.error("--reason 用于 --dismiss（不采纳时的理由）或 --uphold（采纳说明）")
    from pingcha.services.activities import get_activity

    name = get_activity(store, args.activity).name
    objections = service.objection_list(store, args.activity)
    if args.json:
        print_json({"activity": name, "objections": [o.to_json() for o in objections]})
    else:
        print(describe_objections(name, objections), end="")
    return 0


def cmd_report_rectification(args: argparse.Namespace) -> int:
    from pingcha.cli.report_cmds import parse_pairs
    from pingcha.services.documents import rectification_report

    path, view = rectification_report(store_for(args), args.activity, args.acting, args.out, templates=args.templates,
                                      overrides=parse_pairs(args.set), mask_companies=args.mask_companies)
    print(f"已生成整改情况通报：{path}（整改事项 {len(view.items)} 件，逾期 {view.overdue} 件）")
    return 0


def cmd_report_feedback(args: argparse.Namespace) -> int:
    from pingcha.cli.report_cmds import parse_pairs
    from pingcha.services.documents import feedback_report

    paths, due = feedback_report(store_for(args), args.activity, args.acting, args.out, templates=args.templates,
                                 overrides=parse_pairs(args.set), mask_companies=args.mask_companies)
    print(f"已生成 {len(paths)} 份评查结果反馈单，保存在 {args.out}；异议请于 {due.isoformat()} 前提出"
          f"（录入：pingcha objection {args.activity} 案号 --item 编号 --text 内容）")
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    rectify = commands.add_parser("rectify", help="整改：通报中不合格案卷的整改反馈、销号、退回，逾期事项")
    rectify.add_argument("activity", metavar="活动")
    rectify.add_argument("case_no", metavar="案号", nargs="?")
    what = rectify.add_mutually_exclusive_group()
    what.add_argument("--reply", metavar="内容", help="录入执法部门报送的整改情况（组长代为录入）")
    what.add_argument("--accept", action="store_true", help="整改到位，销号")
    what.add_argument("--reject", metavar="理由", help="整改不到位，退回重新整改（须写明理由）")
    rectify.add_argument("--on", metavar="日期", help="收到反馈或作出决定的日期（默认今天），如 2025-01-10")
    rectify.add_argument("--json", action="store_true", help="以 JSON 输出")
    rectify.set_defaults(handler=cmd_rectify, parser=rectify)

    objection = commands.add_parser("objection", help="异议：通报前执法部门对评查结果的异议，录入与答复（组长）")
    objection.add_argument("activity", metavar="活动")
    objection.add_argument("case_no", metavar="案号", nargs="?", help="录入异议时：异议所针对的案卷")
    objection.add_argument("--item", metavar="编号", help="异议所针对的评查项目或否决项编号，如 D12")
    objection.add_argument("--text", metavar="内容", help="执法部门提出的异议内容")
    answer = objection.add_mutually_exclusive_group()
    answer.add_argument("--uphold", metavar="编号", type=_number, help="采纳第 N 号异议：案卷送组长复核")
    answer.add_argument("--dismiss", metavar="编号", type=_number, help="不采纳第 N 号异议（须写明 --reason）")
    objection.add_argument("--reason", metavar="理由", help="答复的理由（不采纳时必填）")
    objection.add_argument("--json", action="store_true", help="以 JSON 输出")
    objection.set_defaults(handler=cmd_objection, parser=objection)

    report = commands.choices["report"]
    sub = next(a for a in report._actions if isinstance(a, argparse._SubParsersAction))
    for name, help_text, handler, out_help in (
        ("rectification", "整改情况通报（.docx）：按执法部门列出已销号、未完成和逾期的整改事项", cmd_report_rectification,
         "输出文件（.docx）"),
        ("feedback", "通报前向各执法部门反馈评查结果（每个部门一份 .docx，注明异议截止日期）", cmd_report_feedback,
         "输出目录"),
    ):
        parser = sub.add_parser(name, help=help_text)
        parser.add_argument("activity", metavar="活动")
        parser.add_argument("--out", required=True, metavar="路径", help=out_help)
        parser.add_argument("--mask-companies", action="store_true", help="单位名称也做隐名处理")
        parser.add_argument("--templates", metavar="目录", help="使用此目录中的模板（缺少的模板用随附的）")
        parser.add_argument("--set", action="append", metavar="键=值",
                            help="仅本次覆盖文书设置，如 doc_serial=15、reply_by=2025-01-10")
        parser.set_defaults(handler=handler)


def _number(text: str) -> int:
    if not text.strip().isdigit():
        raise argparse.ArgumentTypeError(f"“{text}”不是异议编号（正整数）")
    return int(text)
