"""规范表述 (the 组长's screen): per deduction, the standard wordings, and the notes evaluators wrote before to pick
them from. Reached from the 评分标准 page with ``w``; every change goes through ``services.wordings``, which decides
who may make it and audits it.

Keys: ↑↓ deductions · Tab to the wordings and notes of the selected deduction (and back) · a 新增 · Enter on a note
adopts it (edit, then Enter) · e 修改 · r 停用 · Esc leaves the input, then the screen.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from pingcha.services.wordings import WordingBook, add_wording, edit_wording, retire_wording, wording_book
from pingcha.tui.widgets.key_bar import KeyBar


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


class WordingInput(Input):
    BINDINGS = [Binding("escape", "leave", "取消", show=False)]

    def action_leave(self) -> None:
        self.screen.close_input()


class WordingsScreen(Screen):
    """The wordings of the rubric of ``activity`` (its number as text)."""

    DEFAULT_CSS = """
    WordingsScreen #wordings-title { height: 1; background: $primary; text-style: bold; padding: 0 1; }
    WordingsScreen #wordings-body { height: 1fr; }
    WordingsScreen #wording-deductions { width: 45%; height: 1fr; }
    WordingsScreen #wording-side { width: 1fr; height: 1fr; padding: 0 1; }
    WordingsScreen #wording-text { height: auto; max-height: 6; }
    WordingsScreen #wording-choices { height: 1fr; }
    WordingsScreen #wording-input { dock: bottom; display: none; }
    WordingsScreen #wording-hint { height: 1; color: $text-muted; padding: 0 1; }
    """
    BINDINGS = [
        Binding("escape", "back", "返回", key_display="Esc"),
        Binding("a", "add", "新增"),
        Binding("e", "edit", "修改"),
        Binding("r", "retire", "停用"),
        Binding("tab", "switch", "切换", key_display="Tab"),
    ]

    def __init__(self, activity: str) -> None:
        super().__init__()
        self.activity = activity
        self.book: WordingBook | None = None
        self.editing: int | None = None  # the wording being edited; None while adding

    def compose(self) -> ComposeResult:
        yield Static("规范表述", id="wordings-title")
        with Horizontal(id="wordings-body"):
            deductions = DataTable(id="wording-deductions", cursor_type="row", zebra_stripes=True)
            deductions.add_columns("编号", "扣分情形", "表述", "说明")
            yield deductions
            with Vertical(id="wording-side"):
                yield Static(id="wording-text")
                choices = DataTable(id="wording-choices", cursor_type="row")
                choices.add_columns("", "规范表述 / 写过的说明")
                yield choices
        yield Static("Tab 到右侧 · a 新增 · 写过的说明上回车作底稿 · e 修改、r 停用所选表述", id="wording-hint")
        yield WordingInput(id="wording-input", select_on_focus=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#wording-deductions", DataTable).focus()

    # -- reading ---------------------------------------------------------------------------------------------

    def reload(self) -> None:
        book = self.app.call(wording_book, self.app.store, self.activity, self.app.who.name)
        if book is None:
            return
        self.book = book
        self.query_one("#wordings-title", Static).update(
            f"规范表述 · {book.rubric_id}《{book.title}》 · 本标准各版本、各评查活动共用")
        table = self.query_one("#wording-deductions", DataTable)
        row = table.cursor_row
        table.clear()
        shown = 14 if self.app.size.width >= 100 else 9  # characters of the deduction's text; 80 columns keep the counts
        for d in book.deductions:
            table.add_row(d.code, _short(d.text, shown), str(len(d.wordings)) if d.wordings else "",
                          str(sum(n for _, n in d.notes)) if d.notes else "", key=d.code)
        if book.deductions:
            table.move_cursor(row=min(max(row, 0), len(book.deductions) - 1), animate=False)
        self.show_deduction()

    @property
    def deduction(self):
        table = self.query_one("#wording-deductions", DataTable)
        if self.book is None or not self.book.deductions:
            return None
        return self.book.deductions[min(table.cursor_row, len(self.book.deductions) - 1)]

    def show_deduction(self) -> None:
        d = self.deduction
        if d is None:
            return
        self.query_one("#wording-text", Static).update(Text.assemble((d.code, "bold"), f" {d.text}\n", (d.item, "dim")))
        choices = self.query_one("#wording-choices", DataTable)
        choices.clear()
        for w in d.wordings:
            choices.add_row(Text(f"表述{w.number}", style="bold green"), w.text, key=f"w{w.number}")
        for index, (note, times) in enumerate(d.notes):
            choices.add_row(Text(f"{times}次", style="dim"), note, key=f"n{index}")
        if not d.wordings and not d.notes:
            choices.add_row("", "（还没有规范表述，也还没有写过的说明；按 a 新增）", key="none")
        if not self.book.notes_shown:
            choices.add_row("", "（评查人员写过的说明只对组长显示）", key="hidden")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "wording-deductions":
            self.show_deduction()

    def _chosen(self) -> tuple[str, str | None]:
        """The row of the right-hand table under the cursor: ("w", wording number) / ("n", note) / ("", None)."""
        choices = self.query_one("#wording-choices", DataTable)
        if not choices.row_count:
            return "", None
        key = choices.coordinate_to_cell_key((choices.cursor_row, 0)).row_key.value or ""
        d = self.deduction
        if key.startswith("w"):
            return "w", key[1:]
        if key.startswith("n") and d is not None:
            return "n", d.notes[int(key[1:])][0]
        return "", None

    # -- changing --------------------------------------------------------------------------------------------

    def _open_input(self, value: str, title: str, editing: int | None) -> None:
        self.editing = editing
        field = self.query_one("#wording-input", WordingInput)
        field.border_title = title
        field.placeholder = "规范表述（通报中的一句话），回车保存，Esc 取消"
        field.value = value
        field.display = True
        field.focus()
        field.cursor_position = len(value)

    def close_input(self) -> None:
        field = self.query_one("#wording-input", WordingInput)
        field.display = False
        self.editing = None
        self.query_one("#wording-deductions", DataTable).focus()

    def action_add(self) -> None:
        d = self.deduction
        if d is not None:
            self._open_input("", f"新增 {d.code} 的规范表述", None)

    def action_edit(self) -> None:
        kind, value = self._chosen()
        d = self.deduction
        if kind != "w" or d is None:
            self.notify("先按 Tab 到右侧，选中一条规范表述再按 e 修改。", timeout=3)
            return
        wording = next(w for w in d.wordings if str(w.number) == value)
        self._open_input(wording.text, f"修改 {d.code} 的第 {wording.number} 号规范表述", wording.number)

    def action_retire(self) -> None:
        kind, value = self._chosen()
        if kind != "w":
            self.notify("先按 Tab 到右侧，选中一条规范表述再按 r 停用。", timeout=3)
            return
        if self.app.call(retire_wording, self.app.store, self.activity, int(value), self.app.who.name) is not None:
            self.notify(f"已停用第 {value} 号规范表述（记录保留，不再提示）。", timeout=3)
            self.reload()

    def action_switch(self) -> None:
        left = self.query_one("#wording-deductions", DataTable)
        (self.query_one("#wording-choices", DataTable) if left.has_focus else left).focus()

    def action_back(self) -> None:
        self.app.pop_screen()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.data_table.id == "wording-deductions":
            self.query_one("#wording-choices", DataTable).focus()
            return
        kind, value = self._chosen()
        d = self.deduction
        if d is None:
            return
        if kind == "n":
            self._open_input(value, f"以写过的说明为底稿，新增 {d.code} 的规范表述", None)
        elif kind == "w":
            self.action_edit()
        else:
            self.action_add()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        d = self.deduction
        if d is None:
            return
        name = self.app.who.name
        if self.editing is None:
            done = self.app.call(add_wording, self.app.store, self.activity, d.code, event.value, name)
        else:
            done = self.app.call(edit_wording, self.app.store, self.activity, self.editing, event.value, name)
        if done is not None:
            self.notify(f"已保存 {d.code} 的第 {done.number} 号规范表述。", timeout=3)
            self.close_input()
            self.reload()
