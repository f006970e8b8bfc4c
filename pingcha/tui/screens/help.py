"""按键说明: every key of the screen underneath, in Chinese, with how the scoring keys fit together."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

KEY_NAMES = {
    "up": "↑", "down": "↓", "left": "←", "right": "→", "enter": "回车", "escape": "Esc", "space": "空格",
    "tab": "Tab", "plus": "+", "minus": "-", "equals_sign": "=", "backspace": "退格", "question_mark": "?",
    "f1": "F1", "f5": "F5", "ctrl+p": "Ctrl+P", "ctrl+q": "Ctrl+Q",
}

SCORING_GUIDE = """\
评分的做法（每一次修改都立即保存，没有“保存”键）：
  · 直接输入编号即可跳转：大写字母是类别或否决项（D、V），后跟数字是项目（D12、V9）。
  · 跳到项目后按扣分情形前的字母（a、b、c…）即扣一次，例如依次按 D 1 2 c 就是记录 D12c 一次。
  · ←→ 选择扣分情形，+ 或 - 增减次数，空格在 0 与最多次数之间循环；n 为选中的情形填写说明（页码），回车保存。
  · x 把当前项目标记为不适用（仅限允许的项目），总分按适用分值折算。
  · 否决项在列表末尾（输入 V 跳转），按 a 或空格认定/取消。
  · “未定”：项目有扣分、不适用，或按回车确认“无扣分”，即为已定；回车同时跳到下一个未定项目，Tab 只跳转。
    未定只在本次打开时记录，帮助逐项检查，不影响提交。
  · s 提交：先显示得分、等次、扣分和否决项汇总，回车确认后评查表锁定。
  · Ctrl+P 打开命令面板，可按项目名称搜索跳转（如“送达”）。
  · 预检：左侧标 ! 的项目有系统根据案卷目录生成的提示；y 采纳（记入建议的扣分，以提示的情况为说明），
    w 不采纳（可写理由）。提示不会自动扣分。"""


class KeysScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark,f1", "close", "关闭", key_display="Esc")]

    def __init__(self, under: Screen) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        table = Table(box=None, padding=(0, 2), show_header=True, header_style="bold")
        table.add_column("按键", no_wrap=True)
        table.add_column("作用")
        seen = set()
        for key, active in self.under.active_bindings.items():
            binding: Binding = active.binding
            described = binding.description
            if not described or described.isascii() or binding.system or (binding.action, described) in seen:
                continue  # Textual's own English-only helpers are left out
            seen.add((binding.action, described))
            keys = [k for k, a in self.under.active_bindings.items() if a.binding.action == binding.action]
            shown = " / ".join(KEY_NAMES.get(k, k) for k in keys)
            if binding.key_display and binding.key_display not in shown:
                shown = f"{binding.key_display}（{shown}）"
            table.add_row(shown, described)
        with Vertical(id="dialog"):
            yield Static(Text("按键说明（Esc 关闭）", style="bold"), id="dialog-title")
            with VerticalScroll(id="dialog-body"):
                yield Static(table)
                if type(self.under).__name__ == "ScoringScreen":
                    yield Static(Text(SCORING_GUIDE))

    def action_close(self) -> None:
        self.dismiss(None)
