"""评查表: reading, changing (each change its own short transaction), submitting, import and export."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from sqlalchemy import delete
from sqlmodel import Session, select

from pingcha.errors import UserError
from pingcha.rubric import Rubric
from pingcha.scoring import Sheet, SheetError, SheetResult, check_sheet, score_sheet, sheet_from_json
from pingcha.services.activities import find_activity, info_of
from pingcha.services.tables import read_json_file
from pingcha.store import Store
from pingcha.store.audit import record
from pingcha.store.models import Activity, Assignment, CaseFile, Evaluator, ScoreSheet, SheetDeduction, SheetMark, now

DRAFT = "草稿"
SUBMITTED = "已提交"
RECONCILED = "复核"
EVALUATION = "evaluation"
REVIEW = "review"


@dataclass(frozen=True)
class SheetRef:
    """Which sheet: one evaluator's on one file of one activity (ids resolved once, reused per key press)."""

    activity_id: int
    case_file_id: int
    evaluator_id: int
    case_no: str
    evaluator: str
    kind: str = EVALUATION


@dataclass(frozen=True)
class SheetState:
    ref: SheetRef
    sheet: Sheet
    status: str  # 未开始, 草稿, 已提交 or 复核
    submitted_at: datetime | None = None

    @property
    def locked(self) -> bool:
        return self.status in (SUBMITTED, RECONCILED)


def _not_on_roster(name: str) -> UserError:
    return UserError(f"“{name}”不在本次评查活动的人员名单中")


def _no_such_case(case_no: str) -> UserError:
    return UserError(f"本次评查活动中没有案号为“{case_no}”的案卷")


def _not_assigned(case_no: str, evaluator: str) -> UserError:
    return UserError(f"案卷“{case_no}”没有分配给“{evaluator}”评查")


def _person(session: Session, activity_id: int, name: str) -> Evaluator:
    person = session.exec(select(Evaluator).where(Evaluator.activity_id == activity_id, Evaluator.name == name)).first()
    if person is None:
        raise _not_on_roster(name)
    return person


def _case(session: Session, activity_id: int, case_no: str) -> CaseFile:
    case = session.exec(select(CaseFile).where(CaseFile.activity_id == activity_id, CaseFile.case_no == case_no)).first()
    if case is None:
        raise _no_such_case(case_no)
    return case


def resolve_ref(session: Session, activity_id: int, evaluator: str, case_no: str) -> SheetRef:
    person = _person(session, activity_id, evaluator)
    case = _case(session, activity_id, case_no)
    assigned = session.exec(
        select(Assignment.id).where(Assignment.case_file_id == case.id, Assignment.evaluator_id == person.id)
    ).first()
    if assigned is None:
        raise _not_assigned(case_no, evaluator)
    return SheetRef(activity_id, case.id, person.id, case.case_no, person.name)


def sheet_ref(store: Store, activity_ref: str, evaluator: str, case_no: str) -> SheetRef:
    with store.read() as session:
        activity = find_activity(session, activity_ref)
        return resolve_ref(session, activity.id, evaluator, case_no)


def _row(session: Session, ref: SheetRef) -> ScoreSheet | None:
    return session.exec(
        select(ScoreSheet).where(
            ScoreSheet.case_file_id == ref.case_file_id,
            ScoreSheet.evaluator_id == ref.evaluator_id,
            ScoreSheet.status_kind == ref.kind,
        )
    ).first()


@dataclass
class _Contents:
    """The rows behind one sheet: its deductions by code and its marks by (kind, code)."""

    deductions: dict[str, SheetDeduction]
    marks: dict[tuple[str, str], SheetMark]

    @classmethod
    def read(cls, session: Session, row: ScoreSheet) -> _Contents:
        return cls(
            {d.code: d for d in session.exec(select(SheetDeduction).where(SheetDeduction.sheet_id == row.id))},
            {(m.kind, m.code): m for m in session.exec(select(SheetMark).where(SheetMark.sheet_id == row.id))},
        )

    def sheet(self, row: ScoreSheet, ref: SheetRef | None = None) -> Sheet:
        notes = {d.code: d.note for d in self.deductions.values() if d.note}
        notes.update({code: m.note for (kind, code), m in self.marks.items() if kind == "note" and m.note})
        return Sheet(
            deductions={d.code: d.count for d in self.deductions.values() if d.count},
            na=frozenset(code for kind, code in self.marks if kind == "na"),
            veto=frozenset(code for kind, code in self.marks if kind == "veto"),
            notes=notes,
            comment=row.comment,
            case_no=ref.case_no if ref else None,
            evaluator=ref.evaluator if ref else None,
        )


