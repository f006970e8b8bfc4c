"""Costs at city and province scale (issue 8): does each step cost the same per file at 50,000 files as at 2,000?

    python benchmarks/bench_scale.py [--sizes 2000,20000,50000] [--keep]

For each size it builds a fresh activity on a SQLite file with the shipped 2024.1 rubric: a register of that many
files (one agency per 500 files, at least 12), a roster of one evaluator per 250 files (at least 10; 200 at 50,000),
two evaluators a file, so 100,000 sheets at 50,000 files. Each step runs the real ``pingcha`` command in a fresh
child process (imports done before the clock starts), one run each for the steps that write the activity:
  register import · draw (sample --total, all files) · assign · sheets import --submit (one JSON file per evaluator,
  about 3 deductions a sheet, every other item decided); three runs each, the median shown with the range, for
  those that only read it: results · 通报 (report bulletin) · 汇总表 (report summary). This machine's speed varies by
  a quarter from one run to the next.
The register CSV and the sheets JSON are generated in bulk (the sheets from the stored assignments).
Prints, per step: seconds (wall), CPU seconds, milliseconds per file, peak RSS of the process, output size, and the
ratio of the per-file time at the largest size to that at the smallest (target ≤ 1.5), also net of the fixed cost
of starting a command (``activity list`` on the same database), which otherwise flatters the small size.

Then, on the largest database: the 组长's 进度, 结果 and 复核 pages in the UI (Pilot, 120×40): key to the first
repaint, to the data shown, and key presses while it loads (switching between two light pages, key to repaint);
then 进度 again after a change that computes everything again (a document setting), with 20 keys after it is
shown, while the results it replaced are let go of. Then saving one change to a draft sheet of that activity
(``sheets.change_sheet``, 300 changes, ``synchronous=FULL``) next to a raw sqlite3 INSERT + COMMIT in WAL with
``synchronous=FULL`` on the same disk, interleaved so both see the same disk; median, 99th percentile and their
ratio. Then the results the 组长's pages show: computed once, then brought up to date after each of 20 changes
(only that file again).

Absolute targets at 50,000 files (issue 8): sheets import+submit < 60 s, draw < 3 s, results < 3 s,
通报 < 10 s and < 500 MB, 汇总表 < 10 s; one saved change p99 < 5 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

RUBRIC = REPO / "scoring_rules" / "xiqu-xzcf-2024.1.toml"
ACTIVITY = "规模"
ACTOR = "基准"
STEPS = ["导入案卷目录", "抽取", "分配", "导入并提交评查表", "结果", "通报", "汇总表"]
STEP_EN = {"导入案卷目录": "register import", "抽取": "draw", "分配": "assign", "导入并提交评查表": "sheets import --submit",
           "结果": "results", "通报": "bulletin", "汇总表": "summary"}
TARGETS = {"抽取": 3.0, "导入并提交评查表": 60.0, "结果": 3.0, "通报": 10.0, "汇总表": 10.0}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗欧阳司马诸葛"
GIVEN = "建国明强华文军燕秀丽伟芳娜敏静磊洋勇艳杰涛超"


# ---------------------------------------------------------------- child: one command, timed from inside

def child(out: str, argv: list[str]) -> None:
    """Run one ``pingcha`` command with its imports already done, and write its time and peak memory."""
    import pingcha.reports.bulletin  # noqa: F401 - imported before the clock, as a warm process would have them
    import pingcha.reports.summary  # noqa: F401
    import pingcha.services.draw  # noqa: F401
    import pingcha.services.results  # noqa: F401
    import pingcha.services.sheets  # noqa: F401
    from pingcha.cli import main

    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    before = resource.getrusage(resource.RUSAGE_SELF)
    sink = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    real_stdout, sys.stdout = sys.stdout, sink
    start = time.perf_counter()
    try:
        code = main(argv)
    finally:
        seconds = time.perf_counter() - start
        sys.stdout = real_stdout
    after = resource.getrusage(resource.RUSAGE_SELF)
    Path(out).write_text(json.dumps({
        "rc": code, "seconds": seconds,
        "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        "rss_mb": after.ru_maxrss / 1024, "base_rss_mb": base_rss / 1024,
    }), encoding="utf-8")


async def ui_timings(db: str, leader: str) -> dict:
    """The 组长's pages on this activity, driven with Pilot at 120×40: from the key to the first repaint (the page
    with its loading indicator), to the page and its charts ready, and key presses answered meanwhile (key to its
    repaint), beside the same keys with nothing computing."""
    import asyncio

    from textual import events

    from pingcha.services.activities import update_settings
    from pingcha.store import open_store
    from pingcha.tui.app import PingchaApp
    from pingcha.tui.screens.home import TAB_KEYS
    from pingcha.tui.widgets.panes import DerivedPane

    store = open_store(db)
    app = PingchaApp(store, activity=ACTIVITY, user=leader)
    painted: list[float] = []
    figures: dict = {}
    start = time.perf_counter()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        figures["open"] = time.perf_counter() - start
        display = app._display

        def timed_display(screen, renderable):
            if renderable is not None:
                render = getattr(renderable, "render_segments", None)
                if render is not None:
                    render(app.console)  # what a real terminal write costs
                painted.append(time.perf_counter())
                pages.append(tabs.active)
            display(screen, renderable)

        tabs = app.screen.query_one("#tabs")
        pages: list[str] = []  # the page shown at each repaint
        app._display = timed_display

        async def answered(key: str) -> float | None:
            """From a key sent as a terminal sends it (through the driver: Pilot's press would first wait for the
            process to be idle, which it is not while a page computes) to the first repaint showing its page (not
            a frame of the loading indicator's or of the tab bar's animation drawn meanwhile)."""
            painted.clear()
            pages.clear()
            wanted = TAB_KEYS[key]
            pressed = time.perf_counter()
            app._driver.send_message(events.Key(key, key))
            while wanted not in pages and time.perf_counter() - pressed < 2:
                await asyncio.sleep(0.002)
            return painted[pages.index(wanted)] - pressed if wanted in pages else None

        def computing() -> bool:
            return any(not worker.is_finished for worker in app.workers)

        # Two light pages without a text field, switched back and forth: each key must repaint at once. First with
        # nothing computing (what such a key costs by itself), then while each page and its charts compute.
        idle = []
        for i in range(30):
            await asyncio.sleep(0.05)
            idle.append(await answered("7" if i % 2 == 0 else "5"))
        figures["idle"] = [k for k in idle if k is not None]
        async def page(tab: str, key: str, after: int = 0) -> dict:
            """The page opened by ``key``: its first repaint, when it is ready, the keys answered meanwhile (and
            ``after`` more once it is shown)."""
            pane = app.screen.query_one(f"#{tab}").query_one(DerivedPane)
            painted.clear()
            began = time.perf_counter()
            await pilot.press(key)
            first = (painted[0] if painted else time.perf_counter()) - began
            keys = []
            while (pane.loading or pane.shown is None or computing()) and time.perf_counter() - began < 600:
                latency = await answered("7" if len(keys) % 2 == 0 else "5")
                if latency is not None:
                    keys.append(latency)
                await asyncio.sleep(0.05)
            ready = time.perf_counter() - began
            for i in range(after):
                latency = await answered("7" if i % 2 == 0 else "5")
                if latency is not None:
                    keys.append(latency)
                await asyncio.sleep(0.05)
            await pilot.press(key)
            await app.workers.wait_for_complete()
            await pilot.pause()
            return {"first": first, "ready": ready, "keys": keys}

        for tab, key in (("progress", "2"), ("results", "4"), ("review", "3")):
            figures[tab] = await page(tab, key)
        # A change that computes everything again (a document setting, not one file's sheets), then 进度 once more:
        # the keys while it and its charts compute, and while the results they replace are let go of.
        update_settings(store, ACTIVITY, {"doc_serial": "9"}, leader)
        figures["again"] = await page("progress", "2", after=20)
    store.dispose()
    return figures


def child_ui(out: str, db: str, leader: str) -> None:
    import asyncio

    figures = asyncio.run(ui_timings(db, leader))
    figures["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    Path(out).write_text(json.dumps(figures), encoding="utf-8")


def run_ui(folder: Path, db: Path) -> dict:
    out = folder / "ui.json"
    proc = subprocess.run([sys.executable, __file__, "--child-ui", str(out), str(db), "评查员0"],
                          capture_output=True, text=True)
    if proc.returncode != 0 or not out.exists():
        sys.exit(f"界面测量失败：\n{proc.stderr[-3000:]}")
    return json.loads(out.read_text(encoding="utf-8"))


def run_step(folder: Path, argv: list[str]) -> dict:
    out = folder / "step.json"
    proc = subprocess.run([sys.executable, __file__, "--child", str(out), "--", *argv], capture_output=True, text=True)
    if proc.returncode != 0 or not out.exists():
        sys.exit(f"步骤失败：pingcha {' '.join(argv)}\n{proc.stderr[-3000:]}")
    figures = json.loads(out.read_text(encoding="utf-8"))
    out.unlink()
    if figures["rc"] != 0:
        sys.exit(f"命令返回 {figures['rc']}：pingcha {' '.join(argv)}\n{proc.stderr[-3000:]}")
    return figures


# ---------------------------------------------------------------- bulk input files

def agency_names(files: int) -> list[str]:
    return [f"第{n}执法局" for n in range(1, max(12, files // 500) + 1)]


def write_register(path: Path, files: int) -> None:
    rng = random.Random(files)
    agencies = agency_names(files)
    with path.open("w", encoding="utf-8") as out:
        out.write("案号,执法部门,案由,当事人,当事人类型,程序类型,立案日期,决定日期,结案日期,执法人员\n")
        for n in range(1, files + 1):
            agency = agencies[n % len(agencies)]
            if rng.random() < 0.6:
                party = SURNAMES[n % len(SURNAMES)] + GIVEN[n % len(GIVEN)] + GIVEN[(n // len(GIVEN)) % len(GIVEN)]
            else:
                party = f"某市第{n}商贸有限公司"
            out.write(f"罚〔2024〕{n}号,{agency},案由{n % 50},{party},,普通程序,2024-01-{1 + n % 28:02d},"
                      f"2024-03-{1 + n % 28:02d},2024-05-{1 + n % 28:02d},执法{n % 97}、执法{n % 89}\n")


def write_roster(path: Path, files: int) -> int:
    agencies = agency_names(files)
    people = max(10, files // 250)
    with path.open("w", encoding="utf-8") as out:
        out.write("姓名,单位,角色\n")
        for n in range(people):
            unit = agencies[n % len(agencies)] if n % 3 else "市司法局"
            out.write(f"评查员{n},{unit},{'组长' if n < 2 else '评查员'}\n")
    return people


def write_sheets(db: Path, folder: Path, files: int) -> tuple[list[Path], tuple[str, str]]:
    """One JSON file per evaluator with a sheet for each file assigned to them, all but one sheet (kept as a draft
    for the save-a-change measurement). Read straight from the stored assignments: input, not a step."""
    from pingcha.rubric import load_rubric_file
    from pingcha.scoring import SHEET_KEYS

    rubric = load_rubric_file(RUBRIC)
    deductions = list(rubric.deduction_by_code.values())
    item_of = {d.code: item.code for item in rubric.items for d in item.deductions}
    rng = random.Random(files)
    with sqlite3.connect(db) as con:
        rows = con.execute(
            "SELECT e.name, c.case_no FROM assignment a JOIN evaluator e ON e.id = a.evaluator_id "
            "JOIN case_file c ON c.id = a.case_file_id ORDER BY e.id, c.row_no").fetchall()
    by_person: dict[str, list[dict]] = {}
    kept = rows[0]
    for name, case_no in rows[1:]:
        chosen = rng.sample(deductions, rng.choice((0, 1, 2, 3, 3, 4, 5, 6)))
        sheet = {"case_no": case_no, "evaluator": name,
                 "deductions": {d.code: rng.randint(1, d.max_times) for d in chosen},
                 "notes": {d.code: f"第{rng.randint(1, 80)}页" for d in chosen[:2]}}
        if "decided" in SHEET_KEYS:
            hit = {item_of[d.code] for d in chosen}
            sheet["decided"] = [item.code for item in rubric.items if item.code not in hit]
        by_person.setdefault(name, []).append(sheet)
    paths = []
    for n, (name, sheets) in enumerate(by_person.items()):
        path = folder / f"sheets-{n:03d}.json"
        path.write_text(json.dumps(sheets, ensure_ascii=False), encoding="utf-8")
        paths.append(path)
    return paths, kept


# ---------------------------------------------------------------- one size

def build(files: int, root: Path) -> dict:
    folder = root / f"n{files}"
    folder.mkdir()
    db = folder / "scale.db"
    base = ["--db", str(db), "--as", ACTOR]
    print(f"\n== {files:,} 件案卷", flush=True)
    run_step(folder, [*base, "rubric", "load", str(RUBRIC)])
    run_step(folder, [*base, "activity", "create", ACTIVITY, "--rubric", "xiqu-xzcf@2024.1"])
    register = folder / "register.csv"
    write_register(register, files)
    people = write_roster(folder / "roster.csv", files)
    run_step(folder, [*base, "evaluators", "import", ACTIVITY, str(folder / "roster.csv")])
    figures: dict[str, dict] = {}
    # What any command costs before it does its work (opening and checking the database): part of every step.
    baseline = run_step(folder, [*base, "activity", "list"])["seconds"]

    def step(name: str, argv: list[str], size: Path | None = None, runs: int = 1) -> None:
        tries = sorted((run_step(folder, [*base, *argv]) for _ in range(runs)), key=lambda f: f["seconds"])
        figures[name] = {**tries[len(tries) // 2], "range": (tries[0]["seconds"], tries[-1]["seconds"])}
        if size is not None:
            figures[name]["bytes"] = sum(p.stat().st_size for p in ([size] if size.is_file() else size.glob("*")))
        f = figures[name]
        print(f"  {name:<8} {f['seconds']:8.2f} s  CPU {f['cpu']:7.2f} s  {f['rss_mb']:6.0f} MB", flush=True)

    step("导入案卷目录", ["cases", "import", ACTIVITY, str(register)], register)
    step("抽取", ["sample", ACTIVITY, "--seed", "1", "--total", str(files)])
    step("分配", ["assign", ACTIVITY, "--seed", "1"])
    sheet_files, kept = write_sheets(db, folder, files)
    sheets = sum(len(json.loads(p.read_text(encoding="utf-8"))) for p in sheet_files)
    step("导入并提交评查表", ["sheets", "import", ACTIVITY, *map(str, sheet_files), "--submit"], folder)
    figures["导入并提交评查表"]["bytes"] = sum(p.stat().st_size for p in sheet_files)
    step("结果", ["results", ACTIVITY], runs=3)
    step("通报", ["report", "bulletin", ACTIVITY, "--allow-pending", "--out", str(folder / "通报.docx")], folder / "通报.docx",
         runs=3)
    step("汇总表", ["report", "summary", ACTIVITY, "--out", str(folder / "汇总表.xlsx")], folder / "汇总表.xlsx", runs=3)
    db_bytes = sum(p.stat().st_size for p in folder.glob("scale.db*"))
    return {"files": files, "people": people, "agencies": len(agency_names(files)), "sheets": sheets + 1,
            "steps": figures, "baseline": baseline, "db": db, "db_bytes": db_bytes, "kept": kept}


# ---------------------------------------------------------------- one saved change, FULL, next to raw sqlite3

def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * q + 0.5) - 1)]


def save_latency(db: Path, kept: tuple[str, str], changes: int = 300) -> dict:
    from sqlalchemy import event

    from pingcha.rubric import load_rubric_file
    from pingcha.services import sheets
    from pingcha.store import open_store

    store = open_store(str(db))

    @event.listens_for(store.engine, "connect")
    def full(dbapi_connection, _record) -> None:  # after the store's own tuning
        dbapi_connection.execute("PRAGMA synchronous = FULL")

    store.engine.dispose()
    with store.engine.connect() as con:
        level = con.exec_driver_sql("PRAGMA synchronous").scalar()
    evaluator, case_no = kept
    ref = sheets.sheet_ref(store, ACTIVITY, evaluator, case_no)
    codes = list(load_rubric_file(RUBRIC).deduction_by_code)[:30]

    raw_path = db.parent / "raw.db"
    raw = sqlite3.connect(raw_path, isolation_level=None)
    raw.execute("PRAGMA journal_mode = WAL")
    raw.execute("PRAGMA synchronous = FULL")
    raw.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, code TEXT, count INTEGER, at TEXT)")
    ours, theirs = [], []
    for n in range(changes):
        start = time.perf_counter()
        sheets.change_sheet(store, ref, evaluator, code=codes[n % len(codes)], count=1 - (n // len(codes)) % 2)
        ours.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        raw.execute("BEGIN IMMEDIATE")
        raw.execute("INSERT INTO t (code, count, at) VALUES (?, ?, ?)", (codes[n % len(codes)], n, time.time()))
        raw.execute("COMMIT")
        theirs.append((time.perf_counter() - start) * 1000)
    raw.close()
    # The 组长's pages after an evaluator's change: the kept results brought up to date, not computed afresh.
    from pingcha.services.results import activity_results

    start = time.perf_counter()
    activity_results(store, ACTIVITY)
    cold = time.perf_counter() - start
    refreshed = []
    for n in range(20):
        sheets.change_sheet(store, ref, evaluator, code=codes[n % len(codes)], count=n % 2)
        start = time.perf_counter()
        activity_results(store, ACTIVITY)
        refreshed.append((time.perf_counter() - start) * 1000)
    store.dispose()
    return {"synchronous": level, "ours": (statistics.median(ours), percentile(ours, 0.99)),
            "raw": (statistics.median(theirs), percentile(theirs, 0.99)),
            "results": (cold, statistics.median(refreshed), max(refreshed))}


# ---------------------------------------------------------------- the table

def human(size: int | None) -> str:
    if size is None:
        return ""
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} B"


def report(runs: list[dict], latency: dict | None, ui: dict | None = None) -> None:
    small, large = runs[0], runs[-1]
    print("\n规模：" + "；".join(f"{r['files']:,} 件 / {r['sheets']:,} 张评查表 / {r['people']} 名评查人员 / "
                               f"{r['agencies']} 个执法部门，数据库 {human(r['db_bytes'])}" for r in runs))
    head = "| 步骤 | " + " | ".join(f"{r['files']:,} 件：秒（每件 ms）" for r in runs)
    head += (f" | 每件耗时比 {large['files']:,}/{small['files']:,}（墙钟 / CPU / 扣除启动） | "
             f"{large['files']:,} 件最大内存 | 大小 | 目标 |")
    print(head)
    print("|---" * (len(runs) + 5) + "|")
    for name in STEPS:
        cells = []
        for r in runs:
            f = r["steps"][name]
            cells.append(f"{f['seconds']:.2f}（{f['seconds'] / r['files'] * 1000:.3f}）")
        per_small = small["steps"][name]["seconds"] / small["files"]
        per_large = large["steps"][name]["seconds"] / large["files"]
        cpu = (large["steps"][name]["cpu"] / large["files"]) / (small["steps"][name]["cpu"] / small["files"])
        net_small = small["steps"][name]["seconds"] - small["baseline"]
        net_large = large["steps"][name]["seconds"] - large["baseline"]
        # Net of the start-up only where the small run did measurable work beyond it.
        net = f"{(net_large / large['files']) / (net_small / small['files']):.2f}" if net_small > small["baseline"] else "—"
        target = f"< {TARGETS[name]:g} s" if name in TARGETS else ""
        mine = large["steps"][name]
        print(f"| {name}（{STEP_EN[name]}） | " + " | ".join(cells) + f" | {per_large / per_small:.2f} / {cpu:.2f} / {net} | "
              f"{mine['rss_mb']:.0f} MB | {human(mine.get('bytes'))} | {target} |")
    repeated = [name for name in STEPS if large["steps"][name]["range"][0] != large["steps"][name]["range"][1]]
    if repeated:
        print(f"只读步骤各测 3 次，表中为中位数；{large['files']:,} 件的范围：" + "；".join(
            f"{name} {large['steps'][name]['range'][0]:.2f}–{large['steps'][name]['range'][1]:.2f} s" for name in repeated))
    print("启动（打开并检查数据库，每个步骤都含）：" + "；".join(f"{r['files']:,} 件 {r['baseline']:.2f} s" for r in runs))
    if ui:
        print(f"\n组长页面（{large['files']:,} 件，Pilot 120×40，以组长“评查员0”打开用时 {ui['open']:.2f} s，"
              f"界面进程最大内存 {ui['rss_mb']:.0f} MB）：")
        def spread(keys: list[float]) -> str:
            ordered = sorted(keys)
            return (f"{len(keys)} 次，中位数 {statistics.median(keys) * 1000:.0f} ms、第 90 百分位 "
                    f"{percentile(ordered, 0.9) * 1000:.0f} ms、最慢 {ordered[-1] * 1000:.0f} ms")

        print(f"  空闲时切换页面的按键（基准）：{spread(ui['idle'])}")
        for tab, title in (("progress", "进度"), ("results", "结果"), ("review", "复核")):
            f = ui[tab]
            keys = f["keys"]
            during = f"加载中按键 {spread(keys)}（目标 < 50 ms）" if keys else "加载太快，未测到加载中的按键"
            print(f"  {title}：按键到页面出现（加载指示）{f['first'] * 1000:.0f} ms（目标 < 1 s），"
                  f"到数据和图表显示 {f['ready']:.2f} s；{during}")
        again = ui["again"]
        print(f"  改一项文书设置（全部重算）后再看进度：到数据和图表显示 {again['ready']:.2f} s；"
              f"其间及显示后 20 次按键 {spread(again['keys'])}（目标 < 50 ms）")
    if latency:
        (om, op), (rm, rp) = latency["ours"], latency["raw"]
        print(f"\n保存一次修改（{large['files']:,} 件的活动，synchronous={latency['synchronous']}（2 = FULL），300 次）："
              f"中位数 {om:.2f} ms，第 99 百分位 {op:.2f} ms（目标 < 5 ms）；"
              f"同盘原始 sqlite3 INSERT+COMMIT（WAL，FULL）：中位数 {rm:.2f} ms，第 99 百分位 {rp:.2f} ms；"
              f"比值 中位数 {om / rm:.1f} 倍，第 99 百分位 {op / rp:.1f} 倍")
        cold, median, worst = latency["results"]
        print(f"组长页面所用的结果：首次计算 {cold:.2f} s；此后每修改一处（20 次）只重算该案卷，"
              f"中位数 {median:.0f} ms，最慢 {worst:.0f} ms")


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[4:])
        return
    if len(sys.argv) > 4 and sys.argv[1] == "--child-ui":
        child_ui(*sys.argv[2:5])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,20000,50000", help="逗号分隔的案卷件数，如 2000,20000")
    parser.add_argument("--keep", action="store_true", help="保留临时文件夹（数据库和生成的文件）")
    parser.add_argument("--no-latency", action="store_true", help="不测保存一次修改的延迟")
    parser.add_argument("--no-ui", action="store_true", help="不测组长页面（进度、结果、复核）")
    args = parser.parse_args()
    sizes = sorted(int(s.replace("_", "")) for s in args.sizes.split(","))
    root = Path(tempfile.mkdtemp(prefix="pingcha-scale-"))
    try:
        runs = [build(files, root) for files in sizes]
        ui = None if args.no_ui else run_ui(runs[-1]["db"].parent, runs[-1]["db"])
        latency = None if args.no_latency else save_latency(runs[-1]["db"], runs[-1]["kept"])
        report(runs, latency, ui)
    finally:
        if args.keep:
            print(f"\n文件保存在 {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
