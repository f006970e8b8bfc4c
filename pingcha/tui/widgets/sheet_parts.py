"""What the scoring screen draws: the file's facts, one item with its deduction rules, the running total.

Plain functions from (rubric, sheet, result) to Rich renderables, so the screen stays about keys and changes.
"""

from __future__ import annotations

from decimal import Decimal

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.style import Style
from rich.text import Text

from pingcha.results import CaseFile as CaseRecord
from pingcha.results import SheetView
from pingcha.rubric import Rubric
from pingcha.rubric.model import VETO_CAP, Item, Veto
from pingcha.scoring import Sheet, SheetResult
from pingcha.tui.format import date_text, grade_style, num, score_text
from pingcha.vocabulary import SheetStatus

RULE_KEYS = "abcdefghi"
DIFFERENT = "bold black on yellow"


def case_facts(case: CaseRecord, evaluator: str, status: str, review: bool, compact: bool = False) -> Text:
    """What the file is, and the facts an evaluator checks against (``compact``: three lines that never wrap,
    for 80 columns: the file; who is scoring and the sheet's state with the party; dates and officers)."""
    if review:
        badge = Text(" 复核中 · 确认后生效 ", style="bold black on cyan") if status != SheetStatus.RECONCILED else \
            Text(" 复核结果已录入 ", style="bold white on green")
    elif status in (SheetStatus.SUBMITTED, SheetStatus.RECONCILED):
        badge = Text(f" {status} · 只读 ", style="bold white on red")
    else:
        badge = Text(f" {status} · 每次修改即已保存 ", style="bold black on green")
    officers = "、".join(case.officers) or "—"
    if compact:
        text = Text.assemble(
            (case.case_no, "bold"), " ", case.agency, " ", (case.cause, "italic"), "\n",
            "评查人 ", (evaluator, "bold"), " ", badge, " 当事人 ", case.party, f"（{case.party_type}）", "\n",
            "立案 ", date_text(case.filed_on), " 决定 ", date_text(case.decided_on),
            " 送达 ", date_text(case.served_on), " 结案 ", date_text(case.closed_on), " 执法人员 ", officers,
            *((" 处罚 ", case.decision) if case.decision else ()),
        )
        text.no_wrap, text.overflow = True, "ellipsis"
        return text
    return Text.assemble(
        (case.case_no, "bold"), "  ", case.agency, "  ", (case.cause, "italic"),
        "   评查人：", (evaluator, "bold"), "  ", badge, "\n",
        "当事人 ", case.party, f"（{case.party_type}）", "  ", case.procedure,
        "  立案 ", date_text(case.filed_on), "  决定 ", date_text(case.decided_on),
        "  送达 ", date_text(case.served_on), "  结案 ", date_text(case.closed_on),
        "  执法人员 ", officers,
        *(("  处罚 ", case.decision) if case.decision else ()),
        # The register's own extra columns (备注 and the like) are shown as they were imported.
        *(part for key, value in case.extra.items() if value for part in (f"  {key} ", value)),
    )


def _click(action: str) -> Style:
    return Style.from_meta({"@click": action})


