"""Migration 0009: from 0008 it adds the measure tables with the seeded statuses; the
downgrade removes them again."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from app import create_app
from app.extensions import db
from tests.core.test_migrations import empty_database_url  # noqa: F401 - the fixture

TABLES = {
    "measures",
    "measure_statuses",
    "measure_offices",
    "measure_districts",
    "measure_places",
    "measure_milestones",
    "measure_indicators",
    "measure_inputs",
    "measure_history",
}


def test_upgrade_from_0008_and_downgrade(empty_database_url):  # noqa: F811
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade(revision="0008")
        assert not TABLES & set(inspect(db.engine).get_table_names())
        upgrade(revision="0009")
        assert set(inspect(db.engine).get_table_names()) >= TABLES
        with db.engine.connect() as conn:
            rows = conn.execute(
                text("SELECT key, default_progress FROM measure_statuses ORDER BY position")
            ).all()
        assert [tuple(r) for r in rows] == [
            ("idea", 0),
            ("planned", 10),
            ("decided", 25),
            ("in_implementation", 50),
            ("done", 100),
            ("stopped", None),
        ]
        downgrade(revision="0008")
        assert not TABLES & set(inspect(db.engine).get_table_names())
        db.engine.dispose()


def test_0016_adds_the_frozen_comparison_groups(empty_database_url):  # noqa: F811
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade(revision="0008")
        upgrade(revision="0016")
        assert "measure_effect_comparisons" in inspect(db.engine).get_table_names()
        downgrade(revision="0015")
        assert "measure_effect_comparisons" not in inspect(db.engine).get_table_names()
        downgrade(revision="0008")
        db.engine.dispose()
