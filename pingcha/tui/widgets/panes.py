"""The pages of the home screen that show the activity: my files, progress, the 复核 queue, results."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.worker import Worker
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.binding import Binding
from textual.widgets import DataTable, Input, Static

from pingcha.errors import DATABASE_ERRORS, UserError
from pingcha.memory import paused_collection, settle
from pingcha.pacing import paced
from pingcha.results import FINAL, NEEDS_REVIEW, PENDING, ActivityResults
from pingcha.services.queries import AssignedFile, Progress, assigned_files, case_facts
from pingcha.services.results import colleagues_sheets
from pingcha.text import case_no_key
from pingcha.tui.format import grade_markup, grade_marks, score_text, status_label
from pingcha.tui.widgets.agreement_chart import AgreementChart
from pingcha.tui.widgets.result_charts import ResultCharts
from pingcha.tui.widgets.steady_table import SteadyTable, refill
from pingcha.vocabulary import NOT_STARTED, SheetStatus


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
        if isinstance(table, SteadyTable):
            table.show_rows(rows, keys)
        else:
            refill(table, rows, keys)


def table(table_id: str, *columns: str, lazy: bool = False) -> DataTable:
    widget = (LazyTable if lazy else SteadyTable)(id=table_id, cursor_type="row", zebra_stripes=True)
    widget.add_columns(*columns)
    return widget


def matches(query: str, *fields: str) -> bool:
    """Does every word of ``query`` occur in one of ``fields`` (width, case and 〔〕/[ ] ignored)?"""
    text = " ".join(case_no_key(field) for field in fields)
    return all(case_no_key(word) in text for word in query.split())


class FilterInput(Input):
    """A one-line filter above a list: what is typed narrows the list at once; Esc leaves it."""


FILE_SORTS = [("执法部门", lambda f: (f.case.agency, f.case.case_no)), ("案号", lambda f: f.case.case_no),
              ("状态", lambda f: (f.status, f.case.case_no)),
              ("未定项数", lambda f: (-f.undecided, f.case.case_no)),
              ("得分", lambda f: (f.result is None, f.result.score if f.result else 0, f.case.case_no))]


@dataclass(frozen=True)
class TableRows:
    """A table's rows made ready for display (texts and column widths), so a worker thread can do that work."""

    rows: list[tuple[Text, ...]]
    keys: list[str] | None
    widths: list[int]


def table_rows(rows: Iterable[tuple], keys: list[str] | None = None) -> TableRows:
    """Cells as Text (shown as they are: a ``[`` in a party's name is not markup) and each column's widest cell.
    Runs in a worker: each distinct value becomes one Text, measured once (a column repeats its agencies,
    statuses and scores), and the work steps aside for key presses (``pause``) every few hundred rows."""
    made: dict[str, Text] = {}
    sizes: dict[int, int] = {}  # id of a Text → its width in cells

    def text(value: object) -> Text:
        if isinstance(value, Text):
            shown = value
        else:
            plain = str(value)
            shown = made.get(plain)
            if shown is None:
                shown = made[plain] = Text(plain, end="")
        if id(shown) not in sizes:
            sizes[id(shown)] = shown.cell_len
        return shown

    cells = []
    for row in paced(rows, 256):
        cells.append(tuple(map(text, row)))
    widths = [max(sizes[id(c)] for c in column) for column in zip(*cells)] if cells else []
    return TableRows(cells, keys, widths)


