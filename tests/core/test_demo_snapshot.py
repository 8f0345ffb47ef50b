"""The demo snapshot of the tests (``DemoData`` and the ``demo_site`` fixture in
tests/conftest.py) gives back what a fresh ``load_demo()`` makes: the same rows in every table,
the same map cell counts, the same search index, and id sequences past the restored rows."""

from __future__ import annotations

from sqlalchemy import select, text

from app.core import search
from app.core.clusters import MapCell
from app.demo.loader import load_demo
from app.extensions import db
from tests.conftest import DemoData, ReferenceData, empty_all_tables

SAMPLE_ROWS = 12  # per searchable type: their words are searched for


def row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(db.func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def map_cells() -> list[tuple]:
    """The cells without ``id_sum`` (a sum of the items' ids, which a second load changes)."""
    return sorted(
        (c.kind, c.zoom, c.cx, c.cy, c.category_id, c.district_id, c.count)
        + (round(c.lat_sum, 6), round(c.lon_sum, 6))
        for c in db.session.scalars(select(MapCell))
    )


def search_results() -> dict[tuple[str, str], list[str]]:
    """Per searchable type: for the words of a few of its rows, the texts of the rows found
    (texts, not ids: a second load gives other ids)."""
    found = {}
    for key, entry in sorted(search.registered().items()):
        first = getattr(entry.model, entry.columns[0])
        texts = db.session.scalars(select(first).order_by(first).limit(SAMPLE_ROWS)).all()
        for word in sorted({w for t in texts for w in search.words(t or "")}):
            ids = search.matching_ids(key, word).scalar_subquery()
            found[key, word] = sorted(
                db.session.scalars(select(first).where(entry.id.in_(ids))), key=str
            )
        if db.session.get_bind().dialect.name == "sqlite":  # the FTS table itself
            count = select(db.func.count()).select_from(entry.fts)
            found[key, "(rows)"] = [str(db.session.scalar(count))]
    return found


def state() -> dict:
    return {"rows": row_counts(), "map_cells": map_cells(), "search": search_results()}


def back_to_reference_data() -> None:
    empty_all_tables()
    ReferenceData.restore()
    db.session.commit()


def test_the_restored_demo_is_a_fresh_load(app, districts, create_user):
    if DemoData.rows is None:
        DemoData.take()
        back_to_reference_data()
    if db.session.get_bind().dialect.name == "postgresql":
        # Sequences at the restored rows' smallest ids: without moving them past the rows,
        # the inserts below would collide with restored rows.
        for name, rows in DemoData.rows.items():
            if name not in ReferenceData.rows and "id" in rows[0]:
                db.session.execute(
                    text("SELECT setval(pg_get_serial_sequence(:t, 'id'), :v, false)"),
                    {"t": f'"{name}"', "v": min(row["id"] for row in rows)},
                )
    DemoData.restore()
    restored = state()
    assert restored["rows"]["proposals"] > 0 and restored["map_cells"]
    assert any(found for found in restored["search"].values())
    # later inserts get new ids
    user = create_user()
    assert user.id > max(row["id"] for row in DemoData.rows["users"])
    back_to_reference_data()

    load_demo()
    db.session.commit()
    assert restored == state()
