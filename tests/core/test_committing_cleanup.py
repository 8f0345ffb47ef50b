"""The cleanup after a committing test (tests/conftest.py): back to the reference data alone,
emptying only the tables that hold rows, and the reference tables only when written to."""

from __future__ import annotations

from sqlalchemy import select, update

from app.districts.models import Council
from app.extensions import db
from tests.conftest import ReferenceData, ReferenceWrites, empty_after_committing, take_rows


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
