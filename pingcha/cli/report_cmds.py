"""``pingcha report …``: the 通报, 评查表, 整改通知书 and 汇总表 of an activity."""

from __future__ import annotations

import argparse
from pingcha.cli.output import store_for
from pingcha.errors import UserError


def parse_pairs(pairs: list[str] | None) -> dict[str, str]:
    """``["doc_serial=12", …]`` → ``{"doc_serial": "12"}``, refusing anything not of that shape."""
    changes = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UserError(f"设置应写成 键=值，如 doc_serial=12；实际为“{pair}”")
        changes[key.strip()] = value.strip()
    return changes


def _results(args: argparse.Namespace):
    from pingcha.services.documents import leader_results

    return leader_results(store_for(args), args.activity, args.acting)


def _prechecks(args: argparse.Namespace):
    from pingcha.services.prechecks import precheck_activity

    return precheck_activity(store_for(args), args.activity).summary


def cmd_bulletin(args: argparse.Namespace) -> int:
    from pingcha.services.documents import bulletin

    path, deadline, items = bulletin(store_for(args), args.activity, args.acting, args.out, templates=args.templates,
                                     overrides=parse_pairs(args.set), mask_companies=args.mask_companies,
                                     allow_pending=args.allow_pending)
    print(f"已生成通报：{path}")
    print(f"已记录通报印发：新列入整改事项 {len(items)} 件，整改期限至 {deadline.isoformat()}（pingcha rectify 查看）")
    return 0


def cmd_sheets(args: argparse.Namespace) -> int:
    from pingcha.reports import render_sheets

    paths = render_sheets(_results(args), args.out, templates=args.templates, overrides=parse_pairs(args.set),
                          mask_companies=args.mask_companies, prechecks=_prechecks(args))
    print(f"已生成 {len(paths)} 份评查表，保存在 {args.out}")
    return 0


def cmd_notices(args: argparse.Namespace) -> int:
    from pingcha.reports import render_notices

    paths = render_notices(_results(args), args.out, templates=args.templates, overrides=parse_pairs(args.set),
                           threshold=args.threshold, mask_companies=args.mask_companies)
    if paths:
        print(f"已生成 {len(paths)} 份整改通知书，保存在 {args.out}")
    else:
        print("没有需要整改的案卷，未生成整改通知书。")
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    from pingcha.reports import write_summary

    path = write_summary(_results(args), args.out, mask_companies=args.mask_companies)
    print(f"已生成汇总表：{path}")
    return 0


def cmd_quality(args: argparse.Namespace) -> int:
    from pingcha.services.documents import quality_report

    path = quality_report(store_for(args), args.activity, args.acting, args.out, flag_at=args.flag_at)
    print(f"已生成评查质量分析（内部资料，仅供组长）：{path}")
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    report = commands.add_parser("report", help="生成通报、评查表、整改通知书（Word）和汇总表（Excel）")
    sub = report.add_subparsers(dest="report_command", metavar="子命令", parser_class=commands._parser_class)

    def common(parser: argparse.ArgumentParser, out_help: str, documents: bool = True) -> None:
        parser.add_argument("activity", metavar="活动")
        parser.add_argument("--out", required=True, metavar="路径", help=out_help)
        parser.add_argument("--mask-companies", action="store_true", help="单位名称也做隐名处理")
        if documents:
            parser.add_argument("--templates", metavar="目录", help="使用此目录中的模板（缺少的模板用随附的）")
            parser.add_argument("--set", action="append", metavar="键=值",
                                help="仅本次覆盖文书设置，如 doc_serial=12（键见 pingcha activity settings）")

    bulletin = sub.add_parser("bulletin", help="评查结果通报（.docx）")
    common(bulletin, "输出文件（.docx）")
    bulletin.add_argument("--allow-pending", action="store_true",
                          help="尚有案卷未完成评查时也生成通报（未完成的案卷不计入统计）")
    bulletin.set_defaults(handler=cmd_bulletin)
    sheets = sub.add_parser("sheets", help="每件案卷一份评查表（.docx）")
    common(sheets, "输出目录")
    sheets.set_defaults(handler=cmd_sheets)
    notices = sub.add_parser("notices", help="每个有不合格案卷的单位一份整改通知书（.docx）")
    common(notices, "输出目录")
    notices.add_argument("--threshold", metavar="分数", help="改为向得分低于此分数的案卷所在单位发通知")
    notices.set_defaults(handler=cmd_notices)
    summary = sub.add_parser("summary", help="评查结果汇总表（.xlsx）")
    common(summary, "输出文件（.xlsx）", documents=False)
    summary.set_defaults(handler=cmd_summary)
    quality = sub.add_parser("quality", help="评查质量分析（.docx，内部资料，仅供组长）：一致性、分歧项目、评查人员偏差")
    quality.add_argument("activity", metavar="活动")
    quality.add_argument("--out", required=True, metavar="路径", help="输出文件（.docx）")
    quality.add_argument("--flag-at", default="3.0", metavar="分数", help="偏严/偏宽的标记线，默认 3.0 分")
    quality.set_defaults(handler=cmd_quality)
