"""规范表述: the standard wordings a 组长 curates per deduction, offered first in the comment bank and used by the
通报's 典型问题 instead of one evaluator's note.

Wordings belong to a rubric's identity (``xiqu-xzcf``), not to one activity: the deductions of a standard keep their
codes from version to version and from one year's activity to the next, and a wording agreed once should be
offered again the next time, as the notes written before are. A command or screen may name either the rubric
(``xiqu-xzcf`` or ``xiqu-xzcf@2024.1``) or an activity (its rubric's wordings); only a 组长 changes them (§10,
``policy.LeaderAction.CURATE_WORDINGS``), and every change is audited.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from pingcha import policy
from pingcha.errors import UserError
from pingcha.policy import LeaderAction
from pingcha.rubric import Rubric
from pingcha.services import access
from pingcha.services.activities import find_activity
from pingcha.services.rubrics import rubric_of, split_ref
from pingcha.store import Store, Transaction
from pingcha.store import people as credentials
from pingcha.store import rubrics as stored_rubrics
from pingcha.store import sheets as sheet_rows
from pingcha.store import wordings as rows
from pingcha.store.audit import record
from pingcha.text import clean_cell, code_key

LONGEST = 200  # characters: a wording is one sentence of a 通报, not a paragraph
NOTES_SHOWN = 10


@dataclass(frozen=True)
class WordingView:
    number: int  # the wording's id: what --edit and --retire name
    code: str
    text: str
    created_by: str
    created_at: datetime
    updated_at: datetime
    retired: bool
    retired_by: str | None


@dataclass(frozen=True)
class DeductionWordings:
    """One deduction of the rubric: its text, its wordings, and the notes written for it before (most used
    first, with how many times) for the 组长 to pick from."""

    code: str
    item: str  # item code and title
    text: str
    wordings: tuple[WordingView, ...]
    notes: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class WordingBook:
    rubric_id: str
    title: str
    activity: str | None  # the activity named, if one was
    deductions: tuple[DeductionWordings, ...]
    notes_shown: bool  # False for a reader who may not see other evaluators' notes (blind scoring)

    def deduction(self, code: str) -> DeductionWordings | None:
        return next((d for d in self.deductions if d.code == code), None)


@dataclass(frozen=True)
class _Target:
    rubric_id: str
    rubric: Rubric  # the newest stored version (or the activity's): titles and texts of the deductions
    codes: dict[str, str]  # code_key → the deduction's code, over every stored version
    activity_id: int | None
    activity: str | None


def _view(record: rows.WordingRecord) -> WordingView:
    return WordingView(record.id, record.code, record.text, record.created_by, record.created_at,
                       record.updated_at, record.retired, record.retired_by)


def _target(session: Transaction, ref: str) -> _Target:
    """What ``ref`` names: an activity (its rubric's wordings) or a rubric, as ID or ID@VERSION."""
    parts = split_ref(ref)
    activity = None
    if parts is None:
        try:
            activity = find_activity(session, ref)
        except UserError:
            activity = None
    versions = stored_rubrics.all_versions(session)
    if activity is not None:
        own = stored_rubrics.version_by_id(session, activity.rubric_version_id)
        rubric_id = own.rubric_id
    else:
        rubric_id = parts[0] if parts is not None else ref.strip()
        if parts is not None and not any(v.rubric_id == rubric_id and v.version == parts[1] for v in versions):
            raise UserError(f"没有找到评分标准 {ref}（可用 pingcha rubric list 查看已有版本）")
        if not any(v.rubric_id == rubric_id for v in versions):
            raise UserError(f"没有找到评查活动或评分标准“{ref}”：请写评查活动的名称或编号，或评分标准的编号"
                            "（如 xiqu-xzcf，可用 pingcha rubric list 查看）")
    mine = [rubric_of(v) for v in versions if v.rubric_id == rubric_id]
    codes: dict[str, str] = {}
    for rubric in mine:
        codes.update({code_key(code): code for code in rubric.deduction_by_code})
    newest = mine[-1]
    if activity is not None:
        newest = rubric_of(stored_rubrics.version_by_id(session, activity.rubric_version_id))
    return _Target(rubric_id, newest, codes, activity.id if activity is not None else None,
                   activity.name if activity is not None else None)


def _require_curator(session: Transaction, target: _Target, actor: str) -> None:
    if target.activity_id is not None:
        access.require_leader(session, target.activity_id, actor, LeaderAction.CURATE_WORDINGS)
    else:
        access.require_leader_anywhere(session, actor, LeaderAction.CURATE_WORDINGS)


def _sees_notes(session: Transaction, target: _Target, actor: str) -> bool:
    """Other evaluators' notes are theirs until files are settled: shown to a 组长, or at the one trusted seat
    of an unprotected activity to someone not on its roster (§10, ``policy.sees_other_sheets``)."""
    if target.activity_id is not None:
        role = access.role_of(session, target.activity_id, actor)
        protected = credentials.is_protected(session, target.activity_id)
        return policy.sees_other_sheets(actor, role, protected, False)
    protected_ids = credentials.protected_activities(session)
    return not protected_ids or bool(credentials.leaders_named(session, actor, protected_ids))


def _code(target: _Target, code: str) -> str:
    found = target.codes.get(code_key(code))
    if found is None:
        raise UserError(f"评分标准 {target.rubric_id} 中没有扣分情形“{code}”（规范表述按扣分情形编号维护，如 D12c）")
    return found


def _text(text: str) -> str:
    cleaned = clean_cell(text).rstrip("。；;，, ")
    if not cleaned:
        raise UserError("规范表述不能为空")
    if len(cleaned) > LONGEST:
        raise UserError(f"规范表述最多 {LONGEST} 字（现为 {len(cleaned)} 字）：它是通报中的一句话")
    return cleaned


def _wording(session: Transaction, target: _Target, number: int) -> rows.WordingRecord:
    found = rows.wording_by_id(session, number, lock=True)
    if found is None or found.rubric_id != target.rubric_id:
        raise UserError(f"评分标准 {target.rubric_id} 没有第 {number} 号规范表述（pingcha wordings "
                        f"{target.activity or target.rubric_id} 列出现有的编号）")
    return found


def _refuse_twin(session: Transaction, target: _Target, code: str, text: str, number: int | None = None) -> None:
    for other in rows.wordings(session, target.rubric_id, code):
        if other.text == text and other.id != number:
            raise UserError(f"{code} 已有相同的规范表述（第 {other.id} 号）")


def _audit(session: Transaction, target: _Target, actor: str, action: str, before: dict | None, after: dict) -> None:
    record(session, actor, "wording", action, activity_id=target.activity_id,
           before=before, after={"rubric": target.rubric_id, **after})


def standard_wordings(session: Transaction, rubric_id: str) -> dict[str, list[str]]:
    """The wordings in use, per deduction code, oldest (the first agreed) first."""
    found: dict[str, list[str]] = {}
    for wording in rows.wordings(session, rubric_id):
        found.setdefault(wording.code, []).append(wording.text)
    return found


def wording_book(store: Store, ref: str, actor: str, retired: bool = False) -> WordingBook:
    """Every deduction of the rubric with its wordings (the retired ones too with ``retired``) and, for whoever
    may see them, the notes evaluators wrote for it before, most used first."""
    with store.read() as session:
        target = _target(session, ref)
        shown = _sees_notes(session, target, actor)
        stored = rows.wordings(session, target.rubric_id, retired=retired)
        activity_ids = rows.activities_of_rubric(session, target.rubric_id) if shown else []
        deductions = []
        for item in target.rubric.items:
            for deduction in item.deductions:
                notes: tuple[tuple[str, int], ...] = ()
                if shown:
                    counted = Counter(n.strip() for n in sheet_rows.notes_for_code(
                        session, deduction.code, activity_ids=activity_ids) if n.strip())
                    notes = tuple(counted.most_common(NOTES_SHOWN))
                deductions.append(DeductionWordings(
                    deduction.code, f"{item.code} {item.title}", deduction.text,
                    tuple(_view(w) for w in stored if w.code == deduction.code), notes))
    return WordingBook(target.rubric_id, target.rubric.title, target.activity, tuple(deductions), shown)


def add_wording(store: Store, ref: str, code: str, text: str, actor: str) -> WordingView:
    with store.transaction() as session:
        target = _target(session, ref)
        _require_curator(session, target, actor)
        code, text = _code(target, code), _text(text)
        _refuse_twin(session, target, code, text)
        number = rows.add_wording(session, target.rubric_id, code, text, actor)
        _audit(session, target, actor, "新增规范表述", None, {"number": number, "code": code, "text": text})
        return _view(rows.wording_by_id(session, number))


def edit_wording(store: Store, ref: str, number: int, text: str, actor: str) -> WordingView:
    with store.transaction() as session:
        target = _target(session, ref)
        _require_curator(session, target, actor)
        wording, text = _wording(session, target, number), _text(text)
        if wording.retired:
            raise UserError(f"第 {number} 号规范表述已停用，不能修改；可以新增一条")
        if wording.text == text:
            return _view(wording)
        _refuse_twin(session, target, wording.code, text, number)
        rows.set_text(session, number, text)
        _audit(session, target, actor, "修改规范表述", {"number": number, "code": wording.code, "text": wording.text},
               {"number": number, "code": wording.code, "text": text})
        return _view(rows.wording_by_id(session, number))


def retire_wording(store: Store, ref: str, number: int, actor: str) -> WordingView:
    with store.transaction() as session:
        target = _target(session, ref)
        _require_curator(session, target, actor)
        wording = _wording(session, target, number)
        if wording.retired:
            raise UserError(f"第 {number} 号规范表述已于 {wording.retired_at:%Y-%m-%d} 停用")
        rows.retire(session, number, actor)
        _audit(session, target, actor, "停用规范表述", {"number": number, "code": wording.code, "text": wording.text},
               {"number": number, "code": wording.code, "retired": True})
        return _view(rows.wording_by_id(session, number))


def names_activity(store: Store, ref: str) -> bool:
    """Whether ``ref`` names an activity (then whoever acts signs in to it) rather than a rubric."""
    with store.read() as session:
        return _target(session, ref).activity_id is not None
