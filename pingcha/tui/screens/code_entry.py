"""Typing a code on the scoring screen (D12, V9, then a rule letter: D12c) in any case or width (d12c, Ｄ１２ｃ),
a Chinese character starting a note, and a lowercase rule letter that turns out to begin a code."""

from __future__ import annotations

import unicodedata

from textual import events
from textual.widgets import Input

from pingcha.text import code_key
from pingcha.tui.widgets.scoring_inputs import NoteInput
from pingcha.tui.widgets.sheet_parts import RULE_KEYS


class CodeEntry:
    """Mixed into ``ScoringScreen``: its ``on_key``. Uses the screen's nav, codes, undo stack and actions."""

    def on_key(self, event: events.Key) -> None:
        """Typing a code (D12, V9, A) jumps there; a rule letter right after it (D12c) adds that deduction.
        Case and width do not matter (d12c, Ｄ１２ｃ): a lowercase rule letter adds its deduction at once, and
        if a digit follows it began a code, so that deduction is taken back and the code is followed."""
        if isinstance(self.focused, Input) or not event.character or len(event.character) != 1:
            return
        if self.note_code is not None:  # the note is open but not focused yet: what is typed belongs to it
            if event.character.isprintable():
                self._stop(event)
                self.query_one("#note", NoteInput).insert_text_at_cursor(event.character)
            return
        char = unicodedata.normalize("NFKC", event.character)
        if not char.isascii() and event.character.isprintable() and not event.character.isspace():
            # A Chinese character is the start of a note (第8页…): no need to press n first.
            self._stop(event)
            self.code_buffer, self.letter = "", None
            self.action_note(typed=event.character)
            return
        if len(char) != 1 or not char.isascii() or not char.isalnum():
            self.code_buffer, self.letter = "", None
            return
        up = char.upper()
        letter, self.letter = self.letter, None
        if self.code_buffer:
            buffer, self.code_buffer = self.code_buffer, ""
            if self._prefix(buffer + up):
                return self._follow_code(event, buffer + up)
            if up.isdigit():
                self._stop(event)
                self.go_line(self.code_origin)
                self.notify(f"没有编号“{buffer + up}”。", severity="warning", timeout=3)
                return
            if buffer in self.rubric.item_by_code and char.lower() in RULE_KEYS:
                return self._rule_letter(event, char.lower())
        elif up.isdigit() and letter is not None:
            start, depth = letter
            if self._prefix(start + up):
                if len(self.undo) > depth:
                    self._undo_to(depth)
                return self._follow_code(event, start + up)
        if up.isdigit():
            return
        bound = char.islower() and (char in RULE_KEYS or char in self._bound_letters())
        if not bound:
            self._stop(event)
            if not self._prefix(up):
                self.notify(f"没有以“{up}”开头的编号。", timeout=3)
                return
            self.code_origin = self.nav.cursor
            return self._follow_code(event, up)
        if char in RULE_KEYS:
            self._rule_letter(event, char)

    def _rule_letter(self, event: events.Key, char: str) -> None:
        """Add one of rule ``char``; remember it, since a digit after it would make it the start of a code
        (and where this item has no such rule, say so only if the letter cannot begin a code: d of d12c)."""
        self._stop(event)
        depth, origin = len(self.undo), self.nav.cursor
        starts_code = self._prefix(char.upper())
        index = RULE_KEYS.index(char)
        if starts_code and self.item is not None and index >= len(self.item.deductions):
            self.letter, self.code_origin = (char.upper(), depth), origin
            return
        self.action_rule(index)
        if starts_code:
            self.letter, self.code_origin = (char.upper(), depth), origin

    def _bound_letters(self) -> set[str]:
        return {key for binding in self.BINDINGS for key in binding.key.split(",") if len(key) == 1}

    def _prefix(self, candidate: str) -> bool:
        return any(code.startswith(candidate) for code in self.code_keys)

    @staticmethod
    def _stop(event: events.Key) -> None:
        event.stop()
        event.prevent_default()

    def _follow_code(self, event: events.Key, candidate: str) -> None:
        self._stop(event)
        self.code_buffer = candidate
        keys = self.code_keys
        target = keys.get(candidate)
        if target is None:
            target = next(i for code, i in sorted(keys.items(), key=lambda kv: kv[1]) if code.startswith(candidate))
        if not self.nav.lines[target].selectable:
            target += 1
        self.go_line(target)

    @property
    def code_keys(self) -> dict[str, int]:
        """Codes of the list's lines as typed (see ``code_key``) → line index."""
        keys = getattr(self, "_code_keys", None)
        if keys is None:
            keys = self._code_keys = {code_key(code): i for code, i in self.codes.items()}
        return keys
