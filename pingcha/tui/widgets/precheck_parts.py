"""预检 on the scoring screen: which line each finding belongs to, its mark, and the block above the item."""

from __future__ import annotations

from rich.text import Text

from pingcha.rubric import Rubric

ACCEPT_KEY, DISMISS_KEY = "y", "w"
OPEN = "bold black on yellow"


def line_code(rubric: Rubric, suggests: str) -> str | None:
    """The item (of a suggested deduction) or the veto a finding is shown on."""
    if suggests in rubric.item_of_deduction:
        return rubric.item_of_deduction[suggests].code
    return suggests if suggests in rubric.veto_by_code else None


def by_line(rubric: Rubric, findings) -> dict[str, list]:
    lines: dict[str, list] = {}
    for view in findings:
        code = line_code(rubric, view.finding.suggests)
        if code is not None:
            lines.setdefault(code, []).append(view)
    return lines


def nav_mark(views) -> Text | None:
    """``!`` on a line with a finding not yet decided; a dim ``!`` once every one is decided."""
    if not views:
        return None
    return Text("!", style=OPEN if any(v.decision is None for v in views) else "dim")


def finding_block(views, locked: bool) -> Text:
    """The findings on the current line, with what the evaluator decided, above the item's panel."""
    block = Text()
    for view in views:
        finding = view.finding
        block.append(" 系统预检提示 ", style=OPEN if view.decision is None else "reverse")
        block.append(f" {finding.check} 建议 {finding.suggests} ", style="bold")
        block.append(f"{finding.text}\n")
        block.append(f"  {finding.detail}\n", style="yellow")
        if view.decision is not None:
            accepted = view.decision.decision == "accepted"
            block.append(f"  已{view.decision.label}\n", style="bold green" if accepted else "bold")
        elif not locked:
            block.append(f"  {ACCEPT_KEY} 采纳（记入{finding.suggests}，以上述情况为说明） · {DISMISS_KEY} 不采纳（可写理由）\n",
                         style="bold")
    return block


def open_count(findings) -> tuple[int, int]:
    """(findings, not yet decided) on the file."""
    return len(findings), sum(1 for v in findings if v.decision is None)
