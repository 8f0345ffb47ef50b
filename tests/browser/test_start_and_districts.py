"""A person opens the start page, finds a district on the map or in the list."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import assert_no_serious_axe_violations


def test_start_page_shows_the_map_and_the_list(page, districts):
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    page.wait_for_selector("#district-map[data-loaded=true]")
    expect(page.locator("#district-map path.leaflet-interactive")).to_have_count(53)
    expect(page.locator(".district-list li")).to_have_count(53)
    expect(page.locator(".leaflet-control-attribution")).to_contain_text(
        "Landeshauptstadt Erfurt", use_inner_text=True
    )


def test_open_a_district_by_clicking_the_map(page, districts):
    page.goto("/")
    page.wait_for_selector("#district-map[data-loaded=true]")
    target = districts["23"]
    # Where Moskauer Platz's label point is on the screen (the map exposes its Leaflet map).
    # Wait until the map has settled (fitBounds animates): the shape under that point must
    # be Moskauer Platz's own before we click like a person would.
    page.wait_for_function(
        """([lat, lon]) => {
            const el = document.getElementById('district-map');
            el.scrollIntoView({block: 'center'});
            const p = el.quartierMap.latLngToContainerPoint([lat, lon]);
            const box = el.getBoundingClientRect();
            const hit = document.elementFromPoint(box.left + p.x, box.top + p.y);
            return hit && hit.getAttribute('data-number') === '23';
        }""",
        arg=[target.label_lat, target.label_lon],
    )
    x, y = page.evaluate(
        """([lat, lon]) => {
            const el = document.getElementById('district-map');
            const p = el.quartierMap.latLngToContainerPoint([lat, lon]);
            const box = el.getBoundingClientRect();
            return [box.left + p.x, box.top + p.y];
        }""",
        [target.label_lat, target.label_lon],
    )
    page.mouse.click(x, y)
    page.wait_for_url("**/ortsteile/23")
    expect(page.locator("h1")).to_contain_text("Moskauer Platz", use_inner_text=True)


def test_open_a_district_by_keyboard_through_the_list(page, districts):
    page.goto("/")
    page.keyboard.press("Tab")  # skip link
    expect(page.locator(":focus")).to_have_text("Zum Inhalt springen")
    page.wait_for_selector("#district-map[data-loaded=true]")
    # Tab to "Skip the map", use it, then tab through the list to Moskauer Platz.
    for _ in range(15):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Karte überspringen":
            break
    page.keyboard.press("Enter")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "23 Moskauer Platz":
            break
    else:
        pytest.fail("Moskauer Platz is not reachable by Tab after skipping the map")
    page.keyboard.press("Enter")
    page.wait_for_url("**/ortsteile/23")
    expect(page.locator("h1")).to_contain_text("Moskauer Platz", use_inner_text=True)
    expect(page.locator("body")).to_contain_text("Ortsteilrat Moskauer Platz")


def test_skip_link_moves_focus_to_main(page, districts):
    page.goto("/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))


def test_map_shapes_are_reachable_by_keyboard(page, districts):
    page.goto("/")
    page.wait_for_selector("#district-map[data-loaded=true]")
    shape = page.locator('#district-map path[data-number="05"]')
    shape.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/ortsteile/05")


def test_english_is_one_click_away(page, districts):
    page.goto("/")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("body")).to_contain_text("All 53 districts")
    page.goto("/ortsteile/23")
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_narrow_phone_screen_has_no_horizontal_scroll(browser, live_server, districts):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740})
    page = context.new_page()
    for path in ("/", "/ortsteile/23", "/anmelden", "/registrieren"):
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path} is {width}px wide"
    context.close()


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/ortsteile/23",
        "/ortsteile/01",
        "/anmelden",
        "/registrieren",
        "/datenquellen",
        "/passwort-vergessen",
        "/gibt-es-nicht",
    ],
)
def test_axe_public_pages(page, districts, path):
    page.goto(path)
    if path == "/":
        page.wait_for_selector("#district-map[data-loaded=true]")
    assert_no_serious_axe_violations(page)
