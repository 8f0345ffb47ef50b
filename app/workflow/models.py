"""The back office's workflow: statuses as data, one work item per input, its history,
routing rules and response targets.

Inputs (proposals, needs, barrier reports) are known only by ``(target_type, target_id)``;
their models mix in :class:`TrackedMixin` to read their work item and status.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import (
    DDL,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
    event,
    select,
)
from sqlalchemy.orm import Mapped, declared_attr, foreign, mapped_column, relationship

from ..core.history import HistoryIsImmutable, immutable  # noqa: F401 - HistoryIsImmutable: this API
from ..core.time import as_utc, utcnow
from ..extensions import db

NEW = "new"
DUPLICATE = "duplicate"

# key, German name, English name, colour (≥ 4.5:1 on white), closed, position
SEEDED_STATUSES = (
    ("new", "Neu", "New", "#1f5fa8", False, 10),
    ("in_review", "In Prüfung", "In review", "#6a4c93", False, 20),
    ("assigned", "Zugewiesen", "Assigned", "#2f4858", False, 30),
    ("planned", "Geplant", "Planned", "#a04000", False, 40),
    ("in_implementation", "In Umsetzung", "In implementation", "#7b5d2e", False, 50),
    ("done", "Erledigt", "Done", "#2e7d32", True, 60),
    ("declined", "Abgelehnt", "Declined", "#b3261e", True, 70),
    ("duplicate", "Doppelt", "Duplicate", "#555555", True, 80),
    ("not_responsible", "Nicht zuständig", "Not our responsibility", "#37474f", True, 90),
    (
        "merged_into_measure",
        "In Maßnahme übernommen",
        "Merged into a measure",
        "#5d4037",
        True,
        100,
    ),
)
STATUS_KEYS = tuple(row[0] for row in SEEDED_STATUSES)


class WorkflowStatus(db.Model):
    """A status of the workflow (an admin page edits names, colour, order, active)."""

    __tablename__ = "workflow_statuses"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    name_de: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))
    colour: Mapped[str] = mapped_column(String(7), default="#555555")
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def name(self, locale: str = "de") -> str:
        return self.name_en if locale == "en" else self.name_de


class WorkItem(db.Model):
    """The back office's record of one input: status, responsible office and person, due
    date; district, category and creation time copied from the input for the inbox."""

    __tablename__ = "work_items"
    __table_args__ = (
        UniqueConstraint("target_type", "target_id", name="uq_work_items_target"),
        Index("ix_work_items_status_created", "status_id", "created_at", "id"),
        Index("ix_work_items_office_status", "office_id", "status_id"),
        Index("ix_work_items_district_status", "district_id", "status_id"),
        Index("ix_work_items_assignee_status", "assignee_id", "status_id"),
        Index("ix_work_items_supports", "support_count", "id"),
        # the inbox's default order and the overdue count walk these (no sort of all rows)
        Index("ix_work_items_answer_created", "first_response_at", "created_at", "id"),
        Index("ix_work_items_created", "created_at", "id"),
        Index("ix_work_items_answer_due", "first_response_at", "due_on"),
        # the inbox's district filter in the default order: one range in order (0017)
        Index(
            "ix_work_items_district_answer_created",
            "district_id",
            "first_response_at",
            "created_at",
            "id",
        ),
        # the figures (app/responsiveness, 0019): per office / district the answered items in
        # the order of their days to the first response (percentiles by offset, counts of
        # answered, on time and overdue index-only), the closed ones by days to closure, and
        # the counts by category and status
        Index(
            "ix_work_items_office_response",
            "office_id",
            "first_response_days",
            "due_on",
            "on_time",
            "closure_days",
        ),
        Index(
            "ix_work_items_district_response",
            "district_id",
            "first_response_days",
            "due_on",
            "on_time",
            "closure_days",
        ),
        Index("ix_work_items_office_closure", "office_id", "closure_days"),
        Index("ix_work_items_district_closure", "district_id", "closure_days"),
        Index("ix_work_items_category_status", "category_id", "status_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int] = mapped_column(Integer)
    status_id: Mapped[int] = mapped_column(ForeignKey("workflow_statuses.id"))
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id", ondelete="SET NULL"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    due_on: Mapped[date | None] = mapped_column(Date)
    duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("work_items.id", ondelete="SET NULL")
    )
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id", ondelete="SET NULL"))
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("proposal_categories.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # the input's supports, kept here for the inbox's filter and sort (see services)
    support_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    first_response_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Kept by :func:`_keep_durations` on every ORM write (and by the bulk writers, see
    # :func:`durations`): days (with fractions) from creation to the first response and, in
    # a closed status, to closure; whether the first response came by the due date (NULL:
    # no response or no due date).
    first_response_days: Mapped[float | None] = mapped_column(Float)
    closure_days: Mapped[float | None] = mapped_column(Float)
    on_time: Mapped[bool | None] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    status: Mapped[WorkflowStatus] = relationship(lazy="joined")
    office = relationship("Office", lazy="select")
    assignee = relationship("User", lazy="select", foreign_keys=[assignee_id])
    duplicate_of = relationship("WorkItem", remote_side=[id], lazy="select")


def _days(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return (as_utc(end) - as_utc(start)).total_seconds() / 86400


def durations(
    *,
    created_at: datetime | None,
    first_response_at: datetime | None,
    closed_at: datetime | None,
    due_on: date | None,
    closed: bool,
) -> dict[str, float | bool | None]:
    """The stored figures of a work item from its times (for bulk inserts that bypass the
    ORM: ``{**row, **durations(...)}``)."""
    return {
        "first_response_days": _days(created_at, first_response_at),
        "closure_days": _days(created_at, closed_at) if closed else None,
        "on_time": None
        if first_response_at is None or due_on is None
        else as_utc(first_response_at).date() <= due_on,
    }


@event.listens_for(WorkItem, "before_insert")
@event.listens_for(WorkItem, "before_update")
def _keep_durations(mapper, connection, target: WorkItem) -> None:
    """Every ORM write of a work item stores its durations (the figures read them)."""
    if target.created_at is None:  # the column default, applied here so the days can use it
        target.created_at = utcnow()
    status = target.__dict__.get("status")
    if status is not None and (target.status_id is None or status.id == target.status_id):
        closed = bool(status.closed)
    elif target.status_id is not None:
        closed = bool(
            connection.scalar(
                select(WorkflowStatus.closed).where(WorkflowStatus.id == target.status_id)
            )
        )
    else:
        closed = False
    for name, value in durations(
        created_at=target.created_at,
        first_response_at=target.first_response_at,
        closed_at=target.closed_at,
        due_on=target.due_on,
        closed=closed,
    ).items():
        if getattr(target, name) != value:
            setattr(target, name, value)


# --- the figures' counts, kept by the database on every write ---------------------------------

COUNT_DIMENSIONS = ("district", "office", "category")  # the work item's column: <name>_id
# the counted facts of a work item (column of work_item_counts → SQL of the row, X = NEW/OLD);
# booleans as 0/1 in both dialects
_COUNTED = {
    "items": "1",
    "answered": "(X.first_response_days IS NOT NULL)",
    "on_time": "(X.on_time IS TRUE)",
    "timed": "(X.on_time IS NOT NULL)",
    "closed_timed": "(X.closure_days IS NOT NULL)",
    "unanswered_due": "(X.first_response_days IS NULL AND X.due_on IS NOT NULL)",
}
# the columns a count reads: an UPDATE of anything else (support_count, assignee, …) fires
# nothing
_COUNTED_SOURCES = (
    "status_id",
    "district_id",
    "office_id",
    "category_id",
    "first_response_days",
    "on_time",
    "closure_days",
    "due_on",
)


class WorkItemCount(db.Model):
    """Per dimension (district, office, category), its value (``key_id``, 0: none) and status:
    how many work items there are, how many were answered, answered on time, answered with
    a due date (``timed``), closed with a closure time, and not answered but with a due date.

    Kept by database triggers on ``work_items`` (:func:`count_triggers_sql`; created with the
    schema and by migration 0022) in the writer's transaction, for every INSERT, DELETE and
    UPDATE of a counted column, whoever writes (ORM, Core bulk inserts, SQL): each is an
    upsert adding ``±1`` (``INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n``), so
    concurrent writers serialise on the row and never lose a count; a rolled-back write
    leaves none. Rows whose counts went back to zero stay (readers skip ``items = 0``).
    :func:`rebuild_counts_sql` counts everything afresh (the migration; a repair)."""

    __tablename__ = "work_item_counts"

    dimension: Mapped[str] = mapped_column(String(10), primary_key=True)
    key_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    status_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    items: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    answered: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    on_time: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    timed: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    closed_timed: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    unanswered_due: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


DAY_DIMENSIONS = ("district", "office")
DAY_MEASURES = {"first_response": "first_response_days", "closure": "closure_days"}


class WorkItemDays(db.Model):
    """Per dimension (district, office), value (``key_id``, 0: none), measure (days to the
    first response, to closure) and bucket of days: how many work items have such a
    duration. Buckets (:func:`day_bucket_sql`): ``[b, b + 1)`` days for b from 1 to 99,
    ``[b, b + 10)`` from 100 to 990, 1,000 and more, and below one day (also negative
    durations) in bucket 0; the lower bound of a bucket is its number.

    The percentiles' probes start at the bucket holding their rank (found from these
    counts), so a probe walks at most one bucket of the index ``(group, days)`` instead of
    half the group. Kept by the same triggers as :class:`WorkItemCount`."""

    __tablename__ = "work_item_days"

    dimension: Mapped[str] = mapped_column(String(10), primary_key=True)
    key_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    measure: Mapped[str] = mapped_column(String(20), primary_key=True)
    day: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    n: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


def day_bucket_sql(value: str, dialect: str) -> str:
    """SQL: the bucket of a duration in days (``NULL`` for ``NULL``), the same on both
    databases (truncation is the floor for the values from 1 up)."""
    if dialect == "postgresql":
        ones, tens = f"floor({value})::int", f"(floor({value} / 10) * 10)::int"
    else:
        ones, tens = f"CAST({value} AS INTEGER)", f"(CAST({value} / 10 AS INTEGER) * 10)"
    return (
        f"CASE WHEN {value} IS NULL THEN NULL WHEN {value} < 1 THEN 0 "
        f"WHEN {value} < 100 THEN {ones} WHEN {value} < 1000 THEN {tens} ELSE 1000 END"
    )


def _days_upsert(row: str, sign: str, dialect: str) -> str:
    """The upsert adding ``sign`` 1 to the row's day buckets (both dimensions and measures,
    where the duration is known)."""
    parts = []
    for dimension in DAY_DIMENSIONS:
        for measure, column in DAY_MEASURES.items():
            parts.append(
                f"SELECT '{dimension}' AS dimension, coalesce({row}.{dimension}_id, 0) AS key_id, "
                f"'{measure}' AS measure, {day_bucket_sql(f'{row}.{column}', dialect)} AS day, "
                f"{sign}1 AS n"
            )
    return (  # constants of this module only
        "INSERT INTO work_item_days (dimension, key_id, measure, day, n) "  # noqa: S608
        f"SELECT dimension, key_id, measure, day, n FROM ({' UNION ALL '.join(parts)}) AS d "
        "WHERE day IS NOT NULL ON CONFLICT (dimension, key_id, measure, day) "
        "DO UPDATE SET n = work_item_days.n + excluded.n"
    )


def _count_upsert(row: str, sign: str, dialect: str) -> str:
    """The upsert adding ``sign`` × the row's (``NEW``/``OLD``) facts to its three rows."""
    names = list(_COUNTED)
    values = []
    for dimension in COUNT_DIMENSIONS:
        facts = []
        for name in names:
            expression = _COUNTED[name].replace("X.", f"{row}.")
            if dialect == "postgresql" and name != "items":
                expression = f"{expression}::int"
            facts.append(f"{sign}{expression}")
        values.append(
            f"('{dimension}', coalesce({row}.{dimension}_id, 0), {row}.status_id, "
            + ", ".join(facts)
            + ")"
        )
    columns = ", ".join(names)
    updates = ", ".join(f"{n} = work_item_counts.{n} + excluded.{n}" for n in names)
    return (  # constants of this module only
        f"INSERT INTO work_item_counts (dimension, key_id, status_id, {columns}) VALUES "  # noqa: S608
        + ", ".join(values)
        + f" ON CONFLICT (dimension, key_id, status_id) DO UPDATE SET {updates}"
    )


