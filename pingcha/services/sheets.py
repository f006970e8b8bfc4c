"""评查表: reading, changing (each change its own short transaction), submitting, import and export."""

from __future__ import annotations

import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

from pingcha import policy
from pingcha.errors import DATABASE_ERRORS, Refused, UserError
from pingcha.memory import paused_collection
from pingcha.services import access, calibration
from pingcha.rubric import Rubric
from pingcha.scoring import (Sheet, SheetError, SheetResult, canonical_codes, check_sheet, score_sheet,
                             sheet_from_json, stored_score)
from pingcha.services.activities import find_activity, info_of
from pingcha.services.tables import read_json_file
from pingcha.store import Store, Transaction
from pingcha.store import activities as people
from pingcha.store import register
from pingcha.store import sheets as rows
from pingcha.text import case_no_key, name_key
from pingcha.store.audit import Entry, record, record_many
from pingcha.store.sheets import DECIDED, NA, NOTE, UNCERTAIN, VETO, SheetRow
from pingcha.vocabulary import NOT_STARTED, SheetKind, SheetStatus

DRAFT = SheetStatus.DRAFT
SUBMITTED = SheetStatus.SUBMITTED
RECONCILED = SheetStatus.RECONCILED
EVALUATION = SheetKind.EVALUATION
REVIEW = SheetKind.REVIEW


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


def _person(session: Transaction, activity_id: int, name: str) -> people.PersonRecord:
    person = people.person_named(session, activity_id, name)
    if person is None:  # typed with a full-width space or the like: compare as names are compared on import
        key = name_key(name)
        person = next((p for p in people.people(session, activity_id) if name_key(p.name) == key), None)
    if person is None:
        raise _not_on_roster(name)
    return person


def _case(session: Transaction, activity_id: int, case_no: str) -> register.StoredCase:
    case = register.case_by_no(session, activity_id, case_no)
    if case is None:  # 〔２０２４〕 typed for 〔2024〕, [ ] for 〔〕
        key = case_no_key(case_no)
        stored = next((c.case_no for c in register.case_keys(session, activity_id) if case_no_key(c.case_no) == key),
                      None)
        case = register.case_by_no(session, activity_id, stored) if stored is not None else None
    if case is None:
        raise _no_such_case(case_no)
    return case


def resolve_ref(session: Transaction, activity_id: int, evaluator: str, case_no: str) -> SheetRef:
    person = _person(session, activity_id, evaluator)
    case = _case(session, activity_id, case_no)
    if not register.is_assigned(session, case.id, person.id):
        raise _not_assigned(case_no, evaluator)
    return SheetRef(activity_id, case.id, person.id, case.case_no, person.name)


def sheet_ref(store: Store, activity_ref: str, evaluator: str, case_no: str) -> SheetRef:
    with store.read() as session:
        activity = find_activity(session, activity_ref)
        return resolve_ref(session, activity.id, evaluator, case_no)


def find_row(session: Transaction, ref: SheetRef, lock: bool = False) -> SheetRow | None:
    """The stored sheet ``ref`` names, if any (``lock``: hold its row until the transaction ends)."""
    return rows.find_sheet(session, ref.case_file_id, ref.evaluator_id, ref.kind, lock=lock)


def sheet_of(session: Transaction, row: SheetRow, ref: SheetRef | None = None) -> Sheet:
    sheet = rows.contents(session, row)
    return replace(sheet, case_no=ref.case_no, evaluator=ref.evaluator) if ref is not None else sheet


def read_sheet(store: Store, ref: SheetRef) -> SheetState:
    with store.read() as session:
        row = find_row(session, ref)
        if row is None:
            return SheetState(ref, Sheet(case_no=ref.case_no, evaluator=ref.evaluator), NOT_STARTED)
        return SheetState(ref, sheet_of(session, row, ref), row.status, row.submitted_at)


def activity_rubric(store: Store, session: Transaction, activity_id: int) -> Rubric:
    """The rubric an activity is pinned to (it never changes, so it is remembered per Store)."""
    key = ("rubric", activity_id)
    if key not in store.memo:
        store.memo[key] = info_of(session, people.activity_by_id(session, activity_id)).rubric
    return store.memo[key]


