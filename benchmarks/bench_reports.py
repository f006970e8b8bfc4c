"""Speed of the reports for a city-sized activity: 2,000 files, two sheets each, and how it grows.

Targets (issue 5): the 通报 with its 2,000-row attachment under 5 s, the 汇总表 under 3 s.
Issue 13: the cost grows linearly: 20,000 files take about ten times what 2,000 take (the annex
tables are written as XML in one pass, not through docxtpl's row loop, which is quadratic).
Run: python benchmarks/bench_reports.py [FILES…]   (default: 2000 20000)
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from pingcha.paths import scoring_rules_dir
from pingcha.reports import render_bulletin, write_summary
from pingcha.results import (
    FINAL,
    NEEDS_REVIEW,
    PENDING,
    ActivityResults,
    AgencyResult,
    CaseFile,
    Evaluator,
    FileResult,
    SheetView,
)
from pingcha.rubric import load_rubric_file
from pingcha.outcome import file_outcome
from pingcha.scoring import Sheet, agency_mean, score_sheet

TARGETS = {"通报": 5.0, "汇总表": 3.0}
AGENCIES = ["区综合执法局", "区市场监管局", "区文广旅局", "区应急管理局", "区农业农村和交通运输局", "格里坪镇人民政府",
            "清香坪街道办事处", "大宝鼎街道办事处", "河门口街道办事处", "玉泉街道办事处", "摩梭河街道办事处", "陶家渡街道办事处"]
CODES = ["川攀西综执罚", "川攀西市监罚", "川攀西文旅罚", "川攀西应急罚", "川攀西农交罚", "格镇罚", "清街罚", "大街罚", "河街罚",
         "玉街罚", "摩街罚", "陶街罚"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "建国明强华文军燕秀丽伟芳娜敏静磊洋勇艳杰涛超"
CAUSES = ["擅自占用城市道路堆放建筑材料", "销售过期食品", "未按规定开展安全培训", "无证经营", "随意倾倒建筑垃圾", "虚假宣传"]


def synthetic_results(count: int, seed: int = 2024) -> ActivityResults:
    rng = random.Random(seed)
    rubric = load_rubric_file(scoring_rules_dir() / "xiqu-xzcf-2024.1.toml")
    deductions = list(rubric.deduction_by_code.values())
    evaluators = tuple(Evaluator(f"评查员{n}", AGENCIES[n % len(AGENCIES)]) for n in range(40))

    def view(name: str, heavy: bool) -> SheetView:
        chosen = rng.sample(deductions, 45 if heavy else rng.randint(0, 6))
        found = {d.code: rng.randint(1, d.max_times) for d in chosen}
        sheet = Sheet(deductions=found, notes={code: f"第{rng.randint(1, 60)}页存在问题" for code in list(found)[:2]})
        return SheetView(name, "已提交", sheet, score_sheet(rubric, sheet), datetime(2024, 4, rng.randint(1, 28)))

    files = []
    for n in range(count):
        agency = n % len(AGENCIES)
        person = rng.random() < 0.6
        # Mostly distinct names, as in a real register: the masking patterns grow with them.
        given = GIVEN[n % len(GIVEN)] + GIVEN[(n // len(GIVEN)) % len(GIVEN)]
        party = SURNAMES[(n // 7) % len(SURNAMES)] + given if person else f"攀枝花市西区第{n}商贸有限公司"
        case = CaseFile(f"{CODES[agency]}〔2024〕{n // len(AGENCIES) + 1}号", AGENCIES[agency], rng.choice(CAUSES), party,
                        "个人" if person else "单位", closed_on=date(2024, 5, 1))
        heavy = rng.random() < 0.05
        sheets = (view(f"评查员{(n * 2) % 40}", heavy), view(f"评查员{(n * 2 + 1) % 40}", heavy))
        if rng.random() < 0.01:
            files.append(FileResult(case, PENDING, None, None, tuple(s.evaluator for s in sheets), sheets[:1]))
            continue
        outcome = file_outcome(rubric, len(sheets), [s.result for s in sheets], None, Decimal("10"))
        files.append(FileResult(case, outcome.status, outcome.score, outcome.grade, tuple(s.evaluator for s in sheets),
                                sheets, reasons=outcome.reasons))
    agencies = []
    for name in AGENCIES:
        mine = [f for f in files if f.case.agency == name]
        mean, grade = agency_mean(rubric, [f.score for f in mine if f.status == FINAL])
        counts = [sum(f.status == status for f in mine) for status in (FINAL, PENDING, NEEDS_REVIEW)]
        agencies.append(AgencyResult(name, len(mine), *counts, mean, grade))
    return ActivityResults("2024年度全市行政处罚案卷评查", 1, rubric, datetime(2024, 3, 1), 2, Decimal("10"), evaluators,
                           tuple(files), tuple(agencies), register_size=count * 3, register_agencies=len(AGENCIES))


# 20,000 files may take at most this many times what 2,000 take (10 would be exactly linear).
GROWTH_LIMIT = 15


def timed(label: str, action, out: Path, target: float | None) -> float:
    start = time.perf_counter()
    action(out)
    seconds = time.perf_counter() - start
    size = out.stat().st_size / 1024
    goal = f"，目标 {target:.0f} 秒（用时为目标的 {seconds / target:.0%}）" if target else ""
    print(f"{label}：{size:,.0f} KB，{seconds:.2f} 秒{goal}")
    return seconds


def measure(count: int) -> dict[str, float]:
    start = time.perf_counter()
    results = synthetic_results(count)
    print(f"合成 {count} 件案卷的评查结果：{time.perf_counter() - start:.2f} 秒")
    targets = TARGETS if count == 2000 else {}
    with tempfile.TemporaryDirectory() as folder:
        return {
            "通报": timed("通报", lambda out: render_bulletin(results, out, allow_pending=True), Path(folder) / "通报.docx",
                        targets.get("通报")),
            "汇总表": timed("汇总表", lambda out: write_summary(results, out), Path(folder) / "汇总表.xlsx",
                         targets.get("汇总表")),
        }


def main(argv: list[str]) -> int:
    counts = [int(a) for a in argv] or [2000, 20000]
    timings = {count: measure(count) for count in counts}
    ok = all(timings[2000][label] <= target for label, target in TARGETS.items()) if 2000 in timings else True
    small, large = min(counts), max(counts)
    if large > small:
        for label in ("通报", "汇总表"):
            growth = timings[large][label] / timings[small][label]
            verdict = "线性" if growth <= GROWTH_LIMIT * large / small / 10 else "超线性"
            print(f"{label}：{large} 件用时是 {small} 件的 {growth:.1f} 倍（案卷数 {large / small:.0f} 倍，{verdict}）")
            ok = ok and (label != "通报" or verdict == "线性")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
