"""Commands that run an activity: create, import, draw, assign, sheets, 复核, results, audit."""

from __future__ import annotations

import argparse
import json

from pingcha.cli.output import print_json, store_for, table, write_text_out
from pingcha.services.tables import read_json_file
from pingcha.errors import UserError
from pingcha.results import STATUS_LABELS
from pingcha.scoring import sheet_from_json
from pingcha.services import access, activities, draw, registers, review, sheets
from pingcha.vocabulary import FileStatus, Role


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”不是整数") from None


def cmd_activity_create(args) -> int:
    info = activities.create_activity(store_for(args), args.name, args.rubric, args.acting, args.per_file,
                                      activities.parse_spread(args.spread), band_review=args.band_review,
                                      seed=args.seed, year=args.year)
    bands = "，各评查表得分分属不同等次的也需复核" if info.band_review else ""
    print(f"已创建评查活动 #{info.id}“{info.name}”（{info.year}年度）：评分标准 {info.rubric.key}，每卷 {info.per_file} 人评查，"
          f"分差超过 {info.spread} 分需复核{bands}" + (f"；抽取的随机种子已事先确定为 {args.seed}" if args.seed else ""))
    return 0


def cmd_activity_list(args) -> int:
    rows = [[f"#{a.id}", a.name, a.year, a.rubric.key, a.per_file, a.spread, "是" if a.band_review else "否"]
            for a in activities.list_activities(store_for(args))]
    print(table(["编号", "名称", "年度", "评分标准", "每卷人数", "分差上限", "跨等次需复核"], rows) if rows else "还没有评查活动。")
    return 0


def cmd_activity_settings(args) -> int:
    from pingcha.cli.report_cmds import parse_pairs
    from pingcha.reports import LABELS, default_text

    store = store_for(args)
    changes = parse_pairs(args.set)
    settings = activities.update_settings(store, args.activity, changes, args.acting) if changes else \
        activities.get_activity(store, args.activity).settings
    rows = [[key, label, settings.get(key, ""), default_text(key)] for key, label in LABELS.items()]
    print(table(["键", "名称", "本活动设置", "默认值"], rows))
    print("用 --set 键=值 修改，值留空（键=）恢复默认。")
    return 0


def cmd_cases_import(args) -> int:
    summary = registers.import_register(store_for(args), args.activity, args.file, args.acting)
    kinds = "，".join(f"{k} {v} 件" for k, v in summary.procedures.items())
    print(f"已导入 {summary.rows} 件案卷（{kinds}），来自 {summary.agencies} 个执法部门。")
    from pingcha.services.prechecks import import_line

    line = import_line(store_for(args), args.activity)
    if line:
        print(line)
    return 0


def cmd_evaluators_import(args) -> int:
    mapping = {}
    for pair in args.map or []:
        unit, sep, agency = pair.partition("=")
        if not sep or not unit.strip() or not agency.strip():
            raise UserError(f"--map 应写成 名单中的单位=案卷目录中的执法部门，如 区市场监督管理局=区市场监管局；实际为“{pair}”")
        mapping[unit.strip()] = agency.strip()
    people = registers.import_roster(store_for(args), args.activity, args.file, args.acting, mapping=mapping)
    if args.file is None:
        print("已记住单位与执法部门的对应：" + "，".join(f"{u} → {a}" for u, a in mapping.items()) + "。")
        return 0
    leaders = [n for n, _, r in people if r == Role.LEADER]
    print(f"已导入 {len(people)} 名评查人员" + (f"，其中组长：{'、'.join(leaders)}" if leaders else "") + "。")
    return 0


def cmd_sample(args) -> int:
    outcome = draw.draw_files(store_for(args), args.activity, args.seed, args.acting,
                              per_agency=args.per_agency, total=args.total, force=args.force)
    print(f"已抽取 {outcome.drawn} 件案卷（随机种子 {args.seed}）：")
    print(table(["执法部门", "抽取件数"], [[k, v] for k, v in outcome.by_agency.items()]))
    for agency, available in outcome.short.items():
        print(f"注意：{agency}可抽案卷只有 {available} 件，已全部抽取。")
    if outcome.excluded:
        print(f"另有 {outcome.excluded} 件案卷的程序类型不在评分标准适用范围内，未参与抽取。")
    return 0


def cmd_assign(args) -> int:
    outcome = draw.assign(store_for(args), args.activity, args.seed, args.acting, force=args.force)
    print(f"已为 {outcome.files} 件案卷分配评查人员（随机种子 {args.seed}），各人任务量：")
    print(table(["评查人员", "案卷数"], [[k, v] for k, v in sorted(outcome.loads.items(), key=lambda kv: (-kv[1], kv[0]))]))
    return 0


def cmd_sheets_export(args) -> int:
    data, notice = sheets.export_with_notice(store_for(args), args.activity, args.evaluator, args.acting)
    write_text_out(json.dumps(data, ensure_ascii=False, indent=2) + "\n", args.out)
    print(f"已导出 {len(data)} 张评查表到 {args.out}")
    if notice:
        print(f"只导出了样卷：{notice}")
    return 0


