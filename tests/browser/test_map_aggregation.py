"""/karte with 5,000 proposals in Chromium: the server's clusters add up to what the list says,
at city zoom, zoomed into a district and with a filter; clusters are named buttons that zoom in
on Enter; the URL keeps the view (back button); axe at 1280 and 360 px; touch targets."""

from __future__ import annotations

import random
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import and_, func, select

from app.core import clusters
from app.districts.services import OutsideCity, district_bounds, locate
from app.extensions import db
from app.proposals.models import Proposal
from tests.proposals.listing_helpers import ensure_categories

from .conftest import assert_no_serious_axe_violations

N = 5000


@pytest.fixture
def many(districts, create_user):
    """5,000 proposals at random points of the city, inserted in bulk."""
    categories = list(ensure_categories().values())
    author = create_user()
    rng = random.Random(14)
    rows = []
    while len(rows) < N:
        lat, lon = rng.uniform(50.92, 51.03), rng.uniform(10.95, 11.11)
        try:
            district = locate(lat, lon)
        except OutsideCity:
            continue
        rows.append(
            {
                "title": f"Vorschlag {len(rows)}",
                "description": "x",
                "category_id": categories[len(rows) % len(categories)].id,
                "author_id": author.id,
                "lat": lat,
                "lon": lon,
                "district_id": district.id,
            }
        )
    db.session.execute(Proposal.__table__.insert(), rows)
    clusters.rebuild("proposal")
    db.session.commit()
    return {c.slug: c for c in categories}


def _shown(page) -> int:
    """The sum of the numbers the map shows (clusters' counts, 1 per single marker)."""
    return page.evaluate(
        "Array.from(document.querySelectorAll('#proposal-map .leaflet-marker-pane [data-count]'))"
        ".reduce((s, e) => s + Number(e.getAttribute('data-count')), 0)"
    )


def _reloaded(page, action) -> None:
    """Do ``action`` and wait until the map's proposals and the list are loaded again."""
    page.evaluate(
        "document.getElementById('proposal-map').removeAttribute('data-loaded');"
        "document.getElementById('proposal-list').removeAttribute('data-bbox')"
    )
    action()
    page.wait_for_selector("#proposal-map[data-loaded]")
    page.wait_for_selector("#proposal-list[data-bbox]")


def _listed_total(page) -> int:
    text = page.locator("#map-count").inner_text()
    return int(re.match(r"([\d.]+) ", text).group(1).replace(".", ""))


def _count_in(bbox: str, **where) -> int:
    west, south, east, north = (float(v) for v in bbox.split(","))
    conditions = [
        Proposal.lat >= south,
        Proposal.lat <= north,
        Proposal.lon >= west,
        Proposal.lon <= east,
    ]
    conditions += [getattr(Proposal, k) == v for k, v in where.items()]
    return db.session.scalar(select(func.count(Proposal.id)).where(and_(*conditions)))


def test_map_and_list_add_up(page, live_server, many):
    page.set_viewport_size({"width": 1280, "height": 1000})
    page.goto("/karte")
    page.wait_for_selector("#proposal-map[data-loaded]")
    page.wait_for_selector("#proposal-list[data-bbox]")
    # City zoom: every proposal is on the map, and the list says the same.
    expect(page.locator("#proposal-map")).to_have_attribute("data-loaded", str(N))
    assert _shown(page) == N
    assert _listed_total(page) == N
    expect(page.locator("#map-count")).to_contain_text(
        "5.000 Vorschläge in diesem Kartenausschnitt"
    )
    expect(page).to_have_url(re.compile(r"zoom=11&lat=50\.978\d*&lon=11\.03"))
    assert_no_serious_axe_violations(page)

    # A cluster is a named button; Enter zooms in, and the URL keeps the view.
    cluster = (
        page.locator("#proposal-map .leaflet-marker-icon[role=button]")
        .filter(has=page.locator(".proposal-cluster"))
        .first
    )
    name = cluster.get_attribute("aria-label")
    assert re.fullmatch(r"\d{1,3}(\.\d{3})* Vorschläge hier – Enter zum Hineinzoomen", name)
    expect(cluster).to_have_attribute("tabindex", "0")
    _reloaded(page, lambda: (cluster.focus(), page.keyboard.press("Enter")))
    zoom = int(re.search(r"zoom=(\d+)", page.url).group(1))
    assert zoom > 11
    bbox = page.locator("#proposal-list").get_attribute("data-bbox")
    assert _shown(page) == _listed_total(page) == _count_in(bbox) < N
    _reloaded(page, page.go_back)
    expect(page).to_have_url(re.compile(r"zoom=11&"))
    assert _shown(page) == N

    # Zoomed into one district (Altstadt): the map shows what the list counts in that view.
    west, south, east, north = district_bounds("01")
    _reloaded(
        page,
        lambda: page.evaluate(
            f"document.getElementById('proposal-map').quartierMap.fitBounds("
            f"[[{south}, {west}], [{north}, {east}]])"
        ),
    )
    bbox = page.locator("#proposal-list").get_attribute("data-bbox")
    in_view = _count_in(bbox)
    assert 0 < in_view < N
    assert _shown(page) == _listed_total(page) == in_view

    # The district filter: exactly the district's proposals, on the map and in the list.
    altstadt = db.session.scalar(
        select(func.count(Proposal.id)).where(Proposal.district_id == locate(50.9785, 11.0265).id)
    )
    page.goto("/karte?district=01")
    page.wait_for_selector("#proposal-map[data-loaded]")
    page.wait_for_selector("#proposal-list[data-bbox]")
    assert _shown(page) == _listed_total(page) == altstadt > 0

    # A category filter changes map and list alike (the view is kept by the form).
    page.goto("/karte")
    page.wait_for_selector("#proposal-map[data-loaded]")
    page.locator("#filter-category").select_option("mobility")
    page.locator(".filter-form button[type=submit]").click()
    page.wait_for_url("**/karte?**category=mobility**")
    page.wait_for_selector("#proposal-map[data-loaded]")
    page.wait_for_selector("#proposal-list[data-bbox]")
    expected = _count_in("-180,-90,180,90", category_id=many["mobility"].id)
    assert _shown(page) == _listed_total(page) == expected
    assert re.search(r"zoom=11&lat=50\.978\d*&lon=11\.03", page.url)
    rows = page.locator("#proposal-list .card-list > li")
    expect(rows).to_have_count(100)
    expect(rows.first.locator(".card-category")).to_have_text("Mobilität und Verkehr")


def test_small_screen_touch_targets_and_axe(page, live_server, many):
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto("/karte")
    page.wait_for_selector("#proposal-map[data-loaded]")
    for button in page.locator("#proposal-map .leaflet-control-zoom a").all():
        box = button.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44
    layers = page.locator("#proposal-map .leaflet-control-layers")
    expect(layers).not_to_have_class(re.compile("leaflet-control-layers-expanded"))
    toggle = page.locator("#proposal-map .leaflet-control-layers-toggle")
    box = toggle.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44
    assert_no_serious_axe_violations(page)
    # Opened, its rows are 44 px high too.
    toggle.focus()
    page.keyboard.press("Enter")
    expect(layers).to_have_class(re.compile("leaflet-control-layers-expanded"))
    for label in layers.locator("label").all():
        assert label.bounding_box()["height"] >= 44
