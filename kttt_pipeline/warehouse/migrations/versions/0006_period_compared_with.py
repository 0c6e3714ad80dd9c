"""concurrent quarters (issue 23): period_status.compared_with, what a period's comparison findings were computed
against (the identity of the previous quarter at the period's load), checked when the period is published.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 09:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COMMENT = (
    "What the period's comparison findings (COOP_VANISHED, PERIOD_JUMP) were computed against, as JSON "
    "{earlier period: its identity in the warehouse at this load (a digest of its cooperatives and figures), "
    'null: not loaded}; null: not compared. Publishing checks it (docs/decisions.md, "Concurrency").'
)


def upgrade() -> None:
    op.add_column("period_status", sa.Column("compared_with", sa.Text(), nullable=True, comment=COMMENT))


def downgrade() -> None:
    # ALTER TABLE … DROP COLUMN on both (SQLite >= 3.35): a batch copy of the table would break the views over it
    op.execute(sa.text("ALTER TABLE period_status DROP COLUMN compared_with"))
