"""复核: a file's sheets side by side with every difference highlighted; the 组长 starts from one and settles it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from pingcha.results import FileResult, SheetView
from pingcha.rubric.model import Item
from pingcha.tui.format import num, score_text
from pingcha.tui.widgets.key_bar import KeyBar
from pingcha.tui.widgets.sheet_parts import DIFFERENT
from pingcha.vocabulary import SheetStatus


def item_cell(view: SheetView, item: Item) -> tuple[str, tuple]:
    """What one sheet says about one item, and a key that is equal exactly when two sheets agree."""
    if item.code in view.sheet.na:
        return "不适用", ("na",)
    found = tuple((d.code, view.sheet.deductions.get(d.code, 0)) for d in item.deductions
                  if view.sheet.deductions.get(d.code, 0))
    obtained = next((i.obtained for i in view.detail.items if i.code == item.code), item.points) \
        if view.detail else item.points
    codes = " ".join(f"{code}×{count}" if count > 1 else code for code, count in found)
    return (f"{num(obtained)}  {codes}" if codes else num(obtained)), found


class ReviewScreen(Screen):
    BINDINGS = [
        Binding("1", "start_from(0)", "以第1份为基础复核"),
        Binding("2", "start_from(1)", "以第2份为基础复核"),
        *(Binding(str(n), f"start_from({n - 1})", show=False) for n in range(3, 10)),
        Binding("c", "continue_draft", "继续复核草稿"),
        Binding("d", "toggle_differences", "只看差异/全部"),
        Binding("f5,r", "reload", "刷新", key_display="F5"),
        Binding("escape,q", "back", "返回", key_display="Esc"),
    ]

    def __init__(self, file: FileResult) -> None:
        super().__init__()
        self.file = file
        self.only_differences = False

    @property
    def sheets(self) -> tuple[SheetView, ...]:
        return tuple(s for s in self.file.sheets if s.status != SheetStatus.DRAFT)

    def compose(self) -> ComposeResult:
        yield Static(id="review-head")
        yield DataTable(id="compare", cursor_type="row", zebra_stripes=False)
        yield Static(id="review-notes")
        yield KeyBar()

    def on_mount(self) -> None:
        self._read()
        self.draw()

    def _read(self) -> None:
        """The file as it now stands, with what its sheets say (the 复核 page's list holds only their scores)."""
        from pingcha.services.results import file_result

        current = self.app.call(file_result, self.app.store, str(self.app.who.activity.id), self.file.case.case_no)
        if current is not None:
            self.file = current

    def draw(self) -> None:
        rubric = self.app.who.activity.rubric
        file, sheets = self.file, self.sheets
        table = self.query_one("#compare", DataTable)
        table.clear(columns=True)
        table.add_column("编号")
        table.add_column("评查项目")
        table.add_column("分值")
        for number, view in enumerate(sheets, start=1):
            table.add_column(f"{number} {view.evaluator}")
        differing = 0
        for category in rubric.categories:
            for item in category.items:
                cells = [item_cell(view, item) for view in sheets]
                differs = len({key for _, key in cells}) > 1
                differing += differs
                if self.only_differences and not differs:
                    continue
                style = DIFFERENT if differs else ""
                table.add_row(Text(item.code, style=style), item.title, num(item.points),
                              *(Text(text, style=style) for text, _ in cells), key=item.code)
        for veto in rubric.vetoes:
            marks = [veto.code in view.sheet.veto for view in sheets]
            differs = len(set(marks)) > 1
            differing += differs
            if (self.only_differences and not differs) or not any(marks):
                continue
            style = DIFFERENT if differs else "bold red"
            table.add_row(Text(veto.code, style=style), Text(veto.title, overflow="ellipsis"), "否决",
                          *(Text("成立" if m else "—", style=style) for m in marks), key=veto.code)
        scores = [view.detail for view in sheets]
        score_style = DIFFERENT if len({r.score for r in scores if r}) > 1 else "bold"
        table.add_row(Text("合计", style="bold"), "实得 / 适用", num(rubric.total),
                      *(f"{num(r.raw)} / {num(r.applicable)}" if r else "" for r in scores))
        table.add_row(Text("得分", style="bold"), "", "", *(Text(score_text(r.score), style=score_style) if r else ""
                                                             for r in scores))
        table.add_row(Text("等次", style="bold"), "", "", *(r.grade if r else "" for r in scores))
        self.differing = differing
        self.query_one("#review-head", Static).update(Text.assemble(
            ("复核 ", "bold"), (file.case.case_no, "bold"), f"  {file.case.agency}  {file.case.cause}\n",
            ("原因：", "bold"), "；".join(file.reasons) or "—", f"   共 {differing} 处不一致",
            "（只显示不一致的项目）" if self.only_differences else "", "\n",
            ("黄色", DIFFERENT), "为各评查表不一致之处。按 1/2… 以该评查人的评查表为基础调整，确认后录入为最终结果。",
        ))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_notes(event.row_key.value if event.row_key is not None else None)

    def show_notes(self, code: str | None) -> None:
        """Under the table: what each evaluator wrote on the highlighted item's deductions (or the veto)."""
        rubric = self.app.who.activity.rubric
        item = rubric.item_by_code.get(code) if code else None
        codes = [code, *(d.code for d in item.deductions)] if item is not None else ([code] if code else [])
        lines = Text()
        for number, view in enumerate(self.sheets, start=1):
            notes = [f"{c} {view.sheet.notes[c]}" for c in codes if view.sheet.notes.get(c)]
            if notes:
                lines.append(f"{number} {view.evaluator}的说明：", style="bold")
                lines.append("；".join(notes) + "\n")
        if not lines.plain and code:
            lines.append("各评查人员对此项没有写说明。", style="dim")
        self.query_one("#review-notes", Static).update(lines)

    def action_toggle_differences(self) -> None:
        self.only_differences = not self.only_differences
        self.draw()

    def action_start_from(self, index: int) -> None:
        sheets = self.sheets
        if index >= len(sheets):
            self.notify(f"本案卷只有 {len(sheets)} 份评查表。", timeout=3)
            return
        self._open_editor(sheets[index].sheet, f"复核，基于{sheets[index].evaluator}")

    def action_continue_draft(self) -> None:
        from pingcha.services.review import draft_review

        who = self.app.who
        if self.app.call(draft_review, self.app.store, str(who.activity.id), self.file.case.case_no) is None:
            self.notify("本案卷还没有复核草稿：按 1、2 以某份评查表为基础开始复核。", timeout=4)
            return
        self._open_editor(None, "继续复核草稿")

    def _open_editor(self, start, label: str) -> None:
        from pingcha.tui.editing import ReviewSheetEditor
        from pingcha.tui.screens.scoring import ScoringScreen

        who = self.app.who
        editor = self.app.call(ReviewSheetEditor, self.app.store, who.activity.rubric, str(who.activity.id),
                               self.file.case.case_no, who.name, start)
        if editor is not None:
            screen = ScoringScreen(editor, self.file.case, f"{who.name}（{label}）", self.sheets)
            self.app.push_screen(screen, self._settled)

    def _settled(self, done: bool | None) -> None:
        if done:
            self.dismiss(True)

    def action_reload(self) -> None:
        self._read()
        self.draw()

    def action_back(self) -> None:
        self.dismiss(False)
