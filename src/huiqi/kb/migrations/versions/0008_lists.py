"""免申即享 lists (名单): lists, entries, objections, the 兑现 ledger.

Revision ID: 0008_lists
Revises: 0007_firms
Create Date: 2026-12-06

Written by hand to match :mod:`huiqi.kb.lists`.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_lists"
down_revision = "0007_firms"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the four tables and their indexes."""
    op.create_table(
        "benefit_lists",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("clause_id", sa.Integer(), nullable=False),
        sa.Column("clause_key", sa.String(40), nullable=False),
        sa.Column("rule_version_id", sa.Integer(), nullable=True),
        sa.Column("rule_origin", sa.String(16), nullable=False),
        sa.Column("stacking_group", sa.String(64), nullable=True),
        sa.Column("mode", sa.String(1), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("region", sa.String(12), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("document_title", sa.Text(), nullable=True),
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("start_line", sa.Integer(), nullable=False),
        sa.Column("end_line", sa.Integer(), nullable=False),
        sa.Column("content", sa.Text(), nullable=True),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("limit_days", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("submitted_by", sa.String(64), nullable=True),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("approved_by", sa.String(64), nullable=True),
        sa.Column("approved_at", sa.DateTime(), nullable=True),
        sa.Column("meeting_ref", sa.Text(), nullable=True),
        sa.Column("working_days", sa.Integer(), nullable=True),
        sa.Column("publicity_start", sa.Date(), nullable=True),
        sa.Column("publicity_end", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_index("ix_benefit_lists_clause_key", "benefit_lists", ["clause_key"])
    op.create_index("ix_benefit_lists_region", "benefit_lists", ["region"])
    op.create_index("ix_benefit_lists_status", "benefit_lists", ["status"])

    op.create_table(
        "list_entries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("list_id", sa.Integer(), sa.ForeignKey("benefit_lists.id", ondelete="CASCADE"), nullable=False),
        sa.Column("firm_code", sa.String(18), nullable=False),
        sa.Column("firm_name", sa.Text(), nullable=True),
        sa.Column("profile_version", sa.Integer(), nullable=False),
        sa.Column("match_status", sa.String(16), nullable=False),
        sa.Column("amount_yuan", sa.Float(), nullable=True),
        sa.Column("formula", sa.Text(), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("risk_flags", sa.JSON(), nullable=False),
        sa.Column("decision", sa.String(8), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(64), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("pay_status", sa.String(16), nullable=True),
        sa.Column("paid_at", sa.DateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.UniqueConstraint("list_id", "firm_code", name="uq_list_entries_firm"),
    )
    op.create_index("ix_list_entries_list_id", "list_entries", ["list_id"])
    op.create_index("ix_list_entries_firm_code", "list_entries", ["firm_code"])

    op.create_table(
        "list_objections",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("list_id", sa.Integer(), sa.ForeignKey("benefit_lists.id", ondelete="CASCADE"), nullable=False),
        sa.Column("entry_id", sa.Integer(), sa.ForeignKey("list_entries.id", ondelete="CASCADE"), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("contact_name", sa.String(64), nullable=True),
        sa.Column("contact_phone", sa.String(32), nullable=True),
        sa.Column("ip_hash", sa.String(64), nullable=True),
        sa.Column("filed_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("decided_by", sa.String(64), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
    )
    op.create_index("ix_list_objections_list_id", "list_objections", ["list_id"])
    op.create_index("ix_list_objections_ip_at", "list_objections", ["ip_hash", "filed_at"])

    op.create_table(
        "payment_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("list_id", sa.Integer(), sa.ForeignKey("benefit_lists.id", ondelete="CASCADE"), nullable=False),
        sa.Column("entry_id", sa.Integer(), sa.ForeignKey("list_entries.id", ondelete="CASCADE"), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("from_status", sa.String(16), nullable=True),
        sa.Column("to_status", sa.String(16), nullable=False),
        sa.Column("amount_yuan", sa.Float(), nullable=True),
        sa.Column("ref", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_payment_events_list_id", "payment_events", ["list_id"])
    op.create_index("ix_payment_events_entry_id", "payment_events", ["entry_id"])


def downgrade() -> None:
    """Drop the tables (children first)."""
    op.drop_table("payment_events")
    op.drop_table("list_objections")
    op.drop_table("list_entries")
    op.drop_table("benefit_lists")
