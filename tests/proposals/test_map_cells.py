"""The map's summary (map_cells) follows every ORM write: it answers exactly what the live
count over the rows answers, and what a rebuild from the rows gives."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.core import clusters
from app.extensions import db
from app.proposals import listing
from app.proposals.models import Proposal

from .listing_helpers import ensure_categories, make_proposals

CITY = (10.85, 50.86, 11.18, 51.08)


@pytest.fixture
def data(app, districts, create_user):
    return make_proposals(create_user)


def _cells(result) -> list:
    return sorted(
        [(c.x, c.y, c.count, tuple(sorted(c.categories.items()))) for c in result.clusters]
        + [("single", row.id) for row in result.singles],
        key=str,
    )


def assert_summary_is_live(**filters) -> int:
    """Every summary zoom: the summary's cells are the live count's cells."""
    total = None
    for zoom in clusters.SUMMARY_ZOOMS:
        grid = clusters.Grid.at(zoom)
        bbox = CITY
        if grid.cells_in(CITY) > clusters.MAX_CELLS:  # zoomed in: around the Altstadt
            lat, lon = 50.9785, 11.0265
            bbox = (lon - 25 * grid.step_lon, lat - 25 * grid.step_lat) + (
                lon + 25 * grid.step_lon,
                lat + 25 * grid.step_lat,
            )
        f = listing.Filters(bbox=bbox, **filters)
        summary = clusters.aggregate(listing.SOURCE, f, grid)
        live = clusters.aggregate(listing.SOURCE, f, grid, summary=False)
        assert summary.summary and not live.summary
        assert _cells(summary) == _cells(live), zoom
        assert summary.total == live.total
        if bbox == CITY:
            total = live.total
    return total


def _stored() -> list:
    rows = db.session.execute(
        select(
            clusters.MapCell.kind,
            clusters.MapCell.zoom,
            clusters.MapCell.cx,
            clusters.MapCell.cy,
            clusters.MapCell.category_id,
            clusters.MapCell.district_id,
            clusters.MapCell.count,
            clusters.MapCell.id_sum,  # a cell of one item names it: the map reads it by id
        ).where(clusters.MapCell.count != 0)
    ).all()
    return sorted(tuple(r) for r in rows)


def test_created_proposals_are_counted(data):
    assert assert_summary_is_live() == len(data["all"])
    assert assert_summary_is_live(category="health") == 3
    assert assert_summary_is_live(district="01") == 4


def test_moving_recategorising_hiding_and_deleting_keep_the_summary(data):
    categories = ensure_categories()
    first, second, third = data["all"][0], data["all"][1], data["all"][4]
    first.lat, first.lon = 50.99, 11.05  # moved to another cell (and district)
    from app.districts.services import locate

    first.district_id = locate(50.99, 11.05).id
    db.session.commit()
    assert assert_summary_is_live() == 7
    second.category_id = categories["culture"].id
    db.session.commit()
    assert assert_summary_is_live(category="culture") == 1
    third.moderation_state = "hidden"
    db.session.commit()
    assert assert_summary_is_live() == 6
    third.moderation_state = "visible"
    db.session.commit()
    assert assert_summary_is_live() == 7
    db.session.delete(data["all"][6])
    db.session.commit()
    assert assert_summary_is_live() == 6
    # A change of an attribute that was not loaded (expired) still takes the old cell out.
    db.session.expire(second)
    second.lat = 50.95
    db.session.commit()
    assert assert_summary_is_live() == 6
    before = _stored()
    clusters.rebuild("proposal")
    db.session.flush()
    assert _stored() == before
    # a cell of one item holds its id (what the map's single markers are read by)
    singles = db.session.execute(
        select(clusters.MapCell.cx, clusters.MapCell.cy, clusters.MapCell.id_sum).where(
            clusters.MapCell.zoom == 18, clusters.MapCell.count == 1
        )
    ).all()
    grid = clusters.Grid.at(18)
    assert singles and all(
        grid.key(db.session.get(Proposal, i).lat, db.session.get(Proposal, i).lon) == (x, y)
        for x, y, i in singles
    )


def test_other_filters_count_live(data):
    grid = clusters.Grid.at(12)
    for extra in ({"status": "new"}, {"q": "Vorschlag"}):
        result = clusters.aggregate(listing.SOURCE, listing.Filters(bbox=CITY, **extra), grid)
        assert not result.summary
    small = (11.02, 50.975, 11.03, 50.98)
    result = clusters.aggregate(listing.SOURCE, listing.Filters(bbox=small), clusters.Grid.at(19))
    assert not result.summary  # above the summary's zoom levels


def test_rebuild_counts_bulk_inserts(data, create_user):
    from .listing_helpers import bulk_proposals

    bulk_proposals(create_user, 20)  # a bulk insert: not counted until rebuilt
    live = clusters.aggregate(
        listing.SOURCE, listing.Filters(bbox=CITY), clusters.Grid.at(12), summary=False
    )
    assert live.total == 27
    clusters.rebuild("proposal")
    assert assert_summary_is_live() == 27
    assert db.session.scalar(select(db.func.count()).select_from(Proposal)) == 27


def test_the_command_recounts(data, create_user, runner):
    from .listing_helpers import bulk_proposals

    bulk_proposals(create_user, 5)
    result = runner.invoke(args=["map-cells"])
    assert result.exit_code == 0, result.output
    assert "map cells:" in result.output
    assert assert_summary_is_live() == 12


def test_demo_content_is_counted(app, districts, runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert assert_summary_is_live() > 0
