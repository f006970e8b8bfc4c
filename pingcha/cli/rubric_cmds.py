"""``pingcha rubric …``: check, score, show and compare scoring standards."""

from __future__ import annotations

import argparse

from pingcha.errors import UserError
from pingcha.files import os_problem
from pingcha.cli.output import print_json, store_for, table, write_text_out
from pingcha.services.tables import read_json_file
from pingcha.rubric import Rubric, RubricError, load_rubric_file
from pingcha.rubric.diff import diff_rubrics, render_diff
from pingcha.rubric.toml_writer import rubric_to_toml
from pingcha.scoring import canonical_codes, score_sheet, sheet_from_json
from pingcha.services.rubrics import (
    list_rubrics,
    load_rubric,
    previous_version,
    resolve_rubric,
    shipped_rubrics,
    split_ref,
)


def _fmt(value) -> str:
    return format(value.normalize(), "f")


def _resolve(args: argparse.Namespace, ref: str) -> Rubric:
    """A file needs no database; ``ID@VERSION`` is looked up among the stored versions first."""
    return resolve_rubric(ref, store_for(args) if split_ref(ref) else None)


def cmd_load(args: argparse.Namespace) -> int:
    store = store_for(args)
    outcome = load_rubric(store, args.file, args.acting)
    rubric = outcome.rubric
    if not outcome.created:
        print(f"评分标准 {rubric.key} 已经载入过，内容相同，未重复载入。")
        return 0
    print(f"已载入评分标准 {rubric.key}《{rubric.title}》：{len(rubric.categories)} 个类别，"
          f"{len(rubric.items)} 个评查项目，{len(rubric.vetoes)} 个否决项"
          + (f"，{len(rubric.checks)} 项预检。" if rubric.checks else "。"))
    previous = previous_version(store, rubric)
    if previous is not None:
        print()
        print(render_diff(diff_rubrics(previous, rubric), previous, rubric))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    stored = list_rubrics(store_for(args))
    loaded = {s.key for s in stored}
    waiting = [r for r in shipped_rubrics() if r.key not in loaded]
    if waiting:
        print("随附但尚未载入的版本（可直接在 activity create --rubric 中使用，或 pingcha rubric load 载入）：")
        for rubric in waiting:
            print(f"  {rubric.key}  {rubric.title}")
        print()
    if not stored:
        print("数据库中还没有评分标准。")
        return 0
    print(table(
        ["编号@版本", "名称", "修订自", "载入时间", "载入人", "使用中的活动"],
        [[s.key, s.title, s.replaces or "", f"{s.loaded_at.astimezone():%Y-%m-%d %H:%M}", s.loaded_by, s.activities]
         for s in stored],
    ))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    failed = 0
    for file in args.files:
        try:
            rubric = load_rubric_file(file)
        except RubricError as exc:
            failed += 1
            for issue in exc.issues:
                print(issue)
            continue
        print(
            f"{file}: 通过 —— {rubric.id}@{rubric.version}《{rubric.title}》，"
            f"{len(rubric.categories)} 个类别，{len(rubric.items)} 个评查项目，"
            f"{len(rubric.vetoes)} 个否决项，总分 {_fmt(rubric.total)}"
            + (f"，{len(rubric.checks)} 项预检" if rubric.checks else "")
        )
    if failed:
        print(f"共 {len(args.files)} 个文件，{failed} 个未通过检查。")
        return 1
    return 0


def cmd_score(args: argparse.Namespace) -> int:
    rubric = _resolve(args, args.rubric)
    sheet = canonical_codes(rubric, sheet_from_json(read_json_file(args.sheet)))
    print_json(score_sheet(rubric, sheet).to_json())
    return 0


