"""Speed of the terminal UI: launch to the first interactive screen, and key press to repaint while scoring.

    python benchmarks/bench_tui.py [--presses 100] [--launches 5]

Builds a demo activity (the shipped 2024.1 rubric, the sample register) in a temporary folder, then:
  1. starts the app as a real process on a pseudo-terminal, `--launches` times, and times from the start of the
     process until the file list has been drawn (the first screen that takes keys);
  2. drives the scoring screen with Pilot, `--presses` presses of each kind, and times each press from the key
     event to the last repaint it caused (deduction keys write to the database; moves do not).
Prints median and worst, and their ratio to the targets (1.5 s to interactive, 50 ms per key press).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pingcha.cli import main as cli  # noqa: E402

ACTIVITY, EVALUATOR = "演示", "董文"
LAUNCH_TARGET = 1.5
KEY_TARGET = 0.050


def build(db: Path) -> None:
    base = ["--db", str(db), "--as", "bench"]
    for step in (
        ["rubric", "load", str(REPO / "scoring_rules" / "xiqu-xzcf-2024.1.toml")],
        ["activity", "create", ACTIVITY, "--rubric", "xiqu-xzcf@2024.1"],
        ["cases", "import", ACTIVITY, str(REPO / "sample_cases" / "register.csv")],
        ["evaluators", "import", ACTIVITY, str(REPO / "sample_cases" / "roster.csv")],
        ["sample", ACTIVITY, "--seed", "1", "--per-agency", "4"],
        ["assign", ACTIVITY, "--seed", "1"],
    ):
        assert cli([*base, *step]) == 0, step


def time_launch(db: Path, timeout: float = 30.0) -> float:
    """Seconds from fork to the file list on screen, for a real process on a pty."""
    import fcntl
    import pty
    import signal
    import struct
    import termios

    script = ("from pingcha.store import open_store; from pingcha.tui import run_app; "
              f"run_app(open_store({str(db)!r}), activity={ACTIVITY!r}, user={EVALUATOR!r})")
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(REPO)
        os.environ["TERM"] = "xterm-256color"
        os.execv(sys.executable, [sys.executable, "-c", script])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    output = bytearray()
    marker = "已提交 0/6".encode()
    try:
        while time.perf_counter() - start < timeout:
            output.extend(os.read(fd, 65536))
            if marker in output:
                return time.perf_counter() - start
        raise RuntimeError("the app did not show the file list in time")
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)


async def time_first_press(db: Path, sessions: int) -> tuple[list[float], list[float]]:
    """Seconds from the first key press of a fresh session (a deduction, written to the database) to its repaint,
    as wall time and as CPU time of the process (the CPU figure holds when other jobs load the machine)."""
    import shutil

    from pingcha.store import open_store
    from pingcha.tui.app import PingchaApp

    samples, cpu = [], []
    for index in range(sessions):
        copy = db.with_name(f"first-{index}.db")
        shutil.copy(db, copy)
        store = open_store(str(copy))
        app = PingchaApp(store, activity=ACTIVITY, user=EVALUATOR)
        painted: list[tuple[float, float]] = []
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("enter")
            await pilot.pause(0.5)  # a person reads the screen before the first key
            display = app._display

            def timed_display(screen, renderable, display=display, painted=painted):
                if renderable is not None:
                    render = getattr(renderable, "render_segments", None)
                    if render is not None:
                        render(app.console)
                    painted.append((time.perf_counter(), time.process_time()))
                display(screen, renderable)

            app._display = timed_display
            start, start_cpu = time.perf_counter(), time.process_time()
            await pilot.press("a")
            end, end_cpu = painted[-1] if painted else (time.perf_counter(), time.process_time())
            samples.append(end - start)
            cpu.append(end_cpu - start_cpu)
        store.dispose()
    return samples, cpu


async def time_keys(db: Path, presses: int) -> dict[str, list[float]]:
    """Per kind of key, seconds from each key event to the last repaint it caused (Pilot, 120×40)."""
    from pingcha.store import open_store
    from pingcha.tui.app import PingchaApp

    store = open_store(str(db))
    app = PingchaApp(store, activity=ACTIVITY, user=EVALUATOR)
    painted: list[float] = []
    timings: dict[str, list[float]] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")  # open the first file
        display = app._display

        def timed_display(screen, renderable):
            if renderable is not None:
                # What a real terminal write costs: turning the update into escape sequences.
                render = getattr(renderable, "render_segments", None)
                if render is not None:
                    render(app.console)
                painted.append(time.perf_counter())
            display(screen, renderable)

        app._display = timed_display
        kinds = {
            "扣分/减扣（写数据库）": ["a", "minus"],
            "上下移动项目": ["down", "up"],
            "输入编号跳转": ["D", "1", "2", "A", "1"],
        }
        for kind, cycle in kinds.items():
            samples = []
            for index in range(presses):
                key = cycle[index % len(cycle)]
                painted.clear()
                start = time.perf_counter()
                await pilot.press(key)
                end = painted[-1] if painted else time.perf_counter()
                samples.append(end - start)
            timings[kind] = samples
    store.dispose()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=100)
    parser.add_argument("--launches", type=int, default=5)
    parser.add_argument("--sessions", type=int, default=5, help="fresh sessions for the first key press")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.db"
        import contextlib
        import io

        with contextlib.redirect_stdout(io.StringIO()):
            build(db)
        launches = [time_launch(db) for _ in range(args.launches)]
        keys = asyncio.run(time_keys(db, args.presses))
        first, first_cpu = asyncio.run(time_first_press(db, args.sessions))
    median = statistics.median(launches)
    print(f"启动到可操作（{args.launches} 次，真实进程 + 伪终端，120×40）")
    print(f"  中位数 {median:.3f} s，最慢 {max(launches):.3f} s；目标 {LAUNCH_TARGET} s，"
          f"中位数/目标 = {median / LAUNCH_TARGET:.2f}")
    print(f"会话第一次按键到重绘（扣分，写数据库；{args.sessions} 个新会话）：中位数 {statistics.median(first) * 1000:.1f} ms，"
          f"最慢 {max(first) * 1000:.1f} ms；目标 {KEY_TARGET * 1000:.0f} ms，最慢/目标 = {max(first) / KEY_TARGET:.2f}")
    print(f"  其中进程 CPU 时间：中位数 {statistics.median(first_cpu) * 1000:.1f} ms，最慢 {max(first_cpu) * 1000:.1f} ms")
    print(f"评分界面按键到重绘（2024.1 全部 47 项，每类 {args.presses} 次，Pilot）")
    for kind, samples in keys.items():
        median = statistics.median(samples)
        worst = max(samples)
        print(f"  {kind}：中位数 {median * 1000:.1f} ms，最慢 {worst * 1000:.1f} ms；目标 {KEY_TARGET * 1000:.0f} ms，"
              f"中位数/目标 = {median / KEY_TARGET:.2f}，最慢/目标 = {worst / KEY_TARGET:.2f}")


if __name__ == "__main__":
    main()
