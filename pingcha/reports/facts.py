"""Facts shared by the reports: how scores, ranks, statuses and periods are written."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from pingcha.results import FINAL, NEEDS_REVIEW, PENDING, STATUS_LABELS, ActivityResults, FileResult
from pingcha.scoring import round1

DASH = "—"
_DIGITS = "零一二三四五六七八九"
_NUMBER_RUN = re.compile(r"(\d+)")


def score_text(score: Decimal | None) -> str:
    """One decimal (85.0, 100.0), or a dash where there is no score."""
    return DASH if score is None else str(round1(score))


def points_text(points: Decimal) -> str:
    """A rubric's points as written in the standard: 3, 2.5, 0.5."""
    return format(points.normalize(), "f")


def cn_number(number: int) -> str:
    """1 → 一, 10 → 十, 21 → 二十一 (for （一） numbering; up to 99)."""
    if number < 10:
        return _DIGITS[number]
    tens, ones = divmod(number, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + ("" if ones == 0 else _DIGITS[ones])


def case_key(case_no: str) -> tuple:
    """Natural order for 案号: 〔2024〕9号 before 〔2024〕12号."""
    return tuple([int(part) if part.isdigit() else part for part in _NUMBER_RUN.split(case_no)])


def case_places(files: Iterable[FileResult]) -> dict[str, int]:
    """Each 案号's place in the natural order of ``case_key`` (equal keys, as of 9号 and 09号, share a place):
    sorting by place orders files as sorting by ``case_key`` does, with each key computed once however many
    times the files are sorted."""
    keys = {f.case.case_no: case_key(f.case.case_no) for f in files}
    places = {key: place for place, key in enumerate(sorted(set(keys.values())))}
    return {case_no: places[key] for case_no, key in keys.items()}


def ordered_files(results: ActivityResults, places: dict[str, int] | None = None) -> list[FileResult]:
    """Files grouped by agency in ranking order, then by 案号 (``places``: the files' ``case_places``)."""
    order = {a.agency: i for i, a in enumerate(results.agencies)}
    if places is None:
        return sorted(results.files, key=lambda f: (order.get(f.case.agency, len(order)), case_key(f.case.case_no)))
    return sorted(results.files, key=lambda f: (order.get(f.case.agency, len(order)), places[f.case.case_no]))


def status_text(file: FileResult) -> str:
    return STATUS_LABELS.get(file.status, file.status)


def grade_text(file: FileResult) -> str:
    """The grade of a final file; 待复核 / 评查中 for the others (never a grade they do not have)."""
    return file.grade if file.status == FINAL and file.grade else status_text(file)


def final_score(file: FileResult) -> Decimal | None:
    return file.score if file.status == FINAL else None


def unfinished_text(results: ActivityResults) -> str:
    """"2件待复核、1件正在评查", or empty when every file is final."""
    review = sum(1 for f in results.files if f.status == NEEDS_REVIEW)
    pending = sum(1 for f in results.files if f.status == PENDING)
    parts = []
    if review:
        parts.append(f"{review}件待复核")
    if pending:
        parts.append(f"{pending}件正在评查")
    return "、".join(parts)


def mean_score(results: ActivityResults) -> Decimal | None:
    scores = [f.score for f in results.files if f.status == FINAL and f.score is not None]
    return round1(sum(scores, Decimal(0)) / len(scores)) if scores else None


def _month(day: date) -> tuple[int, int]:
    return day.year, day.month


def period_text(results: ActivityResults) -> str:
    """When the evaluation ran, by month: 2024年3月, 2024年3月至4月, 2023年12月至2024年1月."""
    days: list[date] = [results.created_at.date()] if results.created_at else []
    for file in results.files:
        for view in (*file.sheets, *((file.review,) if file.review else ())):
            if isinstance(view.submitted_at, datetime):
                days.append(view.submitted_at.date())
    if not days:
        return ""
    first, last = min(days), max(days)
    if _month(first) == _month(last):
        return f"{first.year}年{first.month}月"
    if first.year == last.year:
        return f"{first.year}年{first.month}月至{last.month}月"
    return f"{first.year}年{first.month}月至{last.year}年{last.month}月"


def scope_text(results: ActivityResults) -> str:
    """What the registers held: 2024年办结的行政处罚案卷 (years from the files' 结案日期)."""
    years = sorted({f.case.closed_on.year for f in results.files if f.case.closed_on})
    if not years:
        return "行政处罚案卷"
    if len(years) == 1:
        return f"{years[0]}年办结的行政处罚案卷"
    return f"{years[0]}年至{years[-1]}年办结的行政处罚案卷"


def evaluator_units(results: ActivityResults) -> list[str]:
    return list(dict.fromkeys(e.unit for e in results.evaluators if e.unit))


def cn_date(day: date) -> str:
    """2024年3月21日 (no leading zeros, as GB/T 9704 writes dates)."""
    return f"{day.year}年{day.month}月{day.day}日"


def date_text(day: date | None) -> str:
    """``cn_date``, or nothing where the register gives no date."""
    return cn_date(day) if day else ""


def draw_text(results: ActivityResults) -> str:
    """How the files were drawn, in a sentence an outsider can use to reproduce the draw."""
    draw = results.draw
    if draw is None:
        return ""
    how = f"每个执法部门随机抽取不超过{draw.quota}件" if draw.mode == "per_agency" else f"共抽取{draw.quota}件"
    fixed = f"（于{draw.fixed_at:%Y年%m月%d日}事先确定）" if draw.fixed_at is not None else ""
    redraws = f"；此前另有{draw.draws - 1}次抽取被重新抽取取代，均有记录" if draw.draws > 1 else ""
    return (f"抽取按{how}的方式，以随机种子“{draw.seed}”{fixed}由 pingcha 于{draw.drawn_at:%Y年%m月%d日}完成，"
            f"依据同一案卷目录和种子可复现同一结果{redraws}。")