def cmd_sheets_import(args) -> int:
    done = sheets.import_sheet_files(store_for(args), args.activity, args.files, args.acting, submit=args.submit,
                                     allow_undecided=args.allow_undecided, overwrite=args.overwrite)
    print(f"已导入 {len(done)} 张评查表" + ("并提交" if args.submit else "（草稿，尚未提交）") + "。")
    return 0


def cmd_sheets_submit(args) -> int:
    store = store_for(args)
    ref = sheets.sheet_ref(store, args.activity, args.evaluator, args.case_no)
    result = sheets.submit_sheet(store, ref, args.acting)
    print(f"已提交：{args.evaluator}对“{args.case_no}”的评查表，得分 {result.score}，等次 {result.grade}。")
    return 0


def cmd_review(args) -> int:
    store = store_for(args)
    if args.case_no:
        if not args.sheet:
            raise UserError("录入复核结果需要 --sheet 复核评查表.json")
        sheet = sheet_from_json(read_json_file(args.sheet))
        result = review.reconcile(store, args.activity, args.case_no, sheet, args.acting)
        print(f"已录入复核结果：“{args.case_no}”最终得分 {result.score}，等次 {result.grade}。")
        return 0
    queue = review.review_queue(store, args.activity)  # needing 复核: no longer blind
    if not queue:
        print("没有需要复核的案卷。")
        return 0
    print(f"需要复核的案卷 {len(queue)} 件：")
    for f in queue:
        scores = "，".join(
            f"{v.evaluator} {v.result.score}分" + (f"（否决：{'、'.join(v.result.vetoes)}）" if v.result.vetoes else "")
            for v in f.sheets if v.result is not None
        )
        print(f"  {f.case.case_no}（{f.case.agency}）：{scores}；原因：{'；'.join(f.reasons)}")
    return 0


def cmd_results(args) -> int:
    outcome = access.results_for(store_for(args), args.activity, args.acting)
    if args.json:
        print_json(outcome.to_json())
        return 0
    print(f"评查活动“{outcome.activity}”结果（评分标准 {outcome.rubric.key}）")
    if not outcome.files:
        print("还没有抽取案卷（pingcha sample），暂无结果。")
        return 0
    print()
    print(table(
        ["案号", "执法部门", "案由", "评查人员", "状态", "得分", "等次"],
        [[f.case.case_no, f.case.agency, f.case.cause, "、".join(f.evaluators), STATUS_LABELS[f.status],
          f.score if f.status == FileStatus.FINAL else "", f.grade or ""] for f in outcome.files],
    ))
    print()
    print(table(
        ["排名", "执法部门", "抽查", "已完成", "待复核", "评查中", "平均分", "等次"],
        [[a.rank if a.rank is not None else "", a.agency, a.files, a.final, a.needs_review, a.pending,
          a.mean if a.mean is not None else "", a.grade or ""] for a in outcome.agencies],
    ))
    counts = outcome.grade_counts()
    shares = outcome.grade_shares()
    print()
    print("等次分布：" + "，".join(f"{g} {n} 件（{shares[g]}%）" for g, n in counts.items()))
    return 0


