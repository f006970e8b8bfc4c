"""Several evaluators' processes writing one sheet at the same instant on PostgreSQL.

Each process is a real separate interpreter (multiprocessing, spawn) with its own connections; a
barrier starts every round of changes at once. The rules of a sheet must hold however the writes
interleave: a submitted sheet changes no more, an item is never both 不适用 and deducted, and two first
changes to a fresh sheet both land instead of one failing with a duplicate key.
Skipped without PINGCHA_TEST_POSTGRES, like tests/test_postgres.py.
"""

from __future__ import annotations

import json
import multiprocessing
import traceback

import pytest

from pingcha.errors import UserError
from tests.helpers import Cli, prepared
from tests.test_postgres import SERVER, pg_url  # noqa: F401 - the fixture

pytestmark = pytest.mark.skipif(not SERVER, reason="没有可用的 PostgreSQL（设置 PINGCHA_TEST_POSTGRES 后运行）")

SPAWN = multiprocessing.get_context("spawn")


def _worker(index, url, activity, plan, barrier, outcomes):
    """Run ``plan``: rounds of (evaluator, case_no, action, arguments), waiting at the barrier before each.
    Reports per change "ok", "refused: …" (a UserError: a rule said no) or "error: …" (anything else)."""
    from pingcha.services.sheets import change_sheet, import_sheet_files, sheet_ref, submit_sheet
    from pingcha.store import open_store

    store = open_store(url, migrate=False)
    results = []
    for evaluator, case_no, action, arguments in plan:
        barrier.wait(timeout=60)
        try:
            if action == "import":
                import_sheet_files(store, activity, [arguments["path"]], evaluator)
                results.append("ok")
                continue
            ref = sheet_ref(store, activity, evaluator, case_no)
            if action == "submit":
                submit_sheet(store, ref, evaluator)
            else:
                change_sheet(store, ref, evaluator, **arguments)
            results.append("ok")
        except UserError as exc:
            results.append(f"refused: {exc}")
        except Exception:  # noqa: BLE001 - the test reports what went wrong
            results.append("error: " + traceback.format_exc(limit=3))
    store.dispose()
    outcomes.put((index, results))


def _run(url, activity, plans):
    """Run each plan in its own process, round by round in step; every process's outcomes."""
    barrier = SPAWN.Barrier(len(plans))
    outcomes = SPAWN.Queue()
    processes = [SPAWN.Process(target=_worker, args=(index, url, activity, plan, barrier, outcomes))
                 for index, plan in enumerate(plans)]
    for process in processes:
        process.start()
    collected = dict(outcomes.get(timeout=300) for _ in processes)
    for process in processes:
        process.join(timeout=60)
    return [collected[index] for index in range(len(plans))]


@pytest.fixture
def activity(pg_url, capsys):  # noqa: F811 - pytest injects the imported fixture
    cli = Cli(pg_url, capsys)
    name = prepared(cli, per_agency=3)
    files = cli.json("results", name, "--json")["files"]
    return cli, name, [(evaluator, f["case_no"]) for f in files for evaluator in f["evaluators"]]


def _sheets(pg_url, name):
    """Every sheet of the activity as stored: (evaluator, case_no) → (status, Sheet)."""
    from pingcha.services.results import activity_results
    from pingcha.store import open_store

    store = open_store(pg_url)
    found = {}
    for file in activity_results(store, name).files:
        for view in file.sheets:
            found[(view.evaluator, file.case.case_no)] = (view.status, view.sheet)
    store.dispose()
    return found


