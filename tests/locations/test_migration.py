"""Migration 0018: from 0017 it adds the location tables; the downgrade removes them."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from app import create_app
from app.extensions import db
from tests.core.test_migrations import empty_database_url  # noqa: F401 - the fixture

TABLES = {
    "location_scenarios",
    "location_criteria",
    "location_shares",
    "location_share_openings",
}


def test_upgrade_from_0017_and_downgrade(empty_database_url):  # noqa: F811
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade(revision="0017")
        assert not TABLES & set(inspect(db.engine).get_table_names())
        upgrade(revision="0018")
        assert set(inspect(db.engine).get_table_names()) >= TABLES
        columns = {c["name"] for c in inspect(db.engine).get_columns("location_shares")}
        assert {"token_digest", "expires_at", "revoked_at"} <= columns
        downgrade(revision="0017")
        assert not TABLES & set(inspect(db.engine).get_table_names())
        db.engine.dispose()