def sheet_of(session: Session, row: ScoreSheet, ref: SheetRef | None = None) -> Sheet:
    return _Contents.read(session, row).sheet(row, ref)


def read_sheet(store: Store, ref: SheetRef) -> SheetState:
    with store.read() as session:
        row = _row(session, ref)
        if row is None:
            return SheetState(ref, Sheet(case_no=ref.case_no, evaluator=ref.evaluator), "未开始")
        return SheetState(ref, sheet_of(session, row, ref), row.status, row.submitted_at)


def activity_rubric(store: Store, session: Session, activity_id: int) -> Rubric:
    """The rubric an activity is pinned to (it never changes, so it is remembered per Store)."""
    key = ("rubric", activity_id)
    if key not in store.memo:
        store.memo[key] = info_of(session, session.get(Activity, activity_id)).rubric
    return store.memo[key]


def _editable_row(session: Session, ref: SheetRef) -> ScoreSheet:
    row = _row(session, ref)
    if row is None:
        row = ScoreSheet(activity_id=ref.activity_id, case_file_id=ref.case_file_id, evaluator_id=ref.evaluator_id,
                         status=DRAFT, status_kind=ref.kind)
        session.add(row)
        session.flush()
    elif row.status != DRAFT and ref.kind == EVALUATION:
        raise UserError(f"“{ref.evaluator}”对“{ref.case_no}”的评查表已提交，不能再修改；如需更正请由组长复核")
    elif row.status != DRAFT:
        # Changing a settled 复核 sheet reopens it: the file waits for the 组长 to confirm again.
        row.status = DRAFT
        session.add(row)
    return row


def _set_deduction(session: Session, rubric: Rubric, row: ScoreSheet, contents: _Contents, current: Sheet,
                   code: str, count: int | None, note: str | None) -> tuple[dict, dict]:
    deduction = rubric.deduction_by_code[code]
    item = rubric.item_of_deduction[code]
    entry = contents.deductions.get(code) or SheetDeduction(sheet_id=row.id, code=code, count=0, note="")
    before = {"code": code, "count": entry.count, "note": entry.note}
    if count is not None:
        if not 0 <= count <= deduction.max_times:
            raise UserError(f"扣分情形 {code} 的次数应在 0 到 {deduction.max_times} 之间")
        if count and item.code in current.na:
            raise UserError(f"评查项目 {item.code} 已标记为不适用，请先取消不适用再扣分")
        entry.count = count
    if note is not None:
        entry.note = note
    if entry.count or entry.note:
        session.add(entry)
    elif entry.id is not None:
        session.delete(entry)
    return before, {"code": code, "count": entry.count, "note": entry.note}


def _set_mark(session: Session, rubric: Rubric, row: ScoreSheet, contents: _Contents, current: Sheet, code: str,
              marked: bool) -> tuple[dict, dict]:
    kind = "na" if code in rubric.item_by_code else "veto"
    if kind == "na" and marked:
        item = rubric.item_by_code[code]
        if not item.na_allowed:
            raise UserError(f"评查项目 {code}“{item.title}”不允许标记为不适用")
        if any(current.deductions.get(d.code) for d in item.deductions):
            raise UserError(f"评查项目 {code} 已有扣分，不能标记为不适用")
        if all(i.code in current.na or i.code == code for i in rubric.items):
            raise UserError("不能把所有评查项目都标记为不适用")
    mark = contents.marks.get((kind, code))
    if marked and mark is None:
        session.add(SheetMark(sheet_id=row.id, kind=kind, code=code))
    elif not marked and mark is not None:
        session.delete(mark)
    return {"code": code, kind: mark is not None}, {"code": code, kind: marked}


def _set_note(session: Session, row: ScoreSheet, contents: _Contents, code: str, note: str) -> tuple[dict, dict]:
    mark = contents.marks.get(("note", code)) or SheetMark(sheet_id=row.id, kind="note", code=code, note="")
    before = {"code": code, "note": mark.note}
    mark.note = note
    if note:
        session.add(mark)
    elif mark.id is not None:
        session.delete(mark)
    return before, {"code": code, "note": note}