def count_triggers_sql(dialect: str) -> list[str]:
    """The statements creating the triggers that keep ``work_item_counts`` (the migration
    runs the same)."""
    sources = ", ".join(_COUNTED_SOURCES)
    if dialect == "postgresql":
        return [
            "CREATE OR REPLACE FUNCTION work_item_counts_keep() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN "
            f"IF TG_OP IN ('UPDATE', 'DELETE') THEN {_count_upsert('OLD', '-', dialect)}; "
            f"{_days_upsert('OLD', '-', dialect)}; END IF; "
            f"IF TG_OP IN ('INSERT', 'UPDATE') THEN {_count_upsert('NEW', '', dialect)}; "
            f"{_days_upsert('NEW', '', dialect)}; END IF; RETURN NULL; END $$",
            "CREATE TRIGGER work_item_counts_keep AFTER INSERT OR DELETE OR UPDATE OF "
            f"{sources} ON work_items FOR EACH ROW EXECUTE FUNCTION work_item_counts_keep()",
        ]
    if dialect == "sqlite":
        return [
            "CREATE TRIGGER IF NOT EXISTS work_item_counts_insert AFTER INSERT ON work_items "
            f"BEGIN {_count_upsert('NEW', '', dialect)}; {_days_upsert('NEW', '', dialect)}; END",
            "CREATE TRIGGER IF NOT EXISTS work_item_counts_delete AFTER DELETE ON work_items "
            f"BEGIN {_count_upsert('OLD', '-', dialect)}; {_days_upsert('OLD', '-', dialect)}; "
            "END",
            f"CREATE TRIGGER IF NOT EXISTS work_item_counts_update AFTER UPDATE OF {sources} "
            f"ON work_items BEGIN {_count_upsert('OLD', '-', dialect)}; "
            f"{_days_upsert('OLD', '-', dialect)}; "
            f"{_count_upsert('NEW', '', dialect)}; {_days_upsert('NEW', '', dialect)}; END",
        ]
    return []


