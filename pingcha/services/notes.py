"""常用说明: for a deduction, the 组长's 规范表述 first, then the notes evaluators wrote before, offered again so
nobody retypes them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from pingcha.services.sheets import SheetRef, activity_rubric
from pingcha.services.wordings import standard_wordings
from pingcha.store import Store
from pingcha.store import sheets as rows
from pingcha.store import wordings as stored_wordings

MOST = 20


@dataclass(frozen=True)
class NoteBank:
    """What the note line offers for one code: the standard wordings, then the notes used before."""

    standard: tuple[str, ...] = ()
    used: tuple[str, ...] = ()

    @property
    def all(self) -> list[str]:
        return [*self.standard, *self.used]


def note_bank(store: Store, ref: SheetRef, code: str) -> NoteBank:
    """The 规范表述 of ``code`` under the activity's rubric (every activity scored by that rubric shares them),
    then the notes written for it on any sheet of those activities (the most used first), except what others
    wrote on this same file: until it is final, what a colleague found on it is not for this evaluator to see
    (§10)."""
    with store.read() as session:
        rubric = activity_rubric(store, session, ref.activity_id)
        standard = standard_wordings(session, rubric.id).get(code, [])
        activities = stored_wordings.activities_of_rubric(session, rubric.id)
        notes = rows.notes_for_code(session, code, ref.case_file_id, ref.evaluator_id, activity_ids=activities)
    counts = Counter(note.strip() for note in notes if note.strip() and note.strip() not in standard)
    return NoteBank(tuple(standard), tuple(note for note, _ in counts.most_common(MOST)))


def note_suggestions(store: Store, ref: SheetRef, code: str) -> list[str]:
    """Everything ``note_bank`` offers, standard wordings first."""
    return note_bank(store, ref, code).all