class LazyTable(SteadyTable):
    """A table for tens of thousands of rows: column widths come from the texts up front, and rows are added a
    chunk at a time as the cursor or the scrolling nears the last one added, so no page waits for every row to
    be measured and laid out."""

    CHUNK = 100  # about 15 ms of adding rows on the event loop at a time

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
    """我的案卷: the files assigned to me, with status, the running score of drafts and how many items are 未定;
    / filters by 案号, agency, 案由, status or grade, o changes the order."""

    BINDINGS = [Binding("slash", "filter", "筛选", key_display="/"), Binding("o", "sort", "排序")]

    def __init__(self) -> None:
        super().__init__()
        self.files: list[AssignedFile] = []
        self.shown: list[AssignedFile] = []
        self.sort = 0

    def compose(self) -> ComposeResult:
        yield Static(id="files-summary")
        precheck = ("预检",) if self.who.activity.rubric.checks else ()
        yield FilterInput(placeholder="筛选：/ 后输入案号、执法部门、案由、状态或等次（Esc 离开）", id="files-filter",
                          classes="filter")
        yield table("files-table", "案号", "状态", "得分", "等次", "未定", *precheck, "执法部门", "案由")
        yield Static("回车打开评查表 · / 筛选 · o 排序 · F5 刷新 · Ctrl+P 命令", classes="hint")

    def action_filter(self) -> None:
        self.query_one("#files-filter", Input).focus()

    def action_sort(self) -> None:
        self.sort = (self.sort + 1) % len(FILE_SORTS)
        self.show_rows()
        self.notify(f"按{FILE_SORTS[self.sort][0]}排序", timeout=2)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "files-filter":
            event.stop()
            self.show_rows()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "files-filter":
            event.stop()
            self.query_one("#files-table", DataTable).focus()

    def refresh_data(self) -> None:
        files = self.app.call(assigned_files, self.app.store, str(self.who.activity.id), self.who.name)
        if files is None:
            return
        self.files = files
        self.show_rows()
        done = sum(f.status == SheetStatus.SUBMITTED for f in files)
        drafts = sum(f.status == SheetStatus.DRAFT for f in files)
        summary = Text.assemble(("我的案卷", "bold"), f"  已提交 {done}/{len(files)}",
                                f" · 草稿 {drafts} · 未开始 {len(files) - done - drafts}")
        closed = next((f.closed for f in files if f.closed), None)
        if closed:  # 样卷试评 first: the service says why the live files wait
            summary.append(f"\n{closed}", style="bold yellow")
        if not files:
            summary = Text("没有分配给您的案卷。", style="bold")
        self.query_one("#files-summary", Static).update(summary)
        self.call_after_refresh(settle)

    def show_rows(self) -> None:
        query = self.query_one("#files-filter", Input).value
        styles = {NOT_STARTED: "dim", SheetStatus.DRAFT: "yellow", SheetStatus.SUBMITTED: "green"}
        shown = [f for f in self.files
                 if matches(query, f.case.case_no, f.status, f.case.agency, f.case.cause,
                            f.result.grade if f.result and f.status != SheetStatus.DRAFT else "")]
        order = FILE_SORTS[self.sort][1]
        self.shown = sorted(shown, key=lambda f: (not f.calibration, order(f)))  # 样卷 first, whatever the order
        rubric = self.who.activity.rubric
        if rubric.checks:
            from pingcha.prechecks import findings_for
        rows = []
        for f in self.shown:
            draft = f.status != SheetStatus.SUBMITTED
            score = score_text(f.result.score) if f.result else ""
            precheck = ()
            if rubric.checks:
                found = len(findings_for(rubric.checks, f.case))
                precheck = (Text(f"! {found} 处", style="bold yellow") if found else "",)
            label = Text(f.case.case_no, style="dim" if f.closed else "")
            if f.calibration:
                label = Text.assemble(("样卷 ", "bold magenta"), f.case.case_no)
            rows.append((
                label, Text(f.status, style=styles.get(f.status, "")),
                Text(score + ("（暂）" if draft and score else ""), style="dim" if draft else ""),
                Text.from_markup(grade_markup(rubric, f.result.grade)) if f.result and not draft else "",
                Text(str(f.undecided), style="yellow") if draft and f.undecided else "",
                *precheck, f.case.agency, f.case.cause))
        self.fill(self.query_one("#files-table", DataTable), rows, [f.case.case_no for f in self.shown])

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if 0 <= event.cursor_row < len(self.shown):
            self.open_file(self.shown[event.cursor_row])

    def open_file(self, file: AssignedFile) -> None:
        from pingcha.tui.editing import StoredSheetEditor
        from pingcha.tui.screens.scoring import ScoringScreen

        from pingcha.services import calibration
        from pingcha.tui.calibration import open_feedback

        app = self.app
        if file.calibration and file.status == SheetStatus.SUBMITTED:  # what the reference says, item by item
            open_feedback(app, file.ref.activity_id, file.case.case_no, file.ref.evaluator)
            return
        if app.call(calibration.check_open, app.store, file.ref.activity_id, file.ref.case_file_id,
                    file.ref.evaluator_id, file.ref.evaluator, self.who.name) is None:
            return
        editor = app.call(StoredSheetEditor, app.store, self.who.activity.rubric, file.ref, self.who.name)
        case = app.call(case_facts, app.store, file.ref.case_file_id)
        others = ()
        if file.status == SheetStatus.SUBMITTED:  # once the file is final, the other evaluators' sheets are shown beside mine
            others = app.call(colleagues_sheets, app.store, str(self.who.activity.id), file.case.case_no,
                              self.who.name) or ()
        if editor is not None and case is not None:
            app.push_screen(ScoringScreen(editor, case, self.who.name, others))