def change_sheet(
    store: Store, ref: SheetRef, actor: str, *, code: str = "", count: int | None = None, note: str | None = None,
    marked: bool | None = None, comment: str | None = None,
) -> SheetState:
    """Apply one change in its own transaction, with its audit row: a deduction's count or note (``code``
    a deduction), 不适用 on an item or a veto (``marked``), a note on an item or veto, or the comment.
    Refused on a submitted sheet, and wherever the rubric forbids it."""
    with store.transaction() as session:
        rubric = activity_rubric(store, session, ref.activity_id)
        row = _editable_row(session, ref)
        contents = _Contents.read(session, row)
        current = contents.sheet(row, ref)
        if comment is not None:
            before, after = {"comment": row.comment}, {"comment": comment}
            row.comment = comment
        elif code in rubric.deduction_by_code:
            before, after = _set_deduction(session, rubric, row, contents, current, code, count, note)
        elif code in rubric.item_by_code or code in rubric.veto_by_code:
            before, after = {}, {}
            if marked is not None:
                before, after = _set_mark(session, rubric, row, contents, current, code, marked)
            if note is not None:
                note_before, note_after = _set_note(session, row, contents, code, note)
                before, after = {**before, **note_before}, {**after, **note_after}
        else:
            raise UserError(f"未知的编号“{code}”")
        row.updated_at = now()
        session.add(row)
        record(session, actor, "sheet", "修改评查表", activity_id=ref.activity_id, case_no=ref.case_no,
               before={"evaluator": ref.evaluator, **before}, after={"evaluator": ref.evaluator, **_kind(ref), **after})
        return SheetState(ref, _applied(current, code, after), row.status, row.submitted_at)


def _kind(ref: SheetRef) -> dict:
    """Marks the audit entries of a 复核 sheet, so replaying the log (pingcha check) knows which sheet changed."""
    return {"kind": REVIEW} if ref.kind == REVIEW else {}


def _applied(sheet: Sheet, code: str, after: dict) -> Sheet:
    """``sheet`` with one change applied, as the rows now say (saves re-reading them per key press)."""
    deductions, notes = dict(sheet.deductions), dict(sheet.notes)
    na, veto = set(sheet.na), set(sheet.veto)
    if "count" in after:
        deductions[code] = after["count"]
        if not after["count"]:
            del deductions[code]
    if "note" in after:
        notes[code] = after["note"]
        if not after["note"]:
            del notes[code]
    for key, marks in (("na", na), ("veto", veto)):
        if key in after:
            (marks.add if after[key] else marks.discard)(code)
    return replace(sheet, deductions=deductions, notes=notes, na=frozenset(na), veto=frozenset(veto),
                   comment=after.get("comment", sheet.comment))


def _replace_contents(session: Session, rubric: Rubric, row: ScoreSheet, sheet: Sheet, fresh: bool = False) -> None:
    """Make the sheet's rows say exactly ``sheet`` (``fresh``: the row was just created, nothing to clear)."""
    if not fresh:
        session.execute(delete(SheetDeduction).where(SheetDeduction.sheet_id == row.id))
        session.execute(delete(SheetMark).where(SheetMark.sheet_id == row.id))
    for code in rubric.deduction_by_code:
        count, note = sheet.deductions.get(code, 0), sheet.notes.get(code, "")
        if count or note:
            session.add(SheetDeduction(sheet_id=row.id, code=code, count=count, note=note))
    for kind, codes in (("na", sheet.na), ("veto", sheet.veto)):
        for code in sorted(codes):
            session.add(SheetMark(sheet_id=row.id, kind=kind, code=code))
    for code, note in sheet.notes.items():
        if note and code not in rubric.deduction_by_code:
            session.add(SheetMark(sheet_id=row.id, kind="note", code=code, note=note))
    row.comment = sheet.comment
    row.updated_at = now()
    session.add(row)


def _submit_row(session: Session, rubric: Rubric, ref: SheetRef, row: ScoreSheet, actor: str,
                sheet: Sheet | None = None) -> SheetResult:
    sheet = sheet or sheet_of(session, row, ref)
    result = score_sheet(rubric, sheet)
    row.status = SUBMITTED
    row.submitted_at = now()
    session.add(row)
    record(session, actor, "sheet", "提交评查表", activity_id=ref.activity_id, case_no=ref.case_no,
           after={"evaluator": ref.evaluator, **_kind(ref), "score": str(result.score), "grade": result.grade,
                  **sheet.to_json()})
    return result


def submit_sheet(store: Store, ref: SheetRef, actor: str) -> SheetResult:
    """Lock the sheet; from now on it changes only through 复核."""
    with store.transaction() as session:
        rubric = activity_rubric(store, session, ref.activity_id)
        row = _editable_row(session, ref)
        return _submit_row(session, rubric, ref, row, actor)


def _read_sheet_file(path: Path) -> list[dict]:
    data = read_json_file(path)
    if isinstance(data, dict):
        return [data]
    if isinstance(data, list):
        return data
    raise UserError(f"{path.name}：应为一张评查表（JSON 对象）或评查表数组")


