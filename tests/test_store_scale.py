"""Province-sized work on SQLite as most builds ship it (at most 32,766 variables in one statement),
and imports whose cost follows the file, not the activity."""

from __future__ import annotations

import json
import sqlite3
from datetime import date

import pytest
from sqlalchemy import event

from pingcha.results import CaseFile as CaseRecord
from pingcha.services import activities, draw, sheets
from pingcha.services.results import activity_results
from pingcha.store import Store
from pingcha.store import register
from pingcha.store.migrate import upgrade
from tests.helpers import RUBRIC

STANDARD_LIMIT = 32_766


def standard_store(path) -> Store:
    """A Store whose SQLite connections refuse more than 32,766 variables, whatever this build allows."""
    store = Store(f"sqlite:///{path}")

    @event.listens_for(store.engine, "connect")
    def limit(dbapi_connection, _record) -> None:
        dbapi_connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, STANDARD_LIMIT)

    upgrade(store.engine)
    return store


def register_rows(store: Store, activity: str, files: int, agencies: int = 40) -> None:
    """``files`` register rows in one bulk insert (the register import's parsing is tested elsewhere)."""
    with store.transaction() as session:
        activity_id = activities.find_activity(session, activity).id
        ids = register.add_agencies(session, activity_id, [f"第{n}执法局" for n in range(agencies)])
        register.insert_cases(session, activity_id, [
            (n + 2, ids[f"第{n % agencies}执法局"],
             CaseRecord(f"罚〔2024〕{n}号", f"第{n % agencies}执法局", "违法行为", "某公司", "单位",
                        decided_on=date(2024, 3, 1)))
            for n in range(files)
        ])


def test_the_limit_is_in_force(tmp_path):
    store = standard_store(tmp_path / "limit.db")
    with store.engine.connect() as connection:
        dbapi = connection.connection.dbapi_connection
        assert dbapi.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) == STANDARD_LIMIT
        with pytest.raises(sqlite3.OperationalError, match="too many SQL variables"):
            dbapi.execute("SELECT 1 WHERE 1 IN (" + ",".join("?" * 33_000) + ")", [1] * 33_000)


def test_a_draw_of_more_files_than_sqlite_variables(tmp_path):
    store = standard_store(tmp_path / "province.db")
    activities.create_activity(store, "全省评查", str(RUBRIC), "省司法厅")
    register_rows(store, "全省评查", 33_500)
    outcome = draw.draw_files(store, "全省评查", "2024", "省司法厅", total=33_400)
    assert outcome.drawn == 33_400
    # A forced redraw clears the old draw and marks the new one, again past the limit.
    outcome = draw.draw_files(store, "全省评查", "2025", "省司法厅", per_agency=840, force=True)
    assert outcome.drawn == 33_500 and sorted(set(outcome.by_agency.values())) == [837, 838]
    with store.read() as session:
        drawn = register.cases(session, activities.find_activity(session, "全省评查").id, drawn=True)
    assert len(drawn) == 33_500
    assert len(activity_results(store, "全省评查").files) == 33_500


def _statements(store: Store):
    """The SQL statements run on ``store`` (not those writing the audit log), as a list that fills up."""
    seen: list[str] = []

    @event.listens_for(store.engine, "before_cursor_execute")
    def count(_conn, _cursor, statement, _parameters, _context, _executemany) -> None:
        if "audit_log" not in statement:
            seen.append(statement)

    return seen


def test_a_sheet_file_costs_the_same_statements_whatever_its_length(tmp_path):
    from pingcha.services import registers
    from pingcha.store import open_store
    from tests.helpers import REGISTER, ROSTER

    store = open_store(str(tmp_path / "import.db"))
    activities.create_activity(store, "评查", str(RUBRIC), "区司法局")
    registers.import_register(store, "评查", REGISTER, "区司法局")
    registers.import_roster(store, "评查", ROSTER, "区司法局")
    draw.draw_files(store, "评查", "7", "区司法局", per_agency=3)
    draw.assign(store, "评查", "7", "区司法局")
    pairs = [(e, f.case.case_no) for f in activity_results(store, "评查").files for e in f.evaluators]
    seen = _statements(store)
    counts = []
    for number, chosen in enumerate((pairs[:1], pairs[1:5], pairs[5:29])):  # the first also reads the rubric
        path = tmp_path / f"sheets{number}.json"
        path.write_text(json.dumps([{"case_no": c, "evaluator": e, "deductions": {"A2a": 1}} for e, c in chosen],
                                   ensure_ascii=False), encoding="utf-8")
        seen.clear()
        done = sheets.import_sheet_files(store, "评查", [str(path)], "区司法局", submit=True)
        assert [d[2] for d in done] == ["已提交"] * len(chosen)
        counts.append(len(seen))
    # Read what the file names, insert its sheets and their rows, submit them: six times the sheets, same count.
    assert counts[1] == counts[2], seen
