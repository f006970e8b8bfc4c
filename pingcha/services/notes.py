"""常用说明: the notes evaluators wrote before for a deduction, offered again so nobody retypes them."""

from __future__ import annotations

from collections import Counter

from sqlmodel import select

from pingcha.services.sheets import SheetRef
from pingcha.store import Store
from pingcha.store.models import ScoreSheet, SheetDeduction, SheetMark

MOST = 20


def note_suggestions(store: Store, ref: SheetRef, code: str) -> list[str]:
    """Notes written for ``code`` on any sheet of any activity (the most used first), except what others wrote
    on this same file: until it is final, what a colleague found on it is not for this evaluator to see (§10)."""
    with store.read() as session:
        same_file_others = select(ScoreSheet.id).where(ScoreSheet.case_file_id == ref.case_file_id,
                                                       ScoreSheet.evaluator_id != ref.evaluator_id)
        notes = list(session.exec(select(SheetDeduction.note).where(
            SheetDeduction.code == code, SheetDeduction.note != "", SheetDeduction.sheet_id.not_in(same_file_others))))
        notes += list(session.exec(select(SheetMark.note).where(
            SheetMark.code == code, SheetMark.kind == "note", SheetMark.note != "",
            SheetMark.sheet_id.not_in(same_file_others))))
    counts = Counter(note.strip() for note in notes if note.strip())
    return [note for note, _ in counts.most_common(MOST)]
