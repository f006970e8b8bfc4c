"""The pages of the home screen that show the activity: my files, progress, the 复核 queue, results."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Static

from pingcha.results import FINAL, NEEDS_REVIEW, PENDING, ActivityResults
from pingcha.services.queries import AssignedFile, Progress, assigned_files, case_facts, progress
from pingcha.services.results import activity_results
from pingcha.tui.format import grade_markup, grade_marks, grade_style, score_text, status_label
from pingcha.tui.widgets.agreement_chart import AgreementChart
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


def table(table_id: str, *columns: str) -> DataTable:
    widget = DataTable(id=table_id, cursor_type="row", zebra_stripes=True)
    widget.add_columns(*columns)
    return widget


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


class ScrollingPane(Pane):
    """A page taller than the screen: the keyboard scrolls the page rather than entering a table."""

    def focus_main(self) -> None:
        scroll = self.query_one(VerticalScroll)
        scroll.focus()
        scroll.scroll_home(animate=False)


class ProgressPane(ScrollingPane):
    """进度: per evaluator and per agency, files pending / needing 复核 / final, and the grade chart."""

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(id="progress-summary")
            yield Static("按评查人员", classes="section")
            yield table("by-evaluator", "评查人员", "角色", "分配", "未开始", "草稿", "已提交", "待复核", "已完成", "单位")
            yield Static("按执法部门", classes="section")
            yield table("by-agency", "执法部门", "抽查", "评查表", "评查中", "待复核", "已完成", "平均分", "等次")
            yield AgreementChart(id="agreement-chart")

    def refresh_data(self) -> None:
        view: Progress | None = self.app.call(progress, self.app.store, str(self.who.activity.id))
        if view is None:
            return
        summary = Text.assemble(
            ("活动进度", "bold"),
            f"  抽查案卷 {view.files} 件：评查中 {view.count(PENDING)} · 待复核 {view.count(NEEDS_REVIEW)} · "
            f"已完成 {view.count(FINAL)}；评查表已提交 {view.sheets_submitted}/{view.sheets_due}\n\n",
            grade_chart(view.results),
        )
        self.query_one("#progress-summary", Static).update(summary)
        self.fill(self.query_one("#by-evaluator", DataTable), [
            (p.name, p.role, str(p.assigned), str(p.not_started), str(p.draft), str(p.submitted),
             str(p.needs_review), str(p.final), p.unit) for p in view.evaluators])
        self.fill(self.query_one("#by-agency", DataTable), [
            (a.agency, str(a.files), f"{a.sheets_submitted}/{a.sheets_due}", str(a.pending), str(a.needs_review),
             str(a.final), score_text(a.mean), Text.from_markup(grade_markup(view.results.rubric, a.grade)))
            for a in view.agencies])
        self.query_one(AgreementChart).show(view.results)


class ReviewPane(Pane):
    """复核: the files whose sheets disagree; Enter opens them side by side."""

    def __init__(self) -> None:
        super().__init__()
        self.queue = []

    def compose(self) -> ComposeResult:
        yield Static(id="review-summary")
        yield table("review-table", "案号", "原因", "评查人员及得分", "执法部门", "案由")
        yield Static("回车：并排比较各评查表并录入复核结果 · F5 刷新", classes="hint")

    def refresh_data(self) -> None:
        results = self.app.call(activity_results, self.app.store, str(self.who.activity.id))
        if results is None:
            return
        self.queue = [f for f in results.files if f.status == NEEDS_REVIEW]
        rows = [
            (f.case.case_no, "；".join(f.reasons),
             "，".join(f"{s.evaluator} {score_text(s.result.score)}" for s in f.sheets if s.result is not None),
             f.case.agency, f.case.cause)
            for f in self.queue
        ]
        self.fill(self.query_one("#review-table", DataTable), rows, [f.case.case_no for f in self.queue])
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
            yield table("results-agencies", "名次", "执法部门", "抽查", "已完成", "评查中", "待复核", "平均分", "等次")
            yield Static("案卷结果", classes="section")
            yield table("results-files", "案号", "执法部门", "案由", "状态", "得分", "等次", "评查人员")

    def refresh_data(self) -> None:
        results = self.app.call(activity_results, self.app.store, str(self.who.activity.id))
        if results is None:
            return
        counts = results.grade_counts()
        self.query_one("#results-summary", Static).update(Text.assemble(
            ("评查结果", "bold"), "  ", "  ".join(f"{name} {count} 件" for name, count in counts.items()),
            "   ", grade_marks(results.rubric)))
        self.fill(self.query_one("#results-agencies", DataTable), [
            (str(a.rank) if a.rank is not None else "—", a.agency, str(a.files), str(a.final), str(a.pending),
             str(a.needs_review), score_text(a.mean), Text.from_markup(grade_markup(results.rubric, a.grade)))
            for a in results.agencies])
        self.fill(self.query_one("#results-files", DataTable), [
            (f.case.case_no, f.case.agency, f.case.cause, status_label(f.status), score_text(f.score),
             Text.from_markup(grade_markup(results.rubric, f.grade)), "、".join(f.evaluators))
            for f in results.files])
