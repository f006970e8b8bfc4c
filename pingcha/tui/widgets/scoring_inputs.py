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
        self.standard = 0  # how many of the suggestions, at the front, are the 组长's 规范表述
        self.typed = ""
        self.position = 0  # 0: what was typed; 1…: the suggestions, standard wordings first, then most used first

    def offer(self, bank) -> None:
        """``bank``: a ``services.notes.NoteBank``."""
        self.suggestions, self.standard = bank.all, len(bank.standard)
        self.typed, self.position = self.value, 0
        self.border_subtitle = f"↑ 规范表述 {self.standard} 条" if self.standard else ""

    def action_suggest(self, step: int) -> None:
        if not self.suggestions:
            self.notify("这一扣分情形还没有规范表述，也还没有写过的说明。", timeout=2)
            return
        if self.position == 0:
            self.typed = self.value
        self.position = max(0, min(len(self.suggestions), self.position + step))
        self.value = self.typed if self.position == 0 else self.suggestions[self.position - 1]
        self.cursor_position = len(self.value)
        if self.position == 0:
            self.border_subtitle = ""
        elif self.position <= self.standard:
            self.border_subtitle = f"规范表述 {self.position}/{self.standard}"
        else:
            used = len(self.suggestions) - self.standard
            self.border_subtitle = f"常用说明 {self.position - self.standard}/{used}"

    def action_cancel(self) -> None:
        self.screen.close_note(save=False)
