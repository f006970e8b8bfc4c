"""The scoring screen's note line (the command palette's jump to any code is in ``pingcha.tui.palette``)."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import Input


class NoteInput(Input):
    """A one-line note (page or location); Enter saves, Esc cancels, ↑↓ bring back notes written before for the
    same deduction (常用说明)."""

    BINDINGS = [
        Binding("escape", "cancel", "取消", show=False),
        Binding("up", "suggest(1)", "常用说明", key_display="↑↓"),
        Binding("down", "suggest(-1)", show=False),
    ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.suggestions: list[str] = []
        self.typed = ""
        self.position = 0  # 0: what was typed; 1…: the suggestions, most used first

    def offer(self, suggestions: list[str]) -> None:
        self.suggestions, self.typed, self.position = suggestions, self.value, 0

    def action_suggest(self, step: int) -> None:
        if not self.suggestions:
            self.notify("这一扣分情形还没有写过的说明。", timeout=2)
            return
        if self.position == 0:
            self.typed = self.value
        self.position = max(0, min(len(self.suggestions), self.position + step))
        self.value = self.typed if self.position == 0 else self.suggestions[self.position - 1]
        self.cursor_position = len(self.value)

    def action_cancel(self) -> None:
        self.screen.close_note(save=False)
