"""通报 三、存在的主要问题 (典型问题): a deduction with a 规范表述 is stated in the curated wording, with the files
cited alone; without one, the rubric's text and the first evaluator's note, as before."""

from __future__ import annotations

from dataclasses import replace

from docx import Document
from test_reports_bulletin import body_text
from test_reports_data import build_results

from pingcha.reports import render_bulletin
from pingcha.reports.bulletin import problem_groups
from pingcha.reports.masking import masker_for
from pingcha.reports.public_text import public_rule

WORDING = "送达回证未载明送达方式或者受送达人未签名"


def _common(results):
    """The most widespread deduction that an evaluator wrote a note on."""
    return next(t for t in results.deduction_tallies() if any(note for _, _, note in t.cases))


def test_a_common_problem_is_stated_in_the_curated_wording_instead_of_an_evaluators_note(tmp_path):
    plain = build_results()
    tally = _common(plain)
    note = next(note for _, _, note in tally.cases if note)
    curated = replace(plain, wordings={tally.code: (WORDING, "后加的说法")})

    masker = masker_for(curated)
    problems = [p for g in problem_groups(curated, masker, 5) for p in g["problems"]]
    mine = next(p for p in problems if p["text"] == WORDING)
    assert mine["files"] == tally.files and note not in mine["examples"]
    agency, case_no, _ = tally.cases[0]
    assert mine["examples"].startswith(f"{agency}{case_no}案卷")

    before = body_text(Document(render_bulletin(plain, tmp_path / "原.docx", allow_pending=True)))
    after = body_text(Document(render_bulletin(curated, tmp_path / "通报.docx", allow_pending=True)))
    assert public_rule(tally.text) in before and WORDING not in before
    assert f"{WORDING}，涉及{tally.files}件案卷，如" in after
    assert "后加的说法" not in after  # the first agreed wording is the one the 通报 uses


def test_problems_without_a_wording_keep_the_rule_text_and_the_note():
    plain = build_results()
    tally = _common(plain)
    others = [t for t in plain.deduction_tallies() if t.code != tally.code]
    curated = replace(plain, wordings={tally.code: (WORDING,)})
    problems = [p for g in problem_groups(curated, masker_for(curated), 50) for p in g["problems"]]
    texts = {p["text"] for p in problems}
    assert all(public_rule(t.text) in texts for t in others)