def cmd_audit(args) -> int:
    lines = access.history_for(store_for(args), args.activity, args.acting, args.case_no)
    if not lines:
        print("没有记录。")
        return 0
    for line in lines:
        case = f"［{line.case_no}］" if line.case_no and not args.case_no else ""
        print(f"{line.at:%Y-%m-%d %H:%M:%S}  {line.actor}  {line.action}{case}  {line.detail}")
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    parser_class = commands._parser_class

    activity = commands.add_parser("activity", help="评查活动：创建、列出、文书设置")
    sub = activity.add_subparsers(dest="activity_command", metavar="子命令", parser_class=parser_class)
    create = sub.add_parser("create", help="创建评查活动")
    create.add_argument("name", metavar="名称")
    create.add_argument("--rubric", required=True, metavar="编号@版本", help="评分标准（或文件路径）")
    create.add_argument("--per-file", type=_int, default=2, metavar="N", help="每件案卷的评查人数（默认 2）")
    create.add_argument("--spread", default="5.0", metavar="S", help="分差超过 S 分需复核（默认 5.0）")
    create.add_argument("--band-review", action="store_true",
                        help="各评查表得分分属不同等次（如一张优秀、一张合格）时，即使分差未超过上限也需复核")
    create.add_argument("--seed", metavar="S", help="事先确定抽取的随机种子（此后 sample 只接受这个种子）")
    create.add_argument("--year", metavar="YYYY", help="评查活动所属年度（默认今年），用于跨年度统计（pingcha stats）")
    create.set_defaults(handler=cmd_activity_create, sign_in="leader")
    listing = sub.add_parser("list", help="列出评查活动")
    listing.set_defaults(handler=cmd_activity_list)
    settings = sub.add_parser("settings", help="查看或修改文书设置（发文字号、主送、抄送等）")
    settings.add_argument("activity", metavar="活动")
    settings.add_argument("--set", action="append", metavar="键=值")
    settings.set_defaults(handler=cmd_activity_settings)

    cases = commands.add_parser("cases", help="案卷目录")
    cases_sub = cases.add_subparsers(dest="cases_command", metavar="子命令", parser_class=parser_class)
    cases_import = cases_sub.add_parser("import", help="导入案卷目录（CSV 或 XLSX）")
    cases_import.add_argument("activity", metavar="活动")
    cases_import.add_argument("file", metavar="文件")
    cases_import.set_defaults(handler=cmd_cases_import)

    evaluators = commands.add_parser("evaluators", help="评查人员名单")
    ev_sub = evaluators.add_subparsers(dest="evaluators_command", metavar="子命令", parser_class=parser_class)
    ev_import = ev_sub.add_parser("import", help="导入评查人员名单（CSV 或 XLSX）")
    ev_import.add_argument("activity", metavar="活动")
    ev_import.add_argument("file", metavar="文件", nargs="?", help="人员名单（只给 --map 时可省略）")
    ev_import.add_argument("--map", action="append", metavar="单位=执法部门",
                           help="名单中的单位对应案卷目录中的哪个执法部门（用于回避；记住后不必再给）")
    ev_import.set_defaults(handler=cmd_evaluators_import)

    sample = commands.add_parser("sample", help="随机抽取要评查的案卷")
    sample.add_argument("activity", metavar="活动")
    sample.add_argument("--seed", required=True, metavar="S", help="随机种子：相同种子和目录得到相同结果")
    quota = sample.add_mutually_exclusive_group(required=True)
    quota.add_argument("--per-agency", type=_int, metavar="N", help="每个执法部门抽 N 件")
    quota.add_argument("--total", type=_int, metavar="N", help="共抽 N 件")
    sample.add_argument("--force", action="store_true", help="已开始评分时强制重抽（旧的分配和评查表作废）")
    sample.set_defaults(handler=cmd_sample)

    assign = commands.add_parser("assign", help="为抽中的案卷分配评查人员（回避本单位，任务量均衡）")
    assign.add_argument("activity", metavar="活动")
    assign.add_argument("--seed", required=True, metavar="S")
    assign.add_argument("--force", action="store_true", help="已有评查表时强制重新分配")
    assign.set_defaults(handler=cmd_assign)

    sheets_parser = commands.add_parser("sheets", help="评查表：导出、导入、提交")
    sh_sub = sheets_parser.add_subparsers(dest="sheets_command", metavar="子命令", parser_class=parser_class)
    export = sh_sub.add_parser("export", help="导出某人的评查表（JSON），用于离线评查")
    export.add_argument("activity", metavar="活动")
    export.add_argument("--evaluator", required=True, metavar="姓名")
    export.add_argument("--out", required=True, metavar="文件")
    export.set_defaults(handler=cmd_sheets_export)
    imp = sh_sub.add_parser("import", help="导入评查表 JSON 文件")
    imp.add_argument("activity", metavar="活动")
    imp.add_argument("files", nargs="+", metavar="文件")
    imp.add_argument("--submit", action="store_true", help="导入后同时提交（每个评查项目都须已确定）")
    imp.add_argument("--allow-undecided", action="store_true",
                     help="与 --submit 同用：尚有未定项目（既无扣分、不适用，也未列入 decided）也提交")
    imp.add_argument("--overwrite", action="store_true", help="评查表在导出后又有修改时仍然覆盖（记入操作日志）")
    imp.set_defaults(handler=cmd_sheets_import)
    submit = sh_sub.add_parser("submit", help="提交评查表（提交后锁定）")
    submit.add_argument("activity", metavar="活动")
    submit.add_argument("--evaluator", required=True, metavar="姓名")
    submit.add_argument("case_no", metavar="案号")
    submit.set_defaults(handler=cmd_sheets_submit)

    rv = commands.add_parser("review", help="复核：列出需复核的案卷，或由组长录入复核结果")
    rv.add_argument("activity", metavar="活动")
    rv.add_argument("case_no", nargs="?", metavar="案号")
    rv.add_argument("--sheet", metavar="评查表.json")
    rv.set_defaults(handler=cmd_review)

    res = commands.add_parser("results", help="评查结果")
    res.add_argument("activity", metavar="活动")
    res.add_argument("--json", action="store_true", help="以 JSON 输出")
    res.set_defaults(handler=cmd_results)

    au = commands.add_parser("audit", help="操作记录（谁在何时做了什么）")
    au.add_argument("activity", metavar="活动")
    au.add_argument("case_no", nargs="?", metavar="案号")
    au.set_defaults(handler=cmd_audit)
