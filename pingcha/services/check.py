"""``pingcha check``: is the database what its own history says it should be?

Six questions, each answered from the database alone: is the file sound (SQLite's integrity check), is the
schema at the version this program writes, does the audit log's hash chain hold, does every stored rubric still
match its hash, does every sheet hold exactly what the audit log says was done to it (its entries replayed
from the first: each change, import, submit, 复核 and the redraws that void sheets), and is the score stored
beside each sheet (what results are decided from) what its rows score?
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pingcha.errors import UserError
from pingcha.scoring import Sheet, stored_score
from pingcha.services.activities import info_of
from pingcha.services.rubrics import content_hash
from pingcha.services.sheets import DRAFT, EVALUATION, RECONCILED, REVIEW, SUBMITTED
from pingcha.store import Store
from pingcha.store import activities as stored_activities
from pingcha.store.audit import verify_chain
from pingcha.store.integrity import (
    SheetEvent, StoredSheet, activity_names, missing_audit_triggers, rubric_contents, schema_revision, sheet_events,
    sqlite_integrity, stored_sheets,
)
from pingcha.store.sheets import scored_values, stored_vetoes
from pingcha.store.migrate import HEAD

MARK_LABELS = {"na": "不适用", "veto": "否决项", "decided": "确认无扣分", "uncertain": "请组长确认"}
MAX_SHEET_PROBLEMS = 200  # sheets reported in full; the rest are counted
MAX_LINES_PER_SHEET = 8


@dataclass
class CheckReport:
    checked: list[str] = field(default_factory=list)  # what was found sound, one phrase each
    problems: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.problems


@dataclass
class SheetContent:
    """A sheet as both sides can say it: rows in the tables, or the audit entries replayed."""

    status: str = DRAFT
    deductions: dict[str, int] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    marks: dict[str, set[str]] = field(default_factory=lambda: {kind: set() for kind in MARK_LABELS})
    comment: str = ""
    holder: str = ""  # the evaluator, or the 组长 holding a 复核 sheet

    @classmethod
    def of_rows(cls, sheet: StoredSheet) -> SheetContent:
        content = cls(status=sheet.status, comment=sheet.comment, holder=sheet.evaluator)
        for code, (count, note) in sheet.deductions.items():
            if count:
                content.deductions[code] = count
            if note:
                content.notes[code] = note
        for (kind, code), note in sheet.marks.items():
            if kind == "note":
                if note:
                    content.notes[code] = note
            else:
                content.marks.setdefault(kind, set()).add(code)
        return content

    def replace(self, data: dict, status: str) -> None:
        """The whole sheet as a §3 JSON object says it (an import, a 复核 start or result)."""
        self.status = status
        self.deductions = {code: int(n) for code, n in (data.get("deductions") or {}).items() if n}
        self.notes = {code: note for code, note in (data.get("notes") or {}).items() if note}
        self.marks = {kind: set(data.get(kind) or ()) for kind in MARK_LABELS}
        self.comment = data.get("comment") or ""

    def apply(self, change: dict) -> None:
        """One change as ``change_sheet`` records it: the values after it, for one code or the comment."""
        code = change.get("code")
        if "comment" in change:
            self.comment = change["comment"] or ""
        if code and "count" in change:
            if change["count"]:
                self.deductions[code] = int(change["count"])
            else:
                self.deductions.pop(code, None)
        if code and "note" in change:
            if change["note"]:
                self.notes[code] = change["note"]
            else:
                self.notes.pop(code, None)
        for kind in MARK_LABELS:
            if code and isinstance(change.get(kind), bool):
                (self.marks[kind].add if change[kind] else self.marks[kind].discard)(code)

    def is_empty_draft(self) -> bool:
        return self.status == DRAFT and not (self.deductions or self.notes or self.comment
                                             or any(self.marks.values()))


CALIBRATION_MARKED = "设定样卷"  # services.calibration's audit action
Key = tuple[int, str, str | None]  # (activity, case_no, evaluator); evaluator None for the file's 复核 sheet


class Replay:
    """Every sheet as the audit log has it, built entry by entry in the order they were written."""

    def __init__(self) -> None:
        self.sheets: dict[Key, SheetContent] = {}
        self.calibration: dict[int, set[str]] = {}  # 案号 of the 样卷 per activity, so far in the log

    def feed(self, event: SheetEvent) -> None:
        if event.activity_id is None:
            return
        if event.entity == "calibration":
            if event.action == CALIBRATION_MARKED:
                self.calibration.setdefault(event.activity_id, set()).update(event.after.get("files", ()))
            return
        if event.entity in ("draw", "assignment"):
            # A (forced) redraw or reassignment voids every sheet of the activity but those on 样卷.
            kept = self.calibration.get(event.activity_id, set())
            for key in [k for k in self.sheets if k[0] == event.activity_id and k[1] not in kept]:
                del self.sheets[key]
            return
        after, before = event.after, event.before
        if event.entity == "review":
            key = (event.activity_id, event.case_no, None)
            sheet = self.sheets.setdefault(key, SheetContent())
            sheet.replace(after, RECONCILED if "score" in after else DRAFT)
            sheet.holder = after.get("leader") or sheet.holder
            return
        evaluator = after.get("evaluator") or before.get("evaluator")
        key = self._sheet_key(event, evaluator)
        sheet = self.sheets.setdefault(key, SheetContent(holder=evaluator or ""))
        if "file" in after:
            sheet.replace(after, DRAFT)
        elif "score" in after:
            sheet.status = SUBMITTED
        else:
            sheet.apply(after)
            if key[2] is None:
                sheet.status = DRAFT  # changing a settled 复核 sheet reopens it
                sheet.holder = evaluator or sheet.holder

    def _sheet_key(self, event: SheetEvent, evaluator: str | None) -> Key:
        if event.after.get("kind") == REVIEW:
            return (event.activity_id, event.case_no, None)
        own = (event.activity_id, event.case_no, evaluator)
        review = self.sheets.get((event.activity_id, event.case_no, None))
        if own not in self.sheets and review is not None and review.holder == evaluator and "file" not in event.after:
            # Entries written before sheet changes said which sheet: the 组长 working on this file's 复核.
            return (event.activity_id, event.case_no, None)
        return own


def _short(text: str, width: int = 24) -> str:
    return f"“{text}”" if len(text) <= width else f"“{text[:width]}…”"


def differences(stored: SheetContent, replayed: SheetContent) -> list[str]:
    """What the rows say that the audit log does not, in words."""
    found = []
    if stored.status != replayed.status:
        found.append(f"状态为“{stored.status}”，操作日志为“{replayed.status}”")
    codes = set(stored.deductions) | set(replayed.deductions) | set(stored.notes) | set(replayed.notes)
    for code in sorted(codes):
        parts = []
        have, want = stored.deductions.get(code, 0), replayed.deductions.get(code, 0)
        if have != want:
            parts.append(f"扣分表中 {have} 次，操作日志为 {want} 次")
        have, want = stored.notes.get(code, ""), replayed.notes.get(code, "")
        if have != want:
            parts.append(f"说明表中{_short(have) if have else '没有'}，操作日志为{_short(want) if want else '没有'}")
        if parts:
            found.append(f"{code}：" + "；".join(parts))
    for kind, label in MARK_LABELS.items():
        have, want = stored.marks.get(kind, set()), replayed.marks.get(kind, set())
        for code in sorted(have - want):
            found.append(f"{label} {code}：表中有，操作日志中没有")
        for code in sorted(want - have):
            found.append(f"{label} {code}：操作日志中有，表中没有")
    if stored.comment != replayed.comment:
        found.append(f"总体评价：表中{_short(stored.comment) if stored.comment else '为空'}，"
                     f"操作日志为{_short(replayed.comment) if replayed.comment else '空'}")
    return found


def _where(activity: str, key: Key, holder: str) -> str:
    _, case_no, evaluator = key
    whose = f"{evaluator} 的评查表" if evaluator is not None else f"复核评查表（{holder or '组长'}）"
    return f"评查活动“{activity}”，案卷 {case_no}，{whose}"


def _summary(content: SheetContent) -> str:
    parts = [f"扣分 {len(content.deductions)} 处"]
    parts += [f"{label} {len(content.marks[kind])} 项" for kind, label in MARK_LABELS.items() if content.marks[kind]]
    return f"{content.status}，" + "，".join(parts)


def _score_text(values: dict) -> str:
    score = values["score"] if values["score"] is not None else "（无法计分）"
    return f"{score}（否决项 {'、'.join(stored_vetoes(values['vetoes']))}）" if values["vetoes"] else score


def score_difference(rubric, row: StoredSheet, content: SheetContent) -> str | None:
    """How the score stored beside a sheet differs from what its rows score, in words (None: it does not)."""
    sheet = Sheet(deductions=content.deductions, na=frozenset(content.marks["na"]),
                  veto=frozenset(content.marks["veto"]), notes=content.notes,
                  decided=frozenset(content.marks["decided"]), uncertain=dict.fromkeys(content.marks["uncertain"], ""))
    computed = scored_values(stored_score(rubric, sheet))
    if computed == {"score": row.score, "vetoes": row.vetoes}:
        return None
    return (f"存储的得分为 {_score_text({'score': row.score, 'vetoes': row.vetoes})}，按表中的扣分、不适用和否决项"
            f"计算为 {_score_text(computed)}：得分或扣分被改动过（结果按存储的得分计）")


def _rubrics(session) -> dict[int, object]:
    """Each activity's rubric, where its stored content still matches its hash (else that is reported)."""
    found = {}
    for activity in stored_activities.all_activities(session):
        try:
            found[activity.id] = info_of(session, activity).rubric
        except UserError:
            continue
    return found


