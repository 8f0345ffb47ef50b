"""The cleanup after a committing test (tests/conftest.py): back to the reference data alone,
emptying only the tables that hold rows, and the reference tables only when written to; and
the connection the per-test transactions keep."""

from __future__ import annotations

from sqlalchemy import create_engine, event, func, select, text, update
from sqlalchemy.engine import Engine

from app.districts.models import Council
from app.extensions import db
from app.workflow.models import WorkItemCount
from tests.conftest import (
    KeptConnections,
    ReferenceData,
    ReferenceWrites,
    children_first,
    empty_after_committing,
    points_at,
    take_rows,
)


def rows() -> dict[str, list]:
    """Every table's rows, in an order of their own (a table's scan order may change)."""
    return {name: sorted(found, key=repr) for name, found in take_rows().items()}


def test_only_a_write_to_a_reference_table_counts(app, create_user):
    writes = ReferenceWrites()
    try:
        create_user("admin")  # users, role assignments, the audit log: not reference data
        assert not writes.seen
        db.session.execute(update(Council).values(name="Anders"))
        db.session.flush()
        assert writes.seen
    finally:
        writes.close()


def test_the_cleanup_leaves_the_reference_data_alone(app, create_user, proposal_factory):
    reference = {name: sorted(found, key=repr) for name, found in ReferenceData.rows.items()}
    proposal_factory(create_user(), supports=2)
    assert rows() != reference
    empty_after_committing(reference_written=False)
    assert rows() == reference

    db.session.execute(update(Council).values(name="Anders"))
    create_user()
    empty_after_committing(reference_written=True)
    assert rows() == reference
    assert "Anders" not in db.session.scalars(select(Council.name)).all()


def test_the_cleanup_empties_the_counts_and_switches_no_trigger_off_for_good(
    app, create_user, proposal_factory
):
    """The work item counts (kept by triggers) are emptied with the work items; on PostgreSQL
    the DELETEs run without triggers (``session_replication_role``), which is back to the
    default afterwards: the triggers count the next work item again."""
    reference = {name: sorted(found, key=repr) for name, found in ReferenceData.rows.items()}
    proposal_factory(create_user())
    counted = db.session.scalar(select(func.sum(WorkItemCount.items)))
    assert counted > 0
    statements = []

    def watch(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", watch)
    try:
        empty_after_committing(reference_written=False)
    finally:
        event.remove(Engine, "before_cursor_execute", watch)
    assert rows() == reference
    if db.session.get_bind().dialect.name == "postgresql":
        assert any("session_replication_role = replica" in s for s in statements)
        assert db.session.scalar(text("SHOW session_replication_role")) == "origin"
    proposal_factory(create_user())
    assert db.session.scalar(select(func.sum(WorkItemCount.items))) == counted


def test_triggers_stay_on_when_a_kept_row_could_point_at_a_deleted_one(app):
    """Without triggers a foreign key's ON DELETE would not fire: only when no table whose
    rows stay points at an emptied one (the reference data points at none of the others)."""
    tables = {table.name: table for table in db.metadata.sorted_tables}
    assert points_at({"proposals"}, [tables["users"]])
    assert not points_at({"users"}, [tables["proposals"]])
    others = [table for table in children_first() if table.name not in ReferenceData.rows]
    assert others and not points_at(ReferenceData.rows, others)


def test_a_kept_connection_is_replaced_when_not_fit_for_the_next_test(database_url):
    engine = create_engine(database_url)
    try:
        first = KeptConnections.get(engine)
        assert KeptConnections.get(engine) is first  # kept between tests
        first.begin()  # a transaction left open
        second = KeptConnections.get(engine)
        assert second is not first and first.closed
        second.execution_options(isolation_level="AUTOCOMMIT")  # options changed
        third = KeptConnections.get(engine)
        assert third is not second and second.closed
        third.invalidate()  # broken
        assert KeptConnections.get(engine) is not third
    finally:
        KeptConnections.discard(engine)
        engine.dispose()
    assert engine not in KeptConnections.connections
