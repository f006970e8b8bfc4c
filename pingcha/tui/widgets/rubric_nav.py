"""The rubric as a list: categories, their items with obtained/maximum points, then the 否决项.

Drawn line by line (Textual's line API), so a key press repaints one or two lines, not the whole list.
The scoring screen owns the cursor and the words on each line; this widget only draws and scrolls.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip


@dataclass(frozen=True)
class NavLine:
    kind: str  # "category", "item", "veto-heading" or "veto"
    code: str

    @property
    def selectable(self) -> bool:
        return self.kind in ("item", "veto")


class RubricNav(ScrollView, can_focus=False):
    """A scrolling list of (left, right) text pairs with one highlighted line."""

    COMPONENT_CLASSES = {"rubric-nav--cursor", "rubric-nav--heading"}

    DEFAULT_CSS = """
    RubricNav > .rubric-nav--cursor { background: $accent 40%; text-style: bold; }
    RubricNav > .rubric-nav--heading { color: $text-accent; text-style: bold; }
    """

    class Picked(Message):
        """A line was clicked."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, lines: list[NavLine], **kwargs) -> None:
        super().__init__(**kwargs)
        self.lines = lines
        self.texts: list[tuple[Text, Text]] = [(Text(), Text()) for _ in lines]
        self.cursor = next((i for i, line in enumerate(lines) if line.selectable), 0)
        self._cache: dict[tuple[int, int, bool], Strip] = {}
        self.virtual_size = Size(0, len(lines))

    def set_text(self, index: int, left: Text, right: Text) -> None:
        if self.texts[index] != (left, right):
            self.texts[index] = (left, right)
            for key in [k for k in self._cache if k[0] == index]:
                del self._cache[key]
            self.refresh_line(index)

    def move_to(self, index: int) -> None:
        old, self.cursor = self.cursor, index
        if old != index:
            self.refresh_line(old)
            self.refresh_line(index)
        self.scroll_to_region(Region(0, max(0, index - 1), 1, 3), animate=False, immediate=True, force=True)

    def refresh_line(self, index: int) -> None:
        y = index - int(self.scroll_offset.y)
        if 0 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    def on_resize(self, _event: events.Resize) -> None:
        self._cache.clear()
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.lines))

    def render_line(self, y: int) -> Strip:
        index = y + int(self.scroll_offset.y)
        width = self.scrollable_content_region.width
        if not 0 <= index < len(self.lines):
            return Strip.blank(width, self.rich_style)
        highlighted = index == self.cursor
        key = (index, width, highlighted)
        strip = self._cache.get(key)
        if strip is None:
            strip = self._render_text(index, width, highlighted)
            self._cache[key] = strip
        return strip

    def _render_text(self, index: int, width: int, highlighted: bool) -> Strip:
        left, right = self.texts[index]
        base = self.rich_style
        if self.lines[index].kind in ("category", "veto-heading"):
            base = base + self.get_component_rich_style("rubric-nav--heading", partial=True)
        if highlighted:
            base = base + self.get_component_rich_style("rubric-nav--cursor", partial=True)
        room = max(0, width - cell_len(right.plain) - 1)
        left = left.copy()
        left.truncate(room, overflow="ellipsis")
        line = Text.assemble(left, " " * (width - cell_len(left.plain) - cell_len(right.plain)), right)
        line.truncate(width)
        console = self.app.console
        segments = list(Segment.apply_style(line.render(console), base))
        segments = [Segment(s.text, s.style, s.control) for s in segments]
        meta = Style.from_meta({"line": index})
        return Strip(Segment.apply_style(segments, post_style=meta), width).crop_extend(0, width, base)

    def on_click(self, event: events.Click) -> None:
        index = event.y + int(self.scroll_offset.y)
        if 0 <= index < len(self.lines) and self.lines[index].selectable:
            self.post_message(self.Picked(index))
