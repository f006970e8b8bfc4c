"""Integrity the database enforces, and what `pingcha check` finds: constraints from migration 0002 (also on a
database upgraded from 0001 with its rows kept), the audit hash chain, stored rubrics checked against their
hash, and every sheet checked against the replay of its audit entries."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import MetaData, create_engine, inspect, select, text
from sqlalchemy.engine import make_url

from pingcha.services import review, sheets
from pingcha.store import open_store
from pingcha.store.audit import canonical_time, verify_chain
from pingcha.store.engine import make_engine
from pingcha.store.migrate import HEAD, alembic_config
from tests.helpers import REPO, RUBRIC, Cli, prepared

SERVER = os.environ.get("PINGCHA_TEST_POSTGRES")
LEADER = "皇甫婷"
# The tables of revision 0001, parents before children.
TABLES_0001 = ("rubric_version", "activity", "agency", "draw", "case_file", "evaluator", "assignment",
               "score_sheet", "sheet_deduction", "sheet_mark", "audit_log")


def scored(cli: Cli, tmp_path: Path) -> tuple[str, dict[str, list[str]]]:
    """An activity with every kind of sheet history: imported and submitted sheets, a sheet typed change by
    change, a file settled by 复核, and a draft 复核 begun on another."""
    activity = prepared(cli)
    files = {f["case_no"]: f["evaluators"] for f in cli.json("results", activity, "--json")["files"]}
    plain = [c for c, people in files.items() if LEADER not in people]
    agreed, disputed, disputed2, typed = plain[:4]
    batch = []
    for case_no in (agreed, disputed, disputed2):
        first, second = files[case_no]
        batch.append({"case_no": case_no, "evaluator": first, "deductions": {"A2a": 1}, "notes": {"A2a": "第3页"}})
        batch.append({"case_no": case_no, "evaluator": second, "deductions": {"A2a": 1},
                      **({"veto": ["V1"]} if case_no != agreed else {})})
    (tmp_path / "batch.json").write_text(json.dumps(batch, ensure_ascii=False), encoding="utf-8")
    cli.ok("sheets", "import", activity, tmp_path / "batch.json", "--submit", "--allow-undecided")
    store = open_store(str(cli.db))
    ref = sheets.sheet_ref(store, activity, files[typed][0], typed)
    sheets.change_sheet(store, ref, ref.evaluator, code="D7", marked=True)
    sheets.change_sheet(store, ref, ref.evaluator, code="B1b", count=2, note="第7页、第9页")
    sheets.change_sheet(store, ref, ref.evaluator, code="B1b", count=1)
    sheets.change_sheet(store, ref, ref.evaluator, comment="卷内目录不全")
    state = review.open_review(store, activity, disputed, LEADER)
    sheets.change_sheet(store, state.ref, LEADER, code="A2a", count=1)
    sheets.change_sheet(store, state.ref, LEADER, comment="经集体评议，按卷内材料认定")
    review.confirm_review(store, state.ref, LEADER)
    start = sheets.read_sheet(store, sheets.sheet_ref(store, activity, files[disputed2][1], disputed2)).sheet
    draft = review.open_review(store, activity, disputed2, LEADER, start=start)
    sheets.change_sheet(store, draft.ref, LEADER, code="V1", marked=False)
    store.dispose()
    return activity, files


# --- migration 0002 on a database of revision 0001 -------------------------------------------------------------


def _build_0001(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    engine.dispose()


def _rows(engine, table: str) -> list[dict]:
    """A table's rows in the columns of 0001, times as instants (each database gives them back its own way)."""
    columns = [c["name"] for c in inspect(engine).get_columns(table) if c["name"] not in ("prev_hash", "hash")]
    metadata = MetaData()
    metadata.reflect(engine, only=[table])
    source = metadata.tables[table]
    with engine.connect() as connection:
        rows = connection.execute(select(*(source.c[c] for c in columns)).order_by(source.c.id)).mappings().all()
    return [{k: canonical_time(v) if hasattr(v, "hour") else v for k, v in row.items()} for row in rows]


