"""`pingcha precheck`: the pre-check findings (预检) over an activity's register, as a table or §8 JSON."""

from __future__ import annotations

from pingcha.cli.output import print_json, store_for, table
from pingcha.prechecks import UNREADABLE_FINE


def _percent(value) -> str:
    return "—" if value is None else f"{value}%"


def cmd_precheck(args) -> int:
    from pingcha.services.access import prechecks_for

    report = prechecks_for(store_for(args), args.activity, args.acting, drawn=args.drawn)
    if args.json:
        print_json(report.to_json())
        return 0
    run, summary = report.run, report.summary
    scope = "抽取的案卷" if args.drawn else "案卷目录"
    print(f"预检：{report.activity}（{len(summary.checks)} 项预检，{scope} {run.files} 件）")
    if not summary.checks:
        print("本活动的评分标准没有预检规则（[[check]]），请使用带预检的版本，如 xiqu-xzcf@2024.2。")
        return 0
    print()
    rows = [[a.agency, a.files, a.files_with_findings, a.findings] for a in run.agencies]
    rows.append(["合计", run.files, run.files_with_findings, len(run.findings)])
    print(table(["执法部门", "案卷", "有提示的案卷", "提示"], rows))
    by_agency: dict[str, list] = {}
    for finding in run.findings:
        by_agency.setdefault(finding.agency, []).append(finding)
    for agency, findings in by_agency.items():
        print(f"\n{agency}（{len(findings)} 处）")
        print(table(["案号", "预检", "建议", "情况"], [[f.case_no, f.check, f.suggests, f.detail] for f in findings]))
    found = {f.check for f in run.findings}
    if found:
        print("\n预检规则（“建议”为建议扣分的情形或否决项编号，由评查人员核实后采纳或不采纳）")
        for check in summary.checks:
            if check.code in found:
                print(f"  {check.code:<4} {check.text}")
    if run.unreadable_fines:
        print(f"\n{UNREADABLE_FINE}：{len(run.unreadable_fines)} 件（{'、'.join(run.unreadable_fines)}），未作罚款数额的预检。")
    uptake = [u for u in summary.uptake() if u.accepted or u.dismissed]
    if uptake:
        print("\n评查人员对各项预检提示的处理（多数不采纳的预检规则需要修订）")
        print(table(["预检", "提示", "采纳（人次）", "不采纳（人次）", "采纳率", "", "内容"],
                    [[u.code, u.findings, u.accepted, u.dismissed, _percent(u.acceptance),
                      "建议修订" if u.needs_revising else "", u.text] for u in uptake]))
    return 0


def register(commands) -> None:
    parser = commands.add_parser("precheck", help="预检：由案卷目录自动提示可能的扣分情形")
    parser.add_argument("activity", metavar="活动")
    parser.add_argument("--json", action="store_true", help="以 JSON 输出（interfaces.md §8）")
    parser.add_argument("--drawn", action="store_true", help="只检查抽取的案卷")
    parser.set_defaults(handler=cmd_precheck)
