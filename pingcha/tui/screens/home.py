"""The work screens after choosing who you are: 我的案卷 for everyone, and the 组长's pages as tabs."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.reactive import Reactive, reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Input, Static, TabbedContent, TabPane

from pingcha.tui.calibration import CalibrationPane
from pingcha.tui.palette import CaseJump
from pingcha.tui.widgets.panes import FilesPane, Pane, ProgressPane, ResultsPane, ReviewPane
from pingcha.tui.widgets.panes_admin import ImportPane, ReportsPane, RubricsPane
from pingcha.tui.widgets.key_bar import KeyBar

LEADER_TABS = [
    ("progress", "2 进度", ProgressPane),
    ("review", "3 复核", ReviewPane),
    ("results", "4 结果", ResultsPane),
    ("rubrics", "5 评分标准", RubricsPane),
    ("import", "6 导入", ImportPane),
    ("reports", "7 报告", ReportsPane),
    ("calibration", "8 样卷", CalibrationPane),
]
TAB_KEYS = {"1": "files", **{str(i): tab for i, (tab, _, _) in enumerate(LEADER_TABS, start=2)}}


class PageTabs(TabbedContent):
    """The pages as tabs. Switching shows another page (a new layout) and restyles the tab bar; the container itself
    looks the same, so it is not redrawn whole as well, as Textual's reactive would (40 lines at every switch)."""

    active: reactive[str] = reactive("", init=False, repaint=False)


class HomeScreen(Screen):
    AUTO_FOCUS = "#files-table"  # the list, not the filter above it: page keys must work from the start
    COMMANDS = {CaseJump}
    # A focus change redraws the widgets it concerns (they restyle and refresh themselves), not the whole screen.
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)
    BINDINGS = [
        *(Binding(key, f"show_tab('{tab}')", "切换页面" if key == "1" else "", show=key == "1",
                  key_display=f"1-{len(TAB_KEYS)}") for key, tab in TAB_KEYS.items()),
        Binding("9", "rectification", "整改与异议", show=False),
        Binding("f5,r", "reload", "刷新", key_display="F5"),
        Binding("w", "app.change_person", "切换人员"),
        Binding("question_mark,f1", "app.show_keys", "帮助", key_display="?"),
        Binding("q,ctrl+q", "app.quit", "退出", key_display="q"),
        Binding("escape", "leave_input", "离开输入框", key_display="Esc"),
    ]

    def compose(self) -> ComposeResult:
        who = self.app.who
        # Who is signed in comes first: at 80 columns a long activity name must not push it off the line.
        yield Static(f"{who.name}（{who.person.role}，{who.person.unit}） · {who.activity.name} · "
                     f"评分标准 {who.activity.rubric.key}", id="home-title")
        with PageTabs(initial="files", id="tabs"):
            with TabPane("1 我的案卷", id="files"):
                yield FilesPane()
            if who.is_leader:
                for tab, title, pane in LEADER_TABS:
                    with TabPane(title, id=tab):
                        yield pane()
        yield KeyBar()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "leave_input":  # shown (and needed) only while typing into a field
            return isinstance(self.focused, Input)
        if action == "rectification":
            return self.app.who is not None and self.app.who.is_leader
        if action == "show_tab" and parameters and parameters[0] != "files":
            return self.app.who is not None and self.app.who.is_leader
        return True

    @property
    def files_pane(self) -> FilesPane:
        return self.query_one(FilesPane)

    def _pane(self, tab: str | None = None) -> Pane:
        tabs = self.query_one("#tabs", TabbedContent)
        return self.query_one(f"#{tab or tabs.active}", TabPane).query_one(Pane)

    def action_leave_input(self) -> None:
        """Esc: stop typing into a field, so the page keys (1–7, q, F5) work again; the page's list takes the keys."""
        tables = self._pane().query(DataTable)
        if tables:
            tables.first().focus()
        else:
            self.set_focus(None)
        self.refresh_bindings()

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def action_show_tab(self, tab: str) -> None:
        self.query_one("#tabs", TabbedContent).active = tab

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        pane = event.pane.query_one(Pane)
        pane.refresh_data()
        pane.focus_main()

    def on_screen_resume(self) -> None:
        self._pane().refresh_data()

    def action_reload(self) -> None:
        self._pane().refresh_data()
        self.notify("已刷新。", timeout=2)

    def palette_commands(self) -> Iterable[SystemCommand]:
        names = {"files": "我的案卷", **{tab: title.split(" ", 1)[1] for tab, title, _ in LEADER_TABS}}
        tabs = ["files"] + ([tab for tab, _, _ in LEADER_TABS] if self.app.who.is_leader else [])
        for tab in tabs:
            yield SystemCommand(f"打开：{names[tab]}", f"切换到“{names[tab]}”页面", lambda tab=tab: self.action_show_tab(tab))
        if self.app.who.is_leader:
            yield SystemCommand("打开：整改与异议", "通报前的异议、通报后的整改事项（按 8）", self.action_rectification)
        yield SystemCommand("刷新", "重新读取数据库中的最新状态", self.action_reload)

    def action_rectification(self) -> None:
        from pingcha.tui.screens.rectify import RectificationScreen

        self.app.push_screen(RectificationScreen())
