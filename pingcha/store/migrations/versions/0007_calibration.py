"""calibration: 样卷 (calibration files) with their reference sheets, and the activity's calibration setting

Revision ID: 0007
Revises: 0004
Create Date: 2026-12-02 04:00:00

New tables only: every existing row is kept, no table is rebuilt. An activity without a calibration_round row
keeps live files closed until its 样卷 are submitted, which changes nothing where no file is a 样卷.
"""

import sqlalchemy as sa

from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calibration_file",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("activity_id", sa.Integer(), sa.ForeignKey("activity.id"), nullable=False),
        sa.Column("case_file_id", sa.Integer(), sa.ForeignKey("case_file.id"), nullable=False, unique=True),
        sa.Column("marked_at", sa.DateTime(), nullable=False),
        sa.Column("marked_by", sa.String(), nullable=False),
        sa.Column("reference", sa.Text(), nullable=True),
        sa.Column("reference_by", sa.String(), nullable=True),
        sa.Column("reference_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_calibration_file_activity_id", "calibration_file", ["activity_id"])
    op.create_table(
        "calibration_round",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("activity_id", sa.Integer(), sa.ForeignKey("activity.id"), nullable=False, unique=True),
        sa.Column("live_first", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by", sa.String(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("calibration_round")
    op.drop_index("ix_calibration_file_activity_id", table_name="calibration_file")
    op.drop_table("calibration_file")