def _submitted(ref: SheetRef) -> UserError:
    return UserError(f"“{ref.evaluator}”对“{ref.case_no}”的评查表已提交，不能再修改；如需更正请由组长复核")


def _editable_row(session: Transaction, rubric: Rubric, ref: SheetRef, found: SheetRow | None = None) -> SheetRow:
    """The sheet's row, created on the first change, locked for the rest of the transaction, and
    checked editable under that lock (so a change racing a submit either lands first or is refused).
    ``found``: the row as this transaction already read it with its lock held."""
    row = found or find_row(session, ref, lock=True)
    if row is None:
        row = rows.create_sheet(session, ref.activity_id, ref.case_file_id, ref.evaluator_id, ref.kind,
                                stored_score(rubric, Sheet()))
        if row.evaluator_id != ref.evaluator_id:  # one 复核 sheet per file, held by whichever 组长 works on it
            rows.update_sheet(session, row.id, evaluator_id=ref.evaluator_id)
            row = row._replace(evaluator_id=ref.evaluator_id)
    if row.status != DRAFT and ref.kind == EVALUATION:
        raise _submitted(ref)
    if row.status != DRAFT:
        # Changing a settled 复核 sheet reopens it: the file waits for the 组长 to confirm again.
        rows.update_sheet(session, row.id, status=DRAFT)
        row = row._replace(status=DRAFT)
    return row


def _set_deduction(session: Transaction, rubric: Rubric, row: SheetRow, current: Sheet, code: str,
                   count: int | None, note: str | None) -> tuple[dict, dict]:
    deduction = rubric.deduction_by_code[code]
    item = rubric.item_of_deduction[code]
    old_count, old_note = current.deductions.get(code, 0), current.notes.get(code, "")
    new_count, new_note = old_count, old_note
    if count is not None:
        if not 0 <= count <= deduction.max_times:
            raise UserError(f"扣分情形 {code} 的次数应在 0 到 {deduction.max_times} 之间")
        if count and item.code in current.na:
            raise UserError(f"评查项目 {item.code} 已标记为不适用，请先取消不适用再扣分")
        new_count = count
    if note is not None:
        new_note = note
    rows.save_deduction(session, row.id, code, new_count, new_note)
    return {"code": code, "count": old_count, "note": old_note}, {"code": code, "count": new_count, "note": new_note}


def _set_mark(session: Transaction, rubric: Rubric, row: SheetRow, current: Sheet, code: str,
              marked: bool) -> tuple[dict, dict]:
    kind = NA if code in rubric.item_by_code else VETO
    if kind == NA and marked:
        item = rubric.item_by_code[code]
        if not item.na_allowed:
            raise UserError(f"评查项目 {code}“{item.title}”不允许标记为不适用")
        if any(current.deductions.get(d.code) for d in item.deductions):
            raise UserError(f"评查项目 {code} 已有扣分，不能标记为不适用")
        if all(i.code in current.na or i.code == code for i in rubric.items):
            raise UserError("不能把所有评查项目都标记为不适用")
    was = code in (current.na if kind == NA else current.veto)
    if was != marked:
        rows.save_mark(session, row.id, kind, code, marked)
    return {"code": code, kind: was}, {"code": code, kind: marked}


def _set_decided(session: Transaction, row: SheetRow, current: Sheet, code: str, decided: bool) -> tuple[dict, dict]:
    was = code in current.decided
    if was != decided:
        rows.save_mark(session, row.id, DECIDED, code, decided)
    return {"code": code, DECIDED: was}, {"code": code, DECIDED: decided}


def _set_note(session: Transaction, row: SheetRow, current: Sheet, code: str, note: str) -> tuple[dict, dict]:
    before = {"code": code, "note": current.notes.get(code, "")}
    rows.save_mark(session, row.id, NOTE, code, bool(note), note)
    return before, {"code": code, "note": note}


