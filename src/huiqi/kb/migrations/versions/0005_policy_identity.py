"""Policy identity (政策同一性): clusters of clauses stating the same policy.

Revision ID: 0005_policy_identity
Revises: 0004_document_identity

Written by hand to match :class:`huiqi.kb.models.PolicyLink`.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_policy_identity"
down_revision = "0004_document_identity"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``policy_links`` (filled by the next ingest)."""
    op.create_table(
        "policy_links",
        sa.Column("clause_id", sa.Integer(), sa.ForeignKey("clauses.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("authority_id", sa.Integer(), sa.ForeignKey("clauses.id", ondelete="CASCADE"), nullable=False),
        sa.Column("similarity", sa.Float(), nullable=False),
    )
    op.create_index("ix_policy_links_authority_id", "policy_links", ["authority_id"])


def downgrade() -> None:
    """Drop ``policy_links``."""
    op.drop_table("policy_links")