class _Assignments:
    """An activity's people, files, assignments and sheets, read once for a bulk import."""

    def __init__(self, session: Session, activity_id: int) -> None:
        self.activity_id = activity_id
        self.people = {p.name: p for p in session.exec(select(Evaluator).where(Evaluator.activity_id == activity_id))}
        self.cases = {c.case_no: c for c in session.exec(select(CaseFile).where(CaseFile.activity_id == activity_id))}
        self.assigned = set(session.exec(
            select(Assignment.case_file_id, Assignment.evaluator_id).where(Assignment.activity_id == activity_id)
        ).all())
        self.rows = {
            (r.case_file_id, r.evaluator_id): r
            for r in session.exec(select(ScoreSheet).where(
                ScoreSheet.activity_id == activity_id, ScoreSheet.status_kind == EVALUATION))
        }

    def ref(self, evaluator: str, case_no: str) -> SheetRef:
        """The same checks and messages as ``resolve_ref``, without a query per sheet."""
        person = self.people.get(evaluator)
        if person is None:
            raise _not_on_roster(evaluator)
        case = self.cases.get(case_no)
        if case is None:
            raise _no_such_case(case_no)
        if (case.id, person.id) not in self.assigned:
            raise _not_assigned(case_no, evaluator)
        return SheetRef(self.activity_id, case.id, person.id, case.case_no, person.name)


def import_sheet_files(store: Store, activity_ref: str, paths: list[str], actor: str, submit: bool = False) -> list[tuple[str, str, str]]:
    """Import §3 sheets; each file is all or nothing. Returns (case_no, evaluator, status) per sheet."""
    done = []
    for path in map(Path, paths):
        entries = _read_sheet_file(path)
        with store.transaction() as session:
            activity = find_activity(session, activity_ref)
            rubric = activity_rubric(store, session, activity.id)
            known = _Assignments(session, activity.id)
            problems = []
            parsed = []
            for index, entry in enumerate(entries, start=1):
                where = f"第 {index} 张" if len(entries) > 1 else "评查表"
                try:
                    sheet = sheet_from_json(entry)
                    if not sheet.case_no or not sheet.evaluator:
                        raise SheetError(["必须填写 case_no（案号）和 evaluator（评查人员）"])
                    errors = check_sheet(rubric, sheet)
                    if errors:
                        raise SheetError(errors)
                    ref = known.ref(sheet.evaluator, sheet.case_no)
                    row = known.rows.get((ref.case_file_id, ref.evaluator_id))
                    if row is not None and row.status != DRAFT:
                        raise UserError(f"“{sheet.evaluator}”对“{sheet.case_no}”的评查表已提交，不能再导入修改")
                    parsed.append((ref, row, sheet))
                except UserError as exc:
                    problems.append(f"{where}（{entry.get('case_no', '?') if isinstance(entry, dict) else '?'}）：{exc}")
            if problems:
                raise UserError(f"{path.name}：有 {len(problems)} 张评查表不能导入，整个文件未导入：\n" + "\n".join(problems))
            for ref, row, sheet in parsed:
                before = sheet_of(session, row, ref).to_json() if row is not None else None
                if row is None:
                    row = ScoreSheet(activity_id=ref.activity_id, case_file_id=ref.case_file_id,
                                     evaluator_id=ref.evaluator_id, status=DRAFT, status_kind=EVALUATION)
                    session.add(row)
                    session.flush()
                _replace_contents(session, rubric, row, sheet, fresh=before is None)
                record(session, actor, "sheet", "导入评查表", activity_id=activity.id, case_no=ref.case_no,
                       before=before, after={"evaluator": ref.evaluator, "file": path.name, **sheet.to_json()})
                status = DRAFT
                if submit:
                    _submit_row(session, rubric, ref, row, actor, sheet)
                    status = SUBMITTED
                done.append((ref.case_no, ref.evaluator, status))
    return done


def export_sheets(store: Store, activity_ref: str, evaluator: str) -> list[dict]:
    """One §3 sheet per file assigned to ``evaluator`` (empty where not yet scored), for offline work."""
    with store.read() as session:
        activity = find_activity(session, activity_ref)
        person = _person(session, activity.id, evaluator)
        cases = session.exec(
            select(CaseFile).join(Assignment, Assignment.case_file_id == CaseFile.id)
            .where(Assignment.evaluator_id == person.id).order_by(CaseFile.case_no)
        ).all()
        sheets = []
        for case in cases:
            ref = SheetRef(activity.id, case.id, person.id, case.case_no, person.name)
            row = _row(session, ref)
            sheet = sheet_of(session, row, ref) if row else Sheet(case_no=case.case_no, evaluator=person.name)
            sheets.append(sheet.to_json())
        return sheets
