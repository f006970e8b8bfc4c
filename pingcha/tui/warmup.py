"""Warming up in idle time: what the first key press of a session would otherwise do itself.

The first change on a sheet needs styles, colours and strips nothing on the screen has needed yet (a deducted
item's marks, the 草稿 badge): computing them the first time is most of what made the first key press slower
than the next ones. The scoring screen draws a preview of that change and renders it here, never writing it.
"""

from __future__ import annotations

from textual.screen import Screen

from pingcha.scoring import Sheet
from pingcha.tui.editing import SheetEditor
from pingcha.vocabulary import SheetStatus


class PreviewEditor(SheetEditor):
    """A sheet as a change would leave it, for drawing only: it changes nothing and saves nothing."""

    def __init__(self, real: SheetEditor, sheet: Sheet) -> None:
        self.rubric, self.sheet, self.review, self.findings = real.rubric, sheet, real.review, real.findings
        self.status = SheetStatus.DRAFT

    @property
    def locked(self) -> bool:
        return False


def render_offscreen(screen: Screen) -> None:
    """Compose what ``screen``'s changed widgets show into terminal output, and drop it: the caches fill as a
    real repaint would fill them, and the terminal shows nothing of it."""
    app = screen.app
    if screen._dirty_widgets:
        screen._compositor.update_widgets(screen._dirty_widgets)
        screen._dirty_widgets.clear()
    update = screen._compositor.render_update(screen_stack=app._background_screens)
    render = getattr(update, "render_segments", None)
    if render is not None:
        render(app.console)
