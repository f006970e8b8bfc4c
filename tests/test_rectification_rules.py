"""The pure rules of 整改 and 异议 (pingcha/rectification.py), as properties: every path through the statuses is one
the contract allows, overdue means exactly a passed deadline on an item not closed, and answers are given once."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pingcha.errors import UserError
from pingcha.outcome import file_outcome
from pingcha.rectification import answer_objection, check_reply_date, is_overdue, next_status
from pingcha.scoring import Sheet, score_sheet
from pingcha.vocabulary import FileStatus, ObjectionStatus, RectificationAction, RectificationStatus

OPEN, REPLIED, CLOSED = RectificationStatus.OPEN, RectificationStatus.REPLIED, RectificationStatus.CLOSED
ALLOWED = {(OPEN, RectificationAction.REPLY): REPLIED, (REPLIED, RectificationAction.ACCEPT): CLOSED,
           (REPLIED, RectificationAction.REJECT): OPEN}
DECISIONS = [RectificationAction.REPLY, RectificationAction.ACCEPT, RectificationAction.REJECT]

days = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))


@given(st.lists(st.tuples(st.sampled_from(DECISIONS), st.sampled_from(["", " ", "已整改", "理由"])), max_size=12))
def test_every_accepted_step_is_one_the_contract_allows(steps):
    status = OPEN
    for action, text in steps:
        try:
            following = next_status("案1", status, action, text)
        except UserError as refusal:
            assert (status, action) not in ALLOWED or not text.strip()
            assert "案1" in str(refusal)
            continue
        assert ALLOWED[(status, action)] == following
        assert action == RectificationAction.ACCEPT or text.strip()  # a reply or a reason is never empty
        status = following
    if status == CLOSED:
        for action in DECISIONS:
            with pytest.raises(UserError, match="已经销号"):
                next_status("案1", status, action, "内容")


def test_accept_before_any_reply_and_reject_without_reason_are_refused():
    with pytest.raises(UserError, match="还没有录入整改反馈，不能销号"):
        next_status("案1", OPEN, RectificationAction.ACCEPT)
    with pytest.raises(UserError, match="须写明理由"):
        next_status("案1", REPLIED, RectificationAction.REJECT, "   ")


@given(days, days, st.sampled_from(list(RectificationStatus)))
def test_overdue_is_a_passed_deadline_on_an_item_not_closed(deadline, today, status):
    assert is_overdue(deadline, status, today) == (today > deadline and status != CLOSED)
    assert not is_overdue(deadline, status, deadline)  # the last day is still in time


@given(days, st.integers(-40, 40), st.integers(-40, 40))
def test_a_step_is_dated_between_the_bulletin_and_today(issued, after_issue, before_today):
    on = issued + timedelta(days=after_issue)
    today = on + timedelta(days=before_today)
    if on < issued or on > today:
        with pytest.raises(UserError):
            check_reply_date("案1", on, issued, today)
    else:
        check_reply_date("案1", on, issued, today)


@given(st.sampled_from(list(ObjectionStatus)), st.booleans(), st.sampled_from(["", "  ", "证据不足"]))
def test_an_objection_is_answered_once_and_a_dismissal_says_why(status, uphold, reason):
    if status != ObjectionStatus.OPEN or (not uphold and not reason.strip()):
        with pytest.raises(UserError):
            answer_objection(3, status, uphold, reason)
    else:
        assert answer_objection(3, status, uphold, reason) == (
            ObjectionStatus.UPHELD if uphold else ObjectionStatus.DISMISSED)


def test_an_upheld_objection_reopens_a_final_file_even_one_settled_by_review(mini):
    agreed = [score_sheet(mini, Sheet()), score_sheet(mini, Sheet())]
    assert file_outcome(mini, 2, agreed).status == FileStatus.FINAL
    reopened = file_outcome(mini, 2, agreed, reopened=["执法部门异议（第 1 号）已采纳：……"])
    assert (reopened.status, reopened.reasons) == (FileStatus.NEEDS_REVIEW, ("执法部门异议（第 1 号）已采纳：……",))
    settled = score_sheet(mini, Sheet(deductions={"A1a": 1}))
    assert file_outcome(mini, 2, agreed, settled, reopened=["理由"]).status == FileStatus.NEEDS_REVIEW
    assert file_outcome(mini, 2, agreed, settled).status == FileStatus.FINAL
    assert file_outcome(mini, 2, agreed[:1], reopened=["理由"]).status == FileStatus.PENDING
