"""Migration 0004 gives every existing account its own session token."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from app import create_app
from app.extensions import db
from tests.core.test_migrations import empty_database_url  # noqa: F401 - the fixture


def test_existing_accounts_get_distinct_tokens(empty_database_url):  # noqa: F811
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade(revision="0003")
        with db.engine.begin() as conn:
            for n in range(3):
                conn.execute(
                    text(
                        "INSERT INTO users (email, display_name, created_at) "
                        "VALUES (:email, :name, CURRENT_TIMESTAMP)"
                    ),
                    {"email": f"p{n}@example.org", "name": f"P {n}"},
                )
        upgrade(revision="0004")
        with db.engine.connect() as conn:
            tokens = conn.execute(text("SELECT session_token FROM users")).scalars().all()
        assert len(tokens) == 3 and len(set(tokens)) == 3
        assert all(token and len(token) == 32 for token in tokens)
        columns = {c["name"]: c for c in inspect(db.engine).get_columns("users")}
        assert columns["session_token"]["nullable"] is False
        indexes = {i["name"]: i for i in inspect(db.engine).get_indexes("users")}
        assert indexes["ix_users_session_token"]["unique"]
        downgrade(revision="0003")
        columns = {c["name"] for c in inspect(db.engine).get_columns("users")}
        assert "session_token" not in columns
        downgrade(revision="base")
        db.engine.dispose()
