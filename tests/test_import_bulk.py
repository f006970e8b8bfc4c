"""Importing sheets in bulk (issue 8): a file of many sheets writes exactly what the same sheets imported one file
each write (rows, audit entries, what ``pingcha check`` replays), in statements bounded by the rows and under the
standard 32,766 SQLite variables, on SQLite and on PostgreSQL; a file with a bad sheet writes nothing."""

from __future__ import annotations

import json
import os
import uuid
from datetime import datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, event, select, text
from sqlalchemy.engine import make_url

from pingcha.rubric import load_rubric_file
from pingcha.scoring import Sheet, canonical_codes, score_sheet
from pingcha.services import activities, draw, registers, sheets
from pingcha.services.check import check_database
from pingcha.services.results import activity_results
from pingcha.store import bulk, open_store
from pingcha.store.models import AuditEntry
from pingcha.text import code_key
from tests.helpers import REGISTER, ROSTER, RUBRIC, Cli, prepared
from tests.test_scoring_properties import rubrics
from tests.test_store_scale import standard_store

SERVER = os.environ.get("PINGCHA_TEST_POSTGRES")
ACTOR = "区司法局"
SHIPPED = load_rubric_file(RUBRIC)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        yield str(tmp_path / "bulk.db")
        return
    if not SERVER:
        pytest.skip("没有可用的 PostgreSQL（设置 PINGCHA_TEST_POSTGRES 后运行）")
    name = f"pingcha_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(SERVER).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def _activity(store, name: str) -> list[tuple[str, str]]:
    """An activity on the sample register, drawn and assigned as every other one here: its (evaluator, 案号)."""
    activities.create_activity(store, name, str(RUBRIC), ACTOR)
    registers.import_register(store, name, REGISTER, ACTOR)
    registers.import_roster(store, name, ROSTER, ACTOR)
    draw.draw_files(store, name, "7", ACTOR, per_agency=3)
    draw.assign(store, name, "7", ACTOR)
    return sorted((e, f.case.case_no) for f in activity_results(store, name).files for e in f.evaluators)


def _sheets(pairs: list[tuple[str, str]]) -> list[dict]:
    """Sheets saying all a sheet can say: counts, 不适用, vetoes, notes on deductions and items, 确认无扣分,
    请组长确认, comments; some codes typed in full width or lower case, one 案号 with full-width digits."""
    deductions = list(SHIPPED.deduction_by_code.values())
    na_allowed = [item.code for item in SHIPPED.items if item.na_allowed]
    found = []
    for n, (evaluator, case_no) in enumerate(pairs):
        chosen = deductions[n % 7::11][:n % 4]
        hit = {SHIPPED.item_of_deduction[d.code].code for d in chosen}
        na = [code for code in na_allowed[n % 3:n % 3 + 1] if code not in hit] if n % 2 else []
        sheet = {"case_no": case_no, "evaluator": evaluator,
                 "deductions": {d.code.lower() if n % 5 == 1 else d.code: 1 for d in chosen},
                 "notes": {d.code: f"第{n}页" for d in chosen[:1]}, "na": na,
                 "decided": [i.code for i in SHIPPED.items if i.code not in hit and i.code not in na]}
        if n % 4 == 3:
            sheet["veto"] = [SHIPPED.vetoes[0].code]
            sheet["comment"] = f"第{n}份的意见"
            sheet["notes"][SHIPPED.items[0].code] = "项目说明"
        if n % 6 == 5:
            sheet["uncertain"] = {SHIPPED.items[1].code: "看不清送达日期"}
        if n == 2:
            sheet["case_no"] = case_no.replace("2024", "２０２４")
        found.append(sheet)
    return found


def _trail(store, name: str) -> list[tuple]:
    with store.read() as session:
        activity_id = activities.find_activity(session, name).id
        log = AuditEntry.__table__
        return [tuple(row) for row in session.execute(
            select(log.c.actor, log.c.case_no, log.c.entity, log.c.action, log.c.before, log.c.after)
            .where(log.c.activity_id == activity_id, log.c.entity == "sheet").order_by(log.c.id))]


def _state(store, name: str, evaluators) -> dict:
    found = {}
    for evaluator in sorted(set(evaluators)):
        for sheet in sheets.export_sheets(store, name, evaluator, ACTOR):
            found[(evaluator, sheet["case_no"])] = {k: v for k, v in sheet.items() if k != "revision"}
    return found