def item_panel(rubric: Rubric, sheet: Sheet, result: SheetResult | None, item: Item, rule: int,
               others: tuple[SheetView, ...] = (), compact: bool = False) -> Group:
    """One 评查项目: title and points, 评查要点, then its deduction rules with keys, counts and notes."""
    obtained = None
    if result is not None:
        obtained = next((i.obtained for i in result.items if i.code == item.code), None)
    na = item.code in sheet.na
    head = Text.assemble((f"{item.code} {item.title}", "bold"), f"   满分 {num(item.points)} 分")
    if na:
        head.append("   不适用（不计入适用分值）", style="bold magenta")
    elif obtained is not None:
        head.append(f"   实得 {num(obtained)}", style="bold")
    guide = Text.assemble(("评查要点：", "bold"), item.guide or "（无）")
    if item.na_allowed:
        na_line = Text("本项可标记不适用：按 x 切换" + ("（已标记）" if na else ""), style="magenta")
    else:
        na_line = Text("本项不允许标记不适用", style="dim")

    headers = ["键", "编号", "扣分情形", *([] if compact else ["每次"]), "次数", *(v.evaluator for v in others), ""]
    justify = ["left", "left", "left", *([] if compact else ["right"]), "right", *("right" for _ in others), "left"]
    table = LightTable(headers, flex=2, justify=justify)
    for index, deduction in enumerate(item.deductions):
        count = sheet.deductions.get(deduction.code, 0)
        current = index == rule
        key = Text(("▶" if current else " ") + (RULE_KEYS[index] if index < len(RULE_KEYS) else " "),
                   style="bold reverse" if current else "bold")
        count_text = Text(f"{count}/{deduction.max_times}", style="bold red" if count else "dim")
        cells = [key, Text(deduction.code, style="bold" if count else "")]
        if compact:
            cells += [Text.assemble(deduction.text, (f"（每次{num(deduction.points)}分）", "dim")), count_text]
        else:
            cells += [Text(deduction.text), Text(num(deduction.points)), count_text]
        for view in others:
            theirs = view.sheet.deductions.get(deduction.code, 0)
            differs = any(v.sheet.deductions.get(deduction.code, 0) != theirs for v in others) or theirs != count
            cells.append(Text(str(theirs), style=DIFFERENT if differs else "dim"))
        pad = "" if compact else " "
        cells.append(Text.assemble((f"{pad}＋{pad}", _click(f"screen.bump('{deduction.code}')") + Style(bold=True)),
                                   (f"{pad}－{pad}", _click(f"screen.drop('{deduction.code}')") + Style(bold=True))))
        table.add_row(cells, style="on #303030" if current else None)
        note = sheet.notes.get(deduction.code)
        if note:
            table.add_row([Text(""), Text(""), Text(f"说明：{note}", style="cyan")], style="on #303030" if current else None)
        for view in others:  # 复核 and looking back: every evaluator's note beside their count
            theirs = view.sheet.notes.get(deduction.code)
            if theirs:
                table.add_row([Text(""), Text(""), Text(f"{view.evaluator}的说明：{theirs}", style="dim cyan")],
                              style="on #303030" if current else None)
    hint = Text("a–i 扣一次 · ←→ 选情形 · ＋/－ 增减 · 空格 循环 · n 或直接输入汉字写说明（回车保存）", style="dim")
    if item.code in sheet.uncertain:
        na_line = Text.assemble(na_line, "\n", asking_line(sheet.uncertain[item.code]))
    if compact:  # a short screen: the rules first, the guide below them
        return Group(head, table, Text(""), guide, na_line, hint)
    return Group(head, guide, na_line, Text(""), table, Text(""), hint)


def asking_line(reason: str) -> Text:
    return Text(f"已请组长确认：{reason}（u 修改，清空后回车撤回）", style="bold yellow")


class LightTable:
    """Fixed-width columns around one wrapping column: what the rules need, far cheaper to draw than a Rich
    Table (which measures every cell twice), so a key press repaints quickly. Widths are in cells (CJK = 2)."""

    def __init__(self, headers: list[str], flex: int, justify: list[str]) -> None:
        self.headers, self.flex, self.justify = headers, flex, justify
        self.rows: list[tuple[list[Text], str | None]] = []

    def add_row(self, cells: list[Text], style: str | None = None) -> None:
        self.rows.append((cells + [Text("")] * (len(self.headers) - len(cells)), style))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        rows = [([Text(h, style="bold") for h in self.headers], None), *self.rows]
        count = len(self.headers)
        widths = [0 if i == self.flex else max(cell_len(r[0][i].plain) for r in rows) for i in range(count)]
        flex_width = max(6, width - sum(widths) - (count - 1) - 1)
        for cells, style in rows:
            pieces = cells[self.flex].wrap(console, flex_width, overflow="fold") or [Text("")]
            for line_no, piece in enumerate(pieces):
                line = Text(" ", no_wrap=True, overflow="crop", end="\n")
                for i, cell in enumerate(cells):
                    part = piece if i == self.flex else (cell if line_no == 0 else Text(""))
                    room = (flex_width if i == self.flex else widths[i]) - cell_len(part.plain)
                    if self.justify[i] == "right":
                        line.append(" " * room)
                        line.append_text(part)
                    else:
                        line.append_text(part)
                        line.append(" " * room)
                    line.append(" ")
                line.truncate(width, pad=True)
                if style:
                    line.stylize(style)
                yield line


def veto_panel(rubric: Rubric, sheet: Sheet, veto: Veto, others: tuple[SheetView, ...] = ()) -> Group:
    marked = veto.code in sheet.veto
    effect = f"成立时等次不高于“{veto.cap}”" if veto.effect == VETO_CAP else \
        f"成立时总分归零（{rubric.grade_for(Decimal(0))}）"
    state = Text(" 已认定成立 ", style="bold white on red") if marked else Text(" 未认定 ", style="bold reverse")
    parts = [
        Text.assemble((f"否决项 {veto.code}", "bold"), "   ", effect),
        Text(veto.title),
        Text(""),
        Text.assemble("状态：", state, "   按 a 或 空格 切换",
                      ("  [切换]", _click(f"screen.toggle_veto('{veto.code}')") + Style(bold=True))),
    ]
    for view in others:
        theirs = veto.code in view.sheet.veto
        differs = any((veto.code in v.sheet.veto) != theirs for v in others) or theirs != marked
        parts.append(Text.assemble(f"{view.evaluator}：", ("认定成立" if theirs else "未认定",
                                                           DIFFERENT if differs else "dim")))
    note = sheet.notes.get(veto.code)
    if note:
        parts.append(Text(f"说明：{note}", style="cyan"))
    if veto.code in sheet.uncertain:
        parts.append(asking_line(sheet.uncertain[veto.code]))
    parts.append(Text(""))
    parts.append(Text("n 说明（回车保存）", style="dim"))
    return Group(*parts)


