"""agreement: the band rule as an activity setting (§2 --band-review); 请组长确认 marks on sheets

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 02:00:00

Existing activities keep the rule they were created under: without the band rule. A sheet mark may now be of
kind "uncertain": the evaluator asks the 组长 to confirm an item (the mark's note is the reason).
"""

import sqlalchemy as sa

from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


# Written out rather than imported from the models (see 0002).
MARK_KINDS_0002 = ("na", "veto", "note", "decided")
MARK_KINDS_0003 = MARK_KINDS_0002 + ("uncertain",)


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _mark_kinds(kinds: tuple[str, ...]) -> None:
    with op.batch_alter_table("sheet_mark", schema=None) as batch_op:
        batch_op.drop_constraint("ck_sheet_mark_kind", type_="check")
        batch_op.create_check_constraint("ck_sheet_mark_kind", _one_of("kind", kinds))


def upgrade() -> None:
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.add_column(sa.Column("band_review", sa.Boolean(), nullable=False, server_default=sa.false()))
    _mark_kinds(MARK_KINDS_0003)


def downgrade() -> None:
    op.execute("DELETE FROM sheet_mark WHERE kind = 'uncertain'")
    _mark_kinds(MARK_KINDS_0002)
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.drop_column("band_review")
