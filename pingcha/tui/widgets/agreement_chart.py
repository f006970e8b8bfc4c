"""评查尺度一致性 on the 组长's dashboard: the alphas and each evaluator's offset as a bar either side of zero.

The figures come from the results the dashboard has just read, computed in a worker thread so the page answers
keys meanwhile. Shown to the 组长 only (the 进度 page is theirs): evaluators never see who is 偏严 or 偏宽.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual import work
from textual.widgets import Static

from pingcha.agreement import LENIENT, STRICT, ActivityAgreement, rounded
from pingcha.errors import UserError
from pingcha.memory import paused_collection
from pingcha.services.agreement import agreement_of

HALF = 14  # cells each side of zero for the longest bar
NAME_CELLS = 10
FLAG_STYLE = {STRICT: "bold red", LENIENT: "bold yellow"}


def signed(value) -> str:
    figure = rounded(value, 1)
    if figure is None:
        return "—"
    return f"+{figure:.1f}" if figure > 0 else (f"−{-figure:.1f}" if figure < 0 else "0.0")


def alpha_figure(value: float | None) -> str:
    figure = rounded(value, 3)
    return "无法计算" if figure is None else f"{figure:.3f}"


def offset_bar(offset: float, largest: float) -> tuple[str, str]:
    """(left of zero, right of zero), each HALF cells, in whole and half blocks."""
    halves = round(abs(offset) / largest * HALF * 2) if largest else 0
    if halves == 0 and abs(offset) >= 0.05:
        halves = 1
    whole, half = divmod(halves, 2)
    if offset < 0:
        return (("▐" if half else "") + "█" * whole).rjust(HALF), " " * HALF
    return " " * HALF, ("█" * whole + ("▌" if half else "")).ljust(HALF)


def agreement_text(view: ActivityAgreement) -> Text:
    figures = view.agreement
    text = Text.assemble(("评查尺度一致性", "bold"))
    if figures.files == 0:
        text.append("  还没有由两名以上评查人员都提交了评查表的案卷。\n")
        return text
    text.append(f"  双评案卷 {figures.files} 件 · 评查表 {figures.sheets} 张 · 不含复核表\n")
    if figures.files < 2:
        text.append("得分 α、否决项 α：至少需要 2 件双评案卷才能计算\n")
    else:
        text.append(f"得分 α {alpha_figure(figures.alpha_score)}　否决项 α {alpha_figure(figures.alpha_vetoes)}"
                    "　（≥0.800 一致，<0.667 尺度不一）\n")
    disputed = [i for i in figures.items if i.disagreeing][:3]
    if disputed:
        text.append("分歧最多：" + "　".join(
            f"{i.code} {view.item_title(i.code)} {rounded(i.disagreement, 3):.3f}" for i in disputed) + "\n")
    text.append(f"评查人员偏差（本人得分 − 同卷他人平均分；偏差达 {figures.flag_at} 分且 95% 区间不含 0 时标记）\n",
                style="bold")
    # Scaled to the largest offset, but never so that small offsets fill the width: twice the mark at least.
    largest = max([abs(float(e.offset)) for e in figures.evaluators] + [2 * float(figures.flag_at)])
    for e in figures.evaluators:
        name = e.name + " " * max(0, NAME_CELLS - cell_len(e.name))
        left, right = offset_bar(float(e.offset), largest)
        style = FLAG_STYLE.get(e.flag, "cyan")
        interval = f"[{signed(e.low)}, {signed(e.high)}]" if e.low is not None else "（仅 1 张）"
        text.append(f"{name}{e.sheets:>3} 张 {signed(e.offset):>6} ")
        text.append(left, style=style)
        text.append("│", style="dim")
        text.append(right, style=style)
        text.append(f" {interval}")
        if e.flag:
            text.append(f" {e.flag}", style=style)
        text.append("\n")
    return text


class AgreementChart(Static):
    """The dashboard's agreement section; ``show`` recomputes it in a worker, from the results with the sheets'
    contents (which items each sheet deducted: the page itself shows results without them)."""

    DEFAULT_CSS = "AgreementChart { margin-top: 1; height: auto; }"

    def show(self) -> None:
        self.compute()

    @work(thread=True, exclusive=True, group="agreement", exit_on_error=False)
    def compute(self) -> None:
        # Scoring every sheet item by item: the collector paused, as for the pages' own computations.
        with paused_collection():
            try:
                text = agreement_text(agreement_of(self.app.derived.get("full")))
            except UserError as exc:
                text = Text(f"评查尺度一致性：{exc}", style="red")
        self.app.call_from_thread(self.update, text)