def _set_uncertain(session: Transaction, row: SheetRow, current: Sheet, code: str, reason: str) -> tuple[dict, dict]:
    """请组长确认 on an item or veto with ``reason``, or (an empty reason) withdrawn."""
    reason = reason.strip()
    old = current.uncertain.get(code, "")
    rows.save_mark(session, row.id, UNCERTAIN, code, bool(reason), reason)
    return {"code": code, UNCERTAIN: bool(old), "reason": old}, {"code": code, UNCERTAIN: bool(reason), "reason": reason}


def change_sheet(
    store: Store, ref: SheetRef, actor: str, *, code: str = "", count: int | None = None, note: str | None = None,
    marked: bool | None = None, comment: str | None = None, decided: bool | None = None,
    uncertain: str | None = None, action: str = "修改评查表", suggested_by: dict | None = None,
) -> SheetState:
    """Apply one change in its own transaction, with its audit row: a deduction's count or note (``code``
    a deduction), 不适用 on an item or a veto (``marked``), an item confirmed as nothing to deduct
    (``decided``), a note on an item or veto, 请组长确认 on an item or veto with its reason (``uncertain``;
    empty withdraws it), or the comment. A change that changes nothing is not written.
    ``action`` names it in the audit log (撤销修改 for an undo); ``suggested_by``: the 预检 finding this
    change accepts, audited with it as machine-suggested.
    Refused on a submitted sheet, and wherever the rubric forbids it."""
    try:
        # Beside other evaluators' changes: the sheet's row lock settles a race on one sheet (a first change
        # creates the row under its unique constraint, then locks it), and its marks and deductions are unique.
        with store.transaction(row_locked=True) as session:
            _own(session, ref, actor, "修改")
            rubric = activity_rubric(store, session, ref.activity_id)
            original = find_row(session, ref, lock=True)
            row = _editable_row(session, rubric, ref, original)
            current = sheet_of(session, row, ref)
            changes: dict = {}
            if comment is not None:
                before, after = {"comment": row.comment}, {"comment": comment}
                changes["comment"] = comment
            elif code in rubric.deduction_by_code:
                before, after = _set_deduction(session, rubric, row, current, code, count, note)
            elif code in rubric.item_by_code or code in rubric.veto_by_code:
                before, after = {}, {}
                if marked is not None:
                    before, after = _set_mark(session, rubric, row, current, code, marked)
                if decided is not None and code in rubric.item_by_code:
                    decided_before, decided_after = _set_decided(session, row, current, code, decided)
                    before, after = {**before, **decided_before}, {**after, **decided_after}
                if note is not None:
                    note_before, note_after = _set_note(session, row, current, code, note)
                    before, after = {**before, **note_before}, {**after, **note_after}
                if uncertain is not None:
                    unsure_before, unsure_after = _set_uncertain(session, row, current, code, uncertain)
                    before, after = {**before, **unsure_before}, {**after, **unsure_after}
            else:
                raise UserError(f"未知的编号“{code}”")
            if _unchanged(before, after) and suggested_by is None:
                raise _Unchanged(SheetState(ref, current, original.status if original else NOT_STARTED,
                                            original.submitted_at if original else None))
            changed = _applied(current, code, after)
            rows.update_sheet(session, row.id, stored_score(rubric, changed), **changes)
            record(session, actor, "sheet", action, activity_id=ref.activity_id, case_no=ref.case_no,
                   before={"evaluator": ref.evaluator, **before}, after={"evaluator": ref.evaluator, **_kind(ref), **after})
            if suggested_by is not None:
                record(session, actor, "precheck", "采纳预检提示", activity_id=ref.activity_id, case_no=ref.case_no,
                       after={"evaluator": ref.evaluator, **suggested_by})
            return SheetState(ref, changed, row.status, row.submitted_at)
    except _Unchanged as unchanged:
        return unchanged.state


def _kind(ref: SheetRef) -> dict:
    """Marks the audit entries of a 复核 sheet, so replaying the log (pingcha check) knows which sheet changed."""
    return {"kind": REVIEW} if ref.kind == REVIEW else {}


class _Unchanged(Exception):
    """A change that changes nothing: its transaction is rolled back (a row created for it too), nothing audited."""

    def __init__(self, state: SheetState) -> None:
        super().__init__()
        self.state = state


