"""sheet scores: each sheet's score and vetoes stored beside it

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 10:00:00

Two columns on score_sheet, filled for the sheets already there by scoring their rows with their activity's
rubric (pingcha.scoring, the rules every later write uses). No existing value changes.
"""

from collections import defaultdict

import sqlalchemy as sa

from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

SEP = "\x1f"


def upgrade() -> None:
    with op.batch_alter_table("score_sheet", schema=None) as batch_op:
        batch_op.add_column(sa.Column("score", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("vetoes", sa.Text(), nullable=False, server_default=""))
    _score_existing_sheets()


def _score_existing_sheets() -> None:
    from pingcha.errors import UserError
    from pingcha.rubric.loader import parse_rubric_text
    from pingcha.scoring import Sheet, SheetError, score_sheet

    bind = op.get_bind()
    rubrics = {}
    for activity_id, rubric_id, version, content in bind.execute(sa.text(
            "SELECT a.id, r.rubric_id, r.version, r.content FROM activity a "
            "JOIN rubric_version r ON r.id = a.rubric_version_id "
            "WHERE EXISTS (SELECT 1 FROM score_sheet s WHERE s.activity_id = a.id)")):
        try:
            rubrics[activity_id] = parse_rubric_text(content, f"{rubric_id}@{version}")
        except UserError:
            continue  # a stored rubric no longer readable: its activity opens nowhere (pingcha check says why)
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for sheet_id, code, count in bind.execute(sa.text(
            "SELECT sheet_id, code, count FROM sheet_deduction WHERE count > 0")):
        counts[sheet_id][code] = count
    marks: dict[tuple[int, str], dict[str, str]] = defaultdict(dict)
    for sheet_id, kind, code, note in bind.execute(sa.text(
            "SELECT sheet_id, kind, code, note FROM sheet_mark WHERE kind IN ('na', 'veto', 'note', 'uncertain')")):
        marks[(sheet_id, kind)][code] = note
    updates = []
    for sheet_id, activity_id in bind.execute(sa.text("SELECT id, activity_id FROM score_sheet")):
        if activity_id not in rubrics:
            continue
        # What a sheet's score depends on (its codes must be known): counts, 不适用, vetoes, notes, 请组长确认.
        sheet = Sheet(deductions=counts.get(sheet_id, {}), na=frozenset(marks.get((sheet_id, "na"), ())),
                      veto=frozenset(marks.get((sheet_id, "veto"), ())), notes=marks.get((sheet_id, "note"), {}),
                      uncertain=marks.get((sheet_id, "uncertain"), {}))
        try:
            result = score_sheet(rubrics[activity_id], sheet)
        except SheetError:
            continue  # unscorable rows: no score, as a write stores them
        updates.append({"sheet": sheet_id, "score": str(result.score), "vetoes": SEP.join(result.vetoes)})
    if updates:
        bind.execute(sa.text("UPDATE score_sheet SET score = :score, vetoes = :vetoes WHERE id = :sheet"), updates)


def downgrade() -> None:
    # ALTER TABLE … DROP COLUMN (SQLite 3.35 and later), not a copy of the table: the sheets' deductions, marks
    # and the audit log refer to its rows.
    op.drop_column("score_sheet", "vetoes")
    op.drop_column("score_sheet", "score")
