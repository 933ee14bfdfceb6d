"""Library version and change log (issue 17: several hosts, one database).

Revision ID: 0010_library_state
Revises: 0009_push
Create Date: 2026-12-06

Written by hand to match :mod:`huiqi.kb.library`: ``library_state`` (one
row: a random ``library_id`` and the latest change number ``seq``) and
``library_changes`` (one row per committed change). An existing library
starts at seq 1 with one ``migrated`` change, so every host's derived state
gets a key at once.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = "0010_library_state"
down_revision = "0009_push"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create both tables and the state row."""
    state = op.create_table(
        "library_state",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("library_id", sa.String(32), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
    )
    changes = op.create_table(
        "library_changes",
        sa.Column("seq", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("source_file_id", sa.Integer(), nullable=True),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("rule_version_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=True),
    )
    op.bulk_insert(state, [{"id": 1, "library_id": uuid.uuid4().hex, "seq": 1}])
    op.bulk_insert(changes, [{"seq": 1, "at": datetime.now(timezone.utc).replace(tzinfo=None),
                              "kind": "document", "action": "migrated", "source_file_id": None,
                              "document_id": None, "rule_version_id": None, "detail": None}])


def downgrade() -> None:
    """Drop both tables."""
    op.drop_table("library_changes")
    op.drop_table("library_state")
