"""wordings: 规范表述, the standard wordings a 组长 curates per deduction of a rubric

Revision ID: 0008
Revises: 0004
Create Date: 2026-12-02 04:10:00

A new table only: no existing row or table changes.
"""

import sqlalchemy as sa

from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wording",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("rubric_id", sa.String(), nullable=False),
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("retired_at", sa.DateTime(), nullable=True),
        sa.Column("retired_by", sa.String(), nullable=True),
        sa.CheckConstraint("text <> ''", name="ck_wording_text"),
    )
    op.create_index("ix_wording_rubric_code", "wording", ["rubric_id", "code"])


def downgrade() -> None:
    op.drop_index("ix_wording_rubric_code", table_name="wording")
    op.drop_table("wording")
