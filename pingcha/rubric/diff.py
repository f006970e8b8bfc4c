"""What changed between two versions of a rubric, for a person reading a revision note."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from pingcha.rubric.model import VETO_CAP, Check, Deduction, Item, Rubric, Veto


def _num(value: Decimal) -> float | int:
    return int(value) if value == value.to_integral_value() else float(value)


def _text(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _veto_effect(veto: Veto) -> str:
    return f"等次不高于{veto.cap}" if veto.effect == VETO_CAP else "总分归零"


@dataclass
class Change:
    """One changed field of one thing (an item, a deduction, a veto, a grade or the header)."""

    code: str
    field: str
    old: object
    new: object
    title: str = ""

    def to_json(self) -> dict:
        return {"code": self.code, "title": self.title, "field": self.field, "old": self.old, "new": self.new}


@dataclass
class RubricDiff:
    old: str
    new: str
    header: list[Change] = field(default_factory=list)
    grades_added: list[dict] = field(default_factory=list)
    grades_removed: list[dict] = field(default_factory=list)
    grades_changed: list[Change] = field(default_factory=list)
    vetoes_added: list[dict] = field(default_factory=list)
    vetoes_removed: list[dict] = field(default_factory=list)
    vetoes_changed: list[Change] = field(default_factory=list)
    categories_added: list[dict] = field(default_factory=list)
    categories_removed: list[dict] = field(default_factory=list)
    categories_changed: list[Change] = field(default_factory=list)
    items_added: list[dict] = field(default_factory=list)
    items_removed: list[dict] = field(default_factory=list)
    items_repointed: list[Change] = field(default_factory=list)
    items_reworded: list[Change] = field(default_factory=list)
    items_other: list[Change] = field(default_factory=list)
    deductions_added: list[dict] = field(default_factory=list)
    deductions_removed: list[dict] = field(default_factory=list)
    deductions_changed: list[Change] = field(default_factory=list)
    checks_added: list[dict] = field(default_factory=list)
    checks_removed: list[dict] = field(default_factory=list)
    checks_changed: list[Change] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any(value for key, value in vars(self).items() if key not in ("old", "new"))

    def to_json(self) -> dict:
        def changes(values: list[Change]) -> list[dict]:
            return [c.to_json() for c in values]

        return {
            "old": self.old,
            "new": self.new,
            "header": changes(self.header),
            "grades": {"added": self.grades_added, "removed": self.grades_removed, "changed": changes(self.grades_changed)},
            "vetoes": {"added": self.vetoes_added, "removed": self.vetoes_removed, "changed": changes(self.vetoes_changed)},
            "categories": {
                "added": self.categories_added,
                "removed": self.categories_removed,
                "changed": changes(self.categories_changed),
            },
            "items": {
                "added": self.items_added,
                "removed": self.items_removed,
                "repointed": changes(self.items_repointed),
                "reworded": changes(self.items_reworded),
                "other": changes(self.items_other),
            },
            "deductions": {
                "added": self.deductions_added,
                "removed": self.deductions_removed,
                "changed": changes(self.deductions_changed),
            },
            "checks": {
                "added": self.checks_added,
                "removed": self.checks_removed,
                "changed": changes(self.checks_changed),
            },
        }


def _item_json(item: Item, category: str) -> dict:
    return {"code": item.code, "title": item.title, "points": _num(item.points), "category": category}


def _deduction_json(deduction: Deduction, item: Item) -> dict:
    return {
        "code": deduction.code,
        "item": item.code,
        "text": deduction.text,
        "points": _num(deduction.points),
        "max_times": deduction.max_times,
    }


def _veto_json(veto: Veto) -> dict:
    return {"code": veto.code, "title": veto.title, "effect": veto.effect, "cap": veto.cap}


def _json_value(value: object) -> object:
    if isinstance(value, Decimal):
        return _num(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def _check_json(check: Check) -> dict:
    return {
        "code": check.code, "rule": check.rule, "suggests": check.suggests, "text": check.text,
        "procedure": check.procedure, **{key: _json_value(value) for key, value in check.params},
    }


def _check_fields(check: Check) -> dict[str, object]:
    """What a person reads of a check, field by field, for its changes."""
    return {"rule": check.rule, **{k: _json_value(v) for k, v in check.params}, "suggests": check.suggests,
            "text": check.text, "procedure": check.procedure}


def _diff_checks(diff: RubricDiff, old: Rubric, new: Rubric) -> None:
    diff.checks_added = [_check_json(c) for c in new.checks if c.code not in old.check_by_code]
    diff.checks_removed = [_check_json(c) for c in old.checks if c.code not in new.check_by_code]
    for check in new.checks:
        before = old.check_by_code.get(check.code)
        if before is None:
            continue
        old_fields, new_fields = _check_fields(before), _check_fields(check)
        for key in dict.fromkeys([*old_fields, *new_fields]):
            if old_fields.get(key) != new_fields.get(key):
                diff.checks_changed.append(Change(check.code, key, old_fields.get(key), new_fields.get(key), check.text))


def diff_rubrics(old: Rubric, new: Rubric) -> RubricDiff:
    """Compare two rubric versions; things are matched by their codes."""
    diff = RubricDiff(old.key, new.key)
    for name, label in (("title", "名称"), ("issued_by", "发布机关"), ("total", "总分"), ("effective", "施行日期"), ("procedures", "适用程序")):
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            as_json = {"total": _num, "effective": str, "procedures": list}.get(name, lambda v: v)
            diff.header.append(Change("", label, as_json(before) if before is not None else None, as_json(after) if after is not None else None))

    old_grades = {g.name: g for g in old.grades}
    new_grades = {g.name: g for g in new.grades}
    diff.grades_added = [{"name": g.name, "min": _num(g.min)} for g in new.grades if g.name not in old_grades]
    diff.grades_removed = [{"name": g.name, "min": _num(g.min)} for g in old.grades if g.name not in new_grades]
    diff.grades_changed = [
        Change(g.name, "最低分", _num(old_grades[g.name].min), _num(g.min))
        for g in new.grades
        if g.name in old_grades and old_grades[g.name].min != g.min
    ]

    diff.vetoes_added = [_veto_json(v) for v in new.vetoes if v.code not in old.veto_by_code]
    diff.vetoes_removed = [_veto_json(v) for v in old.vetoes if v.code not in new.veto_by_code]
    for veto in new.vetoes:
        before = old.veto_by_code.get(veto.code)
        if before is None:
            continue
        if before.title != veto.title:
            diff.vetoes_changed.append(Change(veto.code, "否决情形", before.title, veto.title, veto.title))
        if (before.effect, before.cap) != (veto.effect, veto.cap):
            diff.vetoes_changed.append(Change(veto.code, "效果", _veto_effect(before), _veto_effect(veto), veto.title))

    old_categories = {c.code: c for c in old.categories}
    new_categories = {c.code: c for c in new.categories}
    diff.categories_added = [{"code": c.code, "title": c.title} for c in new.categories if c.code not in old_categories]
    diff.categories_removed = [{"code": c.code, "title": c.title} for c in old.categories if c.code not in new_categories]
    for category in new.categories:
        before = old_categories.get(category.code)
        if before is not None:
            if before.title != category.title:
                diff.categories_changed.append(Change(category.code, "类别名称", before.title, category.title))
            if before.points != category.points:
                diff.categories_changed.append(
                    Change(category.code, "类别分值", _num(before.points), _num(category.points), category.title)
                )

    diff.items_added = [
        _item_json(item, new.category_of_item[item.code].code) for item in new.items if item.code not in old.item_by_code
    ]
    diff.items_removed = [
        _item_json(item, old.category_of_item[item.code].code) for item in old.items if item.code not in new.item_by_code
    ]
    for item in new.items:
        before = old.item_by_code.get(item.code)
        if before is None:
            continue
        if before.points != item.points:
            diff.items_repointed.append(Change(item.code, "分值", _num(before.points), _num(item.points), item.title))
        if before.title != item.title:
            diff.items_reworded.append(Change(item.code, "评查项目", before.title, item.title, item.title))
        if before.guide != item.guide:
            diff.items_reworded.append(Change(item.code, "评查要点", before.guide, item.guide, item.title))
        if before.na_allowed != item.na_allowed:
            diff.items_other.append(
                Change(item.code, "可不适用", "是" if before.na_allowed else "否", "是" if item.na_allowed else "否", item.title)
            )
        old_category = old.category_of_item[item.code].code
        new_category = new.category_of_item[item.code].code
        if old_category != new_category:
            diff.items_other.append(Change(item.code, "所属类别", old_category, new_category, item.title))

    for item in new.items:
        for deduction in item.deductions:
            before = old.deduction_by_code.get(deduction.code)
            if before is None:
                diff.deductions_added.append(_deduction_json(deduction, item))
                continue
            if before.text != deduction.text:
                diff.deductions_changed.append(Change(deduction.code, "扣分情形", before.text, deduction.text, deduction.text))
            if before.points != deduction.points:
                diff.deductions_changed.append(
                    Change(deduction.code, "扣分", _num(before.points), _num(deduction.points), deduction.text)
                )
            if before.max_times != deduction.max_times:
                diff.deductions_changed.append(
                    Change(deduction.code, "最多次数", before.max_times, deduction.max_times, deduction.text)
                )
    for item in old.items:
        for deduction in item.deductions:
            if deduction.code not in new.deduction_by_code:
                diff.deductions_removed.append(_deduction_json(deduction, item))
    _diff_checks(diff, old, new)
    return diff


def _show(value: object) -> str:
    if value is None:
        return "（无）"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)
LONG = 30  # a text longer than this is read for its changes, so they are marked


def marked_changes(old: str, new: str) -> tuple[str, str]:
    """``old`` and ``new`` with what changed between them in 【】 (a long 评查要点 is read for its changes)."""
    from difflib import SequenceMatcher

    if old == new:
        return old, new
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size >= 2 or b.size == 0]  # ignore 1-char islands
    old_parts, new_parts, i, j = [], [], 0, 0
    for block in blocks:
        if block.a > i:
            old_parts.append(f"【{old[i:block.a]}】")
        if block.b > j:
            new_parts.append(f"【{new[j:block.b]}】")
        if block.a < i or block.b < j:  # overlaps a dropped island: carry on from where we are
            continue
        old_parts.append(old[block.a:block.a + block.size])
        new_parts.append(new[block.b:block.b + block.size])
        i, j = block.a + block.size, block.b + block.size
    return "".join(old_parts), "".join(new_parts)


def _pts(value: object) -> str:
    return f"{value}分"


def render_diff(diff: RubricDiff, old: Rubric, new: Rubric) -> str:
    """The diff as a Chinese revision note (修订对照说明)."""
    lines = [f"评分标准修订对照：{old.title}（{old.version}）→ {new.title}（{new.version}）", ""]
    if diff.empty:
        lines.append("两个版本内容完全相同。")
        return "\n".join(lines)
    numerals = iter("一二三四五六七八九十")

    def section(title: str) -> None:
        if len(lines) > 2:
            lines.append("")
        lines.append(f"{next(numerals)}、{title}")

    if diff.header:
        section("基本信息")
        for c in diff.header:
            lines.append(f"  {c.field}：{c.old if c.old is not None else '（无）'} → {c.new if c.new is not None else '（无）'}")
    if diff.grades_added or diff.grades_removed or diff.grades_changed:
        section("等次划分")
        lines += [f"  新增等次“{g['name']}”：{g['min']}分以上" for g in diff.grades_added]
        lines += [f"  删除等次“{g['name']}”" for g in diff.grades_removed]
        lines += [f"  “{c.code}”最低分：{c.old} → {c.new}" for c in diff.grades_changed]
    if diff.vetoes_added or diff.vetoes_removed or diff.vetoes_changed:
        section("否决项")
        by_code = new.veto_by_code
        lines += [f"  新增 {v['code']} {v['title']}（{_veto_effect(by_code[v['code']])}）" for v in diff.vetoes_added]
        lines += [f"  删除 {v['code']} {v['title']}" for v in diff.vetoes_removed]
        lines += [f"  修改 {c.code} {c.field}：{c.old} → {c.new}" for c in diff.vetoes_changed]
    if diff.categories_added or diff.categories_removed or diff.categories_changed:
        section("类别")
        lines += [f"  新增类别 {c['code']} {c['title']}" for c in diff.categories_added]
        lines += [f"  删除类别 {c['code']} {c['title']}" for c in diff.categories_removed]
        for c in diff.categories_changed:
            if c.field == "类别分值":
                lines.append(f"  {c.code} {c.title} 合计分值：{_pts(c.old)} → {_pts(c.new)}")
            else:
                lines.append(f"  {c.code} 类别名称：{c.old} → {c.new}")
    if diff.items_added:
        section(f"新增评查项目（{len(diff.items_added)} 项）")
        for i in diff.items_added:
            lines.append(f"  {i['code']} {i['title']}（{_pts(i['points'])}，{new.category_of_item[i['code']].title}）")
            for d in new.item_by_code[i["code"]].deductions:
                times = f"，最多{d.max_times}次" if d.max_times > 1 else ""
                lines.append(f"      {d.code} {d.text}：扣{_pts(_num(d.points))}{times}")
    if diff.items_removed:
        section(f"删除评查项目（{len(diff.items_removed)} 项）")
        for i in diff.items_removed:
            lines.append(f"  {i['code']} {i['title']}（原{_pts(i['points'])}，{old.category_of_item[i['code']].title}）")
    if diff.items_repointed:
        section(f"分值调整（{len(diff.items_repointed)} 项）")
        lines += [f"  {c.code} {c.title}：{_pts(c.old)} → {_pts(c.new)}" for c in diff.items_repointed]
    if diff.items_reworded or diff.items_other:
        section(f"表述及其他修改（{len({c.code for c in diff.items_reworded + diff.items_other})} 项）")
        lines.append(f"  （超过 {LONG} 字的表述，【】内为改动之处）")
        for c in diff.items_reworded + diff.items_other:
            lines.append(f"  {c.code} {c.field}：")
            long_text = isinstance(c.old, str) and isinstance(c.new, str) and max(len(c.old), len(c.new)) > LONG
            old_text, new_text = marked_changes(c.old, c.new) if long_text else (c.old, c.new)
            lines.append(f"    原：{old_text}")
            lines.append(f"    新：{new_text}")
    # Deductions of added or removed items were shown with their item.
    added = [d for d in diff.deductions_added if d["item"] in old.item_by_code]
    removed = [d for d in diff.deductions_removed if d["item"] in new.item_by_code]
    if added or removed or diff.deductions_changed:
        section("扣分情形")
        for d in added:
            times = f"，最多{d['max_times']}次" if d["max_times"] > 1 else ""
            lines.append(f"  新增 {d['code']}（{d['item']}）{d['text']}：扣{_pts(d['points'])}{times}")
        lines += [f"  删除 {d['code']}（{d['item']}）{d['text']}" for d in removed]
        for c in diff.deductions_changed:
            if c.field == "扣分情形":
                lines.append(f"  {c.code} 表述：{c.old} → {c.new}")
            elif c.field == "扣分":
                lines.append(f"  {c.code} {c.title}：扣{_pts(c.old)} → 扣{_pts(c.new)}")
            else:
                lines.append(f"  {c.code} {c.title}：最多{c.old}次 → 最多{c.new}次")
    if diff.checks_added or diff.checks_removed or diff.checks_changed:
        section("预检")
        for c in diff.checks_added:
            where = f"，仅{c['procedure']}" if c["procedure"] else ""
            lines.append(f"  新增 {c['code']}（{c['rule']}，建议 {c['suggests']}{where}）{c['text']}")
        lines += [f"  删除 {c['code']}（{c['rule']}）{c['text']}" for c in diff.checks_removed]
        lines += [f"  {c.code} {c.field}：{_show(c.old)} → {_show(c.new)}" for c in diff.checks_changed]
    return "\n".join(lines)
