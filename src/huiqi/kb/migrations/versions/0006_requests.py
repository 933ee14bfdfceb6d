"""诉求 (firms' requests): requests, append-only events, clocks, escalations, inbox, attachments, calendar overrides.

Revision ID: 0006_requests
Revises: 0005_policy_identity
Create Date: 2026-12-06

Written by hand to match :mod:`huiqi.kb.requests`. ``request_events`` is
append-only: triggers refuse UPDATE and DELETE (SQLite and PostgreSQL).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_requests"
down_revision = "0005_policy_identity"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the tables, indexes and the event-log triggers."""
    op.create_table(
        "requests",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("no", sa.String(24), nullable=True, unique=True),
        sa.Column("submit_key", sa.String(64), nullable=True, unique=True),
        sa.Column("query_code", sa.String(16), nullable=False, unique=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("category", sa.String(32), nullable=True),
        sa.Column("region", sa.String(12), nullable=True),
        sa.Column("firm_code", sa.String(18), nullable=False),
        sa.Column("firm_name", sa.Text(), nullable=True),
        sa.Column("contact_name", sa.String(64), nullable=True),
        sa.Column("contact_phone", sa.String(32), nullable=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("clause_ids", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("request_class", sa.String(16), nullable=True),
        sa.Column("unit", sa.Text(), nullable=True),
        sa.Column("external_channel", sa.Text(), nullable=True),
        sa.Column("declared_due", sa.Date(), nullable=True),
        sa.Column("return_count", sa.Integer(), nullable=False),
        sa.Column("reopen_count", sa.Integer(), nullable=False),
        sa.Column("submitted_by", sa.Integer(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("routed_at", sa.DateTime(), nullable=True),
        sa.Column("replied_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_index("ix_requests_region", "requests", ["region"])
    op.create_index("ix_requests_firm_code", "requests", ["firm_code"])
    op.create_index("ix_requests_status", "requests", ["status"])
    op.create_index("ix_requests_status_region", "requests", ["status", "region"])

    op.create_table(
        "request_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("request_id", sa.Integer(), sa.ForeignKey("requests.id", ondelete="CASCADE"), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("from_status", sa.String(16), nullable=True),
        sa.Column("to_status", sa.String(16), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(64), nullable=False),
        sa.Column("actor_unit", sa.Text(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("visible_to_firm", sa.Boolean(), nullable=False),
        sa.Column("dedupe_key", sa.String(64), nullable=True),
        sa.UniqueConstraint("request_id", "seq", name="uq_request_events_seq"),
        sa.UniqueConstraint("request_id", "dedupe_key", name="uq_request_events_dedupe"),
    )
    op.create_index("ix_request_events_request_id", "request_events", ["request_id"])

    op.create_table(
        "request_clocks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("request_id", sa.Integer(), sa.ForeignKey("requests.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=True),
        sa.Column("unit", sa.Text(), nullable=True),
        sa.Column("start_at", sa.DateTime(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("met_at", sa.DateTime(), nullable=True),
        sa.Column("breached_at", sa.DateTime(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.Column("provisional", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("request_id", "kind", "n", name="uq_request_clocks_kind_n"),
    )
    op.create_index("ix_request_clocks_request_id", "request_clocks", ["request_id"])
    op.create_index("ix_request_clocks_open", "request_clocks", ["met_at", "cancelled_at", "due_date"])

    op.create_table(
        "request_escalations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("clock_id", sa.Integer(), sa.ForeignKey("request_clocks.id", ondelete="CASCADE"), nullable=False),
        sa.Column("request_id", sa.Integer(), sa.ForeignKey("requests.id", ondelete="CASCADE"), nullable=False),
        sa.Column("rung", sa.String(8), nullable=False),
        sa.Column("unit", sa.Text(), nullable=True),
        sa.Column("overdue_days", sa.Integer(), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("clock_id", "rung", name="uq_request_escalations_clock_rung"),
    )
    op.create_index("ix_request_escalations_clock_id", "request_escalations", ["clock_id"])
    op.create_index("ix_request_escalations_request_id", "request_escalations", ["request_id"])

    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("request_id", sa.Integer(), sa.ForeignKey("requests.id", ondelete="CASCADE"), nullable=True),
        sa.Column("recipient_kind", sa.String(8), nullable=False),
        sa.Column("recipient", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_notifications_request_id", "notifications", ["request_id"])
    op.create_index("ix_notifications_recipient", "notifications", ["recipient_kind", "recipient"])

    op.create_table(
        "request_attachments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("request_id", sa.Integer(), sa.ForeignKey("requests.id", ondelete="CASCADE"), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("stored_name", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("uploaded_by", sa.String(64), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_request_attachments_request_id", "request_attachments", ["request_id"])

    op.create_table(
        "work_calendar_overrides",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("is_workday", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("source_doc", sa.Text(), nullable=True),
        sa.Column("updated_by", sa.String(64), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )

    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER request_events_no_{verb.lower()} BEFORE {verb} ON request_events "
                "BEGIN SELECT RAISE(ABORT, 'request_events is append-only'); END"
            )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION request_events_append_only() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'request_events is append-only'; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER request_events_append_only BEFORE UPDATE OR DELETE ON request_events "
            "FOR EACH ROW EXECUTE FUNCTION request_events_append_only()"
        )


def downgrade() -> None:
    """Drop the triggers and tables (children first)."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS request_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS request_events_no_delete")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS request_events_append_only ON request_events")
        op.execute("DROP FUNCTION IF EXISTS request_events_append_only()")
    op.drop_table("work_calendar_overrides")
    op.drop_table("request_attachments")
    op.drop_table("notifications")
    op.drop_table("request_escalations")
    op.drop_table("request_clocks")
    op.drop_table("request_events")
    op.drop_table("requests")
