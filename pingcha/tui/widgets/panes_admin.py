"""The 组长's pages that do long work in a worker thread: rubric versions, imports, reports.

The work runs off the event loop (``@work(thread=True)``) with a progress bar, so the screen keeps answering keys;
results and refusals come back through ``call_from_thread``.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, DataTable, Input, ProgressBar, Static

from pingcha.errors import UserError, os_error_text
from pingcha.rubric import RubricError, load_rubric_file
from pingcha.rubric.diff import diff_rubrics, render_diff
from pingcha.services.activities import get_activity, update_settings
from pingcha.services.registers import import_register, import_roster
from pingcha.services.rubrics import list_rubrics, previous_version, resolve_rubric, store_rubric
from pingcha.tui.screens.dialogs import ConfirmScreen
from pingcha.tui.widgets.panes import Pane, table


def issues_text(exc: UserError) -> Text:
    """A refusal as readable lines: rubric issues one per line with where they are, other messages as they are."""
    text = Text("未通过检查：\n", style="bold red")
    if isinstance(exc, RubricError):
        for issue in exc.issues:
            text.append(f"  {issue.where}", style="bold")
            text.append(f"  {issue.message}\n")
    else:
        text.append(f"  {exc}\n")
    return text


class WorkPane(Pane):
    """A page with a progress bar that shows while its worker runs."""

    def busy(self, total: float | None) -> None:
        bar = self.query_one(ProgressBar)
        bar.update(total=total, progress=0)
        bar.display = True

    def done(self) -> None:
        self.query_one(ProgressBar).display = False

    def on_mount(self) -> None:
        self.done()


class RubricsPane(WorkPane):
    """评分标准: stored versions, and loading a new one after checking it and showing what it changes."""

    BINDINGS = [Binding("w", "wordings", "规范表述")]

    def action_wordings(self) -> None:
        from pingcha.tui.wordings import WordingsScreen

        self.app.push_screen(WordingsScreen(str(self.who.activity.id)))

    def __init__(self) -> None:
        super().__init__()
        self.checked = None
        self.versions = []

    def compose(self) -> ComposeResult:
        yield table("rubric-versions", "版本", "标题", "替代", "载入人", "使用中的活动")
        with Horizontal(classes="path-row"):
            yield Input(placeholder="新版本文件路径（.toml 或 .xlsx），回车检查", id="rubric-path")
            yield Button("检查", id="rubric-check")
            yield Button("确认载入", id="rubric-load", variant="primary", disabled=True)
        yield ProgressBar(total=None, show_eta=False)
        with VerticalScroll(id="rubric-report-box"):
            yield Static("选中一个版本查看它相对前一版本的修改；或输入文件路径检查并载入新版本。", id="rubric-report")

    def refresh_data(self) -> None:
        versions = self.app.call(list_rubrics, self.app.store)
        if versions is None:
            return
        self.versions = versions
        self.fill(self.query_one("#rubric-versions", DataTable), [
            (v.key, v.title, v.replaces or "—", v.loaded_by, str(v.activities)) for v in versions])

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if 0 <= event.cursor_row < len(self.versions):
            version = self.versions[event.cursor_row]
            rubric = self.app.call(resolve_rubric, version.key, self.app.store)
            if rubric is not None:
                self._show_diff(rubric, Text(f"{version.key}《{version.title}》\n", style="bold"))

    def _show_diff(self, rubric, head: Text) -> None:
        previous = self.app.call(previous_version, self.app.store, rubric)
        if previous is None:
            head.append("没有可对照的前一版本" + (f"（{rubric.replaces} 未载入）" if rubric.replaces else "") + "。\n")
        else:
            head.append(render_diff(diff_rubrics(previous, rubric), previous, rubric))
        self.query_one("#rubric-report", Static).update(head)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.check(event.value.strip())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "rubric-check":
            self.check(self.query_one("#rubric-path", Input).value.strip())
        elif event.button.id == "rubric-load" and self.checked is not None:
            self.busy(None)
            self.store_checked(self.checked)

    def check(self, path: str) -> None:
        if not path:
            self.notify("请先输入评分标准文件的路径。", severity="warning")
            return
        self.checked = None
        self.query_one("#rubric-load", Button).disabled = True
        self.query_one("#rubric-report", Static).update(f"正在检查 {path} …")
        self.busy(None)
        self.check_file(path)

    @work(thread=True, exclusive=True, group="rubric", exit_on_error=False)
    def check_file(self, path: str) -> None:
        try:
            if not Path(path).exists():
                raise UserError(f"找不到文件“{path}”")
            rubric = load_rubric_file(path)
        except UserError as exc:
            self.app.call_from_thread(self._checked, None, issues_text(exc))
            return
        self.app.call_from_thread(self._checked, rubric, None)

    def _checked(self, rubric, problems: Text | None) -> None:
        self.done()
        if rubric is None:
            self.query_one("#rubric-report", Static).update(problems)
            return
        self.checked = rubric
        self.query_one("#rubric-load", Button).disabled = False
        head = Text(f"检查通过：{rubric.key}《{rubric.title}》，{len(rubric.categories)} 个类别，"
                    f"{len(rubric.items)} 个评查项目，{len(rubric.vetoes)} 个否决项。按“确认载入”保存。\n\n",
                    style="bold green")
        self._show_diff(rubric, head)

    @work(thread=True, exclusive=True, group="rubric", exit_on_error=False)
    def store_checked(self, rubric) -> None:
        try:
            outcome = store_rubric(self.app.store, rubric, self.who.name)
        except UserError as exc:
            self.app.call_from_thread(self._stored, None, str(exc))
            return
        self.app.call_from_thread(self._stored, outcome, None)

    def _stored(self, outcome, problem: str | None) -> None:
        self.done()
        self.query_one("#rubric-load", Button).disabled = True
        self.checked = None
        if problem:
            self.notify(problem, title="未载入", severity="error", timeout=8)
            return
        what = "已载入" if outcome.created else "该版本已经载入过，内容相同"
        self.notify(f"{what}：{outcome.rubric.key}", title="评分标准")
        self.refresh_data()


class ImportPane(WorkPane):
    """导入: a case register (案卷目录) or a roster into this activity; all or nothing, bad rows listed."""

    def compose(self) -> ComposeResult:
        with Horizontal(classes="path-row"):
            yield Input(placeholder="案卷目录文件（.csv 或 .xlsx）路径", id="register-path")
            yield Button("导入案卷目录", id="register-import", variant="primary")
        with Horizontal(classes="path-row"):
            yield Input(placeholder="人员名单文件（.csv 或 .xlsx）路径", id="roster-path")
            yield Button("导入人员名单", id="roster-import")
        yield ProgressBar(total=None, show_eta=False)
        with VerticalScroll(id="import-report-box"):
            yield Static("导入是“全部或全不”：任一行有误则整个文件都不导入，并列出每一个错误行。", id="import-report")

    def refresh_data(self) -> None:
        pass

    def focus_main(self) -> None:
        self.query_one("#register-path", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.start("register" if event.input.id == "register-path" else "roster")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.start("register" if event.button.id == "register-import" else "roster")

    def start(self, kind: str) -> None:
        path = self.query_one(f"#{kind}-path", Input).value.strip()
        if not path:
            self.notify("请先输入文件路径。", severity="warning")
            return
        self.query_one("#import-report", Static).update(f"正在导入 {path} …")
        self.busy(None)
        self.run_import(kind, path)

    @work(thread=True, exclusive=True, group="import", exit_on_error=False)
    def run_import(self, kind: str, path: str) -> None:
        activity = str(self.who.activity.id)
        try:
            if kind == "register":
                summary = import_register(self.app.store, activity, path, self.who.name)
                kinds = "，".join(f"{k} {v} 件" for k, v in summary.procedures.items())
                message = Text(f"已导入 {summary.rows} 件案卷（{kinds}），来自 {summary.agencies} 个执法部门。",
                               style="bold green")
                from pingcha.services.prechecks import import_line

                line = import_line(self.app.store, activity)
                if line:
                    message.append(f"\n{line}", style="bold yellow")
            else:
                people = import_roster(self.app.store, activity, path, self.who.name)
                message = Text(f"已导入 {len(people)} 名评查人员。", style="bold green")
        except UserError as exc:
            message = Text(f"未导入：\n{exc}", style="red")
        except OSError as exc:
            message = Text(f"无法读取文件：{os_error_text(exc)}", style="red")
        self.app.call_from_thread(self._finished, message)

    def _finished(self, message: Text) -> None:
        self.done()
        self.query_one("#import-report", Static).update(message)


REPORTS = [
    ("bulletin", "通报", "bulletin", "通报.docx"),
    ("sheets", "评查表（每卷一份）", "render_sheets", "评查表"),
    ("notices", "整改通知书", "render_notices", "整改通知书"),
    ("summary", "汇总表", "write_summary", "汇总表.xlsx"),
    ("quality", "评查质量分析（内部）", "quality_report", "评查质量分析.docx"),
    ("stats", "统计分析（全部活动）", "stats_report", "统计分析.docx"),
    ("cases", "典型案例", "cases_report", "典型案例.docx"),
    ("rectification", "整改情况通报", "rectification_report", "整改情况通报.docx"),
    ("feedback", "评查结果反馈单", "feedback_report", "评查结果反馈单"),
]
PRECHECKED = ("sheets",)  # the reports here that carry the 预检 figures (the 通报's service adds its own)
ALL_AT_ONCE = ("bulletin", "sheets", "notices", "summary")  # “全部生成”: the documents of the activity's results
DOCUMENTS = ("quality", "stats", "cases", "rectification", "feedback")  # made by pingcha.services.documents


def make_document(key: str, store, activity: str, actor: str, out: Path) -> str:
    """One of the documents the CLI also writes (the same service functions), and what became of it, in words."""
    from pingcha.services import documents

    if key == "quality":
        documents.quality_report(store, activity, actor, out)
        return "已生成（内部资料，仅供组长）"
    if key == "stats":
        refs, left_out = documents.session_scope(store, activity)
        _, stats = documents.stats_report(store, refs, actor, out)
        skipped = f"；另有 {left_out} 个设有口令的评查活动未计入，须在命令行以其口令出具" if left_out else ""
        return f"已生成（{len(stats.activities)} 个评查活动{skipped}）"
    if key == "cases":
        _, cases = documents.cases_report(store, activity, actor, out)
        return f"已生成（典型 {len(cases.exemplary)} 件，警示 {len(cases.warnings)} 件）"
    if key == "rectification":
        _, view = documents.rectification_report(store, activity, actor, out)
        return f"已生成（整改事项 {len(view.items)} 件，逾期 {view.overdue} 件）"
    paths, due = documents.feedback_report(store, activity, actor, out)
    return f"已生成 {len(paths)} 份；异议请于 {due.isoformat()} 前提出"


def report_function(name: str):
    """A function of the documents module, imported when first needed so the UI starts without it."""
    return getattr(importlib.import_module("pingcha.reports"), name)


class ReportsPane(WorkPane):
    """报告: generate the 通报, the 评查表, the 整改通知书 and the 汇总表 into a folder, and the documents the CLI also
    writes: 评查质量分析, 统计分析, 典型案例, 整改情况通报 and the 评查结果反馈单."""

    @property
    def states(self) -> dict[str, str]:
        """What became of each report, kept by the app per activity: it outlives this page (a change of person
        builds the pages anew) and is lost only when the program closes."""
        return self.app.report_states.setdefault(self.who.activity.id, {key: "未生成" for key, *_ in REPORTS})

    def compose(self) -> ComposeResult:
        with Horizontal(classes="path-row"):
            yield Input(id="report-dir", placeholder="输出文件夹")
            yield Button("全部生成", id="reports-all", variant="primary")
        yield table("reports-table", "报告", "文件（在上面的文件夹中）", "状态")
        yield ProgressBar(total=len(ALL_AT_ONCE), show_eta=False)
        yield Static("选中一行回车生成该报告；“全部生成”依次生成前四种报告。", classes="hint")
        yield table("settings-table", "文书设置", "本活动的值", "默认值")
        yield Input(id="setting-value", placeholder="在上表选中一项设置并回车，在此输入新值后回车保存（留空恢复默认）")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#report-dir", Input).value = str(Path.cwd() / "评查报告" / self.who.activity.name)

    def refresh_data(self) -> None:
        self.fill(self.query_one("#reports-table", DataTable), [
            (title, target + ("/" if "." not in target else ""), self.states[key]) for key, title, _, target in REPORTS])
        labels, default_text = report_function("LABELS"), report_function("default_text")
        info = self.app.call(get_activity, self.app.store, str(self.who.activity.id))
        self.settings = info.settings if info is not None else {}
        self.fill(self.query_one("#settings-table", DataTable),
                  [(label, self.settings.get(key, ""), default_text(key)) for key, label in labels.items()], list(labels))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.data_table.id == "settings-table":
            self.editing = event.row_key.value
            field = self.query_one("#setting-value", Input)
            field.value = self.settings.get(self.editing, "")
            field.placeholder = f"{report_function('LABELS')[self.editing]}：输入新值后回车保存（留空恢复默认）"
            field.focus()
            return
        self.start([REPORTS[event.cursor_row][0]])

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "setting-value" or not getattr(self, "editing", None):
            return
        event.stop()
        change = {self.editing: event.value.strip()}
        if self.app.call(update_settings, self.app.store, str(self.who.activity.id), change, self.who.name) is not None:
            self.notify(f"已保存：{report_function('LABELS')[self.editing]}", timeout=3)
            self.refresh_data()
            self.query_one("#settings-table", DataTable).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.start(list(ALL_AT_ONCE))

    def start(self, keys: list[str], allow_pending: bool = False) -> None:
        folder = Path(self.query_one("#report-dir", Input).value or ".")
        for key in keys:
            self.states[key] = "排队中"
        self.refresh_data()
        self.busy(len(keys))
        self.generate(keys, folder, allow_pending)

    def confirm_pending(self, message: str) -> None:
        """The 通报 waits for files still unfinished: say how many, and issue it only if the 组长 says so."""
        def answered(issue: bool | None) -> None:
            if issue:
                self.start(["bulletin"], allow_pending=True)

        self.app.push_screen(ConfirmScreen(f"{message}\n\n仍要现在生成通报吗？", yes="仍然生成", no="暂不生成"), answered)

    @work(thread=True, exclusive=True, group="reports", exit_on_error=False)
    def generate(self, keys: list[str], folder: Path, allow_pending: bool = False) -> None:
        results = None
        waiting = ""
        for key in keys:
            _, title, function_name, target = next(r for r in REPORTS if r[0] == key)
            self.app.call_from_thread(self._state, key, "生成中…", False)
            try:
                if key in DOCUMENTS:
                    folder.mkdir(parents=True, exist_ok=True)
                    state = make_document(key, self.app.store, str(self.who.activity.id), self.who.name,
                                          folder / target)
                elif key == "bulletin":
                    if not allow_pending:
                        if results is None:
                            results = self.app.derived.get("full")
                        waiting = report_function("pending_message")(results)
                        if waiting:
                            self.app.call_from_thread(self._state, key, "待确认：尚有案卷未完成评查", True)
                            continue
                    from pingcha.services import documents

                    folder.mkdir(parents=True, exist_ok=True)
                    # its issue makes the 不合格 files rectification items (整改, key 9)
                    _, deadline, items = documents.bulletin(self.app.store, str(self.who.activity.id), self.who.name,
                                                            folder / target, allow_pending=allow_pending)
                    state = f"已生成；新列入整改事项 {len(items)} 件，整改期限至 {deadline.isoformat()}"
                else:
                    function = report_function(function_name)
                    if results is None:
                        results = self.app.derived.get("full")
                    folder.mkdir(parents=True, exist_ok=True)
                    prechecks = self._prechecks() if key in PRECHECKED else None
                    if prechecks is not None and prechecks.checks:
                        function(results, folder / target, prechecks=prechecks)
                    else:
                        function(results, folder / target)
                    state = "已生成"
            except UserError as exc:
                state = f"失败：{exc}"
            except OSError as exc:
                state = f"失败：无法写入（{os_error_text(exc)}）"
            except Exception as exc:  # noqa: BLE001 - another module's fault must not close the UI
                state = f"失败：{type(exc).__name__}：{exc}"
            self.app.call_from_thread(self._state, key, state, True)
        self.app.call_from_thread(self.done)
        if waiting:
            self.app.call_from_thread(self.confirm_pending, waiting)

    def _prechecks(self):
        from pingcha.services.prechecks import precheck_activity

        return precheck_activity(self.app.store, str(self.who.activity.id)).summary

    def _state(self, key: str, state: str, step: bool) -> None:
        self.states[key] = state
        if step:
            self.query_one(ProgressBar).advance(1)
        if state.startswith("失败："):  # the whole reason, which the table's column may cut short
            title = next(title for k, title, *_ in REPORTS if k == key)
            self.notify(state.removeprefix("失败："), title=f"{title}未生成", severity="error", timeout=10)
        self.refresh_data()
