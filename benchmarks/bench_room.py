"""A cross-check room under load (issue 10): many evaluators' sessions saving sheet changes at once, and the memory
one browser session of ``pingcha serve`` takes.

Each session is its own process (as each terminal or browser session is), opens the database itself and makes its
changes on its own sheets through the scoring screen's editor (``tui.editing.StoredSheetEditor``: the same
service calls, ``read_sheet`` then ``change_sheet`` in one short transaction each). Every change really changes
the sheet (a deduction's count goes up, or back to 0), so each is one committed transaction with its audit row.
The sessions start together (a barrier) and either save as fast as they can (``--pause 0``, the worst case) or
pause before each change as a quick person does, the first one too: people open a file and read before their first
key, so 30 first changes (each creating its sheet) do not all land in the same millisecond, as they did when the
pause came only after a change (at 30 × 100 those 30 were the slowest 1 % by themselves).

Afterwards: lost = changes a session saw committed that are not in the database (each sheet read back and compared
with what its session last set, and the audit rows of the changes counted); errors = changes that raised;
``pingcha check`` (the sheets against the replayed audit log, the hash chain) must find nothing. Printed: p50,
p99 and the worst time per change, per engine.

Memory: ``pingcha serve`` on the SQLite database; a websocket client (what the browser page does) opens a
session, signs in with a passphrase and opens a sheet (an evaluator) or the 组长's pages; the RSS (and PSS) of
that session's UI process is read from /proc.

    python benchmarks/bench_room.py [--sessions 30] [--changes 200] [--pause 0,0.25]
                                    [--db postgresql+psycopg://user@host/db] [--engines sqlite,postgres]

PostgreSQL: ``--db`` (or PINGCHA_TEST_POSTGRES) names a server and a database to connect to; the benchmark
creates a scratch database there and drops it at the end. Without one, only SQLite runs.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import multiprocessing
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

ACTIVITY = "评查室"
LEADERS = ["组长甲", "组长乙"]


# -- the activity ----------------------------------------------------------------------------------------------------

def build(url: str, sessions: int, folder: Path) -> list[str]:
    """An activity on the shipped rubric and register, every file drawn, two evaluators a file; the evaluators."""
    from pingcha.services import activities, draw, registers
    from pingcha.store import open_store

    agencies = sorted({row["执法部门"] for row in csv.DictReader(
        (REPO / "sample_cases" / "register.csv").open(encoding="utf-8"))})
    evaluators = [f"评查员{n:02d}" for n in range(1, sessions + 1)]
    roster = folder / "roster.csv"
    with roster.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["姓名", "单位", "角色"])
        writer.writerows([name, "区司法局", "组长"] for name in LEADERS)
        writer.writerows([name, agencies[n % len(agencies)], "评查员"] for n, name in enumerate(evaluators))
    store = open_store(url)
    try:
        activities.create_activity(store, ACTIVITY, "xiqu-xzcf@2024.1", "基准")
        registers.import_register(store, ACTIVITY, REPO / "sample_cases" / "register.csv", "基准")
        registers.import_roster(store, ACTIVITY, roster, "基准")
        draw.draw_files(store, ACTIVITY, "1", "基准", per_agency=100)
        draw.assign(store, ACTIVITY, "1", "基准")
    finally:
        store.dispose()
    return evaluators


# -- one session -----------------------------------------------------------------------------------------------------

def session(url: str, name: str, changes: int, pause: float, barrier, results) -> None:
    """One evaluator's session: open each of their files as the scoring screen does and change deductions."""
    import random

    from pingcha.services.activities import get_activity
    from pingcha.services.queries import assigned_files
    from pingcha.store import open_store
    from pingcha.tui.editing import StoredSheetEditor

    store = open_store(url)
    activity = get_activity(store, ACTIVITY)
    rubric = activity.rubric
    files = assigned_files(store, ACTIVITY, name)
    editors = [StoredSheetEditor(store, rubric, f.ref, name) for f in files]
    for editor in editors:
        editor.prepare()
    deductions = [d for item in rubric.items for d in item.deductions]
    rng = random.Random(name)
    expected: dict[str, dict[str, int]] = {f.ref.case_no: {} for f in files}
    durations: list[float] = []
    errors: list[str] = []
    barrier.wait()
    for n in range(changes):
        if pause:
            time.sleep(rng.uniform(0.5, 1.5) * pause)
        editor = editors[n % len(editors)]
        deduction = rng.choice(deductions)
        count = editor.sheet.deductions.get(deduction.code, 0)
        wanted = count + 1 if count < deduction.max_times else 0
        start = time.perf_counter()
        try:
            editor.set_count(deduction.code, wanted)
        except Exception as exc:  # noqa: BLE001 - counted and shown, the run goes on
            errors.append(f"{type(exc).__name__}: {exc}")
        else:
            durations.append((time.perf_counter() - start) * 1000)
            expected[editor.ref.case_no][deduction.code] = wanted
    store.dispose()
    results.put((name, durations, errors, expected))


