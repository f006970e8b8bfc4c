"""integrity: CHECK constraints, one 复核 sheet per file, the audit hash chain

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 01:30:00

On SQLite, adding a constraint rebuilds the table (Alembic batch mode: create a copy with the constraint, copy
every row, drop the old table, rename the copy); pingcha.store.migrate runs this with foreign keys off and checks
them before committing. Rows already in the audit log are chained in id order, as store/audit.py chains new ones.
"""

import sqlalchemy as sa

from alembic import op

from pingcha.store.audit import GENESIS, row_hash

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


# Written out rather than imported from the models: this migration must keep creating what it created
# even when the models' vocabularies grow (a later migration changes them).
CHECKS = {
    "activity": [("ck_activity_per_file", "per_file >= 1")],
    "draw": [("ck_draw_mode", _one_of("mode", ("per_agency", "total"))), ("ck_draw_quota", "quota >= 1")],
    "case_file": [("ck_case_file_party_type", _one_of("party_type", ("个人", "单位"))),
                  ("ck_case_file_procedure", _one_of("procedure", ("普通程序", "简易程序")))],
    "evaluator": [("ck_evaluator_role", _one_of("role", ("评查员", "组长")))],
    "score_sheet": [("ck_score_sheet_status", _one_of("status", ("草稿", "已提交", "复核"))),
                    ("ck_score_sheet_status_kind", _one_of("status_kind", ("evaluation", "review")))],
    "sheet_deduction": [("ck_sheet_deduction_count", "count >= 0")],
    "sheet_mark": [("ck_sheet_mark_kind", _one_of("kind", ("na", "veto", "note", "decided")))],
}
ONE_REVIEW = "status_kind = 'review'"


def upgrade() -> None:
    for table, checks in CHECKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, condition in checks:
                batch_op.create_check_constraint(name, condition)
    op.create_index("uq_score_sheet_one_review", "score_sheet", ["case_file_id"], unique=True,
                    sqlite_where=sa.text(ONE_REVIEW), postgresql_where=sa.text(ONE_REVIEW))
    _chain_audit_log()


def _chain_audit_log() -> None:
    """Add prev_hash and hash to the audit log and fill them for the rows already there."""
    _unprotect_audit_log()
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prev_hash", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(), nullable=True))
    audit = sa.table(
        "audit_log", sa.column("id", sa.Integer()), sa.column("at", sa.DateTime(timezone=True)),
        sa.column("actor", sa.String()), sa.column("activity_id", sa.Integer()), sa.column("case_no", sa.String()),
        sa.column("entity", sa.String()), sa.column("action", sa.String()), sa.column("before", sa.Text()),
        sa.column("after", sa.Text()), sa.column("prev_hash", sa.String()), sa.column("hash", sa.String()),
    )
    bind = op.get_bind()
    previous = GENESIS
    updates = []
    for row in bind.execute(sa.select(audit).order_by(audit.c.id)).mappings():
        digest = row_hash(previous, row["at"], row["actor"], row["activity_id"], row["case_no"], row["entity"],
                          row["action"], row["before"], row["after"])
        updates.append({"row_id": row["id"], "prev": previous, "digest": digest})
        previous = digest
    if updates:
        bind.execute(
            audit.update().where(audit.c.id == sa.bindparam("row_id"))
            .values(prev_hash=sa.bindparam("prev"), hash=sa.bindparam("digest")),
            updates,
        )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.alter_column("prev_hash", existing_type=sa.String(), nullable=False)
        batch_op.alter_column("hash", existing_type=sa.String(), nullable=False)
    _protect_audit_log()


def _unprotect_audit_log() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for action in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS audit_log_no_{action}")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")


def _protect_audit_log() -> None:
    """As 0001: the database itself refuses UPDATE and DELETE on the audit log (the rebuild dropped them)."""
    if op.get_bind().dialect.name == "sqlite":
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{action.lower()} BEFORE {action} ON audit_log "
                "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
            )
    else:
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
        )


def downgrade() -> None:
    _unprotect_audit_log()
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
    _protect_audit_log()
    op.drop_index("uq_score_sheet_one_review", table_name="score_sheet")
    for table, checks in CHECKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, _ in checks:
                batch_op.drop_constraint(name, type_="check")
