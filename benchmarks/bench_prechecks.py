"""预检 at scale: a 50,000-row register through every check, and the findings of one open file.

Builds a register of N rows (every tenth with a defect the checks find, fines in Arabic and Chinese
numerals), imports it into a fresh SQLite database, then times ``precheck_activity`` over the whole
register and ``file_findings`` for one file as the scoring screen calls it when a file is opened.
Targets (issue 11): the register in < 5 s; one file's findings in < 16 ms.

    python benchmarks/bench_prechecks.py [N]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pingcha.services import activities, draw, registers  # noqa: E402
from pingcha.services.prechecks import file_findings, precheck_activity  # noqa: E402
from pingcha.services.sheets import sheet_ref  # noqa: E402
from pingcha.store import open_store  # noqa: E402

RUBRIC = Path(__file__).resolve().parent.parent / "scoring_rules" / "xiqu-xzcf-2024.2.toml"
TARGET_ROWS, TARGET_SECONDS, TARGET_OPEN_MS = 50_000, 5.0, 16.0
FINES = ("罚款5000元", "罚款人民币伍仟元", "罚款3万元", "责令改正并罚款1.5万元", "警告", "没收违法所得2000元并罚款一万二千元")


def register_text(rows: int) -> str:
    lines = ["案号,执法部门,案由,当事人,当事人类型,程序类型,处罚决定,立案日期,决定日期,送达日期,结案日期,执法人员"]
    start = date(2024, 1, 1)
    for n in range(1, rows + 1):
        filed = start + timedelta(days=n % 200)
        decided = filed + timedelta(days=120 if n % 10 == 3 else 30)
        served = decided + timedelta(days=12 if n % 10 == 5 else 2)
        number = f"0{n}" if n % 10 == 7 else str(n)
        officers = "王强" if n % 10 == 9 else "王强、李明"
        lines.append(f"测罚〔2024〕{number}号,第{n % 40}执法局,案由{n},当事人{n},{'单位' if n % 3 else '个人'},普通程序,"
                     f"{FINES[n % len(FINES)]},{filed},{decided},{served},{served + timedelta(days=10)},{officers}")
    return "\n".join(lines) + "\n"


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else TARGET_ROWS
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(str(Path(folder) / "bench.db"))
        activities.create_activity(store, "基准", str(RUBRIC), "基准")
        path = Path(folder) / "register.csv"
        path.write_text(register_text(rows), encoding="utf-8")
        registers.import_register(store, "基准", path, "基准")
        roster = Path(folder) / "roster.csv"
        roster.write_text("姓名,单位\n张评查,区司法局\n李评查,区法院\n", encoding="utf-8")
        registers.import_roster(store, "基准", roster, "基准")

        started = time.perf_counter()
        report = precheck_activity(store, "基准")
        whole = time.perf_counter() - started
        print(f"预检 {rows:,} 件案卷：{whole:.2f} s，{len(report.run.findings):,} 处提示，"
              f"{report.run.files_with_findings:,} 件（目标 < {TARGET_SECONDS:.0f} s）")

        draw.draw_files(store, "基准", "1", "基准", total=20)
        draw.assign(store, "基准", "1", "基准")
        drawn = precheck_activity(store, "基准", drawn=True).run
        case_no = (drawn.findings[0].case_no if drawn.findings else None)
        with store.read() as session:
            from sqlmodel import select

            from pingcha.store.models import Assignment, CaseFile, Evaluator

            query = (select(CaseFile.case_no, Evaluator.name).join(Assignment, Assignment.case_file_id == CaseFile.id)
                     .join(Evaluator, Evaluator.id == Assignment.evaluator_id))
            pairs = session.exec(query).all()
        case_no, evaluator = next((c, e) for c, e in pairs if case_no in (None, c))
        ref = sheet_ref(store, "基准", evaluator, case_no)
        times = []
        for _ in range(50):
            started = time.perf_counter()
            found = file_findings(store, ref)
            times.append((time.perf_counter() - started) * 1000)
        print(f"打开一件案卷时读取预检提示（{case_no}，{len(found)} 处）：中位数 {statistics.median(times):.1f} ms，"
              f"最慢 {max(times):.1f} ms（目标 < {TARGET_OPEN_MS:.0f} ms）")
        store.dispose()


if __name__ == "__main__":
    main()
