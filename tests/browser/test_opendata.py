"""The open-data page in German and English: axe finds no serious or critical violation, and
the downloads are links a keyboard reaches."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .conftest import assert_no_serious_axe_violations


def test_open_data_page_passes_axe_in_german_and_english(page, districts):
    page.goto("/")
    page.get_by_role("link", name="Offene Daten").click()
    page.wait_for_url("**/daten/")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_role("heading", level=1)).to_have_text("Offene Daten")
    expect(page.get_by_role("link", name=re.compile(r"^CSV\s*: Vorschläge$"))).to_be_visible()
    assert_no_serious_axe_violations(page)

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Open data")
    link = page.get_by_role("link", name=re.compile(r"^GeoJSON\s*: District boundaries$"))
    expect(link).to_be_visible()
    link.focus()
    expect(link).to_be_focused()
    assert_no_serious_axe_violations(page)