def compare_sheets(store: Store) -> tuple[int, list[str], list[str]]:
    """Every sheet's rows against the replay of its audit entries, and its stored score against what its rows
    score; returns how many sheets, what differs from the log and which stored scores differ."""
    with store.read() as session:
        names = activity_names(session)
        rows = stored_sheets(session)
        rubrics = _rubrics(session)
        replay = Replay()
        for event in sheet_events(session):
            replay.feed(event)
    problems: list[str] = []
    scores: list[str] = []
    seen: set[Key] = set()
    for row in rows:
        key: Key = (row.activity_id, row.case_no, row.evaluator if row.kind == EVALUATION else None)
        seen.add(key)
        stored = SheetContent.of_rows(row)
        if row.activity_id in rubrics:
            differs = score_difference(rubrics[row.activity_id], row, stored)
            if differs is not None:
                scores.append(f"{_where(row.activity, key, row.evaluator)}：{differs}")
        replayed = replay.sheets.get(key)
        if replayed is None:
            if not stored.is_empty_draft():
                problems.append(f"{_where(row.activity, key, row.evaluator)}：表中有这张评查表（{_summary(stored)}），"
                                "操作日志中没有它的记录")
            continue
        found = differences(stored, replayed)
        if len(found) == 1:
            problems.append(f"{_where(row.activity, key, row.evaluator)}：{found[0]}")
        elif found:
            shown = found[:MAX_LINES_PER_SHEET]
            more = [f"……另有 {len(found) - len(shown)} 处"] if len(found) > len(shown) else []
            problems.append(f"{_where(row.activity, key, row.evaluator)}与操作日志有 {len(found)} 处不符：\n    "
                            + "\n    ".join(shown + more))
    for key, replayed in replay.sheets.items():
        if key not in seen and key[0] in names:
            problems.append(f"{_where(names[key[0]], key, replayed.holder)}：操作日志记有这张评查表（{_summary(replayed)}），"
                            "表中没有")
    return len(rows), problems, scores


