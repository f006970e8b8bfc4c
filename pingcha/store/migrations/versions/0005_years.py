"""years: the year an activity belongs to (§12 statistics), and the files a 组长 pins for the typical cases

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 04:00:00

A new nullable column and a new table only: every existing row is kept, no table is rebuilt. Existing
activities get the year of their creation (created_at); new ones are given their year by the services.
"""

import sqlalchemy as sa

from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("activity", sa.Column("year", sa.Integer(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("UPDATE activity SET year = CAST(EXTRACT(YEAR FROM created_at) AS INTEGER)")
    else:
        op.execute("UPDATE activity SET year = CAST(substr(created_at, 1, 4) AS INTEGER)")
    op.create_table(
        "case_pin",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("activity_id", sa.Integer(), sa.ForeignKey("activity.id"), nullable=False),
        sa.Column("case_file_id", sa.Integer(), sa.ForeignKey("case_file.id"), nullable=False),
        sa.Column("pinned_at", sa.DateTime(), nullable=False),
        sa.Column("pinned_by", sa.String(), nullable=False),
        sa.UniqueConstraint("case_file_id"),
    )
    op.create_index("ix_case_pin_activity_id", "case_pin", ["activity_id"])


def downgrade() -> None:
    op.drop_index("ix_case_pin_activity_id", table_name="case_pin")
    op.drop_table("case_pin")
    if op.get_bind().dialect.name == "sqlite":
        # SQLite's own DROP COLUMN (3.35+): a batch rebuild would drop the table others refer to, which fails while
        # foreign keys are on, as they are for a downgrade run on an open connection.
        op.execute("ALTER TABLE activity DROP COLUMN year")
    else:
        op.drop_column("activity", "year")
