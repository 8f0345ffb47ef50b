"""`flask db upgrade` from empty works, and the migrations match the models."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import MetaData, Table, create_engine, inspect, text

from app import create_app
from app.core import search
from app.extensions import db
from app.workflow.models import WorkItem, durations
from app.workflow.services import load_statuses


@pytest.fixture
def empty_database_url(database_url, tmp_path):
    if database_url.startswith("postgresql"):
        name = f"migrations_{uuid.uuid4().hex[:8]}"
        admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = database_url.rsplit("/", 1)[0] + f"/{name}"
        yield url
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        yield f"sqlite:///{tmp_path / 'migrations.sqlite'}"


# SQLite cannot reflect expression indexes: the search service's GIN indexes (PostgreSQL
# only) are compared on PostgreSQL.
@pytest.mark.filterwarnings(
    "ignore:autogenerate skipping metadata-specified expression-based index:UserWarning"
)
def test_upgrade_from_empty_matches_the_models(empty_database_url):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            # As `flask db migrate` compares: with the app's include_name (which leaves the
            # search service's SQLite FTS tables out, app.core.search.include_name).
            include_name = app.extensions["migrate"].configure_args["include_name"]
            context = MigrationContext.configure(
                conn,
                opts={"compare_type": True, "render_as_batch": True, "include_name": include_name},
            )
            differences = compare_metadata(context, db.metadata)
        assert differences == [], f"models and migrations disagree: {differences}"
        assert "districts" in inspect(db.engine).get_table_names()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


@pytest.mark.filterwarnings(
    "ignore:autogenerate skipping metadata-specified expression-based index:UserWarning"
)
def test_full_text_search_migration_indexes_existing_rows(empty_database_url):
    """0005 on a database with content: the search finds what was there before (SQLite fills
    its FTS tables from the rows; PostgreSQL's expression indexes cover them anyway)."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade(revision="0004")
        with db.engine.begin() as conn:
            comments = Table("comments", MetaData(), autoload_with=conn)
            values = {"target_type": "proposal", "target_id": 1, "body": "Schöne Spielplätze"}
            for c in comments.columns:  # whatever else the table needs
                if c.name not in values and not c.nullable and not c.primary_key:
                    values[c.name] = datetime(2026, 1, 1) if "_at" in c.name else "visible"
            conn.execute(comments.insert(), [values])
        upgrade()
        assert db.session.scalars(search.matching_ids("comment", "Spielplatz")).all() == [1]
        db.session.remove()
        downgrade(revision="base")
        db.engine.dispose()


@pytest.mark.filterwarnings(
    "ignore:autogenerate skipping metadata-specified expression-based index:UserWarning"
)
def test_durations_migration_fills_existing_work_items(empty_database_url):
    """0019 on a database with work items: their stored durations are what the workflow
    would have written (days with fractions; closure only in a closed status; on time)."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade(revision="0017")
        load_statuses()
        db.session.commit()
        statuses = dict(db.session.execute(text("SELECT key, id FROM workflow_statuses")).all())
        created = datetime(2026, 1, 1, 8, 0, tzinfo=UTC)
        rows = [  # (status, first response, closed, due)
            ("new", None, None, date(2026, 1, 31)),
            ("in_review", created + timedelta(days=3, hours=6), None, date(2026, 1, 2)),
            ("done", created + timedelta(days=1), created + timedelta(days=12.5), date(2026, 2, 1)),
            ("planned", created + timedelta(hours=1), created + timedelta(days=2), None),
        ]
        with db.engine.begin() as conn:
            items = Table("work_items", MetaData(), autoload_with=conn)
            conn.execute(
                items.insert(),
                [
                    {
                        "target_type": "proposal",
                        "target_id": n,
                        "status_id": statuses[key],
                        "created_at": created,
                        "updated_at": created,
                        "first_response_at": first,
                        "closed_at": closed,
                        "due_on": due,
                        "support_count": 0,
                    }
                    for n, (key, first, closed, due) in enumerate(rows, 1)
                ],
            )
        upgrade()
        found = {
            item.target_id: item
            for item in db.session.scalars(db.select(WorkItem).order_by(WorkItem.target_id))
        }
        for n, (key, first, closed, due) in enumerate(rows, 1):
            expected = durations(
                created_at=created,
                first_response_at=first,
                closed_at=closed,
                due_on=due,
                closed=key == "done",
            )
            item = found[n]
            for name, value in expected.items():
                stored = getattr(item, name)
                if isinstance(value, float):
                    assert stored == pytest.approx(value, abs=1e-4), (key, name)
                else:
                    assert stored == value, (key, name)
        # "planned" is open: its stale closed_at gives no closure time
        assert found[4].closure_days is None and found[3].closure_days == pytest.approx(12.5)
        db.session.remove()
        downgrade(revision="base")
        db.engine.dispose()
