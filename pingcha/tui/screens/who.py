"""Who is working: pick the activity, then yourself from its roster (评查员 or 组长)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Label, OptionList, Static
from textual.widgets.option_list import Option

from pingcha.services.activities import ActivityInfo, list_activities
from pingcha.services.queries import RosterEntry, roster
from pingcha.tui.widgets.key_bar import KeyBar


class WhoScreen(Screen):
    BINDINGS = [
        Binding("enter", "choose", "选择", show=True),
        Binding("tab", "app.focus_next", "切换列表", key_display="Tab"),
        Binding("f5,r", "reload", "刷新", key_display="F5"),
        Binding("q", "app.quit", "退出", key_display="q"),  # the first screen says how to leave
    ]

    def __init__(self, activity: ActivityInfo | None = None) -> None:
        super().__init__()
        self.activities: list[ActivityInfo] = []
        self.people: list[RosterEntry] = []
        self.activity = activity

    def compose(self) -> ComposeResult:
        yield Static("行政处罚案卷评查 · 请选择评查活动和您本人", id="who-title")
        with Horizontal(id="who-body"):
            with Vertical(id="who-activities"):
                yield Label("评查活动")
                yield OptionList(id="activities")
            with Vertical(id="who-roster"):
                yield Label("人员名单（↑↓ 选择，回车确认）", id="roster-label")
                table = DataTable(id="roster", cursor_type="row", zebra_stripes=True)
                table.add_columns("姓名", "单位", "角色", "案卷", "已提交")
                yield table
        yield Static("", id="who-hint")
        yield KeyBar()

    def on_mount(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        self.activities = self.app.call(list_activities, self.app.store) or []
        options = self.query_one("#activities", OptionList)
        options.clear_options()
        for activity in self.activities:
            year = f"{activity.year}年度，" if activity.year is not None else ""
            options.add_option(Option(f"{activity.name}（{year}#{activity.id}，{activity.rubric.key}）",
                                      id=str(activity.id)))
        hint = self.query_one("#who-hint", Static)
        if not self.activities:
            hint.update("数据库中还没有评查活动。请先在命令行中创建，例如：pingcha activity create 名称 --rubric "
                        "xiqu-xzcf@2024.1，或运行 pingcha demo 建立演示数据。")
            return
        hint.update("提示：也可以在命令行用 --as 姓名 直接以本人身份进入。")
        chosen = next((i for i, a in enumerate(self.activities) if self.activity and a.id == self.activity.id), 0)
        options.highlighted = chosen
        self._show_roster(self.activities[chosen])
        if self.activity is not None or len(self.activities) == 1:
            self.query_one("#roster", DataTable).focus()
        else:
            options.focus()

    def _show_roster(self, activity: ActivityInfo) -> None:
        self.activity = activity
        self.people = self.app.call(roster, self.app.store, str(activity.id)) or []
        table = self.query_one("#roster", DataTable)
        table.clear()
        for person in self.people:
            table.add_row(person.name, person.unit, person.role, str(person.assigned), str(person.submitted),
                          key=person.name)
        self.query_one("#roster-label", Label).update(f"“{activity.name}”人员名单（↑↓ 选择，回车确认）")

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        activity = self.activities[event.option_index]
        if self.activity is None or activity.id != self.activity.id:
            self._show_roster(activity)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._show_roster(self.activities[event.option_index])
        self.query_one("#roster", DataTable).focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self._choose_row(event.cursor_row)

    def action_choose(self) -> None:
        table = self.query_one("#roster", DataTable)
        if self.focused is table:
            self._choose_row(table.cursor_row)
        elif self.activities:
            table.focus()

    def _choose_row(self, row: int) -> None:
        if self.activity is not None and 0 <= row < len(self.people):
            self.app.start_as(self.activity, self.people[row])
