"""The key bar at the foot of a screen: the keys that work here, drawn as one line of text.

Textual's Footer is a row of widgets, one per key, that it removes and mounts again whenever the screen's bindings
may have changed: every focus change, so on each page switch. Mounting and styling those widgets was half of what a
page switch cost (some 20 ms of 40 on this machine). This bar is a single widget: when the keys change it draws its
line again, and a click finds the key under the pointer from the line's layout.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget


@dataclass(frozen=True, slots=True)
class Shown:
    """One key on the bar: what it shows, the key it simulates when clicked, and whether it is enabled."""

    key: str
    display: str
    description: str
    enabled: bool


class KeyBar(Widget, can_focus=False):
    """A Footer in one widget: the screen's shown bindings on the left, the command palette's key on the right."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description", "key-bar--separator", "key-bar--hover"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        width: 1fr;
        text-wrap: nowrap;
        color: $footer-foreground;
        background: $footer-background;
        & > .key-bar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .key-bar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .key-bar--separator {
            color: $foreground 20%;
        }
        & > .key-bar--hover {
            background: $block-hover-background;
        }
    }
    """

    def __init__(self, *, show_command_palette: bool = True, id: str | None = None) -> None:
        super().__init__(id=id)
        self.show_command_palette = show_command_palette
        self._keys: tuple[tuple[Shown, ...], Shown | None] = ((), None)
        self._spans: list[tuple[int, int, Shown]] = []  # where each key was drawn, for clicks
        self._hover: Shown | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)
        self._keys = self._keys_to_show(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _keys_to_show(self, screen: Screen) -> tuple[tuple[Shown, ...], Shown | None]:
        app = self.app
        active = screen.active_bindings
        seen: set[str] = set()
        keys = []
        for _, binding, enabled, _tooltip in active.values():
            if binding.show and binding.action not in seen:  # one key per action, as Textual's Footer shows
                seen.add(binding.action)
                keys.append(Shown(binding.key, app.get_key_display(binding), binding.description, enabled))
        palette = None
        if self.show_command_palette and app.ENABLE_COMMAND_PALETTE:
            found = active.get(app.COMMAND_PALETTE_BINDING)
            if found is not None:
                _, binding, enabled, _tooltip = found
                palette = Shown(binding.key, app.get_key_display(binding), binding.description, enabled)
        return tuple(keys), palette

    def bindings_changed(self, screen: Screen) -> None:
        if not self.is_attached or screen is not self.screen:
            return
        keys = self._keys_to_show(screen)
        if keys != self._keys:
            self._keys = keys
            self.refresh()

    @property
    def keys(self) -> list[str]:
        """What the bar shows, key and description, in order (the command palette's key last)."""
        shown, palette = self._keys
        return [f"{k.display} {k.description}".strip() for k in (*shown, *([palette] if palette else []))]

    def _piece(self, key: Shown, styles: tuple[Style, Style, Style], compact: bool = False) -> Text:
        """`` k description `` as Textual's FooterKey draws it, or ``k description`` in its compact style."""
        key_style, description_style, hover = styles
        shown = key.display if compact else f" {key.display} "
        description = (f" {key.description}" if compact else f"{key.description} ") if key.description else ""
        text = Text.assemble((shown, key_style), (description, description_style))
        if not key.enabled:
            text.stylize(Style(dim=True))
        if key == self._hover:
            text.stylize(hover)
        return text

    def render(self) -> Text:
        styles = tuple(self.get_component_rich_style(f"key-bar--{name}", partial=True)
                       for name in ("key", "description", "hover"))
        width = self.size.width
        shown, palette = self._keys
        right = Text()
        if palette is not None:  # as Textual draws it: "▏^p 命令 ", compact, against the right edge
            right = Text.assemble(("▏", self.get_component_rich_style("key-bar--separator")),
                                  self._piece(palette, styles, compact=True), " ")
        room = max(0, width - right.cell_len)
        line = Text(no_wrap=True, overflow="crop", end="")
        spans: list[tuple[int, int, Shown]] = []
        for key in shown:
            piece = self._piece(key, styles)
            if line.cell_len + piece.cell_len > room:
                break  # the keys are in priority order: the last ones give way on a narrow terminal
            spans.append((line.cell_len, line.cell_len + piece.cell_len, key))
            line.append_text(piece)
        line.append(" " * (room - line.cell_len))
        if palette is not None and right.cell_len <= width:
            spans.append((room, width, palette))
            line.append_text(right)
        self._spans = spans
        return line

    def _key_at(self, x: int) -> Shown | None:
        return next((key for start, end, key in self._spans if start <= x < end), None)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        key = self._key_at(event.x)
        if key is None:
            return
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        key = self._key_at(event.x)
        if key != self._hover:
            self._hover = key
            self.refresh()

    def on_leave(self, _event: events.Leave) -> None:
        if self._hover is not None:
            self._hover = None
            self.refresh()
