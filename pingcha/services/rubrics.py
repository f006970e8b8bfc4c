"""Rubric versions: loading into the store (immutable), listing, and finding one by path or ``ID@VERSION``."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pingcha.errors import UserError
from pingcha.paths import scoring_rules_dir
from pingcha.rubric import Rubric, RubricError, load_rubric_file, parse_rubric_text
from pingcha.rubric.toml_writer import rubric_to_toml
from pingcha.store import Store, Transaction
from pingcha.store import activities as stored_activities
from pingcha.store import rubrics as stored
from pingcha.store.audit import record
from pingcha.store.rubrics import RubricVersionRecord

RUBRIC_SUFFIXES = (".toml", ".xlsx")

_parsed: dict[str, Rubric] = {}


def split_ref(ref: str) -> tuple[str, str] | None:
    """``"xiqu-xzcf@2024.1"`` → ``("xiqu-xzcf", "2024.1")``; None when ``ref`` is not of that form."""
    if "@" not in ref or Path(ref).suffix.lower() in RUBRIC_SUFFIXES:
        return None
    rubric_id, _, version = ref.rpartition("@")
    if not rubric_id or not version:
        return None
    return rubric_id, version


def shipped_rubrics(folder: Path | None = None) -> list[Rubric]:
    """Every valid rubric file in the scoring_rules folder (scanned, never a fixed list)."""
    rubrics = []
    for path in sorted((folder or scoring_rules_dir()).glob("*.toml")):
        try:
            rubrics.append(load_rubric_file(path))
        except RubricError:
            continue
    return rubrics


def rubric_of(version: RubricVersionRecord) -> Rubric:
    """The Rubric a stored version holds (parsed once per content hash)."""
    rubric = _parsed.get(version.sha256)
    if rubric is None:
        rubric = parse_rubric_text(version.content, f"{version.rubric_id}@{version.version}")
        _parsed[version.sha256] = rubric
    return rubric


def find_version(session: Transaction, rubric_id: str, version: str) -> RubricVersionRecord | None:
    return stored.find_version(session, rubric_id, version)


def resolve_rubric(ref: str, store: Store | None = None) -> Rubric:
    """A rubric from a file path, or ``ID@VERSION`` looked up in the store, then in scoring_rules/."""
    parts = split_ref(ref)
    if parts is None:
        if not Path(ref).exists():
            raise UserError(f"找不到评分标准文件“{ref}”（也可以写成 编号@版本，如 xiqu-xzcf@2024.1）")
        return load_rubric_file(ref)
    rubric_id, version = parts
    if store is not None:
        with store.read() as session:
            stored = find_version(session, rubric_id, version)
            if stored is not None:
                return rubric_of(stored)
    for rubric in shipped_rubrics():
        if (rubric.id, rubric.version) == (rubric_id, version):
            return rubric
    raise UserError(f"没有找到评分标准 {rubric_id}@{version}（可用 pingcha rubric list 查看已有版本）")


@dataclass(frozen=True)
class LoadOutcome:
    rubric: Rubric
    created: bool  # False when the same content was already stored


def store_rubric(store: Store, rubric: Rubric, actor: str) -> LoadOutcome:
    """Store a rubric version. A version, once stored, never changes: different content under an
    existing ``ID@VERSION`` is refused."""
    content = rubric_to_toml(rubric)
    digest = hashlib.sha256(content.encode("utf-8")).hexdigest()
    with store.transaction() as session:
        existing = find_version(session, rubric.id, rubric.version)
        if existing is not None:
            if existing.sha256 == digest:
                return LoadOutcome(rubric, created=False)
            raise UserError(
                f"评分标准 {rubric.key} 已经载入且内容不同。已载入的版本不能修改"
                f"（已有评查结果依据它计分），请在 [rubric] 中使用新的 version 后再载入。"
            )
        stored.add_version(session, rubric.id, rubric.version, rubric.title, rubric.replaces, content, digest, actor)
        record(session, actor, "rubric", "载入评分标准", after={"rubric": rubric.key, "sha256": digest})
    return LoadOutcome(rubric, created=True)


def load_rubric(store: Store, path: str | Path, actor: str) -> LoadOutcome:
    """Check a rubric file (.toml or .xlsx) and store it."""
    return store_rubric(store, load_rubric_file(path), actor)


@dataclass(frozen=True)
class StoredRubric:
    key: str
    rubric_id: str
    version: str
    title: str
    replaces: str | None
    loaded_at: datetime
    loaded_by: str
    sha256: str
    activities: int


def list_rubrics(store: Store) -> list[StoredRubric]:
    with store.read() as session:
        versions = stored.all_versions(session)
        used = stored_activities.activity_counts(session)
        return [
            StoredRubric(
                f"{v.rubric_id}@{v.version}", v.rubric_id, v.version, v.title, v.replaces,
                v.loaded_at, v.loaded_by, v.sha256, used.get(v.id, 0),
            )
            for v in versions
        ]


def previous_version(store: Store, rubric: Rubric) -> Rubric | None:
    """The version ``rubric`` says it replaces, if stored (for showing what a new version changes)."""
    if not rubric.replaces:
        return None
    with store.read() as session:
        stored = find_version(session, rubric.id, rubric.replaces)
        return rubric_of(stored) if stored is not None else None
