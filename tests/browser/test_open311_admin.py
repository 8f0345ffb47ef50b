"""The admin page of the Open311 API keys in Chromium: create a key with the keyboard, see it
once, revoke it; axe finds no serious violation (German and English). Then the key creates a
request through the API and the proposal page says "über <client>"."""

from __future__ import annotations

from playwright.sync_api import expect

from .conftest import assert_no_serious_axe_violations, log_in


def test_create_use_and_revoke_a_key(page, live_server, create_user, districts):
    admin = create_user("admin")
    log_in(page, admin.email)
    page.goto("/admin/open311/")
    expect(page.get_by_role("heading", name="Open311-API-Schlüssel", exact=True)).to_be_visible()
    expect(page.get_by_text("Noch keine Schlüssel.")).to_be_visible()
    assert_no_serious_axe_violations(page)

    # an empty name: the error is shown and tied to the field
    page.get_by_role("button", name="Schlüssel anlegen").click()
    expect(page.locator(".error-summary")).to_contain_text("Bitte geben Sie den Namen")
    assert_no_serious_axe_violations(page)

    page.get_by_label("Name des Clients").fill("Stadtapp Erfurt")
    page.get_by_label("Name des Clients").press("Enter")
    expect(page.get_by_role("heading", name="Der Schlüssel für „Stadtapp Erfurt“")).to_be_visible()
    secret = page.locator("#new-key").inner_text()
    assert len(secret) >= 32
    assert_no_serious_axe_violations(page)

    lat, lon = districts["23"].label_lat, districts["23"].label_lon
    response = page.request.post(
        f"{live_server.url}/open311/v2/requests.json",
        form={
            "api_key": secret,
            "service_code": "safety",
            "lat": str(lat),
            "long": str(lon),
            "description": "Der Weg ist abends dunkel.",
        },
    )
    assert response.status == 200
    request_id = response.json()[0]["service_request_id"]
    page.goto(f"/vorschlaege/{request_id}")
    expect(page.locator("dl.facts")).to_contain_text("über Stadtapp Erfurt")

    page.goto("/admin/open311/")
    expect(page.locator("#new-key")).to_have_count(0)
    page.get_by_role("button", name="Schlüssel von „Stadtapp Erfurt“ widerrufen").click()
    expect(page.locator("table")).to_contain_text("widerrufen am")
    refused = page.request.post(
        f"{live_server.url}/open311/v2/requests.json",
        form={"api_key": secret, "service_code": "safety", "lat": str(lat), "long": str(lon)},
    )
    assert refused.status == 403

    page.goto("/admin/open311/")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Open311 API keys", exact=True)).to_be_visible()
    assert_no_serious_axe_violations(page)
