"""An activity whose files are all scored, two of them 不合格, built once and copied per test (整改 and 异议)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from pingcha.cli import main
from tests.helpers import REGISTER, ROSTER, RUBRIC

ACTIVITY = "整改测试"
LEADER = "皇甫婷"
OTHER_LEADER = "高建军"
EVALUATOR = "林静"
ISSUE_DATE = "2025-01-10"  # the 通报's 成文日期; deadline_days 30 → 2025-02-09
DEADLINE = "2025-02-09"


def run(db: Path, *args: str) -> None:
    assert main(["--db", str(db), "--as", "测试", *map(str, args)]) == 0, args


def build(db: Path, folder: Path) -> dict:
    """The activity, every sheet submitted: the first two files (by 案号) vetoed (不合格), the third with
    deductions (合格), the rest clean. Returns {"failing": [...], "fair": 案号, "clean": [...]}."""
    run(db, "activity", "create", ACTIVITY, "--rubric", RUBRIC)
    run(db, "cases", "import", ACTIVITY, REGISTER)
    run(db, "evaluators", "import", ACTIVITY, ROSTER)
    run(db, "sample", ACTIVITY, "--seed", "5", "--total", "6")
    run(db, "assign", ACTIVITY, "--seed", "5")
    from pingcha.services.results import activity_results
    from pingcha.store import open_store

    store = open_store(str(db))
    files = sorted(activity_results(store, ACTIVITY).files, key=lambda f: f.case.case_no)
    store.dispose()
    failing = [f.case.case_no for f in files[:2]]
    fair = files[2].case.case_no
    sheets = []
    for f in files:
        for evaluator in f.evaluators:
            sheet = {"case_no": f.case.case_no, "evaluator": evaluator, "deductions": {}, "veto": []}
            if f.case.case_no in failing:
                sheet["veto"] = ["V1"]
            elif f.case.case_no == fair:
                sheet["deductions"] = {"D12a": 1, "A1a": 1}
                sheet["notes"] = {"D12a": "第12页送达回证"}
            sheets.append(sheet)
    path = folder / "sheets.json"
    path.write_text(json.dumps(sheets, ensure_ascii=False), encoding="utf-8")
    run(db, "sheets", "import", ACTIVITY, path, "--submit", "--allow-undecided")
    run(db, "activity", "settings", ACTIVITY, "--set", f"issue_date={ISSUE_DATE}")
    return {"failing": failing, "fair": fair, "clean": [f.case.case_no for f in files[3:]],
            "agencies": {f.case.case_no: f.case.agency for f in files}}


def copy_db(template: Path, target: Path) -> Path:
    with sqlite3.connect(template) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    source.close()
    copy.close()
    return target
