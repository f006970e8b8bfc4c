"""Modal questions: the summary shown before submitting a sheet, and a plain yes/no."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from pingcha.rubric import Rubric
from pingcha.scoring import Sheet, SheetResult
from pingcha.tui.format import grade_style, num, score_text


def sheet_summary(rubric: Rubric, sheet: Sheet, result: SheetResult) -> Group:
    """Score, grade, every deduction with its note, 不适用 items and vetoes: what is about to be locked."""
    head = Text.assemble(("得分 ", "bold"), (score_text(result.score), "bold reverse"), "   等次 ",
                         (result.grade, grade_style(rubric, result.grade)))
    if result.applicable != rubric.total:
        head.append(f"   （实得 {num(result.raw)} / 适用 {num(result.applicable)}，折算为 {num(rubric.total)} 分制）")
    table = Table(box=None, padding=(0, 1), show_edge=False, header_style="bold", expand=True)
    table.add_column("编号", no_wrap=True)
    table.add_column("扣分情形", ratio=1, overflow="fold")
    table.add_column("次数", justify="right", no_wrap=True)
    table.add_column("扣分", justify="right", no_wrap=True)
    table.add_column("说明", ratio=1, overflow="fold")
    for deduction_code, count in sheet.deductions.items():
        if count:
            deduction = rubric.deduction_by_code[deduction_code]
            table.add_row(deduction_code, deduction.text, str(count), num(deduction.points * count),
                          sheet.notes.get(deduction_code, ""))
    parts = [head, Text("")]
    if table.row_count:
        parts += [Text(f"扣分 {table.row_count} 处：", style="bold"), table]
    else:
        parts.append(Text("没有扣分。", style="bold"))
    if sheet.na:
        parts.append(Text("不适用：" + "、".join(f"{c} {rubric.item_by_code[c].title}" for c in sorted(sheet.na))))
    if result.vetoes:
        parts.append(Text("否决项成立：" + "；".join(f"{c} {rubric.veto_by_code[c].title}" for c in result.vetoes),
                          style="bold red"))
    else:
        parts.append(Text("否决项：无"))
    if sheet.comment:
        parts.append(Text(f"评语：{sheet.comment}"))
    return Group(*parts)


class SubmitScreen(ModalScreen[bool]):
    """提交: the sheet's summary and a confirmation; Enter or y submits, Esc or n goes back."""

    BINDINGS = [
        Binding("y", "answer(True)", "确认"),
        Binding("escape,n", "answer(False)", "取消", key_display="Esc"),
    ]

    def __init__(self, rubric: Rubric, sheet: Sheet, result: SheetResult, case_no: str, undecided: int,
                 review: bool = False) -> None:
        super().__init__()
        self.rubric, self.sheet, self.result = rubric, sheet, result
        self.case_no, self.undecided, self.review = case_no, undecided, review

    def compose(self) -> ComposeResult:
        title = "确认复核结果" if self.review else "提交评查表"
        warning = "确认后该结果即为本案卷的最终结果。" if self.review else "提交后评查表将锁定，不能再修改（更正需经组长复核）。"
        with Vertical(id="dialog"):
            yield Static(Text(f"{title} · {self.case_no}", style="bold"), id="dialog-title")
            with VerticalScroll(id="dialog-body"):
                yield Static(sheet_summary(self.rubric, self.sheet, self.result))
                if self.undecided and not self.review:
                    yield Static(Text(f"注意：还有 {self.undecided} 个评查项目未逐项确认（按 Tab 可逐一查看）。",
                                      style="yellow"))
                yield Static(Text(warning, style="bold"))
            with Horizontal(id="dialog-buttons"):
                yield Button("确认提交（回车）" if not self.review else "确认录入（回车）", variant="primary", id="yes")
                yield Button("返回修改（Esc）", id="no")

    def on_mount(self) -> None:
        self.query_one("#yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question."""

    BINDINGS = [
        Binding("y", "answer(True)", "是"),
        Binding("escape,n", "answer(False)", "否", key_display="Esc"),
    ]

    def __init__(self, question: str, yes: str = "确定", no: str = "取消") -> None:
        super().__init__()
        self.question, self.yes, self.no = question, yes, no

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="small"):
            yield Static(self.question, id="dialog-title")
            with Horizontal(id="dialog-buttons"):
                yield Button(f"{self.yes}（y）", variant="warning", id="yes")
                yield Button(f"{self.no}（Esc）", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class CommentScreen(ModalScreen[str | None]):
    """评语: the overall comment on a file, several lines long; Ctrl+S saves, Esc leaves it unchanged."""

    BINDINGS = [
        Binding("ctrl+s", "save", "保存", priority=True),
        Binding("escape", "cancel", "取消", key_display="Esc"),
    ]

    def __init__(self, case_no: str, comment: str) -> None:
        super().__init__()
        self.case_no, self.comment = case_no, comment

    def compose(self) -> ComposeResult:
        from textual.widgets import TextArea

        from pingcha.tui.widgets.key_bar import KeyBar

        with Vertical(id="dialog"):
            yield Static(Text.assemble(("评语", "bold"), f"  {self.case_no}   回车换行 · Ctrl+S 保存 · Esc 取消"),
                         id="dialog-title")
            yield TextArea(self.comment, id="comment-text", soft_wrap=True, show_line_numbers=False)
        yield KeyBar()

    def on_mount(self) -> None:
        from textual.widgets import TextArea

        area = self.query_one("#comment-text", TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        from textual.widgets import TextArea

        self.dismiss(self.query_one("#comment-text", TextArea).text.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)


class PassphraseScreen(ModalScreen[str | None]):
    """Asks a person for their passphrase on a protected activity (§10); the services check it."""

    BINDINGS = [Binding("escape", "cancel", "取消", key_display="Esc")]

    def __init__(self, name: str, activity: str) -> None:
        super().__init__()
        self.person, self.activity = name, activity

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="small"):
            yield Static(f"“{self.activity}”受口令保护：请{self.person}输入本人口令，回车确认", id="dialog-title")
            yield Input(password=True, placeholder="口令", id="passphrase")

    def on_mount(self) -> None:
        self.query_one("#passphrase", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
