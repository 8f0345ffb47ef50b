"""Maps outside /karte by keyboard and on small screens: the district page's map adds no Tab
stops of its own shapes, the point picker works with the arrow keys and Enter, Leaflet's
controls speak the page's language, zoom buttons are touch-sized on phones; axe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.proposals import services
from app.proposals.models import Proposal

from .conftest import assert_no_serious_axe_violations, log_in

FOCUSED = """() => {
    const a = document.activeElement;
    return {
        text: (a.textContent || '').trim(),
        tag: a.tagName.toLowerCase(),
        id: a.id,
        inMap: Boolean(a.closest('.leaflet-container')),
        isMap: a.classList.contains('leaflet-container'),
    };
}"""


@pytest.fixture
def categories(districts):
    services.load_categories()
    db.session.commit()


def _tab_until(page, wanted, limit=80) -> list[dict]:
    """Press Tab until ``wanted(focused)``; returns every element focused on the way."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        seen.append(focused)
        if wanted(focused):
            return seen
    pytest.fail(f"not reached in {limit} Tab presses: {[f['text'][:30] for f in seen]}")


def test_make_a_proposal_is_a_few_tab_presses_past_the_district_map(
    page, live_server, districts, create_user
):
    log_in(page, create_user().email)
    page.goto("/ortsteile/23")
    page.wait_for_selector("#district-map[data-loaded=true]")
    expect(page.locator("#district-map path.leaflet-interactive")).to_have_count(53)
    # The shapes are decorative here: no Tab stops, hidden from screen readers.
    assert page.locator("#district-map path:not([tabindex='-1'])").count() == 0
    assert page.locator("#district-map path[role]").count() == 0
    assert page.locator("#district-map path:not([aria-hidden=true])").count() == 0

    before = _tab_until(page, lambda f: f["text"] == "Karte überspringen")
    after = _tab_until(page, lambda f: f["text"] == "Einen Vorschlag für diesen Ortsteil machen")
    in_map = [f for f in after if f["inMap"]]
    # Only Leaflet's controls are in the way: zoom in, zoom out, the attribution's link.
    assert [f["tag"] for f in in_map] == ["a", "a", "a"], in_map
    assert not any(f["tag"] == "path" or f["isMap"] for f in before + after)
    assert len(after) <= 6, [f["text"][:30] for f in after]


def test_the_start_page_map_still_offers_its_districts_by_keyboard(page, districts):
    page.goto("/")
    page.wait_for_selector("#district-map[data-loaded=true]")
    expect(page.locator("#district-map path[tabindex='0'][role=link]")).to_have_count(53)


CENTER = (
    "(() => { const c = document.getElementById('proposal-map').quartierMap.getCenter();"
    " return [c.lat, c.lng]; })()"
)
# The map's centre has moved from ``[lat, lng]`` and no pan animates any more.
PANNED = """([lat, lng]) => {
    const map = document.getElementById('proposal-map').quartierMap, c = map.getCenter();
    return (c.lat !== lat || c.lng !== lng) && !(map._panAnim && map._panAnim._inProgress);
}"""


def test_pick_a_point_by_keyboard(page, live_server, categories, create_user):
    log_in(page, create_user().email)
    page.goto("/vorschlaege/neu")
    page.locator("#title").fill("Bank am Teich")
    page.locator("#description").fill("Zum Ausruhen.")
    page.locator("#category").select_option("seniors")
    # Tab from the category field to the map (past the map's skip link).
    page.locator("#category").focus()
    _tab_until(page, lambda f: f["id"] == "proposal-map", limit=10)
    crosshair = page.locator("#proposal-map .map-crosshair")
    expect(crosshair).to_be_visible()
    expect(page.locator("#proposal-map")).to_have_attribute("aria-describedby", "proposal-map-keys")
    expect(page.locator("#proposal-map-keys")).to_contain_text("Pfeiltasten")
    start = page.evaluate("document.getElementById('proposal-map').quartierMap.getCenter()")
    for key in ("ArrowRight", "ArrowRight", "ArrowUp"):
        before = page.evaluate(CENTER)
        page.keyboard.press(key)
        # Leaflet ignores arrow keys while a pan animates: the next key once this pan is over
        page.wait_for_function(PANNED, arg=before)
    page.wait_for_function(
        """([lat, lng]) => {
            const c = document.getElementById('proposal-map').quartierMap.getCenter();
            return c.lng > lng + 1e-4 && c.lat > lat + 1e-4;
        }""",
        arg=[start["lat"], start["lng"]],
    )
    center = page.evaluate("document.getElementById('proposal-map').quartierMap.getCenter()")
    page.keyboard.press("Enter")
    expect(page.locator("#lat")).to_have_value(f"{center['lat']:.6f}")
    expect(page.locator("#lon")).to_have_value(f"{center['lng']:.6f}")
    expect(page.locator("#map-choice")).to_contain_text("Ort gewählt")
    expect(page.locator("#proposal-map .leaflet-marker-icon")).to_have_count(1)
    assert page.evaluate(FOCUSED)["id"] == "proposal-map"  # Enter did not submit the form
    page.locator("form.proposal-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/vorschlaege/\d+$"))
    proposal = db.session.scalar(select(Proposal))
    assert proposal.place_from_map is True
    assert (round(proposal.lat, 5), round(proposal.lon, 5)) == (
        round(center["lat"], 5),
        round(center["lng"], 5),
    )


def _zoom_labels(page) -> tuple[str, str, str]:
    zoom_in = page.locator(".leaflet-control-zoom-in").first
    return (
        zoom_in.get_attribute("title"),
        zoom_in.get_attribute("aria-label"),
        page.locator(".leaflet-control-zoom-out").first.get_attribute("title"),
    )


def test_leaflet_controls_speak_the_pages_language(page, live_server, categories, create_user):
    log_in(page, create_user().email)
    for path in ("/", "/ortsteile/23", "/vorschlaege/neu", "/barrieren", "/karte"):
        page.goto(path)
        page.wait_for_selector(".leaflet-control-zoom-in")
        assert _zoom_labels(page) == ("Vergrößern", "Vergrößern", "Verkleinern"), path
    page.goto("/ortsteile/23")
    page.get_by_role("button", name="English").click()
    page.wait_for_selector(".leaflet-control-zoom-in")
    assert _zoom_labels(page) == ("Zoom in", "Zoom in", "Zoom out")


@pytest.mark.parametrize("width", [1280, 360])
def test_district_page_axe_and_touch_targets(page, live_server, districts, create_user, width):
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, create_user().email)
    page.goto("/ortsteile/23")
    page.wait_for_selector("#district-map[data-loaded=true]")
    assert_no_serious_axe_violations(page)
    for control in (".leaflet-control-zoom-in", ".leaflet-control-zoom-out"):
        box = page.locator(control).bounding_box()
        if width == 360:
            assert box["width"] >= 44 and box["height"] >= 44, (control, box)


def test_touch_targets_on_the_proposal_form_map(page, live_server, categories, create_user):
    page.set_viewport_size({"width": 360, "height": 800})
    log_in(page, create_user().email)
    page.goto("/vorschlaege/neu")
    box = page.locator("#proposal-map .leaflet-control-zoom-in").bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44, box
    assert_no_serious_axe_violations(page)
