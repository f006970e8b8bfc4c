"""§10 applied: the rules of ``pingcha.policy`` checked against the roster and the passphrases, and signing in.

Every service that changes or reads what a rule protects calls one of the ``require_*`` functions inside its own
transaction, so the command line, the terminal UI and the browser obey the same checks. A refusal raises
``errors.Refused``: the transaction is rolled back and the store audits the refusal on its own.
"""

from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from pingcha import policy
from pingcha.errors import Refused, UserError
from pingcha.files import write_file
from pingcha.policy import LeaderAction
from pingcha.services.activities import find_activity
from pingcha.store import Store, Transaction
from pingcha.store import activities as roster
from pingcha.store import people as stored
from pingcha.store.audit import record
from pingcha.vocabulary import Role

_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off a printed slip


def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()


def role_of(session: Transaction, activity_id: int, actor: str) -> Role | None:
    person = roster.person_named(session, activity_id, actor)
    return Role(person.role) if person is not None else None


def is_protected(store: Store, activity_ref: str) -> bool:
    with store.read() as session:
        return stored.is_protected(session, find_activity(session, activity_ref).id)


def any_unprotected(store: Store) -> bool:
    with store.read() as session:
        protected = stored.protected_activities(session)
        return any(a.id not in protected for a in roster.all_activities(session))


def require_leader(session: Transaction, activity_id: int, actor: str, action: LeaderAction) -> None:
    reason = policy.leader_refusal(action, actor, role_of(session, activity_id, actor),
                                   stored.is_protected(session, activity_id))
    if reason:
        raise Refused(reason, actor, action.value, activity_id)


def require_leader_anywhere(session: Transaction, actor: str, action: LeaderAction) -> None:
    """For what belongs to no one activity (loading a rubric, creating an activity): once any activity is
    protected, only a 组长 of a protected activity may do it."""
    protected = stored.protected_activities(session)
    if protected and not stored.leaders_named(session, actor, protected):
        raise Refused(f"只有组长可以{action.value}；“{actor}”不是受口令保护的评查活动的组长。", actor, action.value)


def require_own_sheet(session: Transaction, activity_id: int, actor: str, owner: str, verb: str) -> None:
    require_own_sheets(session, activity_id, actor, [owner], verb)


def require_own_sheets(session: Transaction, activity_id: int, actor: str, owners: list[str], verb: str) -> None:
    """Every one of ``owners``' sheets may be touched by ``actor`` (the roster is read once, and not at all when
    they are all the actor's own: everyone may touch their own sheets, whatever their role)."""
    others = [owner for owner in dict.fromkeys(owners) if owner != actor]
    if not others:
        return
    role = role_of(session, activity_id, actor)
    for owner in others:
        reason = policy.sheet_refusal(actor, role, owner, verb)
        if reason:
            raise Refused(reason, actor, f"{verb}评查表", activity_id)


def require_review_holder(session: Transaction, activity_id: int, actor: str, holder: str, case_no: str) -> None:
    reason = policy.review_sheet_refusal(actor, holder, case_no)
    if reason:
        raise Refused(reason, actor, LeaderAction.REVIEW.value, activity_id)


def require_not_scored(session: Transaction, activity_id: int, actor: str, case_no: str,
                       submitted_by: set[str]) -> None:
    reason = policy.review_refusal(actor, case_no, submitted_by)
    if reason:
        raise Refused(reason, actor, LeaderAction.REVIEW.value, activity_id)


def check_leader(store: Store, activity_ref: str, actor: str, action: LeaderAction) -> None:
    """The 组长-only check on its own, for actions that write nothing to the database (reports)."""
    with store.read() as session:
        activity = find_activity(session, activity_ref)
        reason = policy.leader_refusal(action, actor, role_of(session, activity.id, actor),
                                       stored.is_protected(session, activity.id))
    if reason:
        refusal = Refused(reason, actor, action.value, activity.id)
        store.audit_refusal(refusal)
        raise refusal


def sees_other_sheets(store: Store, activity_ref: str, actor: str) -> Callable[[bool], bool]:
    """Blind scoring for one reader: a function of whether a file is settled (final or needs 复核)."""
    with store.read() as session:
        activity = find_activity(session, activity_ref)
        role = role_of(session, activity.id, actor)
        protected = stored.is_protected(session, activity.id)
    return lambda settled: policy.sees_other_sheets(actor, role, protected, settled)


def agreement_for(store: Store, activity_ref: str, actor: str, flag_at=None):
    """评查尺度一致性 (§9) names every evaluator with their offset: for the 组长 (internal, never published)."""
    from pingcha.services.agreement import DEFAULT_FLAG_AT, activity_agreement

    check_leader(store, activity_ref, actor, LeaderAction.READ_AGREEMENT)
    return activity_agreement(store, activity_ref, DEFAULT_FLAG_AT if flag_at is None else flag_at)


