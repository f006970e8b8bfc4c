"""Property tests for the pure access rules of pingcha/policy.py."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pingcha.policy import LeaderAction, leader_refusal, review_refusal, review_sheet_refusal, sheet_refusal
from pingcha.text import name_key
from pingcha.vocabulary import Role

names = st.text(alphabet=st.sampled_from("区市场监管局司法综合执法ABC12"), min_size=1, max_size=12)
noise = st.lists(st.sampled_from([" ", "\u3000", "\u200b", "\u200d", "\ufeff", "\t"]), max_size=4)
roles = st.sampled_from([Role.EVALUATOR, Role.LEADER, None])


@given(names, noise, st.integers(min_value=0, max_value=12))
def test_spaces_and_zero_width_characters_do_not_change_a_name(name, extra, at):
    at = min(at, len(name))
    spelt = name[:at] + "".join(extra) + name[at:]
    assert name_key(spelt) == name_key(name) and name_key(name_key(name)) == name_key(name)


@given(names)
def test_full_width_letters_and_digits_are_the_same_name(name):
    wide = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in name)
    assert name_key(wide) == name_key(name)


@given(names, names, roles, st.booleans())
def test_everyone_may_touch_their_own_sheet_and_only_the_organiser_changes_others(actor, owner, role, writes):
    """Others' sheets: a 评查员 neither reads nor changes them, a 组长 reads but does not change them, whoever is
    not on the roster (the organiser at one seat) is not held to a sheet."""
    assert sheet_refusal(actor, role, actor, "修改", writes) is None
    refused = sheet_refusal(actor, role, owner, "修改", writes) is not None
    held = role == Role.EVALUATOR or (role == Role.LEADER and writes)
    assert refused == (held and actor != owner)


@given(names, names)
def test_a_review_draft_is_changed_only_by_its_holder(actor, holder):
    assert (review_sheet_refusal(actor, holder, "案号") is None) == (actor == holder)


@given(st.sampled_from(list(LeaderAction)), names, roles, st.booleans())
def test_leader_actions_are_open_on_one_seat_and_the_leaders_when_protected(action, actor, role, protected):
    refused = leader_refusal(action, actor, role, protected) is not None
    assert refused == (protected and role != Role.LEADER)


@given(names, st.sets(names, max_size=4))
def test_nobody_settles_a_file_they_scored(actor, submitted_by):
    assert (review_refusal(actor, "案号", submitted_by) is not None) == (actor in submitted_by)
