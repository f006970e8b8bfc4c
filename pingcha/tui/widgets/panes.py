"""The pages of the home screen that show the activity: my files, progress, the 复核 queue, results."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from sqlalchemy.exc import SQLAlchemyError
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Static

from pingcha.errors import UserError
from pingcha.results import FINAL, NEEDS_REVIEW, PENDING, ActivityResults
from pingcha.services.queries import AssignedFile, Progress, assigned_files, case_facts
from pingcha.tui.format import grade_markup, grade_marks, grade_style, score_text, status_label
from pingcha.vocabulary import NOT_STARTED, SheetStatus

BAR_WIDTH = 30


class Pane(Vertical):
    """One page: it reads what it shows through services whenever asked to refresh."""

    def refresh_data(self) -> None:
        raise NotImplementedError

    def focus_main(self) -> None:
        tables = self.query(DataTable)
        if tables:
            tables.first().focus()

    @property
    def who(self):
        return self.app.who

    @staticmethod
    def fill(table: DataTable, rows: list[tuple], keys: list[str] | None = None) -> None:
        """Replace a table's rows, keeping the cursor on the same row where it still exists."""
        row = table.cursor_row
        table.clear()
        for index, cells in enumerate(rows):
            table.add_row(*cells, key=keys[index] if keys else None)
        if rows:
            table.move_cursor(row=min(row, len(rows) - 1), animate=False)


def table(table_id: str, *columns: str, lazy: bool = False) -> DataTable:
    widget = (LazyTable if lazy else DataTable)(id=table_id, cursor_type="row", zebra_stripes=True)
    widget.add_columns(*columns)
    return widget


@dataclass(frozen=True)
class TableRows:
    """A table's rows made ready for display (texts and column widths), so a worker thread can do that work."""

    rows: list[tuple[Text, ...]]
    keys: list[str] | None
    widths: list[int]


def table_rows(rows: list[tuple], keys: list[str] | None = None) -> TableRows:
    """Cells as Text (shown as they are: a ``[`` in a party's name is not markup) and each column's widest cell."""
    cells = [tuple(c if isinstance(c, Text) else Text(str(c), end="") for c in row) for row in rows]
    widths = [max(c.cell_len for c in column) for column in zip(*cells)] if cells else []
    return TableRows(cells, keys, widths)


