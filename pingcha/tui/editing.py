"""What the scoring screen edits: an evaluator's sheet in the database, or the 组长's 复核 sheet being settled.

Both expose the same small surface, so one screen serves both. Neither holds a business rule of its own: the
stored sheet goes through ``change_sheet`` (one short transaction per change), the 复核 sheet is checked by
``check_sheet`` and recorded by ``reconcile``.
"""

from __future__ import annotations

from dataclasses import replace

from pingcha.errors import UserError
from pingcha.rubric import Rubric
from pingcha.scoring import Sheet, SheetError, SheetResult, check_sheet, score_sheet
from pingcha.services.review import reconcile
from pingcha.services.sheets import SheetRef, SheetState, change_sheet, read_sheet, submit_sheet
from pingcha.store import Store


class SheetEditor:
    """The sheet on screen: ``sheet``, whether it may change, and one method per kind of change."""

    rubric: Rubric
    sheet: Sheet
    status: str
    review: bool = False

    @property
    def locked(self) -> bool:
        raise NotImplementedError

    def result(self) -> SheetResult | None:
        try:
            return score_sheet(self.rubric, self.sheet)
        except SheetError:
            return None

    def set_count(self, code: str, count: int) -> None:
        raise NotImplementedError

    def set_note(self, code: str, note: str) -> None:
        raise NotImplementedError

    def set_mark(self, code: str, marked: bool) -> None:
        raise NotImplementedError

    def set_comment(self, comment: str) -> None:
        raise NotImplementedError

    def reload(self) -> None:
        """Read the sheet again (another process may have changed it)."""

    def submit(self) -> SheetResult:
        raise NotImplementedError


class StoredSheetEditor(SheetEditor):
    """An evaluator's own sheet: every change is committed before the screen shows it."""

    def __init__(self, store: Store, rubric: Rubric, ref: SheetRef, actor: str) -> None:
        self.store = store
        self.rubric = rubric
        self.ref = ref
        self.actor = actor
        self.state: SheetState = read_sheet(store, ref)

    @property
    def sheet(self) -> Sheet:
        return self.state.sheet

    @property
    def status(self) -> str:
        return self.state.status

    @property
    def locked(self) -> bool:
        return self.state.locked

    def _change(self, **change) -> None:
        try:
            self.state = change_sheet(self.store, self.ref, self.actor, **change)
        except UserError:
            # The refusal may come from a change made elsewhere (e.g. submitted from the command line).
            self.reload()
            raise

    def set_count(self, code: str, count: int) -> None:
        self._change(code=code, count=count)

    def set_note(self, code: str, note: str) -> None:
        self._change(code=code, note=note)

    def set_mark(self, code: str, marked: bool) -> None:
        self._change(code=code, marked=marked)

    def set_comment(self, comment: str) -> None:
        self._change(comment=comment)

    def reload(self) -> None:
        self.state = read_sheet(self.store, self.ref)

    def submit(self) -> SheetResult:
        result = submit_sheet(self.store, self.ref, self.actor)
        self.reload()
        return result


class ReviewSheetEditor(SheetEditor):
    """The 组长's 复核 sheet for one file, started from one evaluator's sheet and recorded on confirmation."""

    review = True

    def __init__(self, store: Store, rubric: Rubric, activity: str, case_no: str, actor: str, start: Sheet) -> None:
        self.store = store
        self.rubric = rubric
        self.activity = activity
        self.case_no = case_no
        self.actor = actor
        self.sheet = replace(start, case_no=case_no, evaluator=actor)
        self.status = "复核中"
        self.changed = False
        self.done = False

    @property
    def locked(self) -> bool:
        return self.done

    def _apply(self, sheet: Sheet) -> None:
        if self.done:
            raise UserError(f"案卷“{self.case_no}”的复核结果已录入")
        problems = check_sheet(self.rubric, sheet)
        if problems:
            raise UserError("；".join(problems))
        self.sheet = sheet
        self.changed = True

    def set_count(self, code: str, count: int) -> None:
        deductions = dict(self.sheet.deductions)
        if count:
            deductions[code] = count
        else:
            deductions.pop(code, None)
        self._apply(replace(self.sheet, deductions=deductions))

    def set_note(self, code: str, note: str) -> None:
        notes = dict(self.sheet.notes)
        if note:
            notes[code] = note
        else:
            notes.pop(code, None)
        self._apply(replace(self.sheet, notes=notes))

    def set_mark(self, code: str, marked: bool) -> None:
        field = "na" if code in self.rubric.item_by_code else "veto"
        codes = set(getattr(self.sheet, field))
        if marked:
            codes.add(code)
        else:
            codes.discard(code)
        self._apply(replace(self.sheet, **{field: frozenset(codes)}))

    def set_comment(self, comment: str) -> None:
        self._apply(replace(self.sheet, comment=comment))

    def submit(self) -> SheetResult:
        result = reconcile(self.store, self.activity, self.case_no, self.sheet, self.actor)
        self.done = True
        self.status = "复核"
        return result
