"""rectification: the issued 通报 (its date and deadline), 整改 items and their history, 异议 before the 通报

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-02 04:00:00

New tables only: every existing row is kept, no table is rebuilt.
"""

import sqlalchemy as sa

from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

# Written out rather than imported from the models (see 0002).
RECTIFICATION_STATUSES = ("待整改", "已反馈", "已销号")
RECTIFICATION_ACTIONS = ("列入", "反馈", "销号", "退回")
OBJECTION_STATUSES = ("待答复", "已采纳", "未采纳")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    op.create_table(
        "bulletin_issue",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("activity_id", sa.Integer(), sa.ForeignKey("activity.id"), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("issued_by", sa.String(), nullable=False),
    )
    op.create_index("ix_bulletin_issue_activity_id", "bulletin_issue", ["activity_id"])
    op.create_table(
        "rectification_item",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("activity_id", sa.Integer(), sa.ForeignKey("activity.id"), nullable=False),
        sa.Column("case_file_id", sa.Integer(), sa.ForeignKey("case_file.id"), nullable=False),
        sa.Column("issue_id", sa.Integer(), sa.ForeignKey("bulletin_issue.id"), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("replied_on", sa.Date(), nullable=True),
        sa.UniqueConstraint("case_file_id", name="uq_rectification_item_case_file"),
        sa.CheckConstraint(_one_of("status", RECTIFICATION_STATUSES), name="ck_rectification_item_status"),
    )
    op.create_index("ix_rectification_item_activity_id", "rectification_item", ["activity_id"])
    op.create_table(
        "rectification_event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("item_id", sa.Integer(), sa.ForeignKey("rectification_item.id"), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False, server_default=""),
        sa.CheckConstraint(_one_of("action", RECTIFICATION_ACTIONS), name="ck_rectification_event_action"),
    )
    op.create_index("ix_rectification_event_item_id", "rectification_event", ["item_id"])
    op.create_table(
        "objection",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("activity_id", sa.Integer(), sa.ForeignKey("activity.id"), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("case_file_id", sa.Integer(), sa.ForeignKey("case_file.id"), nullable=False),
        sa.Column("item_code", sa.String(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False, server_default=""),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("answered_by", sa.String(), nullable=True),
        sa.Column("reviewed", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.UniqueConstraint("activity_id", "number", name="uq_objection_number"),
        sa.CheckConstraint(_one_of("status", OBJECTION_STATUSES), name="ck_objection_status"),
    )
    op.create_index("ix_objection_activity_id", "objection", ["activity_id"])
    op.create_index("ix_objection_case_file_id", "objection", ["case_file_id"])


def downgrade() -> None:
    op.drop_index("ix_objection_case_file_id", table_name="objection")
    op.drop_index("ix_objection_activity_id", table_name="objection")
    op.drop_table("objection")
    op.drop_index("ix_rectification_event_item_id", table_name="rectification_event")
    op.drop_table("rectification_event")
    op.drop_index("ix_rectification_item_activity_id", table_name="rectification_item")
    op.drop_table("rectification_item")
    op.drop_index("ix_bulletin_issue_activity_id", table_name="bulletin_issue")
    op.drop_table("bulletin_issue")