def _copy_into_0001(source_url: str, target_url: str) -> None:
    """The rows of a database the services filled, into a database at revision 0001."""
    source, target = create_engine(source_url), create_engine(target_url)
    old = MetaData()
    old.reflect(target, only=list(TABLES_0001))
    new = MetaData()
    new.reflect(source, only=list(TABLES_0001))
    with source.connect() as reading, target.begin() as writing:
        for name in TABLES_0001:
            columns = [c.name for c in old.tables[name].columns]
            rows = [dict(r) for r in reading.execute(select(*(new.tables[name].c[c] for c in columns))).mappings()]
            for row in rows:
                for key, value in row.items():
                    if hasattr(value, "hour") and value.tzinfo is None:
                        row[key] = value.replace(tzinfo=timezone.utc)
            if rows:
                writing.execute(old.tables[name].insert(), rows)
        if target.dialect.name == "postgresql":
            for name in TABLES_0001:
                writing.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                     f"coalesce((SELECT max(id) FROM {name}), 1))"))
    source.dispose()
    target.dispose()


def _forbidden(engine) -> list[str]:
    """Statements the rules forbid; returns those the database accepted."""
    statements = [
        "UPDATE score_sheet SET status = 'bogus' WHERE id = (SELECT min(id) FROM score_sheet)",
        "UPDATE score_sheet SET status_kind = 'other' WHERE id = (SELECT min(id) FROM score_sheet)",
        "UPDATE sheet_deduction SET count = -5 WHERE id = (SELECT min(id) FROM sheet_deduction)",
        "UPDATE evaluator SET role = '观察员' WHERE id = (SELECT min(id) FROM evaluator)",
        "UPDATE sheet_mark SET kind = 'maybe' WHERE id = (SELECT min(id) FROM sheet_mark)",
        "UPDATE activity SET per_file = 0",
        # a second 复核 sheet on a file that has one, held by another 组长
        "INSERT INTO score_sheet (id, activity_id, case_file_id, evaluator_id, status, status_kind, comment, updated_at)"
        " SELECT 99999, s.activity_id, s.case_file_id, e.id, '草稿', 'review', '', s.updated_at"
        " FROM score_sheet s JOIN evaluator e ON e.activity_id = s.activity_id AND e.name = '高建军'"
        " WHERE s.status_kind = 'review' LIMIT 1",
    ]
    accepted = []
    for statement in statements:
        try:
            with engine.begin() as connection:
                connection.execute(text(statement))
            accepted.append(statement)
        except Exception as error:  # noqa: BLE001 - any refusal will do; what matters is that none is accepted
            assert "constraint" in str(error).lower() or "unique" in str(error).lower(), error
    return accepted


def _upgrade_keeps_rows_and_enforces(source_db: Path, target_url: str, capsys) -> None:
    source_url = f"sqlite:///{source_db}"
    before = {name: _rows(create_engine(source_url), name) for name in TABLES_0001}
    _build_0001(target_url)
    _copy_into_0001(source_url, target_url)
    store = open_store(target_url)  # migrates 0001 → HEAD
    target = store.engine
    assert inspect(target).get_check_constraints("score_sheet")
    for name in TABLES_0001:
        assert _rows(target, name) == before[name], name
    with store.read() as session:
        entries, breaks = verify_chain(session)
    assert (entries, breaks) == (len(before["audit_log"]), [])
    status, out, err = Cli(target_url, capsys)("check")
    assert status == 0, err
    assert f"操作日志 {entries} 条，哈希链完整" in out
    assert _forbidden(target) == []
    with target.connect() as connection, pytest.raises(Exception, match="append-only"):
        connection.execute(text("DELETE FROM audit_log"))
    store.dispose()


def test_upgrading_a_0001_database_keeps_every_row_and_then_refuses_what_the_rules_forbid(tmp_path, capsys):
    cli = Cli(tmp_path / "head.db", capsys)
    scored(cli, tmp_path)
    _upgrade_keeps_rows_and_enforces(tmp_path / "head.db", f"sqlite:///{tmp_path / 'old.db'}", capsys)


@pytest.mark.skipif(not SERVER, reason="没有可用的 PostgreSQL（设置 PINGCHA_TEST_POSTGRES 后运行）")
def test_upgrading_a_0001_database_on_postgres(tmp_path, capsys):
    cli = Cli(tmp_path / "head.db", capsys)
    scored(cli, tmp_path)
    name = f"pingcha_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(SERVER).set(database=name).render_as_string(hide_password=False)
        _upgrade_keeps_rows_and_enforces(tmp_path / "head.db", url, capsys)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def test_a_new_database_refuses_the_states_the_sqlite_shell_could_write(tmp_path, capsys):
    cli = Cli(tmp_path / "n.db", capsys)
    scored(cli, tmp_path)
    connection = sqlite3.connect(tmp_path / "n.db")
    for statement in ("UPDATE score_sheet SET status = 'bogus'", "UPDATE sheet_deduction SET count = -5",
                      "UPDATE score_sheet SET status_kind = 'review'"):
        with pytest.raises(sqlite3.IntegrityError):
            connection.execute(statement)
    connection.close()
    assert _forbidden(create_engine(f"sqlite:///{tmp_path / 'n.db'}")) == []


