"""A scrolling view of one Rich renderable, drawn line by line.

The item panel changes on every key press; as a plain Static in a scroll container each change would cost two
full layout passes of the screen (its height changes). Here a change renders the lines once and repaints them.
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.segment import Segment
from rich.text import Text
from textual import events
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip


class DetailView(ScrollView, can_focus=False):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.renderable: RenderableType = Text("")
        self.lines: list[Strip] = []
        self._width = 0

    def show(self, renderable: RenderableType, *, home: bool = False) -> None:
        self.renderable = renderable
        self._render_lines()
        if home:
            self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()

    def _render_lines(self) -> None:
        width = self.scrollable_content_region.width
        self._width = width
        if width <= 0:
            self.lines = []
            return
        console = self.app.console
        options = console.options.update(width=width, max_width=width, min_width=width, height=None,
                                         highlight=False)
        rendered = console.render_lines(self.renderable, options, style=self.rich_style, pad=True)
        self.lines = [Strip(Segment.simplify(line), width) for line in rendered]
        # Changing virtual_size relayouts the whole screen; while the panel fits, keep it at the viewport's height.
        height = max(len(self.lines), self.scrollable_content_region.height)
        if self.virtual_size != Size(width, height):
            self.virtual_size = Size(width, height)

    def on_resize(self, _event: events.Resize) -> None:
        if self.scrollable_content_region.width != self._width:
            self._render_lines()
            self.refresh()

    def render_line(self, y: int) -> Strip:
        index = y + int(self.scroll_offset.y)
        width = self.scrollable_content_region.width
        if 0 <= index < len(self.lines):
            return self.lines[index].crop_extend(0, width, self.rich_style)
        return Strip.blank(width, self.rich_style)
