"""文书设置: the 发文字号, 主送, 抄送, dates and deadline that go on the documents.

Merged as: district defaults < the activity's stored settings < per-report overrides. Keys are
English in code; ``LABELS`` gives the Chinese a person sees. Several defaults follow from other
keys (the 发文机关标志 from the issuer, the deadline from the 成文日期), so they are worked out after
the merge: changing the issuer or the date carries through.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from pingcha.errors import UserError
from pingcha.reports import facts
from pingcha.reports.facts import cn_date
from pingcha.results import ActivityResults

LABELS: dict[str, str] = {
    "title": "通报标题",
    "issuer": "发文机关",
    "issuer_mark": "发文机关标志（红头）",
    "doc_code": "发文机关代字",
    "doc_year": "发文年份",
    "doc_serial": "发文顺序号",
    "doc_number": "发文字号",
    "recipients": "主送机关",
    "cc": "抄送机关",
    "printer": "印发机关",
    "issue_date": "成文日期",
    "print_date": "印发日期",
    "deadline_days": "整改期限（天）",
    "deadline": "整改截止日期",
    "report_to": "整改情况报送单位",
    "period": "评查时间",
    "scope": "评查范围",
    "method": "评查方式",
    "attachment_title": "附件名称",
    "notice_title": "整改通知书标题",
    "contact": "联系人",
    "phone": "联系电话",
    "problems_per_category": "每类列举问题数",
    "listed_in_body": "正文点名案卷数",
    "sealed": "加盖印章",
    "analysis": "原因分析",
    "templates": "模板目录",
    "reply_by": "异议反馈截止日期",
}

DEFAULTS: dict[str, str] = {
    "issuer": "攀枝花市西区司法局",
    "doc_code": "西司发",
    "doc_serial": "",
    "recipients": "格里坪镇人民政府、各街道办事处，区级各行政执法部门",
    "cc": "攀枝花市司法局，区委依法治区办。",
    "deadline_days": "30",
    "method": "交叉检查、集中评查",
    "attachment_title": "评查结果汇总表",
    "notice_title": "行政处罚案卷评查整改通知书",
    "contact": "",
    "phone": "",
    "problems_per_category": "5",
    "listed_in_body": "5",
    "sealed": "是",
    "analysis": ("从评查情况看，案卷质量问题的原因主要有：一是部分执法人员对《中华人民共和国行政处罚法》等法律法规学习不深不透，"
                 "程序意识、证据意识有待增强；二是部分单位法制审核把关不严，案卷审核流于形式；三是立卷归档管理不够规范，"
                 "执法文书制作和案卷整理标准不统一。"),
    "templates": "",
}



def default_text(key: str) -> str:
    """A key's default as a person reads it: the value, （空）, or （自动） where other settings decide it."""
    if key not in DEFAULTS:
        return "（自动）"
    text = DEFAULTS[key] or "（空）"
    return text if len(text) <= 40 else text[:38] + "……"


_DATE_KEYS = ("issue_date", "print_date", "deadline", "reply_by")
# (lowest, highest) a number may be: a year as written in 〔2024〕, a deadline a date can hold.
_NUMBER_RANGES = {"deadline_days": (1, 3650), "problems_per_category": (1, 50), "listed_in_body": (0, 100),
                  "doc_year": (1949, 2999)}
_YES, _NO = ("是", "盖章", "加盖", "yes", "true", "1"), ("否", "不盖章", "不加盖", "no", "false", "0")
_CN_DATE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")


@dataclass(frozen=True)
class DocumentSettings:
    """The settings of one report, every key resolved (dates as dates, the rest as text)."""

    title: str
    issuer: str
    issuer_mark: str
    doc_number: str
    recipients: str
    cc: str
    printer: str
    issue_date: date
    print_date: date
    deadline: date
    report_to: str
    period: str
    scope: str
    method: str
    attachment_title: str
    notice_title: str
    contact: str
    phone: str
    problems_per_category: int
    listed_in_body: int
    sealed: bool
    analysis: str
    templates: str


def parse_date(text: str, key: str) -> date:
    """A date written 2024-03-21, 2024/3/21 or 2024年3月21日."""
    text = text.strip()
    match = _CN_DATE.match(text)
    try:
        if match:
            return date(*(int(part) for part in match.groups()))
        return datetime.strptime(text.replace("/", "-"), "%Y-%m-%d").date()
    except ValueError:
        pass
    raise UserError(f"文书设置“{LABELS.get(key, key)}”（{key}）应为日期，如 2024-03-21 或 2024年3月21日，实际为“{text}”")


_FULL_WIDTH_DIGITS = {0xFF10 + i: str(i) for i in range(10)}


def _parse_count(text: str, key: str) -> int:
    text = text.strip().translate(_FULL_WIDTH_DIGITS)  # ３０ typed on a Chinese keyboard is 30; ² is not 2
    if not text.isascii() or not text.isdigit():
        raise UserError(f"文书设置“{LABELS.get(key, key)}”（{key}）应为正整数，实际为“{text}”")
    low, high = _NUMBER_RANGES[key]
    if key == "doc_year" and len(text) != 4:
        raise UserError(f"文书设置“{LABELS[key]}”（{key}）应为四位年份，如 2024（GB/T 9704：年份应标全称），实际为“{text}”")
    if not low <= int(text) <= high:
        raise UserError(f"文书设置“{LABELS.get(key, key)}”（{key}）应在 {low} 至 {high} 之间，实际为“{text}”")
    return int(text)


