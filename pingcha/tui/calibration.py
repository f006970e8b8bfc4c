"""样卷试评 in the UI: the 组长's page (样卷, references, everyone's gaps) and an evaluator's feedback screen."""

from __future__ import annotations

from decimal import Decimal

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from pingcha.calibration import CalibrationGaps
from pingcha.errors import UserError
from pingcha.services import calibration
from pingcha.tui.format import score_text
from pingcha.tui.widgets.key_bar import KeyBar
from pingcha.tui.widgets.panes import FilterInput, Pane, table


def signed(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"+{value:.1f}" if value > 0 else (f"−{-value:.1f}" if value < 0 else "0.0")


def gap_style(value: Decimal | None) -> str:
    if value is None or value == 0:
        return ""
    return "bold green" if value > 0 else "bold red"


def veto_words(gaps: CalibrationGaps) -> str:
    return "；".join(([f"漏认定 {'、'.join(gaps.vetoes_missed)}"] if gaps.vetoes_missed else [])
                    + ([f"多认定 {'、'.join(gaps.vetoes_extra)}"] if gaps.vetoes_extra else []))


class CalibrationPane(Pane):
    """样卷: set files aside (m), record a reference from a §3 file (f), open live files before the 样卷 or not
    (l), and everyone's gaps from the references."""

    BINDINGS = [Binding("m", "mark", "设定样卷"), Binding("f", "reference", "录入参考评分"),
                Binding("l", "toggle_live_first", "切换先试评")]

    def __init__(self) -> None:
        super().__init__()
        self.view: calibration.CalibrationOverview | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(id="calibration-summary")
            yield FilterInput(placeholder="设定样卷：输入一个或多个案号（空格分隔），回车", id="calibration-mark",
                              classes="filter")
            yield FilterInput(placeholder="录入参考评分：案号 参考评分表.json（§3 评查表，notes 写明理由），回车",
                              id="calibration-reference", classes="filter")
            yield table("calibration-table", "评查人员", "状态", "得分", "参考", "得分差", "差异项目", "否决项", "样卷")
            yield Static("m 设定样卷 · f 录入参考评分 · l 切换“先试评、后评查” · F5 刷新", classes="hint")

    def refresh_data(self) -> None:
        view = self.app.call(calibration.overview, self.app.store, str(self.who.activity.id), self.who.name)
        if view is None:
            return
        self.view = view
        evaluators = sum(len(f.evaluators) for f in view.files)
        done = sum(1 for f in view.files for e in f.evaluators if e.status != "未开始" and e.status != "草稿")
        summary = Text.assemble(("样卷试评", "bold"), f"  样卷 {len(view.files)} 件 · 试评表已提交 {done}/{evaluators}",
                                "\n正式案卷：", ("样卷提交前即可评查" if view.live_first else "提交全部样卷后才能评查",
                                               "bold"), " · 得分差 = 本人 − 参考（正数偏宽，负数偏严）")
        if not view.files:
            summary.append("\n还没有设定样卷：按 m 输入未抽中的案卷的案号。")
        self.query_one("#calibration-summary", Static).update(summary)
        rows = []
        for file in view.files:
            reference = "未录入"
            if file.reference is not None:
                from pingcha.scoring import score_sheet

                reference = score_text(score_sheet(view.rubric, file.reference).score)
            if not file.evaluators:
                rows.append(("", "", "", reference, "", "", "", file.case_no))
            for e in file.evaluators:
                g = e.gaps
                items = "、".join(f"{i.code}{signed(i.gap) if i.gap is not None else '(不适用)'}" for i in g.items) \
                    if g else ""
                rows.append((e.name, e.status, score_text(g.score) if g else "", reference,
                             Text(signed(g.score_gap), style=gap_style(g.score_gap)) if g else "",
                             (items or "无") if g else "", veto_words(g) if g else "", file.case_no))
        self.fill(self.query_one("#calibration-table", DataTable), rows)

    def focus_main(self) -> None:
        self.query_one("#calibration-table", DataTable).focus()

    def action_mark(self) -> None:
        self.query_one("#calibration-mark", Input).focus()

    def action_reference(self) -> None:
        self.query_one("#calibration-reference", Input).focus()

    def action_toggle_live_first(self) -> None:
        if self.view is None:
            return
        value = self.app.call(calibration.set_live_first, self.app.store, str(self.who.activity.id),
                              not self.view.live_first, self.who.name)
        if value is not None:
            self.notify("正式案卷" + ("在样卷提交前即可评查。" if value else "要在提交全部样卷后才能评查。"), timeout=4)
            self.refresh_data()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id not in ("calibration-mark", "calibration-reference"):
            return
        event.stop()
        words = event.value.split()
        activity = str(self.who.activity.id)
        if event.input.id == "calibration-mark":
            done = self.app.call(calibration.mark_files, self.app.store, activity, words, self.who.name)
            if done is not None:
                new, added = done
                self.notify(f"已设定样卷：{'、'.join(new)}（新增 {added} 项试评任务）" if new else "这些案卷已经是样卷。",
                            timeout=5)
        else:
            if len(words) != 2:
                self.app.call(_refuse, "请输入“案号 参考评分表.json”，中间用空格分开")
                return
            if self.app.call(calibration.record_reference, self.app.store, activity, words[0], words[1],
                             self.who.name) is not None:
                self.notify(f"已录入样卷“{words[0]}”的参考评分。", timeout=4)
        event.input.value = ""
        self.focus_main()
        self.refresh_data()


def _refuse(message: str) -> None:
    raise UserError(message)


class CalibrationFeedbackScreen(Screen):
    """After submitting a 样卷: item by item where my sheet differs from the reference, with its notes."""

    BINDINGS = [Binding("escape,q", "back", "返回", key_display="Esc")]

    def __init__(self, file: calibration.CalibrationFileView, gaps: CalibrationGaps | None, name: str) -> None:
        super().__init__()
        self.file, self.gaps, self.evaluator_name = file, gaps, name

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="feedback"):
            yield Static(self._head(), id="feedback-head")
            if self.gaps is not None and self.gaps.items:
                yield table("feedback-table", "编号", "评查项目", "我的实得", "参考实得", "差", "我的扣分", "参考扣分")
            yield Static(self._tail(), id="feedback-tail")
        yield KeyBar()

    def _head(self) -> Text:
        file, gaps = self.file, self.gaps
        head = Text.assemble(("样卷试评反馈", "bold"), f"  {file.case_no}（{file.agency}，{file.cause}）\n")
        if gaps is None:
            head.append("组长尚未录入这件样卷的参考评分，录入后这里显示差异。")
            return head
        head.append(f"我的得分 {score_text(gaps.score)}（{gaps.grade}） · 参考评分 {score_text(gaps.reference_score)}"
                    f"（{gaps.reference_grade}） · 相差 ")
        head.append(signed(gaps.score_gap), style=gap_style(gaps.score_gap))
        head.append(" 分")
        if gaps.agrees:
            head.append("\n各评查项目与参考评分完全一致。", style="bold green")
        elif gaps.items:
            head.append(f"\n{gaps.differing} 个项目与参考评分不同：")
        return head

    def _tail(self) -> Text:
        tail = Text()
        if self.gaps is None:
            return tail
        explained = [g for g in self.gaps.items if g.reference_notes]
        if explained:  # below the table, wrapped: the reasons are what the evaluator learns from
            tail.append("参考评分的理由：\n", style="bold")
            for g in explained:
                tail.append(f"  {g.code} {g.title}：", style="bold")
                tail.append("；".join(g.reference_notes) + "\n")
        if veto_words(self.gaps):
            tail.append(f"否决项：{veto_words(self.gaps)}\n", style="bold")
        if self.gaps.reference_comment:
            tail.append(f"参考评分的总体说明：{self.gaps.reference_comment}\n")
        tail.append("Esc 返回", style="dim")
        return tail

    def on_mount(self) -> None:
        if self.gaps is None or not self.gaps.items:
            return
        grid = self.query_one("#feedback-table", DataTable)
        for g in self.gaps.items:
            grid.add_row(
                g.code, g.title, "不适用" if g.obtained is None else f"{g.obtained:.1f}",
                "不适用" if g.reference is None else f"{g.reference:.1f}",
                Text(signed(g.gap), style=gap_style(g.gap)) if g.gap is not None else "不同",
                "、".join(f"{c}×{n}" for c, n in g.deductions.items()) or "无",
                "、".join(f"{c}×{n}" for c, n in g.reference_deductions.items()) or "无")
        grid.focus()

    def action_back(self) -> None:
        self.dismiss()


def open_feedback(app, activity_id: int, case_no: str, evaluator: str) -> bool:
    """Push the feedback screen for a submitted 样卷 (refusals are shown as every refusal is)."""
    found = app.call(calibration.feedback, app.store, str(activity_id), case_no, evaluator, app.who.name)
    if found is None:
        return False
    app.push_screen(CalibrationFeedbackScreen(*found, evaluator))
    return True