def pause_count_triggers_sql(dialect: str) -> list[str]:
    """The statements switching the count triggers off for a bulk write (undone by
    :func:`resume_count_triggers_sql`; both inside the writer's transaction). PostgreSQL's
    ``DISABLE TRIGGER`` locks ``work_items`` against other writers until the commit, so
    no concurrent write goes uncounted; SQLite has one writer anyway."""
    if dialect == "postgresql":
        return ["ALTER TABLE work_items DISABLE TRIGGER work_item_counts_keep"]
    if dialect == "sqlite":
        return [
            f"DROP TRIGGER IF EXISTS work_item_counts_{event}"
            for event in ("insert", "delete", "update")
        ]
    return []


def resume_count_triggers_sql(dialect: str) -> list[str]:
    """The count triggers switched on again, then every count counted afresh."""
    if dialect == "postgresql":
        on = ["ALTER TABLE work_items ENABLE TRIGGER work_item_counts_keep"]
    else:
        on = count_triggers_sql(dialect)
    return on + rebuild_counts_sql(dialect)


def rebuild_counts_sql(dialect: str) -> list[str]:
    """Count ``work_item_counts`` and ``work_item_days`` afresh from ``work_items`` (one
    GROUP BY per dimension and measure)."""
    statements = ["DELETE FROM work_item_counts", "DELETE FROM work_item_days"]
    for dimension in DAY_DIMENSIONS:
        for measure, column in DAY_MEASURES.items():
            bucket = day_bucket_sql(column, dialect)
            key = f"coalesce({dimension}_id, 0)"
            statements.append(  # constants of this module only
                "INSERT INTO work_item_days (dimension, key_id, measure, day, n) "  # noqa: S608
                f"SELECT '{dimension}', {key}, '{measure}', {bucket}, count(*) FROM work_items "
                f"WHERE {column} IS NOT NULL GROUP BY {key}, {bucket}"
            )
    for dimension in COUNT_DIMENSIONS:
        facts = []
        for name, expression in _COUNTED.items():
            expression = expression.replace("X.", "")
            if dialect == "postgresql" and name != "items":
                expression = f"{expression}::int"
            facts.append(f"sum({expression})" if name != "items" else "count(*)")
        key = f"coalesce({dimension}_id, 0)"
        statements.append(  # constants of this module only
            f"INSERT INTO work_item_counts (dimension, key_id, status_id, {', '.join(_COUNTED)}) "  # noqa: S608
            f"SELECT '{dimension}', {key}, status_id, {', '.join(facts)} "
            f"FROM work_items GROUP BY {key}, status_id"
        )
    return statements


