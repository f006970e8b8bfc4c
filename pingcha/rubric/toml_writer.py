"""Write a rubric back out as TOML in the layout of interfaces.md §1.

The output is meant to be read and edited by people (``rubric show --toml``, a spreadsheet turned
into a file), and parsing it again gives an equal Rubric: ``parse_rubric_text(rubric_to_toml(r))
== r``.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from pingcha.rubric.model import VETO_CAP, Category, Check, Deduction, Item, Rubric

# TOML basic strings may not hold these raw; the short escapes are the readable ones.
_SHORT_ESCAPES = {"\\": "\\\\", '"': '\\"', "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}
_NEEDS_ESCAPE = re.compile(r'[\\"\x00-\x1f\x7f]')
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def toml_string(text: str) -> str:
    """``text`` as a TOML basic string."""

    def escape(match: re.Match[str]) -> str:
        char = match.group()
        return _SHORT_ESCAPES.get(char) or f"\\u{ord(char):04X}"

    return '"' + _NEEDS_ESCAPE.sub(escape, text) + '"'


def toml_number(value: Decimal) -> str:
    """Whole numbers as integers (4), others as decimals (0.5), never in exponent form."""
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return toml_number(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(element) for element in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def _pairs(pairs: list[tuple[str, object]]) -> list[str]:
    return [f"{key} = {_value(value)}" for key, value in pairs]


def _comment(text: str) -> str:
    # A comment ends at the line break, so a title with a newline must not carry one into it.
    return _CONTROL.sub(" ", text)


def _deduction(deduction: Deduction) -> str:
    pairs: list[tuple[str, object]] = [
        ("code", deduction.code),
        ("text", deduction.text),
        ("points", deduction.points),
    ]
    if deduction.max_times > 1:
        pairs.append(("max_times", deduction.max_times))
    return "  { " + ", ".join(_pairs(pairs)) + " },"


def _item(item: Item) -> list[str]:
    pairs: list[tuple[str, object]] = [("code", item.code), ("title", item.title), ("points", item.points)]
    if item.guide:
        pairs.append(("guide", item.guide))
    pairs.append(("na_allowed", item.na_allowed))
    lines = ["[[category.item]]", *_pairs(pairs)]
    if item.deductions:
        lines += ["deductions = [", *(_deduction(d) for d in item.deductions), "]"]
    else:
        lines.append("deductions = []")
    return lines


def _category(category: Category) -> list[str]:
    lines = [
        f"# 类别 {_comment(category.code)} {_comment(category.title)}",
        "[[category]]",
        *_pairs([("code", category.code), ("title", category.title)]),
    ]
    for item in category.items:
        lines += ["", *_item(item)]
    return lines


def _check(check: Check) -> list[str]:
    pairs: list[tuple[str, object]] = [("code", check.code), ("rule", check.rule), *check.params]
    pairs += [("suggests", check.suggests), ("text", check.text)]
    if check.procedure is not None:
        pairs.append(("procedure", check.procedure))
    return ["[[check]]", *_pairs(pairs)]


def rubric_to_toml(rubric: Rubric) -> str:
    """The rubric as TOML text; parsing it gives back an equal Rubric."""
    header: list[tuple[str, object]] = [("id", rubric.id), ("version", rubric.version), ("title", rubric.title)]
    if rubric.issued_by:
        header.append(("issued_by", rubric.issued_by))
    if rubric.effective is not None:
        header.append(("effective", rubric.effective))
    if rubric.replaces is not None:
        header.append(("replaces", rubric.replaces))
    header += [("total", rubric.total), ("procedures", rubric.procedures)]
    sections = [["[rubric]", *_pairs(header)]]
    sections += [["[[grades]]", *_pairs([("name", g.name), ("min", g.min)])] for g in rubric.grades]
    for veto in rubric.vetoes:
        pairs: list[tuple[str, object]] = [("code", veto.code), ("title", veto.title), ("effect", veto.effect)]
        if veto.effect == VETO_CAP:
            pairs.append(("cap", veto.cap))
        sections.append(["[[veto]]", *_pairs(pairs)])
    sections += [_category(category) for category in rubric.categories]
    sections += [_check(check) for check in rubric.checks]
    return "\n\n".join("\n".join(lines) for lines in sections) + "\n"
