"""``pingcha stats`` (§12) and the reports built on it: ``report stats`` (统计分析) and ``report cases`` (典型案例)."""

from __future__ import annotations

import argparse
from functools import cache

from pingcha.cli.output import print_json, store_for, table


def _percent(rate) -> str:
    return "" if rate is None else f"{rate * 100:.1f}%"


def sign_in_each(args: argparse.Namespace, refs: list[str]) -> None:
    """A protected activity among those counted asks the person named for their passphrase (asked once)."""
    from pingcha.cli.access_cmds import _passphrase
    from pingcha.services import access
    from pingcha.services.stats import chosen_activities

    ask = cache(_passphrase)
    for number, _name, _year in chosen_activities(store_for(args), refs):
        access.sign_in(store_for(args), f"#{number}", args.acting_given, ask)


def cmd_stats(args: argparse.Namespace) -> int:
    from pingcha.services.stats import statistics

    sign_in_each(args, args.activities)
    stats = statistics(store_for(args), args.activities)
    if args.json:
        print_json(stats.to_json())
        return 0
    if not stats.activities:
        print("数据库中还没有评查活动，无可统计。")
        return 0
    years = stats.years
    span = f"{years[0]}–{years[-1]}年" if len(years) > 1 else f"{years[0]}年"
    print(f"统计分析：{len(stats.activities)} 个评查活动，{span}")
    print()
    print(table(["年度", "评查活动", "评分标准", "抽查", "已完成", "平均分"],
                [[a.year, a.name, a.rubric, a.files, a.final, a.mean if a.mean is not None else ""]
                 for a in stats.activities]))
    print()
    print("各执法部门平均分（已完成件数/抽查件数）")
    rows = []
    for agency in stats.agencies:
        cells = []
        for year in years:
            entry = agency.year(year)
            cells.append("" if entry is None else
                         f"{entry.mean if entry.mean is not None else '—'}（{entry.final}/{entry.files}）")
        rows.append([agency.agency, *cells])
    print(table(["执法部门", *(f"{y}年" for y in years)], rows))
    print()
    best = stats.grades[0] if stats.grades else None
    worst = stats.grades[-1] if len(stats.grades) > 1 else None
    if best and worst:
        print(f"各执法部门{best}、{worst}案卷比例（{best} / {worst}）")
        rows = []
        for agency in stats.agencies:
            cells = []
            for year in years:
                entry = agency.year(year)
                cells.append("" if entry is None or not entry.final else
                             f"{entry.share(best)}% / {entry.share(worst)}%")
            rows.append([agency.agency, *cells])
        print(table(["执法部门", *(f"{y}年" for y in years)], rows))
        print()
    deducted = [i for i in stats.items if any(y.deducted for y in i.years)]
    latest = years[-1]
    deducted.sort(key=lambda i: (-(i.year(latest).rate or 0) if i.year(latest) else 1, i.code))
    print("各评查项目扣分率（该年度已完成案卷中在该项目被扣分的比例；空白：该年度的评分标准没有此项目）")
    print(table(["编号", "评查项目", *(f"{y}年" for y in years)],
                [[i.code, i.title, *(_percent(i.year(y).rate) if i.year(y) else "" for y in years)]
                 for i in deducted]) if deducted else "已完成的案卷中没有扣分。")
    recurring = stats.recurring()
    if recurring:
        print()
        print("连年出现的问题（每个年度扣分率都在 20% 以上的项目）")
        for item in recurring:
            rates = "，".join(f"{y.year}年 {_percent(y.rate)}" for y in item.years if y.files)
            print(f"  {item.code} {item.title}：{rates}")
    if stats.caveats:
        print()
        print("说明")
        for note in stats.caveats:
            print(f"  · {note}")
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    stats = commands.add_parser("stats", help="跨年度统计分析：各执法部门平均分和等次、各评查项目扣分率")
    stats.add_argument("activities", nargs="*", metavar="活动", help="要统计的评查活动（默认：全部）")
    stats.add_argument("--json", action="store_true", help="以 JSON 输出")
    stats.set_defaults(handler=cmd_stats)
    register_reports(commands)


