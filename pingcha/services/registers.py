"""Importing a case register (案卷目录) and an evaluator roster: all or nothing, every bad row named."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pingcha.errors import UserError
from pingcha.results import CaseFile as CaseRecord
from pingcha.policy import LeaderAction
from pingcha.services import access
from pingcha.services.activities import find_activity
from pingcha.services.calibration import ensure_assignments as ensure_calibration
from pingcha.services.tables import read_table
from pingcha.store import Store
from pingcha.store import activities as roster_store
from pingcha.store import people as stored_people
from pingcha.store import register
from pingcha.store.audit import record
from pingcha.vocabulary import Role
from pingcha.text import case_no_key, clean_cell, name_key, normal_case_no

REGISTER_REQUIRED = ("案号", "执法部门", "案由", "当事人")
REGISTER_OPTIONAL = ("当事人类型", "程序类型", "处罚决定", "立案日期", "决定日期", "送达日期", "结案日期", "执法人员")
DATE_COLUMNS = {"立案日期": "filed_on", "决定日期": "decided_on", "送达日期": "served_on", "结案日期": "closed_on"}
PROCEDURES = ("普通程序", "简易程序")
PARTY_TYPES = ("个人", "单位")
ROSTER_REQUIRED = ("姓名", "单位")
ROLES = tuple(Role)
UNIT_CUTOFF = 0.7  # difflib ratio above which a roster unit is taken for a misspelt agency

# Words that mark an organisation rather than a person, for rows whose 当事人类型 is blank.
_ORGANISATION = re.compile(
    r"公司|集团|厂|店|铺|行$|商行|超市|市场|中心|部$|经营部|门市|合作社|协会|学会|医院|诊所|药房|药店|学校|幼儿园"
    r"|酒店|宾馆|饭店|餐厅|餐馆|食堂|网吧|工作室|农场|养殖场|站$|加油站|局$|委员会|政府|办事处|项目部|工地|所$"
    r"|有限|股份|分公司|个体工商户|事务所|俱乐部|影院|会所|馆$"
)

_DATE_FORMS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
)


def parse_date(text: str) -> date | None:
    """YYYY-MM-DD or YYYY年M月D日 (also / and . separators); None when not a valid date."""
    text = text.strip().replace(" ", "")
    for form in _DATE_FORMS:
        match = form.match(text)
        if match:
            try:
                return date(*(int(part) for part in match.groups()))
            except ValueError:
                return None
    return None


def guess_party_type(party: str) -> str:
    """单位 when the name reads like an organisation; 个人 otherwise (and when unsure)."""
    return "单位" if _ORGANISATION.search(party) else "个人"


def split_officers(text: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in re.split(r"[、,，;；/\s]+", text) if name.strip())


def _report(name: str, problems: list[str], what: str) -> UserError:
    shown = problems[:200]
    more = f"\n……另有 {len(problems) - len(shown)} 处问题" if len(problems) > len(shown) else ""
    return UserError(f"{name}：{what}有 {len(problems)} 处问题，整个文件未导入：\n" + "\n".join(shown) + more)


def parse_register(path: str | Path, existing_case_nos: set[str] = frozenset()) -> list[tuple[int, CaseRecord]]:
    """Validated register rows, or a UserError listing every bad row by its spreadsheet row number."""
    path = Path(path)
    table = read_table(path, REGISTER_REQUIRED)
    extra_columns = [h for h in table.headers if h not in REGISTER_REQUIRED + REGISTER_OPTIONAL]
    problems: list[str] = []
    seen: dict[str, tuple[int, str]] = {}
    existing = {case_no_key(no) for no in existing_case_nos}
    records = []
    for row_no, raw in table.rows:
        values = {column: clean_cell(value) for column, value in raw.items()}
        row_problems = []
        for column in REGISTER_REQUIRED:
            if not values.get(column, ""):
                row_problems.append(f"“{column}”为空")
        case_no = normal_case_no(values.get("案号", ""))
        if case_no:
            key = case_no_key(case_no)
            if key in seen:
                first_row, first = seen[key]
                same = "" if first == raw.get("案号", "").strip() else f"（即“{first}”，全角半角或括号写法不同）"
                row_problems.append(f"案号“{raw.get('案号', '').strip()}”与第 {first_row} 行重复{same}")
            elif key in existing:
                row_problems.append(f"案号“{case_no}”已在本次评查活动中导入过")
            else:
                seen[key] = (row_no, raw.get("案号", "").strip())
        dates = {}
        for column, field in DATE_COLUMNS.items():
            text = values.get(column, "")
            if text:
                parsed = parse_date(text)
                if parsed is None:
                    row_problems.append(f"“{column}”的“{text}”不是有效日期（应为 2024-03-15 或 2024年3月15日）")
                dates[field] = parsed
        procedure = values.get("程序类型", "") or "普通程序"
        if procedure not in PROCEDURES:
            row_problems.append(f"“程序类型”应为 普通程序 或 简易程序，实际为“{procedure}”")
        party = values.get("当事人", "")
        party_type = values.get("当事人类型", "")
        if party_type and party_type not in PARTY_TYPES:
            row_problems.append(f"“当事人类型”应为 个人 或 单位，实际为“{party_type}”")
        if row_problems:
            problems.append(f"第 {row_no} 行：" + "；".join(row_problems))
            continue
        records.append(
            (
                row_no,
                CaseRecord(
                    case_no=case_no,
                    agency=values["执法部门"],
                    cause=values["案由"],
                    party=party,
                    party_type=party_type or guess_party_type(party),
                    procedure=procedure,
                    decision=values.get("处罚决定", ""),
                    officers=split_officers(values.get("执法人员", "")),
                    extra={h: values.get(h, "") for h in extra_columns},
                    **dates,
                ),
            )
        )
    if problems:
        raise _report(path.name, problems, "案卷目录")
    return records


@dataclass(frozen=True)
class ImportSummary:
    rows: int
    agencies: int
    procedures: dict[str, int]


def import_register(store: Store, activity_ref: str, path: str | Path, actor: str) -> ImportSummary:
    """Import a register into an activity in one transaction; nothing is written if any row is bad. The file is
    read and checked before the transaction takes the write lock, so others keep saving meanwhile."""
    with store.read() as session:
        activity = find_activity(session, activity_ref)
        existing = register.case_numbers(session, activity.id)
    records = parse_register(path, existing)
    with store.transaction() as session:
        activity = find_activity(session, activity_ref)
        access.require_leader(session, activity.id, actor, LeaderAction.IMPORT_REGISTER)
        existing = register.case_numbers(session, activity.id)
        clashes = [f"第 {row_no} 行：案号“{case.case_no}”已在本次评查活动中导入过"
                   for row_no, case in records if case.case_no in existing]
        if clashes:  # imported by someone else since the file was checked
            raise _report(Path(path).name, clashes, "案卷目录")
        agencies = register.add_agencies(session, activity.id, (case.agency for _, case in records))
        register.insert_cases(session, activity.id, [(row_no, agencies[case.agency], case) for row_no, case in records])
        procedures: dict[str, int] = {}
        for _, case in records:
            procedures[case.procedure] = procedures.get(case.procedure, 0) + 1
        summary = ImportSummary(len(records), len({c.agency for _, c in records}), procedures)
        record(
            session, actor, "register", "导入案卷目录", activity_id=activity.id,
            after={"file": Path(path).name, "rows": summary.rows, "agencies": summary.agencies, "procedures": procedures},
        )
        return summary


def parse_roster(path: str | Path, existing_names: set[str] = frozenset()) -> list[tuple[str, str, str]]:
    path = Path(path)
    table = read_table(path, ROSTER_REQUIRED)
    problems = []
    seen: dict[str, tuple[int, str]] = {}
    existing = {name_key(name) for name in existing_names}
    people = []
    for row_no, raw in table.rows:
        values = {column: clean_cell(value) for column, value in raw.items()}
        row_problems = []
        name, unit = values.get("姓名", ""), values.get("单位", "")
        role = values.get("角色", "") or Role.EVALUATOR
        if not name:
            row_problems.append("“姓名”为空")
        elif name_key(name) in seen:
            first_row, first = seen[name_key(name)]
            same = "" if first == name else f"（“{first}”，只差空格或不可见字符）"
            row_problems.append(f"姓名“{name}”与第 {first_row} 行重复{same}")
        elif name_key(name) in existing:
            row_problems.append(f"“{name}”已在本次评查活动的人员名单中")
        else:
            seen[name_key(name)] = (row_no, name)
        if not unit:
            row_problems.append("“单位”为空（回避需要知道评查人员所在单位）")
        if role not in ROLES:
            row_problems.append(f"“角色”应为 评查员 或 组长，实际为“{role}”")
        if row_problems:
            problems.append(f"第 {row_no} 行：" + "；".join(row_problems))
        else:
            people.append((name, unit, role))
    if problems:
        raise _report(path.name, problems, "人员名单")
    return people


def unit_problems(people: list[tuple[str, str, str]], agencies: list[str], aliases: dict[str, str]) -> list[str]:
    """回避 compares a person's 单位 with a file's 执法部门: a unit spelled close to an agency but not as it
    (区市场监督管理局 / 区市场监管局) would defeat it, so it is refused with the nearest agencies offered, unless
    mapped. A unit far from every agency is one that holds no file (区司法局)."""
    by_normal = {name_key(a): a for a in agencies}
    problems = []
    for unit in dict.fromkeys(u for _, u, _ in people):
        key = name_key(unit)
        if key in by_normal or key in aliases:
            continue
        near = difflib.get_close_matches(key, list(by_normal), n=3, cutoff=UNIT_CUTOFF)
        if near:
            offered = "、".join(f"“{by_normal[n]}”" for n in near)
            problems.append(f"单位“{unit}”与案卷目录中的执法部门都不一致，最接近的是 {offered}；若是同一单位，"
                            f"请用 --map {unit}={by_normal[near[0]]} 说明（只需一次，会被记住），否则请改正名单。")
    return problems


def _checked_map(mapping: dict[str, str], agencies: list[str]) -> dict[str, str]:
    by_normal = {name_key(a): a for a in agencies}
    wrong = [f"--map {unit}={agency}：案卷目录中没有执法部门“{agency}”" for unit, agency in mapping.items()
             if name_key(agency) not in by_normal]
    if wrong:
        raise UserError("\n".join(wrong))
    return {name_key(unit): by_normal[name_key(agency)] for unit, agency in mapping.items()}


def import_roster(store: Store, activity_ref: str, path: str | Path | None, actor: str,
                  mapping: dict[str, str] | None = None) -> list[tuple[str, str, str]]:
    """Import a roster; as a register, the file is read and checked before the write lock is taken. ``mapping``
    (单位 → 执法部门) is stored for 回避; with no ``path``, only the mapping is stored."""
    if path is None and not mapping:
        raise UserError("请给出人员名单文件，或用 --map 单位=执法部门 说明单位的对应关系")
    with store.read() as session:
        activity = find_activity(session, activity_ref)
        existing = roster_store.person_names(session, activity.id)
    people = parse_roster(path, existing) if path is not None else []
    with store.transaction() as session:
        activity = find_activity(session, activity_ref)
        access.require_leader(session, activity.id, actor, LeaderAction.IMPORT_ROSTER)
        existing = roster_store.person_names(session, activity.id)
        clashes = [f"“{name}”已在本次评查活动的人员名单中" for name, _, _ in people if name in existing]
        if clashes:
            raise _report(Path(path).name, clashes, "人员名单")
        agencies = list(register.agency_ids(session, activity.id))
        given = _checked_map(mapping or {}, agencies)
        aliases = {**stored_people.unit_aliases(session, activity.id), **given}
        problems = unit_problems(people, agencies, aliases)
        if problems:
            raise _report(Path(path).name, problems, "人员名单")
        if given:
            stored_people.add_unit_aliases(session, activity.id, given)
            record(session, actor, "roster", "对应单位与执法部门", activity_id=activity.id, after=given)
        if path is None:
            return people
        roster_store.add_people(session, activity.id, people)
        ensure_calibration(session, activity.id)  # newcomers take the calibration round too
        record(
            session, actor, "roster", "导入人员名单", activity_id=activity.id,
            after={"file": Path(path).name, "people": [f"{n}（{u}，{r}）" for n, u, r in people]},
        )
        return people
