"""Configuration, security headers and CSRF."""

from __future__ import annotations

import re

import pytest

from app import create_app
from config import DEV_SECRET_KEY, ProductionConfig


@pytest.mark.parametrize("key", [None, "", DEV_SECRET_KEY, "short"])
def test_production_refuses_to_start_without_a_real_secret_key(monkeypatch, key):
    if key is None:
        monkeypatch.delenv("SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("SECRET_KEY", key)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")


def test_production_sets_secure_cookie_flags(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    app = create_app("production", SQLALCHEMY_DATABASE_URI="sqlite://")
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert not app.config["DEMO_CONTENT_ALLOWED"]
    assert ProductionConfig.MAIL_BACKEND in {"smtp", "console"}


def test_default_database_is_sqlite_under_instance(monkeypatch):
    import config

    assert config.Config.SQLALCHEMY_DATABASE_URI.startswith("sqlite:///") or (
        "DATABASE_URL" in __import__("os").environ
    )


def test_content_security_policy_has_no_unsafe_inline_scripts(client, districts):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]+)", policy).group(1)
    assert "'unsafe-inline'" not in script_src
    nonce = re.search(r"'nonce-([^']+)'", script_src).group(1)
    html = response.get_data(as_text=True)
    inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline_scripts, "the page has the Leaflet icon script"
    for attributes in inline_scripts:
        assert f'nonce="{nonce}"' in attributes
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in policy


def test_nonce_changes_per_request(client, districts):
    first = client.get("/").headers["Content-Security-Policy"]
    second = client.get("/").headers["Content-Security-Policy"]
    assert first != second


def test_no_third_party_urls_in_pages(client, districts):
    html = client.get("/").get_data(as_text=True)
    for url in re.findall(r'(?:src|href)="(https?://[^"]+)"', html):
        assert url.startswith("https://www.govdata.de/")  # a link in the attribution text
    assert "unpkg.com" not in html


class TestCsrf:
    @pytest.fixture
    def app_overrides(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_post_without_token_is_refused(self, client):
        response = client.post("/anmelden", data={"email": "a@example.org", "password": "x" * 12})
        assert response.status_code == 400

    def test_post_with_token_passes(self, client, create_user):
        user = create_user()
        page = client.get("/anmelden").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        response = client.post(
            "/anmelden",
            data={"email": user.email, "password": "correct horse battery", "csrf_token": token},
        )
        assert response.status_code == 302


def test_nul_characters_are_refused(client):
    assert client.get("/?q=a%00b").status_code == 400
    assert client.post("/anmelden", data={"email": "a\x00b@example.org"}).status_code == 400
