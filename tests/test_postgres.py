"""The same activity on PostgreSQL, for a server many evaluators share.

Runs where PINGCHA_TEST_POSTGRES names a server (an SQLAlchemy URL to a database the test may create
databases from); .ci/run starts one. Elsewhere it is skipped, saying so.
"""

from __future__ import annotations

import json
import os
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.helpers import Cli, prepared

SERVER = os.environ.get("PINGCHA_TEST_POSTGRES")
pytestmark = pytest.mark.skipif(not SERVER, reason="没有可用的 PostgreSQL（设置 PINGCHA_TEST_POSTGRES 后运行）")


@pytest.fixture
def pg_url():
    name = f"pingcha_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(SERVER).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def test_activity_runs_on_postgres(pg_url, capsys, tmp_path):
    cli = Cli(pg_url, capsys)
    activity = prepared(cli)
    files = cli.json("results", activity, "--json")["files"]
    case_no, (first, second) = files[0]["case_no"], files[0]["evaluators"]
    sheets = [{"case_no": case_no, "evaluator": first, "deductions": {"A2a": 1}},
              {"case_no": case_no, "evaluator": second, "deductions": {"A2a": 1, "A2b": 1}}]
    (tmp_path / "s.json").write_text(json.dumps(sheets, ensure_ascii=False), encoding="utf-8")
    cli.ok("sheets", "import", activity, tmp_path / "s.json", "--submit", "--allow-undecided")
    final = next(f for f in cli.json("results", activity, "--json")["files"] if f["case_no"] == case_no)
    assert (final["status"], final["score"]) == ("final", 98.5)
    assert "提交评查表" in cli.ok("audit", activity, case_no)
    engine = create_engine(pg_url)
    with engine.connect() as connection, pytest.raises(Exception, match="append-only"):
        connection.execute(text("DELETE FROM audit_log"))
    engine.dispose()


def test_prechecks_run_on_postgres(pg_url, capsys):
    from pingcha.services.prechecks import accept_finding, file_findings
    from pingcha.services.sheets import read_sheet, sheet_ref
    from pingcha.store import open_store
    from tests.helpers import REGISTER, REPO, ROSTER

    cli = Cli(pg_url, capsys)
    cli.ok("activity", "create", "预检", "--rubric", REPO / "scoring_rules" / "xiqu-xzcf-2024.2.toml")
    assert "预检：17 件案卷有 19 处提示" in cli.ok("cases", "import", "预检", REGISTER)
    cli.ok("evaluators", "import", "预检", ROSTER)
    cli.ok("sample", "预检", "--seed", "2024", "--per-agency", "4")
    cli.ok("assign", "预检", "--seed", "2024")
    finding = next(f for f in cli.json("precheck", "预检", "--json", "--drawn")["findings"] if f["check"] == "P1")
    evaluator = next(f for f in cli.json("results", "预检", "--json")["files"]
                     if f["case_no"] == finding["case_no"])["evaluators"][0]
    store = open_store(pg_url)
    ref = sheet_ref(store, "预检", evaluator, finding["case_no"])
    accept_finding(store, ref, "P1", evaluator)
    assert read_sheet(store, ref).sheet.notes == {"D10a": finding["detail"]}
    assert next(v for v in file_findings(store, ref) if v.check == "P1").decision.label == "采纳"
    store.dispose()
