"""Migration 0010 on a database with proposals and needs: map_cells counts what was there
(the visible ones), and the downgrade removes the table."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import MetaData, Table, create_engine, inspect, select, text

from app import create_app
from app.core import clusters
from app.extensions import db


@pytest.fixture
def empty_database_url(database_url, tmp_path):
    if database_url.startswith("postgresql"):
        name = f"migrations_{uuid.uuid4().hex[:8]}"
        admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield database_url.rsplit("/", 1)[0] + f"/{name}"
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        yield f"sqlite:///{tmp_path / 'migrations.sqlite'}"


def _row(table: Table, values: dict) -> dict:
    """``values`` plus whatever else the table needs."""
    for c in table.columns:
        if c.name not in values and not c.nullable and not c.primary_key:
            if "_at" in c.name:
                values[c.name] = datetime(2026, 1, 1)
            elif c.type.python_type is bool:
                values[c.name] = False
            elif c.type.python_type in (int, float):
                values[c.name] = 0
            else:
                values[c.name] = "x"
    return values


@pytest.mark.filterwarnings(
    "ignore:autogenerate skipping metadata-specified expression-based index:UserWarning"
)
def test_upgrade_counts_the_existing_rows_and_downgrade_drops_the_table(empty_database_url):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade(revision="0008")
        with db.engine.begin() as conn:
            meta = MetaData()
            tables = {
                name: Table(name, meta, autoload_with=conn)
                for name in ("districts", "councils", "proposal_categories", "proposals", "needs")
            }
            conn.execute(
                tables["districts"].insert(),
                [
                    _row(
                        tables["districts"],
                        {
                            "id": 1,
                            "number": "01",
                            "name": "A",
                            "label_lat": 50.97,
                            "label_lon": 11.02,
                        },
                    )
                ],
            )
            conn.execute(
                tables["councils"].insert(),
                [_row(tables["councils"], {"id": 1, "slug": "c", "name": "C"})],
            )
            conn.execute(
                tables["proposal_categories"].insert(),
                [_row(tables["proposal_categories"], {"id": 1, "slug": "other"})],
            )
            proposals = [
                _row(
                    tables["proposals"],
                    {
                        "id": i,
                        "lat": 50.97 + i * 0.001,
                        "lon": 11.02,
                        "category_id": 1,
                        "district_id": 1,
                        "moderation_state": state,
                        "author_id": None,
                    },
                )
                for i, state in enumerate(["visible", "visible", "hidden"], start=1)
            ]
            conn.execute(tables["proposals"].insert(), proposals)
            conn.execute(
                tables["needs"].insert(),
                [
                    _row(
                        tables["needs"],
                        {
                            "id": 1,
                            "lat": 50.98,
                            "lon": 11.03,
                            "category_id": 1,
                            "district_id": 1,
                            "council_id": 1,
                            "moderation_state": "visible",
                            "author_id": None,
                        },
                    )
                ],
            )
        upgrade(revision="0010")  # by name: other branches' revisions may be another head
        counted = dict(
            db.session.execute(
                select(clusters.MapCell.kind, db.func.sum(clusters.MapCell.count))
                .where(clusters.MapCell.zoom == 12)
                .group_by(clusters.MapCell.kind)
            ).all()
        )
        assert counted == {"proposal": 2, "need": 1}
        zooms = set(db.session.scalars(select(clusters.MapCell.zoom).distinct()))
        assert zooms == set(clusters.SUMMARY_ZOOMS)
        db.session.remove()
        downgrade(revision="0008")
        assert "map_cells" not in inspect(db.engine).get_table_names()
        downgrade(revision="base")
        db.engine.dispose()
