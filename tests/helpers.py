"""Small builders for tests that run an activity: a CLI runner and a prepared activity."""

from __future__ import annotations

import json
from pathlib import Path

from pingcha.cli import main

REPO = Path(__file__).resolve().parent.parent
RUBRIC = REPO / "scoring_rules" / "xiqu-xzcf-2024.1.toml"
REGISTER = REPO / "sample_cases" / "register.csv"
ROSTER = REPO / "sample_cases" / "roster.csv"


class Cli:
    """Runs ``pingcha --db DB …`` in-process and returns (exit status, stdout, stderr)."""

    def __init__(self, db: Path, capsys) -> None:
        self.db = db
        self.capsys = capsys

    def __call__(self, *args: str, user: str | None = None) -> tuple[int, str, str]:
        argv = ["--db", str(self.db)] + (["--as", user] if user else []) + [str(a) for a in args]
        self.capsys.readouterr()
        status = main(argv)
        out, err = self.capsys.readouterr()
        return status, out, err

    def ok(self, *args: str, user: str | None = None) -> str:
        status, out, err = self(*args, user=user)
        assert status == 0, err
        return out

    def json(self, *args: str) -> object:
        return json.loads(self.ok(*args))


def prepared(cli: Cli, name: str = "测试活动", per_agency: int = 3) -> str:
    cli.ok("activity", "create", name, "--rubric", RUBRIC)
    cli.ok("cases", "import", name, REGISTER)
    cli.ok("evaluators", "import", name, ROSTER)
    cli.ok("sample", name, "--seed", "7", "--per-agency", per_agency)
    cli.ok("assign", name, "--seed", "7")
    return name


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path
