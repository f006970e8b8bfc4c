"""The command palette (Ctrl+P): in Chinese, and finding what people type into it — case numbers (案号) on the
home screen, rubric codes (D12, D12c, V9) on the scoring screen — whatever their width or case."""

from __future__ import annotations

from functools import partial

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette, Hit, Hits, Provider
from textual.widgets.option_list import Option

from pingcha.text import case_no_key, code_key

NO_MATCHES = "没有找到匹配的命令、案号或编号"


class ChinesePalette(CommandPalette):
    """Textual's palette, saying 没有找到 rather than "No matches found"."""

    def _start_no_matches_countdown(self, search_value: str) -> None:
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(Align.center(Text(NO_MATCHES, style="not bold")), disabled=True, id=self._NO_MATCHES))
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)


def _score(matcher, query: str, key: str, typed_key: str, label: str) -> float:
    """Exact code or 案号 text first (any width or case), then the fuzzy match on the label."""
    if typed_key and key == typed_key:
        return 1.0
    if typed_key and key.startswith(typed_key):
        return 0.95
    if typed_key and typed_key in key:
        return 0.9
    return matcher.match(label) if query.strip() else 0


class CaseJump(Provider):
    """Home screen: open one of my files by its 案号, agency or 案由."""

    async def search(self, query: str) -> Hits:
        screen = self.screen
        pane = getattr(screen, "files_pane", None)
        if pane is None:
            return
        matcher = self.matcher(query)
        typed = case_no_key(query)
        for file in pane.files:
            case = file.case
            label = f"打开 {case.case_no}  {case.agency}  {case.cause}（{file.status}）"
            score = _score(matcher, query, case_no_key(case.case_no), typed, label)
            if score > 0:
                yield Hit(score, matcher.highlight(label) if score < 0.9 else Text(label), partial(pane.open_file, file))


class RubricJump(Provider):
    """Scoring screen: jump to any item, deduction or veto by its code or words of its title."""

    async def search(self, query: str) -> Hits:
        screen = self.screen
        if not hasattr(screen, "go_line"):
            return
        matcher = self.matcher(query)
        typed = code_key(query)
        rubric = screen.rubric
        for index, line in enumerate(screen.nav.lines):
            if not line.selectable:
                continue
            label = f"转到 {screen.label_of(line)}"
            score = _score(matcher, query, code_key(line.code), typed, label)
            if score > 0:
                yield Hit(score, matcher.highlight(label) if score < 0.9 else Text(label), partial(screen.go_line, index))
            if line.kind == "item" and typed[:1].isalpha() and any(ch.isdigit() for ch in typed):
                for deduction in rubric.item_by_code[line.code].deductions:
                    key = code_key(deduction.code)
                    if key.startswith(typed) and key != code_key(line.code):
                        yield Hit(0.97 if key == typed else 0.85, Text(f"转到 {deduction.code} {deduction.text}"),
                                  partial(screen.focus_rule, deduction.code))
