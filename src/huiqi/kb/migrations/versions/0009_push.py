"""Precise push (精准推送): subscriptions, screen_results, outbox; inbox dedupe key and link.

Revision ID: 0009_push
Revises: 0008_lists
Create Date: 2026-12-06

Written by hand to match :mod:`huiqi.kb.push`; ``notifications`` gets two
nullable columns (additive).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_push"
down_revision = "0008_lists"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the three tables; add ``dedupe_key`` and ``link`` to ``notifications``."""
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("owner_kind", sa.String(8), nullable=False),
        sa.Column("owner", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("terms", sa.JSON(), nullable=False),
        sa.Column("region", sa.String(12), nullable=True),
        sa.Column("level", sa.String(8), nullable=True),
        sa.Column("department", sa.Text(), nullable=True),
        sa.Column("industry", sa.String(32), nullable=True),
        sa.Column("frequency", sa.String(8), nullable=False),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("phone", sa.String(32), nullable=True),
        sa.Column("wecom_id", sa.String(64), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_subscriptions_owner", "subscriptions", ["owner_kind", "owner"])
    op.create_table(
        "screen_results",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("firm_code", sa.String(18), nullable=False),
        sa.Column("policy_key", sa.String(40), nullable=False),
        sa.Column("clause_id", sa.Integer(), nullable=True),
        sa.Column("rule_version_id", sa.Integer(), nullable=False),
        sa.Column("rule_digest", sa.String(16), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("amount_min", sa.Float(), nullable=True),
        sa.Column("amount_max", sa.Float(), nullable=True),
        sa.Column("why", sa.JSON(), nullable=False),
        sa.Column("checked", sa.Boolean(), nullable=False),
        sa.Column("profile_version", sa.Integer(), nullable=True),
        sa.Column("screened_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("firm_code", "policy_key", "rule_version_id", name="uq_screen_results"),
    )
    op.create_index("ix_screen_results_policy", "screen_results", ["policy_key", "firm_code"])
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("recipient", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("dedupe_key", sa.String(64), nullable=False, unique=True),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("batch", sa.String(8), nullable=False),
        sa.Column("firm_code", sa.String(18), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_outbox_due", "outbox", ["status", "next_attempt_at"])
    op.create_index("ix_outbox_firm_code", "outbox", ["firm_code"])
    with op.batch_alter_table("notifications") as b:
        b.add_column(sa.Column("dedupe_key", sa.String(64), nullable=True))
        b.add_column(sa.Column("link", sa.Text(), nullable=True))
    op.create_index("uq_notifications_dedupe", "notifications", ["dedupe_key"], unique=True)


def downgrade() -> None:
    """Drop what :func:`upgrade` created."""
    op.drop_index("uq_notifications_dedupe", table_name="notifications")
    with op.batch_alter_table("notifications") as b:
        b.drop_column("link")
        b.drop_column("dedupe_key")
    op.drop_table("outbox")
    op.drop_table("screen_results")
    op.drop_table("subscriptions")
