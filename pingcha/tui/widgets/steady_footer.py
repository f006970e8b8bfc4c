"""The key bar at the foot of a screen, composed again only when the keys it shows change.

Textual's Footer removes and mounts all its key widgets again whenever the screen's bindings may have changed:
every focus change, so three times on each page switch. Each time costs a few milliseconds and leaves some
thousand objects to the cyclic garbage collector, whose passes then stall a later key press.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer


class SteadyFooter(Footer):
    """A Footer that keeps its key widgets while the keys to show (and whether each is enabled) are the same."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._shown: tuple | None = None
        self._recompose_pending = False

    def _keys_to_show(self) -> tuple:
        app = self.app
        active = self.screen.active_bindings
        keys = tuple((binding.key, app.get_key_display(binding), binding.description, binding.action, enabled,
                      tooltip, binding.group) for _, binding, enabled, tooltip in active.values() if binding.show)
        palette = active.get(app.COMMAND_PALETTE_BINDING)
        return (keys, self.show_command_palette and app.ENABLE_COMMAND_PALETTE,
                palette[1:] if palette is not None else None)

    def compose(self) -> ComposeResult:
        self._recompose_pending = False
        self._shown = self._keys_to_show() if self._bindings_ready else None
        yield from super().compose()

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        if self._recompose_pending or self._keys_to_show() == self._shown:
            return
        self._recompose_pending = True
        self.call_after_refresh(self.recompose)