def rehearse_change(store: Store, ref: SheetRef, actor: str) -> None:
    """Run a sheet change and roll it back, so that the database path of a change is ready (its statements
    compiled) before the first key press of a session, which then costs what later ones do."""
    try:
        with store.read() as session:
            rubric = activity_rubric(store, session, ref.activity_id)
            row = find_row(session, ref)
            if row is not None and row.status != DRAFT:
                return
            current = sheet_of(session, row, ref) if row is not None else Sheet()
        rehearsal = store.rehearsal()
        item = rubric.items[0]
        if item.deductions:
            deduction = item.deductions[0]
            count = current.deductions.get(deduction.code, 0)
            change_sheet(rehearsal, ref, actor, code=deduction.code, count=count - 1 if count else 1)
        change_sheet(rehearsal, ref, actor, code=item.code, decided=item.code not in current.decided)
    except (UserError, *DATABASE_ERRORS):
        pass  # a rehearsal only warms; the real change will say what is wrong


def _unchanged(before: dict, after: dict) -> bool:
    """A change that leaves the sheet as it was (saving an empty note on no note, a mark already set)."""
    return bool(before) and before == after


def _applied(sheet: Sheet, code: str, after: dict) -> Sheet:
    """``sheet`` with one change applied, as the rows now say (saves re-reading them per key press)."""
    deductions, notes = dict(sheet.deductions), dict(sheet.notes)
    na, veto, decided = set(sheet.na), set(sheet.veto), set(sheet.decided)
    if "count" in after:
        deductions[code] = after["count"]
        if not after["count"]:
            del deductions[code]
    if "note" in after:
        notes[code] = after["note"]
        if not after["note"]:
            del notes[code]
    for key, marks in (("na", na), ("veto", veto), (DECIDED, decided)):
        if key in after:
            (marks.add if after[key] else marks.discard)(code)
    uncertain = dict(sheet.uncertain)
    if UNCERTAIN in after:
        if after[UNCERTAIN]:
            uncertain[code] = after["reason"]
        else:
            uncertain.pop(code, None)
    return replace(sheet, deductions=deductions, notes=notes, na=frozenset(na), veto=frozenset(veto),
                   decided=frozenset(decided), comment=after.get("comment", sheet.comment), uncertain=uncertain)


def write_contents(session: Transaction, rubric: Rubric, row: SheetRow, sheet: Sheet, fresh: bool = False) -> None:
    """Make the sheet's rows say exactly ``sheet`` (``fresh``: the row was just created, nothing to clear)."""
    rows.replace_contents(session, {row.id: sheet}, rubric.deduction_by_code, {row.id: stored_score(rubric, sheet)},
                          fresh=[row.id] if fresh else ())


def _submit_row(session: Transaction, rubric: Rubric, ref: SheetRef, row: SheetRow, actor: str,
                sheet: Sheet | None = None) -> SheetResult:
    sheet = sheet or sheet_of(session, row, ref)
    result = score_sheet(rubric, sheet)
    rows.mark_submitted(session, [row.id])
    record(session, actor, "sheet", "提交评查表", activity_id=ref.activity_id, case_no=ref.case_no,
           after={"evaluator": ref.evaluator, **_kind(ref), "score": str(result.score), "grade": result.grade,
                  **sheet.to_json()})
    return result


def _own(session: Transaction, ref: SheetRef, actor: str, verb: str) -> None:
    """§10: everyone changes only their own sheets; a 复核 draft only the 组长 holding it (services.review checked
    them when they opened it)."""
    if ref.kind == EVALUATION:
        access.require_own_sheet(session, ref.activity_id, actor, ref.evaluator, verb)
        calibration.require_open(session, ref.activity_id, actor, ref.evaluator_id, ref.evaluator,
                                 [ref.case_file_id], verb)
    else:
        access.require_review_holder(session, ref.activity_id, actor, ref.evaluator, ref.case_no)


def check_own(store: Store, ref: SheetRef, actor: str, verb: str) -> None:
    """The rule of ``_own`` on its own, before a use case that reads the sheet first (refusal audited)."""
    with store.transaction(row_locked=True) as session:  # writes nothing
        _own(session, ref, actor, verb)