def file_rows(results: ActivityResults, files) -> TableRows:
    """The 结果 page's rows for ``files``, keyed by 案号 (each grade's mark made once)."""
    marks = {grade: Text.from_markup(grade_markup(results.rubric, grade)) for grade in {f.grade for f in files}}
    return table_rows((  # made row by row as table_rows asks, between its pauses
        (f.case.case_no, f.case.agency, f.case.cause, status_label(f.status), score_text(f.score), marks[f.grade],
         "、".join(f.evaluators))
        for f in files), [f.case.case_no for f in files])


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
        self._computing: Worker | None = None

    def refresh_data(self) -> None:
        ready = self.app.call(self.app.derived.current, self.VIEW)
        if ready is not None and ready is self.shown:
            return
        if self._computing is not None and not self._computing.is_finished:
            # Coming back to the page while it computes: the worker shows what it finds. A thread cannot be
            # stopped (nor, so, cancelled), and another would only halve the speed of both and of the keys
            # pressed meanwhile.
            return
        self.loading = True
        self._computing = self.compute()

    @work(thread=True, group="derived", exit_on_error=False)
    def compute(self) -> None:
        # The collector paused: its passes over what the worker builds would hold the GIL and stall key presses.
        with paused_collection():
            try:
                view = self.app.derived.get(self.VIEW)
            except (UserError, *DATABASE_ERRORS) as exc:
                self.app.call_from_thread(self._computed, None, None, exc)
                return
            prepared = self.prepare(view)
        self.app.call_from_thread(self._computed, view, prepared, None)

    def _computed(self, view: object, prepared: dict | None, problem: Exception | None) -> None:
        self.loading = False
        if problem is not None:
            self.app.call(_raise, problem)  # shown as every refusal is
            return
        self.shown = view
        self.show(view, prepared)
        self.call_after_refresh(settle)

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
            yield ResultCharts(id="result-charts")
            yield Static("按评查人员", classes="section")
            yield table("by-evaluator", "评查人员", "角色", "分配", "未开始", "草稿", "已提交", "待复核", "已完成", "单位",
                        lazy=True)
            yield Static("按执法部门", classes="section")
            yield table("by-agency", "执法部门", "抽查", "评查表", "评查中", "待复核", "已完成", "平均分", "等次", lazy=True)
            if self.who.activity.rubric.checks:
                yield Static("抽查案卷的预检提示及评查人员的处理（多数不采纳的预检规则需要修订）", classes="section")
                yield table("by-check", "预检", "提示", "采纳（人次）", "不采纳（人次）", "采纳率", "内容")
            yield AgreementChart(id="agreement-chart")

    def prepare(self, view: Progress) -> dict[str, TableRows]:
        view.results.grade_counts()  # counted here, in the worker, not by the charts on the event loop
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
            f"已完成 {view.count(FINAL)}；评查表已提交 {view.sheets_submitted}/{view.sheets_due}",
        )
        self.query_one("#progress-summary", Static).update(summary)
        self.query_one(AgreementChart).show()
        self.query_one(ResultCharts).show(view.results)
        if self.who.activity.rubric.checks:
            self._fill_checks()

    def _fill_checks(self) -> None:
        from pingcha.services.prechecks import precheck_activity

        report = self.app.call(precheck_activity, self.app.store, str(self.who.activity.id), True)
        if report is None:
            return
        rows = []
        for u in report.summary.uptake():
            rate = "—" if u.acceptance is None else f"{u.acceptance}%"
            mark = Text(f"{rate} 建议修订", style="bold red") if u.needs_revising else Text(rate)
            rows.append((u.code, str(u.findings), str(u.accepted), str(u.dismissed), mark, u.text))
        self.fill(self.query_one("#by-check", DataTable), rows)


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
        queue = [f for f in paced(results.files, 4096) if f.status == NEEDS_REVIEW]
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
    """结果: agencies ranked by mean, then every file, with the best and worst grades marked; / filters the files by 案号,
    agency, 案由, status, grade or evaluator, o changes their order."""

    BINDINGS = [Binding("slash", "filter", "筛选", key_display="/"), Binding("o", "sort", "排序"),
                Binding("p", "pin", "选定典型案例")]
    SORTS = [("执法部门", lambda f: (f.case.agency, f.case.case_no)), ("案号", lambda f: f.case.case_no),
             ("得分（高到低）", lambda f: (f.score is None, -(f.score or 0), f.case.case_no)),
             ("状态", lambda f: (f.status, f.case.case_no))]

    def __init__(self) -> None:
        super().__init__()
        self.results = None
        self.sort = 0

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(id="results-summary")
            yield Static("执法部门排名", classes="section")
            yield table("results-agencies", "名次", "执法部门", "抽查", "已完成", "评查中", "待复核", "平均分", "等次",
                        lazy=True)
            yield Static("案卷结果（/ 筛选，o 排序）", classes="section", id="results-files-title")
            yield FilterInput(placeholder="筛选：输入案号、执法部门、案由、状态、等次或评查人员（Esc 离开）",
                              id="results-filter", classes="filter")
            yield table("results-files", "案号", "执法部门", "案由", "状态", "得分", "等次", "评查人员", lazy=True)

    def action_filter(self) -> None:
        field = self.query_one("#results-filter", Input)
        field.focus()
        field.scroll_visible(animate=False)

    def action_pin(self) -> None:
        from pingcha.tui.typical_cases import toggle_highlighted

        toggle_highlighted(self, self.query_one("#results-files", DataTable))

    def action_sort(self) -> None:
        self.sort = (self.sort + 1) % len(self.SORTS)
        self.show_files()
        self.notify(f"案卷按{self.SORTS[self.sort][0]}排序", timeout=2)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "results-filter":
            event.stop()
            self.show_files()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "results-filter":
            event.stop()
            self.query_one("#results-files", DataTable).focus()

    def show_files(self) -> None:
        if self.results is None:
            return
        query = self.query_one("#results-filter", Input).value
        files = [f for f in self.results.files
                 if matches(query, f.case.case_no, f.case.agency, f.case.cause, status_label(f.status), f.grade or "",
                            *f.evaluators)]
        files.sort(key=self.SORTS[self.sort][1])
        self.query_one("#results-files", LazyTable).set_rows(file_rows(self.results, files))
        shown = f"（显示 {len(files)}/{len(self.results.files)} 件）" if query else ""
        self.query_one("#results-files-title", Static).update(f"案卷结果{shown}（/ 筛选，o 排序）")

    def prepare(self, results: ActivityResults) -> dict[str, TableRows]:
        results.grade_counts()  # counted here, in the worker, not on the event loop when shown
        return {
            "results-agencies": table_rows([
                (str(a.rank) if a.rank is not None else "—", a.agency, str(a.files), str(a.final), str(a.pending),
                 str(a.needs_review), score_text(a.mean), Text.from_markup(grade_markup(results.rubric, a.grade)))
                for a in results.agencies]),
            "results-files": file_rows(results, sorted(results.files, key=self.SORTS[self.sort][1])),
        }

    def show(self, results: ActivityResults, tables: dict[str, TableRows]) -> None:
        self.results = results
        if self.query_one("#results-filter", Input).value:  # the rows prepared are unfiltered
            tables = {key: rows for key, rows in tables.items() if key != "results-files"}
            self.show_files()
        super().show(results, tables)
        counts = results.grade_counts()
        self.query_one("#results-summary", Static).update(Text.assemble(
            ("评查结果", "bold"), "  ", "  ".join(f"{name} {count} 件" for name, count in counts.items()),
            "   ", grade_marks(results.rubric)))