def test_a_file_of_many_sheets_writes_what_one_file_a_sheet_writes(db_url, tmp_path, monkeypatch):
    # Statements of 5 rows at most: a file's rows span many statements and a shorter last one.
    monkeypatch.setattr(bulk, "PARAMETERS", 20)
    store = open_store(db_url)
    pairs = _activity(store, "整批")
    assert _activity(store, "逐份") == pairs and len(pairs) >= 40
    batch = _sheets(pairs)
    # Drafts begun before the import: audited as the import's "before", their rows replaced.
    for name in ("整批", "逐份"):
        for evaluator, case_no in pairs[:3]:
            ref = sheets.sheet_ref(store, name, evaluator, case_no)
            sheets.change_sheet(store, ref, evaluator, code="A1a", count=1)
    (tmp_path / "sheets.json").write_text(json.dumps(batch, ensure_ascii=False), encoding="utf-8")
    done = sheets.import_sheet_files(store, "整批", [str(tmp_path / "sheets.json")], ACTOR, submit=True,
                                     overwrite=True)
    single = []
    for n, sheet in enumerate(batch):
        folder = tmp_path / f"one{n}"
        folder.mkdir()
        (folder / "sheets.json").write_text(json.dumps(sheet, ensure_ascii=False), encoding="utf-8")
        single.append(str(folder / "sheets.json"))
    assert sheets.import_sheet_files(store, "逐份", single, ACTOR, submit=True, overwrite=True) == done
    assert [status for *_, status in done] == ["已提交"] * len(pairs)

    trail = _trail(store, "整批")
    assert trail == _trail(store, "逐份")
    imported = [json.loads(after) for *_, action, _, after in trail if action in ("导入评查表", "覆盖导入评查表")]
    submitted = [json.loads(after) for *_, action, _, after in trail if action == "提交评查表"]
    assert len(imported) == len(submitted) == len(pairs)
    # Each sheet's own before (the draft begun above, or nothing), its content as stored, its score computed once.
    befores = [json.loads(before) if before else None for *_, action, before, _ in trail
               if action in ("导入评查表", "覆盖导入评查表")]
    assert [b["deductions"] if b else None for b in befores[:4]] == [{"A1a": 1}] * 3 + [None]
    assert ["overwrite" in sheet for sheet in imported[:4]] == [True] * 3 + [False]  # --overwrite over a draft
    typed = list(batch[1]["deductions"])
    assert typed and all(code not in SHIPPED.deduction_by_code for code in typed)
    assert imported[1]["deductions"] == {next(c for c in SHIPPED.deduction_by_code if c.lower() == code): 1
                                         for code in typed}
    assert imported[2]["case_no"] == pairs[2][1] != batch[2]["case_no"]
    for entry, sheet in zip(submitted, imported):
        result = score_sheet(SHIPPED, Sheet(deductions=sheet["deductions"], na=frozenset(sheet["na"]),
                                            veto=frozenset(sheet["veto"])))
        assert entry["score"] == str(result.score) and entry["grade"] == result.grade
        assert {k: v for k, v in entry.items() if k not in ("score", "grade")} == \
               {k: v for k, v in sheet.items() if k not in ("file", "overwrite")}

    evaluators = [e for e, _ in pairs]
    assert _state(store, "整批", evaluators) == _state(store, "逐份", evaluators)
    state = _state(store, "整批", evaluators)
    assert state[(pairs[5][0], pairs[5][1])]["uncertain"] == {SHIPPED.items[1].code: "看不清送达日期"}
    assert state[(pairs[3][0], pairs[3][1])]["comment"] == "第3份的意见"
    report = check_database(store)
    assert report.clean, report.problems
    assert any("与操作日志逐条重放的结果一致" in line for line in report.checked)
    store.dispose()


def test_imported_sheets_carry_the_moment_of_their_import(tmp_path):
    store = open_store(str(tmp_path / "when.db"))
    pairs = _activity(store, "时间")
    (tmp_path / "s.json").write_text(json.dumps(_sheets(pairs[:4]), ensure_ascii=False), encoding="utf-8")
    began = datetime.now(timezone.utc)
    sheets.import_sheet_files(store, "时间", [str(tmp_path / "s.json")], ACTOR, submit=True)
    ended = datetime.now(timezone.utc)
    for evaluator, case_no in pairs[:4]:
        state = sheets.read_sheet(store, sheets.sheet_ref(store, "时间", evaluator, case_no))
        assert state.status == "已提交" and began <= state.submitted_at <= ended
    # A draft imported without --submit: its revision (which covers updated_at) round-trips through export.
    (tmp_path / "d.json").write_text(json.dumps(_sheets(pairs[4:6]), ensure_ascii=False), encoding="utf-8")
    sheets.import_sheet_files(store, "时间", [str(tmp_path / "d.json")], ACTOR)
    exported = [s for s in sheets.export_sheets(store, "时间", pairs[4][0], ACTOR) if s["case_no"] == pairs[4][1]]
    exported[0]["comment"] = "导出后离线修改"
    (tmp_path / "e.json").write_text(json.dumps(exported, ensure_ascii=False), encoding="utf-8")
    sheets.import_sheet_files(store, "时间", [str(tmp_path / "e.json")], ACTOR)
    assert sheets.read_sheet(store, sheets.sheet_ref(store, "时间", *pairs[4])).sheet.comment == "导出后离线修改"
    store.dispose()


