"""The scoring screen's note line (the command palette's jump to any code is in ``pingcha.tui.palette``)."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import Input


class NoteInput(Input):
    """A one-line note (page or location); Enter saves, Esc cancels."""

    BINDINGS = [Binding("escape", "cancel", "取消", show=False)]

    def action_cancel(self) -> None:
        self.screen.close_note(save=False)
