"""Re-scoring many sheets (a provincial activity after a rubric correction).

Scores N random sheets against xiqu-xzcf@2024.1 with the Decimal engine and with a plain-float
version of the same arithmetic, and reports sheets/second and the ratio between the two.
Target (issue 2): 100,000 sheets in under 10 s on one core.

    python benchmarks/bench_scoring.py [N]
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pingcha.rubric import load_rubric_file  # noqa: E402
from pingcha.scoring import Sheet, score_sheet  # noqa: E402

RUBRIC = Path(__file__).resolve().parent.parent / "scoring_rules" / "xiqu-xzcf-2024.1.toml"
TARGET_SECONDS = 10.0
TARGET_SHEETS = 100_000


def random_sheets(rubric, count: int, seed: int = 1) -> list[Sheet]:
    rng = random.Random(seed)
    deductions = list(rubric.deduction_by_code.values())
    na_items = [i.code for i in rubric.items if i.na_allowed]
    vetoes = [v.code for v in rubric.vetoes]
    sheets = []
    for _ in range(count):
        na = frozenset(rng.sample(na_items, rng.randint(0, min(3, len(na_items)))))
        found = {}
        for d in rng.sample(deductions, rng.randint(0, 6)):
            if rubric.item_of_deduction[d.code].code not in na:
                found[d.code] = rng.randint(1, d.max_times)
        veto = frozenset(rng.sample(vetoes, 1)) if vetoes and rng.random() < 0.05 else frozenset()
        sheets.append(Sheet(deductions=found, na=na, veto=veto))
    return sheets


def float_score(rubric, plan, sheet: Sheet) -> float:
    """The same arithmetic in floats: the baseline the Decimal engine is compared with."""
    lost: dict[str, float] = {}
    for code, count in sheet.deductions.items():
        item, points = plan["deduction"][code]
        lost[item] = lost.get(item, 0.0) + points * count
    applicable = plan["total"] - sum(plan["items"][code] for code in sheet.na)
    raw = applicable - sum(min(plan["items"][code], value) for code, value in lost.items())
    if any(v in plan["zero"] for v in sheet.veto):
        return 0.0
    return round(raw * plan["total"] / applicable, 1)


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else TARGET_SHEETS
    rubric = load_rubric_file(RUBRIC)
    sheets = random_sheets(rubric, count)
    plan = {
        "items": {i.code: float(i.points) for i in rubric.items},
        "deduction": {d.code: (rubric.item_of_deduction[d.code].code, float(d.points)) for d in rubric.deduction_by_code.values()},
        "zero": {v.code for v in rubric.vetoes if v.effect == "zero"},
        "total": float(rubric.total),
    }
    start = time.perf_counter()
    for sheet in sheets:
        score_sheet(rubric, sheet)
    decimal_seconds = time.perf_counter() - start
    start = time.perf_counter()
    for sheet in sheets:
        float_score(rubric, plan, sheet)
    float_seconds = time.perf_counter() - start
    projected = decimal_seconds * TARGET_SHEETS / count
    print(f"评分标准：{rubric.key}（{len(rubric.items)} 个项目，{len(rubric.deduction_by_code)} 个扣分情形）")
    print(f"评查表：{count} 张（每张 0–6 个扣分情形，0–3 个不适用项目，约 5% 触发否决项）")
    print(f"Decimal 计分：{decimal_seconds:.2f} s，{count / decimal_seconds:,.0f} 张/秒")
    print(f"float 基线：  {float_seconds:.2f} s，{count / float_seconds:,.0f} 张/秒")
    print(f"Decimal / float 耗时比：{decimal_seconds / float_seconds:.1f}")
    print(f"折算 {TARGET_SHEETS:,} 张：{projected:.2f} s（目标 < {TARGET_SECONDS:.0f} s，占目标 {projected / TARGET_SECONDS:.0%}）")


if __name__ == "__main__":
    main()
