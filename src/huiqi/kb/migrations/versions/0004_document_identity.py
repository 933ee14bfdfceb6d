"""Document identity: lineage of file versions (not the bare file name).

Revision ID: 0004_document_identity
Revises: 0003_accounts
Create Date: 2026-12-06

Adds ``source_files.lineage_id`` (id of the first version of a logical
document), ``lineage_version`` (1, 2, … within it) and ``superseded_by_id``
(the version that replaced this one). Existing rows were versioned by file
name, so each name becomes one lineage: ``lineage_id`` = the smallest id of
that name, ``lineage_version`` = ``version``, and a non-current version is
superseded by the next version of its name.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_document_identity"
down_revision = "0003_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the lineage columns and fill them for existing rows."""
    op.add_column("source_files", sa.Column("lineage_id", sa.Integer(), nullable=True))
    op.add_column("source_files", sa.Column("lineage_version", sa.Integer(), nullable=True))
    op.add_column("source_files", sa.Column("superseded_by_id", sa.Integer(), nullable=True))
    op.create_index("ix_source_files_lineage_id", "source_files", ["lineage_id"])
    op.execute(
        "UPDATE source_files SET lineage_version = version, lineage_id = "
        "(SELECT MIN(s2.id) FROM source_files s2 WHERE s2.name = source_files.name)"
    )
    op.execute(
        "UPDATE source_files SET superseded_by_id = (SELECT MIN(s2.id) FROM source_files s2 "
        "WHERE s2.name = source_files.name AND s2.version > source_files.version) "
        "WHERE NOT is_current"
    )


def downgrade() -> None:
    """Drop the lineage columns."""
    op.drop_index("ix_source_files_lineage_id", table_name="source_files")
    for column in ("superseded_by_id", "lineage_version", "lineage_id"):
        # plain ALTER (SQLite >= 3.35, PostgreSQL): no table rebuild, so no
        # cascading deletes of documents through the foreign keys
        op.execute(f"ALTER TABLE source_files DROP COLUMN {column}")
