"""people: passphrases (salted slow hashes, lock-out), roster units mapped to agencies, a seed fixed in advance

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 02:10:00

New tables and nullable columns only: every existing row is kept, no table is rebuilt.
"""

import sqlalchemy as sa

from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("activity", sa.Column("fixed_seed", sa.String(), nullable=True))
    op.add_column("activity", sa.Column("seed_fixed_at", sa.DateTime(), nullable=True))
    op.create_table(
        "credential",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("evaluator_id", sa.Integer(), sa.ForeignKey("evaluator.id"), nullable=False, unique=True),
        sa.Column("activity_id", sa.Integer(), sa.ForeignKey("activity.id"), nullable=False),
        sa.Column("secret_hash", sa.String(), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("issued_by", sa.String(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.CheckConstraint("failures >= 0", name="ck_credential_failures"),
    )
    op.create_index("ix_credential_activity_id", "credential", ["activity_id"])
    op.create_table(
        "unit_alias",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("activity_id", sa.Integer(), sa.ForeignKey("activity.id"), nullable=False),
        sa.Column("unit", sa.String(), nullable=False),
        sa.Column("agency", sa.String(), nullable=False),
        sa.UniqueConstraint("activity_id", "unit"),
    )
    op.create_index("ix_unit_alias_activity_id", "unit_alias", ["activity_id"])


def downgrade() -> None:
    op.drop_index("ix_unit_alias_activity_id", table_name="unit_alias")
    op.drop_table("unit_alias")
    op.drop_index("ix_credential_activity_id", table_name="credential")
    op.drop_table("credential")
    with op.batch_alter_table("activity") as batch:
        batch.drop_column("seed_fixed_at")
        batch.drop_column("fixed_seed")