# --- pingcha check ------------------------------------------------------------------------------------------------


def test_check_is_clean_on_an_activity_with_every_kind_of_sheet_history(tmp_path, capsys):
    cli = Cli(tmp_path / "c.db", capsys)
    scored(cli, tmp_path)
    out = cli.ok("check")
    assert out.startswith("检查完毕，未发现问题")
    assert f"表结构为最新版本 {HEAD}" in out and "评查表 " in out and "哈希链完整" in out


def test_check_is_clean_on_the_demo(tmp_path, capsys):
    cli = Cli(tmp_path / "demo.db", capsys)
    cli.ok("demo", "--no-ui")
    out = cli.ok("check")
    assert "未发现问题" in out and "与操作日志逐条重放的结果一致" in out


def test_check_finds_a_final_files_deductions_deleted_by_hand(tmp_path, capsys):
    cli = Cli(tmp_path / "d.db", capsys)
    activity, files = scored(cli, tmp_path)
    final = next(f for f in cli.json("results", activity, "--json")["files"] if f["status"] == "final"
                 and not f.get("reconciled"))
    connection = sqlite3.connect(tmp_path / "d.db")
    with connection:
        connection.execute(
            "DELETE FROM sheet_deduction WHERE sheet_id IN (SELECT s.id FROM score_sheet s "
            "JOIN case_file c ON c.id = s.case_file_id WHERE c.case_no = ?)", (final["case_no"],))
    connection.close()
    kept = next(f for f in cli.json("results", activity, "--json")["files"] if f["case_no"] == final["case_no"])
    assert kept["score"] == final["score"]  # results are decided from the scores stored when the sheets were written
    status, report, _ = cli("check")
    assert status == 1
    for evaluator in final["evaluators"]:
        assert f"评查活动“{activity}”，案卷 {final['case_no']}，{evaluator} 的评查表：A2a：扣分表中 0 次，操作日志为 1 次" in report
        assert (f"评查活动“{activity}”，案卷 {final['case_no']}，{evaluator} 的评查表：存储的得分为 "
                in report)
    assert "A2a：扣分表中 0 次，操作日志为 1 次；说明表中没有，操作日志为“第3页”" in report
    assert "按表中的扣分、不适用和否决项计算为 100.0：得分或扣分被改动过" in report
    assert "Traceback" not in report


def test_check_finds_a_stored_score_changed_by_hand(tmp_path, capsys):
    cli = Cli(tmp_path / "d.db", capsys)
    activity, files = scored(cli, tmp_path)
    assert "每张评查表存储的得分与其扣分相符" in cli.ok("check")
    final = next(f for f in cli.json("results", activity, "--json")["files"] if f["status"] == "final"
                 and not f.get("reconciled"))
    connection = sqlite3.connect(tmp_path / "d.db")
    with connection:
        connection.execute(
            "UPDATE score_sheet SET score = '100.0', vetoes = '' WHERE case_file_id = "
            "(SELECT id FROM case_file WHERE case_no = ?)", (final["case_no"],))
    connection.close()
    moved = next(f for f in cli.json("results", activity, "--json")["files"] if f["case_no"] == final["case_no"])
    assert moved["score"] == 100.0 != final["score"]
    status, report, _ = cli("check")
    assert status == 1
    for evaluator in final["evaluators"]:
        assert f"评查活动“{activity}”，案卷 {final['case_no']}，{evaluator} 的评查表：存储的得分为 100.0，" in report
    assert "与操作日志逐条重放的结果一致" in report  # the rows themselves are as the log says
    assert "Traceback" not in report


def test_check_finds_a_sheet_reopened_or_changed_by_hand(tmp_path, capsys):
    cli = Cli(tmp_path / "s.db", capsys)
    activity, files = scored(cli, tmp_path)
    connection = sqlite3.connect(tmp_path / "s.db")
    with connection:
        connection.execute("UPDATE score_sheet SET status = '草稿' WHERE status = '复核'")
        connection.execute("UPDATE sheet_mark SET code = 'D8' WHERE kind = 'na' AND code = 'D7'")
    connection.close()
    status, report, _ = cli("check")
    assert status == 1
    assert f"复核评查表（{LEADER}）：状态为“草稿”，操作日志为“复核”" in report
    assert "不适用 D7：操作日志中有，表中没有" in report and "不适用 D8：表中有，操作日志中没有" in report


