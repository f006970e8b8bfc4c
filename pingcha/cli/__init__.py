"""The ``pingcha`` command line (interfaces.md §6): one face of the services, as the UI is the other."""

from __future__ import annotations

import os
import sys

import argparse

from sqlalchemy.exc import SQLAlchemyError

from pingcha.cli import argparse_zh
from pingcha.errors import UserError

DB_HELP = "数据库：SQLite 文件路径或 SQLAlchemy URL（也可用环境变量 PINGCHA_DB）"
AS_HELP = "以谁的身份操作（也可用环境变量 PINGCHA_USER）"


def _global_options_everywhere(parser: argparse.ArgumentParser) -> None:
    """Let --db and --as stand after the command too (``pingcha review … --as 组长``), as people type them."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                sub.add_argument("--db", default=argparse.SUPPRESS, help=DB_HELP)
                sub.add_argument("--as", dest="acting", metavar="姓名", default=argparse.SUPPRESS, help=AS_HELP)
                _global_options_everywhere(sub)


def build_parser() -> argparse_zh.Parser:
    from pingcha.cli import activity_cmds, demo_cmds, report_cmds, rubric_cmds

    argparse_zh.install()
    parser = argparse_zh.Parser(prog="pingcha", description="行政处罚案卷评查工具。不带子命令时打开终端界面。")
    parser.add_argument("--db", help=DB_HELP)
    parser.add_argument("--as", dest="acting", metavar="姓名", help=AS_HELP)
    commands = parser.add_subparsers(dest="command", metavar="命令", parser_class=argparse_zh.Parser)
    rubric_cmds.register(commands)
    activity_cmds.register(commands)
    demo_cmds.register(commands)
    report_cmds.register(commands)
    _global_options_everywhere(parser)
    return parser


def _utf8_streams() -> None:
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and (stream.encoding or "").lower().replace("-", "") != "utf8":
            reconfigure(encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    _utf8_streams()
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if args.command is not None and handler is None:
        parser.parse_args([*(argv if argv is not None else sys.argv[1:]), "--help"])
        return 2
    args.acting_given = args.acting or os.environ.get("PINGCHA_USER")
    args.acting = args.acting_given or _os_user()
    try:
        if handler is None:
            from pingcha.cli.demo_cmds import open_ui

            return open_ui(args)
        return handler(args) or 0
    except UserError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:
        print(f"错误：{database_problem(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader (e.g. `| head`) has gone; nothing left to say to it.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - stays open until exit
        return 0


_DATABASE_MESSAGES = [
    ("unable to open database file", "无法打开数据库文件（文件夹不存在、没有权限，或文件被占用）"),
    ("attempt to write a readonly database", "数据库文件是只读的，不能写入（请检查文件权限）"),
    ("database is locked", "数据库正被其他进程长时间占用，请稍后重试"),
    ("disk i/o error", "读写数据库文件时出错（磁盘或网络文件夹问题）"),
    ("database or disk is full", "磁盘空间不足，无法写入数据库"),
    ("file is not a database", "--db 指定的文件不是 pingcha 的数据库（也不是 SQLite 数据库）"),
    ("password authentication failed", "无法连接数据库：用户名或密码不正确"),
    ("connection refused", "无法连接数据库：数据库服务没有启动，或地址、端口不对"),
    ("connection failed", "无法连接数据库，请检查 --db / PINGCHA_DB 的地址和数据库服务是否已启动"),
    ("could not translate host name", "无法连接数据库：找不到数据库服务器（主机名不对）"),
    ("timeout", "无法连接数据库：连接超时"),
]


def database_problem(exc: Exception) -> str:
    """A database failure in Chinese words a user can act on, with what the database said as a detail line."""
    from sqlalchemy.exc import OperationalError

    said = str(getattr(exc, "orig", None) or exc).strip()
    detail = said.splitlines()[0] if said else type(exc).__name__
    lowered = said.lower()
    chinese = next((zh for english, zh in _DATABASE_MESSAGES if english in lowered), None)
    if chinese is None and isinstance(exc, OperationalError) and "connect" in lowered:
        chinese = "无法连接数据库，请检查 --db / PINGCHA_DB 的地址和数据库服务是否已启动"
    return f"{chinese or '数据库操作失败'}\n  详细信息：{detail}"


def _os_user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "未知用户"
