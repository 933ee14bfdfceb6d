"""Firm register (一企一档): firms, sourced facts, imports, corrections, materialised profiles.

Revision ID: 0007_firms
Revises: 0006_requests
Create Date: 2026-12-06

Written by hand to match :mod:`huiqi.kb.firms`.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_firms"
down_revision = "0006_requests"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the five tables and their indexes."""
    op.create_table(
        "firms",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(18), nullable=False, unique=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("region", sa.String(12), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_firms_region", "firms", ["region"])

    op.create_table(
        "firm_imports",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("n_rows", sa.Integer(), nullable=False),
        sa.Column("n_firms", sa.Integer(), nullable=False),
        sa.Column("n_facts", sa.Integer(), nullable=False),
        sa.Column("n_errors", sa.Integer(), nullable=False),
        sa.Column("errors", sa.JSON(), nullable=False),
        sa.Column("changed", sa.JSON(), nullable=False),
    )

    op.create_table(
        "firm_facts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("firm_id", sa.Integer(), sa.ForeignKey("firms.id", ondelete="CASCADE"), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("import_id", sa.Integer(), sa.ForeignKey("firm_imports.id", ondelete="SET NULL"), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_firm_facts_firm_key", "firm_facts", ["firm_id", "key"])
    op.create_index("ix_firm_facts_import_id", "firm_facts", ["import_id"])

    op.create_table(
        "fact_corrections",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("firm_id", sa.Integer(), sa.ForeignKey("firms.id", ondelete="CASCADE"), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("proposed", sa.JSON(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("filed_by", sa.String(64), nullable=False),
        sa.Column("filed_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("officer", sa.String(64), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("fact_id", sa.Integer(), sa.ForeignKey("firm_facts.id", ondelete="SET NULL"), nullable=True),
    )
    op.create_index("ix_fact_corrections_firm_id", "fact_corrections", ["firm_id"])
    op.create_index("ix_fact_corrections_status", "fact_corrections", ["status"])

    op.create_table(
        "firm_profiles",
        sa.Column("code", sa.String(18), sa.ForeignKey("firms.code", ondelete="CASCADE"), primary_key=True),
        sa.Column("region", sa.String(12), nullable=True),
        sa.Column("profile", sa.JSON(), nullable=False),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_firm_profiles_region", "firm_profiles", ["region"])
    op.create_index("ix_firm_profiles_updated_at", "firm_profiles", ["updated_at"])


def downgrade() -> None:
    """Drop the tables (children first)."""
    op.drop_table("firm_profiles")
    op.drop_table("fact_corrections")
    op.drop_table("firm_facts")
    op.drop_table("firm_imports")
    op.drop_table("firms")
