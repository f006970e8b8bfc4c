"""评查表: scoring one file item by item, keyboard first, every change saved as it is made.

Keys (also in the footer and under ``?``):
  ↑↓ items · ←→ deduction rules · a–i add one to rule a–i · +/- add/remove one · space cycles ·
  n note · x 不适用 · Enter: 无扣分, next undecided item · Tab: next undecided · s submit ·
  typing a code (D12, V9, then a rule letter: D12c) jumps there, in either case and width (d12c, Ｄ１２Ｃ) ·
  ctrl+z undoes the last change, again and again.

An item is decided once it has a deduction, is 不适用, or the evaluator confirmed it has nothing to deduct (Enter);
the confirmation is stored with the sheet (§3 ``decided``), so the 未定 count survives leaving the screen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from rich.console import Group
from rich.text import Text
from textual import events
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Input, Static

from pingcha.results import CaseFile as CaseRecord
from pingcha.results import SheetView
from pingcha.rubric.model import Item, Veto
from pingcha.scoring import Sheet
from pingcha.tui.editing import SheetEditor
from pingcha.tui.format import score_text
from pingcha.tui.widgets.detail_view import DetailView
from pingcha.tui.palette import RubricJump
from pingcha.tui.screens.code_entry import CodeEntry
from pingcha.tui.undo import restoring_changes
from pingcha.tui.warmup import PreviewEditor, render_offscreen
from pingcha.tui.widgets.key_bar import KeyBar
from pingcha.tui.widgets.scoring_inputs import NoteInput
from pingcha.tui.widgets.rubric_nav import NavLine, RubricNav
from pingcha.tui.widgets.sheet_parts import RULE_KEYS, case_facts, item_panel, nav_texts, score_line, veto_panel
from pingcha.tui.widgets import precheck_parts as pre



class ScoringScreen(CodeEntry, Screen):
    AUTO_FOCUS = ""
    COMMANDS = {RubricJump}
    # Key bar order is priority order: at 80 columns the keys at the end are the ones cut off.
    BINDINGS = [
        Binding("s", "submit", "提交"),
        Binding("question_mark,f1", "app.show_keys", "帮助", key_display="?"),
        Binding("escape,q", "back", "返回", key_display="Esc"),
        Binding("down,j", "next_item", "项目", key_display="↑↓"),
        Binding("up,k", "prev_item", "上一项", show=False),
        Binding("right,l", "next_rule", "情形", key_display="←→"),
        Binding("left", "prev_rule", "上一情形", show=False),  # not h: h is the key of the 8th rule
        Binding("a", "rule(0)", "扣一次", key_display="a-i"),
        *(Binding(key, f"rule({i})", show=False) for i, key in enumerate(RULE_KEYS) if i),
        Binding("plus,equals_sign", "add_one", "加扣", show=False),
        Binding("minus,backspace", "remove_one", "减扣", key_display="-"),
        Binding("space", "cycle", "循环", show=False),
        Binding("n", "note", "说明"),
        Binding("x", "toggle_na", "不适用"),
        Binding("enter", "confirm_next", "无扣分→下一项", key_display="⏎"),
        Binding("tab", "next_undecided", "下一未定", key_display="Tab"),
        Binding("m", "comment", "评语", show=False),
        Binding(pre.ACCEPT_KEY, "accept_finding", "采纳预检提示", show=False),
        Binding(pre.DISMISS_KEY, "dismiss_finding", "不采纳预检提示", show=False),
        Binding("ctrl+z", "undo", "撤销", show=False),
        Binding("u", "ask_leader", "请组长确认", show=False),
        Binding("f5,r", "reload", "刷新", key_display="F5"),
    ]

    def __init__(self, editor: SheetEditor, case: CaseRecord, evaluator: str,
                 others: tuple[SheetView, ...] = ()) -> None:
        super().__init__()
        self.editor = editor
        self.rubric = editor.rubric
        self.case = case
        self.evaluator = evaluator
        self.others = others
        self.rules: dict[str, int] = {}
        self.code_buffer = ""
        self.code_origin = 0  # where the cursor was when a code began (a code that does not exist goes back)
        self.letter: tuple[str, int] | None = None  # a rule letter just applied that may begin a code (d, then 12c)
        self.undo: list[Sheet] = []  # the sheet before each change made on this screen
        self._restoring = False
        self.note_code: str | None = None  # "" while the comment is being edited
        self.dismissing: str | None = None  # the 预检 check whose dismissal reason is being typed
        self.asking = False  # the input holds a 请组长确认 reason for note_code rather than a note
        self._facts_shown: tuple | None = None
        self._facts_text: Text | None = None  # the facts bar as last drawn
        lines = []
        for category in self.rubric.categories:
            lines.append(NavLine("category", category.code))
            lines += [NavLine("item", item.code) for item in category.items]
        if self.rubric.vetoes:
            lines.append(NavLine("veto-heading", "否决项"))
            lines += [NavLine("veto", veto.code) for veto in self.rubric.vetoes]
        self.nav = RubricNav(lines, id="nav")
        self.codes = {line.code: i for i, line in enumerate(lines) if line.kind == "category" or line.selectable}

    EDITING = frozenset({"rule", "add_one", "remove_one", "cycle", "note", "toggle_na", "confirm_next", "submit",
                         "comment", "undo"})

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A submitted sheet is read-only: its footer offers moving, help and leaving, not changing."""
        if action in self.EDITING and self.editor.locked:
            return False
        return True

    # -- layout --------------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="facts")
        with Horizontal(id="scoring-body"):
            yield self.nav
            with Vertical(id="detail-column"):
                yield DetailView(id="detail")
                yield NoteInput(id="note", placeholder="说明（页码或位置），回车保存，Esc 取消", select_on_focus=False)
        yield Static(id="score")
        yield KeyBar()

    def on_mount(self) -> None:
        self.refresh_all()
        # While the person reads the file, rehearse a change (rolled back) and its drawing: the first key press of
        # a session then costs what later ones do.
        self.run_worker(self.editor.prepare, thread=True, exit_on_error=False, group="prepare")
        self.call_after_refresh(self._rehearse_paint)

    def _rehearse_paint(self) -> None:
        """Draw the screen as the first change will leave it (one deduction on the item under the cursor, the sheet a
        草稿) and render it without writing it to the terminal, then draw the sheet back as it is. The styles,
        colours and strips first needed by a change are then ready. Runs in one callback: nothing is painted
        in between."""
        item = self.item
        if self.editor.locked or item is None or not item.deductions or not self.is_current:
            return
        real = self.editor
        code = item.deductions[0].code
        deductions = {**real.sheet.deductions, code: real.sheet.deductions.get(code, 0) + 1}
        self.editor = PreviewEditor(real, replace(real.sheet, deductions=deductions))
        try:
            self._draw_changed()
            render_offscreen(self)
        except Exception:  # noqa: BLE001 - a warm-up (it uses Textual's internals) must never keep a file from being scored
            pass
        finally:
            self.editor = real
        self._draw_changed()

    def on_resize(self, event: events.Resize) -> None:
        narrow = event.size.width < 100
        if narrow != self.has_class("narrow"):
            self.set_class(narrow, "narrow")
            self._draw_detail(self.editor.result())

    def on_screen_resume(self) -> None:
        if self.note_code is None:
            self.set_focus(None)

    # -- what is where -------------------------------------------------------------------------------------

    @property
    def line(self) -> NavLine:
        return self.nav.lines[self.nav.cursor]

    @property
    def item(self) -> Item | None:
        line = self.line
        return self.rubric.item_by_code[line.code] if line.kind == "item" else None

    @property
    def veto(self) -> Veto | None:
        line = self.line
        return self.rubric.veto_by_code[line.code] if line.kind == "veto" else None

    @property
    def rule(self) -> int:
        return self.rules.get(self.line.code, 0)

    def decided(self, item: Item) -> bool:
        return self.editor.sheet.is_decided(item)

    def undecided(self) -> list[Item]:
        return [item for item in self.rubric.items if not self.decided(item)]

    def label_of(self, line: NavLine) -> str:
        if line.kind == "item":
            return f"{line.code} {self.rubric.item_by_code[line.code].title}"
        if line.kind == "veto":
            return f"{line.code} {self.rubric.veto_by_code[line.code].title}"
        return line.code

    # -- drawing -------------------------------------------------------------------------------------------

    def refresh_all(self) -> None:
        result = self.editor.result()
        for index in range(len(self.nav.lines)):
            self._draw_line(index, result)
        self._draw_detail(result)

    def _draw_changed(self) -> None:
        """After one change: the current line, its category, the veto heading, the panel and the total."""
        result = self.editor.result()
        index = self.nav.cursor
        self._draw_line(index, result)
        for back in range(index, -1, -1):
            if not self.nav.lines[back].selectable:
                self._draw_line(back, result)
                break
        self._draw_detail(result)

    def _draw_line(self, index: int, result) -> None:
        line = self.nav.lines[index]
        left, right = nav_texts(self.rubric, self.editor.sheet, result, line,
                                self.editor.sheet.decided, self._compared())
        mark = pre.nav_mark(self.finding_lines.get(line.code)) if self.editor.findings else None
        if mark is not None:
            left = Text.assemble(mark, left[1:])
        self.nav.set_text(index, left, right)

    def _compared(self) -> tuple[SheetView, ...]:
        """The sheets whose differences the list marks with ≠: in 复核 the evaluators' sheets; when an evaluator
        looks back at a final file, theirs and the colleagues'."""
        if not self.others or self.editor.review:
            return self.others
        return (*self.others, SheetView(self.evaluator, self.editor.status, self.editor.sheet, None))

    def _facts_lines(self, text: Text) -> int | None:
        """How many lines ``text`` takes in the facts bar at its present width (None before the first layout)."""
        facts = self.query_one("#facts", Static)
        width = facts.content_region.width
        if width <= 0:
            return None
        if self.has_class("narrow"):
            return len(text.plain.splitlines())
        return len(text.wrap(self.app.console, width))

    def _draw_detail(self, result, home: bool = False) -> None:
        sheet = self.editor.sheet
        facts = (self.editor.status, self.size.width, self.has_class("narrow"))
        if facts != self._facts_shown:  # a relayout costs milliseconds; the facts change only with the status
            self._facts_shown = facts
            text = case_facts(self.case, self.evaluator, self.editor.status, self.editor.review,
                              compact=self.has_class("narrow"))
            # The first change turns 未开始 into 草稿: same width, same lines, so the screen need not be laid out
            # again (that relayout was most of the first key press of a session).
            before = self._facts_lines(self._facts_text) if self._facts_text is not None else None
            after = self._facts_lines(text)
            self.query_one("#facts", Static).update(text, layout=before is None or before != after)
            self._facts_text = text
        item, veto = self.item, self.veto
        if item is not None:
            body = item_panel(self.rubric, sheet, result, item, self.rule, self.others,
                              compact=self.has_class("narrow"))
        elif veto is not None:
            body = veto_panel(self.rubric, sheet, veto, self.others)
        else:
            body = Text("")
        views = self.finding_lines.get(self.line.code) if self.editor.findings else None
        if views:
            body = Group(pre.finding_block(views, self.editor.locked), body)
        self.query_one("#detail", DetailView).show(body, home=home)
        line = score_line(self.rubric, sheet, result, len(self.undecided()), final=self.editor.locked)
        if self.others and result is not None:
            line.append("   各评查人：" + "，".join(
                f"{v.evaluator} {score_text(v.result.score)}" for v in self.others if v.result is not None))
        if self.editor.findings:
            found, undecided = pre.open_count(self.editor.findings)
            line.append("   ")
            line.append(f"预检 {undecided} 待处理" if undecided else f"预检 {found} 已处理",
                        style=pre.OPEN if undecided else "")
        if sheet.comment:
            first, *more = sheet.comment.splitlines()
            line.append(f"   评语：{first}" + ("……" if more else ""), style="dim")
        self.query_one("#score", Static).update(line, layout=False)

    # -- moving --------------------------------------------------------------------------------------------

    def go_line(self, index: int) -> None:
        self.nav.move_to(index)
        if self.editor.findings:
            self._point_at_finding()
        self._draw_detail(self.editor.result(), home=True)

    def _step(self, direction: int) -> None:
        index = self.nav.cursor + direction
        while 0 <= index < len(self.nav.lines) and not self.nav.lines[index].selectable:
            index += direction
        if 0 <= index < len(self.nav.lines):
            self.go_line(index)

    def action_next_item(self) -> None:
        self._step(1)

    def action_prev_item(self) -> None:
        self._step(-1)

    def _set_rule(self, index: int) -> None:
        self.rules[self.line.code] = index
        self._draw_detail(self.editor.result())

    def action_next_rule(self) -> None:
        if self.item is not None:
            self._set_rule(min(self.rule + 1, len(self.item.deductions) - 1))

    def action_prev_rule(self) -> None:
        if self.item is not None:
            self._set_rule(max(self.rule - 1, 0))

    def on_rubric_nav_picked(self, message: RubricNav.Picked) -> None:
        self.go_line(message.index)

    def action_next_undecided(self) -> None:
        undecided = {item.code for item in self.undecided()}
        if not undecided:
            self.notify("所有评查项目都已确定，可以按 s 提交。", title="已全部确定")
            return
        order = [i for i, line in enumerate(self.nav.lines) if line.kind == "item"]
        start = self.nav.cursor
        after = [i for i in order if i > start] + [i for i in order if i <= start]
        self.go_line(next(i for i in after if self.nav.lines[i].code in undecided))

    # -- changing (each change goes straight to the service) ------------------------------------------------

    def _editable(self) -> bool:
        if self.editor.locked:
            if self.editor.review:
                self.notify("复核结果已录入。", severity="warning")
            else:
                self.notify("评查表已提交，只读；如需更正请由组长复核。", severity="warning")
            return False
        return True

    def _apply(self, change, *args) -> None:
        if not self._editable():
            return
        before = self.editor.sheet
        self.app.call(change, *args)
        if self.editor.sheet != before and not self._restoring:
            self.undo.append(before)
        self._draw_changed()
        if self.editor.locked:
            self.refresh_all()
            self.refresh_bindings()

    def action_undo(self) -> None:
        """ctrl+z: put the sheet back as it was before the last change made here (each step audited)."""
        if not self._editable():
            return
        if not self.undo:
            self.notify("没有可撤销的修改。", timeout=2)
            return
        self._undo_to(len(self.undo) - 1)
        self.notify("已撤销上一次修改。", timeout=2)

    def _undo_to(self, depth: int) -> None:
        target = self.undo[depth]
        del self.undo[depth:]
        self._restoring = True
        self.editor.action = "撤销修改"
        try:
            for change, args in restoring_changes(self.editor.sheet, target):
                self.app.call(getattr(self.editor, change), *args)
        finally:
            self._restoring = False
            self.editor.action = "修改评查表"
        self.refresh_all()

    def _set_count(self, code: str, count: int) -> None:
        self._apply(self.editor.set_count, code, count)

    def _count(self, code: str) -> int:
        return self.editor.sheet.deductions.get(code, 0)

    def action_rule(self, index: int) -> None:
        self.code_buffer = ""
        if self.veto is not None:
            if index == 0:
                self.action_toggle_veto(self.veto.code)
            return
        item = self.item
        if item is None or index >= len(item.deductions):
            self.notify(f"本项没有第 {index + 1} 个扣分情形（{RULE_KEYS[index]}）。", timeout=3)
            return
        self.rules[item.code] = index
        code = item.deductions[index].code
        self._set_count(code, self._count(code) + 1)

    def _current_rule_code(self) -> str | None:
        item = self.item
        return item.deductions[self.rule].code if item is not None and item.deductions else None

    def action_add_one(self) -> None:
        if self.veto is not None:
            return self.action_toggle_veto(self.veto.code)
        code = self._current_rule_code()
        if code:
            self._set_count(code, self._count(code) + 1)

    def action_remove_one(self) -> None:
        if self.veto is not None:
            if self.veto.code in self.editor.sheet.veto:
                self.action_toggle_veto(self.veto.code)
            return
        code = self._current_rule_code()
        if code is None:
            return
        if not self._count(code):
            self.notify(f"{code} 尚未扣分。", timeout=3)
            return
        self._set_count(code, self._count(code) - 1)

    def action_cycle(self) -> None:
        if self.veto is not None:
            return self.action_toggle_veto(self.veto.code)
        code = self._current_rule_code()
        if code:
            count = self._count(code)
            self._set_count(code, 0 if count >= self.rubric.deduction_by_code[code].max_times else count + 1)

    def _focus_rule(self, code: str) -> None:
        item = self.rubric.item_of_deduction[code]
        if self.item is None or self.item.code != item.code:
            self.go_line(self.codes[item.code])
        self.rules[item.code] = [d.code for d in item.deductions].index(code)

    def focus_rule(self, code: str) -> None:
        """Show deduction ``code`` selected on its item (the palette's 转到 D12c)."""
        self._focus_rule(code)
        self._draw_detail(self.editor.result())

    def action_bump(self, code: str) -> None:
        self._focus_rule(code)
        self._set_count(code, self._count(code) + 1)

    def action_drop(self, code: str) -> None:
        self._focus_rule(code)
        self.action_remove_one()

    def action_toggle_veto(self, code: str) -> None:
        self._apply(self.editor.set_mark, code, code not in self.editor.sheet.veto)

    def action_toggle_na(self) -> None:
        item = self.item
        if item is None:
            self.notify("不适用只能标记在评查项目上。", timeout=3)
            return
        self._apply(self.editor.set_mark, item.code, item.code not in self.editor.sheet.na)

    def action_confirm_next(self) -> None:
        item = self.item
        if item is not None and not self.decided(item) and not self.editor.locked:
            self._apply(self.editor.set_decided, item.code, True)
        self.action_next_undecided()

    # -- 预检 findings: accepted or dismissed by the evaluator, one key each ------------------------------------

    @property
    def finding_lines(self) -> dict[str, list]:
        return pre.by_line(self.rubric, self.editor.findings)

    def _point_at_finding(self) -> None:
        """Arriving at an item with an undecided finding, the rule cursor starts on the suggested deduction."""
        item = self.item
        if item is None or item.code in self.rules:
            return
        for view in self.finding_lines.get(item.code, ()):
            if view.decision is None and view.finding.suggests in self.rubric.item_of_deduction:
                self.rules[item.code] = [d.code for d in item.deductions].index(view.finding.suggests)
                return

    def _open_finding(self) -> str | None:
        """The first undecided finding on the current line; elsewhere, move to the next line that has one."""
        here = [v for v in self.finding_lines.get(self.line.code, ()) if v.decision is None]
        if here:
            return here[0].check
        waiting = {code for code, views in self.finding_lines.items() if any(v.decision is None for v in views)}
        if not waiting:
            self.notify("本案卷没有待处理的预检提示。", timeout=3)
            return None
        after = [i for i in range(len(self.nav.lines)) if i > self.nav.cursor] + list(range(self.nav.cursor + 1))
        self.go_line(next(i for i in after if self.nav.lines[i].code in waiting and self.nav.lines[i].selectable))
        self.notify(f"这一项有预检提示：按 {pre.ACCEPT_KEY} 采纳，按 {pre.DISMISS_KEY} 不采纳。", timeout=4)
        return None

    def action_accept_finding(self) -> None:
        if not self._editable():
            return
        check = self._open_finding()
        if check is None:
            return
        finding = next(v.finding for v in self.editor.findings if v.check == check)
        if finding.suggests in self.rubric.item_of_deduction:
            item = self.rubric.item_of_deduction[finding.suggests]
            self.rules[item.code] = [d.code for d in item.deductions].index(finding.suggests)
        self.app.call(self.editor.accept_finding, check)
        self._draw_changed()

    def action_dismiss_finding(self) -> None:
        if not self._editable():
            return
        check = self._open_finding()
        if check is None:
            return
        self._open_input("", "", f"不采纳预检提示 {check} 的理由（可不填），回车确认，Esc 取消", f"不采纳预检提示 {check}")
        self.dismissing = check

    def _close_dismissal(self, save: bool) -> None:
        note = self.query_one("#note", NoteInput)
        check, self.dismissing, self.note_code = self.dismissing, None, None
        if save and check is not None:
            self.app.call(self.editor.dismiss_finding, check, note.value.strip())
        note.display = False
        self.set_focus(None)
        self._draw_changed()

    # -- notes and the comment -----------------------------------------------------------------------------

    def _open_input(self, code: str, value: str, placeholder: str, title: str) -> None:
        if not self._editable():
            return
        self.note_code = code
        note = self.query_one("#note", NoteInput)
        note.placeholder = placeholder
        note.border_title = title
        note.value = value
        note.display = True
        note.focus()
        note.cursor_position = len(value)

    def action_note(self, typed: str = "") -> None:
        """n (or a Chinese character typed straight away): the note of the selected deduction, or of the veto."""
        code = self._current_rule_code() if self.item is not None else (self.veto.code if self.veto else None)
        if code is None:
            return
        if code in self.rubric.deduction_by_code:
            what = self.rubric.deduction_by_code[code].text
        else:
            what = self.rubric.veto_by_code[code].title
        what = what if len(what) <= 24 else what[:23] + "…"
        self._open_input(code, self.editor.sheet.notes.get(code, "") + typed,
                         "页码或位置，回车保存，Esc 取消，↑↓ 常用说明", f"{code} {what} 的说明")
        self.query_one("#note", NoteInput).offer(self.editor.note_suggestions(code))

    def action_comment(self) -> None:
        """m: the 评语, several lines, in its own window."""
        from pingcha.tui.screens.dialogs import CommentScreen

        if self._editable():
            self.app.push_screen(CommentScreen(self.case.case_no, self.editor.sheet.comment), self._comment_written)

    def _comment_written(self, comment: str | None) -> None:
        if comment is not None:
            self._apply(self.editor.set_comment, comment)

    def action_ask_leader(self) -> None:
        """请组长确认: the evaluator is unsure of this item (or veto); the file then goes to 复核 with the reason."""
        code = self.item.code if self.item is not None else (self.veto.code if self.veto else None)
        if code is None or self.editor.review:
            return
        self._open_input(code, self.editor.sheet.uncertain.get(code, ""),
                         f"请组长确认 {code}：写明拿不准的理由后回车（清空后回车即撤回），Esc 取消", f"请组长确认 {code}")
        self.asking = True

    def close_note(self, save: bool) -> None:
        if self.dismissing is not None:
            return self._close_dismissal(save)
        note = self.query_one("#note", NoteInput)
        code, self.note_code = self.note_code, None
        asking, self.asking = self.asking, False
        if save and code is not None:
            if asking:
                self._apply(self.editor.set_uncertain, code, note.value.strip())
            elif code:
                self._apply(self.editor.set_note, code, note.value.strip())
            else:
                self._apply(self.editor.set_comment, note.value.strip())
        note.display = False
        self.set_focus(None)
        self._draw_detail(self.editor.result())

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.close_note(save=True)

    # -- submitting, refreshing, leaving -------------------------------------------------------------------

    def action_submit(self) -> None:
        from pingcha.tui.screens.dialogs import SubmitScreen

        if not self._editable():
            return
        result = self.editor.result()
        if result is None:
            self.notify("评查表无法计分，不能提交。", severity="error")
            return
        if self.editor.review and not self.editor.sheet.comment.strip():
            self.notify("确认复核结果前，请写明集体评议意见（将印在评查表上）。", title="集体评议意见", timeout=5)
            self.action_comment()
            return
        self.app.push_screen(
            SubmitScreen(self.rubric, self.editor.sheet, result, self.case.case_no, len(self.undecided()),
                         review=self.editor.review),
            self._submit_confirmed,
        )

    def _submit_confirmed(self, confirmed: bool | None) -> None:
        if not confirmed:
            return
        result = self.app.call(self.editor.submit)
        if result is None:
            self.refresh_all()
            return
        what = "复核结果已录入" if self.editor.review else "评查表已提交"
        self.notify(f"{what}：{self.case.case_no} {score_text(result.score)} 分，{result.grade}。", title="完成")
        if self.editor.review:
            self.dismiss(True)
        else:
            self.refresh_all()
            self.refresh_bindings()
            self._calibration_feedback()

    def _calibration_feedback(self) -> None:
        """A submitted 样卷 shows at once where it differs from the reference."""
        from pingcha.services import calibration
        from pingcha.tui.calibration import open_feedback

        ref = getattr(self.editor, "ref", None)
        if ref is not None and self.app.call(calibration.is_calibration, self.app.store, ref.activity_id,
                                             ref.case_file_id):
            open_feedback(self.app, ref.activity_id, ref.case_no, ref.evaluator)

    def action_reload(self) -> None:
        self.app.call(self.editor.reload)
        self.refresh_all()
        self.notify("已刷新。", timeout=2)

    def action_back(self) -> None:
        if self.note_code is not None:
            self.close_note(save=False)
            return
        if self.editor.review and not self.editor.locked:
            self.notify("复核草稿已保存，尚未确认录入；再次打开本案卷的复核可继续。", timeout=4)
        self.dismiss(False)

    def palette_commands(self) -> Iterable[SystemCommand]:
        if not self.editor.review:
            yield SystemCommand("请组长确认", "对当前项目拿不准：写明理由，本案卷将交组长复核（快捷键 u）",
                                self.action_ask_leader)
        yield SystemCommand("提交评查表" if not self.editor.review else "确认复核结果", "显示汇总并确认",
                            self.action_submit)
        yield SystemCommand("下一未定项", "转到下一个尚未确定的评查项目", self.action_next_undecided)
        yield SystemCommand("填写评语", "对本案卷的总体评价", self.action_comment)
        yield SystemCommand("撤销上一次修改", "Ctrl+Z，可连续撤销", self.action_undo)
        yield SystemCommand("刷新", "重新读取评查表", self.action_reload)
        yield SystemCommand("返回", "回到案卷列表", self.action_back)

