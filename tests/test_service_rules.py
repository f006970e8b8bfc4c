"""Rules a face must not hold: the services refuse bad input themselves, whichever face passes it."""

from __future__ import annotations

import pytest

from pingcha.errors import UserError
from pingcha.scoring import Sheet
from pingcha.services import activities, draw, registers, review, sheets
from pingcha.services.results import activity_results
from pingcha.store import open_store
from tests.helpers import REGISTER, ROSTER, RUBRIC


@pytest.fixture
def store(tmp_path):
    store = open_store(str(tmp_path / "rules.db"))
    activities.create_activity(store, "评查", str(RUBRIC), "区司法局")
    registers.import_register(store, "评查", REGISTER, "区司法局")
    registers.import_roster(store, "评查", ROSTER, "区司法局")
    draw.draw_files(store, "评查", "7", "区司法局", per_agency=3)
    draw.assign(store, "评查", "7", "区司法局")
    return store


def test_document_settings_are_checked_by_the_service(store):
    with pytest.raises(UserError) as refused:
        activities.update_settings(store, "评查", {"issue_date": "明天", "colour": "红"}, "区司法局")
    assert "成文日期" in str(refused.value) and "未知的文书设置“colour”" in str(refused.value)
    assert activities.get_activity(store, "评查").settings == {}
    assert activities.update_settings(store, "评查", {"issue_date": "2024年3月21日"}, "区司法局") == {
        "issue_date": "2024年3月21日"}


def test_a_review_sheet_naming_another_file_is_refused_by_the_service(store):
    file = activity_results(store, "评查").files[0]
    first, second = file.evaluators
    for name, veto in ((first, frozenset()), (second, frozenset({"V1"}))):
        ref = sheets.sheet_ref(store, "评查", name, file.case.case_no)
        if veto:
            sheets.change_sheet(store, ref, name, code="V1", marked=True)
        sheets.submit_sheet(store, ref, name)
    with pytest.raises(UserError, match="不一致"):
        review.reconcile(store, "评查", file.case.case_no, Sheet(case_no="别的案号"), "皇甫婷")
    review.reconcile(store, "评查", file.case.case_no, Sheet(case_no=file.case.case_no), "皇甫婷")
    settled = next(f for f in activity_results(store, "评查").files if f.case.case_no == file.case.case_no)
    assert (settled.status, settled.score) == ("final", 100)


def test_results_follow_every_committed_change(store):
    before = activity_results(store, "评查")
    assert activity_results(store, "评查") is before  # nothing changed: computed once
    file = before.files[0]
    ref = sheets.sheet_ref(store, "评查", file.evaluators[0], file.case.case_no)
    sheets.change_sheet(store, ref, ref.evaluator, code="A2a", count=1)
    after = activity_results(store, "评查")
    assert after is not before
    assert dict(after.files[0].sheets[0].sheet.deductions) == {"A2a": 1}
    other = open_store(str(store.url).removeprefix("sqlite:///"))  # another process's change
    sheets.change_sheet(other, ref, ref.evaluator, code="A2a", count=2)
    assert dict(activity_results(store, "评查").files[0].sheets[0].sheet.deductions) == {"A2a": 2}