def describe(rubric: Rubric) -> str:
    """A rubric as a person reads it on screen."""
    lines = [f"{rubric.title}", f"编号：{rubric.id}　版本：{rubric.version}　总分：{_fmt(rubric.total)}"]
    if rubric.issued_by:
        lines.append(f"发布机关：{rubric.issued_by}")
    if rubric.effective:
        lines.append(f"施行日期：{rubric.effective.isoformat()}")
    if rubric.replaces:
        lines.append(f"修订自：{rubric.replaces}")
    lines.append(f"适用程序：{'、'.join(rubric.procedures)}")
    lines.append("等次：" + "；".join(f"{g.name} ≥ {_fmt(g.min)}" for g in rubric.grades))
    if rubric.vetoes:
        lines.append("")
        lines.append("否决项：")
        for veto in rubric.vetoes:
            effect = f"等次不高于{veto.cap}" if veto.cap else "总分归零"
            lines.append(f"  {veto.code}  {veto.title}（{effect}）")
    for category in rubric.categories:
        lines.append("")
        lines.append(f"{category.code} {category.title}（{_fmt(category.points)}分）")
        for item in category.items:
            na = "，可不适用" if item.na_allowed else ""
            lines.append(f"  {item.code} {item.title}（{_fmt(item.points)}分{na}）")
            if item.guide:
                lines.append(f"      要点：{item.guide}")
            for d in item.deductions:
                times = f"，最多{d.max_times}次" if d.max_times > 1 else ""
                lines.append(f"      {d.code} {d.text}：扣{_fmt(d.points)}分{times}")
    if rubric.checks:
        lines += ["", f"预检（{len(rubric.checks)} 项，由案卷目录自动提示，评查人员核实后采纳或不采纳）"]
        for check in rubric.checks:
            where = f"，仅{check.procedure}" if check.procedure else ""
            lines.append(f"  {check.code}  {check.text}（{check.rule}，建议 {check.suggests}{where}）")
    return "\n".join(lines) + "\n"


def cmd_show(args: argparse.Namespace) -> int:
    rubric = _resolve(args, args.rubric)
    if args.xlsx:
        # openpyxl (with lxml and numpy) is loaded only to write a workbook: every command, and every UI process of
        # ``pingcha serve``, builds this parser and need not hold 17 MB for it.
        from pingcha.rubric.xlsx_writer import write_rubric_xlsx

        try:
            write_rubric_xlsx(rubric, args.xlsx)
        except OSError as exc:
            raise UserError(f"无法写入 {args.xlsx}：{os_problem(exc)}") from None
        print(f"已写出 {args.xlsx}（可在 Excel/WPS 中编辑后用 pingcha rubric load 载入为新版本）")
        return 0
    write_text_out(rubric_to_toml(rubric) if args.toml else describe(rubric), args.out)
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    old = _resolve(args, args.old)
    new = _resolve(args, args.new)
    diff = diff_rubrics(old, new)
    if args.json:
        print_json(diff.to_json())
    else:
        print(render_diff(diff, old, new))
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    rubric = commands.add_parser("rubric", help="评分标准：检查、导入、查看、比较、试算")
    sub = rubric.add_subparsers(dest="rubric_command", metavar="子命令", parser_class=type(rubric))

    check = sub.add_parser("check", help="检查评分标准文件（.toml 或 .xlsx），列出全部错误")
    check.add_argument("files", nargs="+", metavar="文件")
    check.set_defaults(handler=cmd_check)

    score = sub.add_parser("score", help="按评分标准为一张评查表计分，输出 JSON（不使用数据库）")
    score.add_argument("rubric", metavar="评分标准", help="文件路径或 编号@版本")
    score.add_argument("sheet", metavar="评查表.json")
    score.set_defaults(handler=cmd_score)

    load = sub.add_parser("load", help="检查并载入一个评分标准版本（.toml 或 .xlsx），载入后不可修改")
    load.add_argument("file", metavar="文件")
    load.set_defaults(handler=cmd_load, sign_in="leader")

    listing = sub.add_parser("list", help="列出已载入的评分标准版本")
    listing.set_defaults(handler=cmd_list)

    show = sub.add_parser("show", help="显示一个评分标准版本")
    show.add_argument("rubric", metavar="编号@版本", help="或文件路径")
    show.add_argument("--toml", action="store_true", help="以 TOML 格式输出")
    show.add_argument("--out", metavar="文件", help="写入文件而不是屏幕")
    show.add_argument("--xlsx", metavar="文件.xlsx", help="写成 Excel 评分表")
    show.set_defaults(handler=cmd_show)

    diff = sub.add_parser("diff", help="比较两个版本：新增、删除、分值调整、表述修改")
    diff.add_argument("old", metavar="旧版本", help="编号@版本 或文件路径")
    diff.add_argument("new", metavar="新版本", help="编号@版本 或文件路径")
    diff.add_argument("--json", action="store_true", help="以 JSON 输出")
    diff.set_defaults(handler=cmd_diff)

