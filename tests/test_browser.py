"""`pingcha serve` in a real browser: Debian's chromium, headless, driven by selenium through the system
chromedriver (nothing downloaded at run time). An evaluator signs in with a passphrase, records a deduction on a
sheet, and the command line reads it back from the database.

textual-serve draws the terminal with xterm.js on a canvas, so the page holds no text to read. The test types as a
person does (keys sent to the page, which xterm.js passes to the UI process) and follows the screen through what
the UI process sends to the page: a small script, added before the page loads, keeps a copy of every message the
page's websocket receives. What was recorded is checked in the database, through the CLI.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import Cli, prepared
from tests.test_serve import free_port

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"

pytestmark = [
    pytest.mark.skipif(not Path(CHROMIUM).is_file(), reason="没有 chromium（Debian 软件包 chromium）：跳过浏览器测试"),
    pytest.mark.skipif(not Path(CHROMEDRIVER).is_file(),
                       reason="没有 chromedriver（Debian 软件包 chromium-driver）：跳过浏览器测试"),
]

# Kept before the page's own scripts run: a copy of what the server sends to the terminal, as text.
TAP = r"""
(() => {
  const Native = window.WebSocket;
  const decoder = new TextDecoder();
  let chain = Promise.resolve();
  window.__received = [];
  function Tapped(...args) {
    const socket = new Native(...args);
    socket.addEventListener("message", (event) => {
      const data = event.data;
      chain = chain.then(async () => {
        if (typeof data === "string") { window.__received.push(data); return; }
        const bytes = data instanceof Blob ? await data.arrayBuffer() : data;
        window.__received.push(decoder.decode(bytes, {stream: true}));
      });
    });
    return socket;
  }
  Tapped.prototype = Native.prototype;
  Object.assign(Tapped, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
  window.WebSocket = Tapped;
})();
"""
ESCAPES = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|.)")


class Page:
    """The browser tab: keys in, the terminal's text (escape sequences taken out) out."""

    def __init__(self, driver) -> None:
        self.driver = driver
        self.seen = 0

    def text(self) -> str:
        return ESCAPES.sub("", "".join(self.driver.execute_script("return window.__received")))

    def wait_for(self, wanted: str, timeout: float = 30) -> None:
        """Until ``wanted`` is drawn after what was waited for last."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.text()
            found = text.find(wanted, self.seen)
            if found >= 0:
                self.seen = found + len(wanted)
                return
            time.sleep(0.1)
        self.driver.save_screenshot(str(Path(os.environ.get("TMPDIR", "/tmp")) / "pingcha-browser.png"))
        raise AssertionError(f"浏览器中 {timeout} 秒内没有出现“{wanted}”；最后的画面：{self.text()[-600:]!r}")

    def keys(self, *keys: str) -> None:
        from selenium.webdriver.common.action_chains import ActionChains

        ActionChains(self.driver).send_keys(*keys).perform()


@pytest.fixture
def chromium(monkeypatch):
    webdriver = pytest.importorskip("selenium.webdriver", reason="没有 selenium（pip install \".[test]\"）")
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common import selenium_manager

    def no_download(*args, **kwargs):
        raise AssertionError("selenium-manager 不应被调用：只用系统的 chromedriver")

    monkeypatch.setattr(selenium_manager.SeleniumManager, "binary_paths", no_download)
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,900", "--lang=zh-CN"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    try:
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": TAP})
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def served(tmp_path, capsys, monkeypatch):
    """A protected activity (one evaluator holds a passphrase) served on a free loopback port."""
    from pingcha.services.queries import assigned_files, roster
    from pingcha.store import open_store

    for name in ("PINGCHA_USER", "PINGCHA_PASSWORD", "PINGCHA_DB"):
        monkeypatch.delenv(name, raising=False)
    db = tmp_path / "room.db"
    cli = Cli(db, capsys)
    activity = prepared(cli)
    store = open_store(str(db))
    try:
        people = roster(store, activity)
        row, person = next((i, p) for i, p in enumerate(people) if not p.is_leader and p.assigned)
        first_file = assigned_files(store, activity, person.name)[0].case.case_no  # the top row of 我的案卷
    finally:
        store.dispose()
    cli.ok("people", "credentials", activity, person.name, "--out", tmp_path / "slips.csv")
    with open(tmp_path / "slips.csv", encoding="utf-8-sig", newline="") as handle:
        passphrase = next(r["口令"] for r in csv.DictReader(handle) if r["姓名"] == person.name)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "pingcha", "--db", str(db), "serve", "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              env={**os.environ, "PYTHONUNBUFFERED": "1"}, start_new_session=True)
    try:
        assert f"http://127.0.0.1:{port}/" in server.stdout.readline()
        yield cli, activity, row, person.name, passphrase, first_file, f"http://127.0.0.1:{port}/"
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # the server and the UI processes it started for the browser
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        server.stdout.close()


def as_person(cli: Cli, name: str, passphrase: str, *args) -> str:
    """A command run by ``name``, signed in with their passphrase as PINGCHA_PASSWORD."""
    os.environ["PINGCHA_PASSWORD"] = passphrase
    try:
        return cli.ok(*args, user=name)
    finally:
        del os.environ["PINGCHA_PASSWORD"]


def exported(cli: Cli, activity: str, name: str, passphrase: str, out: Path) -> list[dict]:
    as_person(cli, name, passphrase, "sheets", "export", activity, "--evaluator", name, "--out", out)
    return json.loads(out.read_text(encoding="utf-8"))


def test_an_evaluator_signs_in_from_a_browser_and_records_a_deduction(served, chromium, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    cli, activity, row, name, passphrase, first_file, address = served
    before = exported(cli, activity, name, passphrase, tmp_path / "before.json")
    assert before and all(not sheet["deductions"] for sheet in before)

    chromium.get(address)
    page = Page(chromium)
    page.wait_for("人员名单")
    chromium.find_element(By.ID, "terminal").click()  # xterm.js takes the keys once the terminal has the focus
    page.keys(Keys.DOWN * row, Keys.ENTER)
    page.wait_for("受口令保护")
    page.keys("wrong-pass-word", Keys.ENTER)
    page.wait_for("口令不正确")
    page.keys(Keys.ENTER)
    page.wait_for("受口令保护")
    page.keys(passphrase, Keys.ENTER)
    page.wait_for("我的案卷")
    page.keys(Keys.ENTER)  # the first of my files
    page.wait_for("每次修改即已保存")
    page.keys("D12c")

    deadline = time.monotonic() + 20
    while True:
        after = exported(cli, activity, name, passphrase, tmp_path / "after.json")
        changed = [sheet for sheet in after if sheet["deductions"]]
        if changed or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert [sheet["deductions"] for sheet in changed] == [{"D12c": 1}]
    assert changed[0]["case_no"] == first_file
    log = as_person(cli, name, passphrase, "audit", activity)
    assert "登录" in log and "拒绝" in log  # the wrong passphrase, audited