def cmd_report_stats(args: argparse.Namespace) -> int:
    from pingcha.services.documents import stats_report

    path, stats = stats_report(store_for(args), args.activities, args.acting, args.out)
    print(f"已生成统计分析（{len(stats.activities)} 个评查活动）：{path}")
    return 0


def _report_parsers(commands: argparse._SubParsersAction) -> argparse._SubParsersAction:
    """The sub-commands of ``pingcha report`` (registered by report_cmds), to add ours beside them."""
    report = commands.choices["report"]
    return next(a for a in report._actions if isinstance(a, argparse._SubParsersAction))


def register_reports(commands: argparse._SubParsersAction) -> None:
    sub = _report_parsers(commands)
    stats = sub.add_parser("stats", help="统计分析（.docx 含图表，或 .xlsx 含 Excel 图表）：各部门平均分和等次、项目扣分率、连年问题")
    stats.add_argument("activities", nargs="*", metavar="活动", help="要统计的评查活动（默认：全部）")
    stats.add_argument("--out", required=True, metavar="路径", help="输出文件（.docx 或 .xlsx）")
    stats.set_defaults(handler=cmd_report_stats)
    register_cases_report(sub)


def _count(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”不是整数") from None


def cmd_report_cases(args: argparse.Namespace) -> int:
    from pingcha.services.documents import typical_cases_for
    from pingcha.services.typical_cases import set_pinned

    store = store_for(args)
    for case_no in args.unpin or []:
        changed = set_pinned(store, args.activity, case_no, False, args.acting)
        print(f"已取消选定：{case_no}" if changed else f"“{case_no}”本来就没有选定")
    for case_no in args.pin or []:
        changed = set_pinned(store, args.activity, case_no, True, args.acting)
        print(f"已选定为典型案例：{case_no}（生成时总会列入）" if changed else f"“{case_no}”已经选定")
    if args.out:
        from pingcha.services.documents import cases_report

        path, cases = cases_report(store, args.activity, args.acting, args.out, top=args.top, warnings=args.warnings,
                                   mask_companies=args.mask_companies)
        print(f"已生成典型案例（典型 {len(cases.exemplary)} 件，警示 {len(cases.warnings)} 件）：{path}")
        return 0
    cases = typical_cases_for(store, args.activity, args.acting, args.top, args.warnings)
    rows = [[("典型" if c.kind == "exemplary" else "警示") + ("（选定）" if c.pinned else ""), c.file.case.case_no,
             c.file.case.agency, c.file.case.cause, c.file.score, c.file.grade]
            for c in (*cases.exemplary, *cases.warnings)]
    print(table(["类别", "案号", "执法部门", "案由", "得分", "等次"], rows) if rows else "还没有评查完成的案卷。")
    if cases.unknown_pins:
        print(f"选定的 {'、'.join(cases.unknown_pins)} 尚未评查完成，暂不列入。")
    print("用 --pin 案号 / --unpin 案号 选定或取消，用 --out 文件.docx 生成。")
    return 0


def register_cases_report(sub: argparse._SubParsersAction) -> None:
    cases = sub.add_parser("cases", help="典型案例（.docx）：得分高、无否决的典型案例和警示案例，组长可选定")
    cases.add_argument("activity", metavar="活动")
    cases.add_argument("--out", metavar="路径", help="输出文件（.docx）；不给时只列出建议名单")
    cases.add_argument("--top", type=_count, default=10, metavar="N", help="典型案例件数（默认 10）")
    cases.add_argument("--warnings", type=_count, metavar="N", help="警示案例件数（默认为典型案例件数的一半）")
    cases.add_argument("--pin", action="append", metavar="案号", help="选定此案卷（总会列入），可多次给出")
    cases.add_argument("--unpin", action="append", metavar="案号", help="取消选定")
    cases.add_argument("--mask-companies", action="store_true", help="单位名称也做隐名处理")
    cases.set_defaults(handler=cmd_report_cases)
