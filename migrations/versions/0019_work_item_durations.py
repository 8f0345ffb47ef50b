"""The responsiveness figures read stored durations: work_items.first_response_days,
closure_days (days from creation, with fractions; closure only in a closed status) and
on_time (first response on or before the due date), kept by the workflow on every write;
filled here for the existing rows. Covering indexes per office and district (the
percentiles by offset in index order, the counts index-only) and by category × status.

Revision ID: 0019
Revises: 0020
Create Date: 2026-12-01 19:20:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0020"
branch_labels = None
depends_on = None


def _days(dialect, start, end):
    if dialect == "sqlite":
        return f"(julianday({end}) - julianday({start}))"
    return f"(extract(epoch from ({end} - {start})) / 86400.0)"


def _day(dialect, moment):
    return (
        f"date({moment})" if dialect == "sqlite" else f"CAST({moment} AT TIME ZONE 'UTC' AS date)"
    )


def upgrade():
    with op.batch_alter_table("work_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_response_days", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("closure_days", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("on_time", sa.Boolean(), nullable=True))
    dialect = op.get_bind().dialect.name
    closed = (
        "(SELECT closed FROM workflow_statuses WHERE workflow_statuses.id = work_items.status_id)"
    )
    true = "1" if dialect == "sqlite" else "true"
    op.execute(
        "UPDATE work_items SET "
        f"first_response_days = {_days(dialect, 'created_at', 'first_response_at')}, "
        f"closure_days = CASE WHEN {closed} = {true} THEN "
        f"{_days(dialect, 'created_at', 'closed_at')} END, "
        "on_time = CASE WHEN first_response_at IS NULL OR due_on IS NULL THEN NULL "
        f"ELSE {_day(dialect, 'first_response_at')} <= due_on END"
    )
    with op.batch_alter_table("work_items", schema=None) as batch_op:
        batch_op.create_index(
            "ix_work_items_office_response",
            ["office_id", "first_response_days", "due_on", "on_time", "closure_days"],
            unique=False,
        )
        batch_op.create_index(
            "ix_work_items_district_response",
            ["district_id", "first_response_days", "due_on", "on_time", "closure_days"],
            unique=False,
        )
        batch_op.create_index(
            "ix_work_items_office_closure", ["office_id", "closure_days"], unique=False
        )
        batch_op.create_index(
            "ix_work_items_district_closure", ["district_id", "closure_days"], unique=False
        )
        batch_op.create_index(
            "ix_work_items_category_status", ["category_id", "status_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("work_items", schema=None) as batch_op:
        batch_op.drop_index("ix_work_items_category_status")
        batch_op.drop_index("ix_work_items_district_closure")
        batch_op.drop_index("ix_work_items_office_closure")
        batch_op.drop_index("ix_work_items_district_response")
        batch_op.drop_index("ix_work_items_office_response")
        batch_op.drop_column("on_time")
        batch_op.drop_column("closure_days")
        batch_op.drop_column("first_response_days")
