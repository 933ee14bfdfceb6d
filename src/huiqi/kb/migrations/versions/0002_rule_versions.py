"""Rule versions (规则版本): extracted and reviewed rules of clauses as data.

Revision ID: 0002_rule_versions
Revises: 0001_initial

Written by hand to match :class:`huiqi.kb.models.RuleVersion`.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_rule_versions"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``rule_versions`` and its indexes."""
    op.create_table(
        "rule_versions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("clause_key", sa.String(40), nullable=False),
        sa.Column("clause_id", sa.Integer(), sa.ForeignKey("clauses.id", ondelete="SET NULL"), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("beneficiary", sa.String(16), nullable=True),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("extractor", sa.String(40), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("author", sa.String(128), nullable=False),
        sa.Column("reviewer", sa.String(128), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.UniqueConstraint("clause_key", "origin", "version", name="uq_rule_versions_key_origin_version"),
    )
    op.create_index("ix_rule_versions_key_status", "rule_versions", ["clause_key", "status"])
    op.create_index("ix_rule_versions_clause_id", "rule_versions", ["clause_id"])
    op.create_index("ix_rule_versions_status", "rule_versions", ["status"])


def downgrade() -> None:
    """Drop ``rule_versions``."""
    op.drop_table("rule_versions")