def _audit_rows(cli: Cli) -> int:
    engine = create_engine(f"sqlite:///{cli.db}")
    with engine.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM audit_log")).scalar()
        sheets_stored = connection.execute(text("SELECT count(*) FROM score_sheet")).scalar()
    engine.dispose()
    return count, sheets_stored


@pytest.mark.parametrize("wrong, message", [
    ({"evaluator": "无名氏"}, "“无名氏”不在本次评查活动的人员名单中"),
    ({"case_no": "罚〔2099〕1号"}, "本次评查活动中没有案号为“罚〔2099〕1号”的案卷"),
    ({"deductions": {"A1a": 99}}, "扣分情形 A1a 最多计"),
    ({"deductions": {"ZZ9": 1}}, "未知的扣分情形编号“ZZ9”"),
])
def test_a_file_with_one_bad_sheet_says_which_and_writes_nothing(tmp_path, capsys, wrong, message):
    cli = Cli(tmp_path / "p.db", capsys)
    activity = prepared(cli)
    files = cli.json("results", activity, "--json")["files"]
    good = [{"case_no": f["case_no"], "evaluator": e, "deductions": {"A2a": 1}} for f in files[:3] for e in f["evaluators"]]
    bad = {**good[4], **wrong}
    (tmp_path / "s.json").write_text(json.dumps(good[:4] + [bad] + good[5:], ensure_ascii=False), encoding="utf-8")
    before = _audit_rows(cli)
    status, _, err = cli("sheets", "import", activity, tmp_path / "s.json", "--submit", "--allow-undecided")
    assert status == 1 and message in err and "第 5 张" in err and "整个文件未导入" in err
    assert "Traceback" not in err and _audit_rows(cli) == before


def test_another_evaluators_sheet_is_refused_and_nothing_is_written(tmp_path, capsys):
    cli = Cli(tmp_path / "p.db", capsys)
    activity = prepared(cli)
    files = cli.json("results", activity, "--json")["files"]
    mine = next(name for name in files[0]["evaluators"])
    theirs = next(f for f in files if mine not in f["evaluators"])
    sheets_json = [{"case_no": files[0]["case_no"], "evaluator": mine},
                   {"case_no": theirs["case_no"], "evaluator": theirs["evaluators"][0]}]
    (tmp_path / "s.json").write_text(json.dumps(sheets_json, ensure_ascii=False), encoding="utf-8")
    stored = _audit_rows(cli)[1]
    status, _, err = cli("sheets", "import", activity, tmp_path / "s.json", user=mine)
    assert status == 1 and f"“{mine}”不能导入“{theirs['evaluators'][0]}”的评查表" in err
    assert _audit_rows(cli)[1] == stored


# ---------------------------------------------------------------- the bulk statements themselves

def _scratch(store) -> Table:
    table = Table("scratch", MetaData(), Column("id", Integer, primary_key=True), Column("n", Integer),
                  Column("word", String))
    table.create(store.engine)
    return table


@pytest.mark.parametrize("rows", [0, 1, 1999, 2000, 2001, 10_001])
def test_rows_go_in_in_order_in_at_most_two_driver_calls_under_the_standard_limit(tmp_path, rows):
    store = standard_store(tmp_path / "limit.db")  # 32,766 variables at most: 10,001 rows are 20,002 values
    table = _scratch(store)
    calls = []

    @event.listens_for(store.engine, "before_cursor_execute")
    def seen(_conn, _cursor, statement, parameters, _context, many) -> None:
        if "scratch" in statement:
            calls.append(max(len(p) for p in parameters) if many else len(parameters))

    with store.transaction() as session:
        bulk.insert_tuples(session, table, ("n", "word"), [(n, f"第{n}行") for n in range(rows)])
    assert len(calls) <= 2 and all(values <= bulk.PARAMETERS for values in calls)
    with store.read() as session:
        stored = session.execute(select(table.c.id, table.c.n, table.c.word).order_by(table.c.id)).all()
    assert [(n, word) for _, n, word in stored] == [(n, f"第{n}行") for n in range(rows)]
    assert [n for _, n, _ in stored] == sorted(n for _, n, _ in stored)  # ids follow the list
    store.dispose()


