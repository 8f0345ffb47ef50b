"""Migration 0012 (the back office's rest) from 0008: existing supports are counted on the
work items, existing tags are offered (not hidden); the new tables come and go; downgrade
back to 0008 works."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from app import create_app
from app.extensions import db
from tests.core.test_migrations import empty_database_url  # noqa: F401 - the fixture
from tests.workflow.test_migration import _before, _insert, _old_rows


def test_0012_counts_existing_supports_and_goes_back(empty_database_url):  # noqa: F811
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade(revision=_before())
        with db.engine.begin() as conn:
            made = _old_rows(conn)
        upgrade(revision="0008")
        supported = made["proposals"]["in_review"]
        with db.engine.begin() as conn:
            for n in range(3):
                user = _insert(
                    conn,
                    "users",
                    email=f"u{n}@example.org",
                    display_name=f"U {n}",
                    created_at="2026-03-01 10:00:00",
                    session_token=f"token-{n}",
                )
                _insert(
                    conn,
                    "proposal_supports",
                    user_id=user,
                    proposal_id=supported,
                    created_at="2026-03-02 10:00:00",
                )
            _insert(
                conn,
                "workflow_tags",
                name="Runde 1",
                name_key="runde 1",
                created_at="2026-03-02 10:00:00",
            )
        upgrade(revision="0012")
        with db.engine.connect() as conn:
            counts = dict(
                conn.execute(
                    text(
                        "SELECT target_id, support_count FROM work_items "
                        "WHERE target_type = 'proposal'"
                    )
                ).all()
            )
            tag = conn.execute(text("SELECT hidden, merged_into_id FROM workflow_tags")).one()
        assert counts[supported] == 3
        assert sum(counts.values()) == 3
        assert (bool(tag[0]), tag[1]) == (False, None)
        tables = set(inspect(db.engine).get_table_names())
        assert {"workflow_response_templates", "official_response_drafts"} <= tables

        downgrade(revision="0008")
        tables = set(inspect(db.engine).get_table_names())
        assert not {"workflow_response_templates", "official_response_drafts"} & tables
        assert "support_count" not in {
            c["name"] for c in inspect(db.engine).get_columns("work_items")
        }
        assert "hidden" not in {c["name"] for c in inspect(db.engine).get_columns("workflow_tags")}
        downgrade(revision="base")
        db.engine.dispose()
