"""Migration 0015 (accessibility feedback) upgrades from 0008 and downgrades back."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from app import create_app
from app.extensions import db
from tests.core.test_migrations import empty_database_url  # noqa: F401 - fixture


def test_0015_upgrades_from_0008_and_downgrades(empty_database_url):  # noqa: F811
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade(revision="0008")
        assert "accessibility_feedback" not in inspect(db.engine).get_table_names()
        upgrade(revision="0015")
        inspector = inspect(db.engine)
        assert "accessibility_feedback" in inspector.get_table_names()
        columns = {c["name"]: c for c in inspector.get_columns("accessibility_feedback")}
        assert not columns["description"].get("nullable")
        assert columns["email"]["nullable"] and columns["name"]["nullable"]
        indexes = {i["name"] for i in inspector.get_indexes("accessibility_feedback")}
        assert "ix_accessibility_feedback_created_at" in indexes
        downgrade(revision="0008")
        assert "accessibility_feedback" not in inspect(db.engine).get_table_names()
        db.engine.dispose()
