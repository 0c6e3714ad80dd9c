"""a unit's return is a unit return: load_audit.file_kind "district" becomes "unit_return" (the returns of communes
and special zones, since 2025-Q3, were recorded as "district").

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 12:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COMMENT = "unit_return (a reporting unit's return), tax, province or targets."
OLD_COMMENT = "district, tax, province or targets."
#: the staging tables' comments, which named the returns "district returns"
TABLE_COMMENTS = {
    "stg_cooperative": (
        "Staging: every cooperative (HTX) listing row as read from the {} returns, before reconciliation "
        "(values normalised: NFC text, canonical codes, money in triệu đồng)."
    ),
    "stg_group": "Staging: every cooperative-group (THT) listing row as read from the {} returns.",
}


def _file_kind(old: str, new: str, comment: str, returns: str) -> None:
    op.execute(sa.text("UPDATE load_audit SET file_kind = :new WHERE file_kind = :old").bindparams(old=old, new=new))
    if op.get_bind().dialect.supports_comments:  # SQLite keeps no comments (and would copy the table to alter one)
        op.alter_column("load_audit", "file_kind", existing_type=sa.String(), existing_nullable=False, comment=comment)
        for table, words in TABLE_COMMENTS.items():
            op.create_table_comment(table, words.format(returns))


def upgrade() -> None:
    _file_kind("district", "unit_return", COMMENT, "unit")


def downgrade() -> None:
    _file_kind("unit_return", "district", OLD_COMMENT, "district")
