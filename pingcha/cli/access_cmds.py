"""Signing in on the command line, ``people credentials`` and ``serve`` (interfaces.md §10)."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from pingcha.cli.output import store_for

# Commands of no one activity that only a 组长 may run once any activity is protected.
LEADER_COMMANDS = "leader"


def _passphrase() -> str | None:
    given = os.environ.get("PINGCHA_PASSWORD")
    if given:
        return given
    if sys.stdin is not None and sys.stdin.isatty():
        try:
            return getpass.getpass("口令：")
        except EOFError:
            return None
    return None


def sign_in(args: argparse.Namespace) -> None:
    """Before any command: on a protected activity, the person named must give their passphrase."""
    from pingcha.services import access

    activity = getattr(args, "activity", None)
    if activity is not None:
        access.sign_in(store_for(args), activity, args.acting_given, _passphrase)
    elif getattr(args, "sign_in", None) == LEADER_COMMANDS:
        access.sign_in_leader(store_for(args), args.acting_given, _passphrase)


def cmd_credentials(args: argparse.Namespace) -> int:
    from pingcha.services import access

    issued = access.issue_credentials(store_for(args), args.activity, args.names, args.out, args.acting)
    print(f"已为 {len(issued)} 人发放口令，写入 {args.out}（只写这一次：请打印成纸条分发后妥善销毁此文件）。")
    print("此后本评查活动的每条命令和每个界面都要给出姓名和本人口令（PINGCHA_PASSWORD，或在终端中输入）。")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import shlex

    from pingcha.errors import UserError
    from pingcha.services import access

    access.check_serve_host(store_for(args), args.host)
    try:
        from textual_serve.server import Server
    except ImportError:
        raise UserError("pingcha serve 需要 textual-serve（pip install textual-serve）") from None
    command = [sys.executable, "-m", "pingcha"] + (["--db", args.db] if args.db else [])
    server = Server(shlex.join(command), host=args.host, port=args.port, title="pingcha 评查")
    shown = [args.host] if args.host not in ("0.0.0.0", "::") else _addresses(ipv6=args.host == "::")
    where = "、".join(f"http://{'[' + a + ']' if ':' in a else a}:{args.port}/" for a in shown)
    print(f"请评查人员在浏览器中打开：{where}（每个浏览器会话各自选择姓名并输入口令）", flush=True)
    server.serve()
    return 0


def _addresses(ipv6: bool) -> list[str]:
    """This machine's addresses other computers can reach (listening on every interface), loopback left out;
    IPv4 only when listening on 0.0.0.0."""
    import ipaddress
    import socket
    import subprocess

    found: list[str] = []
    try:  # Debian's hostname lists every configured address
        found = subprocess.run(["hostname", "-I"], capture_output=True, text=True, timeout=5).stdout.split()
    except (OSError, subprocess.SubprocessError):
        pass
    if not found:
        try:
            found = [info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None)]
        except OSError:
            found = []
    addresses = [ipaddress.ip_address(a.split("%")[0]) for a in dict.fromkeys(found)]
    usable = [str(a) for a in addresses if not a.is_loopback and (ipv6 or a.version == 4)]
    return usable or ["本机的局域网地址"]


def register(commands: argparse._SubParsersAction) -> None:
    people = commands.add_parser("people", help="人员：发放口令")
    sub = people.add_subparsers(dest="people_command", metavar="操作", parser_class=commands._parser_class)
    credentials = sub.add_parser("credentials", help="发放口令（写入 .csv 或 .xlsx，用于打印纸条）")
    credentials.add_argument("activity", metavar="ACTIVITY", help="评查活动名称或编号")
    credentials.add_argument("names", metavar="姓名", nargs="*", help="要发放口令的人（默认：名单上的每个人）")
    credentials.add_argument("--out", required=True, metavar="FILE", help="口令文件（.csv 或 .xlsx）")
    credentials.set_defaults(handler=cmd_credentials)

    serve = commands.add_parser("serve", help="在浏览器中提供同一界面（每个浏览器会话各自登录）")
    serve.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）")
    serve.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
    serve.set_defaults(handler=cmd_serve)
