"""The map page in Chromium: markers with names, keyboard access, the filter form, axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.barriers import services as barrier_services
from app.extensions import db
from tests.proposals.listing_helpers import make_proposals

from .conftest import assert_no_serious_axe_violations


@pytest.fixture
def data(districts, create_user):
    barrier_services.load_offer_types()
    types = {t.slug: t for t in barrier_services.offer_types()}
    barrier_services.save_offer(
        None,
        None,
        name="Bibliothek Testplatz",
        type_id=types["library"].id,
        address="Teststraße 1",
        provider="Testträger",
        lat=50.9785,
        lon=11.0265,
    )
    db.session.commit()
    return make_proposals(create_user)


def test_map_shows_the_proposals_and_works_by_keyboard(page, live_server, data):
    page.goto("/karte")
    page.wait_for_selector("#proposal-map[data-loaded]")
    expect(page.locator("#proposal-map")).to_have_attribute("data-loaded", str(len(data["all"])))
    # Every list row is on the map (as a marker or inside a cluster).
    expect(page.locator("#proposal-list .card-list > li")).to_have_count(len(data["all"]))
    # Markers and clusters are focusable and have accessible names.
    icons = page.locator("#proposal-map .leaflet-marker-icon")
    expect(icons).not_to_have_count(0)
    first = icons.first
    expect(first).to_have_attribute("tabindex", "0")
    # The marker is drawn (waited for above): read its name.
    name = first.get_attribute("aria-label") or first.get_attribute("title") or first.inner_text()
    assert name.strip()
    # A single proposal marker: Enter opens its popup with a link to the proposal.
    page.locator("#filter-district").select_option("01")
    page.locator("#filter-category").select_option("education")
    page.locator(".filter-form button[type=submit]").click()
    page.wait_for_url("**/karte?**district=01**")
    page.wait_for_selector("#proposal-map[data-loaded='1']")
    marker = page.locator("#proposal-map .leaflet-marker-icon[data-proposal]").first
    marker.focus()
    page.keyboard.press("Enter")
    link = page.locator(".leaflet-popup-content a")
    expect(link).to_be_visible()
    expect(link).to_have_text(data["all"][2].title, use_inner_text=True)
    expect(page.locator("#proposal-list .card-list > li")).to_have_count(1)
    # Leaflet fades the popup in: axe measures contrast only once it is fully opaque
    page.wait_for_function(
        "() => { const p = document.querySelector('.leaflet-popup');"
        " return p && getComputedStyle(p).opacity === '1'; }"
    )
    assert_no_serious_axe_violations(page)


def test_map_page_axe_with_all_layers(page, live_server, data):
    page.goto("/karte")
    page.wait_for_selector("#proposal-map[data-loaded]")
    assert_no_serious_axe_violations(page)
