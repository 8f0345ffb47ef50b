"""Absolute links come from BASE_URL, never from the request's Host or X-Forwarded-Host.

A client chooses its Host header; a password-reset link built from it would send the victim's
valid token to the attacker's server. Each test sends the spoofed host three ways: as Host, as
X-Forwarded-Host behind the proxy fix, and as X-Forwarded-Host with PROXY_FIX_HOST trusted.
"""

from __future__ import annotations

import csv
import io
import re

import pytest

from app.core.mail import outbox
from app.core.urls import external_url
from app.extensions import db
from app.proposals import services as proposals

BASE_URL = "https://quartier.example/buerger"
EVIL = "evil.example"
PASSWORD = "correct horse battery"  # the create_user factory's default

SPOOFS = {
    "host": ({}, {"Host": EVIL}),
    "forwarded-host": ({"PROXY_FIX": True}, {"X-Forwarded-Host": EVIL}),
    "forwarded-host-trusted": (
        {"PROXY_FIX": True, "PROXY_FIX_HOST": True},
        {"X-Forwarded-Host": EVIL, "X-Forwarded-Proto": "http"},
    ),
}


@pytest.fixture(params=list(SPOOFS))
def spoof(request) -> tuple[dict, dict]:
    return SPOOFS[request.param]


@pytest.fixture
def app_overrides(spoof):
    overrides, _headers = spoof
    return {"BASE_URL": BASE_URL, **overrides}


@pytest.fixture
def headers(spoof) -> dict:
    return spoof[1]


def links_in_last_mail() -> list[str]:
    return re.findall(r"https?://\S+", outbox()[-1].get_content())


def assert_from_base_url(links: list[str], path: str) -> None:
    assert links, "the mail has a link"
    for link in links:
        assert link.startswith(f"{BASE_URL}/{path}/"), link
        assert EVIL not in link


def sign_in(client, user, headers) -> None:
    response = client.post(
        "/anmelden", data={"email": user.email, "password": PASSWORD}, headers=headers
    )
    assert response.status_code == 302


def test_password_reset_link_ignores_the_request_host(client, create_user, headers):
    user = create_user()
    response = client.post("/passwort-vergessen", data={"email": user.email}, headers=headers)
    assert response.status_code == 302
    assert outbox()[-1]["To"] == user.email
    assert_from_base_url(links_in_last_mail(), "passwort-neu")


def test_confirmation_link_ignores_the_request_host(client, headers):
    response = client.post(
        "/registrieren",
        data={
            "email": "neu@example.org",
            "display_name": "Nachbarin",
            "password": "lange-genug-1",
            "password_confirm": "lange-genug-1",
            "accept_privacy": "y",
        },
        headers=headers,
    )
    assert response.status_code == 302
    assert outbox()[-1]["To"] == "neu@example.org"
    assert_from_base_url(links_in_last_mail(), "bestaetigen")


def test_resent_confirmation_link_ignores_the_request_host(client, create_user, headers):
    user = create_user(confirmed=False)
    sign_in(client, user, headers)
    before = len(outbox())
    response = client.post("/bestaetigen/erneut", headers=headers)
    assert response.status_code == 302
    assert len(outbox()) == before + 1
    assert_from_base_url(links_in_last_mail(), "bestaetigen")


@pytest.fixture
def visible_proposal(districts):
    proposals.load_categories()
    category = next(c for c in proposals.categories() if c.slug == "other")
    proposal = proposals.create_proposal(
        None,
        title="Mehr Bänke",
        description="Zum Ausruhen.",
        category=category,
        place=proposals.place_from_district(districts["23"], ""),
    )
    proposal.moderation_state = "visible"
    db.session.commit()
    return proposal


def test_share_link_ignores_the_request_host(client, visible_proposal, headers):
    page = client.get(f"/vorschlaege/{visible_proposal.id}", headers=headers)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'value="{BASE_URL}/vorschlaege/{visible_proposal.id}"' in html
    assert EVIL not in html


def test_export_and_print_links_ignore_the_request_host(
    client, create_user, visible_proposal, headers
):
    sign_in(client, create_user("council_member", council="23"), headers)
    export = client.get("/ortsteilrat/moskauer-platz/export.csv", headers=headers)
    assert export.status_code == 200
    text = export.data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert rows[1][-1] == f"{BASE_URL}/vorschlaege/{visible_proposal.id}"
    assert EVIL not in text

    printed = client.get("/ortsteilrat/moskauer-platz/druckansicht", headers=headers)
    assert printed.status_code == 200
    html = printed.get_data(as_text=True)
    assert f"{BASE_URL}/vorschlaege/{visible_proposal.id}" in html
    assert EVIL not in html


def test_external_url_outside_a_request(app):
    """CLI commands and a mail worker have no request: the same links."""
    assert external_url("accounts.reset_password", token="abc") == (f"{BASE_URL}/passwort-neu/abc")
    assert external_url("proposals.show", proposal_id=7, _anchor="comment-3") == (
        f"{BASE_URL}/vorschlaege/7#comment-3"
    )


def test_external_url_inside_a_request_ignores_its_host(app, headers):
    with app.test_request_context("/", headers={"Host": EVIL, **headers}):
        assert external_url("core.index") == f"{BASE_URL}/"
