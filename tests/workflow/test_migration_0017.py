"""Migration 0017 (the inbox's district index): upgrade from 0008 brings the index on
work_items (district_id, first_response_at, created_at, id), with the rows kept; downgrade
takes it away again and back to 0008 works."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from app import create_app
from app.extensions import db
from tests.core.test_migrations import empty_database_url  # noqa: F401 - the fixture
from tests.workflow.test_migration import _before, _old_rows

INDEX = "ix_work_items_district_answer_created"


def _indexes() -> dict[str, list[str]]:
    return {i["name"]: i["column_names"] for i in inspect(db.engine).get_indexes("work_items")}


def test_0017_adds_the_district_index_and_goes_back(empty_database_url):  # noqa: F811
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade(revision=_before())
        with db.engine.begin() as conn:
            _old_rows(conn)
        upgrade(revision="0008")
        with db.engine.connect() as conn:
            before = conn.execute(text("SELECT count(*) FROM work_items")).scalar()
        assert before > 0
        upgrade(revision="0017")
        assert _indexes()[INDEX] == ["district_id", "first_response_at", "created_at", "id"]
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM work_items")).scalar() == before
        downgrade(revision="0015")
        assert INDEX not in _indexes()
        downgrade(revision="0008")
        assert "support_count" not in {
            c["name"] for c in inspect(db.engine).get_columns("work_items")
        }
        db.engine.dispose()
