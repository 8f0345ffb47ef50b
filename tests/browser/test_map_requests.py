"""/karte loads each of its answers once on opening — the first view's proposal and need
clusters not at all: they come with the page — and again only when the cells in view or the
filters change (a "moveend" without a change, e.g. after the map's size changed, loads
nothing); the layer switcher's button speaks the page's language (Leaflet writes "Layers")."""

from __future__ import annotations

from urllib.parse import urlparse

from tests.proposals.listing_helpers import make_proposals

from .conftest import log_in, track_fetches, wait_for_fetches

EMBEDDED = ("/api/v1/proposals/clusters", "/api/v1/needs/clusters")  # in the page at first
FETCHED = ("/karte/liste", "/api/v1/offers/clusters", "/api/v1/barriers/clusters")
WATCHED = EMBEDDED + FETCHED


def _counts(seen) -> dict:
    return {path: sum(1 for u in seen if urlparse(u).path == path) for path in WATCHED}


def _settle(page, seen) -> None:
    """Past every debounce and animation of the map and every fetch they start: the page's
    clock is run on (300 ms, past the 200 ms moveend debounce and a pan's 250 ms) and the
    fetches under way awaited, until a round starts no request. Instead of fixed waits, and
    stricter: a timer that would load something again always fires before the counts."""
    for _ in range(20):
        before = len(seen)
        page.clock.run_for(300)
        wait_for_fetches(page)
        if len(seen) == before:
            return
    raise AssertionError(f"the map keeps loading: {seen[-10:]}")


def test_karte_loads_the_proposals_once(page, live_server, districts, create_user):
    make_proposals(create_user)
    seen = []
    page.on("request", lambda r: seen.append(r.url))
    page.clock.install()
    track_fetches(page)
    page.goto("/karte")
    page.wait_for_selector("#proposal-map[data-loaded]")
    _settle(page, seen)
    first = {**dict.fromkeys(EMBEDDED, 0), **dict.fromkeys(FETCHED, 1)}
    assert _counts(seen) == first
    # A moveend without a change of the view (as Leaflet fires after a size change, or when a
    # popup closes): nothing is loaded again.
    page.evaluate("document.getElementById('proposal-map').quartierMap.fire('moveend')")
    _settle(page, seen)
    assert _counts(seen) == first
    # A real move loads the new view (once) from the API.
    page.evaluate("document.getElementById('proposal-map').quartierMap.panBy([400, 0])")
    _settle(page, seen)
    assert _counts(seen) == {**dict.fromkeys(EMBEDDED, 1), **dict.fromkeys(FETCHED, 2)}


def _layers_title(page) -> tuple[str | None, str | None]:
    toggle = page.locator(".leaflet-control-layers-toggle").first
    return toggle.get_attribute("title"), toggle.get_attribute("aria-label")


def test_the_layer_switcher_is_translated(page, live_server, districts, create_user):
    make_proposals(create_user)
    log_in(page, create_user().email)
    for path in ("/karte", "/barrieren"):
        page.goto(path)
        if path == "/barrieren":
            page.wait_for_selector("#barrier-map[data-loaded=true]")
        page.wait_for_selector(".leaflet-control-layers-toggle", state="attached")
        assert _layers_title(page) == ("Kartenebenen", "Kartenebenen"), path
    page.goto("/karte")
    page.get_by_role("button", name="English").click()
    page.wait_for_selector(".leaflet-control-layers-toggle", state="attached")
    assert _layers_title(page) == ("Map layers", "Map layers")
    assert page.locator("html").get_attribute("lang") == "en"
