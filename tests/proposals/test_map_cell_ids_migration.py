"""Migration 0020 on a database with proposals: map_cells gains id_sum, counted again from the
rows (a cell of one proposal names it); the downgrade removes the column."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import MetaData, Table, inspect, select

from app import create_app
from app.core import clusters
from app.extensions import db

from .test_map_cells_migration import _row, empty_database_url  # noqa: F401 - the fixture


@pytest.mark.filterwarnings(
    "ignore:autogenerate skipping metadata-specified expression-based index:UserWarning"
)
def test_upgrade_fills_the_ids_and_downgrade_drops_them(empty_database_url):  # noqa: F811
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade(revision="0017")
        with db.engine.begin() as conn:
            meta = MetaData()
            tables = {
                name: Table(name, meta, autoload_with=conn)
                for name in ("districts", "proposal_categories", "proposals")
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
                tables["proposal_categories"].insert(),
                [_row(tables["proposal_categories"], {"id": 1, "slug": "other"})],
            )
            conn.execute(
                tables["proposals"].insert(),
                [
                    _row(
                        tables["proposals"],
                        {
                            "id": i,
                            "lat": 50.97 + i * 0.01,
                            "lon": 11.02,
                            "category_id": 1,
                            "district_id": 1,
                            "moderation_state": "visible",
                            "author_id": None,
                        },
                    )
                    for i in (3, 7)
                ],
            )
        upgrade(revision="0020")
        cells = db.session.execute(
            select(clusters.MapCell.zoom, clusters.MapCell.count, clusters.MapCell.id_sum)
        ).all()
        assert {zoom for zoom, _n, _ids in cells} == set(clusters.SUMMARY_ZOOMS)
        at_18 = sorted(ids for zoom, _n, ids in cells if zoom == 18)
        assert at_18 == [3, 7]  # one proposal per cell: its id
        assert all(ids == 10 for zoom, n, ids in cells if n == 2)
        db.session.remove()
        downgrade(revision="0017")
        columns = {c["name"] for c in inspect(db.engine).get_columns("map_cells")}
        assert "id_sum" not in columns and "count" in columns
        downgrade(revision="base")
        db.engine.dispose()
