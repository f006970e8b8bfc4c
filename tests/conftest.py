"""Shared fixtures: a small rubric written out in full, so tests read like a use."""

from __future__ import annotations

from pathlib import Path

import pytest

from pingcha.rubric import Rubric, parse_rubric_text

REPO = Path(__file__).resolve().parent.parent

MINI_TOML = """\
[rubric]
id = "mini"
version = "1.0"
title = "测试用评分标准"
issued_by = "某区司法局"
effective = 2024-01-01
total = 20
procedures = ["普通程序"]

[[grades]]
name = "优秀"
min = 18
[[grades]]
name = "合格"
min = 12
[[grades]]
name = "不合格"
min = 0

[[veto]]
code = "V1"
title = "执法主体不合法"
effect = "zero"
[[veto]]
code = "V2"
title = "主要执法文书未加盖印章"
effect = "cap"
cap = "合格"

[[category]]
code = "A"
title = "执法主体"

[[category.item]]
code = "A1"
title = "执法人员资格"
points = 4
guide = "执法人员不少于2人"
deductions = [
  { code = "A1a", text = "笔录未记载执法证件号", points = 1, max_times = 4 },
  { code = "A1b", text = "执法人员少于2人", points = 4 },
]

[[category]]
code = "B"
title = "执法程序"

[[category.item]]
code = "B1"
title = "听证"
points = 6
na_allowed = true
deductions = [
  { code = "B1a", text = "未告知听证权利", points = 6 },
]

[[category.item]]
code = "B2"
title = "送达"
points = 10
deductions = [
  { code = "B2a", text = "受送达人没有签字", points = 5 },
  { code = "B2b", text = "送达超期", points = 2.5, max_times = 2 },
  { code = "B2c", text = "其他不规范", points = 0.5, max_times = 6 },
]
"""


@pytest.fixture
def mini() -> Rubric:
    return parse_rubric_text(MINI_TOML, "mini.toml")


@pytest.fixture
def mini_file(tmp_path: Path) -> Path:
    path = tmp_path / "mini.toml"
    path.write_text(MINI_TOML, encoding="utf-8")
    return path
