"""The demo snapshots of the tests (``Snapshot``: ``DEMO_SITE`` behind the ``demo_site``
fixture, ``DEMO_INDICATORS`` behind ``demo_indicators``, tests/conftest.py) give back what a
fresh load makes: the same rows in every table, the same map cell counts, the same search
index, and id sequences past the restored rows."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from app.core import search
from app.core.clusters import MapCell
from app.demo.loader import load_demo
from app.extensions import db
from app.indicators.demo import load_demo_data
from tests.conftest import (
    DEMO_INDICATORS,
    DEMO_SITE,
    KEPT_BY_TRIGGERS,
    ReferenceData,
    empty_all_tables,
)

SAMPLE_ROWS = 12  # per searchable type: their words are searched for


def row_counts() -> dict[str, int]:
    """Rows per table; of the work item counts kept by triggers, those not at zero (a load
    that changes a status leaves the old status's row at zero, a restore makes none)."""
    counts = {}
    for table in db.metadata.sorted_tables:
        query = select(db.func.count()).select_from(table)
        if table.name in KEPT_BY_TRIGGERS:
            numbers = [c for c in table.c if c.name in ("items", "n")]
            query = query.where(numbers[0] != 0)
        counts[table.name] = db.session.scalar(query)
    return counts


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


def work_item_counts() -> dict[str, list[tuple]]:
    """The trigger-kept counts not at zero (their keys are reference data: districts,
    offices, categories, statuses)."""
    found = {}
    for name in sorted(KEPT_BY_TRIGGERS):
        table = db.metadata.tables[name]
        number = table.c.get("items", table.c.get("n"))
        found[name] = sorted(
            tuple(row) for row in db.session.execute(table.select().where(number != 0))
        )
    return found


def state() -> dict:
    return {
        "rows": row_counts(),
        "map_cells": map_cells(),
        "search": search_results(),
        "work_item_counts": work_item_counts(),
    }


def back_to_reference_data() -> None:
    empty_all_tables()
    ReferenceData.restore()
    db.session.commit()


@pytest.mark.parametrize(
    ("snapshot", "load"), [(DEMO_SITE, load_demo), (DEMO_INDICATORS, load_demo_data)]
)
def test_the_restored_demo_is_a_fresh_load(app, districts, snapshot, load):
    if snapshot.rows is None:
        snapshot.take()
        back_to_reference_data()
    postgresql = db.session.get_bind().dialect.name == "postgresql"
    sequences = {}
    if postgresql:
        # Sequences back at the restored rows' smallest ids: unless the restore moves them
        # past the rows, the next insert would collide with a restored row.
        for name, rows in snapshot.rows.items():
            if "id" not in rows[0]:
                continue
            sequence = db.session.scalar(
                text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": f'"{name}"'}
            )
            if sequence and name not in ReferenceData.rows:
                sequences[name] = sequence
                db.session.execute(
                    text("SELECT setval(:s, :v, false)"),
                    {"s": sequence, "v": min(row["id"] for row in rows)},
                )
        assert sequences
    snapshot.restore()
    restored = state()
    assert restored["rows"]["indicator_values"] > 0
    assert any(found for found in restored["search"].values()) or load is load_demo_data
    for name, sequence in sequences.items():
        following = db.session.scalar(text("SELECT nextval(:s)"), {"s": sequence})
        assert following > max(row["id"] for row in snapshot.rows[name]), name
    back_to_reference_data()

    load()
    db.session.commit()
    assert restored == state()