def run_sessions(url: str, evaluators: list[str], changes: int, pause: float) -> dict:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(evaluators) + 1)
    results = context.Queue()
    processes = [context.Process(target=session, args=(url, name, changes, pause, barrier, results))
                 for name in evaluators]
    for process in processes:
        process.start()
    barrier.wait(timeout=600)  # every session has opened its sheets
    start = time.perf_counter()
    collected = [results.get(timeout=1800) for _ in processes]
    wall = time.perf_counter() - start
    for process in processes:
        process.join()
    return {"wall": wall, "sessions": collected}


def lost_changes(url: str, collected: list) -> tuple[int, int, list[str]]:
    """(changes missing from the sheets, changes missing from the audit log, problems found by pingcha check)."""
    from pingcha.services.audit import history
    from pingcha.services.check import check_database
    from pingcha.services.sheets import read_sheet, sheet_ref
    from pingcha.store import open_store

    store = open_store(url)
    try:
        missing = 0
        for name, _, _, expected in collected:
            for case_no, counts in expected.items():
                stored = read_sheet(store, sheet_ref(store, ACTIVITY, name, case_no)).sheet.deductions
                missing += sum(1 for code, count in counts.items() if stored.get(code, 0) != count)
        audited: dict[str, int] = {}
        for line in history(store, ACTIVITY):
            if line.action == "修改评查表":
                audited[line.actor] = audited.get(line.actor, 0) + 1
        unaudited = sum(max(0, len(durations) - audited.get(name, 0)) for name, durations, _, _ in collected)
        return missing, unaudited, check_database(store).problems
    finally:
        store.dispose()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(share * len(ordered))) - 1))]


def load_test(label: str, url: str, evaluators: list[str], changes: int, pause: float) -> None:
    run = run_sessions(url, evaluators, changes, pause)
    durations = [d for _, ds, _, _ in run["sessions"] for d in ds]
    errors = [e for _, _, es, _ in run["sessions"] for e in es]
    missing, unaudited, problems = lost_changes(url, run["sessions"])
    pace = "尽快连续保存" if not pause else f"每次修改间隔约 {pause:g} s"
    print(f"{label}：{len(evaluators)} 个会话 × {changes} 次修改（{pace}），墙钟 {run['wall']:.1f} s，"
          f"合计 {len(durations) / run['wall']:.0f} 次/秒")
    print(f"  丢失 {missing + unaudited}（评查表中 {missing}，操作日志中 {unaudited}），错误 {len(errors)}，"
          f"pingcha check 发现问题 {len(problems)}")
    if durations:
        print(f"  每次修改：中位数 {statistics.median(durations):.1f} ms，第 99 百分位 {percentile(durations, 0.99):.1f} ms，"
              f"最慢 {max(durations):.1f} ms")
    for error in dict.fromkeys(errors[:5]):
        print(f"  错误示例：{error}")
    for problem in problems[:5]:
        print(f"  检查：{problem}")


# -- PostgreSQL ------------------------------------------------------------------------------------------------------

def scratch_postgres(server: str) -> tuple[str, object]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"pingcha_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(server).set(database=name).render_as_string(hide_password=False), drop


# -- memory of one browser session -----------------------------------------------------------------------------------

ESCAPES = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|.)")
DOWN, ENTER = "\x1b[B", "\r"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def memory_of(pid: int) -> tuple[float, float]:
    """(RSS, PSS) in MB."""
    rss = next(int(line.split()[1]) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
               if line.startswith("VmRSS:"))
    pss = next(int(line.split()[1]) for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
               if line.startswith("Pss:"))
    return rss / 1024, pss / 1024


async def browser_session(port: int, row: int, passphrase: str, then: list[tuple[str, str]]) -> None:
    """What the page does: open the websocket, send keys as stdin, read what the UI draws. Signs in as the person
    on roster row ``row`` and goes on with ``then`` (keys, text awaited); stays open until cancelled."""
    import aiohttp

    async with aiohttp.ClientSession() as client:
        async with client.get(f"http://127.0.0.1:{port}/") as page:
            ws_url = re.search(r'data-session-websocket-url="([^"]+)"', await page.text()).group(1)
        async with client.ws_connect(ws_url.replace("&amp;", "&") + "?width=120&height=40") as socket_:
            drawn = ""
            steps = [(DOWN * row + ENTER, "受口令保护"), (passphrase + ENTER, "我的案卷"), *then]
            steps.insert(0, ("", "人员名单"))
            for keys, wanted in steps:
                if keys:
                    await socket_.send_json(["stdin", keys])
                deadline = time.monotonic() + 60
                while wanted not in ESCAPES.sub("", drawn):
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"浏览器会话中 60 秒内没有出现“{wanted}”")
                    message = await socket_.receive(timeout=60)
                    if message.type == aiohttp.WSMsgType.BINARY:
                        drawn += message.data.decode("utf-8", "replace")
                    elif message.type == aiohttp.WSMsgType.TEXT:
                        drawn += message.data
                    else:
                        raise RuntimeError(f"会话已结束：{message.type}")
                drawn = ""
            print("READY", flush=True)
            while True:  # keep the session open while it is measured, and end with it (never spin on a closed one)
                message = await socket_.receive()
                if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                    return


