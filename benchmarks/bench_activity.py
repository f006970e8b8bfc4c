"""An activity at provincial scale: building it, saving one change, computing results, importing.

Sizes (issue 3): 5,000 files, 2 evaluators each, a 60-item rubric, about 3 deductions a sheet.
Targets: one saved change under 5 ms (median and 99th percentile), all results under 1 s,
a 10,000-row register imported in under 3 s. Runs on a SQLite file in a temporary folder.

    python benchmarks/bench_activity.py [FILES]
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pingcha.services import activities, draw, registers, results, rubrics, sheets  # noqa: E402
from pingcha.store import open_store  # noqa: E402

AGENCIES = [f"第{n}执法局" for n in range(1, 21)]


def rubric_toml(items: int = 60) -> str:
    lines = ['[rubric]', 'id = "bench"', 'version = "1"', 'title = "基准测试标准"', "total = 120",
             '[[grades]]', 'name = "优秀"', "min = 108", '[[grades]]', 'name = "合格"', "min = 72",
             '[[grades]]', 'name = "不合格"', "min = 0",
             '[[veto]]', 'code = "V1"', 'title = "主体不合法"', 'effect = "zero"']
    for c in range(6):
        lines += ["[[category]]", f'code = "C{c}"', f'title = "类别{c}"']
        for i in range(items // 6):
            code = f"C{c}I{i}"
            lines += ["[[category.item]]", f'code = "{code}"', f'title = "项目{code}"', "points = 2",
                      f"na_allowed = {'true' if i == 0 else 'false'}", "deductions = ["]
            lines += [f'  {{ code = "{code}{k}", text = "扣分情形{k}", points = {p}, max_times = 3 }},'
                      for k, p in (("a", 0.5), ("b", 1), ("c", 2))]
            lines.append("]")
    return "\n".join(lines) + "\n"


def register_csv(path: Path, rows: int, prefix: str) -> Path:
    rng = random.Random(rows)
    with path.open("w", encoding="utf-8") as out:
        out.write("案号,执法部门,案由,当事人,当事人类型,程序类型,立案日期,决定日期,执法人员\n")
        for n in range(1, rows + 1):
            agency = AGENCIES[n % len(AGENCIES)]
            out.write(f"{prefix}罚〔2024〕{n}号,{agency},案由{n % 50},当事人{n},{rng.choice(['个人', '单位'])},"
                      f"普通程序,2024-01-{1 + n % 28:02d},2024-03-{1 + n % 28:02d},甲、乙\n")
    return path


def roster_csv(path: Path, people: int = 60) -> Path:
    with path.open("w", encoding="utf-8") as out:
        out.write("姓名,单位,角色\n")
        for n in range(people):
            out.write(f"评查员{n},{AGENCIES[n % len(AGENCIES)] if n % 4 else '区司法局'},{'组长' if n < 2 else '评查员'}\n")
    return path


def timed(label: str, action):
    start = time.perf_counter()
    value = action()
    seconds = time.perf_counter() - start
    print(f"{label}：{seconds:.2f} s")
    return value, seconds


def main() -> None:
    files = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    folder = Path(tempfile.mkdtemp(prefix="pingcha-bench-"))
    store = open_store(str(folder / "bench.db"))
    (folder / "bench.toml").write_text(rubric_toml(), encoding="utf-8")
    rubric = rubrics.load_rubric(store, folder / "bench.toml", "基准").rubric
    activities.create_activity(store, "基准", rubric.key, "基准")
    print(f"规模：{files} 件案卷，每件 2 人，评分标准 {len(rubric.items)} 个项目，{len(AGENCIES)} 个执法部门，60 名评查人员")

    build_start = time.perf_counter()
    timed(f"导入 {files} 行案卷目录", lambda: registers.import_register(store, "基准", register_csv(folder / "r.csv", files, "基"), "基准"))
    registers.import_roster(store, "基准", roster_csv(folder / "e.csv"), "基准")
    timed("抽取全部案卷", lambda: draw.draw_files(store, "基准", "1", "基准", total=files))
    timed("分配评查人员", lambda: draw.assign(store, "基准", "1", "基准"))
    plan = results.activity_results(store, "基准")
    rng = random.Random(2)
    codes = list(rubric.deduction_by_code)
    batch = [
        {"case_no": f.case.case_no, "evaluator": name,
         "deductions": {code: 1 for code in rng.sample(codes, 3)}, "notes": {}}
        for f in plan.files for name in f.evaluators
    ]
    for sheet in batch:
        sheet["notes"] = {code: f"第{rng.randint(1, 80)}页" for code in sheet["deductions"]}
    (folder / "sheets.json").write_text(json.dumps(batch, ensure_ascii=False), encoding="utf-8")
    timed(f"导入并提交 {len(batch)} 张评查表（每张 3 个扣分）",
          lambda: sheets.import_sheet_files(store, "基准", [str(folder / "sheets.json")], "基准", submit=True, allow_undecided=True))
    print(f"建立整个活动：{time.perf_counter() - build_start:.2f} s")

    # Saving one change: the draft sheets of a second, identical activity's first evaluator.
    activities.create_activity(store, "基准2", rubric.key, "基准")
    registers.import_register(store, "基准2", folder / "r.csv", "基准")
    registers.import_roster(store, "基准2", folder / "e.csv", "基准")
    draw.draw_files(store, "基准2", "1", "基准", total=files)
    draw.assign(store, "基准2", "1", "基准")
    team = results.activity_results(store, "基准2").files[0]
    ref = sheets.sheet_ref(store, "基准2", team.evaluators[0], team.case.case_no)
    durations = []
    for n in range(300):
        code = codes[n % 30]
        start = time.perf_counter()
        sheets.change_sheet(store, ref, ref.evaluator, code=code, count=(n // 30) % 3)
        durations.append((time.perf_counter() - start) * 1000)
    durations.sort()
    p99 = durations[int(len(durations) * 0.99) - 1]
    print(f"保存一次修改（300 次）：中位数 {statistics.median(durations):.2f} ms，第 99 百分位 {p99:.2f} ms"
          f"（目标 < 5 ms，占目标 {p99 / 5:.0%}）")

    outcome, seconds = timed("计算全部结果（5,000 件 × 2 张）" if files == 5000 else "计算全部结果",
                             lambda: results.activity_results(store, "基准"))
    final = sum(1 for f in outcome.files if f.status == "final")
    print(f"  已完成 {final} 件，待复核 {len(outcome.files) - final} 件；目标 < 1 s，占目标 {seconds:.0%}")

    activities.create_activity(store, "导入", rubric.key, "基准")
    path = register_csv(folder / "r10k.csv", 10_000, "导")
    _, seconds = timed("导入 10,000 行案卷目录", lambda: registers.import_register(store, "导入", path, "基准"))
    print(f"  目标 < 3 s，占目标 {seconds / 3:.0%}")
    size = sum(p.stat().st_size for p in folder.glob("bench.db*"))
    print(f"数据库大小：{size / 1_048_576:.1f} MiB（{folder}）")


if __name__ == "__main__":
    main()
