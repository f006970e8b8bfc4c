"""The ``pingcha`` command line (interfaces.md §6): one face of the services, as the UI is the other."""

from __future__ import annotations

import argparse
import os
import sys

from pingcha.cli import argparse_zh
from pingcha.errors import DATABASE_ERRORS, UserError, database_problem

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
    from pingcha.cli import (access_cmds, activity_cmds, agreement_cmds, calibration_cmds, demo_cmds, precheck_cmds,
                             rectify_cmds, report_cmds, rubric_cmds, stats_cmds, store_cmds, wordings_cmds)

    argparse_zh.install()
    parser = argparse_zh.Parser(prog="pingcha", description="行政处罚案卷评查工具。不带子命令时打开终端界面。")
    parser.add_argument("--db", help=DB_HELP)
    parser.add_argument("--as", dest="acting", metavar="姓名", help=AS_HELP)
    commands = parser.add_subparsers(dest="command", metavar="命令", parser_class=argparse_zh.Parser)
    rubric_cmds.register(commands)
    activity_cmds.register(commands)
    demo_cmds.register(commands)
    report_cmds.register(commands)
    precheck_cmds.register(commands)
    store_cmds.register(commands)
    agreement_cmds.register(commands)
    access_cmds.register(commands)
    calibration_cmds.register(commands)
    rectify_cmds.register(commands)
    stats_cmds.register(commands)
    wordings_cmds.register(commands)
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
        from pingcha.cli.access_cmds import sign_in

        sign_in(args)
        return handler(args) or 0
    except UserError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    except DATABASE_ERRORS as exc:
        print(f"错误：{database_problem(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader (e.g. `| head`) has gone; nothing left to say to it.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - stays open until exit
        return 0
    finally:
        _close_store(args)


# The last command's closed Store, with the results it remembers: let go by the end of the process (``run``), or
# by the next command run in this process, not by the command itself.
_finished: list[object] = []


def _close_store(args: argparse.Namespace) -> None:
    """Every command (and the UI it opened) leaves the database whole in its main file (Store.dispose)."""
    store = getattr(args, "_store", None)
    if store is not None:
        args._store = None
        store.dispose()
        _finished[:] = [store]


def run() -> None:
    """The ``pingcha`` command: ``main``, then the process ends without freeing its objects one by one (as mypy's
    command does). A province's results are millions of objects, and freeing them took 0.2–0.5 s after the work
    was done and the database closed; the system takes the whole memory back at once."""
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        pass  # the reader (e.g. `| head`) has gone, as in main
    os._exit(code)


def _os_user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "未知用户"