def test_rows_of_one_table_update_in_one_call(tmp_path):
    store = standard_store(tmp_path / "update.db")
    table = _scratch(store)
    with store.transaction() as session:
        bulk.insert_tuples(session, table, ("n", "word"), [(n, "") for n in range(50)])
        bulk.update_tuples(session, table, ("n", "word"), "id", [(n * 10, f"改{n}", n + 1) for n in range(0, 50, 2)])
    with store.read() as session:
        stored = dict((row.id, (row.n, row.word)) for row in session.execute(select(table)))
    assert stored[1] == (0, "改0") and stored[2] == (1, "") and stored[49] == (480, "改48") and stored[50] == (49, "")
    store.dispose()


# ---------------------------------------------------------------- the quick paths of the checks an import makes

def _canonical_the_long_way(rubric, sheet: Sheet) -> Sheet:
    """``canonical_codes`` as it was written before its quick path: every code looked up."""
    known, written = rubric.code_keys, rubric.written_codes

    def one(code: str) -> str:
        return code if code in written else known.get(code_key(code), code)

    deductions: dict[str, int] = {}
    for code, count in sheet.deductions.items():
        deductions[one(code)] = deductions.get(one(code), 0) + count
    return Sheet(deductions=deductions, na=frozenset(map(one, sheet.na)), veto=frozenset(map(one, sheet.veto)),
                 notes={one(code): note for code, note in sheet.notes.items()}, comment=sheet.comment,
                 case_no=sheet.case_no, evaluator=sheet.evaluator, decided=frozenset(map(one, sheet.decided)),
                 uncertain={one(code): reason for code, reason in sheet.uncertain.items()})


@st.composite
def typed_sheets(draw):
    """A rubric and a sheet whose codes are typed as the rubric writes them, in lower case or full width, or
    unknown."""
    rubric = draw(rubrics())
    written = sorted(rubric.known_codes) + ["X9", "zz1"]
    full_width = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})
    typed = st.builds(lambda code, how: (code, code.lower(), code.translate(full_width))[how],
                      st.sampled_from(written), st.integers(0, 2))
    codes = st.lists(typed, max_size=6)
    return rubric, Sheet(deductions={c: draw(st.integers(0, 3)) for c in draw(codes)}, na=frozenset(draw(codes)),
                         veto=frozenset(draw(codes)), notes={c: "第1页" for c in draw(codes)},
                         decided=frozenset(draw(codes)), uncertain={c: "看不清" for c in draw(codes)})


@settings(max_examples=300, deadline=None)
@given(typed_sheets())
def test_codes_are_written_as_the_rubric_writes_them_whichever_path(case):
    rubric, sheet = case
    assert canonical_codes(rubric, sheet) == _canonical_the_long_way(rubric, sheet)


@settings(max_examples=300, deadline=None)
@given(typed_sheets())
def test_the_undecided_items_are_those_an_item_at_a_time_finds(case):
    rubric, sheet = case
    assert sheets.undecided_items(rubric, sheet) == [i.code for i in rubric.items if not sheet.is_decided(i)]


def test_files_are_imported_in_turn_up_to_the_first_that_cannot_be(tmp_path, capsys):
    """Each file is read (and checked) while the one before it is written: a file that cannot be read still stops
    the import at its turn, after the files before it were imported and before those after it."""
    cli = Cli(tmp_path / "p.db", capsys)
    activity = prepared(cli)
    files = cli.json("results", activity, "--json")["files"]
    paths = []
    for n, f in enumerate(files[:3]):
        paths.append(tmp_path / f"s{n}.json")
        paths[-1].write_text(json.dumps([{"case_no": f["case_no"], "evaluator": e, "deductions": {"A2a": 1}}
                                         for e in f["evaluators"]], ensure_ascii=False), encoding="utf-8")
    (tmp_path / "broken.json").write_text('[{"case_no": "x",', encoding="utf-8")
    for wrong, message in ((tmp_path / "missing.json", "文件不存在"), (tmp_path / "broken.json", "JSON 格式错误")):
        status, out, err = cli("sheets", "import", activity, paths[0], wrong, paths[1], "--allow-undecided")
        assert status == 1 and message in err and "Traceback" not in err
        assert _audit_rows(cli)[1] == 2  # the first file's two sheets, nothing of the third
    status, out, err = cli("sheets", "import", activity, *paths, "--submit", "--allow-undecided")
    assert status == 0, err
    assert _audit_rows(cli)[1] == 6
