"""The terminal UI: who is working, then their files, the scoring screen and the 组长's screens.

Every change goes through a service as it is made; the app holds no unsaved state about a stored sheet.
A ``UserError`` (a refusal explained in Chinese) or a database hiccup becomes a notification, never a traceback.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy.exc import SQLAlchemyError
from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen

from pingcha.errors import UserError, database_problem
from pingcha.pacing import step_aside
from pingcha.services.access import is_protected, sign_in
from pingcha.services.activities import ActivityInfo, get_activity, list_activities
from pingcha.services.queries import RosterEntry, roster
from pingcha.store import Store

T = TypeVar("T")
UI_SWITCH_INTERVAL = 0.0005  # seconds
# After a key press or a click, how long a worker computing a page leaves the interpreter to the event loop: about
# what a page switch takes to repaint (pingcha.pacing).
STEP_ASIDE = 0.06  # seconds


@dataclass(frozen=True)
class Who:
    """Who is working, on which activity."""

    activity: ActivityInfo
    person: RosterEntry

    @property
    def name(self) -> str:
        return self.person.name

    @property
    def is_leader(self) -> bool:
        return self.person.is_leader


class PingchaApp(App):
    """评查: the evaluators' and 组长's terminal UI over one open Store."""

    TITLE = "行政处罚案卷评查"
    CSS_PATH = "app.tcss"
    COMMAND_PALETTE_BINDING = "ctrl+p"
    BINDINGS = [
        Binding("ctrl+q", "quit", "退出", show=False, priority=True),
        Binding("ctrl+c", "help_quit", show=False, system=True),
        Binding("ctrl+p", "command_palette", "命令", show=False, priority=True),
    ]

    def __init__(self, store: Store, *, activity: str | None = None, user: str | None = None) -> None:
        super().__init__()
        self.store = store
        self.wanted_activity = activity
        self.wanted_user = user
        self.who: Who | None = None
        self.report_states: dict[int, dict[str, str]] = {}  # activity id → report → 已生成/失败… (the 报告 page)

    async def on_event(self, event: events.Event) -> None:
        # A key or a click: a worker computing a page meanwhile waits at its next pause (pingcha.pacing), so the
        # key repaints as fast as with nothing computing.
        if isinstance(event, (events.Key, events.MouseDown)):
            step_aside(STEP_ASIDE)
        await super().on_event(event)

    # -- starting up ---------------------------------------------------------------------------------------

    def on_mount(self) -> None:
        from pingcha.tui.screens.who import WhoScreen

        # Everything loaded so far (Textual, SQLAlchemy, the rubric) lives as long as the app: keep it out
        # of the garbage collector's full passes, which otherwise stall a key press now and then.
        gc.freeze()
        # A worker thread computing the 组长's pages holds the GIL for up to the switch interval each time the
        # event loop wants it back (after every database call and every write to the terminal): 5 ms by default,
        # many times per key press. At 0.5 ms a key press repaints at once while the worker keeps computing.
        sys.setswitchinterval(UI_SWITCH_INTERVAL)

        activity = self._initial_activity()
        if activity is not None and self.wanted_user:
            person = next((p for p in self.call(roster, self.store, str(activity.id)) or []
                           if p.name == self.wanted_user), None)
            if person is not None:
                if self.call(is_protected, self.store, str(activity.id)):
                    self.push_screen(WhoScreen(activity))  # under the passphrase dialog
                self.start_as(activity, person)
                return
        self.push_screen(WhoScreen(activity))

    def _initial_activity(self) -> ActivityInfo | None:
        if self.wanted_activity:
            return self.call(get_activity, self.store, self.wanted_activity)
        activities = self.call(list_activities, self.store) or []
        return activities[0] if len(activities) == 1 else None

    def start_as(self, activity: ActivityInfo, person: RosterEntry, signed_in: bool = False) -> None:
        """Enter the work screens as ``person`` on ``activity`` (replacing whatever screen is showing); on a
        protected activity only after the person's passphrase is accepted by the services."""
        from pingcha.tui.screens.home import HomeScreen

        if not signed_in and self.call(is_protected, self.store, str(activity.id)):
            from pingcha.tui.screens.dialogs import PassphraseScreen

            def given(passphrase: str | None) -> None:
                if passphrase is not None and self.call(
                        sign_in, self.store, str(activity.id), person.name, lambda: passphrase):
                    self.start_as(activity, person, signed_in=True)

            self.push_screen(PassphraseScreen(person.name, activity.name), given)
            return
        from pingcha.tui.derived import DerivedViews

        self.who = Who(activity, person)
        self.derived = DerivedViews(self.store, str(activity.id))
        self.sub_title = f"{activity.name} · {person.name}（{person.role}）"
        if len(self.screen_stack) > 1:
            self.switch_screen(HomeScreen())
        else:
            self.push_screen(HomeScreen())

    def action_change_person(self) -> None:
        from pingcha.tui.screens.who import WhoScreen

        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.switch_screen(WhoScreen(self.who.activity if self.who else None))

    # -- calling services ----------------------------------------------------------------------------------

    def call(self, function: Callable[..., T], *args, **kwargs) -> T | None:
        """Run a service; a refusal or a database problem is shown to the person and None returned."""
        try:
            return function(*args, **kwargs)
        except UserError as exc:
            self.notify(str(exc), title="未完成", severity="error", timeout=8)
        except SQLAlchemyError as exc:
            self.notify(database_problem(exc), title="数据库", severity="error", timeout=8)
        return None

    # -- command palette and keys --------------------------------------------------------------------------

    def action_command_palette(self) -> None:
        from pingcha.tui.palette import ChinesePalette

        if not CommandPalette.is_open(self):
            self.push_screen(ChinesePalette(placeholder="输入命令、案号或编号…", id="--command-palette"))

    def action_help_quit(self) -> None:
        self.notify("按 Ctrl+Q 退出（所做的修改都已保存）。", title="退出")

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        commands = getattr(screen, "palette_commands", None)
        if commands is not None:
            yield from commands()
        if self.who is not None:
            yield SystemCommand("切换人员或评查活动", "回到选择人员的界面", self.action_change_person)
        yield SystemCommand("按键说明", "列出当前界面的全部按键", self.action_show_keys)
        yield SystemCommand("退出", "关闭评查程序（修改均已随时保存）", self.exit)

    def action_show_keys(self) -> None:
        from pingcha.tui.screens.help import KeysScreen

        self.push_screen(KeysScreen(self.screen))


def run_app(store: Store, *, activity: str | None = None, user: str | None = None) -> None:
    """Run the terminal UI on an open Store; ``activity`` (name or number) and ``user`` preselect where they fit."""
    PingchaApp(store, activity=activity, user=user).run()