def test_an_altered_rubric_is_refused_on_read_found_by_check_and_not_called_the_same(tmp_path, capsys):
    cli = Cli(tmp_path / "r.db", capsys)
    activity = prepared(cli)
    connection = sqlite3.connect(tmp_path / "r.db")
    with connection:
        connection.execute("UPDATE rubric_version SET content = replace(content, 'points = 4', 'points = 3')")
    connection.close()
    status, _, err = cli("results", activity)
    assert status == 1 and "评分标准 xiqu-xzcf@2024.1 的内容与载入时的哈希不符" in err and "Traceback" not in err
    status, out, err = cli("rubric", "load", RUBRIC)
    assert status == 1 and "内容相同" not in out + err and "哈希不符" in err
    status, report, _ = cli("check")
    assert status == 1 and "评分标准 xiqu-xzcf@2024.1 的存储内容与载入时的哈希不符" in report


def test_check_finds_an_audit_row_edited_after_dropping_the_triggers(tmp_path, capsys):
    cli = Cli(tmp_path / "a.db", capsys)
    scored(cli, tmp_path)
    connection = sqlite3.connect(tmp_path / "a.db")
    with connection:
        connection.execute("DROP TRIGGER audit_log_no_update")
        connection.execute("DROP TRIGGER audit_log_no_delete")
        edited = connection.execute("SELECT min(id) FROM audit_log WHERE action = '修改评查表'").fetchone()[0]
        connection.execute("UPDATE audit_log SET actor = '别人' WHERE id = ?", (edited,))
    connection.close()
    status, report, _ = cli("check")
    assert status == 1 and f"操作日志第 {edited} 条（修改评查表）的内容与其哈希不符" in report
    assert "只追加保护已被拆除（数据库触发器 audit_log_no_update、audit_log_no_delete 不存在）" in report


def test_check_finds_an_audit_row_edited_and_rehashed(tmp_path, capsys):
    from pingcha.store.audit import row_hash

    cli = Cli(tmp_path / "h.db", capsys)
    scored(cli, tmp_path)
    connection = sqlite3.connect(tmp_path / "h.db")
    with connection:
        connection.execute("DROP TRIGGER audit_log_no_update")
        row = connection.execute("SELECT id, prev_hash, at, activity_id, case_no, entity, action, before, after "
                                 "FROM audit_log WHERE action = '提交评查表' ORDER BY id LIMIT 1").fetchone()
        entry_id, prev, at, *rest = row
        forged = row_hash(prev, datetime.fromisoformat(str(at)), "别人", *rest)
        connection.execute("UPDATE audit_log SET actor = '别人', hash = ? WHERE id = ?", (forged, entry_id))
    connection.close()
    status, report, _ = cli("check")
    assert status == 1 and f"操作日志第 {entry_id + 1} 条" in report and "哈希链断开" in report
    assert f"操作日志第 {entry_id} 条" not in report


def test_check_finds_an_audit_row_removed(tmp_path, capsys):
    cli = Cli(tmp_path / "g.db", capsys)
    scored(cli, tmp_path)
    connection = sqlite3.connect(tmp_path / "g.db")
    with connection:
        connection.execute("DROP TRIGGER audit_log_no_delete")
        removed = connection.execute("SELECT max(id) FROM audit_log WHERE action = '导入评查表'").fetchone()[0]
        connection.execute("DELETE FROM audit_log WHERE id = ?", (removed,))
    connection.close()
    status, report, _ = cli("check")
    assert status == 1 and f"操作日志第 {removed + 1} 条" in report and "哈希链断开" in report


WRITER = """
import sys
from pingcha.store import open_store
from pingcha.services.sheets import change_sheet, sheet_ref
db, activity, evaluator, case_no, rounds = sys.argv[1:6]
store = open_store(db)
ref = sheet_ref(store, activity, evaluator, case_no)
codes = ["A1a", "B1a", "C1a", "D1a", "F1a", "G1a"]
for n in range(int(rounds)):
    change_sheet(store, ref, evaluator, code=codes[n % len(codes)], count=n % 2)
store.dispose()
"""


def _writers_at_once(db: str, activity: str, targets: list[tuple[str, str]], rounds: int) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    processes = [subprocess.Popen([sys.executable, "-c", WRITER, db, activity, evaluator, case_no, str(rounds)],
                                  stderr=subprocess.PIPE, text=True, env=env) for case_no, evaluator in targets]
    for process in processes:
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err