def prechecks_for(store: Store, activity_ref: str, actor: str, drawn: bool = False):
    """The 预检 of the whole register, with how the evaluators decided on the findings so far: for the 组长
    (an evaluator sees the findings on their own files, on the scoring screen)."""
    from pingcha.services.prechecks import precheck_activity

    check_leader(store, activity_ref, actor, LeaderAction.READ_PRECHECKS)
    return precheck_activity(store, activity_ref, drawn=drawn)


# -- signing in ----------------------------------------------------------------------------------------------------

def _refuse_committed(store: Store, actor: str, activity_id: int | None, message: str,
                      change: Callable[[Transaction], None] | None = None) -> UserError:
    """Audit a refused sign-in (and keep its count of wrong tries) in a committed transaction."""
    with store.transaction() as session:
        if change is not None:
            change(session)
        record(session, actor, "access", "拒绝", activity_id=activity_id, after={"action": "登录", "reason": message})
    return UserError(message)


def _verify(store: Store, activity_id: int, person_id: int, name: str, passphrase: str | None) -> None:
    with store.read() as session:
        held = stored.credential(session, person_id)
    if held is None:
        raise _refuse_committed(store, name, activity_id, f"“{name}”还没有本次评查活动的口令，请向组长领取。")
    moment = datetime.now(timezone.utc)
    if held.locked_until is not None and held.locked_until > moment:
        minutes = max(1, int((held.locked_until - moment).total_seconds() // 60) + 1)
        raise _refuse_committed(store, name, activity_id,
                                f"“{name}”连续 {policy.LOCK_AFTER} 次口令错误，已被锁定，请约 {minutes} 分钟后再试。")
    if not passphrase:
        raise _refuse_committed(store, name, activity_id,
                                "本次评查活动受口令保护：请用环境变量 PINGCHA_PASSWORD 给出口令（或在终端中输入）。")
    hasher = _hasher()
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        hasher.verify(held.secret_hash, passphrase)
    except (VerificationError, InvalidHashError):
        failures = held.failures + 1
        locked = failures >= policy.LOCK_AFTER
        until = moment + timedelta(minutes=policy.LOCK_MINUTES) if locked else None

        def count(session: Transaction) -> None:
            stored.note_try(session, person_id, 0 if locked else failures, until)

        message = f"“{name}”的口令不正确。" + (
            f"已连续 {policy.LOCK_AFTER} 次错误，锁定 {policy.LOCK_MINUTES} 分钟。" if locked else "")
        raise _refuse_committed(store, name, activity_id, message, count) from None
    if held.failures or held.locked_until is not None:
        with store.transaction() as session:
            stored.note_try(session, person_id, 0, None)


def sign_in(store: Store, activity_ref: str, name: str | None, passphrase: Callable[[], str | None]) -> bool:
    """Check who is acting on an activity. Unprotected: nothing to check (False). Protected: ``name`` must be on
    the roster and give their passphrase (asked for only then); anything else is refused and audited."""
    with store.read() as session:
        activity = find_activity(session, activity_ref)
        if not stored.is_protected(session, activity.id):
            return False
        person = roster.person_named(session, activity.id, name) if name else None
    if not name:
        raise _refuse_committed(store, "（未署名）", activity.id,
                                "本次评查活动受口令保护：请用 --as 姓名（或环境变量 PINGCHA_USER）说明你是谁。")
    if person is None:
        raise _refuse_committed(store, name, activity.id, f"“{name}”不在本次评查活动的人员名单中，不能登录。")
    _verify(store, activity.id, person.id, name, passphrase())
    return True


def sign_in_leader(store: Store, name: str | None, passphrase: Callable[[], str | None]) -> bool:
    """For commands of no one activity: once any activity is protected, a 组长 of one signs in with its passphrase."""
    with store.read() as session:
        protected = stored.protected_activities(session)
        ids = stored.leaders_named(session, name, protected) if name and protected else []
        activity_of = {p: roster.person_by_id(session, p).activity_id for p in ids}
    if not protected:
        return False
    if not ids:
        raise _refuse_committed(store, name or "（未署名）", None,
                                "已有评查活动受口令保护：只有其组长可以执行此操作（用 --as 组长姓名并给出口令）。")
    given = passphrase()
    problems = []
    for person_id in ids:
        try:
            _verify(store, activity_of[person_id], person_id, name, given)
            return True
        except UserError as exc:
            problems.append(str(exc))
    raise UserError(problems[0])


# -- issuing passphrases ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Issued:
    name: str
    unit: str
    role: str
    passphrase: str


def new_passphrase() -> str:
    return "-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(3))


def _slips(activity: str, issued: list[Issued], out: Path) -> bytes:
    header = ["评查活动", "姓名", "单位", "角色", "口令"]
    rows = [[activity, i.name, i.unit, i.role, i.passphrase] for i in issued]
    if out.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "口令"
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return text.getvalue().encode("utf-8-sig")


def issue_credentials(store: Store, activity_ref: str, names: list[str], out: str | Path, actor: str) -> list[Issued]:
    """New passphrases for the people named (default: the whole roster), written once to ``out`` (.csv/.xlsx);
    only their salted slow hashes are stored. The first passphrases of an activity may be issued by anyone,
    later ones only by a 组长 (signed in)."""
    out = Path(out)
    if out.suffix.lower() not in (".csv", ".xlsx"):
        raise UserError(f"口令文件“{out.name}”须为 .csv 或 .xlsx 文件")
    if out.exists():
        raise UserError(f"“{out}”已存在：口令只写出一次，请指定一个新文件名（旧文件请妥善销毁）。")
    hasher = _hasher()
    with store.transaction() as session:
        activity = find_activity(session, activity_ref)
        require_leader(session, activity.id, actor, LeaderAction.ISSUE_CREDENTIALS)
        everyone = roster.people(session, activity.id)
        if not everyone:
            raise UserError(f"评查活动“{activity.name}”还没有人员名单，请先导入（evaluators import）。")
        by_name = {p.name: p for p in everyone}
        unknown = [n for n in names if n not in by_name]
        if unknown:
            raise UserError("不在本次评查活动人员名单中：" + "、".join(unknown))
        chosen = [by_name[n] for n in dict.fromkeys(names)] if names else everyone
        issued = [Issued(p.name, p.unit, p.role, new_passphrase()) for p in chosen]
        stored.set_credentials(session, activity.id, {p.id: hasher.hash(i.passphrase) for p, i in zip(chosen, issued)},
                               actor)
        record(session, actor, "access", "发放口令", activity_id=activity.id,
               after={"people": [p.name for p in chosen], "file": out.name})
        write_file(out, _slips(activity.name, issued, out))
    return issued


# -- blind scoring ---------------------------------------------------------------------------------------------------

def _settled(status: str) -> bool:
    from pingcha.vocabulary import FileStatus

    return status in (FileStatus.FINAL, FileStatus.NEEDS_REVIEW)


def results_for(store: Store, activity_ref: str, actor: str):
    """The activity's results as ``actor`` may see them: on a file not yet final nor needing 复核, an evaluator
    sees only their own sheet and their own name (blind scoring, §10)."""
    from dataclasses import replace

    from pingcha.services.results import activity_results

    outcome = activity_results(store, activity_ref, contents=False)
    sees = sees_other_sheets(store, activity_ref, actor)
    if sees(False) or all(sees(_settled(f.status)) for f in outcome.files):  # sees(False): every file, settled or not
        return outcome
    files = [f if sees(_settled(f.status)) else replace(
        f, evaluators=tuple(e for e in f.evaluators if e == actor),
        sheets=tuple(s for s in f.sheets if s.evaluator == actor)) for f in outcome.files]
    return replace(outcome, files=tuple(files))


def history_for(store: Store, activity_ref: str, actor: str, case_no: str | None = None):
    """The audit history as ``actor`` may see it: an evaluator does not see other people's entries on a file that
    is not yet final nor needing 复核 (they would name its evaluators and show their sheets)."""
    from pingcha.services.audit import history
    from pingcha.services.results import activity_results

    lines = history(store, activity_ref, case_no)
    sees = sees_other_sheets(store, activity_ref, actor)
    if sees(False):
        return lines
    hidden = {f.case.case_no for f in activity_results(store, activity_ref, contents=False).files
              if not sees(_settled(f.status))}
    return [line for line in lines if line.actor == actor or line.case_no not in hidden]


# -- serving browsers --------------------------------------------------------------------------------------------------

def is_loopback(host: str) -> bool:
    import ipaddress
    import socket

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        try:
            return all(ipaddress.ip_address(info[4][0]).is_loopback for info in socket.getaddrinfo(host, None))
        except (OSError, ValueError):
            return False


def check_serve_host(store: Store, host: str) -> None:
    """``pingcha serve``: a non-loopback address is refused while any activity of the database is unprotected."""
    if not is_loopback(host) and any_unprotected(store):
        raise UserError(f"数据库中有评查活动还没有发放口令（未受保护）：不能在 {host} 上向其他计算机开放。"
                        "请先为每个评查活动运行 pingcha people credentials，或只在本机（127.0.0.1）使用。")
