"""A DataTable that keeps the rows it has drawn while nothing it shows has changed.

Textual's DataTable throws away every row it has drawn whenever its styles are applied again (that is, each
time it gains or loses focus: every page switch), whenever it is shown again (the Resize a widget gets when it
reappears, even at the same size), and whenever its rows are set again. Drawing a page of rows afresh costs
about a millisecond a row, so a page with a table or two took tens of milliseconds to appear on each switch.
This table keeps its drawn rows over those three, and drops them when what they depend on changes.
"""

from __future__ import annotations

from textual import events
from textual.widgets import DataTable


def refill(table: DataTable, rows: list[tuple], keys: list[str] | None = None) -> None:
    """Replace a table's rows, keeping the cursor on the same row where it still exists."""
    row = table.cursor_row
    table.clear()
    for index, cells in enumerate(rows):
        table.add_row(*cells, key=keys[index] if keys else None)
    if rows:
        table.move_cursor(row=min(row, len(rows) - 1), animate=False)


class SteadyTable(DataTable):
    """A DataTable whose drawn rows outlive focus changes, being hidden and shown, and refills with the same rows.

    The drawn rows are cached by DataTable under keys that hold the focus and hover state, the table's base
    style, its cursor and its rows' generation, so a row drawn while focused is kept apart from the same row
    drawn unfocused. What those keys do not hold is the look of the table's parts (header, cursor, stripes),
    which a theme or a class change can alter: that look is noted per focus/hover state when rows are first
    drawn in that state, checked whenever the styles were applied again or the state changed, and every drawn
    row is dropped when it differs.
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._looks: dict[object, tuple] = {}  # focus/hover state → the look its drawn rows were drawn with
        self._restyled = True
        self._drawn_state: object = None
        self._shown_size: tuple | None = None
        self._shown_rows: tuple | None = None

    # -- keeping the drawn rows ----------------------------------------------------------------------------

    def _look_now(self) -> tuple:
        """The theme, the table's own style (with what it takes from its parents) and the rules of each of its
        parts: what its drawn rows depend on beyond their cache keys."""
        parts = self._component_styles
        return (self.app.theme, self.rich_style, self.background_colors,
                tuple((name, parts[name].get_rules()) for name in sorted(parts)))

    def notify_style_update(self) -> None:
        # The widget's own style caches go (Widget's part); the drawn rows stay until render_lines has compared
        # the look they were drawn with.
        super(DataTable, self).notify_style_update()
        self._restyled = True
        self.refresh()

    def render_lines(self, crop):
        state = self.get_pseudo_class_state()
        if self._restyled or state != self._drawn_state:
            look = self._look_now()
            if self._looks.get(state, look) != look:
                self._looks.clear()
                self._clear_caches()
                self._get_styles_to_render_cell.cache_clear()
            self._looks[state] = look
            self._restyled = False
            self._drawn_state = state
        return super().render_lines(crop)

    def _on_resize(self, event: events.Resize) -> None:
        size = (event.size, event.virtual_size)
        if size == self._shown_size:
            event.prevent_default()  # shown again at the same size: DataTable would redraw every row
            return
        self._shown_size = size

    # -- filling -------------------------------------------------------------------------------------------

    def _changed(self) -> None:
        self._shown_rows = None

    def clear(self, columns: bool = False):
        self._changed()
        return super().clear(columns)

    def add_column(self, *args, **kwargs):
        self._changed()
        return super().add_column(*args, **kwargs)

    def add_row(self, *args, **kwargs):
        self._changed()
        return super().add_row(*args, **kwargs)

    def remove_row(self, *args, **kwargs) -> None:
        self._changed()
        super().remove_row(*args, **kwargs)

    def remove_column(self, *args, **kwargs) -> None:
        self._changed()
        super().remove_column(*args, **kwargs)

    def update_cell(self, *args, **kwargs) -> None:
        self._changed()
        super().update_cell(*args, **kwargs)

    def sort(self, *args, **kwargs):
        self._changed()
        return super().sort(*args, **kwargs)

    def show_rows(self, rows: list[tuple], keys: list[str] | None = None) -> None:
        """Replace the rows, keeping the cursor on the same row where it still exists; the same rows as last
        time (and nothing else changed in between) leave the table as it is, with what it has drawn."""
        shown = (tuple(map(tuple, rows)), tuple(keys) if keys else None)
        if shown == self._shown_rows:
            return
        refill(self, rows, keys)
        self._shown_rows = shown
