"""Migration 0011 (Open311) upgrades from 0008 and downgrades back, on SQLite and PostgreSQL
(the full chain against the models is checked in tests/core/test_migrations.py)."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from app import create_app
from app.extensions import db
from tests.core.test_migrations import empty_database_url  # noqa: F401 - the fixture


def _state() -> tuple[set[str], set[str]]:
    inspector = inspect(db.engine)
    tables = set(inspector.get_table_names())
    columns = {c["name"] for c in inspector.get_columns("proposals")}
    return tables, columns


def test_upgrade_from_0008_and_downgrade(empty_database_url):  # noqa: F811
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade(revision="0008")
        tables, columns = _state()
        assert "open311_api_keys" not in tables and "submitted_via" not in columns
        upgrade(revision="0011")
        tables, columns = _state()
        assert {"open311_api_keys", "open311_tokens"} <= tables and "submitted_via" in columns
        downgrade(revision="0008")
        tables, columns = _state()
        assert not {"open311_api_keys", "open311_tokens"} & tables
        assert "submitted_via" not in columns and "proposals" in tables
        downgrade(revision="base")
        db.engine.dispose()
