"""评查活动: creating one, finding it by name or number, its document settings."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from pingcha.errors import UserError
from pingcha.rubric import Rubric
from pingcha.services.rubrics import find_version, resolve_rubric, rubric_of, split_ref, store_rubric
from pingcha.store import Store, Transaction
from pingcha.store import activities as rows
from pingcha.store import rubrics as stored_rubrics
from pingcha.store.activities import ActivityRecord
from pingcha.store.audit import record
from pingcha.values import non_negative_decimal


@dataclass(frozen=True)
class ActivityInfo:
    id: int
    name: str
    rubric: Rubric
    per_file: int
    spread: Decimal
    settings: dict
    band_review: bool = False  # §2's band rule: sheets in different grade bands need 复核
    year: int | None = None  # the year the activity belongs to (§12)


def parse_spread(text: str | Decimal | float) -> Decimal:
    return non_negative_decimal(text, "分差上限")


FIRST_YEAR, LAST_YEAR = 1990, 2100


def parse_year(text: int | str) -> int:
    """An activity's year (§6 ``--year YYYY``): four digits, full-width digits accepted."""
    import unicodedata

    shown = unicodedata.normalize("NFKC", str(text)).strip().removesuffix("年")
    if not (len(shown) == 4 and shown.isdigit()) or not FIRST_YEAR <= int(shown) <= LAST_YEAR:
        raise UserError(f"年度应为 {FIRST_YEAR}–{LAST_YEAR} 之间的四位数字年份（如 2024），实际为“{text}”")
    return int(shown)


def find_activity(session: Transaction, ref: str) -> ActivityRecord:
    """An activity by its name, or by its number (``#3`` or ``3``) when no activity has that name."""
    activity = rows.activity_named(session, ref)
    if activity is None:
        number = ref.lstrip("#")
        if number.isdigit():
            activity = rows.activity_by_id(session, int(number))
    if activity is None:
        names = [a.name for a in rows.all_activities(session)]
        known = "；现有：" + "、".join(f"{n}" for n in names) if names else "；数据库中还没有评查活动"
        raise UserError(f"没有找到评查活动“{ref}”{known}")
    return activity


def info_of(session: Transaction, activity: ActivityRecord) -> ActivityInfo:
    version = stored_rubrics.version_by_id(session, activity.rubric_version_id)
    return ActivityInfo(
        activity.id, activity.name, rubric_of(version), activity.per_file, Decimal(activity.spread),
        dict(activity.settings), activity.band_review,
        activity.year if activity.year is not None else activity.created_at.year,
    )


def get_activity(store: Store, ref: str) -> ActivityInfo:
    with store.read() as session:
        return info_of(session, find_activity(session, ref))


def list_activities(store: Store) -> list[ActivityInfo]:
    with store.read() as session:
        return [info_of(session, a) for a in rows.all_activities(session)]


def create_activity(
    store: Store, name: str, rubric_ref: str, actor: str, per_file: int = 2, spread: Decimal = Decimal("5.0"),
    band_review: bool = False,
    seed: str | None = None,
    year: int | str | None = None,
) -> ActivityInfo:
    """A new activity pinned to one rubric version (a shipped or file rubric is stored first); ``band_review``
    sends to 复核 a file whose sheets fall in different grade bands even within the spread (§2); ``seed`` fixes
    the draw's seed in advance, after which ``sample`` refuses any other."""
    from pingcha.policy import LeaderAction
    from pingcha.services import access
    from pingcha.store import people as stored_people

    name = name.strip()
    if seed is not None and not seed.strip():
        raise UserError("随机种子不能为空")
    with store.transaction() as session:
        access.require_leader_anywhere(session, actor, LeaderAction.CREATE_ACTIVITY)
    if not name:
        raise UserError("评查活动名称不能为空")
    if name.lstrip("#").isdigit():
        raise UserError("评查活动名称不能只是数字（数字用来指活动编号）")
    if per_file < 1:
        raise UserError(f"每卷评查人数应至少为 1，实际为 {per_file}")
    if per_file > 1000:
        raise UserError(f"每卷评查人数 {per_file} 过大（应不超过 1000）")
    spread = parse_spread(spread)
    year = parse_year(year) if year is not None else None
    parts = split_ref(rubric_ref)
    with store.read() as session:
        version = find_version(session, *parts) if parts else None
    if version is None:  # a rubric file, or a shipped version not stored yet
        rubric = store_rubric(store, resolve_rubric(rubric_ref, store), actor).rubric
        with store.read() as session:
            version = find_version(session, rubric.id, rubric.version)
    with store.transaction() as session:
        if rows.activity_named(session, name) is not None:
            raise UserError(f"评查活动“{name}”已经存在")
        activity = rows.add_activity(session, name, version.id, per_file, str(spread), actor, band_review, year)
        if seed is not None:
            stored_people.fix_seed(session, activity.id, seed.strip())
        record(
            session, actor, "activity", "创建评查活动", activity_id=activity.id,
            after={"name": name, "rubric": f"{version.rubric_id}@{version.version}", "per_file": per_file,
                   "spread": str(spread), "band_review": band_review, "year": activity.year,
                   **({"seed": seed.strip()} if seed is not None else {})},
        )
        return info_of(session, activity)


def update_settings(store: Store, ref: str, changes: dict[str, str], actor: str) -> dict:
    """Change the activity's document settings (发文字号, 主送, …); an empty value removes a key.
    Unknown keys and values that are not what the key needs (a date, a number) are refused, all named."""
    from pingcha.reports.settings import check_settings

    from pingcha.policy import LeaderAction
    from pingcha.services import access

    problems = check_settings(changes)
    if problems:
        raise UserError("\n".join(problems))
    with store.transaction() as session:
        access.require_leader(session, find_activity(session, ref).id, actor, LeaderAction.CHANGE_SETTINGS)
        activity = rows.activity_by_id(session, find_activity(session, ref).id, lock=True)
        before = dict(activity.settings)
        after = dict(before)
        for key, value in changes.items():
            if value == "":
                after.pop(key, None)
            else:
                after[key] = value
        rows.save_settings(session, activity.id, after)
        record(session, actor, "activity", "修改文书设置", activity_id=activity.id, before=before, after=after)
        return after