def score_line(rubric: Rubric, sheet: Sheet, result: SheetResult | None, undecided: int,
               final: bool = False) -> Text:
    """实得 84 / 适用 96 → 折算 87.5 · 暂定等次 合格 · … (``final``: a submitted sheet, whose grade is not 暂定)."""
    if result is None:
        return Text("无法计分：请检查不适用和扣分的标记", style="bold red")
    line = Text()
    if result.applicable != rubric.total:
        line.append(f"实得 {num(result.raw)} / 适用 {num(result.applicable)} → 折算 ", style="bold")
    else:
        line.append(f"实得 {num(result.raw)} / {num(rubric.total)} → 得分 ", style="bold")
    zeroed = [code for code in result.vetoes if rubric.veto_by_code[code].effect != VETO_CAP]
    line.append(score_text(result.score), style="bold reverse")
    if zeroed:
        line.append(f"（否决项 {'、'.join(zeroed)} 归零）", style="bold red")
    line.append("   等次 " if final else "   暂定等次 ")
    line.append(result.grade, style=grade_style(rubric, result.grade))
    found = sum(1 for count in sheet.deductions.values() if count)
    line.append(f"   扣分 {found} 处")
    line.append(f"   否决 {'、'.join(result.vetoes) or '无'}", style="bold red" if result.vetoes else "")
    if sheet.na:
        line.append(f"   不适用 {len(sheet.na)} 项")
    if not final:
        line.append(f"   未定 {undecided} 项", style="yellow" if undecided else "green")
    return line


def differs(item: Item, others: tuple[SheetView, ...]) -> bool:
    """In 复核: do the evaluators' sheets disagree on this item?"""
    seen = {(tuple(v.sheet.deductions.get(d.code, 0) for d in item.deductions), item.code in v.sheet.na)
            for v in others}
    return len(seen) > 1


def nav_texts(rubric: Rubric, sheet: Sheet, result: SheetResult | None, line, confirmed: set[str],
              others: tuple[SheetView, ...] = ()) -> tuple[Text, Text]:
    """One line of the rubric list: a mark and the title on the left, obtained/maximum on the right.
    Marks: · undecided, ✓ confirmed 无扣分, − deducted, ⊘ 不适用, ■/□ a veto found or not, ≠ sheets differ (复核)."""
    if line.kind == "category":
        category = next(c for c in rubric.categories if c.code == line.code)
        outcome = next((c for c in result.categories if c.code == line.code), None) if result else None
        right = f"{num(outcome.obtained)}/{num(outcome.points)}" if outcome else f"—/{num(category.points)}"
        return Text(f"{category.code} {category.title}"), Text(right)
    if line.kind == "veto-heading":
        count = len(sheet.veto)
        return Text(line.code), Text(f"{count} 项成立" if count else "无", style="bold red" if count else "")
    if line.kind == "item":
        item = rubric.item_by_code[line.code]
        outcome = next((i for i in result.items if i.code == item.code), None) if result else None
        if item.code in sheet.na:
            mark, right = Text("⊘", style="magenta"), Text("不适用", style="magenta")
        elif outcome is not None and outcome.deducted:
            mark = Text("−", style="bold red")
            right = Text(f"{num(outcome.obtained)}/{num(item.points)}", style="bold red")
        else:
            mark = Text("✓", style="green") if item.code in confirmed else Text("·", style="dim")
            right = Text(f"{num(item.points)}/{num(item.points)}")
        flag = Text("≠", style=DIFFERENT) if others and differs(item, others) else Text(" ")
        return Text.assemble(flag, mark, f" {item.code} {item.title}"), right
    veto = rubric.veto_by_code[line.code]
    marked = veto.code in sheet.veto
    split = bool(others) and len({veto.code in v.sheet.veto for v in others}) > 1
    flag = Text("≠", style=DIFFERENT) if split else Text(" ")
    mark = Text("■", style="bold red") if marked else Text("□", style="dim")
    return (Text.assemble(flag, mark, f" {veto.code} {veto.title}"),
            Text("成立", style="bold red") if marked else Text(""))