def measure_session(db: str, who: str, row: int, passphrase: str, then: list[tuple[str, str]]) -> tuple[float, float]:
    """Serve the database, open one session as ``who``, and measure its UI process once it is ready."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("PINGCHA_USER", "PINGCHA_PASSWORD", "PINGCHA_DB")}
    server = subprocess.Popen([sys.executable, "-m", "pingcha", "--db", db, "serve", "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
                              env={**env, "PYTHONUNBUFFERED": "1"})
    client = None
    try:
        server.stdout.readline()
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        before = set(descendants(server.pid))
        client = subprocess.Popen([sys.executable, __file__, "--browser-session", str(port), str(row), passphrase,
                                   json.dumps(then, ensure_ascii=False)], stdout=subprocess.PIPE, text=True)
        if client.stdout.readline().strip() != "READY":
            raise RuntimeError("浏览器会话没有完成登录")
        time.sleep(2)  # let the screen settle
        new = [p for p in descendants(server.pid) if p not in before]
        measured = [memory_of(p) for p in new if "pingcha" in Path(f"/proc/{p}/cmdline").read_bytes().decode()
                    and b"serve" not in Path(f"/proc/{p}/cmdline").read_bytes()]
        return max(measured)  # the UI's python, not the shell that started it
    finally:
        if client is not None:
            client.kill()
            client.wait()
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def memory_test(db: str, folder: Path, evaluators: list[str]) -> None:
    from pingcha.services.access import issue_credentials
    from pingcha.services.queries import roster
    from pingcha.store import open_store

    evaluator = evaluators[0]
    store = open_store(db)
    try:
        names = [p.name for p in roster(store, ACTIVITY)]
        issued = issue_credentials(store, ACTIVITY, [evaluator, LEADERS[0]], folder / "slips.csv", "基准")
    finally:
        store.dispose()
    passphrases = {i.name: i.passphrase for i in issued}
    cases = [
        ("评查员，打开一张评查表后", evaluator, [(ENTER, "每次修改即已保存")]),
        ("组长，打开“2 进度”“4 结果”页面后", LEADERS[0], [("2", "抽查案卷"), ("4", "罚〔2024〕")]),
    ]
    for label, who, then in cases:
        rss, pss = measure_session(db, who, names.index(who), passphrases[who], then)
        print(f"浏览器会话的内存（{label}）：RSS {rss:.0f} MB，PSS {pss:.0f} MB（目标 < 120 MB）")


# -- main ------------------------------------------------------------------------------------------------------------

def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--browser-session":
        port, row, passphrase, then = sys.argv[2:6]
        try:
            asyncio.run(browser_session(int(port), int(row), passphrase, [tuple(t) for t in json.loads(then)]))
        except KeyboardInterrupt:
            pass
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--changes", type=int, default=200)
    parser.add_argument("--pause", default="0,0.25", help="seconds between one session's changes, comma-separated runs")
    parser.add_argument("--db", default=os.environ.get("PINGCHA_TEST_POSTGRES"), help="PostgreSQL server URL")
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--no-memory", action="store_true")
    args = parser.parse_args()
    pauses = [float(p) for p in args.pause.split(",")]
    engines = args.engines.split(",")
    print(f"本机 {os.cpu_count()} 核，负载 {os.getloadavg()[0]:.1f}（其他任务同时在运行时，数字偏慢）")
    folder = Path(tempfile.mkdtemp(prefix="pingcha-room-"))
    try:
        sqlite_db = None
        for pause in pauses:
            if "sqlite" in engines:
                db = str(folder / f"room-{pause:g}.db")
                evaluators = build(db, args.sessions, folder)
                load_test("SQLite", db, evaluators, args.changes, pause)
                sqlite_db = sqlite_db or db
            if "postgres" in engines:
                if not args.db:
                    print("PostgreSQL：跳过（用 --db 或 PINGCHA_TEST_POSTGRES 指定服务器）")
                    continue
                url, drop = scratch_postgres(args.db)
                try:
                    evaluators = build(url, args.sessions, folder)
                    load_test("PostgreSQL", url, evaluators, args.changes, pause)
                finally:
                    drop()
        if not args.no_memory:
            if sqlite_db is None:
                sqlite_db = str(folder / "memory.db")
                build(sqlite_db, args.sessions, folder)
            memory_test(sqlite_db, folder, [f"评查员{n:02d}" for n in range(1, args.sessions + 1)])
        print(f"本机负载（1 分钟平均）：{os.getloadavg()[0]:.1f}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
