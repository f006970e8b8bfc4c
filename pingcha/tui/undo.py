"""Undo on the scoring screen: the changes that put a sheet back as it was."""

from __future__ import annotations

from pingcha.scoring import Sheet


def restoring_changes(current: Sheet, target: Sheet) -> list[tuple[str, tuple]]:
    """The editor calls that turn ``current`` back into ``target``: first what goes away (so 不适用 can be set
    again on an item that lost its deductions), then what comes back."""
    lower, higher = [], []
    for code in sorted(set(current.deductions) | set(target.deductions)):
        now, then = current.deductions.get(code, 0), target.deductions.get(code, 0)
        if now != then:
            (lower if then < now else higher).append(("set_count", (code, then)))
    for marks_now, marks_then in ((current.na, target.na), (current.veto, target.veto)):
        lower += [("set_mark", (code, False)) for code in sorted(marks_now - marks_then)]
        higher += [("set_mark", (code, True)) for code in sorted(marks_then - marks_now)]
    lower += [("set_decided", (code, False)) for code in sorted(current.decided - target.decided)]
    higher += [("set_decided", (code, True)) for code in sorted(target.decided - current.decided)]
    for code in sorted(set(current.notes) | set(target.notes)):
        if current.notes.get(code, "") != target.notes.get(code, ""):
            higher.append(("set_note", (code, target.notes.get(code, ""))))
    if current.comment != target.comment:
        higher.append(("set_comment", (target.comment,)))
    return lower + higher
