"""评查活动: creating one, finding it by name or number, its document settings."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import Session, select

from pingcha.errors import UserError
from pingcha.rubric import Rubric
from pingcha.services.rubrics import find_version, resolve_rubric, rubric_of, split_ref, store_rubric
from pingcha.store import Store
from pingcha.store.audit import record
from pingcha.store.models import Activity, RubricVersion
from pingcha.values import non_negative_decimal


@dataclass(frozen=True)
class ActivityInfo:
    id: int
    name: str
    rubric: Rubric
    per_file: int
    spread: Decimal
    settings: dict


def parse_spread(text: str | Decimal | float) -> Decimal:
    return non_negative_decimal(text, "分差上限")


def find_activity(session: Session, ref: str) -> Activity:
    """An activity by its name, or by its number (``#3`` or ``3``) when no activity has that name."""
    activity = session.exec(select(Activity).where(Activity.name == ref)).first()
    if activity is None:
        number = ref.lstrip("#")
        if number.isdigit():
            activity = session.get(Activity, int(number))
    if activity is None:
        names = [a.name for a in session.exec(select(Activity).order_by(Activity.id)).all()]
        known = "；现有：" + "、".join(f"{n}" for n in names) if names else "；数据库中还没有评查活动"
        raise UserError(f"没有找到评查活动“{ref}”{known}")
    return activity


def info_of(session: Session, activity: Activity) -> ActivityInfo:
    version = session.get(RubricVersion, activity.rubric_version_id)
    return ActivityInfo(
        activity.id, activity.name, rubric_of(version), activity.per_file,
        Decimal(activity.spread), json.loads(activity.settings or "{}"),
    )


def get_activity(store: Store, ref: str) -> ActivityInfo:
    with store.read() as session:
        return info_of(session, find_activity(session, ref))


def list_activities(store: Store) -> list[ActivityInfo]:
    with store.read() as session:
        return [info_of(session, a) for a in session.exec(select(Activity).order_by(Activity.id)).all()]


def create_activity(
    store: Store, name: str, rubric_ref: str, actor: str, per_file: int = 2, spread: Decimal = Decimal("5.0")
) -> ActivityInfo:
    """A new activity pinned to one rubric version (a shipped or file rubric is stored first)."""
    name = name.strip()
    if not name:
        raise UserError("评查活动名称不能为空")
    if name.lstrip("#").isdigit():
        raise UserError("评查活动名称不能只是数字（数字用来指活动编号）")
    if per_file < 1:
        raise UserError(f"每卷评查人数应至少为 1，实际为 {per_file}")
    if per_file > 1000:
        raise UserError(f"每卷评查人数 {per_file} 过大（应不超过 1000）")
    spread = parse_spread(spread)
    parts = split_ref(rubric_ref)
    with store.read() as session:
        version = find_version(session, *parts) if parts else None
    if version is None:  # a rubric file, or a shipped version not stored yet
        rubric = store_rubric(store, resolve_rubric(rubric_ref, store), actor).rubric
        with store.read() as session:
            version = find_version(session, rubric.id, rubric.version)
    with store.transaction() as session:
        if session.exec(select(Activity).where(Activity.name == name)).first() is not None:
            raise UserError(f"评查活动“{name}”已经存在")
        activity = Activity(
            name=name, rubric_version_id=version.id, per_file=per_file, spread=str(spread), created_by=actor
        )
        session.add(activity)
        session.flush()
        record(
            session, actor, "activity", "创建评查活动", activity_id=activity.id,
            after={"name": name, "rubric": f"{version.rubric_id}@{version.version}", "per_file": per_file, "spread": str(spread)},
        )
        return info_of(session, activity)


def update_settings(store: Store, ref: str, changes: dict[str, str], actor: str) -> dict:
    """Change the activity's document settings (发文字号, 主送, …); an empty value removes a key."""
    with store.transaction() as session:
        activity = find_activity(session, ref)
        before = json.loads(activity.settings or "{}")
        after = dict(before)
        for key, value in changes.items():
            if value == "":
                after.pop(key, None)
            else:
                after[key] = value
        activity.settings = json.dumps(after, ensure_ascii=False, sort_keys=True)
        session.add(activity)
        record(session, actor, "activity", "修改文书设置", activity_id=activity.id, before=before, after=after)
        return after
