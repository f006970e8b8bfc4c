"""What the scoring screen edits: an evaluator's sheet in the database, or the 组长's 复核 sheet being settled.

Both expose the same small surface, so one screen serves both. Neither holds a business rule of its own: every
change goes through ``change_sheet`` (one short transaction per change); the 复核 draft is opened by
``open_review`` and settles the file through ``confirm_review``.
"""

from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError

from pingcha.errors import UserError
from pingcha.rubric import Rubric
from pingcha.scoring import Sheet, SheetError, SheetResult, score_sheet
from pingcha.services.review import confirm_review, open_review
from pingcha.services.sheets import SheetRef, SheetState, change_sheet, read_sheet, rehearse_change, submit_sheet
from pingcha.store import Store


class SheetEditor:
    """The sheet on screen: ``sheet``, whether it may change, and one method per kind of change."""

    rubric: Rubric
    sheet: Sheet
    status: str
    review: bool = False
    findings: tuple = ()  # 预检 findings on the file (FindingView), with this evaluator's decisions

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

    def set_decided(self, code: str, decided: bool) -> None:
        """Confirm an item as having nothing to deduct (or take that back)."""
        raise NotImplementedError

    def set_uncertain(self, code: str, reason: str) -> None:
        """请组长确认 on an item or veto with ``reason``; an empty reason withdraws it."""
        raise NotImplementedError

    def reload(self) -> None:
        """Read the sheet again (another process may have changed it)."""

    def prepare(self) -> None:
        """Get the database ready for the first change (run in a worker, off the screen's thread)."""

    def note_suggestions(self, code: str):
        """What the note line offers for ``code`` (``services.notes.NoteBank``): the 规范表述, then the notes
        written before (常用说明), the most used first."""
        from pingcha.services.notes import NoteBank

        return NoteBank()

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
        self.findings = self._read_findings()

    def _read_findings(self) -> tuple:
        from pingcha.services.prechecks import file_findings

        try:
            return tuple(file_findings(self.store, self.ref))
        except Exception:  # noqa: BLE001 - a pre-check must never keep a file from being scored
            return ()

    def accept_finding(self, check: str) -> None:
        from pingcha.services.prechecks import accept_finding

        try:
            self.state = accept_finding(self.store, self.ref, check, self.actor)
        finally:
            self.findings = self._read_findings()

    def dismiss_finding(self, check: str, reason: str) -> None:
        from pingcha.services.prechecks import dismiss_finding

        try:
            dismiss_finding(self.store, self.ref, check, self.actor, reason)
        finally:
            self.findings = self._read_findings()

    @property
    def sheet(self) -> Sheet:
        return self.state.sheet

    @property
    def status(self) -> str:
        return self.state.status

    @property
    def locked(self) -> bool:
        return self.state.locked

    action = "修改评查表"  # what the audit log calls the next changes (the screen says 撤销修改 while undoing)

    def _change(self, **change) -> None:
        try:
            self.state = change_sheet(self.store, self.ref, self.actor, action=self.action, **change)
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

    def set_decided(self, code: str, decided: bool) -> None:
        self._change(code=code, decided=decided)

    def set_uncertain(self, code: str, reason: str) -> None:
        self._change(code=code, uncertain=reason)

    def reload(self) -> None:
        self.state = read_sheet(self.store, self.ref)
        if self.findings:
            self.findings = self._read_findings()

    def note_suggestions(self, code: str):
        from pingcha.services.notes import NoteBank, note_bank

        try:
            return note_bank(self.store, self.ref, code)
        except SQLAlchemyError:
            return NoteBank()

    def prepare(self) -> None:
        if not self.locked:
            rehearse_change(self.store, self.ref, self.actor)

    def submit(self) -> SheetResult:
        result = submit_sheet(self.store, self.ref, self.actor)
        self.reload()
        return result


class ReviewSheetEditor(StoredSheetEditor):
    """The 组长's 复核 sheet for one file: a draft saved change by change like any sheet (nothing is lost
    on leaving or a crash), which settles the file when the 组长 confirms it."""

    review = True

    def __init__(self, store: Store, rubric: Rubric, activity: str, case_no: str, actor: str,
                 start: Sheet | None = None) -> None:
        self.store = store
        self.rubric = rubric
        self.actor = actor
        self.state = open_review(store, activity, case_no, actor, start)
        self.ref = self.state.ref

    def submit(self) -> SheetResult:
        result = confirm_review(self.store, self.ref, self.actor)
        self.reload()
        return result
