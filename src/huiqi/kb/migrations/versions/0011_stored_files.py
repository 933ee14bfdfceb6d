"""Stored files: 诉求 attachments and 解读 files in the database (issue 17).

Revision ID: 0011_stored_files
Revises: 0010_library_state
Create Date: 2026-12-06

Written by hand to match :mod:`huiqi.kb.blobs`.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_stored_files"
down_revision = "0010_library_state"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``stored_files``."""
    op.create_table(
        "stored_files",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("stored_name", sa.String(80), nullable=False, unique=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    """Drop ``stored_files``."""
    op.drop_table("stored_files")
