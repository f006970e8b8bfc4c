"""`pingcha serve`: the UI served to browsers on loopback by default; a non-loopback host refused while any
activity is unprotected."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.helpers import Cli, prepared


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_answers_a_browser_on_loopback(tmp_path, capsys):
    db = tmp_path / "p.db"
    prepared(Cli(db, capsys))
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    server = subprocess.Popen([sys.executable, "-m", "pingcha", "--db", str(db), "serve", "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True)
    try:
        page = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and page is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as answer:
                    page = (answer.status, answer.read().decode("utf-8"))
            except OSError:
                time.sleep(0.3)
        assert page is not None, "服务未在 30 秒内响应"
        assert page[0] == 200 and "textual.js" in page[1] and "pingcha" in page[1]
    finally:
        server.terminate()
        out, _ = server.communicate(timeout=10)
    assert f"http://127.0.0.1:{port}/" in out


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20"])
def test_serve_refuses_other_hosts_while_an_activity_is_unprotected(tmp_path, capsys, host):
    cli = Cli(tmp_path / "p.db", capsys)
    prepared(cli)
    status, _, err = cli("serve", "--host", host)
    assert status == 1 and "未受保护" in err and "people credentials" in err


def test_once_every_activity_is_protected_other_hosts_are_allowed(tmp_path, capsys):
    from pingcha.errors import UserError
    from pingcha.services.access import check_serve_host, issue_credentials
    from pingcha.store import open_store

    activity = prepared(Cli(tmp_path / "p.db", capsys))
    store = open_store(str(tmp_path / "p.db"))
    try:
        with pytest.raises(UserError):
            check_serve_host(store, "0.0.0.0")
        issue_credentials(store, activity, [], tmp_path / "slips.csv", "组织者")
        check_serve_host(store, "0.0.0.0")  # no refusal
    finally:
        store.dispose()