def test_no_change_lands_after_a_submit(pg_url, activity, tmp_path):
    cli, name, sheets = activity
    chosen = sheets[:12]
    # Give each sheet something to score, then race a submit against a change, sheet by sheet.
    drafts = [{"case_no": c, "evaluator": e, "deductions": {"A2a": 1}} for e, c in chosen]
    (tmp_path / "drafts.json").write_text(json.dumps(drafts, ensure_ascii=False), encoding="utf-8")
    cli.ok("sheets", "import", name, tmp_path / "drafts.json")
    submitter = [(e, c, "submit", {}) for e, c in chosen]
    changer = [(e, c, "change", {"code": "B1a", "count": 1}) for e, c in chosen]
    outcomes = _run(pg_url, name, [submitter, changer])
    assert not [o for results in outcomes for o in results if o.startswith("error")]
    assert all(o == "ok" for o in outcomes[0])  # every submit went through
    stored = _sheets(pg_url, name)
    audit = _audit(pg_url, name)
    for evaluator, case_no in chosen:
        status, sheet = stored[(evaluator, case_no)]
        assert status == "已提交"
        entries = [e for e in audit if e["case_no"] == case_no and (e["after"] or {}).get("evaluator") == evaluator]
        submitted = next(i for i, e in enumerate(entries) if e["action"] == "提交评查表")
        assert not [e for e in entries[submitted + 1:] if e["action"] == "修改评查表"], (evaluator, case_no)
        assert dict(sheet.deductions) == entries[submitted]["after"]["deductions"]


def test_no_sheet_ends_both_not_applicable_and_deducted(pg_url, activity, tmp_path):
    cli, name, sheets = activity
    chosen = sheets[:30]
    # The sheets exist already (a comment typed), so the race is between the two rules, not two inserts.
    drafts = [{"case_no": c, "evaluator": e, "comment": "已阅"} for e, c in chosen]
    (tmp_path / "drafts.json").write_text(json.dumps(drafts, ensure_ascii=False), encoding="utf-8")
    cli.ok("sheets", "import", name, tmp_path / "drafts.json")
    marker = [(e, c, "change", {"code": "D7", "marked": True}) for e, c in chosen]
    deductor = [(e, c, "change", {"code": "D7a", "count": 1}) for e, c in chosen]
    outcomes = _run(pg_url, name, [marker, deductor])
    assert not [o for results in outcomes for o in results if o.startswith("error")]
    stored = _sheets(pg_url, name)
    both = [key for key in chosen if "D7" in stored[key][1].na and stored[key][1].deductions.get("D7a")]
    assert both == []
    # Each sheet holds exactly the change that came first; the other was refused by the rule.
    for key, marked, deducted in zip(chosen, outcomes[0], outcomes[1]):
        assert sorted([marked == "ok", deducted == "ok"]) == [False, True], (key, marked, deducted)


def test_simultaneous_first_changes_on_fresh_sheets_all_land(pg_url, activity):
    _, name, sheets = activity
    fresh = sheets[:8]
    codes = ["A2a", "B1a", "C1a", "D1a", "E1a", "F1a"]
    plans = [[(e, c, "change", {"code": code, "count": 1}) for e, c in fresh] for code in codes]
    outcomes = _run(pg_url, name, plans)
    assert [o for results in outcomes for o in results] == ["ok"] * 48
    stored = _sheets(pg_url, name)
    for key in fresh:
        assert dict(stored[key][1].deductions) == {code: 1 for code in codes}


def _audit(pg_url, name):
    from pingcha.services.activities import find_activity
    from pingcha.store import open_store
    from pingcha.store.audit import entries

    store = open_store(pg_url)
    with store.read() as session:
        rows = entries(session, find_activity(session, name).id)
    store.dispose()
    return [{"case_no": r.case_no, "action": r.action, "after": json.loads(r.after) if r.after else None}
            for r in rows]


def test_simultaneous_imports_of_the_same_new_sheets_both_land(pg_url, activity, tmp_path):
    _, name, sheets = activity
    chosen = sheets[:20]
    plans = []
    for n, order in enumerate((chosen, chosen[::-1])):  # the two files name the sheets in opposite orders
        path = tmp_path / f"import{n}.json"
        path.write_text(json.dumps([{"case_no": c, "evaluator": e, "deductions": {"A2a": n + 1}} for e, c in order],
                                   ensure_ascii=False), encoding="utf-8")
        plans.append([("区司法局", None, "import", {"path": str(path)})] * 3)
    outcomes = _run(pg_url, name, plans)
    assert [o for results in outcomes for o in results] == ["ok"] * 6
    stored = _sheets(pg_url, name)
    assert {stored[key][1].deductions["A2a"] for key in chosen} <= {1, 2}