def submit_sheet(store: Store, ref: SheetRef, actor: str) -> SheetResult:
    """Lock the sheet; from now on it changes only through 复核."""
    with store.transaction(row_locked=True) as session:  # as change_sheet: under the sheet's row lock
        _own(session, ref, actor, "提交")
        rubric = activity_rubric(store, session, ref.activity_id)
        row = _editable_row(session, rubric, ref)
        return _submit_row(session, rubric, ref, row, actor)


def _read_sheet_file(path: Path) -> list[dict]:
    data = read_json_file(path)
    if isinstance(data, dict):
        return [data]
    if isinstance(data, list):
        return data
    raise UserError(f"{path.name}：应为一张评查表（JSON 对象）或评查表数组")


class _Assignments:
    """The people, files, assignments and sheets one imported file names, and only those, read at once."""

    def __init__(self, session: Transaction, activity_id: int, names: set[str], case_nos: set[str]) -> None:
        self.activity_id = activity_id
        self.people = people.people_named(session, activity_id, names)
        missing = names - set(self.people)
        if missing:  # typed with a full-width space or the like: compare as names are compared on import
            by_key = {name_key(p.name): p for p in people.people(session, activity_id)}
            self.people.update({name: by_key[name_key(name)] for name in missing if name_key(name) in by_key})
        self.cases = register.case_ids_numbered(session, activity_id, case_nos)  # 案号 as typed → (id, 案号)
        missing = case_nos - set(self.cases)
        if missing:  # 〔２０２４〕 typed for 〔2024〕, [ ] for 〔〕
            by_key = {case_no_key(c.case_no): (c.id, c.case_no) for c in register.case_keys(session, activity_id)}
            self.cases.update({no: by_key[case_no_key(no)] for no in missing if case_no_key(no) in by_key})
        case_ids = {case_id for case_id, _ in self.cases.values()}
        self.assigned = {pair for pair in register.assignments_of(session, [p.id for p in self.people.values()])
                         if pair[0] in case_ids}
        person_ids = {p.id for p in self.people.values()}
        # Locked: a sheet submitted by someone else while this file is imported is seen as submitted.
        self.rows = {(r.case_file_id, r.evaluator_id): r
                     for r in rows.sheets_on_cases(session, case_ids, lock=True, evaluator_ids=person_ids)}

    def ref(self, evaluator: str, case_no: str) -> SheetRef:
        """The same checks and messages as ``resolve_ref``, without a query per sheet."""
        person = self.people.get(evaluator)
        if person is None:
            raise _not_on_roster(evaluator)
        case = self.cases.get(case_no)
        if case is None:
            raise _no_such_case(case_no)
        case_id, stored_no = case
        if (case_id, person.id) not in self.assigned:
            raise _not_assigned(case_no, evaluator)
        return SheetRef(self.activity_id, case_id, person.id, stored_no, person.name)


def _parse_entries(rubric: Rubric, entries: list) -> tuple[list[tuple[int, object, Sheet | None]], list[tuple[int, str]]]:
    """Each entry as a checked sheet (or None), with the problems of those that are not."""
    parsed, problems = [], []
    for index, entry in enumerate(entries, start=1):
        try:
            sheet = canonical_codes(rubric, sheet_from_json(entry))
            if not sheet.case_no or not sheet.evaluator:
                raise SheetError(["必须填写 case_no（案号）和 evaluator（评查人员）"])
            errors = check_sheet(rubric, sheet)
            if errors:
                raise SheetError(errors)
            parsed.append((index, entry, sheet))
        except UserError as exc:
            parsed.append((index, entry, None))
            problems.append((index, _problem(index, entries, entry, exc)))
    return parsed, problems


def _problem(index: int, entries: list, entry: object, exc: UserError) -> str:
    where = f"第 {index} 张" if len(entries) > 1 else "评查表"
    return f"{where}（{entry.get('case_no', '?') if isinstance(entry, dict) else '?'}）：{exc}"