for _dialect in ("postgresql", "sqlite"):
    for _statement in count_triggers_sql(_dialect):
        # on the work items' table (the triggers' own; the counts' table may come later in
        # create_all: the trigger bodies are resolved when they run)
        event.listen(
            WorkItem.__table__, "after_create", DDL(_statement).execute_if(dialect=_dialect)
        )


class StatusChange(db.Model):
    """One status change of a work item: immutable history."""

    __tablename__ = "work_item_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    work_item_id: Mapped[int] = mapped_column(
        ForeignKey("work_items.id", ondelete="CASCADE"), index=True
    )
    from_status_id: Mapped[int | None] = mapped_column(ForeignKey("workflow_statuses.id"))
    to_status_id: Mapped[int] = mapped_column(ForeignKey("workflow_statuses.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id", ondelete="SET NULL"))
    response_id: Mapped[int | None] = mapped_column(
        ForeignKey("official_responses.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    to_status: Mapped[WorkflowStatus] = relationship(foreign_keys=[to_status_id], lazy="joined")


immutable(StatusChange, "status changes")


class RoutingRule(db.Model):
    """Which office is responsible for new inputs: by type, category and district (each
    ``NULL`` = any); the most specific matching rule wins."""

    __tablename__ = "workflow_routing_rules"
    __table_args__ = (
        UniqueConstraint(
            "target_type", "category_id", "district_id", name="uq_workflow_routing_rules"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str | None] = mapped_column(String(40))
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("proposal_categories.id", ondelete="CASCADE")
    )
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id", ondelete="CASCADE"))
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"))

    office = relationship("Office", lazy="joined")
    category = relationship("Category", lazy="joined")
    district = relationship("District", lazy="joined")


class ResponseTarget(db.Model):
    """The target for a first answer, in days, per category (due date = created + days)."""

    __tablename__ = "workflow_response_targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(
        ForeignKey("proposal_categories.id", ondelete="CASCADE"), unique=True
    )
    days: Mapped[int] = mapped_column(Integer)

    category = relationship("Category", lazy="joined")


class Tag(db.Model):
    """An internal tag of the back office (planner-defined, never public). ``name_key`` is
    the lower-cased name: names are unique whatever their case (the unique constraint is
    what a concurrent creation runs into). A hidden tag is no longer offered nor listed;
    ``merged_into_id`` names the tag it was merged into (its items carry that one now)."""

    __tablename__ = "workflow_tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    name_key: Mapped[str] = mapped_column(String(60), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("workflow_tags.id", ondelete="SET NULL")
    )


