"""Speed of the reports for a city-sized activity: 2,000 files, two sheets each.

Targets (issue 5): the 通报 with its 2,000-row attachment under 5 s, the 汇总表 under 3 s.
Run: python benchmarks/bench_reports.py [FILES]
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


def timed(label: str, action, out: Path) -> float:
    start = time.perf_counter()
    action(out)
    seconds = time.perf_counter() - start
    target = TARGETS[label]
    size = out.stat().st_size / 1024
    print(f"{label}：{size:,.0f} KB，{seconds:.2f} 秒，目标 {target:.0f} 秒（用时为目标的 {seconds / target:.0%}）")
    return seconds


def main(argv: list[str]) -> int:
    count = int(argv[0]) if argv else 2000
    start = time.perf_counter()
    results = synthetic_results(count)
    print(f"合成 {count} 件案卷的评查结果：{time.perf_counter() - start:.2f} 秒")
    with tempfile.TemporaryDirectory() as folder:
        bulletin = timed("通报", lambda out: render_bulletin(results, out), Path(folder) / "通报.docx")
        summary = timed("汇总表", lambda out: write_summary(results, out), Path(folder) / "汇总表.xlsx")
    return 0 if bulletin <= TARGETS["通报"] and summary <= TARGETS["汇总表"] else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
