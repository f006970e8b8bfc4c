"""整改与异议: the 组长's page for the loop around the 通报. Before it, the agencies' objections (异议) are recorded
and answered; after it, each 不合格 file is a rectification item, overdue ones first and flagged, whose reply is
recorded, accepted (销号) or sent back with a reason. Every key goes through the services, which decide."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Input, Static

from pingcha.services import objections as objection_service
from pingcha.services import rectification as rectification_service
from pingcha.tui.widgets.key_bar import KeyBar
from pingcha.tui.widgets.steady_table import refill
from pingcha.vocabulary import RectificationAction


def short(text: str, width: int) -> str:
    """A cell cut to ``width`` terminal cells with “…” (the whole text is in the audit log and ``pingcha rectify``)."""
    from rich.cells import cell_len, set_cell_size

    return text if cell_len(text) <= width else set_cell_size(text, width - 1).rstrip() + "…"


class PromptScreen(ModalScreen[str | None]):
    """One line of text (a reply, a reason, an objection); Enter saves, Esc cancels."""

    BINDINGS = [Binding("escape", "cancel", "取消", key_display="Esc")]

    def __init__(self, title: str, placeholder: str) -> None:
        super().__init__()
        self.title_text, self.placeholder = title, placeholder

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Text.assemble((self.title_text, "bold"), "   回车保存 · Esc 取消"), id="dialog-title")
            yield Input(placeholder=self.placeholder, id="prompt-text")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#prompt-text", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class RectificationScreen(Screen):
    DEFAULT_CSS = """
    RectificationScreen #rect-head { height: auto; padding: 0 1; }
    RectificationScreen .section { height: 1; padding: 0 1; text-style: bold; }
    RectificationScreen #rect-items, RectificationScreen #rect-objections { height: 1fr; }
    """
    BINDINGS = [
        Binding("r", "reply", "录入反馈"),
        Binding("a", "accept", "销号"),
        Binding("x", "reject", "退回"),
        Binding("n", "new_objection", "录入异议"),
        Binding("u", "uphold", "采纳异议"),
        Binding("d", "dismiss_objection", "不采纳"),
        Binding("tab", "switch_table", "切换列表", show=False),
        Binding("f5", "reload", "刷新", key_display="F5"),
        Binding("escape,q", "back", "返回", key_display="Esc"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.items = ()
        self.objections = []

    @property
    def activity(self) -> str:
        return str(self.app.who.activity.id)

    def compose(self) -> ComposeResult:
        yield Static(id="rect-head")
        yield Static("整改事项（逾期的排在最前，标 ⚠）", classes="section")
        items = DataTable(id="rect-items", cursor_type="row", zebra_stripes=True)
        items.add_columns("逾期", "状态", "案号", "执法部门", "整改期限", "反馈日期", "最近情况")
        yield items
        yield Static("异议（通报前，执法部门对评查结果提出，组长代为录入并答复）", classes="section")
        objections = DataTable(id="rect-objections", cursor_type="row", zebra_stripes=True)
        objections.add_columns("编号", "状态", "案号", "项目", "异议内容", "答复理由", "执法部门")
        yield objections
        yield KeyBar()

    def on_mount(self) -> None:
        self.draw()
        self.query_one("#rect-items", DataTable).focus()

    def draw(self) -> None:
        view = self.app.call(rectification_service.rectification, self.app.store, self.activity)
        objections = self.app.call(objection_service.objection_list, self.app.store, self.activity)
        if view is None or objections is None:
            return
        self.items, self.objections = view.items, objections
        head = Text.assemble(("整改与异议", "bold"), f"  {view.activity}  截至 {view.today.isoformat()}\n")
        if view.issue is None:
            head.append("通报尚未印发：整改事项在通报印发后产生（报告页生成通报，或 pingcha report bulletin）。"
                        "印发前可录入和答复异议。", style="yellow")
        else:
            closed, replied = view.count("已销号"), view.count("已反馈")
            head.append(f"通报成文日期 {view.issue.issue_date.isoformat()}，整改期限至 {view.issue.deadline.isoformat()}；"
                        f"整改事项 {len(view.items)} 件：已销号 {closed} · 已反馈待审核 {replied} · "
                        f"待整改 {len(view.items) - closed - replied}")
            if view.overdue:
                head.append(f" · 逾期 {view.overdue} 件", style="bold red")
        upheld = sum(o.status == "已采纳" for o in objections)
        head.append(f"\n异议 {len(objections)} 条：采纳 {upheld} · 未采纳 {sum(o.status == '未采纳' for o in objections)}"
                    f" · 待答复 {sum(o.status == '待答复' for o in objections)}")
        self.query_one("#rect-head", Static).update(head)
        self.fill("#rect-items", [
            (Text(f"⚠ {(view.today - i.deadline).days} 天", style="bold red") if i.overdue else Text(""),
             Text(i.status, style={"已销号": "green", "已反馈": "yellow"}.get(i.status, "bold")),
             i.case_no, short(i.agency, 16), i.deadline.isoformat(), i.replied_on.isoformat() if i.replied_on else "—",
             short(self.latest(i), 30))
            for i in view.items])
        self.fill("#rect-objections", [
            (str(o.number), Text(o.state, style="bold yellow" if o.status == "待答复" else ""), o.case_no,
             short(f"{o.item_code} {o.item_title}", 14), short(o.text, 24), short(o.answer or "—", 20),
             short(o.agency, 16))
            for o in objections])

    @staticmethod
    def latest(item) -> str:
        step = item.history[-1] if item.history else None
        if step is None:
            return ""
        return f"{step.action}：{step.text}" if step.text else step.action

    def fill(self, selector: str, rows: list[tuple]) -> None:
        refill(self.query_one(selector, DataTable), rows)

    def selected_item(self):
        table = self.query_one("#rect-items", DataTable)
        if not self.items:
            self.notify("没有整改事项。", severity="warning")
            return None
        return self.items[min(table.cursor_row, len(self.items) - 1)]

    def selected_objection(self):
        table = self.query_one("#rect-objections", DataTable)
        if not self.objections:
            self.notify("还没有录入异议（按 n 录入）。", severity="warning")
            return None
        return self.objections[min(table.cursor_row, len(self.objections) - 1)]

    def decide(self, item, action: RectificationAction, text: str = "") -> None:
        done = self.app.call(rectification_service.decide, self.app.store, self.activity, item.case_no,
                             self.app.who.name, action, text)
        if done is not None:
            self.notify(f"{done.case_no}：{action.value}，现为“{done.status}”。", timeout=4)
        self.draw()

    def action_reply(self) -> None:
        item = self.selected_item()
        if item is not None:
            self.app.push_screen(PromptScreen(f"录入整改反馈  {item.case_no}（{item.agency}）", "执法部门报送的整改情况"),
                                 lambda text: text is not None and self.decide(item, RectificationAction.REPLY, text))

    def action_accept(self) -> None:
        item = self.selected_item()
        if item is not None:
            self.decide(item, RectificationAction.ACCEPT)

    def action_reject(self) -> None:
        item = self.selected_item()
        if item is not None:
            self.app.push_screen(PromptScreen(f"退回整改  {item.case_no}（{item.agency}）", "退回的理由（必填）"),
                                 lambda text: text is not None and self.decide(item, RectificationAction.REJECT, text))

    def answer(self, objection, uphold: bool, reason: str = "") -> None:
        done = self.app.call(objection_service.answer, self.app.store, self.activity, objection.number,
                             self.app.who.name, uphold, reason)
        if done is not None:
            self.notify(f"第 {done.number} 号异议：{done.state}" + ("，案卷已送复核（复核页）。" if uphold else "。"),
                        timeout=5)
        self.draw()

    def action_uphold(self) -> None:
        objection = self.selected_objection()
        if objection is not None:
            self.answer(objection, True)

    def action_dismiss_objection(self) -> None:
        objection = self.selected_objection()
        if objection is not None:
            self.app.push_screen(PromptScreen(f"不采纳第 {objection.number} 号异议  {objection.case_no}",
                                              "不采纳的理由（必填）"),
                                 lambda text: text is not None and self.answer(objection, False, text))

    def action_new_objection(self) -> None:
        self.app.push_screen(PromptScreen("录入异议", "案号 项目编号 异议内容（以空格分开），如 川攀西市监罚〔2024〕12号 D12 已签收"),
                             self.record_objection)

    def record_objection(self, text: str | None) -> None:
        if text is None:
            return
        parts = text.split(maxsplit=2)
        if len(parts) < 3:
            self.notify("请依次输入案号、评查项目编号和异议内容，以空格分开。", severity="error", timeout=6)
            return
        done = self.app.call(objection_service.record_objection, self.app.store, self.activity, parts[0], parts[1],
                             parts[2], self.app.who.name)
        if done is not None:
            self.notify(f"已录入第 {done.number} 号异议：{done.case_no} {done.item_code}", timeout=4)
        self.draw()

    def action_switch_table(self) -> None:
        items, objections = self.query_one("#rect-items", DataTable), self.query_one("#rect-objections", DataTable)
        (objections if items.has_focus else items).focus()

    def action_reload(self) -> None:
        self.draw()

    def action_back(self) -> None:
        self.app.pop_screen()
