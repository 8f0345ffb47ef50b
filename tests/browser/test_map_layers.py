"""/karte's offers and barrier-report layers in Chromium: the server's clusters for the view
(/api/v1/offers/clusters, /api/v1/barriers/clusters), counts adding up to what the API answers
for the same view; in public the barrier reports only thresholded (clusters of at least
BARRIER_MIN_CELL reports, "fewer than N" areas without a number, no single report), planners
see the exact counts and single reports the API gives them; clusters are named, focusable
buttons like the proposals'."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app.barriers import services
from app.extensions import db

from .conftest import log_in

ALTSTADT = (50.9785, 11.0265)
FAR = (50.9455, 11.0660)  # another cell at the city zoom (11), another block
EAST = (50.9900, 11.0900)


@pytest.fixture
def layers(districts, create_user, barrier_report_factory):
    """Two offers in one cell (a cluster at city zoom), two single ones; five public reports
    at one offer (published), two at another (fewer than five: no number), one report only for
    the administration (never counted in public)."""
    services.load_offer_types()
    library = {t.slug: t for t in services.offer_types()}["library"]
    offers = [
        services.save_offer(
            None,
            None,
            name=name,
            type_id=library.id,
            address="Teststraße 1",
            provider="Testträger",
            lat=lat,
            lon=lon,
        )
        for name, (lat, lon) in (
            ("Bibliothek Markt", ALTSTADT),
            ("Bibliothek Markt Nord", (ALTSTADT[0] + 0.001, ALTSTADT[1] + 0.001)),
            ("Bibliothek Süd", FAR),
            ("Bibliothek Ost", EAST),
        )
    ]
    db.session.commit()
    author = create_user()
    for _ in range(5):
        barrier_report_factory(author, offer=offers[0], commit=False)
    for _ in range(2):
        barrier_report_factory(author, offer=offers[2], commit=False)
    barrier_report_factory(author, offer=offers[3], visibility="administration", commit=False)
    db.session.commit()
    return offers


def _loaded(page) -> None:
    page.wait_for_selector("#proposal-map[data-offers-loaded]")
    page.wait_for_selector("#proposal-map[data-barriers-loaded]")


def _api(page, path: str) -> dict:
    """The API's answer for the map's current view (the bbox and zoom the script sends), asked
    by the page itself (same person, same cookies)."""
    return page.evaluate(
        """(path) => {
          const map = document.getElementById("proposal-map").quartierMap;
          const b = map.getBounds();
          const clamp = (v, lo, hi) => Math.max(lo, Math.min(hi, v));
          const bbox = [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90),
            clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90)]
            .map((n) => n.toFixed(5)).join(",");
          return fetch(path + "?bbox=" + bbox + "&zoom=" + map.getZoom())
            .then((r) => r.json());
        }""",
        path,
    )


def _drawn(page, selector: str) -> list[dict]:
    return page.evaluate(
        """(selector) => Array.from(document.querySelectorAll(selector)).map((e) => ({
          count: e.getAttribute("data-count"), fewer: e.getAttribute("data-fewer-than"),
          text: e.textContent.trim()
        }))""",
        selector,
    )


def test_offer_and_barrier_layers_show_the_servers_clusters(page, live_server, layers):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/karte")
    _loaded(page)

    # Offers: the clusters and single offers of the API's answer for this view.
    offers = _api(page, "/api/v1/offers/clusters")
    assert offers["total"] == 4
    clustered = _drawn(page, "#proposal-map .leaflet-marker-pane .offer-cluster")
    singles = page.locator("#proposal-map .leaflet-marker-pane .offer-marker")
    api_clusters = sorted(
        f["properties"]["count"] for f in offers["features"] if f["properties"].get("cluster")
    )
    assert sorted(int(c["count"]) for c in clustered) == api_clusters == [2]
    expect(singles).to_have_count(len(offers["features"]) - len(api_clusters))
    assert sum(int(c["count"]) for c in clustered) + singles.count() == offers["total"]
    expect(page.locator("#proposal-map")).to_have_attribute(
        "data-offers-loaded", str(offers["total"])
    )
    cluster = page.locator("#proposal-map .leaflet-marker-icon[role=button]:has(.offer-cluster)")
    expect(cluster).to_have_attribute("tabindex", "0")
    expect(cluster).to_have_attribute("aria-label", "2 Angebote hier – Enter zum Hineinzoomen")

    # Barrier reports in public: five published, two only as "fewer than 5" (no number), the
    # administration's report nowhere, no single report.
    barriers = _api(page, "/api/v1/barriers/clusters")
    assert barriers["exact"] is False and barriers["total"] == 5
    drawn = _drawn(page, "#proposal-map .leaflet-marker-pane .barrier-cluster")
    published = [d for d in drawn if d["count"]]
    fewer = [d for d in drawn if not d["count"]]
    api_counts = [f["properties"]["count"] for f in barriers["features"]]
    assert sorted(int(d["count"]) for d in published) == sorted(c for c in api_counts if c)
    assert sum(int(d["count"]) for d in published) == barriers["total"] == 5
    assert len(fewer) == sum(1 for c in api_counts if c is None) == 1
    assert fewer[0] == {"count": "", "fewer": "5", "text": "<5"}  # no number of reports
    expect(page.locator("#proposal-map .barrier-report-marker")).to_have_count(0)
    expect(page.locator("#proposal-map")).to_have_attribute("data-barriers-loaded", "5")
    named = page.locator("#proposal-map .leaflet-marker-icon[role=button]:has(.barrier-cluster)")
    expect(named).to_have_count(2)
    labels = sorted(named.nth(i).get_attribute("aria-label") for i in range(2))
    assert labels[0] == "5 Barrieremeldungen hier – Enter zum Hineinzoomen"
    assert re.match(r"Weniger als 5 Barrieremeldungen in diesem Gebiet", labels[1])
    for i in range(2):
        expect(named.nth(i)).to_have_attribute("tabindex", "0")

    # Enter on a cluster zooms in, and the layers are counted again for the new view.
    zoom = page.evaluate("() => document.getElementById('proposal-map').quartierMap.getZoom()")
    page.evaluate(
        "() => { const m = document.getElementById('proposal-map');"
        " m.removeAttribute('data-offers-loaded'); m.removeAttribute('data-barriers-loaded'); }"
    )
    cluster.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(
        "(zoom) => document.getElementById('proposal-map').quartierMap.getZoom() > zoom", arg=zoom
    )
    _loaded(page)
    offers = _api(page, "/api/v1/offers/clusters")
    shown = page.evaluate(
        "() => Array.from(document.querySelectorAll('#proposal-map .offer-cluster'))"
        ".reduce((s, e) => s + Number(e.getAttribute('data-count')), 0)"
        " + document.querySelectorAll('#proposal-map .offer-marker').length"
    )
    assert shown == offers["total"] >= 2


def test_planners_see_the_exact_barrier_reports(page, live_server, layers, create_user):
    log_in(page, create_user("planner").email)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/karte")
    _loaded(page)
    barriers = _api(page, "/api/v1/barriers/clusters")
    assert barriers["exact"] is True and barriers["total"] == 8
    clustered = _drawn(page, "#proposal-map .leaflet-marker-pane .barrier-cluster")
    singles = page.locator("#proposal-map .barrier-report-marker")
    api_singles = [f for f in barriers["features"] if not f["properties"].get("cluster")]
    assert len(api_singles) == 1  # the administration's report, at its offer
    expect(singles).to_have_count(1)
    assert sum(int(c["count"]) for c in clustered) + singles.count() == 8
    expect(page.locator("#proposal-map")).to_have_attribute("data-barriers-loaded", "8")
