"""``pingcha wordings``: the 规范表述 a 组长 curates per deduction (list, add, edit, retire)."""

from __future__ import annotations

import argparse

from pingcha.cli.output import print_json, store_for, table


def _sign_in(args: argparse.Namespace) -> None:
    from pingcha.cli.access_cmds import _passphrase
    from pingcha.services import access
    from pingcha.services.wordings import names_activity

    store = store_for(args)
    if names_activity(store, args.target):
        access.sign_in(store, args.target, args.acting_given, _passphrase)
    else:
        access.sign_in_leader(store, args.acting_given, _passphrase)


def _as_json(view) -> dict:
    return {"number": view.number, "code": view.code, "text": view.text, "created_by": view.created_by,
            "created_at": view.created_at.isoformat(), "retired": view.retired}


def cmd_wordings(args: argparse.Namespace) -> int:
    from pingcha.services import wordings

    _sign_in(args)
    store = store_for(args)
    if args.add:
        view = wordings.add_wording(store, args.target, args.add[0], args.add[1], args.acting)
        print(f"已新增第 {view.number} 号规范表述（{view.code}）：{view.text}")
        return 0
    if args.edit:
        number, text = args.edit
        view = wordings.edit_wording(store, args.target, _number(number), text, args.acting)
        print(f"已修改第 {view.number} 号规范表述（{view.code}）：{view.text}")
        return 0
    if args.retire is not None:
        view = wordings.retire_wording(store, args.target, _number(args.retire), args.acting)
        print(f"已停用第 {view.number} 号规范表述（{view.code}）：{view.text}；此后不再提示，通报也不再采用")
        return 0
    book = wordings.wording_book(store, args.target, args.acting, retired=args.all)
    shown = [d for d in book.deductions if d.wordings or (args.notes and d.notes)]
    if args.json:
        print_json({"rubric": book.rubric_id, "activity": book.activity, "deductions": [
            {"code": d.code, "item": d.item, "text": d.text, "wordings": [_as_json(w) for w in d.wordings],
             **({"notes": [{"note": n, "times": k} for n, k in d.notes]} if book.notes_shown else {})}
            for d in book.deductions]})
        return 0
    print(f"评分标准 {book.rubric_id}（{book.title}）的规范表述"
          + (f"，评查活动“{book.activity}”使用" if book.activity else ""))
    rows = []
    for d in shown:
        for w in d.wordings:
            rows.append([w.number, d.code, w.text + ("（已停用）" if w.retired else ""), w.created_by,
                         f"{w.created_at:%Y-%m-%d}"])
    if rows:
        print(table(["编号", "扣分情形", "规范表述", "维护人", "日期"], rows))
    else:
        print("还没有规范表述。组长可以用 --add 扣分编号 表述 新增（如 --add D12c 送达回证未载明送达方式）。")
    if args.notes:
        if not book.notes_shown:
            print("\n评查人员写过的说明只对组长显示（案卷评定前不公开其他评查人员的意见）。")
        else:
            for d in shown:
                if d.notes:
                    print(f"\n{d.code} {d.text}：写过的说明（次数）")
                    print(table(["次数", "说明"], [[k, n] for n, k in d.notes]))
    return 0


def _number(text: str) -> int:
    from pingcha.errors import UserError

    digits = text.strip().lstrip("#")
    if not digits.isdigit() or len(digits) > 9:
        raise UserError(f"规范表述的编号应是数字（列表中的“编号”），实际为“{text}”")
    return int(digits)


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("wordings", help="规范表述：组长按扣分情形维护的标准说法，评分时优先提示，通报的典型问题采用")
    parser.add_argument("target", metavar="活动或评分标准",
                        help="评查活动的名称或编号（用其评分标准），或评分标准编号（如 xiqu-xzcf）")
    change = parser.add_mutually_exclusive_group()
    change.add_argument("--add", nargs=2, metavar=("扣分编号", "表述"), help="新增一条规范表述（只有组长可以）")
    change.add_argument("--edit", nargs=2, metavar=("编号", "表述"), help="修改一条规范表述（只有组长可以）")
    change.add_argument("--retire", metavar="编号", help="停用一条规范表述（保留记录，不再提示；只有组长可以）")
    parser.add_argument("--all", action="store_true", help="列表中包括已停用的规范表述")
    parser.add_argument("--notes", action="store_true", help="同时列出各扣分情形写过的说明及次数（组长可见）")
    parser.add_argument("--json", action="store_true", help="以 JSON 输出全部扣分情形及其规范表述")
    parser.set_defaults(handler=cmd_wordings)