class LazyTable(DataTable):
    """A table for tens of thousands of rows: column widths come from the texts up front, and rows are added a
    chunk at a time as the cursor or the scrolling nears the last one added, so no page waits for every row to
    be measured and laid out."""

    CHUNK = 200

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._all = TableRows([], None, [])
        self._adding = False

    def set_rows(self, rows: TableRows) -> None:
        """Replace the rows, keeping the cursor on the same row where it still exists."""
        row = self.cursor_row
        self.clear()
        self._all = rows
        for index, column in enumerate(self.ordered_columns):
            widest = rows.widths[index] if index < len(rows.widths) else 0
            column.width = max(widest, column.label.cell_len)
            column.auto_width = False
        self._add_up_to(max(self.CHUNK, row + self.CHUNK // 2))
        if rows.rows:
            self.move_cursor(row=min(row, len(rows.rows) - 1), animate=False)

    @property
    def total_rows(self) -> int:
        return len(self._all.rows)

    def _add_up_to(self, count: int) -> None:
        if self._adding:  # adding a row moves the cursor, which asks for more rows
            return
        self._adding = True
        try:
            keys, end = self._all.keys, min(count, self.total_rows)
            while self.row_count < end:
                index = self.row_count
                self.add_row(*self._all.rows[index], key=keys[index] if keys else None)
        finally:
            self._adding = False

    def _near_the_end(self, row: int) -> None:
        if row >= self.row_count - self.CHUNK // 4 and self.row_count < self.total_rows:
            self._add_up_to(self.row_count + self.CHUNK)

    def watch_cursor_coordinate(self, old, new) -> None:
        super().watch_cursor_coordinate(old, new)
        self._near_the_end(new.row)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._near_the_end(int(new_value) + self.scrollable_content_region.height)


class FilesPane(Pane):
    """我的案卷: the files assigned to me, with status and, once submitted, my score."""

    def __init__(self) -> None:
        super().__init__()
        self.files: list[AssignedFile] = []

    def compose(self) -> ComposeResult:
        yield Static(id="files-summary")
        yield table("files-table", "案号", "状态", "得分", "等次", "执法部门", "案由")
        yield Static("回车打开评查表 · F5 刷新 · Ctrl+P 命令", classes="hint")

    def refresh_data(self) -> None:
        files = self.app.call(assigned_files, self.app.store, str(self.who.activity.id), self.who.name)
        if files is None:
            return
        self.files = files
        styles = {NOT_STARTED: "dim", SheetStatus.DRAFT: "yellow", SheetStatus.SUBMITTED: "green"}
        rows = [
            (f.case.case_no, Text(f.status, style=styles.get(f.status, "")), score_text(f.result.score) if f.result else "",
             Text.from_markup(grade_markup(self.who.activity.rubric, f.result.grade)) if f.result else "",
             f.case.agency, f.case.cause)
            for f in files
        ]
        self.fill(self.query_one("#files-table", DataTable), rows, [f.case.case_no for f in files])
        done = sum(f.status == SheetStatus.SUBMITTED for f in files)
        drafts = sum(f.status == SheetStatus.DRAFT for f in files)
        summary = Text.assemble(("我的案卷", "bold"), f"  已提交 {done}/{len(files)}",
                                f" · 草稿 {drafts} · 未开始 {len(files) - done - drafts}")
        if not files:
            summary = Text("没有分配给您的案卷。", style="bold")
        self.query_one("#files-summary", Static).update(summary)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if 0 <= event.cursor_row < len(self.files):
            self.open_file(self.files[event.cursor_row])

    def open_file(self, file: AssignedFile) -> None:
        from pingcha.tui.editing import StoredSheetEditor
        from pingcha.tui.screens.scoring import ScoringScreen

        app = self.app
        editor = app.call(StoredSheetEditor, app.store, self.who.activity.rubric, file.ref, self.who.name)
        case = app.call(case_facts, app.store, file.ref.case_file_id)
        if editor is not None and case is not None:
            app.push_screen(ScoringScreen(editor, case, self.who.name))


def grade_chart(results: ActivityResults) -> Text:
    """等次分布 as plain text bars, one line per grade."""
    counts = results.grade_counts()
    total = sum(counts.values())
    chart = Text.assemble(("等次分布", "bold"), f"（已完成 {total} 件）\n")
    widest = max(counts.values() or [0]) or 1
    for name, count in counts.items():
        style = grade_style(results.rubric, name, plain="blue").removeprefix("bold ")
        share = f"{count * 100 / total:.1f}%" if total else "—"
        bar = "█" * round(count * BAR_WIDTH / widest)
        chart.append(f"{name:　<4}")
        chart.append(f"{bar:<{BAR_WIDTH}}", style=style)
        chart.append(f" {count:>3} 件  {share}\n")
    return chart


def _raise(exc: Exception) -> None:
    raise exc


class DerivedPane(Pane):
    """A page showing a view of the activity's results. The view and the page's rows are computed in a worker
    thread behind a loading indicator, so the screen keeps answering keys however large the activity; coming
    back to the page when nothing has changed shows it as it was, with no work at all."""

    VIEW = "results"

    def __init__(self) -> None:
        super().__init__()
        self.shown: object | None = None

    def refresh_data(self) -> None:
        ready = self.app.call(self.app.derived.current, self.VIEW)
        if ready is not None and ready is self.shown:
            return
        self.loading = True
        self.compute()

    @work(thread=True, exclusive=True, group="derived", exit_on_error=False)
    def compute(self) -> None:
        try:
            view = self.app.derived.get(self.VIEW)
        except (UserError, SQLAlchemyError) as exc:
            self.app.call_from_thread(self._computed, None, None, exc)
            return
        self.app.call_from_thread(self._computed, view, self.prepare(view), None)

    def _computed(self, view: object, prepared: dict | None, problem: Exception | None) -> None:
        self.loading = False
        if problem is not None:
            self.app.call(_raise, problem)  # shown as every refusal is
            return
        self.shown = view
        self.show(view, prepared)

    def prepare(self, view) -> dict[str, TableRows]:
        """The rows of each table of the page, by table id (runs in the worker thread)."""
        raise NotImplementedError

    def show(self, view, tables: dict[str, TableRows]) -> None:
        for table_id, rows in tables.items():
            self.query_one(f"#{table_id}", LazyTable).set_rows(rows)


class ScrollingPane(DerivedPane):
    """A page taller than the screen: the keyboard scrolls the page rather than entering a table."""

    def focus_main(self) -> None:
        scroll = self.query_one(VerticalScroll)
        scroll.focus()
        scroll.scroll_home(animate=False)


class ProgressPane(ScrollingPane):
    """进度: per evaluator and per agency, files pending / needing 复核 / final, and the grade chart."""

    VIEW = "progress"

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(id="progress-summary")
            yield Static("按评查人员", classes="section")
            yield table("by-evaluator", "评查人员", "角色", "分配", "未开始", "草稿", "已提交", "待复核", "已完成", "单位",
                        lazy=True)
            yield Static("按执法部门", classes="section")
            yield table("by-agency", "执法部门", "抽查", "评查表", "评查中", "待复核", "已完成", "平均分", "等次", lazy=True)

    def prepare(self, view: Progress) -> dict[str, TableRows]:
        return {
            "by-evaluator": table_rows([
                (p.name, p.role, str(p.assigned), str(p.not_started), str(p.draft), str(p.submitted),
                 str(p.needs_review), str(p.final), p.unit) for p in view.evaluators]),
            "by-agency": table_rows([
                (a.agency, str(a.files), f"{a.sheets_submitted}/{a.sheets_due}", str(a.pending), str(a.needs_review),
                 str(a.final), score_text(a.mean), Text.from_markup(grade_markup(view.results.rubric, a.grade)))
                for a in view.agencies]),
        }

    def show(self, view: Progress, tables: dict[str, TableRows]) -> None:
        super().show(view, tables)
        summary = Text.assemble(
            ("活动进度", "bold"),
            f"  抽查案卷 {view.files} 件：评查中 {view.count(PENDING)} · 待复核 {view.count(NEEDS_REVIEW)} · "
            f"已完成 {view.count(FINAL)}；评查表已提交 {view.sheets_submitted}/{view.sheets_due}\n\n",
            grade_chart(view.results),
        )
        self.query_one("#progress-summary", Static).update(summary)


class ReviewPane(DerivedPane):
    """复核: the files whose sheets disagree; Enter opens them side by side."""

    def __init__(self) -> None:
        super().__init__()
        self.queue = []

    def compose(self) -> ComposeResult:
        yield Static(id="review-summary")
        yield table("review-table", "案号", "原因", "评查人员及得分", "执法部门", "案由", lazy=True)
        yield Static("回车：并排比较各评查表并录入复核结果 · F5 刷新", classes="hint")

    def prepare(self, results: ActivityResults) -> dict[str, TableRows]:
        queue = [f for f in results.files if f.status == NEEDS_REVIEW]
        rows = [
            (f.case.case_no, "；".join(f.reasons),
             "，".join(f"{s.evaluator} {score_text(s.result.score)}" for s in f.sheets if s.result is not None),
             f.case.agency, f.case.cause)
            for f in queue
        ]
        return {"review-table": table_rows(rows, [f.case.case_no for f in queue])}

    def show(self, results: ActivityResults, tables: dict[str, TableRows]) -> None:
        super().show(results, tables)
        self.queue = [f for f in results.files if f.status == NEEDS_REVIEW]
        reviewed = sum(1 for f in results.files if f.review is not None)
        self.query_one("#review-summary", Static).update(
            Text.assemble(("待复核案卷", "bold"), f"  {len(self.queue)} 件 · 已复核 {reviewed} 件")
            if self.queue else Text(f"没有待复核的案卷（已复核 {reviewed} 件）。", style="bold"))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        from pingcha.tui.screens.review import ReviewScreen

        event.stop()
        if 0 <= event.cursor_row < len(self.queue):
            self.app.push_screen(ReviewScreen(self.queue[event.cursor_row]))


class ResultsPane(ScrollingPane):
    """结果: agencies ranked by mean, then every file, with the best and worst grades marked."""

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(id="results-summary")
            yield Static("执法部门排名", classes="section")
            yield table("results-agencies", "名次", "执法部门", "抽查", "已完成", "评查中", "待复核", "平均分", "等次",
                        lazy=True)
            yield Static("案卷结果", classes="section")
            yield table("results-files", "案号", "执法部门", "案由", "状态", "得分", "等次", "评查人员", lazy=True)

    def prepare(self, results: ActivityResults) -> dict[str, TableRows]:
        return {
            "results-agencies": table_rows([
                (str(a.rank) if a.rank is not None else "—", a.agency, str(a.files), str(a.final), str(a.pending),
                 str(a.needs_review), score_text(a.mean), Text.from_markup(grade_markup(results.rubric, a.grade)))
                for a in results.agencies]),
            "results-files": table_rows([
                (f.case.case_no, f.case.agency, f.case.cause, status_label(f.status), score_text(f.score),
                 Text.from_markup(grade_markup(results.rubric, f.grade)), "、".join(f.evaluators))
                for f in results.files]),
        }

    def show(self, results: ActivityResults, tables: dict[str, TableRows]) -> None:
        super().show(results, tables)
        counts = results.grade_counts()
        self.query_one("#results-summary", Static).update(Text.assemble(
            ("评查结果", "bold"), "  ", "  ".join(f"{name} {count} 件" for name, count in counts.items()),
            "   ", grade_marks(results.rubric)))