def check_database(store: Store) -> CheckReport:
    report = CheckReport()
    broken = sqlite_integrity(store)
    if broken:
        report.problems += [f"数据库文件损坏（SQLite integrity_check）：{line}" for line in broken]
    elif store.engine.dialect.name == "sqlite":
        report.checked.append("数据库文件完好")

    revision = schema_revision(store)
    if revision == HEAD:
        report.checked.append(f"表结构为最新版本 {HEAD}")
    else:
        report.problems.append(f"表结构版本为 {revision or '（无）'}，本程序的最新版本为 {HEAD}")

    with store.read() as session:
        entries, breaks = verify_chain(session)
        rubrics = rubric_contents(session)
    for gap in breaks:
        if gap.problem == "content":
            report.problems.append(f"操作日志第 {gap.entry_id} 条（{gap.action}）的内容与其哈希不符：这条记录被改动过")
        else:
            report.problems.append(f"操作日志第 {gap.entry_id} 条（{gap.action}）与前一条的哈希链断开："
                                   "在它之前有记录被删除、插入或改动过")
    if not breaks:
        report.checked.append(f"操作日志 {entries} 条，哈希链完整")
    unguarded = missing_audit_triggers(store)
    if unguarded:
        report.problems.append(f"操作日志的只追加保护已被拆除（数据库触发器 {'、'.join(unguarded)} 不存在）：日志可以被改动或删除")

    altered = [r.key for r in rubrics if content_hash(r.content) != r.sha256]
    report.problems += [f"评分标准 {key} 的存储内容与载入时的哈希不符：内容被改动过" for key in altered]
    if not altered:
        report.checked.append(f"评分标准 {len(rubrics)} 个版本，内容与哈希一致")

    sheets, differing, scores = compare_sheets(store)
    shown = differing[:MAX_SHEET_PROBLEMS]
    report.problems += shown
    if len(differing) > len(shown):
        report.problems.append(f"……另有 {len(differing) - len(shown)} 张评查表与操作日志不符")
    if not differing:
        report.checked.append(f"评查表 {sheets} 张，与操作日志逐条重放的结果一致")
    shown = scores[:MAX_SHEET_PROBLEMS]
    report.problems += shown
    if len(scores) > len(shown):
        report.problems.append(f"……另有 {len(scores) - len(shown)} 张评查表存储的得分与其扣分不符")
    if not scores:
        report.checked.append("每张评查表存储的得分与其扣分相符")
    return report