def test_the_audit_chain_holds_with_several_writers_at_once(tmp_path, capsys):
    cli = Cli(tmp_path / "w.db", capsys)
    activity = prepared(cli)
    files = cli.json("results", activity, "--json")["files"]
    _writers_at_once(str(cli.db), activity, [(f["case_no"], f["evaluators"][0]) for f in files[:3]], 15)
    out = cli.ok("check")
    assert "哈希链完整" in out and "评查表 3 张" in out


@pytest.mark.skipif(not SERVER, reason="没有可用的 PostgreSQL（设置 PINGCHA_TEST_POSTGRES 后运行）")
def test_the_audit_chain_holds_with_several_writers_at_once_on_postgres(tmp_path, capsys):
    name = f"pingcha_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(SERVER).set(database=name).render_as_string(hide_password=False)
        cli = Cli(url, capsys)
        activity = prepared(cli)
        files = cli.json("results", activity, "--json")["files"]
        # many audit rows in one transaction: each sheet imported, then submitted
        batch = [{"case_no": f["case_no"], "evaluator": f["evaluators"][1], "deductions": {"A2a": 1}} for f in files[:6]]
        (tmp_path / "batch.json").write_text(json.dumps(batch, ensure_ascii=False), encoding="utf-8")
        cli.ok("sheets", "import", activity, tmp_path / "batch.json", "--submit", "--allow-undecided")
        _writers_at_once(url, activity, [(f["case_no"], f["evaluators"][0]) for f in files[:4]], 15)
        out = cli.ok("check")
        assert "哈希链完整" in out and "评查表 10 张" in out
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def _normal(condition: str) -> str:
    return "".join(str(condition).split()).replace('"', "'")


def test_the_models_and_the_migrations_declare_the_same_constraints(tmp_path):
    """compare_metadata (test_store) does not compare CHECK constraints or partial indexes: this does."""
    from sqlalchemy import CheckConstraint
    from sqlmodel import SQLModel

    store = open_store(str(tmp_path / "m.db"))
    inspector = inspect(store.engine)
    for table in SQLModel.metadata.sorted_tables:
        declared = {c.name: _normal(c.sqltext) for c in table.constraints if isinstance(c, CheckConstraint)}
        migrated = {c["name"]: _normal(c["sqltext"]) for c in inspector.get_check_constraints(table.name)}
        assert migrated == declared, table.name
    with store.engine.connect() as connection:
        index = connection.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE name = 'uq_score_sheet_one_review'").scalar()
    assert _normal(index).endswith("WHEREstatus_kind='review'")
    store.dispose()


def test_upgrading_a_0008_database_stores_each_sheets_score_as_its_writes_would(tmp_path, capsys):
    cli = Cli(tmp_path / "u.db", capsys)
    activity, _ = scored(cli, tmp_path)
    columns = "SELECT id, score, vetoes FROM score_sheet ORDER BY id"
    with sqlite3.connect(tmp_path / "u.db") as connection:
        written = connection.execute(columns).fetchall()
    connection.close()
    assert any(vetoes for _, _, vetoes in written) and all(score for _, score, _ in written)
    engine = make_engine(f"sqlite:///{tmp_path / 'u.db'}")
    with engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, "0008")  # the scores' columns gone, as in a database of the last release
    engine.dispose()
    with sqlite3.connect(tmp_path / "u.db") as connection:
        assert "score" not in [row[1] for row in connection.execute("PRAGMA table_info(score_sheet)")]
    connection.close()
    assert "每张评查表存储的得分与其扣分相符" in cli.ok("check")  # opening upgrades it to HEAD again
    with sqlite3.connect(tmp_path / "u.db") as connection:
        assert connection.execute(columns).fetchall() == written
    connection.close()


def test_a_stored_score_that_is_no_number_is_explained_not_a_traceback(tmp_path, capsys):
    cli = Cli(tmp_path / "n.db", capsys)
    activity, _ = scored(cli, tmp_path)
    with sqlite3.connect(tmp_path / "n.db") as connection:
        connection.execute("UPDATE score_sheet SET score = 'abc' WHERE id = (SELECT min(id) FROM score_sheet)")
    connection.close()
    status, out, err = cli("results", activity)
    assert status == 1 and "保存的得分“abc”不是数字" in out + err and "Traceback" not in out + err
    status, report, _ = cli("check")
    assert status == 1 and "存储的得分为 abc" in report
