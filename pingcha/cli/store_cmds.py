"""``pingcha check`` and ``pingcha backup``: the database's health, and a consistent copy of it."""

from __future__ import annotations

import argparse

from pingcha.cli.output import store_for


def cmd_check(args: argparse.Namespace) -> int:
    from pingcha.services.check import check_database

    report = check_database(store_for(args))
    if report.clean:
        print("检查完毕，未发现问题：" + "；".join(report.checked) + "。")
        return 0
    # The account is what the command was asked for, so it goes to standard output (``pingcha check > 报告.txt``).
    print(f"检查发现 {len(report.problems)} 处问题：")
    for problem in report.problems:
        print(f"- {problem}")
    if report.checked:
        print("其余正常：" + "；".join(report.checked) + "。")
    return 1


def cmd_backup(args: argparse.Namespace) -> int:
    from pingcha.store.backup import backup

    out = backup(store_for(args), args.out)
    size = out.stat().st_size
    print(f"已备份到 {out}（{size / 1_048_576:.1f} MB）：这一份文件即包含备份时刻的全部数据，可直接用 --db 打开。")
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    check = commands.add_parser(
        "check", help="检查数据库：文件完好、表结构版本、操作日志哈希链、评分标准哈希、评查表与操作日志一致")
    check.set_defaults(handler=cmd_check, sign_in="leader")  # its account names everyone's sheets
    backup = commands.add_parser("backup", help="在他人继续使用时备份 SQLite 数据库（一致的快照）")
    backup.add_argument("--out", required=True, metavar="文件", help="备份文件的路径")
    backup.set_defaults(handler=cmd_backup, sign_in="leader")  # a copy of everything
