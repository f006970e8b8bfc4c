"""The demo's history: the two years before the demo activity, finished and settled, so that `pingcha stats`,
the 统计分析 report and the 典型案例 have three years to compare.

Built through the same services a person uses (a register and a roster imported from files, a seeded draw and
assignment, sheets imported and submitted as offline scoring does, disputed files settled by a 组长's 复核),
with fixed seeds. The registers are the sample register moved back by whole years (案号 and dates), parties
shuffled among files of the same kind. The older years are scored on the standard then in force (the shipped
version whose effective date precedes the year's end), so the statistics show their caveat about revised
items; files get a little better year by year, and a few defects recur every year, as a real district's do.
"""

from __future__ import annotations

import csv
import io
import json
import random
import tempfile
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from pingcha.errors import UserError
from pingcha.rubric import Rubric
from pingcha.services import activities, draw, registers, review, rubrics, sheets
from pingcha.services.results import activity_results
from pingcha.services.tables import read_table
from pingcha.store import Store
from pingcha.vocabulary import FileStatus, Role

YEARS_BACK = (2, 1)
# Defects that recur year after year in the demo (where the year's standard has them): 询问笔录未逐页签名,
# 告知书记载内容不全, 未按照裁量基准确定违法情节档次.
RECURRING = {"B6b": 0.30, "D5a": 0.25, "E1a": 0.20}
PAGES = ("询问笔录", "行政处罚事先告知书", "行政处罚决定书", "送达回证", "现场检查笔录", "卷内目录")


@dataclass(frozen=True)
class HistoryYear:
    name: str
    year: int
    rubric: str


def history_name(year: int) -> str:
    return f"{year}年度行政处罚案卷交叉评查（演示）"


def history_names(current_year: int) -> list[str]:
    return [history_name(current_year - back) for back in YEARS_BACK]


def rubric_in_force(shipped: list[Rubric], current: Rubric, year: int) -> Rubric:
    """The version of the current standard in force during ``year``: the newest effective by its last day."""
    same = [r for r in shipped if r.id == current.id and r.effective is not None and r.effective <= date(year, 12, 31)]
    if not same:
        return current
    return max(same, key=lambda r: (r.effective, r.version))


def _register_text(source: Path, year: int, current_year: int, rng: random.Random) -> str:
    """The sample register moved back to ``year``: 案号 and dates carry the year, parties are shuffled."""
    table = read_table(source, ())
    rows = [dict(values) for _number, values in table.rows]
    keep = [row for row in rows if rng.random() < 0.9]
    for kind in ("个人", "单位"):
        group = [row for row in keep if row.get("当事人类型") == kind]
        parties = [row["当事人"] for row in group]
        rng.shuffle(parties)
        for row, party in zip(group, parties):
            row["当事人"] = party
    old, new = str(current_year), str(year)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=table.headers, lineterminator="\n")
    writer.writeheader()
    for row in keep:
        writer.writerow({key: (value or "").replace(old, new) for key, value in row.items()})
    return out.getvalue()


def _defects(rubric: Rubric, rng: random.Random, quality: float) -> tuple[dict[str, int], dict[str, str], list[str]]:
    deductions: dict[str, int] = {}
    notes: dict[str, str] = {}
    na = []
    for item in rubric.items:
        if item.na_allowed and rng.random() < 0.4:
            na.append(item.code)
            continue
        for deduction in item.deductions:
            chance = RECURRING.get(deduction.code, (1 - quality) * 0.12)
            if rng.random() < chance:
                deductions[deduction.code] = rng.randint(1, min(deduction.max_times, 2))
                notes[deduction.code] = f"第{rng.randint(1, 60)}页{rng.choice(PAGES)}"
    return deductions, notes, na


def _sheet_entry(rubric: Rubric, case_no: str, evaluator: str, deductions: dict, notes: dict, na: list,
                 veto: list[str]) -> dict:
    deducted = {rubric.item_of_deduction[code].code for code in deductions}
    decided = [item.code for item in rubric.items if item.code not in deducted and item.code not in na]
    return {"case_no": case_no, "evaluator": evaluator, "deductions": deductions, "notes": notes, "na": na,
            "veto": veto, "decided": decided}


def _score_year(store: Store, name: str, rubric: Rubric, rng: random.Random, quality_shift: float,
                folder: Path, actor: str) -> None:
    results = activity_results(store, name, remember=False)
    leaders = sorted(e.name for e in results.evaluators if e.role == Role.LEADER)
    entries = []
    for file in results.files:
        quality = min(0.99, rng.betavariate(3, 1.3) + quality_shift)
        deductions, notes, na = _defects(rubric, rng, quality)
        veto = [rng.choice(rubric.vetoes).code] if rubric.vetoes and quality < 0.3 else []
        disputed = rng.random() < 0.15
        for position, evaluator in enumerate(file.evaluators):
            found = {c: n for c, n in deductions.items() if c in RECURRING or rng.random() < 0.9}
            if disputed and position == 1:
                extra = [d for i in rubric.items if i.code not in na for d in i.deductions if d.code not in found]
                for deduction in rng.sample(extra, min(len(extra), 5)):
                    found[deduction.code] = 1
            entries.append(_sheet_entry(rubric, file.case.case_no, evaluator, found,
                                        {c: notes.get(c, f"第{rng.randint(1, 60)}页") for c in found}, na, veto))
    path = folder / f"{name}.json"
    path.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    sheets.import_sheet_files(store, name, [str(path)], actor, submit=True)
    # A finished year: every disputed file settled by the 组长 after collective discussion (集体评议).
    for file in activity_results(store, name, remember=False).files:
        free = [name for name in leaders if name not in file.evaluators]  # nobody settles a file they scored
        if file.status != FileStatus.NEEDS_REVIEW or not free:
            continue
        first = min((v for v in file.sheets if v.result is not None), key=lambda v: v.result.score)
        sheet = replace(first.sheet, comment=f"经集体评议，以{first.evaluator}的评查结果为准。")
        review.reconcile(store, name, file.case.case_no, sheet, free[0])


def _first_table(folder: Path, column: str) -> Path | None:
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() in (".csv", ".xlsx"):
            try:
                if column in read_table(path, ()).headers:
                    return path
            except UserError:
                continue
    return None


def build_history(store: Store, current: Rubric, current_year: int, folder: Path,
                  actor: str = "区司法局") -> list[HistoryYear]:
    """Two finished activities of the two years before ``current_year`` (the demo activity's year), from the
    first register and roster of ``folder`` (sample_cases/)."""
    register, roster = _first_table(folder, "案号"), _first_table(folder, "姓名")
    if register is None or roster is None:
        return []
    shipped = rubrics.shipped_rubrics()
    built = []
    with tempfile.TemporaryDirectory(prefix="pingcha-demo-") as tmp:
        work = Path(tmp)
        for back in YEARS_BACK:
            year = current_year - back
            name = history_name(year)
            rubric = rubric_in_force(shipped, current, year)
            rng = random.Random(f"demo-history:{year}")
            activities.create_activity(store, name, rubric.key, actor, year=year)
            path = work / f"register-{year}.csv"
            path.write_text(_register_text(register, year, current_year, rng), encoding="utf-8")
            registers.import_register(store, name, path, actor)
            registers.import_roster(store, name, roster, actor)
            draw.draw_files(store, name, str(year), actor, per_agency=4)
            draw.assign(store, name, str(year), actor)
            _score_year(store, name, rubric, rng, -0.06 * back, work, actor)
            built.append(HistoryYear(name, year, rubric.key))
    return built
