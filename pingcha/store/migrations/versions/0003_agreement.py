"""agreement: the band rule as an activity setting (§2 --band-review)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 02:00:00

Existing activities keep the rule they were created under: without the band rule.
"""

import sqlalchemy as sa

from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.add_column(sa.Column("band_review", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.drop_column("band_review")