def _parse_serial(text: str) -> str:
    """发文顺序号 per GB/T 9704 7.2.4: digits, no 第, no leading zeros (1 is not 01)."""
    text = text.strip()
    if not text.isascii() or not text.isdigit() or text.startswith("0"):
        raise UserError(f"文书设置“{LABELS['doc_serial']}”（doc_serial）应为不加“第”字、不编虚位的数字，如 12"
                        f"（GB/T 9704：1 不编为 01），实际为“{text}”")
    return text


def _parse_yes_no(text: str, key: str) -> bool:
    text = text.strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise UserError(f"文书设置“{LABELS.get(key, key)}”（{key}）应为“是”或“否”，实际为“{text}”")


def check_settings(changes: Mapping[str, object]) -> list[str]:
    """Every problem with ``changes`` before they are stored (unknown keys, bad dates or numbers)."""
    problems = []
    for key, value in changes.items():
        if key not in LABELS:
            known = "、".join(f"{k}（{label}）" for k, label in LABELS.items())
            problems.append(f"未知的文书设置“{key}”；可用的设置：{known}")
            continue
        text = _as_text(value)
        if not text:
            continue
        try:
            if key in _DATE_KEYS:
                parse_date(text, key)
            elif key in _NUMBER_RANGES:
                _parse_count(text, key)
            elif key == "doc_serial":
                _parse_serial(text)
            elif key == "sealed":
                _parse_yes_no(text, key)
        except UserError as error:
            problems.append(str(error))
    return problems


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def resolve(
    stored: Mapping[str, str] | None,
    overrides: Mapping[str, object] | None,
    *,
    activity: str,
    period: str,
    scope: str,
    today: date | None = None,
) -> DocumentSettings:
    """Merge defaults < ``stored`` < ``overrides`` and fill the keys that follow from others.

    ``period`` and ``scope`` are the defaults worked out from the activity's data.
    Unknown keys in ``overrides`` are an error; unknown stored keys are left for other features.
    """
    problems = check_settings(overrides or {})
    if problems:
        raise UserError("；".join(problems))
    merged: dict[str, str] = dict(DEFAULTS)
    for source in (stored or {}, overrides or {}):
        for key, value in source.items():
            if key in LABELS and value is not None:
                merged[key] = _as_text(value)

    def given(key: str) -> str:
        return merged.get(key, "").strip()

    issue_date = parse_date(given("issue_date"), "issue_date") if given("issue_date") else (today or date.today())
    issuer = given("issuer") or DEFAULTS["issuer"]
    year = _parse_count(given("doc_year"), "doc_year") if given("doc_year") else issue_date.year
    # An unnumbered draft keeps a blank where the 发文顺序号 will be written in.
    serial = _parse_serial(given("doc_serial")) if given("doc_serial") else "\u3000\u3000"
    deadline_days = _parse_count(given("deadline_days") or DEFAULTS["deadline_days"], "deadline_days")
    values = {
        "title": given("title") or default_title(activity),
        "issuer": issuer,
        "issuer_mark": given("issuer_mark") or f"{issuer}文件",
        "doc_number": given("doc_number") or f"{given('doc_code')}〔{year}〕{serial}号",
        "recipients": merged["recipients"],
        "cc": merged["cc"],
        "printer": given("printer") or f"{issuer}办公室",
        "issue_date": issue_date,
        "print_date": parse_date(given("print_date"), "print_date") if given("print_date") else issue_date,
        "deadline": (
            parse_date(given("deadline"), "deadline")
            if given("deadline")
            else issue_date + timedelta(days=deadline_days)
        ),
        "report_to": given("report_to") or issuer,
        "period": given("period") or period,
        "scope": given("scope") or scope,
        "method": given("method") or DEFAULTS["method"],
        "attachment_title": given("attachment_title") or DEFAULTS["attachment_title"],
        "notice_title": given("notice_title") or DEFAULTS["notice_title"],
        "contact": merged["contact"],
        "phone": merged["phone"],
        "problems_per_category": _parse_count(
            given("problems_per_category") or DEFAULTS["problems_per_category"], "problems_per_category"
        ),
        "listed_in_body": _parse_count(given("listed_in_body") or DEFAULTS["listed_in_body"], "listed_in_body"),
        "sealed": _parse_yes_no(given("sealed") or DEFAULTS["sealed"], "sealed"),
        "analysis": given("analysis") or DEFAULTS["analysis"],
        "templates": given("templates"),
    }
    if values["print_date"] < issue_date:
        raise UserError(f"文书设置“印发日期”（{cn_date(values['print_date'])}）不能早于“成文日期”（{cn_date(issue_date)}）")
    if values["deadline"] <= issue_date:
        raise UserError(f"文书设置“整改截止日期”（{cn_date(values['deadline'])}）应晚于“成文日期”（{cn_date(issue_date)}）")
    return DocumentSettings(**values)


def default_title(activity: str) -> str:
    """关于2024年度行政处罚案卷评查结果的通报, from the activity's name."""
    activity = activity.strip()
    if "评查" in activity:
        return f"关于{activity}结果的通报"
    return f"关于{activity}行政处罚案卷评查结果的通报"


def as_context(settings: DocumentSettings) -> dict[str, object]:
    """The settings as the text a template prints (dates written the Chinese way)."""
    context = {}
    for key, value in vars(settings).items():
        if isinstance(value, date):
            context[key] = cn_date(value)
        elif isinstance(value, bool):
            context[key] = value
        elif key != "templates":
            context[key] = str(value)
    return context


def for_results(results: ActivityResults, overrides: Mapping[str, object] | None = None) -> DocumentSettings:
    """The settings of a report on ``results``: period and scope default to what the data shows."""
    return resolve(
        results.settings,
        overrides,
        activity=results.activity,
        period=facts.period_text(results),
        scope=facts.scope_text(results),
    )
