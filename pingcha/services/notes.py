"""常用说明: the notes evaluators wrote before for a deduction, offered again so nobody retypes them."""

from __future__ import annotations

from collections import Counter

from pingcha.services.sheets import SheetRef
from pingcha.store import Store
from pingcha.store import sheets as rows

MOST = 20


def note_suggestions(store: Store, ref: SheetRef, code: str) -> list[str]:
    """Notes written for ``code`` on any sheet of any activity (the most used first), except what others wrote
    on this same file: until it is final, what a colleague found on it is not for this evaluator to see (§10)."""
    with store.read() as session:
        notes = rows.notes_for_code(session, code, ref.case_file_id, ref.evaluator_id)
    counts = Counter(note.strip() for note in notes if note.strip())
    return [note for note, _ in counts.most_common(MOST)]