class WorkItemTag(db.Model):
    """A tag on a work item."""

    __tablename__ = "work_item_tags"
    __table_args__ = (Index("ix_work_item_tags_tag", "tag_id", "work_item_id"),)

    work_item_id: Mapped[int] = mapped_column(
        ForeignKey("work_items.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(
        ForeignKey("workflow_tags.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class WorkItemNote(db.Model):
    """An internal note on a work item (back office only, never public)."""

    __tablename__ = "work_item_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    work_item_id: Mapped[int] = mapped_column(
        ForeignKey("work_items.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    author = relationship("User", lazy="joined")


class ResponseTemplate(db.Model):
    """A response template of an office: a title (unique in the office), the answer's text
    with placeholders (``{title}``, ``{district}``, ``{office}``, ``{link}``) and optionally
    the status it sets."""

    __tablename__ = "workflow_response_templates"
    __table_args__ = (
        UniqueConstraint("office_id", "title", name="uq_workflow_response_templates_title"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    status_id: Mapped[int | None] = mapped_column(
        ForeignKey("workflow_statuses.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    office = relationship("Office", lazy="joined")
    status: Mapped[WorkflowStatus | None] = relationship(lazy="joined")


class TrackedMixin:
    """For the models of tracked inputs: ``work_item`` (joined with its status, so lists
    need no extra query) and ``status`` (the status key; ``new`` without a work item)."""

    workflow_type: ClassVar[str]

    @declared_attr
    def work_item(cls) -> Mapped[WorkItem | None]:
        return relationship(
            WorkItem,
            primaryjoin=lambda: and_(
                foreign(WorkItem.target_id) == cls.id, WorkItem.target_type == cls.workflow_type
            ),
            viewonly=True,
            uselist=False,
            lazy="joined",
        )

    @property
    def status(self) -> str:
        item = self.work_item
        return item.status.key if item is not None else NEW

    @property
    def status_record(self) -> WorkflowStatus | None:
        item = self.work_item
        return item.status if item is not None else None
