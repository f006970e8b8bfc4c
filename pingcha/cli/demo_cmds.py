"""``pingcha demo`` and the bare ``pingcha``: open the terminal UI (on a demo database or the real one)."""

from __future__ import annotations

import argparse
import shlex
from pathlib import Path

from pingcha.cli.output import store_for
from pingcha.errors import UserError
from pingcha.store.engine import default_db_path


def demo_db_path() -> Path:
    return default_db_path().with_name("demo.db")


def _fresh_demo_db() -> str:
    """The demo gets its own file, rebuilt each time, so it never mixes with real results."""
    path = demo_db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return str(path)


def open_ui(args: argparse.Namespace, activity: str | None = None) -> int:
    try:
        from pingcha.tui import run_app
    except ImportError as exc:
        raise UserError(f"终端界面无法启动：{exc}") from None
    run_app(store_for(args), activity=activity, user=args.acting_given)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from pingcha.services.activities import list_activities
    from pingcha.services.demo import DEMO_ACTIVITY, build_demo, check_demo_database

    if args.db is None:
        args.db = _fresh_demo_db()
    store = store_for(args)
    check_demo_database(store)
    if any(a.name == DEMO_ACTIVITY for a in list_activities(store)):
        print(f"数据库中已有演示活动“{DEMO_ACTIVITY}”，直接使用。")
    else:
        print("正在用 sample_cases/ 和随附的评分标准建立演示数据……")
        summary = build_demo(store)
        print(
            f"演示活动“{summary.activity}”已建立：抽查 {summary.files} 件，已提交评查表 {summary.sheets_submitted} 张；"
            f"已完成 {summary.final} 件，待复核 {summary.needs_review} 件，评查中 {summary.pending} 件。"
        )
    print(f"数据库：{store.url.removeprefix('sqlite:///')}")
    if args.no_ui:
        demo = next(a for a in list_activities(store) if a.name == DEMO_ACTIVITY)
        print(f"可以继续用命令行查看，例如：pingcha --db {shlex.quote(store.url.removeprefix('sqlite:///'))}"
              f" results {demo.id}（{demo.id} 即演示活动“{DEMO_ACTIVITY}”的编号）")
        return 0
    return open_ui(args, DEMO_ACTIVITY)


def register(commands: argparse._SubParsersAction) -> None:
    demo = commands.add_parser("demo", help="用示例数据建立一个完整的演示评查活动并打开界面")
    demo.add_argument("--no-ui", action="store_true", help="只建立演示数据，不打开界面")
    demo.set_defaults(handler=cmd_demo)
