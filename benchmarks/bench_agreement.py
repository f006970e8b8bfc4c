"""Agreement between evaluators (§9) on a large activity.

Builds 10,000 files × 2 submitted sheets (random deductions, 不适用 items and vetoes on the shipped
xiqu-xzcf@2024.1, 60 evaluators, three of them planted harsh or lenient), then times the agreement figures:
alpha on scores and on vetoes, every item's disagreement, every evaluator's offset with its t-interval, and
drift. Target (issue 12): under 2 s. With ``--db`` it also builds the activity in a SQLite database and times
``activity_agreement`` from it, reading and scoring included (that part is bounded by ``activity_results``).

    python benchmarks/bench_agreement.py [FILES] [--db]
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pingcha.agreement import RatedSheet, agreement  # noqa: E402
from pingcha.rubric import load_rubric_file  # noqa: E402
from pingcha.scoring import Sheet, score_sheet  # noqa: E402

RUBRIC = Path(__file__).resolve().parent.parent / "scoring_rules" / "xiqu-xzcf-2024.1.toml"
TARGET_SECONDS = 2.0
PEOPLE = [f"评查员{n:02d}" for n in range(60)]
BIAS = {"评查员00": 3, "评查员01": 2, "评查员02": -2}  # extra deductions (harsh) or fewer (lenient)


def random_found(rubric, rng: random.Random, extra: int) -> Sheet:
    deductions = list(rubric.deduction_by_code.values())
    na_items = [i.code for i in rubric.items if i.na_allowed]
    na = frozenset(rng.sample(na_items, rng.randint(0, 2)))
    found = {}
    for d in rng.sample(deductions, max(0, rng.randint(1, 5) + extra)):
        if rubric.item_of_deduction[d.code].code not in na:
            found[d.code] = rng.randint(1, d.max_times)
    veto = frozenset({rubric.vetoes[0].code}) if rng.random() < 0.03 else frozenset()
    return Sheet(deductions=found, na=na, veto=veto)


def rated_panel(rubric, files: int, seed: int = 12) -> list[list[RatedSheet]]:
    rng = random.Random(seed)
    panel = []
    for _ in range(files):
        sheets = []
        for name in rng.sample(PEOPLE, 2):
            result = score_sheet(rubric, random_found(rubric, rng, BIAS.get(name, 0)))
            sheets.append(RatedSheet(name, result.score, frozenset(result.vetoes), result.deducted, result.na))
        panel.append(sheets)
    return panel


def from_database(rubric_path: Path, files: int) -> None:
    from pingcha.services import activities, draw, registers, sheets
    from pingcha.services.agreement import activity_agreement
    from pingcha.store import open_store

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_activity import register_csv, roster_csv

    folder = Path(tempfile.mkdtemp(prefix="pingcha-bench-agreement-"))
    store = open_store(str(folder / "bench.db"))
    rubric = load_rubric_file(rubric_path)
    activities.create_activity(store, "一致性", str(rubric_path), "基准")
    registers.import_register(store, "一致性", register_csv(folder / "r.csv", files, "致"), "基准")
    registers.import_roster(store, "一致性", roster_csv(folder / "e.csv"), "基准")
    draw.draw_files(store, "一致性", "1", "基准", total=files)
    draw.assign(store, "一致性", "1", "基准")
    from pingcha.services.results import activity_results

    rng = random.Random(3)
    batch = []
    for f in activity_results(store, "一致性").files:
        for name in f.evaluators:
            sheet = random_found(rubric, rng, 0)
            batch.append({"case_no": f.case.case_no, "evaluator": name, "deductions": dict(sheet.deductions),
                          "na": sorted(sheet.na), "veto": sorted(sheet.veto)})
    (folder / "s.json").write_text(json.dumps(batch, ensure_ascii=False), encoding="utf-8")
    sheets.import_sheet_files(store, "一致性", [str(folder / "s.json")], "基准", submit=True)
    start = time.perf_counter()
    view = activity_agreement(store, "一致性")
    seconds = time.perf_counter() - start
    print(f"从数据库计算（读取、计分与一致性，{view.agreement.files} 件 × 2 张）：{seconds:.2f} s（{folder}）")


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    files = int(args[0]) if args else 10_000
    rubric = load_rubric_file(RUBRIC)
    panel = rated_panel(rubric, files)
    codes = [item.code for item in rubric.items]
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        result = agreement(panel, codes)
        timings.append(time.perf_counter() - start)
    best = min(timings)
    print(f"规模：{files} 件案卷 × 2 张评查表，{len(codes)} 个项目，{len(PEOPLE)} 名评查人员")
    print(f"一致性计算（α 两项、各项目分歧率、各人偏差与区间、前后变化）：最快 {best:.2f} s，"
          f"最慢 {max(timings):.2f} s；目标 < {TARGET_SECONDS:.0f} s，占目标 {best / TARGET_SECONDS:.0%}")
    print(f"  α（得分）= {result.alpha_score:.3f}，α（否决项）= {result.alpha_vetoes:.3f}")
    flagged = [(e.name, e.flag, float(e.offset)) for e in result.evaluators if e.flag]
    print("  标记：" + ("，".join(f"{n} {f}（{o:+.1f}）" for n, f, o in flagged) or "无"))
    if "--db" in sys.argv:
        from_database(RUBRIC, files)


if __name__ == "__main__":
    main()
