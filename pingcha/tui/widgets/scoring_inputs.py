"""Two small helpers of the scoring screen: the note line, and the command palette's jump to any item."""

from __future__ import annotations

from functools import partial

from textual.binding import Binding
from textual.command import Hit, Hits, Provider
from textual.widgets import Input


class NoteInput(Input):
    """A one-line note (page or location); Enter saves, Esc cancels."""

    BINDINGS = [Binding("escape", "cancel", "取消", show=False)]

    def action_cancel(self) -> None:
        self.screen.close_note(save=False)


class RubricJump(Provider):
    """Command palette: jump to any item or veto by code or words of its title."""

    async def search(self, query: str) -> Hits:
        screen = self.screen
        if not hasattr(screen, "go_line"):
            return
        matcher = self.matcher(query)
        for index, line in enumerate(screen.nav.lines):
            if line.selectable:
                label = f"转到 {screen.label_of(line)}"
                score = matcher.match(label)
                if score > 0:
                    yield Hit(score, matcher.highlight(label), partial(screen.go_line, index))