def sheet_revision(row: SheetRow | None, sheet: Sheet | None) -> str:
    """An opaque token of a stored sheet's state (§3 ``revision``): it changes whenever the sheet does."""
    if row is None or sheet is None:
        return EMPTY_REVISION
    content = replace(sheet, case_no=None, evaluator=None).to_json()  # whoever reads it, the same sheet
    state = {**content, "status": str(row.status), "updated_at": str(row.updated_at)}
    return hashlib.sha256(json.dumps(state, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


EMPTY_REVISION = "0"


def _is_blank(sheet: Sheet) -> bool:
    return not (sheet.deductions or sheet.na or sheet.veto or sheet.notes or sheet.comment or sheet.decided)


def _when(row: SheetRow) -> str:
    moment = row.updated_at
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def _overwrite_check(ref: SheetRef, row: SheetRow | None, stored: Sheet | None, revision: object,
                     incoming: Sheet) -> str | None:
    """Why importing over the stored sheet would lose work (None when it would not: nothing stored yet, the
    stored sheet is what was exported, or it already says exactly what the file says)."""
    if row is None or (stored is not None and stored.to_json() == incoming.to_json()):
        return None
    if revision is None:
        if stored is None or _is_blank(stored):
            return None
        return (f"“{ref.evaluator}”对“{ref.case_no}”的评查表已有内容（最后修改于 {_when(row)}），导入的评查表没有"
                f" revision，不是从这份评查表导出的")
    if revision != sheet_revision(row, stored):
        return (f"“{ref.evaluator}”对“{ref.case_no}”的评查表在导出之后又有修改（最后修改于 {_when(row)}），"
                f"导入会覆盖较新的内容")
    return None


def undecided_items(rubric: Rubric, sheet: Sheet) -> list[str]:
    """Codes of the items neither deducted, 不适用, nor confirmed as nothing to deduct."""
    item_of = rubric.item_of_deduction
    settled = {item_of[code].code for code, count in sheet.deductions.items() if count and code in item_of}
    settled.update(sheet.decided, sheet.na)  # what Sheet.is_decided asks of each item, for all items at once
    return [item.code for item in rubric.items if item.code not in settled]


def import_sheet_files(store: Store, activity_ref: str, paths: list[str], actor: str, submit: bool = False,
                       allow_undecided: bool = False, overwrite: bool = False) -> list[tuple[str, str, str]]:
    """Import §3 sheets; each file is all or nothing. Returns (case_no, evaluator, status) per sheet.

    A sheet replaces the stored draft only if that draft is unchanged since the sheet's ``revision`` (or is
    still blank, for a sheet without one), unless ``overwrite``; ``submit`` refuses sheets with undecided items
    unless ``allow_undecided``. A file costs a fixed number of bulk statements, whatever the activity's size:
    only the people and files it names are read, new sheets are inserted together, their rows written together."""
    done = []
    files = [Path(path) for path in paths]
    with ThreadPoolExecutor(max_workers=1) as reader:
        ahead = None
        for number, path in enumerate(files):
            # Read and decoded before the write lock is taken; from the second file on, read and checked while the
            # file before it was written (SQLite lets go of Python's lock while it works), its error raised here.
            entries, parsed = ahead.result() if ahead is not None else (_read_sheet_file(path), None)
            with paused_collection(), store.transaction() as session:
                activity = find_activity(session, activity_ref)
                rubric = activity_rubric(store, session, activity.id)
                ahead = reader.submit(_read_and_parse, rubric, files[number + 1]) if number + 1 < len(files) else None
                done.extend(_import_file(session, rubric, activity.id, path, entries, parsed, actor, submit,
                                         allow_undecided, overwrite))
    return done


def _read_and_parse(rubric: Rubric, path: Path) -> tuple[list, tuple]:
    entries = _read_sheet_file(path)
    return entries, _parse_entries(rubric, entries)


def _import_file(session: Transaction, rubric: Rubric, activity_id: int, path: Path, entries: list,
                 parsed: tuple | None, actor: str, submit: bool, allow_undecided: bool, overwrite: bool) -> list:
    """One file's sheets, all or nothing, in the caller's transaction (``parsed``: ``_parse_entries``'s answer,
    if already known)."""
    parsed, problems = parsed if parsed is not None else _parse_entries(rubric, entries)
    valid = [(index, entry, sheet) for index, entry, sheet in parsed if sheet is not None]
    known = _Assignments(session, activity_id, {s.evaluator for _, _, s in valid},
                         {s.case_no for _, _, s in valid})
    resolved = []
    for index, entry, sheet in valid:
        try:
            ref = known.ref(sheet.evaluator, sheet.case_no)
            row = known.rows.get((ref.case_file_id, ref.evaluator_id))
            if row is not None and row.status != DRAFT:
                raise UserError(f"“{ref.evaluator}”对“{ref.case_no}”的评查表已提交，不能再导入修改")
            if (sheet.case_no, sheet.evaluator) != (ref.case_no, ref.evaluator):  # as stored, not as typed
                sheet = replace(sheet, case_no=ref.case_no, evaluator=ref.evaluator)
            resolved.append((index, entry, sheet, ref, row))
        except UserError as exc:
            problems.append((index, _problem(index, entries, entry, exc)))
    access.require_own_sheets(session, activity_id, actor, [ref.evaluator for *_, ref, _ in resolved], "导入")
    by_owner: dict[tuple[int, str], list[int]] = {}
    for *_, ref, _ in resolved:
        by_owner.setdefault((ref.evaluator_id, ref.evaluator), []).append(ref.case_file_id)
    calibration.require_open_for(session, activity_id, actor, by_owner, "导入")
    stored_contents = rows.contents_of(session, [row for *_, row in resolved if row is not None])
    refs = []
    for index, entry, sheet, ref, row in resolved:
        try:
            stored = None
            if row is not None:
                stored = replace(stored_contents[row.id], case_no=ref.case_no, evaluator=ref.evaluator)
            conflict = _overwrite_check(ref, row, stored, entry.get("revision"), sheet)
            if conflict and not overwrite:
                raise UserError(f"{conflict}；为免丢失，未导入（确需覆盖请加 --overwrite）")
            if submit and not allow_undecided:
                undecided = undecided_items(rubric, sheet)
                if undecided:
                    raise UserError(
                        f"“{ref.evaluator}”对“{ref.case_no}”的评查表尚有 {len(undecided)} 项未定"
                        f"（{'、'.join(undecided[:8])}{'等' if len(undecided) > 8 else ''}：既无扣分、"
                        "不适用，也未列入 decided），不能提交；确认这些项目无扣分请列入 decided，"
                        "或加 --allow-undecided")
            refs.append((index, ref, row, sheet, stored, bool(conflict)))
        except UserError as exc:
            problems.append((index, _problem(index, entries, entry, exc)))
    if problems:
        shown = [message for _, message in sorted(problems, key=lambda p: p[0])]
        raise UserError(f"{path.name}：有 {len(shown)} 张评查表不能导入，整个文件未导入：\n" + "\n".join(shown))
    return _write_imported(session, rubric, activity_id, path.name, refs, actor, submit)


def _write_imported(session: Transaction, rubric: Rubric, activity_id: int, file_name: str,
                    refs: list[tuple[int, SheetRef, SheetRow | None, Sheet, Sheet | None, bool]], actor: str,
                    submit: bool) -> list:
    """Write a checked file's sheets: new drafts inserted together, every sheet's rows replaced together, and
    (``submit``) submitted by the same statement that sets their comments; one audit row per sheet imported and,
    ``submit``, one per sheet submitted, with its score (computed once)."""
    sheet_rows: dict[tuple[int, int], SheetRow] = {}
    earlier: dict[int, Sheet] = {}  # what each sheet said before this file, as the audit's "before"
    new: list[tuple[int, int]] = []
    for _, ref, row, _, stored, _ in refs:
        key = (ref.case_file_id, ref.evaluator_id)
        if row is None:
            new.append(key)
        else:
            sheet_rows[key] = row
            earlier[row.id] = stored  # read under this transaction's lock: not read again
    rows.create_drafts(session, activity_id, new, stored_score(rubric, Sheet()))
    if new:
        # Read back (and lock) the new sheets; on a shared server another import may have created one first.
        created = {(r.case_file_id, r.evaluator_id): r for r in rows.sheets_on_cases(
            session, {case_id for case_id, _ in new}, lock=True, evaluator_ids={person for _, person in new})}
        for _, ref, row, *_ in refs:
            key = (ref.case_file_id, ref.evaluator_id)
            if row is None and key not in sheet_rows:
                if created[key].status != DRAFT:
                    raise UserError(f"{file_name}：“{ref.evaluator}”对“{ref.case_no}”的评查表已提交，不能再导入修改")
                sheet_rows[key] = created[key]
        # Empty, unless that other import wrote to one before this file got its lock.
        earlier.update(rows.contents_of(session, [sheet_rows[key] for key in dict.fromkeys(new)]))
    written = {sheet_rows[(ref.case_file_id, ref.evaluator_id)].id: sheet for _, ref, _, sheet, *_ in refs}
    results = {sheet_id: score_sheet(rubric, sheet) for sheet_id, sheet in written.items()}  # all checked above
    rows.replace_contents(session, written, rubric.deduction_by_code,
                          {sheet_id: (r.score, r.vetoes) for sheet_id, r in results.items()}, submitted=submit)
    done = []
    trail: list[Entry] = []
    for _, ref, row, sheet, _, overwritten in refs:
        sheet_id = sheet_rows[(ref.case_file_id, ref.evaluator_id)].id
        before = earlier[sheet_id]
        before_json = None
        if row is not None or before != Sheet():
            if (before.case_no, before.evaluator) != (ref.case_no, ref.evaluator):
                before = replace(before, case_no=ref.case_no, evaluator=ref.evaluator)
            before_json = before.to_json()
        content = sheet.to_json()
        after = {"evaluator": ref.evaluator, "file": file_name, **content}
        if overwritten:
            after["overwrite"] = "以 --overwrite 覆盖了导出后修改过的评查表"
        trail.append(Entry(actor, "sheet", "覆盖导入评查表" if overwritten else "导入评查表", activity_id, ref.case_no,
                           before_json, after))
        status = DRAFT
        if submit:
            result = results[sheet_id]
            trail.append(Entry(actor, "sheet", "提交评查表", activity_id, ref.case_no, None,
                               {"evaluator": ref.evaluator, "score": str(result.score), "grade": result.grade,
                                **content}))
            status = SUBMITTED
        done.append((ref.case_no, ref.evaluator, status))
    record_many(session, trail)
    return done


def export_sheets(store: Store, activity_ref: str, evaluator: str, actor: str) -> list[dict]:
    """One §3 sheet per file assigned to ``evaluator`` (empty where not yet scored), for offline work; while
    their live files are closed (样卷试评 first), the calibration files only."""
    return export_with_notice(store, activity_ref, evaluator, actor)[0]


def export_with_notice(store: Store, activity_ref: str, evaluator: str, actor: str) -> tuple[list[dict], str | None]:
    """``export_sheets``, with why live files were left out (None when none was)."""
    with store.read() as session:
        activity = find_activity(session, activity_ref)
        reason = policy.sheet_refusal(actor, access.role_of(session, activity.id, actor), evaluator, "导出",
                                      writes=False)
    if reason:
        refusal = Refused(reason, actor, "导出评查表", activity.id)
        store.audit_refusal(refusal)
        raise refusal
    with store.read() as session:
        activity = find_activity(session, activity_ref)
        person = _person(session, activity.id, evaluator)
        cases = sorted(register.assigned_cases(session, person.id), key=lambda c: c.case_no)
        allowed, notice = calibration.exportable(session, activity.id, person.id, person.name, [c.id for c in cases])
        cases = [case for case in cases if case.id in allowed]
        own, contents = rows.evaluator_sheets(session, person.id, EVALUATION)
        by_case = {row.case_file_id: row for row in own}
        sheets = []
        for case in cases:
            row = by_case.get(case.id)
            stored = contents[row.id] if row is not None else None
            sheet = replace(stored or Sheet(), case_no=case.case_no, evaluator=person.name)
            sheets.append({**sheet.to_json(), "revision": sheet_revision(row, stored)})
        return sheets, notice
